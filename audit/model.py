"""Plain data types shared by the engine, the rules and the reporters.

Everything here is a small dataclass with ``to_dict()`` so results can be
serialised deterministically (the JSON report sorts keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "translation",
    "punctuation",
    "debris",
    "encoding",
    "language",
    "repetition",
    "style",
)
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
#: Higher rank = more severe. Used for ``--fail-on`` and sorting.
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}
STATUSES: tuple[str, ...] = ("pass", "warn", "fail")


@dataclass(slots=True)
class Article:
    """One article as read from the corpus."""

    id: str
    text: str
    title: str | None = None
    path: str | None = None
    line: int | None = None
    source: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Reader-level problems that belong to this article (e.g. undecodable
    #: bytes). Each is ``(start, end, message)`` in text offsets.
    decode_errors: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Fix:
    """A suggested replacement for ``text[start:end]``.

    ``safe`` fixes may be applied without review (``mtaudit fix``);
    unsafe ones need ``--unsafe-fixes`` or a human.
    """

    replacement: str
    safe: bool = True
    #: The range the replacement applies to when it differs from the
    #: finding's span (e.g. a whole-line deletion that also removes the
    #: line break). Code-point offsets into the article text.
    start: int | None = None
    end: int | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        return (start if self.start is None else self.start, end if self.end is None else self.end)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"replacement": self.replacement, "safe": self.safe}
        if self.start is not None:
            out["start"] = self.start
            out["end"] = self.end
        return out


@dataclass(slots=True)
class Hit:
    """What a rule yields: a span of the article text and what is wrong.

    Offsets are code-point offsets into ``Doc.text`` (Python string indices).
    ``message`` defaults to the rule's summary; ``severity`` overrides the
    rule's default for this hit only (e.g. lower inside quoted speech);
    ``data`` carries machine-readable extras (detected language, pointer to
    the first occurrence of a repeat, …) into the report.
    """

    start: int
    end: int
    message: str | None = None
    fix: Fix | None = None
    severity: str | None = None
    data: dict[str, Any] | None = None


@dataclass(slots=True)
class Finding:
    """A hit stamped with its rule's metadata by the engine."""

    rule: str
    name: str
    category: str
    severity: str
    message: str
    start: int
    end: int
    text: str
    fix: Fix | None = None
    data: dict[str, Any] | None = None
    #: Set when a waiver or baseline entry matched: the finding is listed
    #: but does not count toward score or gate.
    waived: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "fix": self.fix.to_dict() if self.fix else None,
        }
        if self.data:
            out["data"] = self.data
        if self.waived:
            out["waived"] = self.waived
        if self.key:
            out["key"] = self.key
        return out


@dataclass(slots=True)
class ArticleResult:
    article: Article
    findings: list[Finding]
    score: float
    status: str
    breakdown: dict[str, Any]
    stats: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The article object of the JSON report (without line/column,
        which reporters add because they need the text)."""
        a = self.article
        out: dict[str, Any] = {
            "id": a.id,
            "path": a.path,
            "title": a.title,
            "source": a.source,
            "score": self.score,
            "status": self.status,
            "breakdown": self.breakdown,
            "stats": self.stats,
            "findings": [f.to_dict() for f in self.findings],
        }
        if a.line is not None:
            out["record_line"] = a.line
        out.update(self.extra)
        return out


@dataclass(slots=True)
class InputError:
    """A problem reading the corpus: reported, never fatal."""

    path: str
    line: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}
