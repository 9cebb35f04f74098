"""Punctuation and typography damage (category ``punctuation``, codes PU)."""

from __future__ import annotations

from typing import Iterator

import regex

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.registry import rule

# Exactly two full stops (three or more is an ellipsis), or two or more
# commas. Not inside paths/URLs ("../", "..\\").
_DOUBLED = regex.compile(r"(?<![./\\])\.\.(?![.\w/\\])|,{2,}")


@rule(
    code="PU001",
    name="doubled-stop",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        "ready to make adjustments if necessary⟦..⟧",
        "Talks resume next month⟦,,⟧ officials said.",
        "The deal was signed in the U.S⟦..⟧ Then it stalled.",
        {"text": "It ended⟦..⟧ Nobody left.", "fixed": "It ended. Nobody left."},
        "members of the alliance⟦..⟧\u201d",
    ],
    good=[
        "Wait... what happened next?",
        "He paused \u2026 and went on.",
        "The deal was signed in the U.S. on Monday.",
        "Growth was 3.5 percent, up from 2.1.",
        "Version 2.0.1 is out; see https://example.com/a..b for details.",
        "Run ../configure first.",
        "Prices rose, then fell.",
    ],
)
def doubled_stop(doc: Doc) -> Iterator[Hit]:
    """Doubled full stop or comma that is not an ellipsis.

    Why it matters: scrapers and translation pipelines that re-insert
    sentence punctuation leave ``necessary..`` and ``month,,`` behind. Readers
    see the damage at once; an ellipsis (three stops or ``…``) is left alone.
    """
    text = doc.text
    for m in _DOUBLED.finditer(text):
        s, e = m.span()
        yield Hit(s, e, f"doubled {'full stop' if text[s] == '.' else 'comma'} {text[s:e]!r}", Fix(text[s]))
