"""Parallel runs: same results as one process, in input order, bounded.

Also defines a corpus-level collector and a rule that needs it (module
level, so worker processes can import them) for the merge tests here and in
``test_dask.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from audit import parallel, registry
from audit.cli import main
from audit.config import Config
from audit.doc import Doc
from audit.engine import Plan, make_plan
from audit.model import Article, ArticleResult, Hit, InputError
from audit.readers import ReaderOptions, read_corpus
from audit.registry import Rule
from audit.runner import iter_results
from bench.corpus import generate

ROOT = Path(__file__).resolve().parent.parent

# -- a corpus-level collector and the rule that reads it ----------------------
LINE_COUNTS = "test-parallel-line-counts"


def _line_hash(line: str) -> str:
    # A stable hash: Python's hash() differs between worker processes.
    return hashlib.blake2b(" ".join(line.split()).lower().encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@registry.collector(LINE_COUNTS, merge=lambda a, b: a + b, empty=Counter, finish=dict)
def observe_lines(doc: Doc) -> Counter:
    """Articles per distinct line (each line counted once per article)."""
    return Counter({_line_hash(doc.text[s:e]) for s, e in doc.paragraphs})


def recurring_line(doc: Doc) -> Iterator[Hit]:
    """Line that recurs in at least three articles of the corpus."""
    counts = doc.corpus[LINE_COUNTS]
    for s, e in doc.paragraphs:
        n = counts.get(_line_hash(doc.text[s:e]), 0)
        if n >= 3:
            yield Hit(s, e, f"line recurs in {n} articles", data={"articles": n})


RECURRING = Rule(
    code="ZZ901",
    name="test-recurring-line",
    category="debris",
    severity="info",
    fn=recurring_line,
    summary="Line that recurs in at least three articles of the corpus.",
    doc="Line that recurs in at least three articles of the corpus.",
    needs=(LINE_COUNTS,),
)


def plan_with_recurring(config: Config | None = None) -> Plan:
    plan = make_plan(config or Config())
    plan.rules = sorted([*plan.rules, RECURRING], key=lambda r: r.code)
    return plan


# -- corpora -----------------------------------------------------------------------
def write_corpus(path: Path, n: int, words: int = 350, seed: int = 7, errors: bool = True) -> Path:
    """A JSONL corpus from the benchmark generator, with a recurring
    boilerplate line in every seventh article and, optionally, malformed
    records and blank lines among the articles (input errors)."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, rec in enumerate(generate(n, words, seed)):
            if i % 7 == 3:
                rec["text"] += "\nSubscribe to our newsletter for the latest headlines\n"
            fh.write(json.dumps(rec) + "\n")
            if errors and i % 50 == 10:
                fh.write("{not json\n")
            if errors and i % 50 == 20:
                fh.write(json.dumps({"id": f"empty-{i}", "text": "   "}) + "\n")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("par") / "corpus.jsonl", 300)


def results(path: Path, plan: Plan, **kw: Any) -> list[Any]:
    return list(iter_results([str(path)], plan, ReaderOptions(), **kw))


def as_json(items: list[ArticleResult | InputError]) -> list[str]:
    from audit.reporters.json import article_dict

    return [
        json.dumps(article_dict(it) if isinstance(it, ArticleResult) else it.to_dict(), sort_keys=True)
        for it in items
    ]


# -- tests ----------------------------------------------------------------------------
def test_jobs_2_report_is_byte_identical_to_jobs_1(corpus, tmp_path):
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        r = CliRunner().invoke(
            main,
            ["check", str(corpus), "-o", str(out), "--format", "json,text:" + str(out / "t.txt"),
             "--id-field", "id", "--jobs", jobs],
        )
        assert r.exit_code == 2, r.output  # input errors in the corpus
        outs[jobs] = ((out / "audit.json").read_bytes(), (out / "t.txt").read_bytes())
    assert outs["1"] == outs["2"]
    data = json.loads(outs["2"][0])
    assert data["summary"]["articles"] == 300 and len(data["errors"]) == 12
    assert [a["id"] for a in data["articles"]] == [f"bench-350w-{i:07d}" for i in range(300)]


