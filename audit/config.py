"""Effective configuration of a run.

``Config`` is a plain dataclass; the CLI fills it from defaults, config files
and flags. File discovery and validation live in ``audit.configfile``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .scoring import DEFAULT_FAIL_UNDER, DEFAULT_WARN_UNDER


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

    def lexicon_extra(self, name: str) -> list[Any]:
        return self.lexicons.get(name, [])

    def option(self, code: str, key: str, default: Any = None) -> Any:
        """Option ``key`` for rule ``code`` (or its two-letter family)."""
        for k in (code, code[:2]):
            opts = self.rule_options.get(k)
            if opts and key in opts:
                return opts[key]
        return default

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
            "lang": self.lang,
        }
