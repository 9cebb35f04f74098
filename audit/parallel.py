"""Parallel execution: the same audit on several cores (or a cluster).

The reader stays in the calling process and streams the corpus; articles
go to workers in *chunks*, and results come back in input order, so the
reports are byte for byte those of a single-process run. At most
``window`` chunks are in flight at any time, so memory does not grow with
the corpus (``multiprocessing.Pool.imap`` would read the whole input ahead).

A run has up to two passes, each a stream of chunks through an *executor*:

1. when a selected rule needs a corpus-level collector (boilerplate lines,
   near-duplicates), every chunk is observed by a worker and the partials
   come back and are merged in input order (``engine.merge_partials``);
2. the merged corpus statistics are handed to every worker once, and the
   chunks are audited.

Workers return only what they computed — findings, score, status,
breakdown, stats, annotations — never the article text; the caller puts
results back together with the articles it kept, and with the input errors,
which never leave the caller.

Executors: ``ProcessExecutor`` (``multiprocessing``; this module) and
``audit.dask_engine.DaskExecutor`` (Dask distributed). Both implement
``session(plan, corpus)``, a context manager yielding an object whose
``map(kind, chunks)`` streams ``(chunk, result)`` pairs in order, where
``kind`` is ``"observe"`` or ``"audit"`` (see ``run_chunk``).

Collectors used in parallel runs must merge associatively and
commutatively, keep picklable partials, and hash with a stable function
(``hashlib``), never Python's ``hash()``, which differs between processes.

Start method: ``fork`` where the platform has it and the calling process
runs no other thread — workers then inherit the plan, the corpus and any
rule registered at run time (user pattern rules) without pickling;
otherwise ``forkserver`` (or ``spawn``), which pickles the plan: rules are
then found by import in each worker.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import chain, islice
from typing import Any, Callable, ContextManager, Iterable, Iterator, Protocol, Sequence

from . import registry
from .doc import Doc
from .engine import Plan, audit_article, finish_corpus, merge_partials
from .model import Article, ArticleResult, Finding, InputError

Item = Article | InputError
#: What a worker sends back for one article: findings, score, status,
#: breakdown, stats, extra (the ``ArticleResult`` fields but the article).
Payload = tuple[list[Finding], float, str, dict[str, Any], dict[str, Any], dict[str, Any]]

#: A chunk closes at this many articles …
CHUNK_ARTICLES = 64
#: … or this many characters of article text, whichever comes first.
CHUNK_CHARS = 1 << 20
#: Chunks in flight per worker (queued or being audited).
CHUNKS_PER_WORKER = 2


def default_jobs() -> int:
    """Cores this process may run on (``--jobs`` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chunked(
    items: Iterable[Item], max_articles: int = CHUNK_ARTICLES, max_chars: int = CHUNK_CHARS
) -> Iterator[list[Item]]:
    """Group a stream of reader items into lists of at most ``max_articles``
    articles or ``max_chars`` characters (input errors ride along free)."""
    chunk: list[Item] = []
    n = chars = 0
    for it in items:
        chunk.append(it)
        if isinstance(it, Article):
            n += 1
            chars += len(it.text)
            if n >= max_articles or chars >= max_chars:
                yield chunk
                chunk, n, chars = [], 0, 0
    if chunk:
        yield chunk


def articles_of(chunk: Sequence[Item]) -> list[Article]:
    return [it for it in chunk if isinstance(it, Article)]


# -- the work, wherever it runs -----------------------------------------------
def observe_articles(plan: Plan, articles: Iterable[Article]) -> dict[str, Any]:
    """Collector partials of the needed collectors over ``articles``."""
    cols = registry.collectors()
    names = plan.needed_collectors
    acc: dict[str, Any] = {n: cols[n].empty() for n in names}
    for art in articles:
        doc = Doc(art, plan.config)
        for n in names:
            acc[n] = cols[n].merge(acc[n], cols[n].observe(doc))
    return acc


def audit_articles(plan: Plan, corpus: dict[str, Any], articles: Iterable[Article]) -> list[Payload]:
    """Audit ``articles``; return one payload per article, in order."""
    out: list[Payload] = []
    for art in articles:
        r = audit_article(art, plan, corpus)
        out.append((r.findings, r.score, r.status, r.breakdown, r.stats, r.extra))
    return out


def run_chunk(kind: str, plan: Plan, corpus: dict[str, Any], articles: list[Article]) -> Any:
    """Entry point of a worker task: ``"observe"`` returns a collector
    partial, ``"audit"`` a list of payloads."""
    if kind == "observe":
        return observe_articles(plan, articles)
    if kind == "audit":
        return audit_articles(plan, corpus, articles)
    raise ValueError(f"unknown task kind {kind!r}")


def rebuild(article: Article, payload: Payload) -> ArticleResult:
    findings, score, status, breakdown, stats, extra = payload
    return ArticleResult(
        article=article, findings=findings, score=score, status=status, breakdown=breakdown, stats=stats, extra=extra
    )


# -- executors -------------------------------------------------------------------
class Session(Protocol):
    """Runs tasks that see one plan and corpus (see the module docstring)."""

    def map(self, kind: str, chunks: Iterable[list[Item]]) -> Iterator[tuple[list[Item], Any]]: ...


class Executor(Protocol):
    """Where tasks run: ``session(plan, corpus)`` is a context manager
    yielding a ``Session``."""

    def session(self, plan: Plan, corpus: dict[str, Any]) -> ContextManager[Session]: ...


def ordered(
    chunks: Iterable[list[Item]],
    submit: Callable[[list[Article]], Any],
    result: Callable[[Any], Any],
    window: int,
) -> Iterator[tuple[list[Item], Any]]:
    """Submit each chunk's articles with ``submit`` (returns a handle) and
    yield ``(chunk, result(handle))`` in submission order, with at most
    ``window`` chunks submitted and not yet yielded."""
    pending: deque[tuple[list[Item], Any]] = deque()
    for chunk in chunks:
        articles = articles_of(chunk)
        pending.append((chunk, submit(articles) if articles else None))
        while len(pending) >= window:
            done, handle = pending.popleft()
            yield done, (None if handle is None else result(handle))
    while pending:
        done, handle = pending.popleft()
        yield done, (None if handle is None else result(handle))


class InProcessSession:
    """Runs chunks in the calling process (``--jobs 1``, small corpora)."""

    def __init__(self, plan: Plan, corpus: dict[str, Any]):
        self.plan, self.corpus = plan, corpus

    def map(self, kind: str, chunks: Iterable[list[Item]]) -> Iterator[tuple[list[Item], Any]]:
        for chunk in chunks:
            articles = articles_of(chunk)
            yield chunk, (run_chunk(kind, self.plan, self.corpus, articles) if articles else None)


# Worker-process state, set once per worker by ``_init_worker``.
_STATE: dict[str, Any] = {}


def _init_worker(plan: Plan, corpus: dict[str, Any]) -> None:
    # Ctrl-C is handled by the parent, which shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    registry.discover()
    _STATE["plan"] = plan
    _STATE["corpus"] = corpus


def _work(kind: str, articles: list[Article]) -> Any:
    return run_chunk(kind, _STATE["plan"], _STATE["corpus"], articles)


def start_method(plan: Plan, corpus: dict[str, Any]) -> str:
    """``fork`` when safe (see module docstring), else ``forkserver`` or
    ``spawn``; falls back to ``fork`` when the plan cannot be pickled."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    try:
        pickle.dumps((plan, corpus))
    except Exception:  # e.g. a rule closure: only fork can carry it
        if "fork" in methods:
            return "fork"
        raise
    return "forkserver" if "forkserver" in methods else "spawn"


#: A short article in English with one foreign sentence: auditing it once
#: builds every lazily loaded resource the rules use (language profiles,
#: automata, dictionaries).
WARM_UP_TEXT = (
    "Ministers met in Brussels on Monday to discuss the budget, officials said.\n\n"
    "\u201cWe have made progress,\u201d the finance minister told reporters. Talks resume next week.\n\n"
    "Die Regierung hat am Montag neue Ma\u00dfnahmen angek\u00fcndigt.\n"
)


def warm_up(plan: Plan, corpus: dict[str, Any]) -> None:
    """Audit a small built-in article and throw the result away, so lazily
    built resources exist *before* workers are forked: each worker then
    inherits them instead of building its own (about a second of CPU per
    worker for the language profiles alone)."""
    article = Article(id="mtaudit-warm-up", text=WARM_UP_TEXT)
    try:
        if plan.needed_collectors:
            partial = observe_articles(plan, [article])
            corpus = corpus or finish_corpus(partial, plan)
        audit_articles(plan, corpus, [article])
    except Exception:  # noqa: BLE001 - an optimisation only; the real run reports problems
        pass


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory, crashed in C)."""


_DIED = "a worker process ended abruptly (killed, or out of memory?); rerun with --jobs 1 to see the article"


def _result(future: Any) -> Any:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerDied(_DIED) from exc


class ProcessSession:
    def __init__(self, pool: ProcessPoolExecutor, window: int):
        self.pool, self.window = pool, window

    def _submit(self, kind: str, articles: list[Article]) -> Any:
        # The pool may already know a worker died (then ``submit`` itself
        # raises), or learn it while the chunk waits (then ``_result`` does).
        try:
            return self.pool.submit(_work, kind, articles)
        except BrokenProcessPool as exc:
            raise WorkerDied(_DIED) from exc

    def map(self, kind: str, chunks: Iterable[list[Item]]) -> Iterator[tuple[list[Item], Any]]:
        return ordered(chunks, lambda arts: self._submit(kind, arts), _result, self.window)


class ProcessExecutor:
    """A pool of ``jobs`` worker processes per session.

    ``concurrent.futures.ProcessPoolExecutor`` rather than
    ``multiprocessing.Pool``: when a worker dies, its pending results fail
    (``WorkerDied``) instead of never arriving.
    """

    def __init__(self, jobs: int, window: int | None = None):
        self.jobs = max(1, jobs)
        self.window = window or self.jobs * CHUNKS_PER_WORKER + 1

    @contextmanager
    def session(self, plan: Plan, corpus: dict[str, Any]) -> Iterator[ProcessSession]:
        method = start_method(plan, corpus)
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # The fork server imports the engine and the rule modules once;
            # every worker of every pool is then a cheap fork of it.
            modules = {r.module for r in plan.rules if r.module in sys.modules}
            ctx.set_forkserver_preload(["audit.parallel", *sorted(modules)])
        if method == "fork":
            warm_up(plan, corpus)
        pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker, initargs=(plan, corpus))
        try:
            yield ProcessSession(pool, self.window)
        finally:
            # Also on error or when the consumer stops early: queued chunks
            # are dropped, running ones finish (bounded by the time budget),
            # and every worker is joined — no orphans.
            pool.shutdown(wait=True, cancel_futures=True)


