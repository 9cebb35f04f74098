"""Fast paths of the punctuation, encoding and debris families against the
general code they short-cut: on fuzzed texts rich in the characters each
one looks at, the fast path either declines or gives exactly the general
result."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.doc import Doc
from audit.model import Article
from rules import punctuation as pu


def make_doc(text: str) -> Doc:
    return Doc(Article(id="t", text=text))


def scan_state(scan: pu.QuoteScan) -> tuple:
    return (list(scan.mark_tuples()), list(scan.glued), list(scan.stray), list(scan.unbalanced))


# Pieces of text around quote marks: words, stops, line breaks, marks of
# every system, so alternation, glued marks, stray marks and pairs over
# two lines all turn up.
QUOTE_PIECES = [
    "\u201c", "\u201d", "\u201c", "\u201d", '"', "\u201e", "\u00ab", "\u00bb",
    "word", "He said", " ", " ", ".", ",", ";", ":", "!", "?", "\n", "\n\n", "5", "A", "'",
]


def quote_texts(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        k = rng.randint(1, 30)
        out.append("".join(rng.choice(QUOTE_PIECES) for _ in range(k)))
    return out


def curly_articles(rng: random.Random, n: int) -> list[str]:
    """Mostly well-formed curly quoting, with one damage now and then."""
    sentences = [
        "\u201cWe are ready,\u201d she said.",
        "He called it \u201cunprecedented\u201d.",
        "\u201cIt is over.\u201d",
        "Officials met on Monday.",
        "\u201cNo.\u201d.",
        "\u201c.",
        "\u201cWe\u201d\u201cthey\u201d",
        "\u201cOpen",
        "close\u201d",
        "\u201c\u201d",
    ]
    weights = [6, 6, 4, 8, 1, 1, 1, 1, 1, 1]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 12)):
            parts.append(rng.choices(sentences, weights)[0])
            parts.append(rng.choice([" ", " ", "\n", "\n\n"]))
        out.append("".join(parts).strip() or "x")
    return out


def check_quote_fast_path(text: str) -> bool:
    """Assert the fast path agrees with the general scan; return whether it applied."""
    fast = pu.QuoteScan()
    applied = pu._plain_curly_quotes(make_doc(text), fast)
    general = pu._scan_quotes_general(make_doc(text), pu.QuoteScan())
    if applied:
        assert scan_state(fast) == scan_state(general), text
    else:
        assert scan_state(fast) == ([], [], [], []), "a declining fast path must leave the scan untouched"
    return applied


def test_quote_fast_path_matches_general_scan_on_random_texts():
    rng = random.Random(8)
    applied = 0
    for text in quote_texts(rng, 4000) + curly_articles(rng, 4000):
        applied += check_quote_fast_path(text)
    assert applied > 1000  # the fast path is exercised, not only declined


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(QUOTE_PIECES), max_size=40).map("".join))
def test_quote_fast_path_matches_general_scan(text):
    check_quote_fast_path(text)


# -- SD009: the placeholder pre-check ------------------------------------------

PLACEHOLDER_PIECES = [
    "{{title}}", "${x}", "%s", "%(name)s", "5%", "[object Object]", "[insert name]", "[", "{",
    "lorem ipsum", "Lorem Ipsum", "LOREM IPSUM", "orem", "TKTK", "TK", "K", "__NAME__", "__", "_",
    "word", " ", "\n", ".",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PLACEHOLDER_PIECES), max_size=12).map("".join))
def test_placeholder_pre_check_is_that_of_zones_placeholders(text):
    from audit.zones import placeholders
    from rules.debris import _placeholder_possible

    found = list(placeholders(make_doc(text)))
    if found:
        assert _placeholder_possible(text)
    # The reordered pre-check is the same condition as zones' own.
    same = any(s in text for s in ("{", "%", "[", "orem", "TKTK", "__"))
    assert _placeholder_possible(text) == same


# -- PU001/PU007-PU010: the shared punctuation pre-check -----------------------


def reference_suspects(text: str) -> dict[str, int]:
    """The pre-check as it was before the no-break spaces were looked up
    in the set of the article's non-ASCII characters."""
    first: dict[str, int] = {}
    for mark, any_rule, per_rule in pu._MARK_GATES:
        if mark not in text:
            continue
        m = any_rule.search(text)
        if m is None:
            continue
        for code, pattern in per_rule:
            hit = pattern.search(text, m.start())
            if hit is not None and hit.start() < first.get(code, pu._END):
                first[code] = hit.start()
    for c in pu._SPACE_LIKE_BEFORE_MARK:
        i = text.find(c)
        if i != -1 and i < first.get("PU007", pu._END):
            first["PU007"] = i
    return first


MARK_PIECES = ["word", "Word", " ", "\t", "\u00a0", "\u202f", "\n", ".", ",", ";", ":", "!", "?", "-", "\u201d", "U.S.", "5"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(MARK_PIECES), max_size=25).map("".join))
def test_punctuation_suspects_match_the_reference(text):
    assert pu._punctuation_suspects(make_doc(text)) == reference_suspects(text)


# -- PU005: brackets ------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["(", ")", "[", "]", "{", "}", "word", " ", "\n", "a)", ":)"]), max_size=20).map("".join))
def test_bracket_scan_early_exit_is_exact(text):
    problems = pu._scan_brackets(make_doc(text))
    if not any(c in text for c in "()[]{}"):
        assert problems == []


# -- SD: the per-article lists of furniture and glued lines ---------------------


def debris_texts() -> list[str]:
    from audit.registry import select_rules

    out = []
    for r in select_rules(["SD"]):
        for ex in list(r.bad) + list(r.good):
            text = ex["text"] if isinstance(ex, dict) else ex
            out.append(text.replace("\u27e6", "").replace("\u27e7", ""))
    rng = random.Random(12)
    for _ in range(200):
        out.append("\n".join(rng.sample(out[: len(out) // 2 or 1], k=min(3, len(out) // 2 or 1))))
    return out


def test_debris_and_glued_lines_are_those_of_the_zones():
    from rules.debris import debris_lines, glued_lines

    texts = debris_texts()
    with_debris = with_glued = 0
    for text in texts:
        doc = make_doc(text)
        expected_debris = tuple(doc.zones.debris())
        expected_glued = tuple(lz for lz in doc.zones if lz.glued is not None)
        assert debris_lines(doc) == expected_debris
        assert glued_lines(doc) == expected_glued
        with_debris += bool(expected_debris)
        with_glued += bool(expected_glued)
    assert with_debris > 20 and with_glued > 2
