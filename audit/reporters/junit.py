"""``audit.junit.xml``: JUnit XML for CI test-report views (Jenkins,
GitLab, Azure DevOps, GitHub test-reporter actions).

One test case per article, named by its id with the source as class name;
it fails (``<failure>``) when the article fails the gate (status ``fail``
or a counting finding at or above ``--fail-on``) and lists every finding in
the failure body, or in ``<system-out>`` when it passes. Input errors are
test cases with ``<error>``. Counts must precede the test cases in JUnit,
so this reporter keeps the test cases of a run in memory; use ``jsonl`` or
``sarif`` for very large corpora.

Article text is escaped for XML 1.0: characters XML cannot carry (C0
controls, U+FFFE/U+FFFF, lone surrogates) become U+FFFD, and markup is
escaped, so ``]]>`` or ``</testcase>`` in an article is harmless.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

import regex

from ..engine import gate_failures
from ..model import ArticleResult, InputError
from ..text import LineIndex
from . import Reporter, register

_NOT_XML = regex.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s: str) -> str:
    """Element text; a carriage return is written as ``&#13;`` (XML parsers
    turn a literal one into a line feed)."""
    return escape(_NOT_XML.sub("\ufffd", s), {"\r": "&#13;"})


def xml_attr(s: str) -> str:
    """A quoted attribute value; line breaks and tabs survive as entities."""
    return quoteattr(_NOT_XML.sub("\ufffd", s), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


@register("junit")
class JunitReporter(Reporter):
    filename = "audit.junit.xml"

    def __init__(self, meta: Any):
        super().__init__(meta)
        self._cases: list[str] = []
        self._tests = self._failures = self._errors = 0

    def header(self) -> str:
        return ""

    def article(self, result: ArticleResult) -> str:
        a = result.article
        self._tests += 1
        failed = gate_failures(result, self.meta.config.get("fail_on", "error"))
        index = LineIndex(a.text)
        lines = []
        for f in result.findings:
            line, col = index.line_col(f.start)
            waived = f" (waived: {f.waived})" if f.waived else ""
            lines.append(f"{line}:{col}: {f.rule} [{f.severity}] {f.message}{waived}")
        body = "\n".join(lines)
        attrs = f"classname={xml_attr(a.source or '.')} name={xml_attr(a.id)}"
        if a.path:
            attrs += f" file={xml_attr(a.path)}"
        if a.line is not None:
            attrs += f' line="{a.line}"'
        counting = sum(1 for f in result.findings if not f.waived)
        if failed:
            self._failures += 1
            msg = f"score {result.score:g} ({result.status}), {counting} findings"
            inner = f"<failure message={xml_attr(msg)} type=\"mtaudit.gate\">{xml_text(body)}</failure>"
        elif body:
            inner = f"<system-out>{xml_text(body)}</system-out>"
        else:
            inner = ""
        props = (
            f'<properties><property name="score" value="{result.score:g}"/>'
            f"<property name=\"status\" value={xml_attr(result.status)}/></properties>"
        )
        self._cases.append(f"    <testcase {attrs}>{props}{inner}</testcase>\n")
        return ""

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        for e in errors:
            self._tests += 1
            self._errors += 1
            name = f"{e.path}:{e.line}" if e.line else e.path
            self._cases.append(
                f"    <testcase classname=\"input\" name={xml_attr(name)}>"
                f"<error message={xml_attr(e.message)} type=\"mtaudit.input\"/></testcase>\n"
            )
        counts = f'tests="{self._tests}" failures="{self._failures}" errors="{self._errors}"'
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="mtaudit" {counts}>\n'
            f'  <testsuite name="mtaudit" {counts} skipped="0">\n'
            + "".join(self._cases)
            + "  </testsuite>\n</testsuites>\n"
        )
