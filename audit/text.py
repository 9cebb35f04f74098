"""Text segmentation shared by all rules: lines, paragraphs, sentences, words.

All functions return ``(start, end)`` code-point spans into the original text,
never copies, so findings can point back exactly. Every pattern here is linear:
no nested quantifiers, no unbounded look-behind.

Speed notes (these run on every article, so they are on the hot path):

* Words are matched with the stdlib ``re`` engine, about twice as fast as
  ``regex`` for this pattern, whenever the text is made only of characters
  from the common Latin and punctuation blocks (nearly every English news
  article). The character classes for those blocks are computed at import
  time *with the ``regex`` module itself*, so the fast path gives exactly the
  spans of the reference ``regex`` pattern; other texts use that pattern.
  Sentence ends take the same fast path (``in_fast_blocks``).
* ``word_count`` counts words without building a span per word.
* Sentence ends use possessive quantifiers and a look-behind so a long run of
  full stops is scanned once (it used to be quadratic), and the abbreviation
  check is plain string work instead of a regex search per full stop.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add

import regex

# A sentence ends at . ! ? or … (possibly repeated), optionally followed by
# closing quotes/brackets, then whitespace, then something that can start a
# sentence (capital, digit, opening quote/bracket). The look-behind makes a
# match start only at the first mark of a run, and the possessive quantifiers
# stop backtracking; together they keep a 1 MB line of dots linear without
# changing any match (a run either ends a sentence as a whole or not at all).
_SENT_END = regex.compile(
    r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u201d\u2019\u00bb)\]]*+"
    r"(?=\s+[\"'\u201c\u2018\u201e\u00ab(\[]?[\p{Lu}\p{N}])"
)
#: The reference word pattern (Unicode letters with inner apostrophes and
#: hyphens, or numbers with inner separators).
WORD_PATTERN = r"\p{L}[\p{L}\p{M}\p{N}'\u2019\-]*|\p{N}+(?:[.,]\p{N}+)*"
_WORD = regex.compile(WORD_PATTERN)
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
#: ``regex`` treats these as non-space although ``str.isspace`` does not.
_NOT_REGEX_SPACE = frozenset("\x1c\x1d\x1e\x1f")

#: Blocks covered by the ``re`` fast path: Basic Latin to combining
#: diacritics, Latin Extended Additional, general punctuation, super- and
#: subscripts, currency, letterlike symbols and number forms.
_FAST_BLOCKS = ((0x0000, 0x036F), (0x1E00, 0x1EFF), (0x2000, 0x218F))


def _re_class(prop: str) -> str:
    """An ``re`` character-class body listing the fast-block characters that
    the ``regex`` module puts in ``prop`` (so both engines agree exactly)."""
    test = regex.compile(prop)
    members = [c for lo, hi in _FAST_BLOCKS for c in range(lo, hi + 1) if test.match(chr(c))]
    parts: list[str] = []
    i = 0
    while i < len(members):
        j = i
        while j + 1 < len(members) and members[j + 1] == members[j] + 1:
            j += 1
        parts.append(re.escape(chr(members[i])) + ("-" + re.escape(chr(members[j])) if j > i else ""))
        i = j + 1
    return "".join(parts)


def _build_fast_word() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """``WORD_PATTERN`` for ``re`` over the fast blocks, written to start
    with one character class (letter or number; a look-behind then picks
    the branch), which ``re`` scans for at C speed instead of trying both
    branches at every position; the same pattern ending in an empty group,
    whose ``findall`` counts words without making a string per word; and
    the pattern of characters outside the fast blocks."""
    letter, mark, number = _re_class(r"\p{L}"), _re_class(r"\p{M}"), _re_class(r"\p{N}")
    body = (
        f"[{letter}{number}](?:(?<=[{letter}])[{letter}{mark}{number}'\u2019\\-]*+"
        f"|[{number}]*+(?:[.,][{number}]++)*+)"
    )
    outside = re.compile("[^" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _FAST_BLOCKS) + "]")
    return re.compile(body), re.compile(body + "()"), outside


def _build_fast_sentence_end() -> re.Pattern[str]:
    """``_SENT_END`` for ``re``, over the fast blocks. The look-behind moves
    after the first mark (two marks in a row cannot precede it) so the
    pattern starts with a character class, which ``re`` turns into a
    skip-ahead scan: about half the time of ``_SENT_END``."""
    space, upper, number = _re_class(r"\s"), _re_class(r"\p{Lu}"), _re_class(r"\p{N}")
    return re.compile(
        "[.!?\u2026](?<![.!?\u2026][.!?\u2026])[.!?\u2026]*+[\"'\u201d\u2019\u00bb)\\]]*+"
        f"(?=[{space}]+[\"'\u201c\u2018\u201e\u00ab(\\[]?[{upper}{number}])"
    )


_WORD_FAST, _WORD_COUNT_FAST, _OUTSIDE_FAST = _build_fast_word()
_SENT_END_FAST = _build_fast_sentence_end()
_RE_SPAN = re.Match.span


def in_fast_blocks(text: str) -> bool:
    """Does ``text`` stay in the blocks the ``re`` fast paths cover?"""
    return text.isascii() or _OUTSIDE_FAST.search(text) is None


def _word_pattern(text: str, fast: bool | None = None) -> "re.Pattern[str] | regex.Pattern[str]":
    """The fast ``re`` word pattern when ``text`` stays in the fast blocks
    (``fast``: that answer, if already known)."""
    return _WORD_FAST if (in_fast_blocks(text) if fast is None else fast) else _WORD

#: Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep
    pres rev hon messrs mme mlle no nos vol vs etc al inc ltd co corp bros dept
    univ approx est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e
    u.s u.k u.n e.u a.m p.m d.c u.s.a ph.d""".split()
)


