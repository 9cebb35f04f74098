"""Engine, registry, scoring and segmentation behaviour."""

from __future__ import annotations

import pytest

from audit import registry
from audit.config import Config
from audit.doc import Doc
from audit.engine import apply_fixes, audit_article, finding_key, make_plan, run_rules
from audit.model import Article, Finding, Fix, Hit
from audit.registry import Rule, parse_example
from audit.scoring import score_article
from audit.text import sentence_spans, paragraph_spans


def _rule(fn, code="ZZ001", category="style", severity="warning"):
    return Rule(code=code, name="test-rule", category=category, severity=severity, fn=fn, summary="Test.", doc="Test.")


def test_crashing_rule_becomes_au001_and_others_still_run():
    def boom(doc):
        raise RuntimeError("kaput")
        yield  # pragma: no cover

    def ok(doc):
        yield Hit(0, 3, "ok")

    doc = Doc(Article("a", "abc def"), Config())
    out = run_rules(doc, [_rule(boom, category="debris"), _rule(ok, code="ZZ002")], Config())
    codes = [f.rule for f in out]
    assert codes == ["AU001", "ZZ002"]
    au = out[0]
    assert au.category == "debris" and au.severity == "error" and "kaput" in au.message and au.data == {"rule": "ZZ001"}


def test_out_of_range_hit_is_a_crash_not_a_bad_report():
    def bad(doc):
        yield Hit(0, 999)

    out = run_rules(Doc(Article("a", "short"), Config()), [_rule(bad)], Config())
    assert [f.rule for f in out] == ["AU001"]


def test_time_budget_skips_remaining_rules():
    import time

    def slow(doc):
        time.sleep(0.05)
        return []

    cfg = Config(time_budget=0.01)
    out = run_rules(Doc(Article("a", "x"), cfg), [_rule(slow), _rule(slow, code="ZZ002")], cfg)
    assert [f.rule for f in out] == ["AU002"] and "ZZ002" in out[0].message


def test_severity_override_from_config():
    def r(doc):
        yield Hit(0, 1)

    cfg = Config(severity={"ZZ001": "error"})
    assert run_rules(Doc(Article("a", "x"), cfg), [_rule(r)], cfg)[0].severity == "error"


def _f(rule, sev, cat="punctuation", waived=None):
    return Finding(rule, "n", cat, sev, "m", 0, 1, "x", waived=waived)


def test_score_formula_caps_each_rule_and_normalises_length():
    # Ten warnings of one rule cost at most 3 × 5 = 15.
    score, status, bd = score_article([_f("PU001", "warning")] * 10, words=350)
    assert score == 85.0 and status == "pass" and bd["by_rule"]["PU001"] == {"raw": 50.0, "capped": 15.0}
    # The same damage in an article four times as long costs half.
    score, _, bd = score_article([_f("PU001", "warning")] * 10, words=1400)
    assert score == 92.5 and bd["length_factor"] == 2.0
    # Errors weigh 20, info 1; waived and tool findings do not count.
    score, status, _ = score_article(
        [_f("EN001", "error"), _f("ST001", "info", "style"), _f("PU001", "warning", waived="ok"), _f("AU001", "error")],
        words=100,
    )
    assert score == 79.0 and status == "warn"
    score, status, _ = score_article([_f("EN001", "error")] * 3 + [_f("LG001", "error", "language")], words=100)
    assert score == 20.0 and status == "fail"


def test_apply_fixes_resolves_overlaps_deterministically():
    text = "abcdef"
    fs = [
        Finding("B", "n", "style", "info", "m", 1, 3, "bc", Fix("X")),
        Finding("A", "n", "style", "info", "m", 2, 4, "cd", Fix("Y")),
        Finding("C", "n", "style", "info", "m", 4, 5, "e", Fix("Z", safe=False)),
    ]
    assert apply_fixes(text, fs) == ("aXdef", 1)
    assert apply_fixes(text, fs, unsafe=True) == ("aXdZf", 2)


def test_finding_key_survives_edits_elsewhere():
    a = "First paragraph.\n\nThe talks failed.. Then more.\n"
    b = "A new, longer first paragraph here.\n\nThe talks failed.. Then more.\n"
    ka = finding_key("id", "PU001", a, a.index(".."), a.index("..") + 2)
    kb = finding_key("id", "PU001", b, b.index(".."), b.index("..") + 2)
    assert ka == kb and len(ka) == 16
    assert finding_key("other", "PU001", a, a.index(".."), a.index("..") + 2) != ka


def test_selection_by_prefix_category_name_and_ignore():
    codes = lambda rs: {r.code for r in rs}  # noqa: E731
    assert codes(registry.select_rules(["SD"])) == {r.code for r in registry.all_rules() if r.code.startswith("SD") and True}
    assert all(r.category == "debris" for r in registry.select_rules(["debris"]))
    assert codes(registry.select_rules(["doubled-stop"])) == {"PU001"}
    assert "PU001" not in codes(registry.select_rules(None, ["PU001"]))
    assert registry.unknown_selectors(["PU", "nonsense-rule", "QQ"]) == ["nonsense-rule", "QQ"]


def test_audit_article_reports_stats_and_keys():
    plan = make_plan(Config(select=["PU001"]))
    res = audit_article(Article("a", "One sentence here.. Another one.\n\nSecond paragraph."), plan)
    assert res.stats["words"] == 7 and res.stats["paragraphs"] == 2 and res.stats["sentences"] == 3
    assert res.findings[0].key and res.findings[0].text == ".."


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He arrived. She left.", ["He arrived.", "She left."]),
        ("Mr. Smith met Dr. Jones in the U.S. capital. Then he left.", ["Mr. Smith met Dr. Jones in the U.S. capital.", "Then he left."]),
        ("Growth hit 3.5 percent. Prices rose.", ["Growth hit 3.5 percent.", "Prices rose."]),
        ("\u201cWe will stay.\u201d The minister left.", ["\u201cWe will stay.\u201d", "The minister left."]),
        ("John F. Kennedy spoke. Crowds cheered!", ["John F. Kennedy spoke.", "Crowds cheered!"]),
        ("Is it over? Nobody knows.", ["Is it over?", "Nobody knows."]),
    ],
)
def test_sentence_splitting(text, expected):
    spans = sentence_spans(text, paragraph_spans(text))
    assert [text[s:e] for s, e in spans] == expected


def test_parse_example_markers():
    ex = parse_example("a ⟦bc⟧ d ⟦e⟧")
    assert ex.text == "a bc d e" and ex.spans == ((2, 4), (7, 8))
    with pytest.raises(ValueError):
        parse_example("a ⟦b")


def test_crashing_annotator_and_stats_provider_become_au003():
    from audit.engine import make_plan

    plan = make_plan(Config(select=["PU001"]))

    def bad_annotator(doc):
        raise KeyError("zone")

    def bad_stats(doc):
        raise ValueError("no stats")

    plan.annotators = [("broken", bad_annotator)]
    plan.stat_providers = [bad_stats]
    res = audit_article(Article("a", "Text here.. More."), plan)
    au = [f for f in res.findings if f.rule == "AU003"]
    assert len(au) == 2 and all(f.key and f.severity == "error" for f in au)
    assert "annotator broken" in au[1].message or "annotator broken" in au[0].message
    assert "broken" not in res.extra
    assert any(f.rule == "PU001" for f in res.findings)
