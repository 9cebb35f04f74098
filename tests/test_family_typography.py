"""The punctuation (PU) and encoding (EN) families as a whole: clean news
text stays clean, safe fixes leave nothing behind, adversarial input is
linear."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.engine import apply_fixes, run_rules
from audit.model import Article
from audit.readers import clean_text
from audit.registry import all_rules, select_rules
from rules.punctuation import MAX_HITS

CLEAN = Path(__file__).parent / "corpus" / "clean" / "typography_clean.txt"
FAMILY = select_rules(["PU", "EN"])


def audit(text: str, rules=FAMILY, config: Config | None = None):
    text, errors = clean_text(text)
    cfg = config or Config(time_budget=0)
    doc = Doc(Article(id="t", text=text, decode_errors=errors), cfg)
    return text, run_rules(doc, rules, cfg)


def test_family_is_complete_and_categorised():
    codes = {r.code for r in FAMILY}
    assert {f"PU{n:03d}" for n in range(1, 13)} <= codes
    assert {f"EN{n:03d}" for n in range(1, 12)} <= codes
    for r in FAMILY:
        assert r.category == ("punctuation" if r.code.startswith("PU") else "encoding"), r.code
    # PU001 and EN001 keep their historical names.
    names = {r.code: r.name for r in all_rules()}
    assert names["PU001"] == "doubled-stop" and names["EN001"] == "undecodable-bytes"


def test_clean_news_text_is_long_enough_and_raises_nothing():
    text = CLEAN.read_text(encoding="utf-8")
    assert len(text.split()) >= 3000
    _text, found = audit(text)
    serious = [f for f in found if f.severity in ("warning", "error")]
    assert not serious, [(f.rule, f.text, f.message) for f in serious]
    assert not found, [(f.rule, f.text, f.message) for f in found]


# Damage of every kind the family fixes safely, one per sentence so that no
# two fixes compete for the same characters.
DAMAGED = "\n\n".join(
    [
        "NATO is ready to make adjustments if necessary.. Talks resume next month,, officials said.",
        "Who pays?. Nobody knows.",
        "\u201cWe acted.\u201d\u201cWe will act again,\u201d she said.",
        "The army said it was \u201c\u201cready\u201d and called it \u201cunprecedented.\u201d. Then it left.",
        "\u201cWe will always act,\u201d Stoltenberg added.\u201c.",
        "Kirby called the build-up \u201cunprecedented\u201c on Friday.",
        "Another official called it \"worrying\" on Saturday.",
        "Serbia's army and Kosovo\u2019s police, the EU\u2019s envoy and NATO\u2019s chief met.",
        "The talks resumed on Monday , officials said.",
        "The talks lasted two weeks.The deal was signed later.",
        "We won!! The fans cheered.",
        "The N A T O summit opened.",
        "-----",
        "Kosovo police said it\u00e2\u20ac\u2122s calm.",
        "Procter &amp; Gamble said it&#8217;s fine.",
        "<p>NATO sent troops.</p> Talks failed.<br/>Troops stayed.",
        "It\\u2019s over, a spokesman said.",
        "Kos\u200bovo and inde\u00adpendence were discussed.",
        "The \u202ehidden\u202c word.",
        "Police\x00 said it\x92s over. \x1b[31mAlert\x1b[0m.",
        "Police in K\u043esovo said Kos\u00a0ovo is calm.",
    ]
)


def test_safe_fixes_leave_no_finding_from_the_family():
    text, found = audit(DAMAGED)
    codes = {f.rule for f in found}
    expected = {
        "PU001", "PU002", "PU003", "PU004", "PU006", "PU007", "PU008", "PU010", "PU011", "PU012",
        "EN003", "EN004", "EN005", "EN006", "EN007", "EN008", "EN009", "EN010", "EN011",
    }  # fmt: skip
    assert expected <= codes, expected - codes
    fixed, n = apply_fixes(text, found)
    assert n >= len(expected)
    _again, left = audit(fixed)
    assert not left, [(f.rule, f.text, f.message) for f in left]


def test_seed_like_damage_is_found():
    text = (
        "NATO said: \u201cthe council approved the deployment.\u201d\u201c.\n\n"
        "A battalion was placed at the disposal of \u201cKFOR\u201d when necessary..\n\n"
        "\u201cWe will act,\u201d Stoltenberg added.\u201c.\n\n"
        "The forces - KFOR, are stationed in Kosovo."
    )
    _text, found = audit(text)
    assert [(f.rule, f.text) for f in found] == [
        ("PU003", "\u201c."),
        ("PU001", ".."),
        ("PU003", "\u201c."),
        ("PU009", "-"),
    ]


MB = 1_000_000
ADVERSARIAL = {
    "full stops": "." * MB,
    "doubled stops between letters": "a.." * (MB // 3),
    "stops and commas": ".," * (MB // 2),
    "straight quotes": '"' * MB,
    "curly opening quotes": "\u201c" * MB,
    "all quote marks": "\u201c\u201d\u201e\u00ab\u00bb\"" * (MB // 6),
    "apostrophes": "'\u2019" * (MB // 2),
    "ampersands": "&" * MB,
    "entities": "&amp;" * (MB // 5),
    "unterminated entities": "&#" * (MB // 2),
    "letters without spaces": "a" * MB,
    "letters with homoglyphs": "a\u043e" * (MB // 2),
    "angle brackets": "<" * MB,
    "unclosed tags": '<a href="' * (MB // 9),
    "escaped tags": "&lt;a " * (MB // 6),
    "comments": "<!--" * (MB // 4),
    "backslashes": "\\" * MB,
    "byte escapes": "\\x" * (MB // 2),
    "single letters": "a " * (MB // 2),
    "spaced hyphens": " - " * (MB // 3),
    "parentheses": "(" * MB,
    "closing brackets": ")]" * (MB // 2),
    "mojibake": "\u00e2\u20ac\u2122" * (MB // 3),
    "no-break spaces": "a\u00a0" * (MB // 2),
    "zero-width spaces": "a\u200b" * (MB // 2),
    "exclamations": "!?" * (MB // 2),
    "dashes": "-" * MB,
    "glued sentences": "a.Bc" * (MB // 4),
    "control characters": "\x01" * MB,
    "C1 controls": "\x92" * MB,
    "bidi controls": "\u202e" * MB,
    "symbol lines": "-----\n" * (MB // 6),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_family_is_linear_on_one_megabyte_lines(name):
    text = ADVERSARIAL[name]
    cfg = Config(time_budget=0)
    doc = Doc(Article(id=name, text=text), cfg)
    t0 = time.perf_counter()
    for rule in FAMILY:
        for hit in rule.fn(doc):
            assert 0 <= hit.start <= hit.end <= len(text)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, f"{name}: {elapsed:.2f} s"


# Pieces that put the family's pre-checks on the spot: every mark beside
# spaces, tabs, no-break spaces, capitals, letters, quotes and controls.
PIECES = st.sampled_from(
    [
        ".", ",", ";", ":", "!", "?", "-", "--", "\u2026", " ", "  ", "\t", "\u00a0", "\u202f", "\n", "\n\n", "\r",
        "a", "b", "I", "A", "T", "The", "word", "x", "3", "%", ")", "]", "(", "_", "U.S.", "Ltd", "'", "\u2019",
        '"', "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb", "\u00e9", "\u00c3", "\u00e2\u20ac\u2122", "\u00c4\u2021",
        "\u200b", "\u200d", "\u202e", "\u00ad", "\x00", "\x0c", "\x85", "\x92", "\x1b[31m", "\u043e", "\u039d", "\u03bc",
        "\ufffd", "&amp;", "&quot;", "<p>", "\\u2019", "\\n", "* * *", "===", "N A T O", " K o", " s o ", "x ,", "a  .", "3\t;", "\u201d\u00a0:", "\n-----\n", "\n* * *\n", "x.The", "him,and", "1.\u201dAb", " - ", "\t-- ", "\u24d0", "\u0531", "\u0460e",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_pre_checks_never_hide_a_finding(text):
    """A rule's cheap pre-check (``capped(when=...)``) only saves time: the
    rule reports exactly what its full scan reports."""
    doc = Doc(Article(id="t", text=text), Config(time_budget=0))
    for rule in FAMILY:
        full = getattr(rule.fn, "__wrapped__", None)
        assert full is not None, rule.code
        assert list(rule.fn(doc)) == list(itertools.islice(full(doc), MAX_HITS)), rule.code
