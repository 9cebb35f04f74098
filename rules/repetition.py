"""Repetition within one article (category ``repetition``, codes RP).

- RP001 repeated sentence or paragraph, word for word;
- RP002 near-duplicate sentence (same words with small insertions or
  deletions);
- RP003 headline restated as the first body line or a teaser line;
- RP004 stuttered word or phrase (``the the``, ``of the of the``);
- RP005 repetition loop (the same n-gram three or more times in a row, the
  hallucination pattern of neural MT).

Token comparisons use lower-cased words with punctuation removed. Later
occurrences are reported and point back to the first (``data.first``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from itertools import islice
from operator import eq, itemgetter
from typing import Any

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.registry import rule

from . import _langid
from ._common import delete_line_fix, load_lines

#: Sentences shorter than this are not judged as exact repeats.
MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class Words:
    """Words of an article's sentences and paragraphs, computed once for
    RP001–RP003."""

    #: words of each of ``doc.sentences``
    sentences: list[tuple[str, ...]]
    #: start offset of each of ``doc.sentences``
    starts: list[int]
    #: no two sentences have the same words (the common case: then no
    #: sentence is an exact repeat)
    distinct: bool
    #: words of each of ``doc.paragraphs``
    paragraphs: list[tuple[str, ...]]


def _words(doc: Doc) -> Words:
    """The article's ``Words`` (the word lists are the shared views of
    ``_langid.sentence_words`` and ``_langid.paragraph_words``)."""
    return doc.memo("_rp_words", _compute_words)


def _compute_words(d: Doc) -> Words:
    keys = _langid.sentence_words(d)
    starts = list(map(itemgetter(0), d.sentences))
    return Words(keys, starts, _all_different(keys), _langid.paragraph_words(d))


#: Up to this many keys, ``_all_different`` sorts them (a few comparisons
#: per key, each at most as long as the key: linear in the words); beyond,
#: it hashes them (linear however long the keys' common prefixes are).
_SORT_KEYS = 64


def _all_different(keys: list[tuple[str, ...]]) -> bool:
    """No two of ``keys`` are equal. Sorted, equal keys are neighbours;
    sorting compares two keys only up to their first different word (the
    first word, mostly), where a set would hash every word of every key."""
    if len(keys) > _SORT_KEYS:
        return len(set(keys)) == len(keys)
    ordered = sorted(keys)
    return not any(map(eq, ordered, ordered[1:]))


def _remove_sentence_fix(text: str, s: int, e: int) -> Fix:
    """Delete a sentence and the spaces before it (unsafe: a human checks)."""
    fs = s
    while fs > 0 and text[fs - 1] in " \t":
        fs -= 1
    return Fix("", safe=False, start=fs, end=e)


# -- RP001 --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Repeat:
    start: int
    end: int
    first: int
    paragraph: bool


def _later_copies(spans: list[tuple[int, int]], keys: list[tuple[str, ...]]) -> Iterator[tuple[int, int, int]]:
    """``(start, end, first)`` of every span whose words (of at least
    ``MIN_WORDS``) an earlier span already had; ``first``: that span's start."""
    seen: dict[tuple[str, ...], int] = {}
    for (s, e), key in zip(spans, keys):
        if len(key) < MIN_WORDS:
            continue
        first = seen.setdefault(key, s)
        if first != s:
            yield s, e, first


def exact_repeats(doc: Doc) -> list[Repeat]:
    """Repeated paragraphs (reported whole) and repeated sentences."""

    def compute(d: Doc) -> list[Repeat]:
        out: list[Repeat] = []
        words = _words(d)
        # Both searches below bisect (sentence starts, covered paragraphs in
        # text order): a scan per repeat was quadratic on many repeats.
        starts = words.starts
        covered_starts: list[int] = []
        covered_ends: list[int] = []
        para_keys = words.paragraphs
        if not _all_different(para_keys):  # else no paragraph repeats another
            for ps, pe, first in _later_copies(d.paragraphs, para_keys):
                # Only a paragraph of two or more sentences is reported whole;
                # a one-sentence paragraph is a sentence repeat like any other.
                if bisect_left(starts, pe) - bisect_left(starts, ps) >= 2:
                    out.append(Repeat(ps, pe, first, True))
                    covered_starts.append(ps)
                    covered_ends.append(pe)
        if words.distinct:
            return out  # no sentence repeats another (``out`` is in text order)
        for s, e, first in _later_copies(d.sentences, words.sentences):
            k = bisect_right(covered_starts, s) - 1
            if k >= 0 and s < covered_ends[k]:
                continue
            out.append(Repeat(s, e, first, False))
        out.sort(key=lambda r: r.start)
        return out

    return doc.memo("_rp_exact", compute)


