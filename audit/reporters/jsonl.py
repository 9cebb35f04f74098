"""``audit.jsonl``: one article result per line, streamed (constant memory
on any corpus size); ``--format jsonl:-`` prints it to standard output.

Each line is the article object of the JSON report (same fields, with
line/column per finding). An input error is a line ``{"error": {"path",
"line", "message"}}``. Line separators that some line splitters honour
(U+2028, U+2029, U+0085) are escaped, so every record is exactly one line.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import ArticleResult, InputError
from . import Reporter, register
from .json import article_dict

_LINE_SAFE = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def dumps_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).translate(_LINE_SAFE) + "\n"


@register("jsonl")
class JsonlReporter(Reporter):
    filename = "audit.jsonl"

    def article(self, result: ArticleResult) -> str:
        return dumps_line(article_dict(result))

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        return "".join(dumps_line({"error": e.to_dict()}) for e in errors)
