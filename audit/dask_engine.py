"""Run an audit on a Dask distributed cluster (``--engine dask``).

``mtaudit check CORPUS --engine dask --scheduler tcp://host:8786`` reads the
corpus here, sends chunks of articles to the cluster's workers, and writes
the same reports as a local run: results come back in input order, and the
corpus-level collector partials computed on the workers are merged here
before the audit pass (see ``audit.parallel`` for the two passes).

Requirements: ``pip install mtaudit[dask]`` here and on every worker, with
the same mtaudit version and rule set — checked before the run starts,
because a worker with other rules would silently change the results. The
plan is sent to every worker once (``scatter(broadcast=True)``); rules
registered at run time (user pattern rules) travel with it by value.
Without ``--scheduler`` a local cluster with one single-threaded worker
process per core is started for the run.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from . import __version__, registry
from .engine import Plan
from .parallel import CHUNKS_PER_WORKER, Item, default_jobs, ordered, run_chunk

INSTALL_HINT = "the dask engine needs Dask distributed: pip install 'mtaudit[dask]'"


class DaskEngineError(RuntimeError):
    """The cluster cannot run this audit (missing package, mismatched
    workers, unreachable scheduler)."""


def require_distributed() -> Any:
    """The ``distributed`` module, or ``DaskEngineError`` with the install hint."""
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DaskEngineError(INSTALL_HINT) from exc
    return distributed


def worker_fingerprint() -> tuple[str, tuple[str, ...]]:
    """mtaudit version and the codes of the rules found by import in the
    running process (user pattern rules from the configuration are left
    out: they exist only here, and travel to the workers with the plan)."""
    return __version__, tuple(r.code for r in registry.all_rules() if "user" not in r.tags)


class DaskSession:
    def __init__(self, client: Any, plan_future: Any, corpus_future: Any, window: int):
        self.client = client
        self.plan_future = plan_future
        self.corpus_future = corpus_future
        self.window = window

    def map(self, kind: str, chunks: Iterable[list[Item]]) -> Iterator[tuple[list[Item], Any]]:
        def submit(articles: list[Any]) -> Any:
            return self.client.submit(run_chunk, kind, self.plan_future, self.corpus_future, articles, pure=False)

        return ordered(chunks, submit, lambda fut: fut.result(), self.window)


class DaskExecutor:
    """Chunks of articles as Dask tasks on the cluster of ``client``."""

    def __init__(self, client: Any, window: int | None = None):
        self.client = client
        threads = sum(client.nthreads().values()) or 1
        self.window = window or threads * CHUNKS_PER_WORKER + 1

    @classmethod
    @contextmanager
    def connect(cls, scheduler: str | None = None, timeout: float = 30.0) -> Iterator["DaskExecutor"]:
        """Connect to the scheduler at ``scheduler`` (or start a local
        cluster), check the workers, and close everything afterwards."""
        distributed = require_distributed()
        cluster = None
        try:
            if scheduler is None:
                cluster = distributed.LocalCluster(
                    n_workers=default_jobs(), threads_per_worker=1, processes=True, dashboard_address=None
                )
                scheduler = cluster.scheduler_address
            try:
                client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
            except OSError as exc:
                raise DaskEngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
            try:
                client.wait_for_workers(1, timeout=timeout)
                cls.check_workers(client)
                yield cls(client)
            finally:
                client.close()
        finally:
            if cluster is not None:
                cluster.close()

    @staticmethod
    def check_workers(client: Any, mine: tuple[str, tuple[str, ...]] | None = None) -> None:
        """Every worker must run this mtaudit version with the same rules
        (``mine``: this process's ``worker_fingerprint()``)."""
        mine = mine or worker_fingerprint()
        theirs = client.run(worker_fingerprint)
        for address, fp in sorted(theirs.items()):
            fp = (fp[0], tuple(fp[1]))
            if fp != mine:
                raise DaskEngineError(
                    f"Dask worker {address} runs mtaudit {fp[0]} with {len(fp[1])} rules; "
                    f"this process runs {mine[0]} with {len(mine[1])} rules — install the same version everywhere"
                )

    @contextmanager
    def session(self, plan: Plan, corpus: dict[str, Any]) -> Iterator[DaskSession]:
        # Wrapped in lists: scatter would split a dict into one future per key.
        [plan_f] = self.client.scatter([plan], broadcast=True, hash=False)
        [corpus_f] = self.client.scatter([corpus], broadcast=True, hash=False)
        try:
            yield DaskSession(self.client, plan_f, corpus_f, self.window)
        finally:
            self.client.cancel([plan_f, corpus_f])
