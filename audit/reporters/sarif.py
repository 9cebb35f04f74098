"""``audit.sarif``: SARIF 2.1.0 for code-scanning tools (GitHub, GitLab,
Azure DevOps, VS Code's SARIF viewer).

One result per finding. A file article's region is the finding's line and
columns (code points: ``columnKind`` is ``unicodeCodePoints``); a JSONL/CSV
record's region is the record's line in the file, and the position inside
the article text is in the result's ``properties``. Every result also names
its article as a logical location and carries the finding key as a partial
fingerprint, so code scanning tracks it across runs. Waived and baselined
findings are included with a ``suppressions`` entry. Streamed: results are
written as they come.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..baseline import BASELINE_LABEL
from ..engine import AU_RULE_CRASHED, AU_TIME_BUDGET
from ..model import ArticleResult, Finding, InputError
from ..registry import Rule
from ..text import LineIndex
from . import Reporter, register

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mtaudit/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "mtauditFindingKey/v1"

_TOOL_RULES = (
    (AU_RULE_CRASHED, "A rule raised an exception on this article; its findings are missing."),
    (AU_TIME_BUDGET, "The article exceeded its time budget; the remaining rules were skipped."),
)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=4096)
def artifact_uri(path: str) -> str:
    """A URI reference for a display path (POSIX separators): relative
    paths stay relative (percent-encoded), absolute ones become file URIs."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path, safe="/")


def rule_descriptor(r: Rule) -> dict[str, Any]:
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.doc},
        "help": {"text": r.doc},
        "defaultConfiguration": {"level": LEVELS[r.severity], "enabled": r.default_enabled},
        "properties": {"category": r.category, "fixable": r.fixable, "tags": [r.category, "mtaudit"]},
    }


def _tool_descriptor(code_name: tuple[str, str], summary: str) -> dict[str, Any]:
    code, name = code_name
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["mtaudit"]},
    }


def _physical(path: str | None) -> dict[str, Any] | None:
    if not path or path == "<stdin>":
        return None
    return {"artifactLocation": {"uri": artifact_uri(path)}}


@register("sarif")
class SarifReporter(Reporter):
    filename = "audit.sarif"

    def __init__(self, meta: Any):
        super().__init__(meta)
        self._n = 0
        descriptors = [rule_descriptor(r) for r in meta.rules]
        have = {r.code for r in meta.rules}
        descriptors += [_tool_descriptor(cn, s) for cn, s in _TOOL_RULES if cn[0] not in have]
        self._rules = descriptors
        self._index = {d["id"]: i for i, d in enumerate(descriptors)}

    def header(self) -> str:
        driver = {
            "name": "mtaudit",
            "version": self.meta.version,
            "semanticVersion": self.meta.version,
            "informationUri": INFORMATION_URI,
            "rules": self._rules,
        }
        head = dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0"})[:-1]
        run_head = dumps({"columnKind": "unicodeCodePoints", "tool": {"driver": driver}})[:-1]
        return f'{head},"runs":[{run_head},"results":['

    def _result(self, r: ArticleResult, f: Finding, index: LineIndex) -> dict[str, Any]:
        a = r.article
        line, col = index.line_col(f.start)
        end_line, end_col = index.line_col(f.end)
        props: dict[str, Any] = {
            "article": a.id,
            "category": f.category,
            "name": f.name,
            "start": f.start,
            "end": f.end,
            "textLine": line,
            "textColumn": col,
        }
        if f.fix is not None:
            props["fix"] = f.fix.to_dict()
        if f.data:
            props["data"] = f.data
        loc: dict[str, Any] = {
            "logicalLocations": [{"name": a.id, "fullyQualifiedName": a.id, "kind": "resource"}],
        }
        phys = _physical(a.path)
        if phys is not None:
            if a.line is None:
                phys["region"] = {
                    "startLine": line,
                    "startColumn": col,
                    "endLine": end_line,
                    "endColumn": end_col,
                    "snippet": {"text": f.text},
                }
            else:
                phys["region"] = {"startLine": a.line}
            loc["physicalLocation"] = phys
        message = f.message if a.line is None else f"{f.message} (article {a.id}, line {line}, column {col})"
        res: dict[str, Any] = {
            "ruleId": f.rule,
            "level": LEVELS.get(f.severity, "warning"),
            "message": {"text": message},
            "locations": [loc],
            "properties": props,
        }
        if f.rule in self._index:
            res["ruleIndex"] = self._index[f.rule]
        if f.key:
            res["partialFingerprints"] = {FINGERPRINT: f.key}
        if f.waived:
            res["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f.waived}]
            if f.waived == BASELINE_LABEL:
                res["baselineState"] = "unchanged"
        return res

    def article(self, result: ArticleResult) -> str:
        if not result.findings:
            return ""
        index = LineIndex(result.article.text)
        parts = []
        for f in result.findings:
            parts.append(("," if self._n else "") + "\n" + dumps(self._result(result, f, index)))
            self._n += 1
        return "".join(parts)

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        notes = []
        for e in errors:
            note: dict[str, Any] = {"level": "error", "message": {"text": e.message}, "descriptor": {"id": "input-error"}}
            phys = _physical(e.path)
            if phys is not None:
                if e.line:
                    phys["region"] = {"startLine": e.line}
                note["locations"] = [{"physicalLocation": phys}]
            notes.append(note)
        invocation = {"executionSuccessful": not errors, "toolExecutionNotifications": notes}
        tail = dumps({"invocations": [invocation], "properties": {"summary": summary}})[1:]
        return ("\n" if self._n else "") + "]," + tail + "]}\n"