def test_items_come_back_in_input_order_with_errors_interleaved(corpus):
    plan = make_plan(Config())
    one = results(corpus, plan, jobs=1)
    many = list(parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan,
                                      parallel.ProcessExecutor(2), chunk_articles=5))
    assert [type(x).__name__ for x in one] == [type(x).__name__ for x in many]
    assert as_json(one) == as_json(many)
    # The workers' results are re-attached to the caller's own articles.
    assert all(isinstance(x, InputError) or x.article.text for x in many)


def test_collector_partials_are_merged_across_workers(corpus):
    plan = plan_with_recurring()
    assert LINE_COUNTS in plan.needed_collectors
    one = results(corpus, plan, jobs=1)
    many = list(parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan,
                                      parallel.ProcessExecutor(2), chunk_articles=4))
    assert as_json(one) == as_json(many)
    hits = [
        f for r in many if isinstance(r, ArticleResult) for f in r.findings
        if f.rule == "ZZ901" and f.text == "Subscribe to our newsletter for the latest headlines"
    ]
    # 300 / 7 articles carry the boilerplate line; every one is flagged with
    # the corpus-wide count, which no single chunk of four could see.
    assert len(hits) == len(range(3, 300, 7)) and {f.data["articles"] for f in hits} == {43}


def test_same_report_whatever_jobs_and_hash_seed(tmp_path):
    # Fresh interpreters: a different PYTHONHASHSEED must not change a byte.
    corpus = write_corpus(tmp_path / "c.jsonl", 150, errors=False)
    outs = []
    for jobs, seed in (("1", "0"), ("2", "12345")):
        out = tmp_path / f"o{jobs}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "audit", "check", str(corpus), "-o", str(out), "--format", "json", "-q",
             "--jobs", jobs],
            cwd=ROOT, env=env, check=False, capture_output=True, timeout=300,
        )
        outs.append((out / "audit.json").read_bytes())
    assert outs[0] == outs[1] and b'"articles": 150' in outs[0]


def test_in_flight_chunks_are_bounded():
    pulled = 0

    def chunks() -> Iterator[list[Any]]:
        nonlocal pulled
        for i in range(100):
            pulled += 1
            yield [Article(f"a{i}", "Text.")]

    seen = []
    for k, (_chunk, res) in enumerate(parallel.ordered(chunks(), lambda arts: arts[0].id, lambda h: h.upper(), 5)):
        # Never more than `window` chunks read ahead of what was yielded.
        assert pulled - k <= 5
        seen.append(res)
    assert seen == [f"A{i}" for i in range(100)]


def test_chunks_close_on_article_count_or_text_size():
    items = [Article(str(i), "x" * 400) for i in range(10)]
    items.insert(3, InputError("f", 1, "bad"))
    sizes = [len(parallel.articles_of(c)) for c in parallel.chunked(items, max_articles=4, max_chars=10_000)]
    assert sizes == [4, 4, 2]
    sizes = [len(parallel.articles_of(c)) for c in parallel.chunked(items, max_articles=100, max_chars=1000)]
    assert sizes == [3, 3, 3, 1]
    assert sum(len(c) for c in parallel.chunked(items, 4)) == 11  # the error travels with its chunk


class _NoWorkers:
    def session(self, plan, corpus):  # pragma: no cover - must not be called
        raise AssertionError("a corpus of one chunk must not start workers")


def test_small_corpus_is_audited_in_process(tmp_path):
    path = write_corpus(tmp_path / "small.jsonl", 10, errors=False)
    plan = make_plan(Config())
    out = list(parallel.audit_stream(lambda: read_corpus([str(path)], ReaderOptions()), plan, _NoWorkers()))
    assert as_json(out) == as_json(results(path, plan, jobs=1))


