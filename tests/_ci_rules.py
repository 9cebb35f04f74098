"""Deterministic rules for the gating, baseline, format and fix tests.

They are user pattern rules (``[[patterns]]`` in a configuration file), so
the tests exercise the configuration path and do not depend on the
built-in rule set, which evolves on its own.
"""

from __future__ import annotations

from pathlib import Path

RULES_TOML = r'''
select = ["TS"]

[[patterns]]
code = "TS001"
name = "test-doubled-stop"
message = "doubled full stop"
category = "punctuation"
severity = "warning"
regex = '(?<![.])\.\.(?![.])'
replacement = "."
fix-safe = true

[[patterns]]
code = "TS002"
name = "test-source-marker"
message = "scraper source marker '{match}'"
category = "debris"
severity = "warning"
regex = '(?m)^source site-\d+(?=\r?$)'
replacement = ""
fix-safe = true

[[patterns]]
code = "TS003"
name = "test-wordy"
message = "wordy '{match}'"
category = "style"
severity = "info"
phrases = ["in the framework of"]
replacement = "under"
'''


def write_rules(folder: Path, extra: str = "") -> Path:
    """Write ``mtaudit.toml`` with the test rules into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mtaudit.toml"
    path.write_text(extra + RULES_TOML, encoding="utf-8")
    return path
