"""Every rule's documented examples, executed.

``bad`` examples must yield exactly the marked spans (no more, no fewer);
``good`` examples must yield nothing. A rule without both kinds of example
is not done.
"""

from __future__ import annotations

import pytest

from audit.engine import apply_fixes
from audit.registry import all_rules, parse_example

from .helpers import run_rule

RULES = all_rules()
BAD = [(r, i, b) for r in RULES for i, b in enumerate(r.bad)]
GOOD = [(r, i, g) for r in RULES for i, g in enumerate(r.good)]


def _fmt(text: str, spans) -> str:
    return ", ".join(f"{s}:{e} {text[s:e]!r}" for s, e in sorted(spans)) or "nothing"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert rule.bad, f"{rule.code} has no bad examples"
    assert rule.good, f"{rule.code} has no good examples"
    assert "why it matters" in rule.doc.lower(), f"{rule.code} docstring lacks 'Why it matters'"
    assert rule.summary.endswith("."), f"{rule.code} summary should be a sentence"


@pytest.mark.parametrize("rule,i,example", BAD, ids=[f"{r.code}-bad{i}" for r, i, _ in BAD])
def test_bad_example_is_flagged_exactly(rule, i, example):
    ex = parse_example(example)
    assert ex.spans, f"{rule.code} bad example {i} marks no span"
    doc, findings = run_rule(rule, ex.text)
    tool = [f for f in findings if f.rule.startswith("AU")]
    assert not tool, tool[0].message
    got = {(f.start, f.end) for f in findings}
    assert got == set(ex.spans), f"expected {_fmt(doc.text, ex.spans)}; got {_fmt(doc.text, got)}"
    for f in findings:
        assert f.text == doc.text[f.start : f.end]
    if ex.fixed is not None:
        fixed, n = apply_fixes(doc.text, findings, unsafe=True)
        assert n > 0
        assert fixed == ex.fixed


@pytest.mark.parametrize("rule,i,example", GOOD, ids=[f"{r.code}-good{i}" for r, i, _ in GOOD])
def test_good_example_is_not_flagged(rule, i, example):
    doc, findings = run_rule(rule, example)
    assert not findings, f"{rule.code} flagged {_fmt(doc.text, [(f.start, f.end) for f in findings])} in a good example"
