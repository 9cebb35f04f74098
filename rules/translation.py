"""Fingerprints of machine translation (category ``translation``, codes MT).

- MT001 garbled attribution (source-language word order around
  ``according to`` / ``said``);
- MT002 calques and translationese from the ``calques`` lexicon
  (``rules/calques.tsv``), case-insensitive, word-bounded;
- MT003 a country or organisation referred to as ``he``/``she``;
- MT004 a missing ``the`` before names that need it (``United States said``);
- MT005 numbers, dates and currencies in a source language's format.

Every artifact also carries the source languages it points to; the
``source_language`` annotator adds them up so an editor can see which
translation pipeline produced the article.

Speed: one Aho–Corasick pass over the folded text (``_scan``) finds the
calque phrases, the known names and a few hint words at once; the costlier
patterns (MT001's attribution patterns, MT005's number formats) only run
where a hint word or a cheap necessary condition says they can match, so a
clean article costs little more than that pass.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

import regex

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.aho import KeyMatcher
from audit.registry import annotator, rule

from . import _langid
from ._common import DATA_DIR

# -- shared helpers ---------------------------------------------------------------


def _english(doc: Doc) -> bool:
    """These rules look for artifacts in English text: with another
    expected language (``--lang``) they stay quiet. (Checked once, by the
    family's scan, which then finds nothing, and by MT005, inside their
    ``doc.memo`` computations: a look-up of a result is one memo hit.)"""
    return _langid.expected_language(doc) == "en"


_EN_FUNCTION_WORDS = _langid.stopwords().get("en", frozenset())
#: ``bisect_right(spans, (offset, _INF)) - 1``: the last ``(start, end)`` span
#: starting at or before ``offset`` (no list of starts to build).
_INF = float("inf")
_TERMINAL = ".!?\u2026:;\"'\u201d\u2019)"


def _headline_like(text: str, s: int, e: int) -> bool:
    """Is the paragraph ``text[s:e]`` a headline, title-case line or label
    (where news style drops articles)?"""
    para = text[s:e]
    words = para.split()
    if not words:
        return False
    if len(words) <= 25 and para.rstrip()[-1] not in _TERMINAL:
        return True
    if len(words) < 3:
        return False
    # Words starting with a capital, counted with C-level map()s (a
    # generator over every word of every checked paragraph cost more).
    caps = sum(map(str.isupper, map(itemgetter(0), words)))
    return caps / len(words) >= 0.6


def _in_headline(doc: Doc, offset: int) -> bool:
    """Is ``offset`` inside a headline-like paragraph? (memoised per
    paragraph on the document)"""
    memo: dict[int, bool] = doc.__dict__.setdefault("_mt_headline_memo", {})
    k = bisect_right(doc.paragraphs, (offset, _INF)) - 1  # last paragraph starting at or before offset
    if k < 0:
        return False
    s, e = doc.paragraphs[k]
    if offset >= e:
        return False
    got = memo.get(k)
    if got is None:
        got = memo[k] = _headline_like(doc.text, s, e)
    return got


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _quoted(doc: Doc, s: int, e: int) -> bool:
    return doc.in_quote(s) and doc.in_quote(max(s, e - 1))


def _lower_severity(severity: str) -> str:
    return "info" if severity in ("warning", "info") else "warning"


# -- MT002 calques -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Calque:
    """One lexicon entry (one line of ``calques.tsv``)."""

    pattern: str
    languages: tuple[str, ...]
    rewrite: str
    severity: str = "warning"
    not_after: frozenset[str] = frozenset()
    not_before: tuple[str, ...] = ()

    @property
    def fix(self) -> Fix | None:
        if self.rewrite == "(omit)":
            return Fix("", safe=False)
        if self.rewrite.startswith("("):
            return None
        return Fix(self.rewrite, safe=False)


def expand(pattern: str) -> list[str]:
    """Expand ``(a|b|)`` groups (nestable; an empty branch omits the group)
    into every literal phrase, whitespace normalised."""

    def parse(s: str, i: int, top: bool) -> tuple[list[str], int]:
        # Returns the alternatives of a sequence up to ')' (or end).
        alts: list[list[str]] = [[""]]
        while i < len(s):
            c = s[i]
            if c == "(":
                inner, i = parse(s, i + 1, False)
                alts[-1] = [a + b for a in alts[-1] for b in inner]
            elif c == "|" and not top:
                alts.append([""])
                i += 1
            elif c == ")" and not top:
                return [x for alt in alts for x in alt], i + 1
            else:
                alts[-1] = [a + c for a in alts[-1]]
                i += 1
        if not top:
            raise ValueError(f"unbalanced '(' in calque pattern {pattern!r}")
        return [x for alt in alts for x in alt], i

    out, _ = parse(pattern, 0, True)
    seen: dict[str, None] = {}
    for phrase in out:
        phrase = " ".join(phrase.split()).lower().replace("\u2019", "'")
        if phrase:
            seen[phrase] = None
    return list(seen)


def parse_calque(entry: Any) -> Calque:
    """A lexicon entry from a TSV line or a config dict
    (``{"phrase", "languages", "rewrite", "severity", "not_after", "not_before"}``)."""
    if isinstance(entry, str):
        cols = entry.rstrip("\n").split("\t")
        if len(cols) > 6:
            raise ValueError(f"calque entry has {len(cols)} columns, at most 6: {entry!r}")
        cols += [""] * (6 - len(cols))
        phrase, langs, rewrite, severity, not_after, not_before = (c.strip() for c in cols[:6])
    elif isinstance(entry, dict):
        phrase = str(entry.get("phrase", "")).strip()
        langs = entry.get("languages", "")
        rewrite = str(entry.get("rewrite", "")).strip()
        severity = str(entry.get("severity", "") or "").strip()
        not_after = entry.get("not_after", "")
        not_before = entry.get("not_before", "")
        if isinstance(langs, (list, tuple)):
            langs = ",".join(langs)
        if isinstance(not_after, (list, tuple)):
            not_after = "|".join(not_after)
        if isinstance(not_before, (list, tuple)):
            not_before = "|".join(not_before)
    else:
        raise TypeError(f"calque entry must be a TSV line or a mapping, not {type(entry).__name__}")
    languages = tuple(x.strip().lower() for x in str(langs).split(",") if x.strip())
    if not phrase or not languages or not rewrite:
        raise ValueError(f"calque entry needs a phrase, languages and a rewrite: {entry!r}")
    severity = severity or "warning"
    if severity not in ("warning", "info", "error"):
        raise ValueError(f"calque entry {phrase!r}: unknown severity {severity!r}")
    return Calque(
        pattern=phrase,
        languages=languages,
        rewrite=rewrite,
        severity=severity,
        not_after=frozenset(w.strip().lower() for w in str(not_after).split("|") if w.strip()),
        not_before=tuple(w.strip().lower().replace("\u2019", "'") for w in str(not_before).split("|") if w.strip()),
    )


@cache
def load_calques() -> tuple[Calque, ...]:
    """The shipped lexicon (``rules/calques.tsv``)."""
    out = []
    with open(DATA_DIR / "calques.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            out.append(parse_calque(line))
    return tuple(out)


def _freeze(entry: Any) -> Any:
    if isinstance(entry, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in entry.items()))
    if isinstance(entry, (list, tuple)):
        return tuple(_freeze(v) for v in entry)
    return entry


def _thaw(entry: Any) -> Any:
    if isinstance(entry, tuple) and entry and all(isinstance(x, tuple) and len(x) == 2 for x in entry):
        return {k: _thaw(v) for k, v in entry}
    if isinstance(entry, tuple):
        return list(entry)
    return entry


# Kinds of key in the family's automaton (see ``_automaton``).
_KEY_CALQUE, _KEY_NAME, _KEY_OTHER = 0, 1, 2


@lru_cache(maxsize=8)
def _automaton(extra: tuple[Any, ...]) -> tuple[KeyMatcher, list[tuple[int, Any]], tuple[Calque, ...]]:
    """The Aho–Corasick automaton of the family's one pass over the folded
    text (see ``_scan``), what each of its keys stands for, and the calque
    entries those point to.

    Keys: every expanded phrase of the lexicon plus the user's extra entries
    (later entries win on identical phrases), every known name in lower
    case (MT003/MT004 check the case on the original text), and hint words
    that tell MT001 and MT005 whether a costlier pattern can match. The k-th
    value, for ``matcher.keys[k]``, is ``(kind, payload)``: a calque-only
    key carries its entry index, a key that is one name only carries the
    name (the two common cases, cheap to dispatch), any other key ``(entry
    index or -1, names, is a hint word)``.

    The automaton is a DFA (ahocorasick-rs): the ~1,450 shipped keys take
    about 3.5 MB resident (a contiguous NFA: 0.2 MB) and walk an article
    in ~11 µs (NFA ~14 µs; pyahocorasick's trie ~22 µs).
    """
    entries = load_calques() + tuple(parse_calque(_thaw(x)) for x in extra)
    calques: dict[str, int] = {}
    for idx, entry in enumerate(entries):
        for phrase in expand(entry.pattern):
            calques[phrase] = idx
    names: dict[str, list[str]] = {}
    for ent in load_entities():
        names.setdefault(_langid.fold_lower(ent.name), []).append(ent.name)
    hint_words = _NUMBER_HINTS | _SAID_HINTS | {_ACCORDING_HINT}
    matcher = KeyMatcher(sorted(set(calques) | set(names) | hint_words), dfa=True)
    values: list[tuple[int, Any]] = []
    for key in matcher.keys:
        idx, key_names, hint = calques.get(key, -1), tuple(names.get(key, ())), key in hint_words
        if not key_names and not hint:
            values.append((_KEY_CALQUE, idx))
        elif idx < 0 and len(key_names) == 1 and not hint:
            values.append((_KEY_NAME, key_names[0]))
        else:
            values.append((_KEY_OTHER, (idx, key_names, hint)))
    return matcher, values, entries


def _calques_for(doc: Doc) -> tuple[KeyMatcher, list[tuple[int, Any]], tuple[Calque, ...]]:
    extra = doc.lexicon("calques")
    return _automaton(tuple(_freeze(x) for x in extra) if extra else ())


class _Scan(NamedTuple):
    """What the family's pass over the folded text found (``_scan``)."""

    #: MT002's phrases (``calque_matches``)
    calques: list[CalqueMatch]
    #: known names (``entity_hits``)
    names: list[EntityHit]
    #: where each hint word (``_NUMBER_HINTS``, ``_SAID_HINTS``,
    #: ``_ACCORDING_HINT``) occurs in the folded text: ascending start offsets
    hints: dict[str, list[int]]


def _scan(doc: Doc) -> _Scan:
    """One Aho–Corasick pass over the folded text for MT002 (calques),
    MT003/MT004 (known names) and hint words for MT001/MT005, instead of a
    scan each; it also picks the final calque matches and name hits, so
    the family computes one memo entry here, not three. A name occurs
    case-sensitively in ``doc.text`` only where its lower-case form occurs
    in the folded text (same offsets), so the pass finds every candidate
    and the original text confirms it."""
    return doc.memo("_mt_scan", _scan_folded)


def _calque_bounded(low: str, s: int, e: int) -> bool:
    """A calque phrase at ``low[s:e]`` is not part of a longer word."""
    if _is_word_char(low[s]) and s > 0 and _is_word_char(low[s - 1]):
        return False
    return not (_is_word_char(low[e - 1]) and e < len(low) and _is_word_char(low[e]))


def _name_bounded(text: str, s: int, e: int, name: str) -> bool:
    """``name`` at ``text[s:e]`` is not part of a longer word or dotted
    abbreviation."""
    if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "-."):
        return False
    n = len(text)
    if e < n and text[e].isalnum():
        return False
    # "U.S.A" vs "US.": part of a dotted abbreviation
    return not (name[-1] != "." and e < n and text[e] == "." and e + 1 < n and text[e + 1].isalpha())