#: Last three letters of every abbreviation of three letters or more. A
#: full stop after three letters whose lower-case form is not in here
#: cannot end an abbreviation (the token has at least those three letters)
#: nor an initial: the common case ("said.", "Monday.") skips the token scan.
_ABBREVIATION_ENDINGS = frozenset(a[-3:] for a in ABBREVIATIONS if len(a) >= 3)


_PLUS_ONE = (1).__add__


def line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every line, without the line break (``\\r\\n`` aware)."""
    if "\r" not in text:
        # Each line starts one past the previous line's end: running sums of
        # the line lengths, at C speed.
        lengths = list(map(len, text.split("\n")))
        starts = list(accumulate(map(_PLUS_ONE, lengths), initial=0))
        return list(zip(starts, map(add, starts, lengths)))
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
        if s < e and not text[s].isspace() and not text[e - 1].isspace():
            out.append((s, e))  # the common case: nothing to strip
            continue
        s, e = strip_span(text, s, e)
        if s < e:
            out.append((s, e))
    return out


def _token_start(text: str, lo: int, end: int) -> int:
    """Start of the run of non-space characters ending at ``end`` (not
    before ``lo``), with the ``regex`` module's idea of space."""
    window = text[lo:end]
    if window.isprintable():
        # No control characters, so str whitespace == regex whitespace.
        return end - len(window.rsplit(None, 1)[-1]) if window and not window[-1].isspace() else end
    i = end
    while i > lo and not (text[i - 1].isspace() and text[i - 1] not in _NOT_REGEX_SPACE):
        i -= 1
    return i


def _is_abbreviation(text: str, dot: int, para_start: int) -> bool:
    """Is the full stop at ``dot`` part of an abbreviation or an initial?

    The token is the run of non-space characters before ``dot``, looking
    back at most 20 characters and not past the paragraph start.
    """
    start = _token_start(text, max(para_start, dot - 20), dot)
    if start == dot:
        return False
    token = text[start:dot].lstrip("\"'(\u201c\u2018[").lower()
    if not token:
        return False
    if token in ABBREVIATIONS:
        return True
    # Single initial ("John F. Kennedy") – a lone capital letter.
    return len(token) == 1 and text[dot - 1].isupper()


def sentence_spans(text: str, paragraphs: list[tuple[int, int]], fast: bool | None = None) -> list[tuple[int, int]]:
    """Split each paragraph into sentences. Sentences never span paragraphs.
    ``fast``: ``in_fast_blocks(text)``, if already known."""
    out: list[tuple[int, int]] = []
    append = out.append
    finditer = (_SENT_END_FAST if (in_fast_blocks(text) if fast is None else fast) else _SENT_END).finditer
    for ps, pe in paragraphs:
        start = ps
        for m in finditer(text, ps, pe):
            dot, end = m.span()
            # A lone full stop (closers may follow) might end an abbreviation;
            # "?", "!", "…" and runs of marks always end the sentence.
            if text[dot] == "." and (dot + 1 == end or text[dot + 1] in _CLOSERS):
                last3 = text[dot - 3 : dot] if dot - 3 >= ps else ""
                if not (last3.isalpha() and last3.lower() not in _ABBREVIATION_ENDINGS) and _is_abbreviation(
                    text, dot, ps
                ):
                    continue
            append((start, end))
            start = end
            while start < pe and text[start].isspace():
                start += 1
        if start < pe:
            append((start, pe))
    return out


def word_spans(
    text: str, start: int = 0, end: int | None = None, fast: bool | None = None
) -> list[tuple[int, int]]:
    """Word tokens (letters with inner apostrophes/hyphens, or numbers).
    ``fast``: ``in_fast_blocks`` of the searched text, if already known."""
    if end is None:
        end = len(text)
    pattern = _word_pattern(text if start == 0 and end == len(text) else text[start:end], fast)
    if pattern is _WORD_FAST:
        return list(map(_RE_SPAN, pattern.finditer(text, start, end)))
    return [m.span() for m in pattern.finditer(text, start, end)]


def sentence_word_counts(text: str, sentences: list[tuple[int, int]], fast: bool | None = None) -> list[int]:
    """Words (``word_spans``) in each sentence. Sentences cover their
    paragraphs up to whitespace and paragraphs cover every non-space
    character, so the counts add up to ``word_count(text)``."""
    pattern = _word_pattern(text, fast)
    findall = (_WORD_COUNT_FAST if pattern is _WORD_FAST else pattern).findall
    return [len(findall(text, s, e)) for s, e in sentences]


def word_count(text: str) -> int:
    """``len(word_spans(text))`` without building the spans."""
    pattern = _word_pattern(text)
    return len(_WORD_COUNT_FAST.findall(text)) if pattern is _WORD_FAST else pattern.subn("", text)[1]


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
