"""Punctuation and typography damage (category ``punctuation``, codes PU).

Machine translation and careless scraping leave punctuation damage that
readers notice at once and spell checkers ignore: doubled stops, quotes
glued to punctuation, unbalanced quotes and brackets, mixed quote systems,
misplaced spaces, spaced hyphens used as dashes, letter-spaced words and
symbol-only lines.

Every pattern here is linear on adversarial input: character classes and
bounded repetitions only, no nested quantifiers over overlapping classes.
Per-article work is shared: the quote marks of an article are scanned once
(:func:`quote_scan`; an article whose only quote marks are curly pairs,
strictly alternating and each on one line, takes a fast path of a few
``str.find`` calls) and the result feeds PU002, PU003, PU004 and PU006;
one literal-prefixed pattern per punctuation mark (:func:`punctuation_suspects`)
tells PU001, PU007, PU008, PU009 and PU010 whether they have anything to look
at. Every rule states its cheap pre-check in ``capped(when=...)``, so a clean
article pays for a few quick passes over the text and no rule generators.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar, overload

import regex

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.registry import rule
from audit.text import ABBREVIATIONS

from ._common import delete_line_fix, load_lines

T = TypeVar("T")

# -- shared helpers -----------------------------------------------------------

#: Closing quotes and brackets that may follow sentence punctuation.
CLOSERS = "\"'\u201d\u2019\u00bb)]}"
#: Opening quotes and brackets that may start a sentence.
OPENERS = "\"'\u201c\u2018\u201e\u00ab([{"
#: The longest token inspected around a candidate (URL, e-mail, abbreviation).
TOKEN_WINDOW = 80

_DOTTED_ABBREVIATION = regex.compile(r"(?:\p{L}{1,2}\.)+\p{L}{1,2}")
_TLD = re.compile(
    r"\.(?:com|org|net|gov|edu|mil|int|info|biz|io|uk|de|fr|eu|ru|rs|fi|au|ch|nl|pl|tv|ly|js|py|html?|php|pdf)\b",
    re.IGNORECASE,
)


def cached(doc: Doc, key: str, build: Callable[[Doc], T]) -> T:
    """Compute ``build(doc)`` once per article and keep it on the doc.

    Several rules of the family share one scan of the text; the result is
    stored in the doc's instance dictionary under a private ``key`` (the
    same mechanism ``functools.cached_property`` uses), so it lives and
    dies with the article.
    """
    store = doc.__dict__
    value = store.get(key)
    if value is None:
        value = build(doc)
        store[key] = value
    return value


#: At most this many findings per rule and article. Real articles stay far
#: below it; a megabyte of ``.....`` or ``""""`` does not need a million
#: findings to be judged, and the cap keeps the family linear and fast.
MAX_HITS = 1000
#: At most this many candidates (quote marks, brackets, pattern matches a
#: rule may dismiss) are examined per rule and article.
MAX_CANDIDATES = 10_000

_TOKEN_LEFT = regex.compile(r"\S{0,%d}" % TOKEN_WINDOW, regex.REVERSE)
_TOKEN_RIGHT = regex.compile(r"\S{0,%d}" % TOKEN_WINDOW)


RuleFn = Callable[[Doc], Iterable[Hit]]


@overload
def capped(fn: RuleFn) -> RuleFn: ...
@overload
def capped(*, when: Callable[[Doc], object]) -> Callable[[RuleFn], RuleFn]: ...
def capped(
    fn: RuleFn | None = None, *, when: Callable[[Doc], object] | None = None
) -> RuleFn | Callable[[RuleFn], RuleFn]:
    """Limit a rule to :data:`MAX_HITS` findings per article (the rule's
    generator is simply not resumed after that).

    ``@capped(when=precheck)`` also gives the rule a cheap pre-check: while
    ``precheck(doc)`` is false the rule has nothing to report and returns
    an empty tuple without creating its generator, so on a clean article
    it costs little more than the pre-check itself. The pre-check must be
    true whenever the rule could yield a hit.
    """

    def decorate(f: RuleFn) -> RuleFn:
        if when is None:

            @functools.wraps(f)
            def wrapper(doc: Doc) -> Iterable[Hit]:
                return itertools.islice(f(doc), MAX_HITS)

        else:
            check = when

            @functools.wraps(f)
            def wrapper(doc: Doc) -> Iterable[Hit]:
                if not check(doc):
                    return ()
                return itertools.islice(f(doc), MAX_HITS)

        return wrapper

    return decorate if fn is None else decorate(fn)


def excerpt(s: str, limit: int = 40) -> str:
    """``repr`` of ``s`` for a message, shortened to about ``limit`` characters."""
    return repr(s) if len(s) <= limit else repr(s[: limit - 1] + "\u2026")


def candidates(it: Iterable[T]) -> Iterator[T]:
    """At most :data:`MAX_CANDIDATES` items of ``it``."""
    return itertools.islice(it, MAX_CANDIDATES)


def token_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The whitespace-delimited token around ``text[start:end]``, looking at
    most ``TOKEN_WINDOW`` characters to either side (so the cost is bounded)."""
    left = _TOKEN_LEFT.match(text, max(0, start - TOKEN_WINDOW), start)
    right = _TOKEN_RIGHT.match(text, end, min(len(text), end + TOKEN_WINDOW))
    return (left.start() if left else start), (right.end() if right else end)


class SpanIndex:
    """Sorted, non-overlapping-or-not spans with an O(log n) ``covers``."""

    __slots__ = ("_starts", "_ends")

    def __init__(self, spans: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def covers(self, pos: int) -> bool:
        k = bisect_right(self._starts, pos) - 1
        return k >= 0 and pos < self._ends[k]


# -- the article's character inventory ----------------------------------------
# Shared with the encoding family and the language rules (which import it
# from ``rules.encoding``); kept here because the punctuation pre-checks
# read it too and ``rules.encoding`` imports this module.


def utf8(doc: Doc) -> bytes:
    """The article as UTF-8 bytes (once per article): byte-level searches
    and deletions on it are the cheapest tests for non-ASCII
    characters (see :func:`unusual_chars`)."""
    return cached(doc, "_en_utf8", _encode)


def _encode(doc: Doc) -> bytes:
    return doc.text.encode("utf-8", "surrogatepass")


#: Bytes of printable ASCII, tab and line breaks: text made only of them
#: cannot hold any of the damage the character-level rules look for.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _unusual_chars(doc: Doc) -> frozenset[str]:
    # Deleting the plain ASCII bytes from the UTF-8 form (one C-level pass)
    # leaves whole UTF-8 sequences of everything else, usually a few dozen
    # bytes; decoded, they are the article's unusual characters.
    rest = utf8(doc).translate(None, _PLAIN_ASCII)
    return frozenset(rest.decode("utf-8", "surrogatepass")) if rest else frozenset()


def unusual_chars(doc: Doc) -> frozenset[str]:
    """The distinct characters of the article other than printable ASCII,
    tab and line breaks (computed once per article). Rules test it with set
    operations instead of scanning the text for the characters they need
    (curly and foreign quote marks, no-break spaces, invisible, bidi and
    control characters, Cyrillic or Greek letters, mojibake pairs), so a
    clean article pays for one pass."""
    return cached(doc, "_en_unusual", _unusual_chars)


def looks_like_address(token: str) -> bool:
    """Is ``token`` a URL, e-mail address, domain name or file path?"""
    if "://" in token or "@" in token or "/" in token or "\\" in token:
        return True
    if token.lstrip(OPENERS)[:4].lower() == "www.":
        return True
    return "." in token and _TLD.search(token) is not None


_BASE_ABBREVIATIONS = frozenset(ABBREVIATIONS) | frozenset(load_lines("punctuation_abbreviations.txt"))


def _abbreviations(doc: Doc) -> frozenset[str]:
    """The abbreviation list plus the user's lexicon ``abbreviations``."""
    extra = doc.lexicon("abbreviations")
    if not extra:
        return _BASE_ABBREVIATIONS
    return _BASE_ABBREVIATIONS | frozenset(str(a).lower().rstrip(".") for a in extra)


def ends_with_abbreviation(doc: Doc, dot: int) -> bool:
    """Is the full stop at ``dot`` the end of an abbreviation or initial
    (``U.S.``, ``e.g.``, ``Inc.``, ``J.``)?"""
    text = doc.text
    ts = dot
    lo = max(0, dot - 24)
    while ts > lo and not text[ts - 1].isspace():
        ts -= 1
    token = text[ts:dot].lstrip(OPENERS)
    if not token:
        return False
    low = token.lower()
    if len(token) == 1:
        return token.isalpha()
    if _DOTTED_ABBREVIATION.fullmatch(low):
        return True
    return low in cached(doc, "_pu_abbreviations", _abbreviations)


def _starts_word(ch: str) -> bool:
    """Does ``ch`` begin a new word (so a fix must keep a space before it)?"""
    return ch.isalnum() or ch in "\u201c\u2018\u201e\u00ab(["


