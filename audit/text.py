"""Text segmentation shared by all rules: lines, paragraphs, sentences, words.

All functions return ``(start, end)`` code-point spans into the original text,
never copies, so findings can point back exactly. Every pattern here is linear:
no nested quantifiers, no unbounded look-behind.
"""

from __future__ import annotations

from bisect import bisect_right

import regex

# A sentence ends at . ! ? or … (possibly repeated), optionally followed by
# closing quotes/brackets, then whitespace, then something that can start a
# sentence (capital, digit, opening quote/bracket).
_SENT_END = regex.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s+[\"'\u201c\u2018\u201e\u00ab(\[]?[\p{Lu}\p{N}])"
)
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}'\u2019\-]*|\p{N}+(?:[.,]\p{N}+)*")
_TOKEN_BEFORE = regex.compile(r"(\S+)$")
_CLOSERS = "\"'\u201d\u2019\u00bb)]"

#: Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep
    pres rev hon messrs mme mlle no nos vol vs etc al inc ltd co corp bros dept
    univ approx est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e
    u.s u.k u.n e.u a.m p.m d.c u.s.a ph.d""".split()
)


def line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every line, without the line break (``\\r\\n`` aware)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        stop = end - 1 if line.endswith("\r") else end
        spans.append((pos, stop))
        pos = end + 1
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it does not begin or end with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str, lines: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Non-blank lines, stripped. Scraped news keeps one paragraph per line
    (with or without blank lines between), so a line is a paragraph."""
    out = []
    for s, e in lines if lines is not None else line_spans(text):
        s, e = strip_span(text, s, e)
        if s < e:
            out.append((s, e))
    return out


def _is_abbreviation(text: str, dot: int, para_start: int) -> bool:
    """Is the full stop at ``dot`` part of an abbreviation or an initial?"""
    m = _TOKEN_BEFORE.search(text, max(para_start, dot - 20), dot)
    if not m:
        return False
    token = m.group(1).lstrip("\"'(\u201c\u2018[").lower()
    if not token:
        return False
    if token in ABBREVIATIONS:
        return True
    # Single initial ("John F. Kennedy") – a lone capital letter.
    if len(token) == 1 and text[dot - 1].isupper():
        return True
    return False


def sentence_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split each paragraph into sentences. Sentences never span paragraphs."""
    out: list[tuple[int, int]] = []
    for ps, pe in paragraphs:
        start = ps
        for m in _SENT_END.finditer(text, ps, pe):
            if m.group(0).rstrip(_CLOSERS) == "." and _is_abbreviation(text, m.start(), ps):
                continue
            out.append((start, m.end()))
            start = m.end()
            while start < pe and text[start].isspace():
                start += 1
        if start < pe:
            out.append((start, pe))
    return out


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word tokens (letters with inner apostrophes/hyphens, or numbers)."""
    return [m.span() for m in _WORD.finditer(text, start, len(text) if end is None else end)]


class LineIndex:
    """Offset → (line, column), both 1-based, column in code points."""

    __slots__ = ("_starts",)

    def __init__(self, text: str):
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
