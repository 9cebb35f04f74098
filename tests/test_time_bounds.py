"""Time bounds: the per-article time budget, and no rule super-linear.

* The budget (``time-budget`` in the configuration, seconds per article)
  interrupts a rule, stats provider or annotator that runs past it and
  turns the article into an ``AU002`` finding instead of a stalled run.
* Every rule gets 1 MB adversarial lines (runs of ``.``, quotes, ``&``,
  letters without spaces, ``<<<<``, digits with separators, repeated
  words, mixed scripts, …) and must finish each well inside a generous
  bound: a quadratic rule needs minutes on 1 MB, a linear one about a
  second. The bound is enforced with the engine's own ``Deadline``, so a
  regression fails fast instead of hanging CI.

CI runs a representative subset of the inputs; the long mode runs all:

    MTAUDIT_FUZZ_EXAMPLES=100000 python -m pytest tests/test_time_bounds.py -q
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time

import pytest
from click.testing import CliRunner

from audit.cli import main
from audit.config import Config
from audit.doc import Doc
from audit.engine import Deadline, audit_article, collect_corpus, make_plan, run_rules
from audit.model import Article, Hit
from audit.registry import Rule

LONG = int(os.environ.get("MTAUDIT_FUZZ_EXAMPLES", "0")) > 1000
#: Seconds one rule may take on one 1 MB line (about ten times the slowest
#: linear rule on a slow machine; a quadratic one takes minutes).
RULE_LIMIT = float(os.environ.get("MTAUDIT_RULE_LIMIT", "20"))
SIZE = 1_000_000


def _rule(fn, code="ZZ001", category="style"):
    return Rule(code=code, name="test-rule", category=category, severity="warning", fn=fn, summary="Test.", doc="Test.")


def _spin(doc):
    yield Hit(0, 1)
    while True:
        pass


def _ok(doc):
    yield Hit(0, 1)


# -- the budget --------------------------------------------------------------------------
def _loop(doc):
    while True:
        pass


def _swallowing_loop(doc):
    # A rule that swallows every Exception is interrupted all the same.
    try:
        while True:
            pass
    except Exception:  # noqa: BLE001 - the point of the test
        return []


def _catastrophic_re(doc):
    # Catastrophic backtracking in the stdlib engine (exponential).
    re.match(r"(a|aa)*c", "a" * 64)
    return []


@pytest.mark.parametrize("stuck", [_loop, _swallowing_loop, _catastrophic_re], ids=lambda f: f.__name__.strip("_"))
def test_budget_interrupts_a_stuck_rule(stuck):
    cfg = Config(time_budget=0.2)
    t0 = time.perf_counter()
    out = run_rules(Doc(Article("a", "abc"), cfg), [_rule(_ok, "ZZ000"), _rule(stuck), _rule(_ok, "ZZ002")], cfg)
    took = time.perf_counter() - t0
    assert took < 5
    au = [f for f in out if f.rule == "AU002"]
    assert len(au) == 1
    assert au[0].message == (
        "article exceeded the time budget of 0.2 s in rule ZZ001 (test-rule), which was interrupted; "
        "skipped 1 rule: ZZ002"
    )
    assert au[0].data == {"rule": "ZZ001", "interrupted": True, "skipped": ["ZZ002"]}
    assert au[0].category == "style" and au[0].severity == "error"
    # Rules before the stuck one keep their findings.
    assert [f.rule for f in out if f.rule != "AU002"] == ["ZZ000"]


def test_interrupted_rule_keeps_the_hits_it_yielded():
    cfg = Config(time_budget=0.1)
    out = run_rules(Doc(Article("a", "abc"), cfg), [_rule(_spin)], cfg)
    assert sorted(f.rule for f in out) == ["AU002", "ZZ001"]
    assert next(f for f in out if f.rule == "AU002").message.endswith("which was interrupted")


def test_pathological_article_becomes_one_au002_and_the_next_article_is_audited():
    plan = make_plan(Config(select=["PU001"], time_budget=0.2))
    plan.rules = [_rule(_spin, category="debris"), *plan.rules]
    bad = audit_article(Article("bad", "Stuck here.. Then more."), plan)
    au = [f for f in bad.findings if f.rule.startswith("AU")]
    assert [f.rule for f in au] == ["AU002"]
    assert "which was interrupted; skipped 1 rule: PU001; results missing: stats provider" in au[0].message
    assert au[0].category == "debris" and au[0].key
    assert au[0].data["skipped_analyses"] == [
        *(f"stats provider {p.__name__}" for p in plan.stat_providers),
        *(f"annotator {name}" for name, _ in plan.annotators),
    ]
    # The shared counts are always there; the hit the stuck rule yielded
    # counts (a warning, -5), the tool finding does not.
    assert bad.stats["words"] == 4 and bad.score == 95.0
    plan.rules = plan.rules[1:]
    good = audit_article(Article("good", "Fine here.. Then more."), plan)
    assert [f.rule for f in good.findings] == ["PU001"]


def test_a_stuck_stats_provider_is_interrupted_too():
    plan = make_plan(Config(select=["PU001"], time_budget=0.2))

    def stuck_stats(doc):
        while True:
            pass

    plan.stat_providers = [stuck_stats]
    plan.annotators = [("later", lambda doc: 1)]
    res = audit_article(Article("a", "Text.. More."), plan)
    au = [f for f in res.findings if f.rule == "AU002"]
    assert len(au) == 1
    assert au[0].message == (
        "article exceeded the time budget of 0.2 s in stats provider stuck_stats, which was interrupted; "
        "results missing: stats provider stuck_stats, annotator later"
    )
    assert "later" not in res.extra
    assert any(f.rule == "PU001" for f in res.findings)


def test_zero_budget_means_no_budget():
    calls = []

    def slow(doc):
        time.sleep(0.05)
        calls.append(1)
        return []

    cfg = Config(time_budget=0)
    out = run_rules(Doc(Article("a", "x"), cfg), [_rule(slow), _rule(slow, "ZZ002")], cfg)
    assert out == [] and len(calls) == 2


def test_someone_elses_alarm_is_left_alone():
    """With a foreign SIGALRM handler (e.g. the embedding program's), the
    budget is enforced between rules only and the handler survives."""
    fired = []

    def theirs(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, theirs)
    try:
        def slow(doc):
            time.sleep(0.3)
            return []

        cfg = Config(time_budget=0.05)
        out = run_rules(Doc(Article("a", "x"), cfg), [_rule(slow), _rule(slow, "ZZ002")], cfg)
        assert [f.rule for f in out] == ["AU002"] and out[0].data["interrupted"] is False
        assert out[0].message.endswith("after rule ZZ001; skipped 1 rule: ZZ002")
        assert signal.getsignal(signal.SIGALRM) is theirs and not fired
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_budget_between_rules_in_a_worker_thread():
    """Threads (Dask workers) cannot take signals: the budget still stops
    the article between rules."""
    result = {}

    def slow(doc):
        time.sleep(0.2)
        return []

    def work():
        cfg = Config(time_budget=0.05)
        result["out"] = run_rules(Doc(Article("a", "x"), cfg), [_rule(slow), _rule(slow, "ZZ002")], cfg)

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    out = result["out"]
    assert [f.rule for f in out] == ["AU002"] and "skipped 1 rule: ZZ002" in out[0].message


def test_no_timer_is_left_running():
    cfg = Config(time_budget=5)
    run_rules(Doc(Article("a", "x"), cfg), [_rule(_ok)], cfg)
    audit_article(Article("a", "Some text."), make_plan(cfg))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with Deadline(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_budget_interrupts_a_stuck_rule_in_worker_processes(tmp_path):
    """Workers audit in their main thread: the timer works there too, and
    the parallel run finishes with every article reported."""
    from audit import parallel
    from audit.readers import ReaderOptions, read_corpus

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"a{i}.txt").write_text(f"Article {i} is short. It ends.\n", encoding="utf-8")
    plan = make_plan(Config(select=["PU001"], time_budget=0.2))
    plan.rules = [_rule(_spin), *plan.rules]
    t0 = time.perf_counter()
    out = list(parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan,
                                     parallel.ProcessExecutor(2), chunk_articles=2))
    assert time.perf_counter() - t0 < 60
    assert [r.article.id for r in out] == [f"a{i}.txt" for i in range(6)]
    for r in out:
        au = [f for f in r.findings if f.rule == "AU002"]
        assert len(au) == 1 and au[0].data["interrupted"] and au[0].data["skipped"] == ["PU001"]


def test_cli_budget_from_configuration_reports_au002_and_finishes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A short article. It ends here.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Another one. Also short.\n", encoding="utf-8")
    cfg = tmp_path / "mtaudit.toml"
    # A budget of one microsecond: spent before the first rule runs.
    cfg.write_text("time-budget = 0.000001\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main, ["check", "--config", str(cfg), str(corpus), "--format", "json", "-o", str(out), "--jobs", "1"]
    )
    assert r.exit_code == 1, r.output
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in report["articles"]] == ["a.txt", "b.txt"]
    for art in report["articles"]:
        au = [f for f in art["findings"] if f["rule"] == "AU002"]
        assert len(au) == 1 and "before its first rule" in au[0]["message"]


# -- 1 MB adversarial lines --------------------------------------------------------------
#: name → unit repeated to 1 MB (one line unless the unit has line breaks).
ADVERSARIAL = {
    "dots": ".",
    "dots-spaced": ". ",
    "straight-quotes": '"',
    "curly-quotes": "\u201c\u201d",
    "ampersands": "&",
    "entities": "&amp",
    "letters-no-spaces": "abcdefghij",
    "angle-brackets": "<",
    "digits-separators": "1,234.567 ",
    "digits-commas": "1,2",
    "repeated-word": "the ",
    "mixed-scripts": "K\u043es\u043ev\u043e \u041f\u0440\u0438\u0448\u0442\u0438\u043d\u0430 \u0627\u0644\u0646\u0627\u062a\u0648 \u5317\u7ea6 ",
    "repeated-paragraph": "The minister said the talks would resume on Monday.\n\n",
    "repeated-two-sentence-paragraph": "The minister said the talks would resume. Officials agreed on Monday.\n\n",
    "repeated-sentence": "The minister said the talks would resume. ",
    "abbreviations": "U.S.",
    "open-quote-paragraphs": "\u201cHe said it.\n\n",
    "nbsp-words": "a\u00a0",
    "cyrillic-letters": "\u0430\u0431",
    "newlines": "\n",
    "spaces": " ",
    "dashes": "- ",
    "capitals": "NATO ",
    "urls": "http://a.b/",
    "parens": "(",
    "closing-parens": ")",
    "space-newline": " \n",
    "commas": ",",
    "apostrophes": "'",
    "backslash-u": "\\u",
    "sentences": "He said. ",
    "ellipsis": "\u2026",
    "tags": "<p>",
    "numeric-entities": "&#8217;",
    "at-signs": "@a",
    "pipes": "| ",
    "dates": "2023-09-30 ",
    "number-dots": "1.",
    "zero-width": "\u200b",
    "bidi": "\u202e",
    "mojibake": "\u00e2\u20ac\u2122",
    "read-more-lines": "Read more\n",
    "initials": "A. B. ",
    "camel-case": "HomeWorldNews",
    "hyphens": "a-",
    "word-commas": "word,",
    "quoted-paragraphs": "\u201cHe said it.\u201d\n\n",
    "single-quotes": "\u2018a ",
    "dot-word": ".a",
    "interrobang": "?!",
    "quoted-words": '"a" ',
    "doubled-word": "said said ",
    "thousands": "50 thousand ",
    "space-groups": "1 000 ",
    "shouting": "BREAKING NEWS ",
    "hashtags": "#news ",
    "emails": "a@b.c ",
    "html-attributes": '<a href="x">',
    "brackets": "[",
    "em-dashes": "\u2014",
    "breadcrumbs": "Home \u203a World \u203a ",
    "source-markers": "source site-34 ",
    "carriage-returns": "\r",
    "crlf-lines": "a\r\n",
    "combining": "e\u0301",
    "emoji": "\U0001f600",
    "arabic": "\u0645\u0631\u062d\u0628\u0627 ",
    "latin-cyrillic": "a\u0431",
    "short-lines": "a\n",
    "bullets": "\u2022 item\n",
    "numbered-lines": "1. item\n",
    "credit-lines": "Photo: Reuters\n",
    "possessives": "NATO's ",
    "semicolons": ";",
    "questions": "Why? ",
    "acronym-lines": "NATO\n",
    "nul": "\x00",
    "replacement-chars": "\ufffd",
    # A few words with long runs of whitespace between them: a short line
    # (bylines, datelines, labels) whose separators sit in a long run.
    "space-runs": "5" + " " * 99_999,
    "tab-runs": "By" + "\t" * 49_998,
    "separator-runs": "Jane Doe |" + " " * 99_990,
    "dash-runs": "a" + " \u2014" * 49_999 + " ",
}
#: The inputs CI runs on every commit (about 30 s in all): the classic
#: backtracking and quadratic-scan traps, and repeated paragraphs for the
#: corpus-wide and cross-paragraph rules.
CI_INPUTS = [
    "dots",
    "straight-quotes",
    "curly-quotes",
    "ampersands",
    "letters-no-spaces",
    "angle-brackets",
    "digits-separators",
    "repeated-word",
    "mixed-scripts",
    "repeated-paragraph",
    "repeated-two-sentence-paragraph",
    "abbreviations",
    "space-runs",
]
PLAN = make_plan(Config(select=["ALL"], time_budget=0))


def _line(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("name", list(ADVERSARIAL) if LONG else CI_INPUTS)
def test_every_rule_is_linear_on_1mb_adversarial_input(name):
    art = Article(id=name, text=_line(ADVERSARIAL[name]), path=f"{name}.txt", source="adversarial")
    slow = {}
    t0 = time.perf_counter()
    corpus = collect_corpus([art], PLAN)  # the collectors' first pass is linear too
    if time.perf_counter() - t0 > RULE_LIMIT:
        slow["collectors"] = round(time.perf_counter() - t0, 1)
    doc = Doc(art, PLAN.config, corpus)
    for rule in PLAN.rules:
        t0 = time.perf_counter()
        with Deadline(RULE_LIMIT) as deadline:
            outcome, value = deadline.guarded(rule.fn, doc, [])
        took = time.perf_counter() - t0
        assert outcome != "crash", f"{rule.code} crashed on {name}: {value!r}"
        if outcome == "timeout" or took > RULE_LIMIT:
            slow[rule.code] = round(took, 1)
    assert not slow, f"rules slower than {RULE_LIMIT:g} s on 1 MB of {name!r}: {slow}"
