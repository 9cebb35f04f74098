"""Punctuation rules (PU): behaviour beyond the documented examples —
configuration, severities, fix safety, quote continuation across
paragraphs and the shared quote scan."""

from __future__ import annotations

import pytest

from audit.config import Config
from audit.engine import apply_fixes
from audit.registry import get_rule

from .helpers import run_rule


def spans(code: str, text: str, config: Config | None = None) -> list[tuple[int, int, str]]:
    rule = get_rule(code)
    assert rule is not None
    doc, findings = run_rule(rule, text, config)
    assert not [f for f in findings if f.rule.startswith("AU")]
    return [(f.start, f.end, f.text) for f in findings]


def findings(code: str, text: str, config: Config | None = None):
    rule = get_rule(code)
    assert rule is not None
    return run_rule(rule, text, config)[1]


def fixed(code: str, text: str, unsafe: bool = False, config: Config | None = None) -> str:
    return apply_fixes(text, findings(code, text, config), unsafe=unsafe)[0]


# -- PU001 doubled-stop ---------------------------------------------------------


def test_doubled_stop_safe_and_unsafe_fixes():
    text = "It ended.. Then it began again.\n\nHe left., said the aide."
    got = findings("PU001", text)
    assert [(f.text, f.fix.replacement, f.fix.safe) for f in got] == [("..", ".", True), (".,", ",", False)]
    assert fixed("PU001", text) == "It ended. Then it began again.\n\nHe left., said the aide."
    assert fixed("PU001", text, unsafe=True) == "It ended. Then it began again.\n\nHe left, said the aide."


def test_doubled_stop_abbreviation_lexicon_from_config():
    text = "The contractor, Acme Pty., declined to comment."
    assert spans("PU001", text) == [(24, 26, ".,")]
    cfg = Config(lexicons={"abbreviations": ["Pty."]})
    assert spans("PU001", text, cfg) == []


@pytest.mark.parametrize(
    "text",
    [
        "The talks ended in Washington, D.C., on Monday.",
        "Officials met at 9 a.m., then left at 5 p.m.; nobody spoke.",
        "See e.g., the annex; cf., the report.",
        "The file is ../data/report..txt on the server.",
        "Write to j.doe..press@example.org today.",
        "He said: \u201cWhy?\u201d. She said nothing.",
    ],
)
def test_doubled_stop_leaves_legitimate_runs(text):
    assert spans("PU001", text) == []


def test_doubled_stop_long_mixed_run_needs_review():
    text = "It failed.,.,.,.,.,. Then nothing."
    (f,) = findings("PU001", text)
    assert f.text == ".,.,.,.,.,." and f.fix is not None and not f.fix.safe


# -- quotes: PU002, PU003, PU004 --------------------------------------------------


def test_quote_running_over_several_paragraphs_is_correct():
    text = (
        "\u201cWe came to talk.\n\n"
        "\u201cWe stayed to listen.\n\n"
        "\u201cAnd we will come back,\u201d the envoy said.\n"
    )
    assert spans("PU004", text) == []


def test_quote_left_open_at_the_end_of_the_article_is_reported():
    text = "He said the talks were over.\n\n\u201cWe will not come back."
    assert spans("PU004", text) == [(30, 31, "\u201c")]


def test_continuation_must_use_the_same_quote_system():
    text = "\u201cWe came to talk.\n\n\"We stayed,\" he said."
    assert spans("PU004", text) == [(0, 1, "\u201c")]


def test_hard_wrapped_lines_carry_quotes_and_brackets():
    text = (
        "\u201cWe will come back to the table (if the\n"
        "other side agrees),\u201d the envoy said.\n"
        "\n"
        "\u201cThis line is not wrapped.\n"
        "Officials said nothing."
    )
    assert spans("PU004", text) == [(78, 79, "\u201c")]
    assert spans("PU005", text) == []


def test_nested_single_quotes_and_apostrophes_do_not_unbalance():
    text = (
        "\u201cShe told me, \u2018We\u2019re not leaving,\u2019 and she didn\u2019t,\u201d he said. "
        "The Serbs\u2019 position and the \u201990s were mentioned."
    )
    for code in ("PU002", "PU003", "PU004", "PU006"):
        assert spans(code, text) == [], code


def test_stray_opening_quote_is_not_also_unbalanced():
    text = "\u201cWe are ready,\u201d Stoltenberg added.\u201c.\n\nThe talks resume today."
    assert spans("PU003", text) == [(34, 36, "\u201c.")]
    assert spans("PU004", text) == []


def test_closing_quote_typed_as_opening_has_a_safe_fix():
    text = "Kirby called it \u201dunprecedented\u201d on Friday."
    (f,) = findings("PU004", text)
    assert (f.start, f.fix.replacement, f.fix.safe) == (16, "\u201c", True)
    assert fixed("PU004", text) == "Kirby called it \u201cunprecedented\u201d on Friday."


def test_glued_quotes_fix_inserts_space():
    text = "\u201cWe acted.\u201d\u201cWe will act again,\u201d she said."
    assert fixed("PU002", text) == "\u201cWe acted.\u201d \u201cWe will act again,\u201d she said."