# -- punctuation pre-check (shared by PU001, PU007, PU008, PU009, PU010) ------

#: Upper-case letters, roughly (Latin, Greek, Cyrillic blocks): a cheap
#: superset for PU008's pre-check; the real pattern decides.
_UPPER_ROUGH = "A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u03ff\u0400-\u042f"
#: A mark followed by up to two closing quotes or brackets and a capital.
_BEFORE_CAPITAL = "(?=[\"\u201d\u2019\u00bb)\\]]{0,2}[" + _UPPER_ROUGH + "])"


def _mark_conditions(mark: str) -> tuple[dict[str, str], dict[str, str]]:
    """Rule code → zero-width condition (written as seen from just after
    ``mark``) under which that rule may find damage starting or ending at
    ``mark``: conditions on what precedes the mark, and conditions on what
    follows it (all of which want something other than a space there).
    Each condition holds wherever the rule's old per-rule pre-check (one
    regular-expression scan per rule) matched, so it is a pre-check of the
    same strength or weaker."""
    m = re.escape(mark)
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    if mark in ".,;:!?":
        before["PU007"] = f"(?<= {m})"  # "Monday ,"
    if mark == "-":
        before["PU009"] = "(?<=[ \t]-)"  # "word - word"
    if mark in ".,;:":
        after["PU001"] = "(?=[.,;:!?])"  # "..", ".,", ",,", ":;" …
    elif mark in "?!":
        after["PU001"] = r"(?=\.)"  # "?.", "!."
    # PU008's own test wants a lower-case letter, a digit or %)] before the
    # mark; anything but an ASCII capital or a space keeps this a superset
    # while "U.S." stays out.
    if mark in ".!?":
        after["PU008"] = f"{_BEFORE_CAPITAL}(?<=[^A-Z\\s]{m})"  # "weeks.The"
    elif mark in ",;":
        after["PU008"] = r"(?=[^\W\d_]{2})" + f"(?<=[^A-Z\\s]{m})"  # "him,and"
    if mark in "?!":
        after["PU010"] = "(?=[!?])"  # "!!", "?!"
    return before, after


def _any_condition(mark: str, before: dict[str, str], after: dict[str, str]) -> re.Pattern[str]:
    """The mark where any of the conditions holds. Most marks are followed
    by a space, which one ``(?!\\s)`` rules out for all "after" conditions."""
    options = list(before.values())
    if after:
        options.append(r"(?!\s)(?:" + "|".join(after.values()) + ")")
    return re.compile(re.escape(mark) + "(?:" + "|".join(options) + ")")


#: One pattern per mark, matching the mark where any rule's condition holds,
#: and one per (mark, rule). A pattern that starts with a literal character
#: is scanned at C speed, so a clean article costs one quick pass per mark it
#: contains instead of a dozen pattern scans.
_MARK_GATES = tuple(
    (
        mark,
        _any_condition(mark, before, after),
        tuple((code, re.compile(re.escape(mark) + cond)) for code, cond in (before | after).items()),
    )
    for mark, (before, after) in ((mark, _mark_conditions(mark)) for mark in ".,:-;?!")
)
#: Besides a plain space (see PU007's condition), a tab or a no-break space
#: may stand before a mark.
_SPACE_LIKE_BEFORE_MARK = "\t\u00a0\u202f"


def _punctuation_suspects(doc: Doc) -> dict[str, int]:
    text = doc.text
    first: dict[str, int] = {}
    for mark, any_rule, per_rule in _MARK_GATES:
        if mark not in text:
            continue
        m = any_rule.search(text)
        if m is None:
            continue
        # Nothing before the first match fulfils any condition.
        for code, pattern in per_rule:
            hit = pattern.search(text, m.start())
            if hit is not None and hit.start() < first.get(code, _END):
                first[code] = hit.start()
    # (The no-break spaces are looked up in the set of the article's
    # non-ASCII characters first: a set lookup instead of a pass each.)
    chars = unusual_chars(doc)
    for c in _SPACE_LIKE_BEFORE_MARK:
        if c != "\t" and c not in chars:
            continue
        i = text.find(c)
        if i != -1 and i < first.get("PU007", _END):
            first["PU007"] = i
    return first


def punctuation_suspects(doc: Doc) -> dict[str, int]:
    """The rules among PU001, PU007, PU008, PU009 and PU010 that may find
    something in the article, each with the offset of the first mark (for
    PU007 also: tab or no-break space) where its condition holds (computed
    once per article). A rule not named here has nothing to report."""
    return cached(doc, "_pu_suspects", _punctuation_suspects)


def _suspect(code: str) -> Callable[[Doc], bool]:
    """The ``capped(when=…)`` pre-check of rule ``code``."""

    def check(doc: Doc) -> bool:
        return code in punctuation_suspects(doc)

    check.__name__ = f"{code.lower()}_suspected"
    return check


# -- quote scan (shared by PU002, PU003, PU004, PU006) ------------------------

CURLY, STRAIGHT, LOW9, GUILLEMET = "curly", "straight", "low-9", "guillemet"
#: Tie-break order when two quote systems are used equally often.
SYSTEM_ORDER = (CURLY, STRAIGHT, LOW9, GUILLEMET)
#: Opening and closing mark of each double-quote system (as used in English
#: for curly; „…“ for low-9; «…» for guillemets).
SYSTEM_MARKS = {CURLY: ("\u201c", "\u201d"), STRAIGHT: ('"', '"'), LOW9: ("\u201e", "\u201c"), GUILLEMET: ("\u00ab", "\u00bb")}

_SAME_MARK_RUN = {c: re.compile(re.escape(c) + "+") for c in "\u201c\u201d\u201e\u00ab\u00bb"}
_SPACE_LIKE = " \t\u00a0\u202f"
#: How deep a closing mark looks down the stack for its opener.
MAX_NESTING = 8


@dataclass(slots=True)
class QuoteMark:
    """One double quotation mark that takes part in quoting."""

    pos: int
    char: str
    system: str
    role: str  # "open" or "close"


@dataclass(slots=True)
class QuoteProblem:
    start: int
    end: int
    message: str
    fix: Fix | None = None


#: Larger than any offset (for bisecting a list of spans by start).
_END = sys.maxsize
#: (pos, char, system, role) of a quote mark while scanning.
_Mark = tuple[int, str, str, str]


class QuoteScan:
    """Everything the quote rules need, computed in one pass per article."""

    __slots__ = ("_mark_objects", "_marks", "_pairs", "glued", "stray", "unbalanced")

    def __init__(self) -> None:
        # The scan records marks as plain tuples, which cost a fraction of
        # QuoteMark objects; only an article that mixes quote systems ever
        # needs the objects (PU006), so ``marks`` builds them on demand.
        self._marks: list[_Mark] = []
        # The fast path (:func:`_plain_curly_quotes`) records (“, ”)
        # position pairs, turned into marks only if someone asks.
        self._pairs: list[tuple[int, int]] | None = None
        self._mark_objects: list[QuoteMark] | None = None
        self.glued: list[QuoteProblem] = []
        self.stray: list[QuoteProblem] = []
        self.unbalanced: list[QuoteProblem] = []

    @property
    def marks(self) -> list[QuoteMark]:
        """The double quotation marks that take part in quoting, in text order."""
        if self._mark_objects is None:
            self._mark_objects = [QuoteMark(*m) for m in self.mark_tuples()]
        return self._mark_objects

    def mark_tuples(self) -> list[_Mark]:
        """``(pos, char, system, role)`` of every mark, in text order."""
        if self._pairs is not None:
            marks = self._marks
            for o, c in self._pairs:
                marks.append((o, "\u201c", CURLY, "open"))
                marks.append((c, "\u201d", CURLY, "close"))
            self._pairs = None
        return self._marks

    def counts(self) -> dict[str, int]:
        """How many marks of each quote system the article has."""
        out: dict[str, int] = {}
        for _pos, _char, system, _role in self.mark_tuples():
            out[system] = out.get(system, 0) + 1
        return out

    def dominant(self) -> str | None:
        """The article's main double-quote system (None without quotes)."""
        counts = self.counts()
        if not counts:
            return None
        return max(SYSTEM_ORDER, key=lambda s: (counts.get(s, 0), -SYSTEM_ORDER.index(s)))


def _is_prime(text: str, i: int) -> bool:
    """``"`` of a feet-and-inches measurement such as ``6'2"``."""
    j = i - 1
    while j >= 0 and i - j <= 3 and text[j].isdigit():
        j -= 1
    return j < i - 1 and j >= 1 and text[j] == "'" and text[j - 1].isdigit()


def _straight_role(text: str, i: int, ps: int, pe: int) -> str:
    """Guess whether a straight ``"`` opens or closes from its neighbours."""
    prev = text[i - 1] if i > ps else " "
    if prev.isspace() or prev in "([{\u2014\u2013-/\u2018'":
        return "open"
    return "close"


