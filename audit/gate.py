"""The CI gate: per-article tiers and the corpus verdict with its exit code.

An article *fails* when its status is ``fail`` (score below ``fail_under``)
or it has a counting finding at or above ``fail_on``; otherwise it *warns*
when its status is ``warn`` (score below ``warn_under``) or it has a
counting finding at or above ``warn_on``. The corpus is judged as a whole:

* exit 2 — input errors (the rest is still audited and reported);
* exit 1 — more articles fail than ``max_failing`` allows (a count, or a
  share of the articles such as ``5%``);
* exit 3 — the warn tier, when ``warn_exit`` is on (``--warn-exit``): some
  articles warn, or fail within the tolerance. Off by default, so existing
  pipelines that expect 0 or 1 keep working;
* exit 0 — otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import Config
from .engine import gate_failures
from .model import SEVERITY_RANK, ArticleResult

EXIT_OK, EXIT_GATE, EXIT_ERROR, EXIT_WARN = 0, 1, 2, 3

EXIT_CODES_HELP = """\b
Exit codes:
  0  gate passed
  1  gate failed: more articles fail than --max-failing allows (an
     article fails below --fail-under or with a finding at or above
     --fail-on)
  2  usage or configuration error, or input errors (the rest of the
     corpus is still audited and reported)
  3  warn tier, with --warn-exit only: the gate passed, but some
     articles are below --warn-under, have a finding at or above
     --warn-on, or fail within --max-failing"""


def article_tier(result: ArticleResult, config: Config) -> str:
    """``fail``, ``warn`` or ``pass`` for one article."""
    if gate_failures(result, config.fail_on):
        return "fail"
    if result.status == "warn":
        return "warn"
    if config.warn_on != "never":
        threshold = SEVERITY_RANK[config.warn_on]
        if any(not f.waived and SEVERITY_RANK[f.severity] >= threshold for f in result.findings):
            return "warn"
    return "pass"


@dataclass
class GateOutcome:
    articles: int
    failing: int
    warning: int
    allowed_failing: float
    input_errors: int
    exit_code: int

    @property
    def failed(self) -> bool:
        return self.failing > self.allowed_failing

    def describe(self, config: Config) -> str:
        """One line for the terminal summary."""
        tol = f" (tolerated: {config.max_failing})" if config.max_failing not in ("0", "0%") else ""
        if self.failed:
            return (
                f"gate: FAILED — {self.failing} of {self.articles} articles fail{tol}: below "
                f"{config.fail_under:g} or with findings at or above '{config.fail_on}'"
            )
        parts = []
        if self.failing:
            parts.append(f"{self.failing} failing within --max-failing {config.max_failing}")
        if self.warning:
            parts.append(f"{self.warning} in the warn tier")
        if parts:
            return "gate: passed with warnings — " + ", ".join(parts)
        return "gate: passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "failing": self.failing,
            "warning": self.warning,
            "allowed_failing": self.allowed_failing,
            "input_errors": self.input_errors,
            "failed": self.failed,
            "exit_code": self.exit_code,
        }


class Gate:
    """Accumulates article tiers over a run."""

    def __init__(self, config: Config):
        self.config = config
        self.articles = 0
        self.failing = 0
        self.warning = 0
        self.input_errors = 0

    def add(self, result: ArticleResult) -> str:
        tier = article_tier(result, self.config)
        self.articles += 1
        if tier == "fail":
            self.failing += 1
        elif tier == "warn":
            self.warning += 1
        return tier

    def add_error(self) -> None:
        self.input_errors += 1

    def outcome(self) -> GateOutcome:
        allowed = self.config.allowed_failing(self.articles)
        if self.input_errors:
            code = EXIT_ERROR
        elif self.failing > allowed:
            code = EXIT_GATE
        elif (self.failing or self.warning) and self.config.warn_exit:
            code = EXIT_WARN
        else:
            code = EXIT_OK
        return GateOutcome(self.articles, self.failing, self.warning, allowed, self.input_errors, code)
