"""Effective configuration of a run.

``Config`` is a plain dataclass; the CLI fills it from defaults, config files
and flags. File discovery and validation live in ``audit.configfile``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .scoring import DEFAULT_FAIL_UNDER, DEFAULT_WARN_UNDER

#: Values accepted by ``fail_on`` and ``warn_on``.
GATE_SEVERITIES: tuple[str, ...] = ("error", "warning", "info", "never")


def parse_max_failing(value: Any) -> tuple[float, bool]:
    """Parse ``--max-failing``: a count (``3``) or a share (``"5%"``).

    Returns ``(number, is_percent)``; raises ``ValueError`` with a message
    fit for the user otherwise.
    """
    if isinstance(value, bool):
        raise ValueError("expected a whole number of articles (3) or a share ('5%')")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("must not be negative")
        return float(value), False
    if isinstance(value, str):
        s = value.strip()
        percent = s.endswith("%")
        num = s[:-1].strip() if percent else s
        try:
            n = float(num) if percent else int(num)
        except ValueError:
            raise ValueError(f"expected a whole number of articles (3) or a share ('5%'), got {value!r}") from None
        if percent and not (0 <= n <= 100 and math.isfinite(n)):
            raise ValueError(f"a share must be between 0% and 100%, got {value!r}")
        if n < 0:
            raise ValueError("must not be negative")
        return float(n), percent
    raise ValueError(f"expected a whole number of articles (3) or a share ('5%'), got {value!r}")


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    #: rule code → severity
    severity: dict[str, str] = field(default_factory=dict)
    fail_under: float = DEFAULT_FAIL_UNDER
    warn_under: float = DEFAULT_WARN_UNDER
    fail_on: str = "error"
    lang: str = "en"
    # reader fields
    text_field: str = "text"
    id_field: str | None = None
    title_field: str | None = None
    source_field: str | None = None
    #: lexicon name → extra entries (strings or dicts) appended to the data file
    lexicons: dict[str, list[Any]] = field(default_factory=dict)
    #: source/path glob → selectors to ignore there
    per_source_ignores: dict[str, list[str]] = field(default_factory=dict)
    #: free-form per-rule options: rule code or family → {option: value}
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: seconds one article may take before the rest of its rules are skipped
    time_budget: float = 10.0
    #: a record (text file, JSONL line, CSV row) larger than this many bytes
    #: once decompressed is reported and skipped (``readers.MAX_RECORD_BYTES``)
    max_record_bytes: int = 8 * 1024 * 1024
    # -- gate ---------------------------------------------------------------
    #: an article that does not fail but has a counting finding at or above
    #: this severity is in the warn tier ("never": only its score decides)
    warn_on: str = "never"
    #: how many failing articles the corpus tolerates: "0", "3" or "5%"
    max_failing: str = "0"
    #: exit 3 (instead of 0) when the gate passes but the warn tier is hit
    warn_exit: bool = False
    # -- run inputs and outputs (paths as given or resolved from the config file)
    waivers: str | None = None
    baseline: str | None = None
    output_dir: str = "reports"
    formats: list[str] = field(default_factory=lambda: ["json", "html"])
    #: user pattern rules, validated (see ``audit.patterns.PatternSpec``)
    patterns: list[Any] = field(default_factory=list)

    def lexicon_extra(self, name: str) -> list[Any]:
        return self.lexicons.get(name, [])

    def option(self, code: str, key: str, default: Any = None) -> Any:
        """Option ``key`` for rule ``code`` (or its two-letter family)."""
        for k in (code, code[:2]):
            opts = self.rule_options.get(k)
            if opts and key in opts:
                return opts[key]
        return default

    def allowed_failing(self, articles: int) -> float:
        """How many failing articles the gate tolerates in a corpus of
        ``articles``: the gate fails when more than this many fail."""
        n, percent = parse_max_failing(self.max_failing)
        return articles * n / 100.0 if percent else n

    def fingerprint(self) -> dict[str, Any]:
        """The parts of the config that change results (for the report)."""
        return {
            "select": sorted(self.select),
            "ignore": sorted(self.ignore),
            "extend_select": sorted(self.extend_select),
            "severity": dict(sorted(self.severity.items())),
            "fail_under": self.fail_under,
            "warn_under": self.warn_under,
            "fail_on": self.fail_on,
            "warn_on": self.warn_on,
            "max_failing": self.max_failing,
            "lang": self.lang,
            "per_source_ignores": {k: sorted(v) for k, v in sorted(self.per_source_ignores.items())},
            "patterns": sorted(getattr(p, "code", str(p)) for p in self.patterns),
        }