def _stray_open(text: str, i: int, ps: int, pe: int) -> tuple[int, int, Fix] | None:
    """An opening mark at the end of a sentence (``added.“.``, ``said “``):
    return the span to report and the fix that deletes it."""
    j = i + 1
    stop = j < pe and text[j] in ".,;:"
    if stop:
        j += 1
    at_end = j >= pe
    if not at_end and not (stop and text[j].isspace()):
        return None
    # What precedes the mark, skipping closing quotes: did the sentence end?
    k = i - 1
    while k >= ps and text[k] in "\u201d\u2019\"'":
        k -= 1
    ended = k >= ps and text[k] in ".!?,;:"
    if stop and ended:
        # Delete the mark and the redundant stop after it.
        return i, j, Fix("", True)
    # Keep the stop (if any); drop the mark and any space before it.
    s = i
    while s > ps and text[s - 1] in _SPACE_LIKE:
        s -= 1
    return i, i + 1, Fix("", True, s, i + 1)


def char_positions(text: str, chars: str) -> list[int]:
    """Sorted positions of any of ``chars`` in ``text``.

    ``str.find`` loops are far cheaper than a regular-expression scan for
    characters that are absent or rare, which is the common case. At most
    :data:`MAX_CANDIDATES` positions per character are collected; beyond
    that the list stops where the first character ran out, so it is always
    a complete prefix of the text's positions.
    """
    per: list[list[int]] = []
    cutoff = len(text)
    find = text.find
    for c in chars:
        i = find(c)
        if i == -1:
            continue
        out = []
        while i != -1:
            out.append(i)
            if len(out) >= MAX_CANDIDATES:
                cutoff = min(cutoff, i)
                break
            i = find(c, i + 1)
        per.append(out)
    if not per:
        return []
    merged = per[0] if len(per) == 1 else sorted(itertools.chain.from_iterable(per))
    if cutoff < len(text):
        merged = [i for i in merged if i <= cutoff]
    return merged


_QUOTE_CHARS = '"\u201c\u201d\u201e\u00ab\u00bb'


#: Quote marks other than the English curly pair: with any of them in the
#: article, the general scan decides.
_NON_CURLY_QUOTES = frozenset('"\u201e\u00ab\u00bb')
#: At most this many curly pairs are matched up by the fast path.
_FAST_QUOTE_PAIRS = 500


def _scan_quotes(doc: Doc) -> QuoteScan:
    scan = QuoteScan()
    if _plain_curly_quotes(doc, scan):
        return scan
    return _scan_quotes_general(doc, scan)


def _plain_curly_quotes(doc: Doc, scan: QuoteScan) -> bool:
    """The quote scan of the common article, without the general scan's
    work per mark: only curly double quotes, strictly alternating ``“…”``
    with each pair on one line. Return False (``scan`` left untouched)
    when the article is not of that kind or one of its marks could be a
    problem for the general scan to judge; otherwise record the pairs in
    ``scan`` (whose marks are then exactly those :func:`_scan_quotes_general`
    finds) and return True.

    With strict alternation every ``“`` finds no mark open and every ``”``
    closes the ``“`` just before it, in the same paragraph (a paragraph is
    a line), so the general scan reports nothing unless a ``“`` is followed
    by ``.,;:`` (a stray opening mark?), a ``”`` by ``“`` (glued marks) or
    a ``”`` by a full stop after sentence punctuation (a surplus stop).
    """
    text = doc.text
    chars = unusual_chars(doc)
    if "\u201c" not in chars and "\u201d" not in chars:
        # No curly marks: with no other marks either there is nothing to scan.
        return '"' not in text and _NON_CURLY_QUOTES.isdisjoint(chars)
    if '"' in text or not _NON_CURLY_QUOTES.isdisjoint(chars):
        return False
    find = text.find
    pairs: list[tuple[int, int]] = []
    o = find("\u201c")
    c = find("\u201d")  # the first ” after the previous pair
    while o != -1:
        if not o < c or len(pairs) >= _FAST_QUOTE_PAIRS:
            return False  # a “ without a ” after it, or very many pairs
        o2 = find("\u201c", o + 1)
        if o2 != -1 and o2 < c:
            return False  # two “ before a ”
        if text[o + 1] in ".,;:" or find("\n", o, c) != -1:
            return False  # a stray “ at a sentence end?, a pair over two lines
        if o2 == c + 1 or text[c + 1 : c + 2] == "." and text[c - 1] in ".!?":
            return False  # ”“ glued, or ”. after a sentence end
        pairs.append((o, c))
        o, c = o2, find("\u201d", c + 1)
    if c != -1:
        return False  # a ” with no “ before it
    scan._pairs = pairs
    return True


def _scan_quotes_general(doc: Doc, scan: QuoteScan) -> QuoteScan:
    """The quote scan proper: every double quotation mark, in text order,
    on a stack of open marks per paragraph."""
    text = doc.text
    positions = char_positions(text, _QUOTE_CHARS)
    if not positions:
        return scan
    marks = scan._marks
    glued, unbalanced = scan.glued, scan.unbalanced  # (appended to in place)
    paras = doc.paragraphs
    pi = 0
    ps, pe = paras[0]
    stack: list[tuple[int, str, str]] = []  # (pos, char, system) of open marks
    skip_until = -1
    for i in positions:
        if i < skip_until:
            continue
        if (glued or unbalanced or scan.stray) and len(glued) + len(scan.stray) + len(unbalanced) >= MAX_HITS:
            break  # a degenerate text: what was found is enough
        if i >= pe:
            # Marks left open are judged paragraph by paragraph; with none
            # open, jump straight to the paragraph holding the mark (the
            # last one starting at or before it, then on if it ended).
            while i >= pe and stack:
                stack = _finish_paragraph(scan, text, paras, pi, stack)
                pi += 1
                ps, pe = paras[pi]
            if i >= pe:
                pi = bisect_right(paras, (i, _END), pi + 1) - 1
                ps, pe = paras[pi]
                while i >= pe:
                    pi += 1
                    ps, pe = paras[pi]
        c = text[i]
        nxt = text[i + 1] if i + 1 < pe else ""
        # (The character before the mark, "" at the paragraph start, is
        # looked up only in the branches that need it.)
        # Doubled marks (““, ””, „„, ««, »»): keep one.
        if c != '"' and nxt == c:
            run = _SAME_MARK_RUN[c].match(text, i, pe)
            assert run is not None
            n = run.end()
            glued.append(QuoteProblem(i, n, f"doubled quotation mark {excerpt(text[i:n])}", Fix(c, True)))
            skip_until = n
            nxt = text[n] if n < pe else ""
        # The ``nxt == "."`` and ``nxt in ".,;:"`` tests below only skip
        # calls to _glued_stop and _stray_open that would find nothing.
        if c == '"':
            if _is_prime(text, i):
                continue
            k = _find_open(stack, (STRAIGHT,))
            if k is not None:
                _close(scan, stack, k, i, c, STRAIGHT)
            elif _straight_role(text, i, ps, pe) == "close" and (not nxt or not nxt.isalnum()):
                marks.append((i, c, STRAIGHT, "close"))
                unbalanced.append(QuoteProblem(i, i + 1, "closing quotation mark '\"' without an opening one"))
            else:
                stack.append((i, c, STRAIGHT))
                marks.append((i, c, STRAIGHT, "open"))
            _glued_stop(scan, text, i, pe)
        elif c == "\u201c":
            top = stack[-1][2] if stack else None
            if top == LOW9:
                _close(scan, stack, len(stack) - 1, i, c, LOW9)
                _glued_stop(scan, text, i, pe)
            elif top == CURLY and i > ps and not text[i - 1].isspace() and (not nxt or not nxt.isalnum()):
                # “unprecedented“ — an opening mark typed as the closing one.
                unbalanced.append(
                    QuoteProblem(i, i + 1, "opening quotation mark '\u201c' used as a closing one", Fix("\u201d", True))
                )
                _close(scan, stack, len(stack) - 1, i, c, CURLY)
                _glued_stop(scan, text, i, pe)
            elif (not nxt or nxt in ".,;:") and (stray := _stray_open(text, i, ps, pe)) is not None:
                skip_until = max(skip_until, _add_stray(scan, text, stray))
            else:
                stack.append((i, c, CURLY))
                marks.append((i, c, CURLY, "open"))
        elif c == "\u201d":
            if stack and stack[-1][2] in (CURLY, LOW9):
                # The common case, inlined: it closes the innermost mark.
                marks.append((i, c, stack.pop()[2], "close"))
            else:
                k = _find_open(stack, (CURLY, LOW9))
                if k is not None:
                    _close(scan, stack, k, i, c, stack[k][2])
                elif (i <= ps or text[i - 1].isspace()) and nxt.isalnum():
                    # ”word — a closing mark typed as the opening one.
                    unbalanced.append(
                        QuoteProblem(i, i + 1, "closing quotation mark '\u201d' used as an opening one", Fix("\u201c", True))
                    )
                    stack.append((i, c, CURLY))
                    marks.append((i, c, CURLY, "open"))
                    continue
                else:
                    marks.append((i, c, CURLY, "close"))
                    unbalanced.append(QuoteProblem(i, i + 1, "closing quotation mark '\u201d' without an opening one"))
            if nxt == "\u201c" and not _is_stray_at(text, i + 1, ps, pe, stack):
                glued.append(
                    QuoteProblem(i, i + 2, "closing and opening quotation marks glued together", Fix("\u201d \u201c", True))
                )
            if nxt == ".":
                _glued_stop(scan, text, i, pe)
        elif c == "\u201e":
            if (stray := _stray_open(text, i, ps, pe)) is not None:
                skip_until = max(skip_until, _add_stray(scan, text, stray))
            else:
                stack.append((i, c, LOW9))
                marks.append((i, c, LOW9, "open"))
        elif c == "\u00ab":
            if stack and stack[-1][1] == "\u00bb":  # »…« (reversed guillemets)
                _close(scan, stack, len(stack) - 1, i, c, GUILLEMET)
            elif (stray := _stray_open(text, i, ps, pe)) is not None:
                skip_until = max(skip_until, _add_stray(scan, text, stray))
            else:
                stack.append((i, c, GUILLEMET))
                marks.append((i, c, GUILLEMET, "open"))
        else:  # »
            prev = text[i - 1] if i > ps else ""
            if prev == " " and nxt == " " and "\u00ab" not in text[ps:pe]:
                continue  # "Home » News » Local": a separator, not a quote
            k = _find_open(stack, (GUILLEMET,))
            if k is not None and stack[k][1] == "\u00ab":
                _close(scan, stack, k, i, c, GUILLEMET)
            elif (not prev or prev.isspace()) and nxt.isalnum():
                stack.append((i, c, GUILLEMET))
                marks.append((i, c, GUILLEMET, "open"))
            else:
                marks.append((i, c, GUILLEMET, "close"))
                unbalanced.append(QuoteProblem(i, i + 1, "closing quotation mark '\u00bb' without an opening one"))
    _finish_paragraph(scan, text, paras, pi, stack)
    if len(unbalanced) > 1:
        unbalanced.sort(key=lambda p: p.start)
    return scan


