"""``github``: GitHub Actions workflow commands, one annotation per finding,
printed to standard output::

    ::warning file=corpus/a.txt,line=3,col=1,endLine=3,endColumn=15,title=mtaudit SD002 (scraper-source-marker)::scraper source marker 'source site-34'

A JSONL/CSV record is annotated at its line in the file; the message names
the article and the position in its text. Waived and baselined findings
are not annotated. Everything taken from the corpus is escaped with the
runner's rules (``%``, CR and LF in the message; also ``:`` and ``,`` in
properties) and stripped of other control characters, so hostile text
cannot end the command or inject another one.
"""

from __future__ import annotations

from typing import Any

import regex

from ..model import ArticleResult, InputError
from ..text import LineIndex
from . import Reporter, register

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}

# Control and invisible format characters other than CR/LF (those are
# escaped): control whitespace becomes a space, the rest is removed.
_CONTROLS = regex.compile(r"(?![\r\n])[\p{Cc}\p{Cf}\u2028\u2029]")


def _clean(s: str) -> str:
    return _CONTROLS.sub(lambda m: " " if m.group(0).isspace() else "", s)


def escape_data(s: str) -> str:
    """Escape a workflow command's message."""
    return _clean(s.replace("%", "%25")).replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a workflow command property value."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: Any) -> str:
    items = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level} {items}::{escape_data(message)}\n" if items else f"::{level}::{escape_data(message)}\n"


@register("github")
class GithubReporter(Reporter):
    filename = None

    def article(self, result: ArticleResult) -> str:
        findings = [f for f in result.findings if not f.waived]
        if not findings:
            return ""
        a = result.article
        index = LineIndex(a.text)
        out = []
        for f in findings:
            line, col = index.line_col(f.start)
            title = f"mtaudit {f.rule} ({f.name})"
            file = a.path if a.path and a.path != "<stdin>" else None
            if a.line is None and file:
                end_line, end_col = index.line_col(f.end)
                props: dict[str, Any] = {"file": file, "line": line, "endLine": end_line}
                if end_line == line:
                    props["col"] = col
                    props["endColumn"] = max(col, end_col - 1)
                msg = f.message
            else:
                props = {"file": file, "line": a.line}
                msg = f"{f.message} (article {a.id}, line {line}, column {col})"
            out.append(command(LEVELS.get(f.severity, "warning"), msg, **props, title=title))
        return "".join(out)

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        out = []
        for e in errors:
            out.append(command("error", f"input error: {e.message}", file=e.path, line=e.line, title="mtaudit input error"))
        return "".join(out)