@rule(
    code="RP001",
    name="repeated-sentence",
    category="repetition",
    severity="warning",
    fixable=True,
    bad=[
        "The situation in the region is tense. Talks failed.\n\n⟦The situation in the region is tense.⟧",
        (
            "Troops will arrive on Monday, officials said. Later, troops will arrive on Monday, officials said. "
            "⟦Troops will arrive on Monday, officials said.⟧"
        ),
        (
            "The port reopened on Tuesday. Ships began to move again.\n"
            "Unions said the deal was fair.\n"
            "⟦The port reopened on Tuesday. Ships began to move again.⟧"
        ),
        {
            "text": "The talks ended without a deal. ⟦The talks ended without a deal!⟧ Both sides left.",
            "fixed": "The talks ended without a deal. Both sides left.",
        },
    ],
    good=[
        "The situation is tense. The situation is calm elsewhere.",
        "\u201cWe will win,\u201d he said. \u201cWe will win,\u201d she said.",
        "Yes. Yes. Yes.",
    ],
)
def repeated_sentence(doc: Doc) -> Iterator[Hit]:
    """Sentence or paragraph repeated word for word within one article.

    Why it matters: scrapers duplicate teaser and body text, and translation
    pipelines re-emit segments; a repeated sentence reads as an error and
    inflates near-duplicate counts in a corpus. The later occurrence is
    reported and points to the first (``data.first``); a repeated paragraph
    of several sentences is reported once, whole. Comparison ignores case
    and punctuation; sentences of fewer than five words are not judged.
    """
    text = doc.text
    for r in exact_repeats(doc):
        what = "paragraph" if r.paragraph else "sentence"
        fix = (
            delete_line_fix(doc, r.start, r.end, safe=False)
            if r.paragraph
            else _remove_sentence_fix(text, r.start, r.end)
        )
        yield Hit(r.start, r.end, f"{what} repeats the one on line {doc.line_of(r.first) + 1}", fix, data={"first": r.first})


# -- RP002 --------------------------------------------------------------------------------

#: Near-duplicate threshold: difflib ratio of the two token sequences
#: (2 × matched tokens / total tokens).
NEAR_DUPLICATE_RATIO = 0.80
#: The shorter sentence's tokens must also cover this share of the longer.
NEAR_DUPLICATE_COVER = 0.60
#: Both sentences need at least this many words.
NEAR_MIN_WORDS = 8
#: Candidates kept per blocking key (the most recent ones), candidates
#: checked and full comparisons per sentence: bounded work per sentence.
BLOCK_LIMIT = 8
MAX_CHECKS = 16
MAX_COMPARISONS = 4
#: Tokens of a replaced pair must be this similar (spelling variants such
#: as "defence"/"defense", "organisation"/"organization").
VARIANT_RATIO = 0.75


def _variant(a: str, b: str) -> bool:
    """Spelling variants share their first letter, differ little in length,
    are not numbers, and are similar letter by letter."""
    if a[:1] != b[:1] or abs(len(a) - len(b)) > 2 or a.isdigit() or b.isdigit():
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= VARIANT_RATIO