def _add_stray(scan: QuoteScan, text: str, stray: tuple[int, int, Fix]) -> int:
    s, e, fix = stray
    scan.stray.append(QuoteProblem(s, e, f"stray opening quotation mark {text[s:e]!r} at the end of a sentence", fix))
    return e


def wrapped_line_follows(text: str, paras: list[tuple[int, int]], pi: int) -> bool:
    """Does paragraph ``pi`` continue on the next line (hard-wrapped text:
    no blank line, and the next line starts in lower case)?"""
    if pi + 1 >= len(paras):
        return False
    end, nxt = paras[pi][1], paras[pi + 1][0]
    return text[nxt].islower() and text.count("\n", end, nxt) == 1


def _finish_paragraph(
    scan: QuoteScan, text: str, paras: list[tuple[int, int]], pi: int, stack: list[tuple[int, str, str]]
) -> list[tuple[int, str, str]]:
    """Report the marks left open at the end of paragraph ``pi`` and return
    the marks still open at the start of the next one.

    News style: a quote left open at the end of a paragraph continues when
    the next paragraph opens with a quotation mark of the same system. In
    hard-wrapped text a quote simply goes on on the next line.
    """
    if not stack:
        return []
    if wrapped_line_follows(text, paras, pi):
        return stack
    allowed = 0
    if pi + 1 < len(paras):
        first = text[paras[pi + 1][0]]
        if first == SYSTEM_MARKS[stack[0][2]][0] or (stack[0][2] == GUILLEMET and first in "\u00ab\u00bb"):
            allowed = 1
    for s, ch, _system in stack[allowed : allowed + MAX_HITS]:
        scan.unbalanced.append(QuoteProblem(s, s + 1, f"quotation mark {ch!r} is never closed in its paragraph"))
    return []


def _is_stray_at(text: str, i: int, ps: int, pe: int, stack: list[tuple[int, str, str]]) -> bool:
    """Would the “ at ``i`` be judged a stray opening mark?"""
    if stack and stack[-1][2] == LOW9:
        return False
    return _stray_open(text, i, ps, pe) is not None


def _find_open(stack: list[tuple[int, str, str]], systems: tuple[str, ...]) -> int | None:
    """Index of the innermost open mark of one of ``systems`` (bounded)."""
    for k in range(len(stack) - 1, max(-1, len(stack) - 1 - MAX_NESTING), -1):
        if stack[k][2] in systems:
            return k
    return None


def _close(scan: QuoteScan, stack: list[tuple[int, str, str]], k: int, i: int, c: str, system: str) -> None:
    """Close the open mark ``stack[k]`` with the mark ``c`` at ``i``; open
    marks above it were never closed."""
    for s, ch, _sys in stack[k + 1 : k + 1 + MAX_NESTING]:
        scan.unbalanced.append(QuoteProblem(s, s + 1, f"quotation mark {ch!r} is never closed"))
    del stack[k:]
    scan._marks.append((i, c, system, "close"))


def _glued_stop(scan: QuoteScan, text: str, i: int, pe: int) -> None:
    """``added.”.`` — a full stop after a closing quote that already
    follows sentence punctuation."""
    if (
        i + 1 < pe
        and text[i + 1] == "."
        and i > 0
        and text[i - 1] in ".!?"
        and (i + 2 >= pe or text[i + 2] != ".")
    ):
        scan.glued.append(QuoteProblem(i + 1, i + 2, "full stop after a quotation that already ends a sentence", Fix("", True)))


def quote_scan(doc: Doc) -> QuoteScan:
    """The article's quote marks and quoting problems (computed once)."""
    return cached(doc, "_pu_quote_scan", _scan_quotes)


def _apostrophe_marks(doc: Doc) -> list[tuple[int, str]]:
    """Apostrophes and single quotes, without primes such as ``6'2"``."""
    text = doc.text
    out: list[tuple[int, str]] = []
    for i in char_positions(text, "'\u2018\u2019"):
        c = text[i]
        if c == "'" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue
        out.append((i, c))
    return out


def apostrophe_style(doc: Doc) -> str | None:
    """``"curly"`` or ``"straight"``: the article's main apostrophe style."""

    def build(d: Doc) -> str:
        straight = curly = 0
        for _i, c in _apostrophe_marks(d):
            if c == "'":
                straight += 1
            else:
                curly += 1
        if not straight and not curly:
            return ""
        return STRAIGHT if straight > curly else CURLY

    return cached(doc, "_pu_apostrophe_style", build) or None


_DOUBLE_QUOTES = "\"\u201c\u201d\u201e\u00ab\u00bb"
_SINGLE_QUOTES = "'\u2018\u2019\u201a"


def styled_quotes(doc: Doc, start: int, end: int, replacement: str) -> str:
    """Re-type the quote marks and apostrophes in ``replacement`` (text that
    is to replace ``doc.text[start:end]``) in the article's own quote
    style, so a fix (decoding ``&quot;``, repairing mojibake) does not
    introduce mixed quotes. Without quotes in the article it is unchanged."""
    if len(replacement) > 200 or not any(c in _DOUBLE_QUOTES or c in _SINGLE_QUOTES for c in replacement):
        return replacement
    text = doc.text
    double = quote_scan(doc).dominant()
    if double not in (CURLY, STRAIGHT):
        double = None  # only re-type into the English systems
    single = apostrophe_style(doc)
    out: list[str] = []
    for k, ch in enumerate(replacement):
        is_double = ch in _DOUBLE_QUOTES
        if not (is_double and double) and not (ch in _SINGLE_QUOTES and single):
            out.append(ch)
            continue
        prev = out[-1] if out else (text[start - 1] if start > 0 else " ")
        nxt = replacement[k + 1] if k + 1 < len(replacement) else (text[end] if end < len(text) else " ")
        opening = prev.isspace() or prev in "([{\u2014\u2013"
        if is_double:
            assert double is not None
            out.append(SYSTEM_MARKS[double][0 if opening else 1])
        elif single == STRAIGHT:
            out.append("'")
        else:
            out.append("\u2018" if opening and not nxt.isdigit() else "\u2019")
    return "".join(out)


# -- PU001 -------------------------------------------------------------------

_PUNCT_RUN = regex.compile(
    r"(?<![/\\])[.,;:!?\u2026]{2,}(?=$|[\s\"'\u201d\u2019\u00bb)\]}\u201c\u2018\u201e\u00ab(\[\p{Lu}])"
)



