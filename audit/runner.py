"""Run an audit over a corpus: read → (first pass) → audit, in input order.

``iter_results`` yields ``ArticleResult`` and ``InputError`` items in the
order the readers produce them. It does no output of its own; the CLI and
the Python API consume it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from typing import Iterable, Iterator

from .engine import Plan, audit_article, collect_corpus
from .model import Article, ArticleResult, InputError
from .readers import ReaderOptions, read_corpus


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
        yield [spool if p == "-" else p for p in paths]
    finally:
        os.unlink(spool)


def iter_results(paths: list[str], plan: Plan, ropts: ReaderOptions) -> Iterator[ArticleResult | InputError]:
    with rereadable(paths, bool(plan.needed_collectors)) as real_paths:
        corpus = collect_corpus(articles_only(read_corpus(real_paths, ropts)), plan) if plan.needed_collectors else {}
        for item in read_corpus(real_paths, ropts):
            if isinstance(item, InputError):
                yield item
            else:
                yield audit_article(item, plan, corpus)


def reader_options(config) -> ReaderOptions:  # noqa: ANN001 - Config
    return ReaderOptions(
        text_field=config.text_field,
        id_field=config.id_field,
        title_field=config.title_field,
        source_field=config.source_field,
    )
