"""The Python API: check_text, check_corpus, iter_corpus, fix_text,
load_config — plain dataclasses with to_dict()."""

from __future__ import annotations

import json

import pytest

import audit
from audit import registry
from audit.model import ArticleResult, InputError

from ._ci_rules import write_rules

ARTICLE = "The council met on Monday.. It approved the budget.\n\nsource site-34\n"
WORDY = {
    "code": "HX001",
    "message": "Wordy '{match}'",
    "category": "style",
    "phrases": ["in the framework of"],
    "replacement": "under",
    "fix-safe": True,
}


@pytest.fixture(autouse=True)
def _no_leaks():
    yield
    from audit.patterns import uninstall

    uninstall()
    assert not [r for r in registry.all_rules() if "user" in r.tags]


def test_exports():
    for name in ("check_text", "check_corpus", "iter_corpus", "fix_text", "load_config", "Report", "Config",
                 "Finding", "ArticleResult", "ConfigError", "__version__"):
        assert name in audit.__all__ and getattr(audit, name) is not None
    with pytest.raises(AttributeError):
        audit.nothing_here  # noqa: B018


def test_check_text_returns_findings_with_to_dict(tmp_path):
    cfg = write_rules(tmp_path)
    findings = audit.check_text(ARTICLE, str(cfg))
    assert [(f.rule, f.text, f.start) for f in findings] == [("TS001", "..", 25), ("TS002", "source site-34", 53)]
    d = findings[0].to_dict()
    assert d["rule"] == "TS001" and d["fix"] == {"replacement": ".", "safe": True} and d["key"]
    json.dumps([f.to_dict() for f in findings])
    assert all(isinstance(f, audit.Finding) for f in findings)


def test_check_text_options_override_the_config(tmp_path):
    cfg = write_rules(tmp_path)
    assert [f.rule for f in audit.check_text(ARTICLE, str(cfg), select=["TS002"])] == ["TS002"]
    assert [f.severity for f in audit.check_text(ARTICLE, str(cfg), severity={"TS": "error"})] == ["error", "error"]
    assert audit.check_text(ARTICLE, str(cfg), ignore="debris,punctuation") == []


def test_check_text_with_a_config_object_and_patterns():
    cfg = audit.Config(select=["HX"], patterns=[WORDY])
    found = audit.check_text("Aid flows In the framework of the plan.", cfg)
    assert [(f.rule, f.message) for f in found] == [("HX001", "Wordy 'In the framework of'")]
    assert cfg.patterns == [WORDY]  # the caller's object is not modified
    assert registry.get_rule("HX001") is None  # pattern rules are scoped to the call


def test_check_text_builtin_rules_by_default():
    found = audit.check_text("Talks resume next month,, officials said.", select=["PU001"])
    assert [f.text for f in found] == [",,"]


def test_check_text_errors():
    with pytest.raises(TypeError, match="unexpected keyword argument 'selcet'"):
        audit.check_text("x", selcet=["PU"])
    with pytest.raises(audit.ConfigError, match="fail_under"):
        audit.check_text("x", fail_under=300)
    with pytest.raises(audit.ConfigError, match="unknown rule selector"):
        audit.check_text("x", select=["QQ"])
    with pytest.raises(audit.ConfigError, match="nested"):
        bad = {k: v for k, v in WORDY.items() if k != "phrases"} | {"regex": "(a+)+"}
        audit.check_text("x", patterns=[bad])
    with pytest.raises(TypeError):
        audit.check_text(b"bytes")  # type: ignore[arg-type]


def test_fix_text(tmp_path):
    cfg = write_rules(tmp_path)
    assert audit.fix_text(ARTICLE, str(cfg)) == "The council met on Monday. It approved the budget.\n\n\n"
    assert audit.fix_text("We act in the framework of law..", str(cfg)) == "We act in the framework of law."
    assert audit.fix_text("We act in the framework of law..", str(cfg), unsafe=True) == "We act under law."


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "b.txt").write_text("A clean article. Nothing to see.\n", encoding="utf-8")
    (d / "c.jsonl").write_text('{"text": "Fine.. yes."}\n{bad\n', encoding="utf-8")
    return d


def test_check_corpus_report(tmp_path, corpus):
    cfg = write_rules(tmp_path / "cfg")
    report = audit.check_corpus(corpus, str(cfg), fail_on="warning")
    assert isinstance(report, audit.Report)
    assert [r.article.id for r in report.articles] == ["a.txt", "b.txt", "c.jsonl:1"]
    assert [e.line for e in report.errors] == [2]
    assert report.exit_code == 2 and not report.passed
    assert report.gate.failing == 2 and report.summary["articles"] == 3
    assert [f.rule for f in report.findings] == ["TS001", "TS002", "TS001"]
    d = report.to_dict()
    assert set(d) == {"articles", "errors", "summary", "gate", "config", "tool"}
    assert d["articles"][0]["findings"][0]["line"] == 1
    json.dumps(d)


def test_check_corpus_gate_and_baseline(tmp_path, corpus):
    (corpus / "c.jsonl").unlink()
    cfg = write_rules(tmp_path / "cfg")
    assert audit.check_corpus([corpus], str(cfg), fail_on="warning").exit_code == 1
    assert audit.check_corpus([corpus], str(cfg), fail_on="warning", max_failing="50%").exit_code == 0
    assert audit.check_corpus([corpus], str(cfg), fail_on="warning", max_failing="50%", warn_exit=True).exit_code == 3
    from audit.baseline import BaselineWriter

    w = BaselineWriter()
    for r in audit.check_corpus([corpus], str(cfg)).articles:
        w.add(r)
    w.write(str(tmp_path / "base.json"))
    report = audit.check_corpus([corpus], str(cfg), fail_on="warning", baseline=str(tmp_path / "base.json"))
    assert report.exit_code == 0 and report.baseline.present == 2 and report.baseline.new == 0
    assert report.to_dict()["baseline"] == {"new": 0, "present": 2, "fixed": 0, "not_checked": 0}


def test_iter_corpus_streams_in_order(tmp_path, corpus):
    cfg = write_rules(tmp_path / "cfg")
    items = list(audit.iter_corpus(corpus, str(cfg)))
    kinds = [type(i) for i in items]
    assert kinds == [ArticleResult, ArticleResult, ArticleResult, InputError]


def test_load_config_discovers(tmp_path, monkeypatch):
    (tmp_path / "mtaudit.toml").write_text("fail-under = 42\n", encoding="utf-8")
    sub = tmp_path / "x"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert audit.load_config().fail_under == 42
    assert audit.load_config(tmp_path / "mtaudit.toml").fail_under == 42
