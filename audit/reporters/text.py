"""Compiler-style text output: ``id:line:col: CODE [severity] message``.

With ``--statistics`` it prints counts per rule instead of every finding,
like ``ruff --statistics``::

    12  3  PU001  [*] doubled-stop
     3  3  SD002  [*] scraper-source-marker

(findings, articles, code, ``[*]`` when the rule has fixes, name).
"""

from __future__ import annotations

from typing import Any

import regex

from ..model import ArticleResult, InputError
from ..text import LineIndex
from . import Reporter, register

# C0/C1 controls, bidi controls and other invisible format characters are
# stripped from anything printed to a terminal.
_UNSAFE = regex.compile(r"[\p{Cc}\p{Cf}\u2028\u2029]")
_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"


def term_safe(s: str) -> str:
    """Make untrusted text safe to print: no escapes, no line breaks."""
    return _UNSAFE.sub(lambda m: "\\n" if m.group(0) == "\n" else "", s)


@register("text")
class TextReporter(Reporter):
    filename = None

    def article(self, result: ArticleResult) -> str:
        if not result.findings or self.meta.statistics:
            return ""
        index = LineIndex(result.article.text)
        aid = term_safe(result.article.id)
        lines = []
        for f in result.findings:
            line, col = index.line_col(f.start)
            sev = f.severity
            if self.meta.color:
                sev = f"{_COLORS[sev]}{sev}{_RESET}"
            waived = "" if not f.waived else " (baseline)" if f.waived == "baseline" else " (waived)"
            lines.append(f"{aid}:{line}:{col}: {f.rule} [{sev}] {term_safe(f.message)}{waived}\n")
        return "".join(lines)

    def statistics(self, summary: dict[str, Any]) -> list[str]:
        """Counts per rule, most frequent first."""
        fixable = {r.code for r in self.meta.rules if r.fixable}
        rows = sorted(summary.get("by_rule", {}).items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        if not rows:
            return []
        wc = max(len(str(e["count"])) for _, e in rows)
        wa = max(len(str(e["articles"])) for _, e in rows)
        wcode = max(len(c) for c, _ in rows)
        return [
            f"{e['count']:>{wc}}  {e['articles']:>{wa}}  {code:<{wcode}}  {'[*]' if code in fixable else '   '} "
            f"{term_safe(e['name'])}\n"
            for code, e in rows
        ]

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        out = self.statistics(summary) if self.meta.statistics else []
        for e in errors:
            loc = f"{term_safe(e.path)}:{e.line}" if e.line else term_safe(e.path)
            out.append(f"{loc}: input error: {term_safe(e.message)}\n")
        return "".join(out)
