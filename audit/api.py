"""The Python API: audit text or corpora from code.

::

    import audit

    findings = audit.check_text("Talks resume next month,, officials said.", select=["PU"])
    [f.to_dict() for f in findings]

    report = audit.check_corpus(["corpus/"], audit.load_config("pyproject.toml"))
    report.exit_code, report.summary["score"]["mean"]

    clean = audit.fix_text("It ended.. Nobody left.")

Options are the configuration-file keys with ``_`` for ``-`` (``select``,
``fail_under``, ``severity``, ``lexicons``, ``patterns``, …), validated the
same way: an unknown option is a ``TypeError``, an invalid value a
``ConfigError`` naming it. ``config`` may be a ``Config``, a path to a
configuration file, or ``None`` for the defaults (no file is looked up
unless you call ``load_config``). User pattern rules are installed for the
call only.
"""

from __future__ import annotations

import copy
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import __version__
from .baseline import BaselineMatcher, BaselineReport, load_baseline
from .config import Config
from .configfile import KEYS, ConfigError, Loaded, _Ctx, check_selectors, load
from .engine import audit_article, collect_corpus, make_plan
from .fixer import fix_article
from .gate import Gate, GateOutcome
from .model import Article, ArticleResult, Finding, InputError
from .patterns import PatternSpec, installed
from .readers import clean_text
from .runner import iter_results, reader_options
from .summary import SummaryBuilder
from .waivers import WaiverSet, load_waivers

PathLike = str | os.PathLike[str]

__all__ = ["check_text", "check_corpus", "iter_corpus", "fix_text", "load_config", "Report", "ConfigError"]


def load_config(path: PathLike | None = None, *, cwd: PathLike | None = None) -> Config:
    """The configuration in ``path``, or the one the CLI would find from
    ``cwd`` (default: the working directory); defaults when there is none."""
    return load(path, cwd=cwd).config


def _resolve(config: Config | PathLike | None, options: dict[str, Any], caller: str) -> Loaded:
    if config is None:
        loaded = Loaded(Config())
    elif isinstance(config, Config):
        loaded = Loaded(copy.deepcopy(config))
    elif isinstance(config, (str, os.PathLike)):
        loaded = load(config)
    else:
        raise TypeError(f"{caller}() config must be a Config, a path or None, not {type(config).__name__}")
    ctx = _Ctx(f"{caller}()", "", None)
    if any(not isinstance(p, PatternSpec) for p in loaded.config.patterns):
        loaded.config.patterns = KEYS["patterns"].check(list(loaded.config.patterns), ctx, "patterns")
    by_name = {k.replace("-", "_"): k for k in KEYS}
    for name, value in options.items():
        key = by_name.get(name)
        if key is None:
            raise TypeError(f"{caller}() got an unexpected keyword argument {name!r}")
        spec = KEYS[key]
        setattr(loaded.config, spec.attr, spec.check(value, ctx, name))
        loaded.origins[key] = f"{caller}()"
    return loaded


@contextmanager
def _prepared(loaded: Loaded) -> Iterator[Config]:
    """User pattern rules installed and selectors checked, for one call."""
    with installed(list(loaded.config.patterns)):
        check_selectors(loaded)
        yield loaded.config


def _waiver_set(cfg: Config) -> WaiverSet | None:
    return WaiverSet(load_waivers(cfg.waivers)) if cfg.waivers else None


def check_text(
    text: str,
    config: Config | PathLike | None = None,
    *,
    id: str = "<text>",
    title: str | None = None,
    source: str | None = None,
    **options: Any,
) -> list[Finding]:
    """Audit one article's text; returns its findings (in text order).

    Offsets are code-point offsets into ``text`` (after undecodable
    characters, i.e. lone surrogates, are replaced by U+FFFD one for one).
    """
    if not isinstance(text, str):
        raise TypeError(f"check_text() text must be str, not {type(text).__name__}")
    loaded = _resolve(config, options, "check_text")
    with _prepared(loaded) as cfg:
        ws = _waiver_set(cfg)
        plan = make_plan(cfg, ws.active() if ws else None)
        clean, errs = clean_text(text)
        article = Article(id=id, text=clean, title=title, source=source, decode_errors=errs)
        corpus = collect_corpus([article], plan) if plan.needed_collectors else {}
        return audit_article(article, plan, corpus).findings