def _judge_run(run: str, nxt: str) -> tuple[str, str, bool] | None:
    """What is wrong with a run of punctuation: (message, fix, safe)."""
    kinds = set(run)
    if len(run) > 8 and len(kinds) > 1:
        return None if kinds <= {"!", "?"} else ("run of punctuation", "", False)
    if kinds == {"."}:
        return ("doubled full stop", ".", True) if len(run) == 2 else None
    single = {",": "comma", ";": "semicolon", ":": "colon"}
    if len(kinds) == 1 and run[0] in single:
        return f"doubled {single[run[0]]}", run[0], True
    if kinds <= {"!", "?"}:
        return None  # PU010 repeated-exclamation
    head = run.rstrip(".")
    if head and set(head) <= {"!", "?"}:
        return f"full stop after {head!r}:", head, True
    if kinds & {"!", "?"}:
        if run[0] in "!?":
            return None  # "Yahoo!, Inc." and titles ending in "?" or "!"
        return "mixed punctuation", "".join(c for c in run if c in "!?"), False
    if nxt and (nxt.islower() or nxt.isdigit()):
        keep = next(c for c in ",;:." if c in run)
    else:
        keep = "." if "." in run else run[-1]
    return "mixed punctuation", keep, False


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
        {"text": "Who pays⟦?.⟧ Nobody knows.", "fixed": "Who pays? Nobody knows."},
        {"text": "The talks ended⟦.,⟧ Then the shooting began.", "fixed": "The talks ended. Then the shooting began."},
        {"text": "He declined to comment⟦,.⟧ citing the inquiry.", "fixed": "He declined to comment, citing the inquiry."},
        {"text": "It was over⟦..⟧The troops left.", "fixed": "It was over. The troops left."},
        "Officials met in Washington, D.C.⟦,,⟧ on Monday.",
    ],
    good=[
        "Wait... what happened next?",
        "He paused \u2026 and went on.",
        "He trailed off.... Then he left.",
        "The deal was signed in the U.S. on Monday.",
        "Troops from the U.S., Britain and Germany took part.",
        "Acme Inc., the contractor, declined to comment.",
        "The rally in Boston, Mass., drew 2,000 people; the one in Fresno, Calif., fewer.",
        "The meeting starts at 9 a.m.; the vote follows at noon.",
        "Is the base in the U.S.? Officials would not say.",
        "Growth was 3.5 percent, up from 2.1.",
        "Version 2.0.1 is out; see https://example.com/a..b for details.",
        "Run ../configure first.",
        "Write to press.office@example.org. Replies take a day.",
        "Prices rose, then fell.",
        "Yahoo!, the web portal, was sold.",
    ],
)
@capped(when=_suspect("PU001"))
def doubled_stop(doc: Doc) -> Iterator[Hit]:
    """Doubled full stop or comma, or a run of mixed sentence punctuation.

    Why it matters: scrapers and translation pipelines that re-insert
    sentence punctuation leave ``necessary..``, ``month,,``, ``pays?.`` and
    ``ended.,`` behind. Readers see the damage at once. A real ellipsis
    (``...``, ``…``), an abbreviation before a comma or question mark
    (``U.S.,``, ``Inc.,``, ``U.S.?``), decimals, version numbers, URLs,
    e-mail addresses and paths are left alone; ``in the U.S..`` is damage.
    Doubled marks and a stop after ``?``/``!`` get a safe fix; for mixed
    runs such as ``.,`` the fix keeps the mark that fits what follows and
    needs review. Extra abbreviations come from the lexicon
    ``abbreviations``.
    """
    text = doc.text
    n = len(text)
    for m in candidates(_PUNCT_RUN.finditer(text)):
        s, e = m.span()
        run = m.group()
        if "..." in run or "\u2026" in run:
            continue  # an ellipsis, possibly with other marks
        # The pattern only matches runs followed by a space, a quote, a
        # bracket or a capital: "a..b", "1..5", "../" are not punctuation.
        nxt = text[e] if e < n else ""
        ts, te = token_bounds(text, s, e)
        if looks_like_address(text[ts:te]):
            continue
        if run[0] == "." and run != ".." and ends_with_abbreviation(doc, s):
            s += 1  # the first stop belongs to "U.S." or "Inc."
            run = run[1:]
            if len(run) < 2:
                continue
        j = e
        while j < n and j - e < 3 and text[j] in " \t":
            j += 1
        verdict = _judge_run(run, text[j] if j < n else "")
        if verdict is None:
            continue
        message, keep, safe = verdict
        if nxt and _starts_word(nxt):
            keep += " "
        yield Hit(s, e, f"{message} {excerpt(text[s:e])}", Fix(keep, safe))


# -- PU002, PU003, PU004 -------------------------------------------------------


@rule(
    code="PU002",
    name="glued-quotes",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        "\u201cWe acted.⟦\u201d\u201c⟧We will act again,\u201d she said.",
        {"text": "He called it \u201cunprecedented.\u201d⟦.⟧ Then he left.", "fixed": "He called it \u201cunprecedented.\u201d Then he left."},
        {"text": "The army said it was ⟦\u201c\u201c⟧ready\u201d.", "fixed": "The army said it was \u201cready\u201d."},
        "He said \"we are ready.\"⟦.⟧",
    ],
    good=[
        "\u201cWe acted,\u201d she said. \u201cWe will act again.\u201d",
        "He called the build-up \u201cunprecedented\u201d.",
        "\u201cHe told me \u2018never again\u2019,\u201d she said.",
        "The report was titled \u201cWhat next?\u201d and ran to 40 pages.",
        "She said \u201cthe end\u201d...",
    ],
)
@capped(when=lambda doc: quote_scan(doc).glued)
def glued_quotes(doc: Doc) -> Iterator[Hit]:
    """Quotation marks glued to each other or to surplus punctuation.

    Why it matters: joined paragraphs and re-punctuated translations leave
    ``act.”“We``, doubled marks ``““`` and a stop after a quotation that
    already ends a sentence (``unprecedented.”.``). The fixes insert the
    missing space, keep one mark or drop the surplus stop; all are safe.
    """
    for p in quote_scan(doc).glued:
        yield Hit(p.start, p.end, p.message, p.fix)


@rule(
    code="PU003",
    name="stray-opening-quote",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {
            "text": "the North Atlantic Council approved the deployment.\u201d⟦\u201c.⟧\n\nThe statement did not say more.",
            "fixed": "the North Atlantic Council approved the deployment.\u201d\n\nThe statement did not say more.",
        },
        {"text": "\u201cWe will do it,\u201d Stoltenberg added.⟦\u201c.⟧", "fixed": "\u201cWe will do it,\u201d Stoltenberg added."},
        {"text": "The minister read the statement ⟦\u201c⟧", "fixed": "The minister read the statement"},
        {"text": "The ministry confirmed it⟦\u201c⟧. Talks resume today.", "fixed": "The ministry confirmed it. Talks resume today."},
    ],
    good=[
        "He said: \u201cWe are ready.\u201d",
        "\u201cThe talks have failed.\n\n\u201cWe will try again next week,\u201d she said.",
        "The German daily called it \u201eunverantwortlich\u201c. Others agreed.",
        "He called it \u201cunprecedented\u201d.",
    ],
)
@capped(when=lambda doc: quote_scan(doc).stray)
def stray_opening_quote(doc: Doc) -> Iterator[Hit]:
    """Opening quotation mark at the end of a sentence or paragraph.

    Why it matters: a translation engine that re-balances quotes, or a
    scraper joining text, leaves ``approved.”“.`` and ``added.“.`` — an
    opening mark that opens nothing. The fix deletes the mark (and the
    surplus stop after it when the sentence had already ended).
    """
    for p in quote_scan(doc).stray:
        yield Hit(p.start, p.end, p.message, p.fix)


@rule(
    code="PU004",
    name="unbalanced-quotes",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        "The spokesman called it ⟦\u201c⟧unprecedented and said nothing else.",
        "The spokesman called it unprecedented⟦\u201d⟧ and said nothing else.",
        {
            "text": "Kirby called the build-up \u201cunprecedented⟦\u201c⟧ on Friday.",
            "fixed": "Kirby called the build-up \u201cunprecedented\u201d on Friday.",
        },
        "He said ⟦\"⟧the plan is dead.\n\nOfficials disagreed.",
        "\u201cWe are ready,\u201d he said. ⟦\u201c⟧We will go.\n\nThe talks ended.",
    ],
    good=[
        "\u201cThe talks have failed.\n\n\u201cWe will try again next week,\u201d she said.",
        "\"The talks have failed.\n\"We will try again,\" she said.",
        "\u201cHe told me \u2018never again\u2019,\u201d she said. The Kosovars\u2019 patience is thin.",
        "The 6'2\" forward scored twice.",
        "Kirby said it was \u201cvery sophisticated\u201d and involved \u201cmilitary-style\u201d weapons.",
        "Die Zeitung schrieb \u201eunverantwortlich\u201c und \u00abgef\u00e4hrlich\u00bb.",
        "Home \u00bb News \u00bb Local",
    ],
)
@capped(when=lambda doc: quote_scan(doc).unbalanced)
def unbalanced_quotes(doc: Doc) -> Iterator[Hit]:
    """Quotation mark that is not closed, or closed without being opened, in its paragraph.

    Why it matters: a lost or extra quotation mark changes who is speaking
    — the reader cannot tell where the quote ends. News style lets a quote
    run on over paragraphs: an unclosed quote at a paragraph end is
    correct when the next paragraph opens with a quotation mark. In
    hard-wrapped text (the next line follows without a blank line and
    starts in lower case) the quote simply continues. Single quotes are
    not counted (they double as apostrophes). A ``“`` typed where the
    closing ``”`` belongs, or the reverse, has a safe fix.
    """
    for p in quote_scan(doc).unbalanced:
        yield Hit(p.start, p.end, p.message, p.fix)


