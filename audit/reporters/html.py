"""``audit.html``: a self-contained report, rendered with Jinja2 (autoescape
on: every piece of article text is escaped), streamed article by article.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..model import ArticleResult, Finding, InputError
from ..text import LineIndex
from . import Reporter, register

_env = Environment(
    loader=PackageLoader("audit", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def segments(text: str, findings: list[Finding]) -> list[tuple[str, list[int]]]:
    """Cut ``text`` at every finding boundary; each piece carries the
    indexes of the findings covering it (empty list = plain text)."""
    cuts = {0, len(text)}
    for f in findings:
        cuts.add(f.start)
        cuts.add(f.end)
    points = sorted(cuts)
    # Sweep: findings sorted by start; active set per piece.
    out: list[tuple[str, list[int]]] = []
    order = sorted(range(len(findings)), key=lambda i: findings[i].start)
    k = 0
    active: list[int] = []
    for a, b in zip(points, points[1:]):
        while k < len(order) and findings[order[k]].start <= a:
            active.append(order[k])
            k += 1
        active = [i for i in active if findings[i].end > a]
        out.append((text[a:b], [i for i in active if findings[i].start <= a < findings[i].end]))
    return out


@register("html")
class HtmlReporter(Reporter):
    filename = "audit.html"

    def __init__(self, meta: Any):
        super().__init__(meta)
        self._n = 0

    def header(self) -> str:
        return _env.get_template("basic_header.html").render(version=self.meta.version)

    def article(self, result: ArticleResult) -> str:
        self._n += 1
        index = LineIndex(result.article.text)
        findings = [
            {"f": f, "line": index.line_col(f.start)[0], "col": index.line_col(f.start)[1]} for f in result.findings
        ]
        return _env.get_template("basic_article.html").render(
            n=self._n,
            r=result,
            findings=findings,
            segments=segments(result.article.text, result.findings),
        )

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        return _env.get_template("basic_footer.html").render(
            summary=summary, errors=errors, rules=self.meta.rules
        )
