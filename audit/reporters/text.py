"""Compiler-style text output: ``id:line:col: CODE [severity] message``."""

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
        if not result.findings:
            return ""
        index = LineIndex(result.article.text)
        aid = term_safe(result.article.id)
        lines = []
        for f in result.findings:
            line, col = index.line_col(f.start)
            sev = f.severity
            if self.meta.color:
                sev = f"{_COLORS[sev]}{sev}{_RESET}"
            waived = " (waived)" if f.waived else ""
            lines.append(f"{aid}:{line}:{col}: {f.rule} [{sev}] {term_safe(f.message)}{waived}\n")
        return "".join(lines)

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        out = []
        for e in errors:
            loc = f"{term_safe(e.path)}:{e.line}" if e.line else term_safe(e.path)
            out.append(f"{loc}: input error: {term_safe(e.message)}\n")
        return "".join(out)
