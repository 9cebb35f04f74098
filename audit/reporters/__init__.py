"""Reporters: pure, streaming renderers of a run.

A reporter turns results into text chunks and never touches files; the CLI
writes the chunks (atomically) or prints them. The protocol::

    r = make_reporter("json", meta)
    chunks = [r.header()]
    for result in results:
        chunks.append(r.article(result))
    chunks.append(r.footer(summary, errors))

``meta`` is a ``RunMeta`` with the tool version, rules and config
fingerprint. Reporters with ``filename`` are written into the output
folder; those without print to standard output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..model import ArticleResult, InputError
from ..registry import Rule


@dataclass
class RunMeta:
    version: str
    rules: list[Rule]
    config: dict[str, Any] = field(default_factory=dict)
    #: Colour output (text reporter, TTY only).
    color: bool = False
    #: Text reporter: print counts per rule instead of every finding.
    statistics: bool = False


class Reporter:
    #: Output file name in the output folder, or None for standard output.
    filename: str | None = None

    def __init__(self, meta: RunMeta):
        self.meta = meta

    def header(self) -> str:
        return ""

    def article(self, result: ArticleResult) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        return ""


_FORMATS: dict[str, Callable[[RunMeta], Reporter]] = {}


def register(name: str) -> Callable[[type[Reporter]], type[Reporter]]:
    def deco(cls: type[Reporter]) -> type[Reporter]:
        _FORMATS[name] = cls
        return cls

    return deco


def _load() -> None:
    # Importing the modules registers their formats.
    from . import github, html, json, jsonl, junit, sarif, text  # noqa: F401


def formats() -> list[str]:
    _load()
    return sorted(_FORMATS)


def make_reporter(name: str, meta: RunMeta) -> Reporter:
    _load()
    try:
        return _FORMATS[name](meta)
    except KeyError:
        raise ValueError(f"unknown format {name!r} (choose from {', '.join(sorted(_FORMATS))})") from None
