"""Scraper debris: page furniture left in the article (category ``debris``,
codes SD)."""

from __future__ import annotations

from typing import Iterator

import regex

from audit.doc import Doc
from audit.model import Hit
from audit.registry import rule

from ._common import delete_line_fix

# A line that is only a scraper's source marker: "source site-34",
# "Source: site_12", "[source site 7]".
_SOURCE_MARKER = regex.compile(
    r"(?im)^[ \t]*\[?[ \t]*source[ \t]*[:\-]?[ \t]*site[ \t_-]*\d+[ \t]*\]?[ \t]*\r?$"
)


@rule(
    code="SD002",
    name="scraper-source-marker",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "Both sides blame each other.\n\n⟦source site-34⟧",
        "First paragraph.\n⟦Source: site_12⟧\nSecond paragraph.",
        {"text": "Body text.\n⟦source site-7⟧\n", "fixed": "Body text.\n"},
    ],
    good=[
        "The source site said 34 people were hurt.",
        "According to a source, the site was closed.",
        "Source: Reuters",
    ],
)
def scraper_source_marker(doc: Doc) -> Iterator[Hit]:
    """Line that is only a scraper's source marker such as ``source site-34``.

    Why it matters: the marker is an artefact of the collection pipeline,
    not part of the article; it leaks into training data and published text.
    The fix deletes the line.
    """
    for m in _SOURCE_MARKER.finditer(doc.text):
        s, e = m.span()
        while s < e and doc.text[s] in " \t[":
            s += 1
        while e > s and doc.text[e - 1] in " \t]\r":
            e -= 1
        yield Hit(s, e, f"scraper source marker {doc.text[s:e]!r}", delete_line_fix(doc, s, e))
