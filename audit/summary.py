"""Corpus summary, accumulated one article at a time in bounded memory.

Scores are rounded to 0.1, so the score distribution is kept as 1,001
counters and percentiles are exact without storing every score.
"""

from __future__ import annotations

import heapq
from typing import Any

from .model import CATEGORIES, SEVERITIES, ArticleResult, InputError
from .scoring import counts_toward_score

WORST_N = 10
PERCENTILES = (10, 25, 50, 75, 90)


class SummaryBuilder:
    def __init__(self, worst_n: int = WORST_N):
        self.articles = 0
        self._bins = [0] * 1001  # score * 10 → count
        self._score_sum = 0.0
        self.status = {s: 0 for s in ("pass", "warn", "fail")}
        self.by_rule: dict[str, dict[str, Any]] = {}
        self.by_category = {c: 0 for c in CATEGORIES}
        self.by_severity = {s: 0 for s in SEVERITIES}
        self.findings = 0
        self.waived = 0
        self.fixable = 0
        self.errors = 0
        self.gate_failed_articles = 0
        self._worst: list[tuple[float, int, str, str | None]] = []  # max-heap via negation
        self._worst_n = worst_n
        self.sources: dict[str, dict[str, Any]] = {}

    def add(self, r: ArticleResult, gate_failed: bool = False) -> None:
        idx = self.articles
        self.articles += 1
        self._bins[int(round(r.score * 10))] += 1
        self._score_sum += r.score
        self.status[r.status] += 1
        if gate_failed:
            self.gate_failed_articles += 1
        rules_here: set[str] = set()
        for f in r.findings:
            if not counts_toward_score(f) and f.waived:
                self.waived += 1
                continue
            self.findings += 1
            self.by_category[f.category] += 1
            self.by_severity[f.severity] += 1
            if f.fix is not None:
                self.fixable += 1
            entry = self.by_rule.get(f.rule)
            if entry is None:
                entry = self.by_rule[f.rule] = {"name": f.name, "category": f.category, "count": 0, "articles": 0}
            entry["count"] += 1
            if f.rule not in rules_here:
                entry["articles"] += 1
                rules_here.add(f.rule)
        # Keep the WORST_N lowest scores (ties: earliest article first).
        item = (-r.score, -idx, r.article.id, r.article.title)
        if len(self._worst) < self._worst_n:
            heapq.heappush(self._worst, item)
        elif item > self._worst[0]:
            heapq.heapreplace(self._worst, item)
        src = r.article.source or "."
        s = self.sources.get(src)
        if s is None:
            s = self.sources[src] = {"articles": 0, "score_sum": 0.0, "fail": 0, "rules": {}}
        s["articles"] += 1
        s["score_sum"] += r.score
        s["fail"] += r.status == "fail"
        for code in rules_here:
            s["rules"][code] = s["rules"].get(code, 0) + 1
        # Per-source debris rollup: does this source leak page furniture?
        if any(self.by_rule[code]["category"] == "debris" for code in rules_here):
            s["debris_articles"] = s.get("debris_articles", 0) + 1

    def _debris_rollup(self, s: dict[str, Any]) -> dict[str, Any]:
        """Share of a source's articles with any debris finding, and per
        debris rule ("site X leaks its footer into 96% of articles")."""
        n = s["articles"]
        return {
            "share": round(s.get("debris_articles", 0) / n, 4),
            "rules": {
                code: round(cnt / n, 4)
                for code, cnt in sorted(s["rules"].items(), key=lambda kv: (-kv[1], kv[0]))
                if self.by_rule[code]["category"] == "debris"
            },
        }

    def add_error(self, e: InputError) -> None:
        self.errors += 1

    def _percentile(self, p: float) -> float | None:
        if not self.articles:
            return None
        # Nearest-rank percentile.
        rank = max(1, -(-self.articles * p // 100))
        seen = 0
        for i, c in enumerate(self._bins):
            seen += c
            if seen >= rank:
                return i / 10
        return 100.0

    def build(self) -> dict[str, Any]:
        n = self.articles
        lo = next((i / 10 for i, c in enumerate(self._bins) if c), None)
        hi = next((i / 10 for i in range(1000, -1, -1) if self._bins[i]), None)
        histogram = [0] * 10
        for i, c in enumerate(self._bins):
            histogram[min(9, i // 100)] += c
        worst = sorted(self._worst, reverse=True)
        sources = {}
        for name in sorted(self.sources):
            s = self.sources[name]
            sources[name] = {
                "articles": s["articles"],
                "mean_score": round(s["score_sum"] / s["articles"], 2),
                "fail": s["fail"],
                "rule_share": {
                    code: round(cnt / s["articles"], 4)
                    for code, cnt in sorted(s["rules"].items(), key=lambda kv: (-kv[1], kv[0]))
                },
                "debris": self._debris_rollup(s),
            }
        return {
            "articles": n,
            "input_errors": self.errors,
            "findings": self.findings,
            "waived": self.waived,
            "fixable": self.fixable,
            "status": dict(self.status),
            "gate_failed_articles": self.gate_failed_articles,
            "score": {
                "mean": round(self._score_sum / n, 2) if n else None,
                "min": lo,
                "max": hi,
                "percentiles": {f"p{p}": self._percentile(p) for p in PERCENTILES},
                "median": self._percentile(50),
                "histogram": {"bucket_width": 10, "counts": histogram},
            },
            "by_rule": {k: self.by_rule[k] for k in sorted(self.by_rule)},
            "by_category": dict(self.by_category),
            "by_severity": dict(self.by_severity),
            "worst": [{"id": i, "title": t, "score": -s} for s, _, i, t in worst],
            "sources": sources,
        }
