"""Run an audit over a corpus: read → (first pass) → audit, in input order.

``iter_results`` yields ``ArticleResult`` and ``InputError`` items in the
order the readers produce them, whether the articles are audited in this
process (``jobs=1``), by a pool of worker processes (``jobs=N``) or on a
Dask cluster (``engine="dask"``); the items are the same in every case. It
does no output of its own; the CLI and the Python API consume it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from . import parallel
from .engine import Plan, audit_article, collect_corpus
from .model import Article, ArticleResult, InputError
from .readers import ReaderOptions, alias, read_corpus

ENGINES = ("local", "dask")


def articles_only(items: Iterable[Article | InputError]) -> Iterator[Article]:
    for it in items:
        if isinstance(it, Article):
            yield it


@contextmanager
def rereadable(paths: list[str], needs_two_passes: bool) -> Iterator[list[str]]:
    """Standard input can be read once; when a first pass is needed, copy it
    to a temporary file (deleted afterwards)."""
    if not (needs_two_passes and "-" in paths):
        yield paths
        return
    fd, spool = tempfile.mkstemp(prefix="mtaudit-stdin-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        with alias(spool, "<stdin>"):
            yield [spool if p == "-" else p for p in paths]
    finally:
        os.unlink(spool)


def iter_results(
    paths: list[str],
    plan: Plan,
    ropts: ReaderOptions,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterator[ArticleResult | InputError]:
    """Audit the corpus at ``paths``; results in input order.

    ``jobs``: worker processes for the local engine (``None`` or ``0``: all
    cores; ``1``: this process). ``engine="dask"`` runs on the Dask cluster
    at ``scheduler`` (``None``: a local cluster) instead; ``jobs`` is then
    ignored. The yielded items, and so the reports, do not depend on either.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if engine == "local" and not jobs:
        jobs = parallel.default_jobs()
    with rereadable(paths, bool(plan.needed_collectors)) as real_paths:
        if engine == "local" and jobs == 1:
            corpus: dict[str, Any] = {}
            if plan.needed_collectors:
                corpus = collect_corpus(articles_only(read_corpus(real_paths, ropts)), plan)
            for item in read_corpus(real_paths, ropts):
                if isinstance(item, InputError):
                    yield item
                else:
                    yield audit_article(item, plan, corpus)
            return

        def read() -> Iterator[Article | InputError]:
            return read_corpus(real_paths, ropts)

        if engine == "dask":
            from .dask_engine import DaskExecutor

            with DaskExecutor.connect(scheduler) as executor:
                yield from parallel.audit_stream(read, plan, executor, small_fallback=False)
        else:
            yield from parallel.audit_stream(read, plan, parallel.ProcessExecutor(int(jobs or 1)))


def reader_options(config) -> ReaderOptions:  # noqa: ANN001 - Config
    return ReaderOptions(
        text_field=config.text_field,
        id_field=config.id_field,
        title_field=config.title_field,
        source_field=config.source_field,
        max_record_bytes=config.max_record_bytes,
    )