def _scan_folded(d: Doc) -> _Scan:
    if not _english(d):
        return _Scan([], [], {})  # and so every result built on it is empty
    matcher, values, entries = _calques_for(d)
    low = _langid.folded(d)
    text = d.text
    calques: list[tuple[int, int, int]] = []
    names: list[tuple[int, int, str]] = []
    hints: dict[str, list[int]] = {}
    startswith = text.startswith
    # Matches come by end, so each hint's offsets ascend; calques and names
    # are sorted when selected, so their order here does not matter.
    for k, s, e in matcher.matches(low):
        kind, payload = values[k]
        # Most outputs are short names inside other words ("us" in "must"):
        # the first test throws them out.
        if kind == _KEY_NAME:
            if startswith(payload, s) and _name_bounded(text, s, e, payload):
                names.append((s, -e, payload))
        elif kind == _KEY_CALQUE:
            if _calque_bounded(low, s, e):
                calques.append((s, -e, payload))
        else:
            idx, key_names, hint = payload
            if idx >= 0 and _calque_bounded(low, s, e):
                calques.append((s, -e, idx))
            for name in key_names:
                if startswith(name, s) and _name_bounded(text, s, e, name):
                    names.append((s, -e, name))
            if hint:
                hints.setdefault(low[s:e], []).append(s)
    return _Scan(
        _select_calques(low, calques, entries) if calques else [],
        _select_names(names) if names else [],
        hints,
    )


_PREV_WORD = re.compile(r"([\w'-]+)[^\w]*$")
_NUM_AHEAD = re.compile(r"\s*[$\u20ac\u00a3]?\d")


@dataclass(frozen=True, slots=True)
class CalqueMatch:
    start: int
    end: int
    entry: Calque


def _guarded(low: str, s: int, e: int, entry: Calque) -> bool:
    """Does a guard word right before/after the match cancel it?"""
    if entry.not_after:
        m = _PREV_WORD.search(low, max(0, s - 40), s)
        if m and m.group(1) in entry.not_after:
            return True
    if entry.not_before:
        rest = low[e : e + 40]
        stripped = rest.lstrip()
        for g in entry.not_before:
            if g == "#num":
                if _NUM_AHEAD.match(rest):
                    return True
                continue
            if stripped.startswith(g) or rest.startswith(g):
                src = rest if rest.startswith(g) else stripped
                nxt = src[len(g) : len(g) + 1]
                if not nxt or not _is_word_char(nxt) or not _is_word_char(g[-1]):
                    return True
    return False


def calque_matches(doc: Doc) -> list[CalqueMatch]:
    """Lexicon phrases found in the document (non-overlapping, leftmost-longest)."""
    return _scan(doc).calques


def _select_calques(low: str, found: list[tuple[int, int, int]], entries: tuple[Calque, ...]) -> list[CalqueMatch]:
    """Leftmost-longest phrases among ``found`` (``(start, -end, entry
    index)``), less those a guard word cancels."""
    out: list[CalqueMatch] = []
    last = -1
    for s, neg_e, idx in sorted(found):
        e = -neg_e
        if s < last:
            continue
        entry = entries[idx]
        if _guarded(low, s, e, entry):
            continue
        out.append(CalqueMatch(s, e, entry))
        last = e
    return out


