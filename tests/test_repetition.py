"""Repetition family (RP)."""

from __future__ import annotations

import time
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.engine import apply_fixes
from audit.model import Article
from audit.registry import get_rule
from rules import _langid
from rules.repetition import (
    BLOCK_LIMIT,
    NEAR_DUPLICATE_RATIO,
    RESTATE_RATIO,
    _ratio_at_least,
    _words,
    near_duplicate,
    repeated_runs,
)

from .helpers import run_rule

CLEAN = Path(__file__).parent / "corpus" / "clean" / "translation_clean.txt"


def _findings(code: str, text: str, title: str | None = None):
    if title is None:
        return run_rule(get_rule(code), text)[1]
    from audit.engine import run_rules

    cfg = Config()
    doc = Doc(Article(id="t", text=text, title=title), cfg)
    return run_rules(doc, [get_rule(code)], cfg)


def test_repeated_paragraph_is_reported_once_and_points_to_the_first():
    para = "The port reopened on Tuesday. Ships began to move again."
    text = f"{para}\nUnions said the deal was fair.\n{para}\n"
    found = _findings("RP001", text)
    assert [(f.start, f.end) for f in found] == [(text.rindex(para), text.rindex(para) + len(para))]
    assert found[0].data == {"first": 0}
    assert "paragraph" in found[0].message
    fixed, _ = apply_fixes(text, found, unsafe=True)
    assert fixed == f"{para}\nUnions said the deal was fair.\n"


def test_repeated_sentence_ignores_case_and_punctuation():
    text = "Troops will arrive on Monday. Officials confirmed it. TROOPS WILL ARRIVE ON MONDAY!"
    assert [f.text for f in _findings("RP001", text)] == ["TROOPS WILL ARRIVE ON MONDAY!"]


# Text made of pieces that stress sentence and word boundaries: full stops
# glued to the next word, closing quotes and apostrophes, abbreviations,
# whitespace other than the plain space, blank lines.
_PIECES = st.sampled_from(
    ["The", "talks", "ended", "Dr", "U.S.", "5.5", "\u0416\u0443\u043a", "’Then", "’", "\u201d", "\u201c", "(", ")", "—", "-", "'", "a", "I"]
)
_GLUE = st.sampled_from(
    [" ", " ", " ", "", ". ", ".", "? ", "! ", "\n", "\n\n", "  ", "\t", "\u2009", "\u2028", "\x0b", ", ", "\x1c", ".\x1f", "\r\n", "\u00a0"]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(_PIECES, _GLUE), max_size=40))
def test_paragraph_words_match_a_fresh_split(parts):
    """The paragraph words RP001 joins from the sentences are exactly the
    words of each paragraph, however the sentence boundaries fall."""
    text = "".join(p + g for p, g in parts)
    doc = Doc(Article(id="t", text=text), Config())
    wordable = _langid.wordable(doc)
    words = _words(doc)
    assert words.paragraphs == [tuple(wordable[s:e].split()) for s, e in doc.paragraphs]
    assert words.sentences == [tuple(wordable[s:e].split()) for s, e in doc.sentences]
    # The article's words are built from the sentences' words: the same as
    # splitting the whole text.
    assert _langid.tokens(doc) == wordable.split()


def test_repeated_paragraph_with_other_sentence_boundaries():
    """Same words, punctuated into one sentence the first time and two the
    second: the paragraph repeats (no sentence does)."""
    first = "The port reopened on Tuesday and ships began to move again"
    second = "The port reopened on Tuesday. And ships began to move again."
    text = f"{first}\nUnions said the deal was fair.\n{second}\n"
    found = _findings("RP001", text)
    assert [(f.text, f.data) for f in found] == [(second, {"first": 0})]
    assert "paragraph" in found[0].message


def test_near_duplicate_threshold_is_documented_and_applied():
    a = ("the", "ministry", "said", "the", "bridge", "would", "reopen", "to", "traffic", "next", "week")
    b = ("the", "ministry", "said", "that", "the", "bridge", "would", "reopen", "to", "all", "traffic", "next", "week")
    r = near_duplicate(a, b)
    assert r is not None and r >= NEAR_DUPLICATE_RATIO
    # Substituted content words: parallel sentences, not a repeat.
    c = ("the", "company", "said", "revenue", "rose", "5", "percent", "in", "the", "first", "quarter")
    d = ("the", "company", "said", "profit", "rose", "5", "percent", "in", "the", "second", "quarter")
    assert near_duplicate(c, d) is None
    # A clause added to a teaser: contained and covering enough.
    e = ("nato", "wants", "to", "send", "an", "additional", "battalion", "to", "the", "region")
    f = (
        "nato",
        "wants",
        "to",
        "send",
        "an",
        "additional",
        "battalion",
        "to",
        "the",
        "region",
        "a",
        "spokesman",
        "said",
        "on",
        "monday",
    )
    assert near_duplicate(e, f) is not None


def test_near_duplicate_candidates_are_the_most_recent_per_block():
    """Each block (first two words, longest word) keeps its BLOCK_LIMIT most
    recent sentences: a repeat of a sentence pushed out by later sentences
    of the same blocks is not compared (bounded work per sentence)."""
    first = "The ministry said the bridge would reopen to traffic next week."
    repeat = "The ministry said that the bridge would reopen to all traffic next week."
    cities = ["Porto", "Lyon", "Graz", "Turin", "Split", "Brno", "Ghent", "Derry", "Malmo"]
    # Same first two words and same longest word ("ministry"), not similar.
    others = [f"The ministry has hired more staff for its local office in {c}." for c in cities]
    within = " ".join([first, *others[: BLOCK_LIMIT - 1], repeat])
    assert [f.text for f in _findings("RP002", within)] == [repeat]
    pushed_out = " ".join([first, *others[:BLOCK_LIMIT], repeat])
    assert _findings("RP002", pushed_out) == []