BROKEN = "test-parallel-broken"


@registry.collector(BROKEN, merge=lambda a, b: None)
def observe_broken(doc: Doc) -> None:
    raise RuntimeError("collector exploded")


def test_a_worker_error_stops_the_run_and_leaves_no_processes(corpus):
    plan = make_plan(Config())
    plan.rules = [*plan.rules, dataclasses.replace(RECURRING, code="ZZ902", needs=(BROKEN,))]
    with pytest.raises(RuntimeError, match="collector exploded"):
        list(parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan,
                                   parallel.ProcessExecutor(2), chunk_articles=10))
    assert multiprocessing.active_children() == []


DIES = "test-parallel-dies"


@registry.collector(DIES, merge=lambda a, b: None)
def observe_and_die(doc: Doc) -> None:
    if doc.article.id.endswith(":40"):
        os._exit(3)  # a worker killed in the middle of a chunk


def test_a_dying_worker_fails_the_run_instead_of_hanging(corpus):
    plan = make_plan(Config())
    plan.rules = [*plan.rules, dataclasses.replace(RECURRING, code="ZZ903", needs=(DIES,))]
    with pytest.raises(parallel.WorkerDied, match="ended abruptly"):
        list(parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan,
                                   parallel.ProcessExecutor(2), chunk_articles=10))
    assert multiprocessing.active_children() == []


def test_stopping_early_terminates_the_pool(corpus):
    plan = make_plan(Config())
    stream = parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan,
                                   parallel.ProcessExecutor(2), chunk_articles=10)
    first = next(stream)
    assert isinstance(first, ArticleResult)
    stream.close()
    assert multiprocessing.active_children() == []


def test_jobs_zero_means_every_core(corpus):
    plan = make_plan(Config())
    assert parallel.default_jobs() >= 1
    assert as_json(results(corpus, plan, jobs=0)) == as_json(results(corpus, plan, jobs=1))


def test_cli_rejects_a_scheduler_without_the_dask_engine(corpus, tmp_path):
    r = CliRunner().invoke(main, ["check", str(corpus), "-o", str(tmp_path), "--scheduler", "tcp://x:1"])
    assert r.exit_code == 2 and "--engine dask" in r.output


USER_PATTERN = (
    '[[patterns]]\ncode = "HX001"\nname = "house-style-coalition"\nmessage = "Say \'{match}\' once"\n'
    'category = "style"\nphrases = ["governing coalition"]\n'
)


def test_user_pattern_rules_reach_the_workers(corpus, tmp_path):
    from audit.patterns import uninstall

    cfg = tmp_path / "mtaudit.toml"
    cfg.write_text(USER_PATTERN, encoding="utf-8")
    outs = []
    try:
        for jobs in ("1", "2"):
            out = tmp_path / f"p{jobs}"
            r = CliRunner().invoke(
                main, ["check", str(corpus), "-o", str(out), "--format", "json", "-q", "--config", str(cfg),
                       "--jobs", jobs],
            )
            assert r.exit_code == 2, r.output
            outs.append((out / "audit.json").read_bytes())
    finally:
        uninstall()
    assert outs[0] == outs[1] and b'"rule": "HX001"' in outs[0]


def test_a_pool_already_broken_at_submit_time_is_a_dying_worker_too():
    # The worker may die before the next chunk is submitted: the pool's
    # submit then raises BrokenProcessPool itself (a race the test above
    # only sometimes hits).
    from concurrent.futures.process import BrokenProcessPool

    class BrokenPool:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("a child process terminated abruptly")

    session = parallel.ProcessSession(BrokenPool(), window=2)
    chunk = [Article(id="a", text="Talks resumed on Monday.")]
    with pytest.raises(parallel.WorkerDied, match="ended abruptly"):
        list(session.map("audit", [chunk]))