def _match_case(replacement: str, original: str) -> str:
    if original[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement


@rule(
    code="MT002",
    name="calque",
    category="translation",
    severity="warning",
    fixable=True,
    bad=[
        "⟦Let us remind you that⟧ on September 24 there was a shootout in the village.",
        "The spokesman also ⟦informed that⟧ the minister held talks on Friday.",
        "The decision was backed ⟦according to an Atlantic official⟧ who requested anonymity.".replace(
            "⟦according to an Atlantic official⟧", "according to ⟦an Atlantic official⟧"
        ),
        "⟦In view of the recently flared up⟧ tensions, NATO wants to increase its presence.",
        "Troops remain ⟦on the territory of⟧ Ukraine, the ministry said.",
        {"text": "⟦It became known that⟧ the talks had failed.", "fixed": "It emerged that the talks had failed."},
        "\u201cWe must act ⟦on the territory of⟧ our country,\u201d he said.",
    ],
    good=[
        "The minister was informed that the talks had failed.",
        "Officials informed reporters that the border would reopen.",
        "The talks went according to plan, officials said.",
        "She reported about 300 new cases on Monday.",
        "The Atlantic Council published the report on Tuesday.",
        "Investment in the territory's ports rose sharply.",
        "Police were told about a suspicious package.",
    ],
)
def calque(doc: Doc) -> Iterator[Hit]:
    """Stock phrase that betrays a source language (calque or translationese).

    Why it matters: phrases such as ``let us remind you that`` (Polish,
    Russian, Ukrainian), ``an Atlantic official`` for NATO (Arabic) or ``the
    other weekend`` for the weekend before last (Finnish) are word-for-word
    renderings no English editor would write; they mark the article as
    machine-translated and often change the meaning. The ``calques``
    lexicon (``rules/calques.tsv``: phrase, source languages, natural
    rewrite, severity, guard words) is extendable from config through the
    lexicon name ``calques`` (TSV lines or mappings with the same fields).
    Phrases inside quoted speech are reported one step lower (``info``).
    The rewrite is offered as an unsafe fix where it is a drop-in
    replacement.
    """
    text = doc.text
    for m in calque_matches(doc):
        entry = m.entry
        original = text[m.start : m.end]
        severity = entry.severity
        if _quoted(doc, m.start, m.end):
            severity = _lower_severity(severity)
        fix = entry.fix
        if fix is not None and fix.replacement:
            fix = Fix(_match_case(fix.replacement, original), safe=False)
        langs = ", ".join(entry.languages)
        yield Hit(
            m.start,
            m.end,
            f"calque {original!r} (typical of translation from {langs}); natural English: {entry.rewrite}",
            fix,
            severity=severity if severity != "warning" else None,
            data={"languages": list(entry.languages), "rewrite": entry.rewrite},
        )


# -- entities (MT003, MT004) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    kind: str
    needs_the: bool
    demonyms: tuple[str, ...]


@cache
def load_entities() -> tuple[Entity, ...]:
    out = []
    with open(DATA_DIR / "mt_entities.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t") + ["", "", ""]
            out.append(
                Entity(
                    name=cols[0].strip(),
                    kind=cols[1].strip() or "place",
                    needs_the=cols[2].strip().lower() == "the",
                    demonyms=tuple(x.strip() for x in cols[3].split("|") if x.strip()),
                )
            )
    return tuple(out)


@cache
def _entity_tables() -> tuple[dict[str, Entity], frozenset[str]]:
    """Entities by name, and every word of their names and demonyms."""
    by_name: dict[str, Entity] = {}
    place_words: set[str] = set()
    for ent in load_entities():
        by_name[ent.name] = ent
        place_words.update(ent.name.replace(".", " ").split())
        for dem in ent.demonyms:
            place_words.update(dem.split())
    return by_name, frozenset(place_words)


class EntityHit(NamedTuple):
    """A known name in the text (a tuple: one is made per name in every
    article, and a frozen dataclass costs twice as much to build)."""

    start: int
    end: int
    entity: Entity


def entity_hits(doc: Doc) -> list[EntityHit]:
    """Case-sensitive, word-bounded occurrences of known names
    (leftmost-longest)."""
    return _scan(doc).names


def _select_names(found: list[tuple[int, int, str]]) -> list[EntityHit]:
    """Leftmost-longest names among ``found`` (``(start, -end, name)``)."""
    by_name, _ = _entity_tables()
    out: list[EntityHit] = []
    last = -1
    for s, neg_e, name in sorted(found):
        if s < last:
            continue
        # ``tuple.__new__`` builds the same EntityHit as ``EntityHit(...)``
        # without the Python-level ``__new__`` of a NamedTuple.
        out.append(_new_tuple(EntityHit, (s, -neg_e, by_name[name])))
        last = -neg_e
    return out


_new_tuple = tuple.__new__


_DETERMINERS = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "those",
        "a",
        "an",
        "its",
        "his",
        "her",
        "their",
        "our",
        "your",
        "whose",
        "which",
        "what",
        "every",
        "each",
        "no",
        "any",
        "some",
        "whole",
        "entire",
    ]
)
_PREPOSITIONS = frozenset(
    [
        "in",
        "to",
        "from",
        "by",
        "with",
        "of",
        "for",
        "against",
        "between",
        "on",
        "at",
        "into",
        "toward",
        "towards",
        "across",
        "throughout",
        "within",
        "about",
        "over",
        "under",
        "among",
        "near",
        "beyond",
        "via",
    ]
)
_VERBS_AFTER = frozenset(
    [
        "said",
        "says",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "can",
        "could",
        "should",
        "must",
        "may",
        "might",
        "did",
        "does",
        "do",
        "announced",
        "stated",
        "reported",
        "claimed",
        "warned",
        "added",
        "noted",
        "explained",
        "confirmed",
        "called",
        "urged",
        "wants",
        "wanted",
        "plans",
        "planned",
        "intends",
        "intended",
        "decided",
        "agreed",
        "imposed",
        "sent",
        "deployed",
        "accused",
        "rejected",
        "denied",
        "remains",
        "remained",
        "also",
        "already",
        "continues",
        "continued",
        "insists",
        "insisted",
        "needs",
        "expects",
        "believes",
        "considers",
        "fears",
        "hopes",
        "opposes",
        "supports",
        "backs",
        "recognizes",
        "recognises",
        "demanded",
        "demands",
        "summoned",
        "expelled",
        "launched",
        "approved",
        "condemned",
        "welcomed",
        "responded",
        "accepted",
        "refused",
        "threatened",
        "promised",
        "pledged",
        "signed",
    ]
)
_NEXT_WORD = re.compile(r"\s*([A-Za-z][\w'\u2019-]*)")


def _previous_token(text: str, s: int) -> str | None:
    """The token (letters, digits, ``_'\u2019.-``) right before ``s`` within 30
    characters, with only spaces and no line break in between; ``None`` if
    there is none. What ``([\\w'\u2019.-]+)\\s*$`` finds in ``text[s - 30:s]``,
    walking back from ``s`` instead of trying every start position."""
    lo = max(0, s - 30)
    j = s
    while j > lo and text[j - 1].isspace():
        j -= 1
    i = j
    while i > lo and (text[i - 1].isalnum() or text[i - 1] in "_'\u2019.-"):
        i -= 1
    if i == j or "\n" in text[j:s]:
        return None
    return text[i:j]


@dataclass(frozen=True, slots=True)
class MissingArticle:
    start: int
    end: int
    entity: Entity
    quoted: bool


def missing_articles(doc: Doc) -> list[MissingArticle]:
    """Names that need ``the`` used bare as a noun outside headlines."""
    return doc.memo("_mt_missing_articles", _find_missing_articles)


def _find_missing_articles(d: Doc) -> list[MissingArticle]:
    text = d.text
    out: list[MissingArticle] = []
    for h in entity_hits(d):
        ent = h.entity
        if not ent.needs_the:
            continue
        s, e = h.start, h.end
        prev = _previous_token(text, s)
        if prev is not None and prev.lower() in _DETERMINERS:
            continue
        if (
            prev is not None
            and prev[:1].isupper()
            and not _sentence_start(d, s)
            and prev.lower() not in _PREPOSITIONS
            and prev.lower() not in _EN_FUNCTION_WORDS
        ):
            continue  # part of a longer capitalised name
        rest = text[e : e + 40]
        nxt = rest[:1]
        flag = False
        if nxt in ("'", "\u2019"):
            flag = True  # possessive: "Netherlands' decision"
        elif nxt == "" or nxt in '.,;:!?)\u201d"':
            flag = (
                prev is None
                or prev.lower() in _PREPOSITIONS
                or _sentence_start(d, s)
                or prev.lower() in _VERBS_AFTER
            )
        else:
            nm = _NEXT_WORD.match(rest)
            if nm:
                w = nm.group(1)
                if w[:1].isupper():
                    flag = False
                elif w.lower() in _VERBS_AFTER:
                    flag = True
                elif w.lower() in ("and", "or"):
                    flag = prev is not None and prev.lower() in _PREPOSITIONS
        # Headlines drop articles by style (checked last: the costliest test).
        if flag and not _in_headline(d, s):
            out.append(MissingArticle(s, e, ent, _quoted(d, s, e)))
    return out


def _sentence_starts(doc: Doc) -> frozenset[int]:
    return doc.memo("_mt_sentence_starts", _sentence_start_set)


def _sentence_start_set(doc: Doc) -> frozenset[int]:
    return frozenset(map(itemgetter(0), doc.sentences))


def _sentence_start(doc: Doc, offset: int) -> bool:
    return offset in _sentence_starts(doc)


