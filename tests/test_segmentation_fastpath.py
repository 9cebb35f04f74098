"""The segmentation speed-ups give exactly the reference results.

``audit.text`` takes a stdlib ``re`` fast path for words and a single-scan
sentence-end pattern; ``Doc.quoted`` jumps from quote to quote. These tests
compare each against the plain reference algorithm on generated text, and
guard the linear-time behaviour on adversarial input.
"""

from __future__ import annotations

import time

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import text as T
from audit.doc import Doc
from audit.model import Article

# -- reference implementations (the straightforward versions) -------------
_REF_SENT_END = regex.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s+[\"'\u201c\u2018\u201e\u00ab(\[]?[\p{Lu}\p{N}])"
)
_REF_TOKEN_BEFORE = regex.compile(r"(\S+)$")
_REF_QUOTES = {"\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb", '"': '"'}


def ref_words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(T.WORD_PATTERN, text)]


def ref_sentences(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for ps, pe in paragraphs:
        start = ps
        for m in _REF_SENT_END.finditer(text, ps, pe):
            if m.group(0).rstrip("\"'\u201d\u2019\u00bb)]") == ".":
                tok = _REF_TOKEN_BEFORE.search(text, max(ps, m.start() - 20), m.start())
                if tok:
                    token = tok.group(1).lstrip("\"'(\u201c\u2018[").lower()
                    if token and (token in T.ABBREVIATIONS or (len(token) == 1 and text[m.start() - 1].isupper())):
                        continue
            out.append((start, m.end()))
            start = m.end()
            while start < pe and text[start].isspace():
                start += 1
        if start < pe:
            out.append((start, pe))
    return out


def ref_lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        spans.append((pos, end - 1 if line.endswith("\r") else end))
        pos = end + 1
    return spans


def ref_quoted(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    for ps, pe in paragraphs:
        i = ps
        while i < pe:
            close = _REF_QUOTES.get(text[i])
            if close is None:
                i += 1
                continue
            j = text.find(close, i + 1, pe)
            if j == -1:
                spans.append((i, pe))
                break
            spans.append((i, j + 1))
            i = j + 1
    return spans


# Pieces that exercise every branch: abbreviations, initials, marks, closers,
# quotes, control characters regex and str disagree on, letters outside the
# fast blocks (Greek, Cyrillic, CJK), combining marks, numeric forms.
PIECES = list(" \n\t.!?\u2026\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb()[]-,\u00a0\u2009\x1c\x1f") + [
    "a", "Z", "0", "7", "\u00e9", "\u00dc", "\u00df", "\u01c5", "\u02b0", "\u0308", "\u00b2", "\u00bd",
    "\u216b", "\u03a9", "\u0416", "\u4e2d", "Mr", "U.S", "e.g", "F", "Dr", "ph.d", "...", "The", "said",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts)
def test_words_and_count_match_the_reference_pattern(text):
    assert T.word_spans(text) == ref_words(text)
    assert T.word_count(text) == len(ref_words(text))
    if len(text) > 6:
        assert T.word_spans(text, 2, len(text) - 3) == [
            m.span() for m in regex.compile(T.WORD_PATTERN).finditer(text, 2, len(text) - 3)
        ]


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts)
def test_sentences_match_the_reference_splitter(text):
    paragraphs = T.paragraph_spans(text)
    assert T.sentence_spans(text, paragraphs) == ref_sentences(text, paragraphs)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES + [" ", "\n", "\n\n", "\t", "\u2028", "\x1c", ". ", "? "]), max_size=60).map("".join))
def test_sentence_word_counts_add_up_to_the_word_count(text):
    doc = Doc(Article("x", text))
    pattern = regex.compile(T.WORD_PATTERN)
    assert doc.sentence_word_counts == [len(pattern.findall(text, s, e)) for s, e in doc.sentences]
    assert doc.word_count == len(ref_words(text))


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["a", " ", "\n", "\r", "\r\n", "\n\n", "\t", "\u2028"]), max_size=40).map("".join))
def test_lines_match_the_reference_split(text):
    assert T.line_spans(text) == ref_lines(text)


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(list('a \n\u201c\u201d\u201e\u00ab\u00bb"\'.')), max_size=50).map("".join))
def test_quoted_regions_match_the_reference_scan(text):
    doc = Doc(Article("x", text))
    assert doc.quoted == ref_quoted(text, doc.paragraphs)
    assert doc.word_count == len(doc.words)


def test_fast_path_covers_every_fast_block_character():
    # Each character of the fast blocks alone and between letters/digits.
    for lo, hi in T._FAST_BLOCKS:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            for text in (c, f"a{c}b", f"1{c}2", f"{c}a"):
                assert T.word_spans(text) == ref_words(text), repr(text)


def test_news_sentences_and_counts():
    text = (
        "WASHINGTON \u2014 Mr. Smith met Dr. Jones at 10 a.m. on Monday. \u201cIt went well,\u201d he said.\n\n"
        "Z\u00fcrich and Vu\u010di\u0107 agreed?! Growth was 3.5 percent\u2026 Then 1,000 people left."
    )
    assert Doc(Article("x", text)).word_count == 29  # counted without spans
    doc = Doc(Article("x", text))
    assert [text[s:e] for s, e in doc.sentences] == [
        "WASHINGTON \u2014 Mr. Smith met Dr. Jones at 10 a.m. on Monday.",
        "\u201cIt went well,\u201d he said.",
        "Z\u00fcrich and Vu\u010di\u0107 agreed?!",
        "Growth was 3.5 percent\u2026",
        "Then 1,000 people left.",
    ]
    assert len(doc.words) == doc.word_count == len(ref_words(text)) == 29


def test_sentence_splitting_is_linear_on_runs_of_marks():
    # A run of 400,000 full stops used to take hours (quadratic backtracking).
    for text in ("." * 400_000 + " x", "?! " * 100_000 + "A", ". " * 200_000):
        t0 = time.perf_counter()
        T.sentence_spans(text, T.paragraph_spans(text))
        assert time.perf_counter() - t0 < 5.0