def test_near_duplicate_in_quotes_is_info():
    text = (
        "He said: \u201cWe will send an additional battalion to the region next week. "
        "We will send an additional battalion to the region next week if needed.\u201d"
    )
    found = _findings("RP002", text)
    assert len(found) == 1 and found[0].severity == "info"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from("abcdef"), max_size=12),
    st.lists(st.sampled_from("abcdefgh"), max_size=30),
    st.sampled_from([RESTATE_RATIO, 0.5, 0.95]),
)
def test_ratio_bound_never_hides_a_similar_pair(a, b, threshold):
    """The shared-word bound only skips pairs whose ratio is below the
    threshold: the decision and the ratio are SequenceMatcher's."""
    ratio = SequenceMatcher(None, tuple(a), tuple(b), autojunk=False).ratio()
    assert _ratio_at_least(tuple(a), tuple(b), threshold) == (ratio if ratio >= threshold else None)


def test_restated_title_field():
    body = "NATO has approved extra forces for Kosovo after clashes in the north, officials said on Monday."
    # The body opens with the title as a sentence: restated.
    text = f"NATO sends more troops to Kosovo. {body}\n"
    found = _findings("RP003", text, title="NATO sends more troops to Kosovo")
    assert [f.text for f in found] == ["NATO sends more troops to Kosovo."]
    assert found[0].data["first"] == -1 and "title" in found[0].message
    assert _findings("RP003", text, title="Alliance reinforces its Balkan mission") == []


def test_text_that_carries_its_own_headline_line_is_not_a_restatement():
    title = "NATO sends more troops to Kosovo"
    body = "NATO has approved extra forces for Kosovo after clashes in the north, officials said on Monday."
    assert _findings("RP003", f"{title}\n\n{body}\n", title=title) == []
    # ... but a second copy of that line is.
    found = _findings("RP003", f"{title}\nBreaking: {title}\n{body}\n", title=title)
    assert [f.text for f in found] == [f"Breaking: {title}"]


def test_restated_headline_skips_date_lines():
    text = (
        "Saturday 20 April, 2024\n"
        "HomeSecurityNATO bolsters forces in Kosovo amid tensions\n\n"
        "NATO bolsters forces in Kosovo amid tensions\n\n"
        "NATO has approved extra forces for Kosovo in response to violent clashes in the north.\n"
    )
    found = _findings("RP003", text)
    assert [f.text for f in found] == ["NATO bolsters forces in Kosovo amid tensions"]


def test_stutter_fixes_are_safe_outside_quotes_only():
    text = "The decision was taken by the the government."
    found = _findings("RP004", text)
    assert found[0].fix.safe
    assert apply_fixes(text, found)[0] == "The decision was taken by the government."
    quoted = "\u201cI I think we can win,\u201d she said."
    found = _findings("RP004", quoted)
    assert [(f.text, f.severity, f.fix.safe) for f in found] == [("I", "info", False)]


def test_stutter_needs_plain_space_between_copies():
    assert _findings("RP004", "The talks ended with the\n\nthe end of the day came.") == []
    assert _findings("RP004", "He said no, no more talks.") == []
    assert _findings("RP004", "It was over. Over the weekend, talks resumed.") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # The doubled phrase ends the text (no word after the second copy) ...
        ("The talks failed in the end in the end", [("in the end", 17)]),
        # ... or starts it (no word before the first copy).
        ("Of the of the plan, little was left.", [("of the", 0)]),
    ],
)
def test_doubled_phrase_at_either_end_of_the_text(text, found):
    assert [(f.text, f.data["first"]) for f in _findings("RP004", text)] == found


def test_loop_severity_and_fix():
    text = "Officials said the the the the the the ministry was closed."
    found = _findings("RP005", text)
    assert [(f.text, f.severity) for f in found] == [("the the the the the the", "error")]
    assert apply_fixes(text, found, unsafe=True)[0] == "Officials said the ministry was closed."
    text = "Officials said the talks would continue, the talks would continue, the talks would continue."
    assert [f.severity for f in _findings("RP005", text)] == ["warning"]


def test_runs_report_the_shortest_period_once():
    doc = Doc(Article(id="t", text="of the of the of the of the report"), Config())
    runs = repeated_runs(doc)
    assert [(r.period, r.copies, r.phrase) for r in runs] == [(2, 4, "of the")]


def test_clean_corpus_has_no_repetition_findings():
    text = CLEAN.read_text(encoding="utf-8")
    for code in ("RP001", "RP002", "RP003", "RP004", "RP005"):
        for art in [text] + text.split("\n\n\n\n"):
            assert [(f.rule, f.text) for f in _findings(code, art)] == []


@pytest.mark.parametrize(
    "text",
    [
        "the " * 250_000,
        "a b " * 250_000,
        "x" * 1_000_000,
        "Talks resumed. " * 60_000,
        "Bora " * 200_000,
        "".join(f"The talks resumed in the capital on Monday morning after delay {i}. " for i in range(20_000)),
        "".join(f"Officials in region {i} said the bridge {i * 7} would reopen next week. " for i in range(20_000)),
        ("word" + " " * 3) * 200_000,
    ],
    ids=[
        "the",
        "a-b",
        "no-spaces",
        "capitalised-loop",
        "capitalised-word",
        "near-dups",
        "shared-blocks",
        "wide-spaces",
    ],
)
def test_repetition_rules_are_linear_on_adversarial_input(text):
    t0 = time.perf_counter()
    for code in ("RP001", "RP002", "RP003", "RP004", "RP005"):
        run_rule(get_rule(code), text)
    assert time.perf_counter() - t0 < 15.0
