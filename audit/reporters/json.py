"""``audit.json``: the report contract (see README, schema in
``audit/schema/audit.schema.json``).

Streamed: articles are written as they come, one per line; the other
top-level keys (which sort after ``articles``) are written at the end, so
keys are sorted and memory does not grow with the corpus. No wall-clock
time is included: the same input and config give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import ArticleResult, InputError
from ..text import LineIndex
from . import Reporter, register

SCHEMA_VERSION = 1


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def article_dict(result: ArticleResult) -> dict[str, Any]:
    """The article object of the contract, with line/column per finding."""
    d = result.to_dict()
    if d["findings"]:
        index = LineIndex(result.article.text)
        for fd in d["findings"]:
            fd["line"], fd["column"] = index.line_col(fd["start"])
    return d


def tool_dict(meta: Any) -> dict[str, Any]:
    return {"name": "mtaudit", "version": meta.version}


@register("json")
class JsonReporter(Reporter):
    filename = "audit.json"

    def __init__(self, meta: Any):
        super().__init__(meta)
        self._n = 0

    def header(self) -> str:
        return '{"articles": ['

    def article(self, result: ArticleResult) -> str:
        sep = "\n" if self._n == 0 else ",\n"
        self._n += 1
        return sep + dumps(article_dict(result))

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        tail = {
            "config": self.meta.config,
            "errors": [e.to_dict() for e in errors],
            "rules": {r.code: {"name": r.name, "category": r.category, "severity": r.severity} for r in self.meta.rules},
            "schema_version": SCHEMA_VERSION,
            "summary": summary,
            "tool": tool_dict(self.meta),
        }
        parts = [("\n" if self._n else "") + "],"]
        keys = sorted(tail)
        for i, k in enumerate(keys):
            parts.append(f"\n{dumps(k)}: {dumps(tail[k])}" + ("," if i + 1 < len(keys) else ""))
        parts.append("}\n")
        return "".join(parts)