@rule(
    code="MT004",
    name="missing-article",
    category="translation",
    severity="warning",
    fixable=True,
    bad=[
        "⟦United States⟧ said on Friday that Serbia had increased its forces.",
        "Officials in ⟦Netherlands⟧ said the plan would go ahead.",
        {
            "text": "The decision of ⟦European Union⟧ was welcomed.",
            "fixed": "The decision of the European Union was welcomed.",
        },
        "Kosovo has asked the EU to act, but ⟦Kremlin⟧ has not responded.",
    ],
    good=[
        "The United States said on Friday that Serbia had increased its forces.",
        "United States Secretary of State Antony Blinken spoke to President Vucic.",
        "White House spokesman John Kirby told reporters the build-up was unprecedented.",
        "US forces remain in the region, and EU leaders will meet on Monday.",
        "United States warns Serbia over border build-up",
        "NATO Sends More Troops As Netherlands Weighs Its Options",
        "Flights to the Philippines resumed after the Netherlands and the United Kingdom lifted the ban.",
        "He studied in The Hague and later at the University of the Philippines.",
    ],
)
def missing_article(doc: Doc) -> Iterator[Hit]:
    """Name that needs ``the`` used without it (``United States said``).

    Why it matters: languages without articles (Russian, Polish, Finnish,
    Chinese...) leave ``the`` out, and machine translation often follows;
    ``United States said`` or ``in Netherlands`` reads as an error at once.
    Only noun uses are flagged (before a verb or punctuation, after a
    preposition); modifiers such as ``United States officials`` or ``White
    House spokesman``, and headlines or title-case lines, where articles
    are dropped by style, are left alone. Inside quoted speech: ``info``.
    """
    text = doc.text
    for m in missing_articles(doc):
        original = text[m.start : m.end]
        article = "The " if _sentence_start(doc, m.start) else "the "
        yield Hit(
            m.start,
            m.end,
            f"{original!r} needs the article: {article}{original}",
            Fix(article + original, safe=False),
            severity="info" if m.quoted else None,
            data={"name": m.entity.name},
        )


# -- MT003 country or organisation as a person ------------------------------------------

_REPORTING = frozenset(
    [
        "said",
        "says",
        "announced",
        "stated",
        "reported",
        "claimed",
        "warned",
        "added",
        "noted",
        "explained",
        "confirmed",
        "insisted",
        "argued",
        "revealed",
        "declared",
        "indicated",
        "informed",
        "assessed",
        "believes",
        "believed",
        "considers",
        "considered",
        "fears",
        "feared",
        "hopes",
        "hoped",
        "expects",
        "expected",
        "wants",
        "wanted",
        "intends",
        "intended",
        "plans",
        "planned",
        "decided",
        "urged",
        "told",
    ]
)
_PERSON_NOUNS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "president",
        "official",
        "officials",
        "officer",
        "man",
        "woman",
        "boy",
        "girl",
        "leader",
        "chief",
        "secretary",
        "ambassador",
        "envoy",
        "general",
        "commander",
        "premier",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "father",
        "mother",
        "son",
        "daughter",
        "husband",
        "wife",
        "brother",
        "sister",
        "suspect",
        "soldier",
        "journalist",
        "reporter",
        "lawyer",
        "judge",
        "prosecutor",
        "victim",
        "driver",
        "pilot",
        "who",
        "whom",
        "whose",
        "someone",
        "anyone",
        "person",
        "citizen",
        "activist",
        "student",
        "mayor",
        "governor",
        "senator",
        "lawmaker",
        "deputy",
        "chancellor",
        "representative",
        "adviser",
        "advisor",
        "director",
        "head",
        "chairman",
        "chairwoman",
        "negotiator",
        "diplomat",
        "analyst",
        "witness",
        "survivor",
        "player",
        "coach",
        "captain",
        "manager",
        "founder",
        "owner",
        "candidate",
        "doctor",
        "nurse",
        "teacher",
        "priest",
        "bishop",
        "imam",
        "rabbi",
    ]
)
_ORG_WORDS = frozenset(
    [
        "Ministry",
        "Council",
        "Department",
        "Force",
        "Forces",
        "Army",
        "Navy",
        "Office",
        "Agency",
        "Committee",
        "Government",
        "Parliament",
        "Security",
        "National",
        "Defense",
        "Defence",
        "Foreign",
        "Affairs",
        "State",
        "House",
        "Interior",
        "Union",
        "Nations",
        "Republic",
        "Federal",
        "Kingdom",
        "Assembly",
        "Congress",
        "Senate",
        "Commission",
        "Court",
        "Bank",
        "Police",
        "Guard",
        "Service",
        "Services",
        "Command",
        "Alliance",
        "Strip",
        "Bank",
        "Sea",
        "Ocean",
        "Gulf",
        "River",
        "Border",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "North",
        "South",
        "East",
        "West",
        "Central",
        "KFOR",
        "NATO",
        "EU",
        "UN",
        "US",
        "UK",
    ]
)
#: Month names (also the names MT005's date fix writes).
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_TIME_WORDS = frozenset(
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        *_MONTHS,
    ]
)
_SELF_VERBS = frozenset(
    [
        "discovered",
        "found",
        "noticed",
        "observed",
        "detected",
        "learned",
        "learnt",
        "recorded",
        "registered",
        "seen",
        "decided",
        "planned",
        "intended",
        "approved",
        "deployed",
        "sent",
        "withdrawn",
        "withdrew",
        "imposed",
        "recognized",
        "recognised",
        "increased",
        "reduced",
        "strengthened",
        "launched",
        "requested",
        "demanded",
        "condemned",
        "welcomed",
        "rejected",
        "agreed",
        "signed",
        "ratified",
        "supported",
        "stationed",
        "mobilized",
        "mobilised",
        "deploy",
        "send",
        "withdraw",
        "impose",
        "recognize",
        "recognise",
        "increase",
        "reduce",
        "strengthen",
        "launch",
        "support",
        "continue",
        "respond",
        "retaliate",
        "expel",
        "summon",
        "summoned",
        "expelled",
        "closed",
        "close",
        "ban",
        "banned",
        "sanction",
        "sanctioned",
        "intends",
        "plans",
        "wants",
        "discover",
        "find",
        "notice",
        "observe",
        "detect",
    ]
)
_AUX = frozenset(
    [
        "had",
        "has",
        "have",
        "would",
        "will",
        "could",
        "can",
        "did",
        "does",
        "also",
        "already",
        "now",
        "then",
        "just",
        "recently",
        "not",
        "further",
    ]
)
_PASSIVE = frozenset(["been", "was", "were", "is", "are", "be", "being"])
_BELONGINGS = frozenset(
    [
        "forces",
        "troops",
        "army",
        "territory",
        "government",
        "borders",
        "border",
        "citizens",
        "embassy",
        "diplomats",
        "allies",
        "airspace",
        "sovereignty",
        "military",
        "soldiers",
        "units",
        "navy",
        "ministry",
        "capital",
        "nationals",
        "own",
    ]
)
_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.-]*|\d[\d.,]*")
#: What may precede the subject in its sentence: an opening adverbial
#: ("On Friday, ") and/or "the".
_SUBJECT_PREFIX = re.compile(r"(?:[^,.;:!?\n]{1,60},\s+)?(?:[Tt]he\s+)?")
_PRONOUNS = {"he": "it", "she": "it", "him": "it", "his": "its", "her": "its"}
_PRONOUN_RE = re.compile(r"\b(?:he|she|him|his|her)\b")
_REPORTING_RE = re.compile(r"\b(?:" + "|".join(sorted(_REPORTING)) + r")\b")


def _person_evidence(tokens: list[str], place_words: frozenset[str], first_is_start: bool = False) -> bool:
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in _PERSON_NOUNS:
            return True
        if tok[:1].isupper() and not (i == 0 and first_is_start and low in _EN_FUNCTION_WORDS):
            base = tok.rstrip(".").replace("\u2019s", "").replace("'s", "")
            if base in place_words or base in _ORG_WORDS or base in _TIME_WORDS or base.isupper():
                continue
            return True
    return False


@dataclass(frozen=True, slots=True)
class PersonifiedEntity:
    start: int
    end: int
    pronoun: str
    entity: Entity
    subject_start: int


def _sentence_index(doc: Doc, offset: int) -> int:
    """Index into ``doc.sentences`` of the sentence holding ``offset`` (-1
    if none)."""
    k = bisect_right(doc.sentences, (offset, _INF)) - 1
    if k >= 0 and offset < doc.sentences[k][1]:
        return k
    return -1


