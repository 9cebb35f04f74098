"""Helpers shared by rule modules (not a rule module itself)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from audit.doc import Doc
from audit.model import Fix

DATA_DIR = Path(__file__).parent


def delete_line_fix(doc: Doc, start: int, end: int, safe: bool = True) -> Fix:
    """A fix that deletes the whole line holding ``start``..``end``,
    including its line break (the following one, or the preceding one on
    the last line)."""
    text = doc.text
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    if le == -1:
        le = len(text)
        if ls > 0:
            ls -= 1  # last line: remove the break before it instead
            if ls > 0 and text[ls - 1] == "\r":
                ls -= 1
    else:
        le += 1
    return Fix("", safe, ls, le)


@lru_cache(maxsize=None)
def load_lines(filename: str) -> tuple[str, ...]:
    """A word list beside the rule modules: one entry per line, ``#``
    comments and blank lines ignored."""
    out = []
    with open(DATA_DIR / filename, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            if line:
                out.append(line)
    return tuple(out)