def fix_text(
    text: str,
    config: Config | PathLike | None = None,
    *,
    unsafe: bool = False,
    id: str = "<text>",
    **options: Any,
) -> str:
    """``text`` with the fixes applied (safe ones; all with ``unsafe``),
    repeated until no fix applies, as ``mtaudit fix`` does."""
    if not isinstance(text, str):
        raise TypeError(f"fix_text() text must be str, not {type(text).__name__}")
    loaded = _resolve(config, options, "fix_text")
    with _prepared(loaded) as cfg:
        ws = _waiver_set(cfg)
        plan = make_plan(cfg, ws.active() if ws else None)
        clean, errs = clean_text(text)
        article = Article(id=id, text=clean, decode_errors=errs)
        corpus = collect_corpus([article], plan) if plan.needed_collectors else {}
        return fix_article(article, text, plan, corpus, unsafe).raw


@dataclass
class Report:
    """The outcome of ``check_corpus``: plain data with ``to_dict()``."""

    articles: list[ArticleResult]
    errors: list[InputError]
    summary: dict[str, Any]
    gate: GateOutcome
    config: dict[str, Any]
    baseline: BaselineReport | None = None
    #: waivers that expired or matched nothing (``article rule key`` dicts)
    waivers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """What ``mtaudit check`` would exit with (0, 1, 2 or 3)."""
        return self.gate.exit_code

    @property
    def passed(self) -> bool:
        return not self.gate.failed and not self.errors

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.articles for f in r.findings]

    def to_dict(self) -> dict[str, Any]:
        from .reporters.json import article_dict

        out: dict[str, Any] = {
            "articles": [article_dict(r) for r in self.articles],
            "errors": [e.to_dict() for e in self.errors],
            "summary": self.summary,
            "gate": self.gate.to_dict(),
            "config": self.config,
            "tool": {"name": "mtaudit", "version": __version__},
        }
        if self.baseline is not None:
            out["baseline"] = self.baseline.to_dict()
        if self.waivers:
            out["waivers"] = self.waivers
        return out


def _paths(paths: PathLike | list[PathLike] | tuple[PathLike, ...]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def iter_corpus(
    paths: PathLike | list[PathLike] | tuple[PathLike, ...],
    config: Config | PathLike | None = None,
    **options: Any,
) -> Iterator[ArticleResult | InputError]:
    """Stream results (``ArticleResult`` or ``InputError``) in input order,
    in bounded memory. Waivers and the baseline of the configuration apply."""
    loaded = _resolve(config, options, "iter_corpus")
    with _prepared(loaded) as cfg:
        ws = _waiver_set(cfg)
        matcher = BaselineMatcher(load_baseline(cfg.baseline)) if cfg.baseline else None
        plan = make_plan(cfg, ws.active() if ws else None)
        for item in iter_results(_paths(paths), plan, reader_options(cfg)):
            if isinstance(item, ArticleResult) and matcher is not None:
                matcher.apply(item, cfg.fail_under, cfg.warn_under)
            yield item


def check_corpus(
    paths: PathLike | list[PathLike] | tuple[PathLike, ...],
    config: Config | PathLike | None = None,
    **options: Any,
) -> Report:
    """Audit folders and files (as ``mtaudit check`` reads them) and return
    every article result, the input errors, the summary and the gate."""
    loaded = _resolve(config, options, "check_corpus")
    with _prepared(loaded) as cfg:
        ws = _waiver_set(cfg)
        matcher = BaselineMatcher(load_baseline(cfg.baseline)) if cfg.baseline else None
        plan = make_plan(cfg, ws.active() if ws else None)
        if ws is not None:
            ws.rules = frozenset(r.code for r in plan.rules)
        summary = SummaryBuilder()
        gate = Gate(cfg)
        articles: list[ArticleResult] = []
        errors: list[InputError] = []
        for item in iter_results(_paths(paths), plan, reader_options(cfg)):
            if isinstance(item, InputError):
                errors.append(item)
                summary.add_error(item)
                gate.add_error()
                continue
            if matcher is not None:
                matcher.apply(item, cfg.fail_under, cfg.warn_under)
            if ws is not None:
                ws.observe(item)
            summary.add(item, gate.add(item) == "fail")
            articles.append(item)
        waivers = {}
        if ws is not None:
            waivers = {
                "expired": [w.to_dict() for w in ws.expired()],
                "unused": [w.to_dict() for w in ws.unused()],
            }
        return Report(
            articles=articles,
            errors=errors,
            summary=summary.build(),
            gate=gate.outcome(),
            config=cfg.fingerprint(),
            baseline=matcher.report() if matcher is not None else None,
            waivers=waivers,
        )