def personified_entities(doc: Doc) -> list[PersonifiedEntity]:
    return doc.memo("_mt_personified", _find_personified)


def _find_personified(d: Doc) -> list[PersonifiedEntity]:
    text = d.text
    hits = entity_hits(d)
    if not hits:
        return []
    _, place_words = _entity_tables()
    missing: set[int] | None = None
    out: list[PersonifiedEntity] = []
    done: set[int] = set()
    sentences = d.sentences
    for start, end, ent in hits:
        k = bisect_right(sentences, (start, _INF)) - 1  # the sentence holding the name
        if k < 0 or start >= sentences[k][1] or k in done:
            continue
        s, e = sentences[k]
        if start - s > 70 or end > e:
            continue
        if not _SUBJECT_PREFIX.fullmatch(text, s, start):
            continue  # not the subject at the start of its sentence
        done.add(k)
        # What follows only filters: cheap and selective tests first. No
        # pronoun after the name means none after the verb either.
        if _PRONOUN_RE.search(text, end, e) is None:
            continue
        # a reporting verb within ~eight words, no person in between
        vm = _REPORTING_RE.search(text, end, min(e, end + 90))
        if vm is None:
            continue
        pm = _PRONOUN_RE.search(text, vm.end(), e)
        if pm is None:
            continue
        first = _TOKEN.search(text, end, e)
        if first and first.group()[:1].isupper() and first.group() not in _TIME_WORDS:
            continue  # part of a longer name ("Israel Adesanya")
        if _person_evidence(_TOKEN.findall(text, end, vm.start()), place_words):
            continue
        word = pm.group()
        if _person_evidence(_TOKEN.findall(text, vm.end(), pm.start()), place_words):
            continue
        if _in_headline(d, s):
            continue
        if missing is None:
            missing = {m.start for m in missing_articles(d)}
        corroborated = start in missing
        if not corroborated:
            if k > 0 and _same_paragraph(d, sentences[k - 1][0], s):
                ps, pe = sentences[k - 1]
                if _person_evidence(_TOKEN.findall(text, ps, pe), place_words, first_is_start=True):
                    continue
            after = [t.lower() for t in _TOKEN.findall(text, pm.end(), min(e, pm.end() + 60))[:5]]
            if word in ("he", "she"):
                n = 0
                while n < len(after) and after[n] in _AUX:
                    n += 1
                passive = (n > 0 and after[n - 1] in _PASSIVE) or (n < len(after) and after[n] in _PASSIVE)
                corroborated = not passive and n < len(after) and after[n] in _SELF_VERBS
            else:
                corroborated = bool(after) and after[0] in _BELONGINGS
        if corroborated:
            out.append(PersonifiedEntity(pm.start(), pm.end(), word, ent, start))
    return out


def _same_paragraph(doc: Doc, a: int, b: int) -> bool:
    """Paragraphs are lines: no line break between ``a`` and ``b``."""
    return "\n" not in doc.text[a:b]


@rule(
    code="MT003",
    name="country-as-person",
    category="translation",
    severity="warning",
    fixable=True,
    bad=[
        "United States said on Friday that ⟦he⟧ had discovered that Serbia had increased its forces.",
        "The Kremlin said on Monday that ⟦he⟧ would respond to the sanctions.",
        {
            "text": "Serbia said ⟦his⟧ forces would stay at the border.",
            "fixed": "Serbia said its forces would stay at the border.",
        },
    ],
    good=[
        "The United States said on Friday that it had discovered that Serbia had increased its forces.",
        "Russia said he had been expelled for spying.",
        "The ministry said President Vucic had ordered the withdrawal and that he would visit the border.",
        "Smith resigned last week. The company said he had decided to leave.",
        "Kirby was asked about the troops. The United States said he had decided nothing yet.",
        "Israel Adesanya said he had decided to retire.",
    ],
)
def country_as_person(doc: Doc) -> Iterator[Hit]:
    """Country or organisation referred to as ``he``/``she``.

    Why it matters: languages without grammatical distinction between ``it``
    and ``he`` (or with subject drop, like Finnish) make machine translation
    write ``United States said on Friday that he had discovered…``. Flagged
    when a country/organisation is the subject of a reporting verb and a
    later ``he``/``she``/``his``/``her`` in the same sentence refers back to
    it with no person named in between, and there is corroboration: the
    name lacks its article, the pronoun is the agent of the country's own
    action (``he had discovered``, ``he would respond``), or ``his``/``her``
    owns the country's things (``his forces``). Passives and a person in the
    preceding sentence keep it quiet.
    """
    for p in personified_entities(doc):
        yield Hit(
            p.start,
            p.end,
            f"{p.pronoun!r} refers back to {p.entity.name!r}, a country or organisation: use {_PRONOUNS[p.pronoun]!r}",
            Fix(_PRONOUNS[p.pronoun], safe=False),
            data={"subject": p.entity.name, "subject_start": p.subject_start},
        )


# -- MT001 garbled attribution ---------------------------------------------------------

_ROLE = (
    r"(?:spokes(?:man|woman|person)|minister|secretary|official|representative|ambassador|president|chief|"
    r"director|chairman|chairwoman|leader|commander|envoy|adviser|advisor)"
)
_NAME = r"[A-Z][\w'\u2019.-]*+(?:\s++[A-Z][\w'\u2019.-]*+){0,3}"
#: Every check starts from an occurrence of "according to".
_ACCORDING = re.compile(r"ccording\s+to\b")  # "A"/"a" checked after
#: ``_ACCORDING`` is tried where ``_scan`` saw this (case-folded) word.
_ACCORDING_HINT = "ccording"
#: Not an attribution: "according to plan", "according to which".
_NOT_ATTRIBUTION = re.compile(
    r"\s+(?:which|whom|plan|schedule|the\s+plan|the\s+law|law|tradition|the\s+rules|rules|the\s+constitution|"
    r"custom|protocol)\b"
)
#: "<Org> spokesman by <Name> " right before "according to" (Finnish
#: "X:n tiedottajan Y:n mukaan", Turkish "X sözcüsü Y'ye göre").
#: The word before the role: an article, a capitalised name, or a
#: lower-case institution noun ("the agriculture ministry spokesman by …").
_ROLE_OWNER = (
    r"(?:\b(?:the|a|ministry|government|agency|office|department|council|police|army|military|party|company|"
    r"union|embassy|committee|commission|court|parliament|presidency|alliance)|\b[A-Z][\w.&-]{0,30})"
)
_ROLE_BY_NAME = re.compile(rf"{_ROLE_OWNER}\s{{1,3}}(?P<span>{_ROLE}\s++by\s++{_NAME}\s++)$")
#: A capitalised word right before "according to" ...
_NAME_BEFORE = re.compile(r"\b[A-Z][\w'\u2019-]{0,40}\s{1,3}$")
#: ... and a new subject with its verb right after it.
_NEW_SUBJECT_AFTER = re.compile(
    r"\s++(?:the\s++)?[A-Z][\w'\u2019.-]*+(?:\s++[A-Z][\w'\u2019.-]*+){0,3}\s++"
    r"(?:will|would|has|have|is|are|was|were|had|plans|intends|wants|can|could|must|should|said|says)\b"
)
_CLOSING_TAG = re.compile(r",[\u201d\"']?\s+(?:he|she) (?:said|added|stated)[.!?]?[\u201d\"']?")
#: ``_CLOSING_TAG`` can only match where the folded text has one of these
#: (``_scan`` reports them).
_SAID_HINTS = frozenset(("he said", "he added", "he stated"))
_OPENING_SAID = re.compile(r"\b(?:said|says|stated)(?=\s+that\b|\s*[,:]|\s+[\u201c\"])")


@dataclass(frozen=True, slots=True)
class Garbled:
    start: int
    end: int
    kind: str
    message: str


def garbled_attributions(doc: Doc) -> list[Garbled]:
    return doc.memo("_mt_garbled", _find_garbled)


