"""The Dask engine: a local cluster started in-process gives the same report.

Skipped when Dask distributed is not installed (``pip install -e
".[test,dask]"`` runs it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from audit import parallel  # noqa: E402
from audit.cli import main  # noqa: E402
from audit.dask_engine import DaskEngineError, DaskExecutor  # noqa: E402
from audit.readers import ReaderOptions, read_corpus  # noqa: E402
from audit.runner import iter_results  # noqa: E402

from .test_parallel import LINE_COUNTS, as_json, plan_with_recurring, write_corpus  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("dask") / "corpus.jsonl", 200)


def test_dask_report_equals_the_single_process_report(cluster, corpus, tmp_path):
    outs = {}
    dask_args = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
    for name, extra in (("local", ["--jobs", "1"]), ("dask", dask_args)):
        out = tmp_path / name
        r = CliRunner().invoke(main, ["check", str(corpus), "-o", str(out), "--format", "json", "-q", *extra])
        assert r.exit_code == 2, r.output  # the corpus has input errors
        outs[name] = (out / "audit.json").read_bytes()
    assert outs["dask"] == outs["local"]
    data = json.loads(outs["dask"])
    assert data["summary"]["articles"] == 200 and data["errors"]


def test_corpus_counts_are_merged_between_dask_workers(cluster, corpus):
    plan = plan_with_recurring()
    assert LINE_COUNTS in plan.needed_collectors
    one = list(iter_results([str(corpus)], plan, ReaderOptions(), jobs=1))
    with DaskExecutor.connect(cluster.scheduler_address) as executor:
        # Chunks of three articles: every corpus-level count needs partials
        # from many tasks on both workers.
        many = list(parallel.audit_stream(lambda: read_corpus([str(corpus)], ReaderOptions()), plan, executor,
                                          chunk_articles=3, small_fallback=False))
    assert as_json(many) == as_json(one)
    counts = {f.data["articles"] for r in many if hasattr(r, "findings") for f in r.findings
              if f.rule == "ZZ901" and f.text == "Subscribe to our newsletter for the latest headlines"}
    assert counts == {len(range(3, 200, 7))}


def test_workers_with_other_rules_are_refused(cluster):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        DaskExecutor.check_workers(client)  # same process, same rules: fine
        with pytest.raises(DaskEngineError, match="install the same version"):
            DaskExecutor.check_workers(client, ("9.9", ("PU001",)))


def test_unreachable_scheduler_is_a_clean_error():
    with (
        pytest.raises(DaskEngineError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
        DaskExecutor.connect("tcp://127.0.0.1:9", timeout=1),
    ):
        pass  # pragma: no cover


def test_cli_turns_engine_errors_into_exit_2(corpus, tmp_path, monkeypatch):
    from audit import dask_engine

    def refuse(cls, scheduler=None, timeout=30.0):
        raise DaskEngineError(f"cannot reach the Dask scheduler at {scheduler}: refused")

    monkeypatch.setattr(dask_engine.DaskExecutor, "connect", classmethod(refuse))
    r = CliRunner().invoke(
        main, ["check", str(corpus), "-o", str(tmp_path), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
               "--format", "json"],
    )
    assert r.exit_code == 2 and "cannot reach the Dask scheduler" in r.output
    assert not (tmp_path / "audit.json").exists()  # the atomic report was abandoned


def test_user_pattern_rules_run_on_the_cluster(cluster, corpus, tmp_path):
    from audit.patterns import uninstall

    from .test_parallel import USER_PATTERN

    cfg = tmp_path / "mtaudit.toml"
    cfg.write_text(USER_PATTERN, encoding="utf-8")
    outs = []
    try:
        for extra in (["--jobs", "1"], ["--engine", "dask", "--scheduler", cluster.scheduler_address]):
            out = tmp_path / extra[-1].replace(":", "").replace("/", "")
            r = CliRunner().invoke(
                main, ["check", str(corpus), "-o", str(out), "--format", "json", "-q", "--config", str(cfg), *extra]
            )
            assert r.exit_code == 2, r.output
            outs.append((out / "audit.json").read_bytes())
    finally:
        uninstall()
    assert outs[0] == outs[1] and b'"rule": "HX001"' in outs[0]