class InProcessExecutor:
    @contextmanager
    def session(self, plan: Plan, corpus: dict[str, Any]) -> Iterator[InProcessSession]:
        yield InProcessSession(plan, corpus)


# -- the two passes ----------------------------------------------------------------
def _peek(chunks: Iterator[list[Item]], n: int = 2) -> tuple[list[list[Item]], Iterator[list[Item]]]:
    """The first ``n`` chunks (fewer if the stream ends) and a stream of all."""
    head = list(islice(chunks, n))
    return head, chain(head, chunks)


def collect(
    read: Callable[[], Iterator[Item]],
    plan: Plan,
    executor: Executor,
    chunk_articles: int = CHUNK_ARTICLES,
    small_fallback: bool = False,
) -> dict[str, Any]:
    """First pass: collector partials per chunk, merged in input order."""
    cols = registry.collectors()
    acc: dict[str, Any] = {n: cols[n].empty() for n in plan.needed_collectors}
    head, chunks = _peek(chunked((it for it in read() if isinstance(it, Article)), chunk_articles))
    if small_fallback and len(head) < 2:
        executor = InProcessExecutor()
    with executor.session(plan, {}) as session:
        for _chunk, partial in session.map("observe", chunks):
            acc = merge_partials(acc, partial, plan)
    return finish_corpus(acc, plan)


def audit_stream(
    read: Callable[[], Iterator[Item]],
    plan: Plan,
    executor: Executor,
    *,
    chunk_articles: int = CHUNK_ARTICLES,
    small_fallback: bool = True,
) -> Iterator[ArticleResult | InputError]:
    """Both passes over the corpus ``read()`` yields (called once per pass),
    results in input order.

    With ``small_fallback`` a pass over a corpus that fits in one chunk runs
    in this process: starting workers would cost more than it saves (the
    results are the same either way).
    """
    corpus: dict[str, Any] = {}
    if plan.needed_collectors:
        corpus = collect(read, plan, executor, chunk_articles, small_fallback)
    head, chunks = _peek(chunked(read(), chunk_articles))
    if small_fallback and len(head) < 2:
        executor = InProcessExecutor()
    with executor.session(plan, corpus) as session:
        for chunk, payloads in session.map("audit", chunks):
            k = 0
            for it in chunk:
                if isinstance(it, InputError):
                    yield it
                else:
                    yield rebuild(it, payloads[k])
                    k += 1
