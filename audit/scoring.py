"""Article scores, pure functions.

The formula (documented in the README, and returned in every article's
``breakdown`` so the number is explained):

* each finding that counts (not waived, not a tool finding ``AU…``) costs
  its severity weight: ``error`` 20, ``warning`` 5, ``info`` 1;
* the cost of one rule in one article is capped at three times the weight
  of its worst finding, so one noisy rule cannot zero an article;
* the summed penalty is normalised by length: divided by
  ``max(1, sqrt(words / 350))`` — a 1,400-word article tolerates twice the
  absolute damage of a 350-word one;
* ``score = max(0, 100 - penalty / length_factor)``, rounded to 0.1;
* ``status`` is ``fail`` below ``fail_under`` (default 60), ``warn`` below
  ``warn_under`` (default 85), else ``pass``.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from .model import Finding

SEVERITY_WEIGHT = {"error": 20.0, "warning": 5.0, "info": 1.0}
RULE_CAP_MULTIPLIER = 3.0
REFERENCE_WORDS = 350.0
DEFAULT_FAIL_UNDER = 60.0
DEFAULT_WARN_UNDER = 85.0


def counts_toward_score(f: Finding) -> bool:
    return not f.waived and not f.rule.startswith("AU")


def length_factor(words: int) -> float:
    return max(1.0, math.sqrt(words / REFERENCE_WORDS))


def score_article(
    findings: Iterable[Finding],
    words: int,
    fail_under: float = DEFAULT_FAIL_UNDER,
    warn_under: float = DEFAULT_WARN_UNDER,
) -> tuple[float, str, dict[str, Any]]:
    """Return ``(score, status, breakdown)`` for one article."""
    per_rule: dict[str, list[Any]] = {}
    for f in findings:
        if not counts_toward_score(f):
            continue
        w = SEVERITY_WEIGHT[f.severity]
        entry = per_rule.get(f.rule)
        if entry is None:
            per_rule[f.rule] = [f.category, w, w]  # category, sum, worst weight
        else:
            entry[1] += w
            entry[2] = max(entry[2], w)
    factor = length_factor(words)
    by_category: dict[str, float] = {}
    rules_out: dict[str, dict[str, float]] = {}
    total = 0.0
    for code in sorted(per_rule):
        cat, raw, worst = per_rule[code]
        capped = min(raw, worst * RULE_CAP_MULTIPLIER)
        total += capped
        by_category[cat] = by_category.get(cat, 0.0) + capped
        rules_out[code] = {"raw": raw, "capped": capped}
    score = round(max(0.0, 100.0 - total / factor), 1)
    status = "fail" if score < fail_under else "warn" if score < warn_under else "pass"
    breakdown = {
        "penalty": round(total, 3),
        "length_factor": round(factor, 4),
        "by_category": {k: round(v / factor, 2) for k, v in sorted(by_category.items())},
        "by_rule": rules_out,
    }
    return score, status, breakdown