# -- PU005 -------------------------------------------------------------------

_PAIRS = {")": "(", "]": "[", "}": "{"}
_ENUMERATOR = regex.compile(r"(?:^|[\s,;:])(?:\p{L}|\d{1,3}|[ivx]{2,4}|[IVX]{2,4})\)$")


def _is_enumerator_or_emoticon(text: str, i: int, ps: int) -> bool:
    """``1)``, ``b)``, ``iv)`` list markers and ``:)``/``:-)``/``:(``."""
    if i > ps and text[i - 1] in ":;" or (i > ps + 1 and text[i - 1] == "-" and text[i - 2] in ":;"):
        return True
    return _ENUMERATOR.search(text, max(ps, i - 4), i + 1) is not None


def _scan_brackets(doc: Doc) -> list[tuple[int, str]]:
    text = doc.text
    out: list[tuple[int, str]] = []
    if not ("(" in text or ")" in text or "[" in text or "]" in text or "{" in text or "}" in text):
        return out  # the common case, decided by six memchr passes
    positions = char_positions(text, "()[]{}")
    paras = doc.paragraphs
    pi = 0
    ps, pe = paras[0]
    stack: list[int] = []
    for i in positions:
        if len(out) >= MAX_HITS:
            break
        while i >= pe:
            if not wrapped_line_follows(text, paras, pi):
                out.extend((j, f"{text[j]!r} is never closed in its paragraph") for j in stack[:MAX_HITS])
                stack = []
            pi += 1
            ps, pe = paras[pi]
        c = text[i]
        if c == "[" and i and text[i - 1] == "\x1b":
            continue  # a terminal escape code, reported by EN009
        if c in "([{":
            stack.append(i)
            continue
        opener = _PAIRS[c]
        k = None
        for j in range(len(stack) - 1, max(-1, len(stack) - 1 - MAX_NESTING), -1):
            if text[stack[j]] == opener:
                k = j
                break
        if k is None:
            if c == ")" and _is_enumerator_or_emoticon(text, i, ps):
                continue
            if stack:
                # "(KFOR]": the closing bracket is of the wrong kind.
                out.append((i, f"{c!r} closes {text[stack[-1]]!r}"))
                stack.pop()
                continue
            out.append((i, f"closing {c!r} without an opening {opener!r} in its paragraph"))
            continue
        out.extend((j, f"{text[j]!r} is never closed") for j in stack[k + 1 :])
        del stack[k:]
    out.extend((j, f"{text[j]!r} is never closed in its paragraph") for j in stack[:MAX_HITS])
    out.sort()
    return out


def _bracket_problems(doc: Doc) -> list[tuple[int, str]]:
    """Unbalanced brackets of the article (computed once per article)."""
    return cached(doc, "_pu_brackets", _scan_brackets)


@rule(
    code="PU005",
    name="unbalanced-brackets",
    category="punctuation",
    severity="warning",
    bad=[
        "The council ⟦(⟧the political body of the alliance approved it.",
        "The force (KFOR⟦]⟧ will grow.",
        "The council approved it⟦)⟧. Others agreed.",
        "The plan ⟦[⟧which was leaked (in May) failed.",
    ],
    good=[
        "The council (the alliance's political body) approved it.",
        "She cited the report [on page 4 (annex B)] in full.",
        "The options were: a) talks, b) sanctions or c) force.",
        "1) Troops stay. 2) Talks resume.",
        "Great news :) said the post.",
    ],
)
@capped(when=lambda doc: _bracket_problems(doc))
def unbalanced_brackets(doc: Doc) -> Iterator[Hit]:
    """Parenthesis or bracket that is not closed, or closed without being opened, in its paragraph.

    Why it matters: a lost bracket makes the reader guess where an aside
    ends; translation engines drop or duplicate them when reordering
    clauses. List markers such as ``a)`` or ``1)``, emoticons and terminal
    escape codes are not counted; hard-wrapped lines continue the
    paragraph.
    """
    for i, message in _bracket_problems(doc):
        yield Hit(i, i + 1, message)


# -- PU006 -------------------------------------------------------------------


def _mixed_quotes_possible(doc: Doc) -> bool:
    """More than one double-quote system, or straight beside curly apostrophes?"""
    text = doc.text
    # Without ", „, « and » every mark the scan keeps is a curly one.
    other_systems = '"' in text or "\u201e" in text or "\u00ab" in text or "\u00bb" in text
    if other_systems and len(quote_scan(doc).counts()) > 1:
        return True
    return "'" in text and ("\u2019" in text or "\u2018" in text)


@rule(
    code="PU006",
    name="mixed-quote-styles",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {
            "text": "\u201cWe are ready,\u201d he said. \u201cSo are we,\u201d she said. Kirby called it ⟦\"⟧unprecedented⟦\"⟧.",
            "fixed": "\u201cWe are ready,\u201d he said. \u201cSo are we,\u201d she said. Kirby called it \u201cunprecedented\u201d.",
        },
        {
            "text": "\u201cWe are ready,\u201d he said. The paper called it ⟦\u201e⟧verantwortungslos⟦\u201c⟧ and \u201creckless\u201d.",
            "fixed": "\u201cWe are ready,\u201d he said. The paper called it \u201cverantwortungslos\u201d and \u201creckless\u201d.",
        },
        {
            "text": "\u201cIt\u2019s over,\u201d Kosovo\u2019s premier said. Serbia⟦'⟧s army disagreed.",
            "fixed": "\u201cIt\u2019s over,\u201d Kosovo\u2019s premier said. Serbia\u2019s army disagreed.",
        },
    ],
    good=[
        "\u201cIt\u2019s over,\u201d he said. \u201cWe\u2019ll see,\u201d she replied.",
        "\"It's over,\" he said. \"We'll see,\" she replied.",
        "\u201cHe told me \u2018never again\u2019,\u201d she said. The 6'2\" forward agreed.",
    ],
)
@capped(when=_mixed_quotes_possible)
def mixed_quote_styles(doc: Doc) -> Iterator[Hit]:
    """Quote marks from different systems in one article (straight and curly, „“ or «» beside “”).

    Why it matters: mixed systems show that text was pasted together from
    different sources or partly machine-translated, and they break
    quote-aware tools downstream. Marks of the less used system are
    reported with the dominant system's mark as a safe fix; for
    apostrophes and single quotes the finding is ``info`` and only
    unambiguous apostrophes get a safe fix.
    """
    text = doc.text
    scan = quote_scan(doc)
    counts = scan.counts()
    if len(counts) > 1:
        dominant = scan.dominant()
        assert dominant is not None
        # Marks another quote rule already fixes are left to that rule.
        taken = {k for p in scan.glued + scan.unbalanced if p.fix for k in range(p.start, p.end)}
        for mk in scan.marks:
            if mk.system == dominant or mk.pos in taken:
                continue
            target = SYSTEM_MARKS[dominant][0 if mk.role == "open" else 1]
            yield Hit(
                mk.pos,
                mk.pos + 1,
                f"{mk.system} quotation mark {mk.char!r} in an article that uses {dominant} quotes",
                # „…“ and «…» articles are rare in English corpora and their
                # marks overlap with curly ones: re-typing into them needs review.
                Fix(target, dominant in (CURLY, STRAIGHT)),
            )
    if not ("'" in text and ("\u2019" in text or "\u2018" in text)):
        return
    style = apostrophe_style(doc)
    for i, c in _apostrophe_marks(doc):
        if (c == "'") == (style == STRAIGHT):
            continue
        if style == STRAIGHT:
            fix = Fix("'", True)
        else:
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if prev.isalnum() or nxt.isdigit():
                fix = Fix("\u2019", True)  # Serbia's, Kosovars', '90s
            elif nxt.isalpha():
                fix = Fix("\u2018", False)  # opening single quote or 'em: review
            else:
                fix = Fix("\u2019", False)
        yield Hit(
            i,
            i + 1,
            f"{'straight' if c == chr(39) else 'curly'} apostrophe or single quote {c!r} in an article that uses "
            f"{style} ones",
            fix,
            severity="info",
        )


# -- PU007, PU008 ------------------------------------------------------------