def near_duplicate(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """Similarity of two token sequences if they are near-duplicates, else
    None. Near-duplicate: ratio ≥ ``NEAR_DUPLICATE_RATIO`` or the shorter
    sequence contained in the longer and covering ≥ ``NEAR_DUPLICATE_COVER``
    of it, and every difference an insertion, a deletion or a spelling
    variant — substituted words (``first quarter``/``second quarter``) mean
    parallel sentences, not a repeat."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    matched = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            matched += i2 - i1
        elif tag == "replace":
            if i2 - i1 != j2 - j1 or not all(_variant(x, y) for x, y in zip(a[i1:i2], b[j1:j2])):
                return None
            matched += i2 - i1
    ratio = 2 * matched / (len(a) + len(b))
    cover = matched / max(len(a), len(b))
    if ratio >= NEAR_DUPLICATE_RATIO or (matched == min(len(a), len(b)) and cover >= NEAR_DUPLICATE_COVER):
        return ratio
    return None


@dataclass(frozen=True, slots=True)
class NearRepeat:
    start: int
    end: int
    first: int
    ratio: float


def _plausible(a: tuple[str, ...], b: tuple[str, ...], sa: frozenset[str], sb: frozenset[str]) -> bool:
    """Cheap necessary conditions before the O(n·m) sequence comparison:
    similar lengths and mostly the same words (``sa``/``sb``: their sets)."""
    la, lb = len(a), len(b)
    if min(la, lb) < NEAR_DUPLICATE_COVER * max(la, lb):
        return False
    return len(sa & sb) >= NEAR_DUPLICATE_COVER * max(len(sa), len(sb))


def near_repeats(doc: Doc) -> list[NearRepeat]:
    """Near-duplicate sentence pairs. Candidates share their first two
    words or their longest word (cheap blocking; the most recent
    ``BLOCK_LIMIT`` sentences per block) and pass ``_plausible`` (at most
    ``MAX_CHECKS`` per sentence); exact repeats are RP001's."""

    def compute(d: Doc) -> list[NearRepeat]:
        words = _words(d)
        keys = words.sentences
        sentences = d.sentences
        # Sentences of the headline: its restatements are RP003's.
        head_lo = head_hi = 0
        headline = _headline(d)
        if headline is not None and headline.start >= 0:
            head_lo, head_hi = bisect_left(words.starts, headline.start), bisect_left(words.starts, headline.end)
        # Exact repeats are RP001's (none when all sentences differ).
        seen: set[tuple[str, ...]] | None = None if words.distinct else set()
        index: dict[Any, list[int]] = {}
        get = index.get
        sets: dict[int, frozenset[str]] = {}  # word sets, built on first need
        out: list[NearRepeat] = []
        for i, key in enumerate(keys):
            if len(key) < NEAR_MIN_WORDS:
                continue
            if seen is not None:
                if key in seen:
                    continue
                seen.add(key)
            if head_lo <= i < head_hi:
                continue
            # Blocks: the first two words and the longest word (a content
            # word; a near-duplicate with a clause added or dropped keeps
            # at least one of them).
            first_two, longest = key[:2], max(key, key=len)
            c1, c2 = get(first_two), get(longest)
            if c1 or c2:
                # Block lists are in text order: the most recent first.
                candidates: Iterable[int] = sorted({*c1, *c2}, reverse=True) if c1 and c2 else reversed(c1 or c2 or [])
                mine = None
                checks = tries = 0
                for j in candidates:
                    checks += 1
                    if checks > MAX_CHECKS:
                        break
                    other = keys[j]
                    theirs = sets.get(j)
                    if theirs is None:
                        theirs = sets[j] = frozenset(other)
                    if mine is None:
                        mine = sets[i] = frozenset(key)
                    if not _plausible(other, key, theirs, mine):
                        continue
                    tries += 1
                    if tries > MAX_COMPARISONS:
                        break
                    ratio = near_duplicate(other, key)
                    if ratio is not None:
                        out.append(NearRepeat(sentences[i][0], sentences[i][1], sentences[j][0], round(ratio, 2)))
                        break
            # Keep the most recent sentences per block: bounded work per sentence.
            if c1 is None:
                index[first_two] = [i]
            else:
                c1.append(i)
                if len(c1) > BLOCK_LIMIT:
                    del c1[0]
            if c2 is None:
                index[longest] = [i]
            else:
                c2.append(i)
                if len(c2) > BLOCK_LIMIT:
                    del c2[0]
        return out

    return doc.memo("_rp_near", compute)


@rule(
    code="RP002",
    name="near-duplicate-sentence",
    category="repetition",
    severity="warning",
    fixable=True,
    bad=[
        (
            "NATO wants to send an additional battalion to the region. Talks continue.\n"
            "⟦NATO wants to send an additional battalion to the region, a spokesman said on Monday.⟧"
        ),
        (
            "The ministry said the bridge would reopen to traffic next week. "
            "⟦The ministry said that the bridge would reopen to all traffic next week.⟧"
        ),
        (
            "The UK defence ministry said it would send a battalion to Kosovo. "
            "⟦The UK defense ministry said it would send a battalion to Kosovo soon.⟧"
        ),
    ],
    good=[
        (
            "The company said revenue rose 5 percent in the first quarter. "
            "The company said profit rose 5 percent in the second quarter."
        ),
        "Police said the man was arrested. Police said the man was later released on bail.",
        (
            "Turnout was 64 percent in the north of the country on Sunday. "
            "Turnout was 58 percent in the south of the country on Sunday."
        ),
    ],
)
def near_duplicate_sentence(doc: Doc) -> Iterator[Hit]:
    """Sentence that nearly repeats an earlier one (small insertions or deletions).

    Why it matters: segment re-assembly and teaser/body duplication leave
    the same sentence twice with a clause added or a word changed in
    spelling; readers see the repeat even when the words are not identical.
    Threshold: ``NEAR_DUPLICATE_RATIO`` 0.80 over normalised tokens (or the
    shorter sentence wholly contained in the longer and covering 60% of
    it); sentences need 8+ words; substituted words mean parallel
    sentences and are not flagged. Quoted sentences: ``info``.
    """
    text = doc.text
    for r in near_repeats(doc):
        quoted = doc.in_quote(r.start) and doc.in_quote(r.end - 1)
        yield Hit(
            r.start,
            r.end,
            f"sentence nearly repeats the one on line {doc.line_of(r.first) + 1} (similarity {r.ratio:.2f})",
            _remove_sentence_fix(text, r.start, r.end),
            severity="info" if quoted else None,
            data={"first": r.first, "similarity": r.ratio},
        )


# -- RP003 --------------------------------------------------------------------------------

#: A restatement is a head line (or the first body sentence) this similar
#: to the headline.
RESTATE_RATIO = 0.80
#: Headlines need at least this many words to be compared.
HEADLINE_MIN_WORDS = 4
#: At most this many paragraphs after the headline are head lines
#: (dateline, teaser, standfirst) before the body starts.
HEAD_LINES = 5
_TERMINAL = '.!?\u2026"\u201d\u2019)'


@dataclass(frozen=True, slots=True)
class Headline:
    start: int  # -1 when the headline is the article's title field
    end: int
    tokens: tuple[str, ...]
    #: index into ``doc.paragraphs`` (-1: the title field)
    para: int


def _headline(doc: Doc) -> Headline | None:
    """The article's headline: the first line when it repeats the title
    field or (without a title) is a short line without a full stop;
    otherwise the title field itself (``start`` -1)."""

    def compute(d: Doc) -> Headline | None:
        title = d.article.title
        title_toks: tuple[str, ...] = ()
        if title:
            title_toks = tuple(_langid.fold_lower(title).translate(_PUNCT_TABLE).split())
        for k, (s, e) in enumerate(d.paragraphs[:3]):
            if e - s <= 40 and _DATELINE.search(d.text, s, e):
                continue  # "Saturday 20 April, 2024": a date line, not the headline
            toks = _words(d).paragraphs[k]
            if title_toks:
                # The text carries its own headline line: that is the
                # headline, not a restatement of the title.
                if d.text[e - 1] not in _TERMINAL and _ratio_at_least(title_toks, toks, RESTATE_RATIO) is not None:
                    return Headline(s, e, toks, k)
                break
            if HEADLINE_MIN_WORDS <= len(toks) <= 25 and d.text[e - 1] not in _TERMINAL:
                return Headline(s, e, toks, k)
            return None
        if len(title_toks) >= HEADLINE_MIN_WORDS:
            return Headline(-1, -1, title_toks, -1)
        return None

    return doc.memo("_rp_headline", compute)


_DATELINE = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d|\d \b(?:Jan|Feb|Mar|Apr|May|Jun|"
    r"Jul|Aug|Sep|Oct|Nov|Dec)"
)
_PUNCT_TABLE = str.maketrans({c: " " for c in ',.;:!?"()[]{}\u201c\u201d\u2014\u2013\u2026'})


@dataclass(frozen=True, slots=True)
class Restatement:
    start: int
    end: int
    first: int
    ratio: float
    whole_line: bool


def _ratio_at_least(a: tuple[str, ...], b: tuple[str, ...], threshold: float) -> float | None:
    """``SequenceMatcher`` ratio of ``a`` and ``b`` if it is at least
    ``threshold``, else None. The ratio is 2·M / (len(a) + len(b)) for M
    matched words, and M is at most the number of words of the shorter
    sequence found in the longer: that bound rules out most pairs (a body
    sentence and its headline) without the quadratic comparison. Equal
    sequences (a text's headline line and its title field, usually) have
    ratio 1.0, as ``SequenceMatcher`` would find."""
    if a == b:
        return 1.0
    total = len(a) + len(b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if total and 2.0 * sum(map(frozenset(long_).__contains__, short)) / total < threshold:
        return None
    r = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return r if r >= threshold else None


def restatements(doc: Doc) -> list[Restatement]:
    def compute(d: Doc) -> list[Restatement]:
        head = _headline(d)
        if head is None:
            return []
        text = d.text
        out: list[Restatement] = []
        paras = d.paragraphs
        words = _words(d)
        para_keys = words.paragraphs
        first_idx = head.para + 1
        for k in range(first_idx, min(len(paras), first_idx + HEAD_LINES)):
            ps, pe = paras[k]
            toks = para_keys[k]
            body = len(toks) >= 12 and text[pe - 1] in _TERMINAL
            if body:
                # The first body paragraph: does its first sentence restate
                # the headline?
                i = bisect_left(words.starts, ps)
                if i < len(d.sentences) and d.sentences[i][0] < pe:
                    s, e = d.sentences[i]
                    st = words.sentences[i]
                    r = _ratio_at_least(head.tokens, st, RESTATE_RATIO)
                    if r is not None and not _exact_in_text(head, st):
                        whole = e >= pe
                        out.append(Restatement(s, e, head.start, round(r, 2), whole))
                break
            r = _ratio_at_least(head.tokens, toks, RESTATE_RATIO)
            if r is not None and not _exact_in_text(head, toks):
                out.append(Restatement(ps, pe, head.start, round(r, 2), True))
        return out

    return doc.memo("_rp_restated", compute)


def _exact_in_text(head: Headline, toks: tuple[str, ...]) -> bool:
    """Exact repeats of an in-text headline of 5+ words are RP001's."""
    return head.start >= 0 and toks == head.tokens and len(toks) >= MIN_WORDS


@rule(
    code="RP003",
    name="restated-headline",
    category="repetition",
    severity="warning",
    fixable=True,
    bad=[
        (
            "NATO bolsters forces in Kosovo amid tensions\n\n"
            "⟦HomeSecurityNATO bolsters forces in Kosovo amid tensions⟧\n\n"
            "NATO has approved extra forces for Kosovo after violent clashes in the north of the country."
        ),
        (
            "Floods kill 12 in northern Italy\n"
            "⟦Floods kill at least 12 in northern Italy.⟧ Heavy rain caused rivers to burst their banks on Tuesday, "
            "officials said."
        ),
        {
            "text": "Dockworkers end port strike\n⟦Dockworkers end port strike!⟧\n"
            "Dockworkers voted to end the strike on Tuesday after 11 days.",
            "fixed": "Dockworkers end port strike\nDockworkers voted to end the strike on Tuesday after 11 days.",
        },
    ],
    good=[
        (
            "Floods kill 12 in northern Italy\n"
            "Floods killed at least 12 people in northern Italy on Tuesday after heavy rain, officials said."
        ),
        (
            "NATO increases presence in Kosovo\n"
            "US concerned about Serbian military build-up\n"
            "NATO wants to send an additional battalion to the region, officials said on Monday."
        ),
    ],
)
def restated_headline(doc: Doc) -> Iterator[Hit]:
    """Headline restated as the first body line or a teaser line.

    Why it matters: scrapers capture the headline twice (page title and
    article heading, or breadcrumb and heading), or keep it as the first
    sentence of the body; the duplicate ends up in the published text. The
    headline is the article's title field, or a short first line without a
    full stop. Lines before the body (at most five) and the first body
    sentence are compared with it (token similarity ≥ 0.80). Exact repeats
    of a headline of five or more words are left to RP001.
    """
    text = doc.text
    for r in restatements(doc):
        if r.whole_line:
            fix = delete_line_fix(doc, r.start, r.end, safe=False)
        else:
            fix = _remove_sentence_fix(text, r.start, r.end)
        where = "the title" if r.first < 0 else f"the headline on line {doc.line_of(r.first) + 1}"
        yield Hit(
            r.start,
            r.end,
            f"restates {where} (similarity {r.ratio:.2f})",
            fix,
            data={"first": r.first, "similarity": r.ratio},
        )


# -- RP004 / RP005 ----------------------------------------------------------------------

#: Longest repeated n-gram looked for.
MAX_PERIOD = 8
#: Copies in a row from which a repeat is a loop (RP005) rather than a stutter.
LOOP_COPIES = 3
#: Copies (or repeated tokens) from which a loop is an error.
LOOP_ERROR_COPIES = 5
LOOP_ERROR_TOKENS = 20


@cache
def _allowed_doubles() -> frozenset[str]:
    return frozenset(load_lines("stutter_allow.txt"))


@dataclass(frozen=True, slots=True)
class Run:
    start: int  # offset of the second copy (stutter) or the first (loop)
    end: int
    period: int
    copies: int
    first: int
    phrase: str
    quoted: bool
    #: end offset of the first copy
    copy_end: int


def repeated_runs(doc: Doc) -> list[Run]:
    """Consecutive copies of the same 1..``MAX_PERIOD``-word sequence,
    separated by spaces only (stutters) or also commas (loops). Words are
    the lower-cased, punctuation-free tokens of ``_langid.wordable``.

    One pass records, for each word, the distance ``k`` back to its previous
    occurrence; only where ``k <= MAX_PERIOD`` is the stretch around it
    compared with itself shifted by ``k``. ``L`` consecutive positions equal
    to the word ``k`` later make a sequence of period ``k`` spanning
    ``L + k`` words: ``(L + k) // k`` copies. A stretch needs ``L >= k``,
    so for ``k >= 2`` a neighbouring word must repeat too: the pass keeps
    only such candidates (clean text repeats "the" within eight words
    often, a neighbour with it rarely)."""

    def compute(d: Doc) -> list[Run]:
        wtext = _langid.wordable(d)
        toks = _langid.tokens(d)
        n = len(toks)
        if n < 2:
            return []
        last: dict[str, int] = {}
        get = last.get
        cands: list[tuple[int, int]] = []
        last_i = n - 1
        for i, t in enumerate(toks):
            j = get(t)
            if (
                j is not None
                and i - j <= MAX_PERIOD
                and (i - j == 1 or (i < last_i and toks[i + 1] == toks[j + 1]) or (j and toks[i - 1] == toks[j - 1]))
            ):
                cands.append((j, i - j))
            last[t] = i
        if not cands:
            return []
        text = d.text
        allowed = _allowed_doubles()
        out: list[Run] = []
        claimed = [False] * n
        words = _Spans(wtext)  # token spans, found as far as needed
        for j, k in sorted(cands):
            if claimed[j]:
                continue
            a = j
            while a > 0 and toks[a - 1] == toks[a - 1 + k]:
                a -= 1
            b = j + 1
            while b + k < n and toks[b] == toks[b + k]:
                b += 1
            length = b - a
            if length < k:
                continue
            copies = (length + k) // k
            start, span_tokens = a, copies * k
            if any(claimed[start : start + span_tokens]):
                continue
            # Claim the stretch now, reported or not: every later candidate
            # inside it would find the same stretch again (linear time).
            claimed[start : start + span_tokens] = [True] * span_tokens
            phrase = toks[start : start + k]
            if not all(t.isalpha() or "'" in t or "-" in t for t in phrase):
                continue
            if k == 1 and phrase[0] in allowed:
                continue
            second = start + k
            if text[words[second][0]].isupper() and phrase[0] != "i":
                continue  # names: "Bora Bora", "Sirhan Sirhan" (but "I I think")
            if not _separated(text, words, start, start + span_tokens - 1, loop=copies >= LOOP_COPIES):
                continue
            s0 = words[start][0]
            e_last = words[start + span_tokens - 1][1]
            quoted = d.in_quote(s0) and d.in_quote(e_last - 1)
            copy_end = words[start + k - 1][1]
            first_reported = s0 if copies >= LOOP_COPIES else words[second][0]
            out.append(Run(first_reported, e_last, k, copies, s0, " ".join(phrase), quoted, copy_end))
        out.sort(key=lambda r: r.start)
        return out

    return doc.memo("_rp_runs", compute)


_NONSPACE = re.compile(r"\S+")


class _Spans:
    """``(start, end)`` of each whitespace-separated word of a text (the
    words of ``_langid.tokens``), found only as far as they are asked for:
    most articles need none, or a few near their start."""

    __slots__ = ("_found", "_words")

    def __init__(self, text: str) -> None:
        self._found: list[tuple[int, int]] = []
        self._words = _NONSPACE.finditer(text)

    def __getitem__(self, index: int) -> tuple[int, int]:
        found = self._found
        if index >= len(found):
            found.extend(m.span() for m in islice(self._words, index + 1 - len(found)))
        return found[index]


def _separated(text: str, words: _Spans | list[tuple[int, int]], a: int, b: int, loop: bool) -> bool:
    """Are words ``a..b`` separated only by spaces (or, in a loop, commas,
    semicolons and dashes too), all on one line?"""
    for t in range(a, b):
        gap = text[words[t][1] : words[t + 1][0]]
        if not gap:
            return False
        if loop:
            if gap.strip(" ,;\u2014\u2013-\u2026."):
                return False
        elif gap.strip(" \t"):
            return False
    return True


@rule(
    code="RP004",
    name="stuttered-words",
    category="repetition",
    severity="warning",
    fixable=True,
    bad=[
        {
            "text": "The decision was taken by the ⟦the⟧ government.",
            "fixed": "The decision was taken by the government.",
        },
        "He spoke of the ⟦of the⟧ plan.",
        "The ⟦the⟧ talks ended.",
        "Talks will resume in ⟦in⟧ May.",
    ],
    good=[
        "He had had enough of the talks.",
        "She said that that decision was final.",
        "What it is is a failure of planning.",
        "The island of Bora Bora welcomed visitors; Sirhan Sirhan was denied parole.",
        "They waved bye bye to the crowd, a very very long line.",
        "The score was 20 20 at half time.",
        "It was the end. The end came quickly.",
    ],
)
def stuttered_words(doc: Doc) -> Iterator[Hit]:
    """Word or phrase doubled by mistake (``the the``, ``of the of the``).

    Why it matters: doubled words come from segment joins in translation
    pipelines and from careless edits; they are the most visible typo a
    reader meets. Legitimate doubles (``had had``, ``that that``, ``is is``,
    ``bye bye``; list in ``rules/stutter_allow.txt``) and capitalised
    doubles (``Bora Bora``) are left alone. The span is the second copy;
    the safe fix deletes it. Inside quoted speech (transcribed hesitation):
    ``info`` and no safe fix.
    """
    text = doc.text
    for r in repeated_runs(doc):
        if r.copies >= LOOP_COPIES:
            continue
        fs = r.start
        while fs > 0 and text[fs - 1] in " \t":
            fs -= 1
        yield Hit(
            r.start,
            r.end,
            f"doubled {'word' if r.period == 1 else 'phrase'} {r.phrase!r}",
            Fix("", safe=not r.quoted, start=fs, end=r.end),
            severity="info" if r.quoted else None,
            data={"first": r.first, "phrase": r.phrase},
        )


@rule(
    code="RP005",
    name="repetition-loop",
    category="repetition",
    severity="warning",
    fixable=True,
    bad=[
        "The government said ⟦the talks would continue, the talks would continue, the talks would continue⟧.",
        "Officials said ⟦the the the the the the⟧ ministry was closed.",
        "\u201c⟦We will fight, we will fight, we will fight⟧,\u201d he said.",
        {"text": "Prices ⟦went up, went up, went up⟧ all year.", "fixed": "Prices went up all year."},
    ],
    good=[
        "The talks would continue, officials said, and the talks would resume next week.",
        "\u201cNo, no, no,\u201d she said. \u201cHa ha ha.\u201d",
        "Prices rose in January, February and March.",
    ],
)
def repetition_loop(doc: Doc) -> Iterator[Hit]:
    """Same word sequence repeated three or more times in a row (a loop).

    Why it matters: neural MT sometimes falls into a loop and emits the
    same n-gram again and again (``the talks would continue, the talks
    would continue, ...``); the output is garbage from that point and the
    segment must be re-translated. Sequences of 1–8 words, separated by
    spaces or commas, are checked. Five or more copies (or 20+ repeated
    words) are an ``error``; a loop inside quoted speech (rhetorical
    repetition) is ``info``. The fix keeps one copy (unsafe).
    """
    text = doc.text
    for r in repeated_runs(doc):
        if r.copies < LOOP_COPIES:
            continue
        if r.quoted:
            severity: str | None = "info"
        elif r.copies >= LOOP_ERROR_COPIES or r.copies * r.period >= LOOP_ERROR_TOKENS:
            severity = "error"
        else:
            severity = None
        yield Hit(
            r.start,
            r.end,
            f"{r.phrase!r} repeated {r.copies} times in a row",
            Fix(text[r.start : r.copy_end], safe=False),
            severity=severity,
            data={"phrase": r.phrase, "copies": r.copies, "period": r.period},
        )