def _find_garbled(d: Doc) -> list[Garbled]:
    text = d.text
    out: list[Garbled] = []
    # "according to"s left for the doubled-attribution check: (a, b,
    # sentence index). Whether they are in a headline is only looked up
    # (the costly test) when there are two.
    plain: list[tuple[int, int, int]] = []
    # Where the family's scan saw "ccording" (any case): the same matches as
    # ``_ACCORDING.finditer`` (two cannot overlap) without another scan.
    for i in _scan(d).hints.get(_ACCORDING_HINT, ()):
        m = _ACCORDING.match(text, i)
        if m is None:
            continue
        a, b = i - 1, m.end()
        if a < 0 or text[a] not in "Aa" or (a > 0 and text[a - 1].isalnum()):
            continue
        if d.in_quote(a) or _NOT_ATTRIBUTION.match(text, b):
            continue
        k = _sentence_index(d, a)
        if k < 0:
            continue
        window = max(d.sentences[k][0], a - 160)
        # Both patterns need text before "according to" in its sentence
        # (none when the sentence starts with it, as it often does).
        rb = _ROLE_BY_NAME.search(text, window, a) if window < a else None
        if rb is not None:
            kind = "role-by-name"
        elif window < a and _NAME_BEFORE.search(text, max(window, a - 45), a) and _NEW_SUBJECT_AFTER.match(text, b):
            kind = "according-new-subject"
        else:
            plain.append((a, b, k))
            continue
        if _in_headline(d, a):
            continue
        if rb is not None:
            out.append(
                Garbled(
                    rb.start("span"),
                    b,
                    kind,
                    "garbled attribution: source-language word"
                    " order (write \u201caccording to <organisation> <role> <name>,\u201d)",
                )
            )
        else:
            out.append(Garbled(a, b, kind, "garbled attribution: \u201caccording to\u201d runs into a new subject"))
    per_sentence: dict[int, list[tuple[int, int]]] = {}
    if len(plain) > 1:  # one alone is never doubled
        for a, b, k in plain:
            if not _in_headline(d, a):
                per_sentence.setdefault(k, []).append((a, b))
    for spans in per_sentence.values():
        for a, b in spans[1:]:
            out.append(
                Garbled(
                    a, b, "double-according", "doubled attribution: \u201caccording to\u201d twice in one sentence"
                )
            )
    tags = _CLOSING_TAG.finditer(text) if not _SAID_HINTS.isdisjoint(_scan(d).hints) else ()
    for tag in tags:
        k = _sentence_index(d, tag.start())
        if k < 0:
            continue
        s, e = d.sentences[k]
        if tag.end() != e or d.in_quote(tag.start() + 1) or _in_headline(d, s):
            continue
        opening = next((m for m in _OPENING_SAID.finditer(text, s, tag.start()) if not d.in_quote(m.start())), None)
        if opening is None:
            continue
        ts = tag.start() + 1
        while ts < tag.end() and not text[ts].isalpha():
            ts += 1
        te = tag.end()
        while te > ts and not text[te - 1].isalpha():
            te -= 1
        out.append(Garbled(ts, te, "double-said", "doubled attribution: the sentence already says who said it"))
    out.sort(key=lambda g: g.start)
    return out


@rule(
    code="MT001",
    name="garbled-attribution",
    category="translation",
    severity="warning",
    bad=[
        "NATO ⟦spokesman by Dylan White according to⟧ Britain will send around 200 soldiers to the area.",
        "The agriculture ministry ⟦spokesman by Anna Kowalska according to⟧ the government will pay 2 million.",
        "The soldiers are coming, said Dylan White ⟦according to⟧ Britain will send 200 more.",
        "According to the spokesperson, more troops are coming, ⟦according to⟧ NATO.",
        "Kirby said that the troops would stay, ⟦he said⟧.",
    ],
    good=[
        "According to NATO spokesman Dylan White, Britain will send around 200 soldiers.",
        "Britain will send around 200 soldiers, according to NATO spokesman Dylan White.",
        "The man was hit on the head by John Smith according to police.",
        "The operation went according to plan, according to the army.",
        "Putin told Erdogan that Russia would respond, the Kremlin said.",
        "\u201cWe will stay,\u201d Kirby said. \u201cNothing has changed,\u201d he said.",
        "She was appointed minister by President Macron in May.",
        "Smith said the plan \u201cis dead,\u201d adding that \u201cnobody said otherwise.\u201d",
    ],
)
def garbled_attribution(doc: Doc) -> Iterator[Hit]:
    """Attribution left in the source language's word order.

    Why it matters: postpositional attributions (Finnish ``X:n mukaan``,
    Turkish ``X'e göre``) come out of machine translation as ``NATO
    spokesman by Dylan White according to Britain will send…``; doubled
    attributions (``according to`` twice, ``Kirby said that…, he said``)
    come from pipelines that add the source's attribution to an already
    attributed sentence. Either way the reader cannot tell who said what.
    Quoted speech is not judged.
    """
    for g in garbled_attributions(doc):
        yield Hit(g.start, g.end, g.message, data={"kind": g.kind})


# -- MT005 numbers in a source-language format --------------------------------------------

_UNIT = (
    r"(?:%|percent\b|per\s+cent\b|billion\b|million\b|trillion\b|thousand\b|bn\b|mln\b|bln\b|mld\b|mlrd\b|mio\b|"
    r"mrd\b|km\b|kilomet\w*|met(?:re|er)s?\b|kg\b|kilo\w*|tonnes?\b|tons?\b|degrees?\b|\u00b0|euros?\b|dollars?\b|"
    r"pounds?\b|r[ou]*bles?\b|hryvnias?\b|zlotys?\b|points?\b|times\b|hours?\b|years?\b|months?\b|litres?\b|liters?\b)"
)
_NB = r"(?<![\w.,/:#-])"  # a number starts here, not inside a token
_L = r"[^\W\d_]"  # a letter (stdlib re has no \p{L})
# Every alternative starts after the first digit, which the shared prefix
# consumes: a leading character class lets the regex engine skip ahead to
# digits instead of trying each position (several times faster). The
# look-behind after it checks the character before that digit (a number
# starts here, not inside a token); ``(?<=d)`` constrains the first digit.
# Group spans therefore start one character late (see ``_kind_span``).
_NUMBERS = re.compile(
    r"(?i)[0-9](?<![\w.,/:#-].)(?:"
    # 1.234,56: dotted thousands with a decimal comma
    r"(?P<dotcomma>\d{0,2}(?:\.\d{3})++,\d{1,2})(?![\d.,]?\d)"
    # 2,5 billion / 7,3%: decimal comma before a unit; 0,5 on its own
    r"|(?P<deccomma>\d{0,2},\d{1,2})(?![\d,])(?=\s*+" + _UNIT + r")"
    r"|(?<=0)(?P<zerocomma>,\d{1,3})(?![\d,])"
    # 1.234.567: dotted thousands, two or more groups
    r"|(?<=[1-9])(?P<dotmulti>\d{0,2}(?:\.\d{3}){2,})(?![\d.]?\d)"
    # 1.500 flats: one group of round thousands before a word
    r"|(?<=[1-9])(?P<dotone>\d{0,2}\.\d00)(?![\d.,]?\d)(?=\s++(?P<noun>" + _L + r"++))"
    # 50 000 people: spaced thousands
    r"|(?<=[1-9])(?<!\d[ \u00a0\u202f].)(?P<spaced>\d{0,2}(?:[ \u00a0\u202f]\d{3})++)(?![\d.,]?\d)"
    r"(?=\s*+(?:" + _L + r"|%|[$\u20ac\u00a3]))"
    # 50 thousand
    r"|(?P<thousand>\d*+(?:[.,]\d++)?\s++thousand)(?!" + _L + r"|-)"
    # 24.09.2023: day.month.year
    r"|(?P<date>(?:(?<=0)[1-9]|(?<=[12])\d|(?<=3)[01]|(?<=[1-9]))\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d)(?![\d.]?\d)"
    # 15 o'clock: 24-hour clock with o'clock
    r"|(?P<clock>(?:(?<=1)[3-9]|(?<=2)[0-4])\s++o['\u2019]clock)\b"
    r")"
)
# 5 mln, 3 mld, 2 Mrd.: after a digit; only searched for when the folded
# text contains one of the hints (plain substring checks).
_NUMBER_ABBR = re.compile(r"(?i)\d\s?(?P<abbr>mln|bln|mld|mlrd|mio|mrd|tys|thous|ths)(?!\w)")
_ABBR_HINTS = frozenset(("mln", "bln", "mld", "mlrd", "mio", "mrd", "tys", "thous.", "ths."))
#: Words whose presence in the folded text ``_scan`` reports: the abbreviation
#: hints, and ``thousand``/``o'clock`` for ``_numbers_possible`` (``(?i)``
#: lets ``s`` be ``\u017f``, which lower-casing keeps).
_WORD_NUMBER_HINTS = frozenset(("thousand", "thou\u017fand", "o'clock"))
_NUMBER_HINTS = _ABBR_HINTS | _WORD_NUMBER_HINTS
# 100 EUR-sign / 100$: currency symbol after the amount. One pattern per
# symbol, each searched only when the symbol occurs at all (``in``): a
# literal first character is a fast scan, a character class is not.
_CURRENCY_SYMBOLS = "\u20ac$\u00a3\u20bd\u20b4"
_CURRENCY_AFTER = {
    sym: re.compile(r"(?P<cursym>" + re.escape(sym) + r")(?:(?<=\d.)|(?<=\d\s.))(?![\d\w])") for sym in _CURRENCY_SYMBOLS
}

