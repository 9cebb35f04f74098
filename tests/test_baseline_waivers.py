"""Baselines (keyed by finding key, never by line) and waivers (expiry,
unused waivers)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.baseline import BaselineError, BaselineMatcher, BaselineWriter, load_baseline, parse_baseline
from audit.cli import main
from audit.model import Article, ArticleResult, Finding
from audit.waivers import Waiver, WaiverError, WaiverSet, parse_waivers

from ._ci_rules import write_rules

ARTICLE = (
    "The council met on Monday.. It approved the budget.\n"
    "\n"
    "Officials said the plan would cost more.\n"
    "\n"
    "source site-34\n"
)


@pytest.fixture
def env(tmp_path):
    cfg = write_rules(tmp_path / "cfg")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "b.txt").write_text("A clean article. Nothing to see.\n", encoding="utf-8")
    yield tmp_path, cfg, corpus
    from audit.patterns import uninstall

    uninstall()


def check(cfg, corpus, *args):
    return CliRunner().invoke(
        main, ["check", "--config", str(cfg), str(corpus), "--format", "json", *args], catch_exceptions=False
    )


def report(out: Path) -> dict:
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


# -- baseline ------------------------------------------------------------------------------
def test_baseline_round_trip(env):
    tmp, cfg, corpus = env
    base = tmp / "baseline.json"
    out = tmp / "out"
    r = check(cfg, corpus, "-o", str(out), "--fail-on", "warning", "--write-baseline", str(base))
    assert r.exit_code == 0, r.stderr  # writing a baseline accepts today's findings
    assert f"wrote {base} (baseline, 2 findings)" in r.stderr
    entries = load_baseline(str(base))
    assert [(e.article, e.rule, e.text) for e in entries] == [
        ("a.txt", "TS001", ".."),
        ("a.txt", "TS002", "source site-34"),
    ]

    r = check(cfg, corpus, "-o", str(out), "--fail-on", "warning", "--baseline", str(base))
    assert r.exit_code == 0
    assert "baseline: 0 new, 2 still present, 0 fixed" in r.stderr
    art = report(out)["articles"][0]
    assert {f["waived"] for f in art["findings"]} == {"baseline"} and art["score"] == 100.0

    # Edit an unrelated line and insert a paragraph above: lines move, nothing is new.
    edited = "A new first paragraph was added.\n\n" + ARTICLE.replace(
        "would cost more.", "would cost far more than expected."
    )
    (corpus / "a.txt").write_text(edited, encoding="utf-8")
    r = check(cfg, corpus, "-o", str(out), "--fail-on", "warning", "--baseline", str(base))
    assert r.exit_code == 0 and "baseline: 0 new, 2 still present, 0 fixed" in r.stderr

    # Add a debris line: exactly one new finding, and the gate fails on it.
    (corpus / "a.txt").write_text(edited + "source site-35\n", encoding="utf-8")
    r = check(cfg, corpus, "-o", str(out), "--fail-on", "warning", "--baseline", str(base))
    assert r.exit_code == 1
    assert "baseline: 1 new, 2 still present, 0 fixed" in r.stderr
    new = [f for f in report(out)["articles"][0]["findings"] if not f.get("waived")]
    assert [f["text"] for f in new] == ["source site-35"]

    # Fix the doubled stop: one fixed.
    (corpus / "a.txt").write_text(edited.replace("Monday..", "Monday."), encoding="utf-8")
    r = check(cfg, corpus, "-o", str(out), "--baseline", str(base), "-v")
    assert "baseline: 0 new, 1 still present, 1 fixed" in r.stderr
    assert "fixed: a.txt TS001 '..'" in r.stderr


def test_a_repeated_identical_finding_is_new(env):
    tmp, cfg, corpus = env
    base = tmp / "b.json"
    check(cfg, corpus, "-o", str(tmp / "o"), "--write-baseline", str(base))
    (corpus / "a.txt").write_text(ARTICLE + "source site-34\n", encoding="utf-8")
    r = check(cfg, corpus, "-o", str(tmp / "o"), "--baseline", str(base))
    assert "baseline: 1 new, 2 still present" in r.stderr


def test_baseline_entries_of_unaudited_articles_are_not_fixed(env):
    tmp, cfg, corpus = env
    base = tmp / "b.json"
    check(cfg, corpus, "-o", str(tmp / "o"), "--write-baseline", str(base))
    r = check(cfg, corpus / "b.txt", "-o", str(tmp / "o"), "--baseline", str(base))
    assert "baseline: 0 new, 0 still present, 0 fixed (2 in articles not audited in this run)" in r.stderr


def test_baseline_file_is_deterministic_and_diffable(env):
    tmp, cfg, corpus = env
    a, b = tmp / "a.json", tmp / "b.json"
    check(cfg, corpus, "-o", str(tmp / "o"), "--write-baseline", str(a))
    check(cfg, corpus, "-o", str(tmp / "o"), "--write-baseline", str(b))
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"version": 1') and len(lines) == 4  # one finding per line


def test_baseline_keys_never_contain_line_numbers():
    f1 = Finding("TS002", "n", "debris", "warning", "m", 10, 24, "source site-34", key="k1")
    w = BaselineWriter()
    w.add(ArticleResult(Article("a", "x" * 30), [f1], 95.0, "pass", {}, {"words": 3}))
    data = json.loads(w.dumps())
    assert data["findings"] == [{"article": "a", "rule": "TS002", "key": "k1", "count": 1, "text": "source site-34"}]


def test_matcher_rescores_and_counts():
    fs = [Finding("TS001", "n", "punctuation", "warning", "m", i, i + 2, "..", key="same") for i in (0, 5)]
    res = ArticleResult(Article("a", "..   .."), fs, 90.0, "pass", {}, {"words": 1})
    m = BaselineMatcher(parse_baseline({"findings": [{"article": "a", "rule": "TS001", "key": "same", "count": 1}]}))
    m.apply(res, 60, 85)
    assert [f.waived for f in res.findings] == ["baseline", None]
    assert res.score == 95.0
    rep = m.report()
    assert (rep.new, rep.present, rep.fixed) == (1, 1, 0)


@pytest.mark.parametrize(
    "data,msg",
    [
        ([], "expected an object with a 'findings' list"),
        ({"version": 7, "findings": []}, "unsupported baseline version"),
        ({"findings": [{"rule": "X", "key": "k"}]}, "missing or empty 'article'"),
        ({"findings": [{"article": "a", "rule": "X", "key": "k", "count": 0}]}, "'count' must be a positive"),
    ],
)
def test_invalid_baseline_files(data, msg):
    with pytest.raises(BaselineError, match=msg):
        parse_baseline(data, "b.json")


# -- waivers ------------------------------------------------------------------------------------
def _key(cfg, corpus, tmp, rule):
    out = tmp / "k"
    check(cfg, corpus, "-o", str(out))
    return next(f["key"] for f in report(out)["articles"][0]["findings"] if f["rule"] == rule)


def _waivers(tmp, *items) -> Path:
    p = tmp / "waivers.json"
    p.write_text(json.dumps({"version": 1, "waivers": list(items)}), encoding="utf-8")
    return p


def test_waiver_expiry(env):
    tmp, cfg, corpus = env
    key = _key(cfg, corpus, tmp, "TS001")
    out = tmp / "out"
    active = _waivers(tmp, {"article": "a.txt", "rule": "TS001", "key": key, "reason": "style", "expires": "2999-12-31"})
    r = check(cfg, corpus, "-o", str(out), "--waivers", str(active), "--select", "TS001", "--fail-on", "warning")
    assert r.exit_code == 0 and "waivers:" not in r.stderr
    assert report(out)["articles"][0]["findings"][0]["waived"] == "accepted: style"

    expired = _waivers(tmp, {"article": "a.txt", "rule": "TS001", "key": key, "expires": "2000-01-31"})
    r = check(cfg, corpus, "-o", str(out), "--waivers", str(expired), "--select", "TS001", "--fail-on", "warning")
    assert r.exit_code == 1  # the finding counts again
    assert "waivers: 1 expired (their findings count again), 0 unused" in r.stderr
    assert f"expired: a.txt TS001 {key} (expired 2000-01-31)" in r.stderr
    assert "waived" not in report(out)["articles"][0]["findings"][0]


def test_unused_waivers_are_reported(env):
    tmp, cfg, corpus = env
    w = _waivers(
        tmp,
        {"article": "a.txt", "rule": "TS002", "key": "0000000000000000"},  # no such finding
        {"article": "elsewhere.txt", "rule": "TS002", "key": "1111111111111111"},  # article not audited
        {"article": "a.txt", "rule": "TS003", "key": "2222222222222222"},  # rule did not run
    )
    r = check(cfg, corpus, "-o", str(tmp / "o"), "--waivers", str(w), "--select", "TS001,TS002")
    assert r.exit_code == 0
    assert "waivers: 0 expired (their findings count again), 1 unused" in r.stderr
    assert "unused: a.txt TS002 0000000000000000" in r.stderr


def test_waiver_set_expiry_is_inclusive():
    w = Waiver("a", "TS001", "k", expires="2026-03-01")
    assert not w.expired(dt.date(2026, 3, 1))
    assert w.expired(dt.date(2026, 3, 2))
    ws = WaiverSet([w, Waiver("a", "TS002", "k2")], today=dt.date(2026, 3, 2))
    assert ws.active() == {"k2": "accepted"}
    assert ws.expired() == [w]


@pytest.mark.parametrize(
    "item,msg",
    [
        ({"article": "a", "rule": "X", "key": "k", "expires": "31/01/2027"}, "'expires' must be a date"),
        ({"article": "a", "rule": "X", "key": "k", "expires": 20270131}, "'expires' must be a date"),
        ({"article": "a", "rule": "X", "key": "k", "decision": "maybe"}, "'decision' must be one of"),
        ({"article": "a", "rule": "X", "key": "k", "reason": 3}, "'reason' must be a string"),
    ],
)
def test_invalid_waivers(item, msg):
    with pytest.raises(WaiverError, match=msg):
        parse_waivers({"waivers": [item]}, "w.json")


def test_invalid_waiver_file_is_exit_2(env):
    tmp, cfg, corpus = env
    w = _waivers(tmp, {"article": "a.txt", "rule": "TS001", "key": "k", "expires": "soon"})
    r = check(cfg, corpus, "-o", str(tmp / "o"), "--waivers", str(w))
    assert r.exit_code == 2 and "waivers[0]: 'expires' must be a date" in r.stderr