_SPACES_BEFORE_MARK = " " + _SPACE_LIKE_BEFORE_MARK
_SPACE_BEFORE = regex.compile(
    r"(?<=[\p{L}\p{N}\p{M}%\u201d\u2019\")\]])[ \t\u00a0\u202f]+"
    r"(?:[,;](?![\d)(])|\.(?![.\p{L}\p{N}]| \.)|:(?=\s|$|[\"\u201c\u201d])|[!?](?=\s|$|[\"\u201d\u2019)\]!?]))"
)



@rule(
    code="PU007",
    name="space-before-punctuation",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "The talks resumed on Monday⟦ ,⟧ officials said.", "fixed": "The talks resumed on Monday, officials said."},
        "Who will pay⟦ ?⟧",
        "The troops arrived⟦ .⟧ Then the talks began.",
        "The minister said⟦\u00a0:⟧ \u201cWe are ready.\u201d",
        "Three points⟦ ;⟧ all agreed.",
    ],
    good=[
        "He paused ... and went on.",
        "He paused . . . and went on.",
        "The .50 caliber rounds and the .NET platform were mentioned.",
        "Score: 2 : 1 after extra time.",
        "The list: a, b and c.",
        "- a bullet, then text.",
    ],
)
@capped(when=_suspect("PU007"))
def space_before_punctuation(doc: Doc) -> Iterator[Hit]:
    """Space before a comma, full stop, semicolon, colon, question or exclamation mark.

    Why it matters: ``Monday ,`` and French-style ``said :`` are typical of
    machine translation and OCR; in English they look careless. Ellipses,
    decimals such as ``.50`` and names such as ``.NET`` are left alone. The
    fix removes the space.
    """
    text = doc.text
    # Every match is a run of spaces before a mark: the run holding the
    # first space-like character before a mark is where the first match
    # can start at the earliest, so the scan starts there.
    start = punctuation_suspects(doc).get("PU007", 0)
    while start > 0 and text[start - 1] in _SPACES_BEFORE_MARK:
        start -= 1
    for m in candidates(_SPACE_BEFORE.finditer(text, start)):
        s, e = m.span()
        mark = text[e - 1]
        if mark == ":" and text[s - 1].isdigit():
            j = e
            while j < len(text) and text[j] in " \t":
                j += 1
            if j < len(text) and text[j].isdigit():
                continue  # a score or ratio: "2 : 1"
        yield Hit(s, e, f"space before {mark!r}", Fix(mark, True))


_MISSING_SPACE = regex.compile(
    r"[.!?](?<=[\p{Ll}\p{N}%)\]].)[\"\u201d\u2019\u00bb)\]]{0,2}(?=\p{Lu}\p{Ll})"
    r"|[,;](?<=\p{Ll}.)(?=\p{L}{2})"
)


_MISSING_HINTS = tuple(re.compile(re.escape(c) + _BEFORE_CAPITAL) for c in ".!?") + tuple(
    re.compile(re.escape(c) + r"(?=[^\W\d_]{2})") for c in ",;"
)


def _missing_space_hint(text: str) -> bool:
    """Is there a stop glued to a capital, or a comma glued to a word, right
    after a lower-case letter or digit? (Literal-prefix searches only.)"""
    for p in _MISSING_HINTS:
        for m in candidates(p.finditer(text)):
            i = m.start()
            prev = text[i - 1] if i else ""
            if prev.islower() or prev.isdigit() or (prev and prev in "%)]"):
                return True
    return False


#: An HTML entity ending at the semicolon just matched (``&quot;``, ``&#8217;``).
_ENTITY_BEFORE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,10});$")


@rule(
    code="PU008",
    name="missing-space-after-punctuation",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "The talks lasted two weeks⟦.⟧The deal was signed.", "fixed": "The talks lasted two weeks. The deal was signed."},
        "Kosovo declared independence in 2008⟦.⟧Tensions remain.",
        "\u201cWe are ready⟦.\u201d⟧The minister left.",
        {"text": "The minister met his counterpart⟦,⟧and then left.", "fixed": "The minister met his counterpart, and then left."},
    ],
    good=[
        "The U.S. Army and the U.K. government agreed.",
        "Troops (e.g. engineers) and officers, i.e. staff, left at 9 a.m. on Monday.",
        "Growth was 3.5 percent; the rate was 1,250.",
        "See www.example.gov and Node.js for details.",
        "Write to info@Example.Org today.",
        "He said it was over.\u201d \u201cThe rest is history.\u201d",
        "He moved to St. Petersburg in 2008. There he met Ms. Ivanova.",
        "He said &quot;the job is not done&quot; and left.",
    ],
)
@capped(when=_suspect("PU008"))
def missing_space_after_punctuation(doc: Doc) -> Iterator[Hit]:
    """Missing space after a sentence end, comma or semicolon (``weeks.The``, ``2008.Tensions``).

    Why it matters: joined sentences come from scrapers that drop line
    breaks and from translation engines that join segments; they break
    sentence splitting and read badly. Abbreviations (``U.S.``, ``e.g.``),
    decimals (``3.5``), domain names (``www.example.gov``), ``Node.js`` and
    e-mail addresses are left alone. The fix inserts the space.
    """
    text = doc.text
    if not _missing_space_hint(text):
        return
    for m in candidates(_MISSING_SPACE.finditer(text)):
        s, e = m.span()
        ts, te = token_bounds(text, s, e)
        token = text[ts:te]
        if looks_like_address(token) or token.count(".") > 1 and text[s] == ".":
            continue
        if text[s] == ";" and _ENTITY_BEFORE.search(text, max(0, s - 12), s + 1):
            continue  # the ';' ends an HTML entity (&quot;): EN004's business
        yield Hit(s, e, f"missing space after {excerpt(text[s:e])}", Fix(text[s:e] + " ", True))


# -- PU009 -------------------------------------------------------------------

_SPACED_HYPHEN = regex.compile(r"(?<=[^\s\-])[ \t]+(-{1,2})[ \t]+(?=[^\s\-])")
#: A wire-service dateline before the spaced hyphen that plain-text news
#: feeds use there: an upper-case place, an optional date, an optional
#: agency in brackets ("LONDON, June 3 (Reuters)", "BEIRUT (AP)").
_DATELINE = regex.compile(
    r"[ \t]*\p{Lu}[\p{Lu}\p{M} .'\-]{1,40}(?:,[ \t]*\p{Lu}[\p{L}\p{M} .'\-]{1,30})?"
    r"(?:,?[ \t]+\p{Lu}\p{Ll}{2,8}\.?[ \t]+\d{1,2})?(?:[ \t]*\([^()\n]{1,30}\))?"
)
DATELINE_MAX = 120
DASHES = {"em": "\u2014", "en": "\u2013"}


@rule(
    code="PU009",
    name="spaced-hyphen-dash",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {
            "text": "The subsidies ⟦-⟧ the main sticking point ⟦-⟧ were dropped.",
            "fixed": "The subsidies \u2014 the main sticking point \u2014 were dropped.",
        },
        "NATO peacekeeping forces ⟦-⟧ KFOR, are stationed there.",
        "He had one answer ⟦--⟧ no.",
    ],
    good=[
        "A battalion of 500-650 soldiers served from 2019-2023.",
        "The 400-strong unit is already there.",
        "The score was 3 - 1 after extra time.",
        "Key points:\n- troops stay\n- talks resume",
        "The subsidies \u2014 the main sticking point \u2014 were dropped.",
        "Pages 10 \u2013 12 cover the plan.",
        "LONDON, June 3 (Reuters) - Oil prices rose more than 1 percent on Monday.",
        "BEIRUT (AP) - The talks resumed.",
    ],
)
@capped(when=_suspect("PU009"))
def spaced_hyphen_dash(doc: Doc) -> Iterator[Hit]:
    """Spaced hyphen (``word - word``) or double hyphen used as a dash.

    Why it matters: a hyphen joins words; a dash separates clauses.
    Translation engines and plain-text pipelines replace dashes with
    ``" - "``, which looks amateurish in published text and confuses
    compound detection. Ranges (``500-650``), spaced number pairs
    (``3 - 1``), compounds (``400-strong``), list bullets and the hyphen
    after a wire dateline (``LONDON, June 3 (Reuters) - ...``) are left
    alone. The suggested fix is an em dash (rule option ``dash = "en"``
    suggests an en dash instead); house style decides, so the fix is not
    applied automatically.
    """
    text = doc.text
    style = doc.config.option("PU009", "dash", "em") if doc.config else "em"
    dash = DASHES.get(str(style), DASHES["em"])
    for m in candidates(_SPACED_HYPHEN.finditer(text)):
        s, e = m.span(1)
        before = text[m.start() - 1]
        after = text[m.end()]
        if before.isdigit() and after.isdigit():
            continue  # "500 - 650", "3 - 1"
        line_start = text.rfind("\n", 0, s) + 1
        if s - line_start <= DATELINE_MAX and _DATELINE.fullmatch(text, line_start, m.start()):
            continue  # wire dateline: "LONDON, June 3 (Reuters) - Oil prices rose"
        message = f"spaced hyphen {text[s:e]!r} used as a dash; use an em dash (\u2014) or an en dash (\u2013)"
        yield Hit(s, e, message, Fix(dash, False))