# -- the cheap gate in front of ``_NUMBERS`` and ``_NUMBER_ABBR``
#
# On clean English most articles have numbers but none in a source format,
# and ``_NUMBERS``/``_NUMBER_ABBR`` (stdlib ``re``, which tries every digit)
# cost more than all the rest of MT005. ``_NUMBER_GATE`` is a necessary
# condition, searched with the ``regex`` module (much faster at skipping to
# an ASCII digit): when it finds nothing, neither pattern can match. Each
# branch is a loosened copy of a ``_NUMBERS`` alternative:
#
# * ``\d`` is the ``regex`` module's (a superset of ``re``'s: checked over
#   every code point by the tests), ``_GATE_SPACE`` adds ``re``'s extra
#   ``\s`` characters (``\x1c``-``\x1f``) to ``regex``'s ``\s``;
# * negative look-arounds only use ASCII digits (``[0-9]``), which ``re``'s
#   ``\d`` contains, so they never reject more than the original;
# * ``(?i)`` letters are spelled out with every character ``re`` matches
#   them to (``s``: ``\u017f``, ``i``: ``\u0130``/``\u0131``);
# * a number starts at an ASCII digit that no ASCII letter, digit or
#   ``_.,/:#-`` precedes (``re``'s look-behind forbids more).
#
# ``thousand`` and ``o'clock`` are found as plain substrings of the folded
# text instead (see ``_numbers_possible``). tests/test_translation.py holds
# the gate against the plain patterns on generated text.
_GATE_SPACE = r"[\s\x1c-\x1f]"
_NUMBER_GATE = regex.compile(
    r"[0-9](?<![0-9A-Za-z_.,/:#-][0-9])(?:"
    r"(?<=0),\d{1,3}(?![0-9,])"  # zerocomma
    r"|\d{0,2}(?:"
    r"\.(?:\d{3}[.,]\d"  # dotcomma, dotmulti
    r"|\d00" + _GATE_SPACE + r"|"  # dotone
    r"[0-9]{1,2}\.(?:19|20)\d\d)"  # date
    r"|,\d{1,2}(?![0-9,])"  # deccomma
    r"|[ \u00a0\u202f]\d{3}(?![0-9])"  # spaced
    r"))"
)
# ``\d\s?(?:mln|...)`` from an ASCII digit (consumed to the end of its run,
# so each run is tried once), or from any other digit. Two patterns: one
# starting with an alternation would not skip ahead fast.
_GATE_ABBR = (
    _GATE_SPACE + r"?(?:[Mm](?:[Ll](?:[NnDd]|[Rr][Dd])|[Ii\u0130\u0131][Oo]|[Rr][Dd])|[Bb][Ll][Nn]"
    r"|[Tt](?:[Yy][Ss\u017f]|[Hh](?:[Oo][Uu])?[Ss\u017f]))"
)
_ABBR_GATES = (
    regex.compile(r"[0-9](?<![0-9][0-9])[0-9]*+" + _GATE_ABBR),
    regex.compile(r"[^\x00-\x7f](?<=\d)" + _GATE_ABBR),
)
_DECIMAL_UNITS = frozenset(
    [
        "percent",
        "per",
        "points",
        "point",
        "percentage",
        "times",
        "seconds",
        "second",
        "metres",
        "meters",
        "m",
        "km",
        "kg",
        "g",
        "mm",
        "cm",
        "litres",
        "liters",
        "degrees",
        "miles",
        "mile",
        "feet",
        "foot",
        "inches",
        "inch",
        "pounds",
        "grams",
        "gram",
        "ounces",
        "kilograms",
        "kilogram",
        "tonnes",
        "tonne",
        "tons",
        "ton",
        "hours",
        "minutes",
        "goals",
        "runs",
        "yards",
    ]
)
#: Letters that case-insensitive matching equates with ASCII ones but that
#: lower-case to something else ("MİO", "mıo", "tyſ" match the patterns).
_CASE_VARIANTS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_ABBR = {
    "mln": ("million", "info", ("pl", "ru", "uk", "it", "bg", "ro")),
    "bln": ("billion", "info", ("ru", "uk", "bg", "pl")),
    "mld": ("billion", "warning", ("pl", "it", "cs", "sk")),
    "mlrd": ("billion", "warning", ("ru", "uk", "lv", "lt")),
    "mio": ("million", "warning", ("de", "nl")),
    "mrd": ("billion", "warning", ("de", "nl")),
    "tys": ("thousand", "warning", ("pl",)),
    "thous": ("thousand", "warning", ("ru", "uk")),
    "ths": ("thousand", "warning", ("ru", "uk")),
}
_KIND_LANGS = {
    "dotcomma": ("de", "it", "es", "pt", "nl", "tr", "id", "da"),
    "deccomma": ("de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "cs", "sv", "fi", "tr"),
    "zerocomma": ("de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "cs", "sv", "fi", "tr"),
    "dotmulti": ("de", "it", "es", "pt", "nl", "tr", "id", "da"),
    "dotone": ("de", "it", "es", "pt", "nl", "tr", "id", "da"),
    "spaced": ("fr", "ru", "pl", "uk", "cs", "sv", "fi", "no"),
    "thousand": ("pl", "ru", "uk", "cs", "fi"),
    "cursym": ("de", "fr", "it", "es", "pl", "ru", "uk"),
    "date": ("de", "ru", "pl", "cs", "fi", "uk", "tr", "no"),
    "clock": ("de", "ru", "pl", "fr", "fi"),
}
_KIND_MESSAGES = {
    "dotcomma": "number in continental format (dotted thousands, decimal comma)",
    "deccomma": "decimal comma: English uses a decimal point",
    "zerocomma": "decimal comma: English uses a decimal point",
    "dotmulti": "dotted thousands separator: English uses commas",
    "dotone": "dotted thousands separator: English uses commas",
    "spaced": "space as thousands separator: English uses commas",
    "thousand": "numeral + 'thousand': English news writes the figure",
    "cursym": "currency symbol after the amount: English puts it first",
    "date": "day.month.year date: write the month name",
    "clock": "24-hour time with o'clock",
}


@dataclass(frozen=True, slots=True)
class NumberIssue:
    start: int
    end: int
    kind: str
    message: str
    languages: tuple[str, ...]
    severity: str
    fix: Fix | None


def _thousand_fix(num: str) -> Fix | None:
    if "," in num:
        return None
    try:
        value = float(num) * 1000
    except ValueError:
        return None
    if value != int(value):
        return None
    return Fix(f"{int(value):,}", safe=True)


def _numbers_possible(text: str, low: str, hints: Mapping[str, list[int]]) -> bool:
    """False only when ``_NUMBERS`` cannot match ``text``: the gate above, or
    ``thousand``/``o'clock`` after a digit and spaces (``low``: the folded
    text, which holds every ``(?i)`` spelling of them as one of the hint
    words; ``hints``: where ``_scan`` saw those)."""
    if _NUMBER_GATE.search(text) is not None:
        return True
    for word in _WORD_NUMBER_HINTS:
        for p in hints.get(word, ()):
            j = p
            while j > 0 and low[j - 1].isspace():  # re's \s
                j -= 1
            if 0 < j < p and low[j - 1].isdecimal():  # re's \d
                return True
    return False


def _abbr_possible(text: str) -> bool:
    """False only when ``_NUMBER_ABBR`` cannot match ``text``."""
    return any(gate.search(text) for gate in _ABBR_GATES)


def _kind(m: Any) -> str:
    kind = m.lastgroup
    return "dotone" if kind == "noun" else kind


def number_issues(doc: Doc) -> list[NumberIssue]:
    return doc.memo("_mt_numbers", _find_number_issues)


def _find_number_issues(d: Doc) -> list[NumberIssue]:
    if not _english(d):
        return []
    text = d.text
    hints = _scan(d).hints
    matches: list[tuple[tuple[int, int], str, Any]] = []
    if _numbers_possible(text, _langid.folded(d), hints):
        matches = [((m.start(_kind(m)) - 1, m.end(_kind(m))), _kind(m), m) for m in _NUMBERS.finditer(text)]
    for sym in _CURRENCY_SYMBOLS:
        if sym in text:
            matches += [(m.span("cursym"), "cursym", m) for m in _CURRENCY_AFTER[sym].finditer(text)]
    if not _ABBR_HINTS.isdisjoint(hints) and _abbr_possible(text):
        matches += [(m.span("abbr"), "abbr", m) for m in _NUMBER_ABBR.finditer(text)]
    if not matches:
        return []
    out: list[NumberIssue] = []
    matches.sort(key=lambda x: x[0])
    for (s, e), kind, m in matches:
        value = text[s:e]
        severity = "warning"
        fix: Fix | None = None
        langs = _KIND_LANGS.get(kind, ())
        message = _KIND_MESSAGES.get(kind, "")
        if kind == "dotone":
            noun = m.group("noun").lower()
            if noun in _DECIMAL_UNITS:
                continue
            fix = Fix(value.replace(".", ","), safe=False)
        elif kind == "dotmulti":
            groups = value.split(".")
            if len(groups) == 4 and all(int(g) <= 255 for g in groups):
                continue  # an IP address
            fix = Fix(value.replace(".", ","), safe=False)
        elif kind in ("deccomma", "zerocomma"):
            fix = Fix(value.replace(",", "."), safe=False)
        elif kind == "dotcomma":
            fix = Fix(value.replace(".", "\x00").replace(",", ".").replace("\x00", ","), safe=False)
        elif kind == "spaced":
            fix = Fix(regex.sub(r"[ \u00a0\u202f]", ",", value), safe=False)
        elif kind == "thousand":
            fix = _thousand_fix(value.split()[0])
        elif kind == "abbr":
            entry = _ABBR.get(value.lower()) or _ABBR.get(value.translate(_CASE_VARIANTS).lower())
            if entry is None:
                continue
            word, severity, langs = entry
            # Take a following abbreviation dot along when the sentence goes on.
            if e < len(text) and text[e] == "." and regex.match(r"\.\s+[\p{Ll}\d]", text[e : e + 3]):
                e += 1
            message = f"source-language abbreviation {value!r}: write {word!r}"
            fix = Fix(word, safe=True)
        elif kind == "date":
            day, month, year = value.split(".")
            message = f"day.month.year date: write {int(day)} {_MONTHS[int(month) - 1]} {year}"
        if _quoted(d, s, e):
            severity = "info"
        out.append(NumberIssue(s, e, kind, message, langs, severity, fix))
    return out


@rule(
    code="MT005",
    name="source-number-format",
    category="translation",
    severity="warning",
    fixable=True,
    bad=[
        "The state will invest ⟦2,5⟧ billion in the grid.",
        "Inflation rose to ⟦7,3⟧ percent in May.",
        "The city built ⟦1.500⟧ flats last year.",
        "Some ⟦50 000⟧ people marched on Sunday.",
        {
            "text": "About ⟦50 thousand⟧ ethnic Serbs live in the north.",
            "fixed": "About 50,000 ethnic Serbs live in the north.",
        },
        {"text": "The fund holds 5 ⟦mld⟧ zloty.", "fixed": "The fund holds 5 billion zloty."},
        "The attack happened on ⟦24.09.2023⟧ near the border.",
        "Tickets cost 20 ⟦\u20ac⟧ at the door.",
        "The meeting starts at ⟦15 o'clock⟧ in the town hall.",
    ],
    good=[
        "Around 50,000 Serbs live in northern Kosovo, about 1.8 million people in all.",
        "Growth slowed to 3.5% from 2,500 jobs a month; the index stood at 1,234.5.",
        "Kosovo has about 1.8 million inhabitants and 3,400 KFOR soldiers.",
        "Tens of thousands marched; several thousand stayed overnight.",
        "The train leaves at 14.30 and the 1.500 metres race starts at 3.15pm.",
        "The server at 192.168.100.100 went down; version 2.1.0 fixes it.",
        "The fine was $1,500, or about \u20ac1,400, in 2023.",
        "In 2022, 500 people applied and 1,200 more in 2023.",
        "She scored 10 points; the ratio fell to 1.250 percent.",
    ],
)
def source_number_format(doc: Doc) -> Iterator[Hit]:
    """Number, date or currency written in the source language's format.

    Why it matters: ``2,5 billion`` (decimal comma), ``1.500 flats`` (dotted
    thousands), ``50 000`` (spaced thousands), ``50 thousand``, ``mln``/
    ``mld``/``Mrd``, ``20 €`` and ``24.09.2023`` are continental or Slavic
    conventions that MT copies verbatim; in English ``1.500`` reads as one
    and a half. English forms (``50,000``, ``3.5%``, ``1.8 million``,
    ``1,234.5``) are never flagged; times such as ``14.30`` are left alone
    because British style writes them that way. The fix rewrites the figure
    (safe only for unambiguous cases such as ``50 thousand`` → ``50,000``).
    """
    for n in number_issues(doc):
        yield Hit(
            n.start,
            n.end,
            n.message,
            n.fix,
            severity=None if n.severity == "warning" else n.severity,
            data={"kind": n.kind, "languages": list(n.languages)},
        )


# -- source-language annotator ----------------------------------------------------------

#: Languages without articles: evidence behind a missing "the".
_ARTICLELESS = ("ru", "uk", "pl", "cs", "fi", "zh", "ja", "tr")
_POSTPOSITIONAL = ("fi", "tr", "ja", "ko", "hu", "et")
#: Evidence weight by severity of the artifact.
_WEIGHT = {"error": 1.5, "warning": 1.0, "info": 0.5}


def _evidence(doc: Doc) -> Iterable[tuple[tuple[str, ...], float, str, int, str]]:
    """(languages, weight, rule, offset, text) for every artifact found."""
    text = doc.text
    for m in calque_matches(doc):
        yield m.entry.languages, _WEIGHT[m.entry.severity], "MT002", m.start, text[m.start : m.end]
    for n in number_issues(doc):
        yield n.languages, 0.5, "MT005", n.start, text[n.start : n.end]
    for a in missing_articles(doc):
        yield _ARTICLELESS, 0.25, "MT004", a.start, text[a.start : a.end]
    for g in garbled_attributions(doc):
        if g.kind in ("role-by-name", "according-new-subject"):
            yield _POSTPOSITIONAL, 0.5, "MT001", g.start, text[g.start : g.end]
    for seg in _langid.analyze(doc).foreign_segments:
        if seg.lang:
            snippet = text[seg.start : seg.end]
            yield (seg.lang,), 3.0, "LG002", seg.start, snippet[:60] + ("\u2026" if len(snippet) > 60 else "")


@annotator("source_language")
def source_language(doc: Doc) -> dict[str, Any] | None:
    """Most likely source language(s) of a translated article, with evidence.

    ``None`` when no artifact points anywhere. Otherwise
    ``{"languages": [{"lang", "name", "score", "evidence": [{"rule",
    "start", "text"}]}]}``, best first, at most three, each with a score of
    at least half the best one. Scores add up artifact weights (warning 1,
    info 0.5, number formats 0.5, a missing article 0.25, an untranslated
    passage detected as that language 3).
    """
    scores: dict[str, float] = {}
    evidence: dict[str, list[dict[str, Any]]] = {}
    for langs, weight, code, start, snippet in _evidence(doc):
        for lang in langs:
            scores[lang] = scores.get(lang, 0.0) + weight
            evidence.setdefault(lang, []).append({"rule": code, "start": start, "text": snippet})
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -len({e["text"].lower() for e in evidence[kv[0]]}), kv[0]))
    best = ranked[0][1]
    out = []
    for lang, score in ranked[:3]:
        if score < best / 2:
            break
        out.append(
            {
                "lang": lang,
                "name": _langid.language_name(lang),
                "score": round(score, 2),
                "evidence": evidence[lang][:10],
            }
        )
    return {"languages": out}