def test_quote_scan_is_computed_once_per_article():
    from audit.doc import Doc
    from audit.model import Article
    from rules.punctuation import quote_scan

    doc = Doc(Article(id="a", text="He said \u201cno\u201d."))
    assert quote_scan(doc) is quote_scan(doc)


# -- PU005 ----------------------------------------------------------------------


def test_brackets_across_paragraphs_are_reported_per_paragraph():
    text = "The council (the political body\n\nof the alliance) met."
    assert spans("PU005", text) == [(12, 13, "("), (48, 49, ")")]


# -- PU006 mixed-quote-styles -----------------------------------------------------


def test_mixed_styles_minority_is_reported_with_dominant_fix():
    text = '\u201cOne,\u201d he said. \u201cTwo,\u201d she said. "Three," they said.'
    got = findings("PU006", text)
    assert [(f.text, f.fix.replacement, f.severity) for f in got] == [('"', "\u201c", "warning"), ('"', "\u201d", "warning")]


def test_mixed_styles_straight_majority_wins():
    text = '"One," he said. "Two," she said. \u201cThree,\u201d they said.'
    got = findings("PU006", text)
    assert [(f.text, f.fix.replacement) for f in got] == [("\u201c", '"'), ("\u201d", '"')]


def test_mixed_apostrophes_are_info_and_only_unambiguous_ones_safe():
    text = "\u201cIt\u2019s over,\u201d Kosovo\u2019s premier said; the EU\u2019s envoy didn\u2019t object. Serbia's army said 'no'."
    got = findings("PU006", text)
    assert {f.severity for f in got} == {"info"}
    assert [(text[f.start - 1 : f.end + 1], f.fix.replacement, f.fix.safe) for f in got] == [
        ("a's", "\u2019", True),
        (" 'n", "\u2018", False),
        ("o'.", "\u2019", True),
    ]


def test_low9_article_fixes_need_review():
    text = "Er sagte \u201eja\u201c und \u201enein\u201c. Dann \"vielleicht\"."
    got = findings("PU006", text)
    assert got and all(not f.fix.safe for f in got)


# -- PU007, PU008 -------------------------------------------------------------------


def test_space_before_punctuation_tab_and_nbsp():
    assert spans("PU007", "Monday\t, officials said.") == [(6, 8, "\t,")]
    assert spans("PU007", "Le ministre a dit\u00a0: oui.") == [(17, 19, "\u00a0:")]


def test_space_before_punctuation_reports_the_whole_run_of_spaces():
    # The scan starts at the run holding the first space-like character
    # before a mark: a tab or no-break space after plain spaces, or a run
    # that starts well before the first candidate, is reported whole.
    text = "It rained on Monday \t, officials said. Later  \u00a0: yes. Then   ."
    assert spans("PU007", text) == [(19, 22, " \t,"), (44, 48, "  \u00a0:"), (58, 62, "   .")]


@pytest.mark.parametrize(
    "text",
    [
        "The namespace java.lang.String was cited.",
        "Visit Example.Com or mail press@Example.Org.",
        "The U.S.-led coalition met in the E.U. capital.",
        "It is in version 3.5.Final now.",
    ],
)
def test_missing_space_leaves_addresses_and_code(text):
    assert spans("PU008", text) == []


def test_missing_space_after_comma_and_question_mark():
    text = "He asked why?Nobody knew,and nobody said."
    assert spans("PU008", text) == [(12, 13, "?"), (24, 25, ",")]
    assert fixed("PU008", text) == "He asked why? Nobody knew, and nobody said."


# -- PU009 ----------------------------------------------------------------------------


def test_spaced_hyphen_en_dash_option():
    text = "The subsidies - the main sticking point - were dropped."
    assert [f.fix.replacement for f in findings("PU009", text)] == ["\u2014", "\u2014"]
    cfg = Config(rule_options={"PU009": {"dash": "en"}})
    got = findings("PU009", text, cfg)
    assert [(f.fix.replacement, f.fix.safe) for f in got] == [("\u2013", False), ("\u2013", False)]


def test_spaced_hyphen_not_in_ranges_bullets_or_minus_lists():
    text = "Scores: 3 - 1, 10 - 12.\n- first point\n  - nested point\nPages 4-5."
    assert spans("PU009", text) == []


# -- PU010, PU011, PU012 ----------------------------------------------------------------


def test_repeated_exclamation_is_info_and_mixed_runs_are_unsafe():
    got = findings("PU010", "We won!! Really?!")
    assert [(f.text, f.severity, f.fix.safe) for f in got] == [("!!", "info", True), ("?!", "info", False)]


def test_letter_spaced_word_in_headline():
    assert fixed("PU011", "E X C L U S I V E: the plan") == "EXCLUSIVE: the plan"


def test_lone_section_break_is_info_and_runs_are_warnings():
    lone = findings("PU012", "One part.\n\n***\n\nAnother part.")
    assert [(f.text, f.severity, f.fix.safe) for f in lone] == [("***", "info", False)]
    run = findings("PU012", "One part.\n***\n***\nAnother part.")
    assert [(f.text, f.severity) for f in run] == [("***", "warning"), ("***", "warning")]


def test_symbol_lines_at_the_end_are_deleted_cleanly():
    text = "Body text.\n-----\n====="
    assert fixed("PU012", text) == "Body text."
