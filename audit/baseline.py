"""Baselines: accept the findings a corpus has today, fail only on new ones.

``mtaudit check --write-baseline FILE`` records every counting finding;
``--baseline FILE`` marks findings that are in the baseline as waived
(``waived = "baseline"``: listed, not counted by score or gate) and reports
how many are new, still present and fixed.

Findings are matched by ``finding.key`` (article id, rule and a hash of the
flagged text with a little context on its line — never a line number), so
an edit elsewhere in an article keeps its findings matched. A key that
occurs ``n`` times in the baseline absorbs at most ``n`` findings; one
more occurrence of the same damage is new.

File format (JSON, one finding per line so that diffs stay readable)::

    {"version": 1, "tool": "mtaudit", "findings": [
    {"article": "site/a.txt", "rule": "SD002", "key": "5f0c1d2e3a4b5c6d", "count": 1, "text": "source site-34"}
    ]}
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .atomic import AtomicFile
from .model import ArticleResult, Finding
from .scoring import counts_toward_score, score_article
from .waivers import read_json

BASELINE_VERSION = 1
BASELINE_LABEL = "baseline"
#: Flagged text kept in the file for humans reading it (not used to match).
SNIPPET_CHARS = 80


class BaselineError(ValueError):
    pass


@dataclass(frozen=True)
class BaselineEntry:
    article: str
    rule: str
    key: str
    count: int = 1
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "rule": self.rule, "key": self.key, "count": self.count, "text": self.text}


def _snippet(text: str) -> str:
    t = " ".join(text.split())
    return t if len(t) <= SNIPPET_CHARS else t[: SNIPPET_CHARS - 1] + "…"


def baselinable(f: Finding) -> bool:
    """Counting findings go into a baseline; waived ones and mtaudit's own
    (``AU``: crashes, time budget) do not."""
    return counts_toward_score(f) and f.key is not None


class BaselineWriter:
    """Collects the findings of a run and writes them as a baseline."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._text: dict[tuple[str, str, str], str] = {}

    def add(self, result: ArticleResult) -> None:
        for f in result.findings:
            if f.waived == BASELINE_LABEL or baselinable(f):
                k = (result.article.id, f.rule, f.key or "")
                self._counts[k] += 1
                self._text.setdefault(k, _snippet(f.text))

    def entries(self) -> list[BaselineEntry]:
        return [
            BaselineEntry(article=a, rule=r, key=k, count=n, text=self._text[(a, r, k)])
            for (a, r, k), n in sorted(self._counts.items())
        ]

    def dumps(self) -> str:
        lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=False) for e in self.entries()]
        body = ",\n".join(lines)
        return (
            f'{{"version": {BASELINE_VERSION}, "tool": "mtaudit", "findings": [\n'
            + body
            + ("\n" if lines else "")
            + "]}\n"
        )

    def write(self, path: str) -> int:
        """Write atomically; returns the number of findings recorded."""
        with AtomicFile(path) as fh:
            fh.write(self.dumps())
        return sum(self._counts.values())


def parse_baseline(data: Any, path: str = "<baseline>") -> list[BaselineEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: expected an object with a 'findings' list (written by --write-baseline)")
    version = data.get("version", BASELINE_VERSION)
    if version != BASELINE_VERSION:
        raise BaselineError(f"{path}: unsupported baseline version {version!r} (expected {BASELINE_VERSION})")
    out = []
    for i, e in enumerate(data["findings"]):
        where = f"{path}: findings[{i}]"
        if not isinstance(e, dict):
            raise BaselineError(f"{where}: expected an object")
        for k in ("article", "rule", "key"):
            if not isinstance(e.get(k), str) or not e[k]:
                raise BaselineError(f"{where}: missing or empty '{k}'")
        count = e.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"{where}: 'count' must be a positive whole number")
        out.append(BaselineEntry(e["article"], e["rule"], e["key"], count, str(e.get("text") or "")))
    return out


def load_baseline(path: str) -> list[BaselineEntry]:
    return parse_baseline(read_json(path, BaselineError), path)


@dataclass
class BaselineReport:
    new: int = 0
    present: int = 0
    fixed: int = 0
    #: baseline entries of articles that were not audited in this run
    not_checked: int = 0
    fixed_entries: list[BaselineEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "present": self.present, "fixed": self.fixed, "not_checked": self.not_checked}


class BaselineMatcher:
    """Applies a baseline to article results, one article at a time."""

    def __init__(self, entries: list[BaselineEntry]):
        self._remaining: dict[str, int] = {}
        self._by_article: dict[str, list[BaselineEntry]] = {}
        for e in entries:
            self._remaining[e.key] = self._remaining.get(e.key, 0) + e.count
            self._by_article.setdefault(e.article, []).append(e)
        self._seen_articles: set[str] = set()
        self.new = 0
        self.present = 0

    def apply(self, result: ArticleResult, fail_under: float, warn_under: float) -> ArticleResult:
        """Mark baselined findings as waived and re-score the article when
        anything changed. Mutates and returns ``result``."""
        self._seen_articles.add(result.article.id)
        changed = False
        for f in result.findings:
            if not baselinable(f):
                continue
            left = self._remaining.get(f.key or "", 0)
            if left > 0:
                self._remaining[f.key or ""] = left - 1
                f.waived = BASELINE_LABEL
                self.present += 1
                changed = True
            else:
                self.new += 1
        if changed:
            result.score, result.status, result.breakdown = score_article(
                result.findings, result.stats.get("words", 0), fail_under, warn_under
            )
        return result

    def report(self) -> BaselineReport:
        fixed: list[BaselineEntry] = []
        not_checked = 0
        remaining = dict(self._remaining)
        for article, entries in sorted(self._by_article.items()):
            for e in entries:
                left = remaining.get(e.key, 0)
                if left <= 0:
                    continue
                take = min(left, e.count)
                remaining[e.key] = left - take
                if article in self._seen_articles:
                    fixed.append(BaselineEntry(e.article, e.rule, e.key, take, e.text))
                else:
                    not_checked += take
        return BaselineReport(
            new=self.new,
            present=self.present,
            fixed=sum(e.count for e in fixed),
            not_checked=not_checked,
            fixed_entries=fixed,
        )