# -- PU010 -------------------------------------------------------------------

_EXCLAIM = re.compile(r"[!?]{2,}")


@rule(
    code="PU010",
    name="repeated-exclamation",
    category="punctuation",
    severity="info",
    fixable=True,
    bad=[
        {"text": "We won⟦!!⟧ The fans cheered.", "fixed": "We won! The fans cheered."},
        "Who pays⟦?!⟧",
        "Really⟦???⟧",
    ],
    good=["We won! Who pays? Nobody knows.", "The film \u201cHelp!\u201d opened."],
)
@capped(when=_suspect("PU010"))
def repeated_exclamation(doc: Doc) -> Iterator[Hit]:
    """Repeated exclamation or question marks (``!!``, ``?!``, ``???``).

    Why it matters: news prose uses single marks; runs of them come from
    social-media quotes, forum text or translation of emphatic styles and
    usually need an editor's look. ``!!`` and ``??`` get a safe fix to one
    mark; ``?!`` is left to the editor.
    """
    text = doc.text
    for m in candidates(_EXCLAIM.finditer(text)):
        run = m.group()
        kinds = set(run)
        fix = Fix(run[0], True) if len(kinds) == 1 else Fix("?", False)
        yield Hit(m.start(), m.end(), f"repeated marks {excerpt(run)}", fix)


# -- PU011 -------------------------------------------------------------------

_LETTER_SPACED = regex.compile(r"(?<![\p{L}\p{N}\p{M}'\u2019.\-])\p{L}(?: \p{L}){2,}(?![\p{L}\p{N}\p{M}'\u2019\-])")
#: Cheap first test: a space, one letter, a space and a letter that ends a
#: word (" N A"). Written to fail fast after most spaces: "any character,
#: then a space" rules out ordinary words before the letter tests, which the
#: look-behind makes only where that shape was found.
_LETTER_SPACED_HINT = re.compile(r" . [^\W\d_](?!\w)(?<= [^\W\d_] [^\W\d_])")
_SINGLE_LETTER_WORDS = frozenset("aAI")


@rule(
    code="PU011",
    name="letter-spaced-word",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "The ⟦N A T O⟧ summit opened.", "fixed": "The NATO summit opened."},
        "⟦B R E A K I N G⟧: troops move",
        "Police in ⟦K o s o v o⟧ said.",
    ],
    good=[
        "Vitamins A, B and C were sent.",
        "He got an A in maths. Plan B is ready.",
        "The U.S. and the E.U. agreed.",
        "Is it a I or a 1?",
    ],
)
@capped(when=lambda doc: _LETTER_SPACED_HINT.search(doc.text))
def letter_spaced_word(doc: Doc) -> Iterator[Hit]:
    """Word written with spaces between its letters (``N A T O``).

    Why it matters: letter-spacing is a display effect of the source page
    (headlines, banners) that survives scraping as separate one-letter
    tokens; search, tokenisers and readers all stumble on it. Three or more
    single letters in a row are reported (a run of three made of ``a``,
    ``A`` and ``I`` only is not). The fix removes the spaces.
    """
    for m in candidates(_LETTER_SPACED.finditer(doc.text)):
        word = m.group()
        letters = word.replace(" ", "")
        if len(letters) == 3 and any(c in _SINGLE_LETTER_WORDS for c in letters):
            continue
        yield Hit(m.start(), m.end(), f"letter-spaced word {excerpt(word)}", Fix(letters, True))


# -- PU012 -------------------------------------------------------------------

#: A symbol-only line (at most 200 marks: longer runs are not separators).
_SYMBOL_LINE = regex.compile(r"[\p{P}\p{S}](?:[ \t]{0,4}[\p{P}\p{S}]){2,200}")
_ELLIPSIS_LINE = regex.compile(r"[\[(]?(?:\.[ \t]?){3}[\])]?|[\[(]?\u2026[\])]?")
_SECTION_BREAK = regex.compile(r"(?:\*[ \t]*){3}|\u2042|(?:#[ \t]*){3}")
#: Cheap first test for a symbol line: a line whose first two marks (at most
#: four spaces apart) are neither letters, digits nor spaces. ``[^\w\s]|_``
#: holds every character of ``[\p{P}\p{S}]``; ``[^\S\n]*`` keeps each try
#: within one line, so the scan stays linear on runs of blank lines.
_SYMBOL_LINE_HEAD = r"[^\S\n]*(?:[^\w\s]|_)[ \t]{0,4}(?:[^\w\s]|_)"
_FIRST_SYMBOL_LINE = re.compile(_SYMBOL_LINE_HEAD)
_LATER_SYMBOL_LINE = re.compile("\n" + _SYMBOL_LINE_HEAD)


def _may_have_symbol_line(doc: Doc) -> bool:
    text = doc.text
    return _FIRST_SYMBOL_LINE.match(text) is not None or _LATER_SYMBOL_LINE.search(text) is not None


@rule(
    code="PU012",
    name="symbol-line",
    category="punctuation",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "Talks resumed.\n⟦-----⟧\nTroops stayed.", "fixed": "Talks resumed.\nTroops stayed."},
        "End of the story.\n⟦=====⟧\n⟦=====⟧\nRelated articles",
        "Talks resumed.\n\n⟦* * *⟧\n\nTroops stayed.",
    ],
    good=[
        "He paused.\n[...]\nThen he went on.",
        "Prices rose 5%.\nThe index fell.",
        "\u201cWe won!\u201d\nThe fans cheered.",
    ],
)
@capped(when=_may_have_symbol_line)
def symbol_line(doc: Doc) -> Iterator[Hit]:
    """Line made only of symbols or punctuation (``-----``, ``=====``, ``* * *``).

    Why it matters: separator lines are page furniture or plain-text
    formatting that survived scraping; they add noise to the corpus and to
    published text. A lone section break (``* * *``, ``***``) between two
    paragraphs can be deliberate and is reported as ``info`` without a
    safe fix; other symbol lines get a safe fix deleting the line. An
    omission mark such as ``[...]`` is left alone.
    """
    text = doc.text
    lines = None
    found: list[tuple[int, int, bool]] = []  # (start, end, lone section break)
    tried = 0
    for s, e in doc.paragraphs:
        if text[s].isalnum() or e - s < 3:
            continue
        tried += 1
        if tried > MAX_CANDIDATES or len(found) >= MAX_HITS:
            break
        if not _SYMBOL_LINE.fullmatch(text, s, e):
            continue
        body = text[s:e]
        if _ELLIPSIS_LINE.fullmatch(body):
            continue
        lone = False
        if _SECTION_BREAK.fullmatch(body):
            if lines is None:
                lines = doc.lines
            k = doc.line_of(s)
            neighbours = [_line_text(text, lines, j) for j in (k - 1, k + 1, k - 2, k + 2)]
            near = [t for t in neighbours[:2] if t.strip()] or [t for t in neighbours[2:] if t.strip()]
            lone = not any(_SYMBOL_LINE.fullmatch(t.strip()) for t in near)
        found.append((s, e, lone))
    # Consecutive symbol lines share one fix that deletes the whole block,
    # so deleting them never leaves a stray line break behind.
    k = 0
    while k < len(found):
        j = k
        while j + 1 < len(found) and not found[j][2] and not found[j + 1][2] and _adjacent_lines(text, found[j][1], found[j + 1][0]):
            j += 1
        s, e, lone = found[k]
        if lone:
            body = text[s:e]
            yield Hit(s, e, f"section-break line {excerpt(body)}", delete_line_fix(doc, s, e, safe=False), severity="info")
        else:
            fix = delete_line_fix(doc, found[k][0], found[j][1])
            for s, e, _lone in found[k : j + 1]:
                yield Hit(s, e, f"symbol-only line {excerpt(text[s:e])}", fix)
        k = j + 1


def _adjacent_lines(text: str, end: int, start: int) -> bool:
    """Is the line starting at ``start`` the next line after the one ending at ``end``?"""
    gap = text[end:start]
    return gap.count("\n") == 1 and not gap.strip()


def _line_text(text: str, lines: list[tuple[int, int]], k: int) -> str:
    if 0 <= k < len(lines):
        s, e = lines[k]
        return text[s:e]
    return ""


__all__ = [
    "CLOSERS",
    "MAX_CANDIDATES",
    "MAX_HITS",
    "OPENERS",
    "QuoteScan",
    "SpanIndex",
    "apostrophe_style",
    "cached",
    "candidates",
    "capped",
    "char_positions",
    "ends_with_abbreviation",
    "excerpt",
    "looks_like_address",
    "punctuation_suspects",
    "quote_scan",
    "styled_quotes",
    "token_bounds",
]
