"""Speed work on the zone classifier keeps its output: ``classify`` gives
the same zone, kind, span and glued debris for every line as the
implementation before the speed work, which is kept here as the reference
(the functions that changed, verbatim, except that the automaton scan is
done naively with ``str.find``).

Texts: every article of the test corpora and examples, the debris rules'
examples, and seeded random articles that mix prose and furniture lines,
cut around every word-count threshold of the classifier, decorated with
quotes, bullets, colons, ellipses, odd whitespace and hint words. Set
``ZONES_FUZZ=N`` to run N random articles instead of the default.
"""

from __future__ import annotations

import json
import os
import random
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.model import Article
from audit.registry import all_rules, parse_example
from audit.text import strip_span
from audit.zones import (
    _AGENCY_CREDIT,
    _BULLETS,
    _BY_STARTS,
    _CAPS_RUN,
    _CAPTION_END,
    _CAPTION_START,
    _CLOSERS,
    _COOKIE,
    _COPYRIGHT,
    _EDGE,
    _GLUED_DATE_FIELD,
    _HAS_PREFIX,
    _HAS_TIME_OR_REL,
    _HOME_WORDS,
    _ISO_FIELD,
    _JAVASCRIPT,
    _NAME,
    _PAGE_DATE,
    _PHOTO_AGENCY_END,
    _PLACEHOLDER_LINE,
    _QUOTES,
    _SELF_DESC,
    _SOCIAL,
    _SOURCE_MARKER,
    _STOP_END,
    _STRONG,
    _TAIL,
    _TEASER,
    _TRAIL_CHARS,
    CONTENT_ZONES,
    H_AGENCY,
    H_COOKIE,
    H_COPY,
    H_CREDIT,
    H_DESK,
    H_JS,
    H_SELF,
    H_SLASH,
    Glued,
    Hit3,
    Lexicon,
    LineZone,
    _breadcrumb_trail,
    _byline,
    _data_lines,
    _date_hint,
    _first_word,
    _is_name_segment,
    _menu,
    _metadata_field,
    _terminal,
    classify,
    ends_sentence,
    lexicon_for,
    normalise,
)

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# The reference: the classifier before the speed work
# ---------------------------------------------------------------------------


def _scan_items(lex: Lexicon) -> list[tuple[str, Any]]:
    """The automaton's keys and values as they were: (length, phrase, bits)."""
    return [(key, (len(key), *value)) for key, value in zip(lex.scan_keys, lex.scan_values)]


@dataclass(slots=True)
class _Line:
    index: int
    start: int
    end: int
    raw: str
    nwords: int
    shape: str  # blank | body | heading | other
    norm: str  # normalised text (lines of at most 40 words), else ""
    hit: Hit3 | None  # (zone, kind, strength)


def _shape(raw: str, nwords: int) -> str:
    """``body`` (a sentence or a long line), ``heading`` (a short line with
    no final punctuation that does not end on a function word, or a short
    question) or ``other`` (a fragment)."""
    term = _terminal(raw)
    starts_quote = raw[0] in _QUOTES
    if term == "?" and nwords <= 10 and not starts_quote:
        return "heading"
    if term and nwords >= 3 or nwords >= 25:
        return "body"
    if term:
        return "other"
    last = raw.rstrip(_CLOSERS + " ")
    if not last or last[-1] in ",;" or nwords > 12 or starts_quote:
        return "other"
    if last.rsplit(None, 1)[-1].lower() in _STOP_END:
        return "other"
    return "heading"



def _intrinsic(
    raw: str, low: str, nwords: int, lex: Lexicon, doc: Doc, at: int, hints: int
) -> tuple[Hit3 | None, str]:
    """What a non-blank line ``raw`` (lower-cased: ``low``; starting at
    offset ``at``; substring ``hints`` from ``_scan``) says about itself,
    before its position is known, and its normalised text when computed.

    Cheap gates first: most body sentences are long, end with a full stop
    and reach only the few sentence-level checks (banners, captions, site
    blurbs, teasers)."""
    first = raw[0]
    starts_quote = first in _QUOTES
    norm = ""
    if nwords <= 6 and "site" in low and _SOURCE_MARKER.fullmatch(raw):
        return ("source-marker", "source-marker", _STRONG), norm
    if (nwords <= 2 or low.startswith("lorem ipsum")) and _PLACEHOLDER_LINE.fullmatch(raw):
        return ("source-marker", "placeholder", _STRONG), norm
    for pattern, zone in lex.patterns:
        try:
            if pattern.fullmatch(raw, timeout=0.05):
                return (zone, "custom", _STRONG), norm
        except TimeoutError:
            continue
    if nwords <= 40 and not starts_quote:
        bare = raw.lstrip(_BULLETS + " ") or raw
        if nwords <= 12:
            norm = normalise(bare)
            p = lex.match_phrase(norm, bare, nwords) if norm else None
            if p is not None:
                return (p.zone, p.kind, _STRONG), norm
        elif nwords <= 25 and _first_word(low) in lex.by_first:
            p = lex.match_phrase(normalise(bare), bare, nwords)
            if p is not None:
                return (p.zone, p.kind, _STRONG), norm
        if nwords <= 16:
            if _date_hint(raw, low) and _PAGE_DATE.fullmatch(raw):
                if _ISO_FIELD.fullmatch(raw):
                    return ("metadata", "field", _STRONG), norm
                strong = _HAS_PREFIX.match(raw) or _HAS_TIME_OR_REL.search(raw)
                return ("dateline", "page-date", _STRONG if strong else _EDGE), norm
            if hints & H_CREDIT and _CAPTION_START.match(bare) or hints & H_SLASH and _AGENCY_CREDIT.match(bare):
                return ("caption", "credit", _STRONG), norm
        if low.startswith(_BY_STARTS) or nwords <= 14 and (hints & H_DESK or nwords <= 3):
            kind = _byline(bare, nwords)
            if kind is not None:
                return ("byline", kind, _STRONG), norm
        if ":" in raw[:32] and _metadata_field(bare, lex):
            return ("metadata", "field", _STRONG), norm
        if nwords <= 20:
            if norm and nwords <= 10 and all(t in _SOCIAL for t in norm.split()):
                return ("widget", "share", _STRONG), norm
            if " / " in raw or not _TRAIL_CHARS.isdisjoint(raw):
                trail = _breadcrumb_trail(raw, lex)
                if trail is not None:
                    return (("footer", "link", _STRONG) if trail == "link" else ("navigation", "trail", _STRONG)), norm
            if _menu(raw, nwords, lex):
                return ("navigation", "menu", _STRONG), norm
            if 2 <= nwords <= 4 and _is_name_segment(raw, 4):
                return ("byline", "name", _NAME), norm
    if nwords <= 30 and not starts_quote and hints & H_COPY:  # noqa: SIM102
        if _COPYRIGHT.search(raw):
            if "\u00a9" in raw and hints & H_CREDIT:
                return ("caption", "credit", _STRONG), norm
            return ("footer", "copyright", _STRONG), norm
    if nwords <= 80 and hints & H_COOKIE:
        m = _COOKIE.search(raw)
        if m and not doc.in_quote(at + m.start()):
            return ("widget", "cookie", _STRONG), norm
    if nwords <= 80 and hints & H_JS:
        m = _JAVASCRIPT.search(raw)
        if m and not doc.in_quote(at + m.start()):
            return ("widget", "javascript", _STRONG), norm
    if nwords <= 60 and (
        hints & H_CREDIT and _CAPTION_END.search(raw)
        or hints & H_SLASH and _AGENCY_CREDIT.search(raw)
        or hints & H_AGENCY and _PHOTO_AGENCY_END.search(raw)
    ):
        return ("caption", "caption", _STRONG), norm
    if (
        nwords <= 40
        and first.isupper()
        and hints & H_SELF
        and ends_sentence(raw)
        and _SELF_DESC.match(raw)
    ):
        return ("footer", "site-blurb", _TAIL), norm
    if nwords >= 3 and not starts_quote and (raw.endswith("...") or raw.endswith("\u2026")):  # noqa: PIE810
        return ("widget", "teaser", _TEASER), norm
    return None, norm


def _scan(doc: Doc, lex: Lexicon) -> tuple[dict[int, Hit3], list[int]]:
    """The automaton scan done naively: every key found with ``str.find``,
    occurrences in the automaton's order (by end, longest first)."""
    low = doc.lower
    starts = [ls for ls, _ in doc.lines]
    hints = [0] * len(starts)
    found: dict[int, Hit3] = {}
    n = len(low)
    occurrences = []
    for key, value in _scan_items(lex):
        at = low.find(key)
        while at != -1:
            occurrences.append((at + len(key) - 1, -len(key), value))
            at = low.find(key, at + 1)
    occurrences.sort(key=lambda o: (o[0], o[1]))
    for end, _, (length, phrase, bits) in occurrences:
        start = end - length + 1
        line = bisect_right(starts, start) - 1
        hints[line] |= bits
        if phrase is None or line in found:
            continue
        if start > 0 and low[start - 1].isalnum() or end + 1 < n and low[end + 1].isalnum():
            continue
        if not doc.in_quote(start):
            found[line] = (phrase.zone, phrase.kind, _STRONG)
    return found, hints


def reference_classify(doc: Doc) -> list[LineZone]:
    """Zones of every line of ``doc`` (use ``doc.zones``, which caches it)."""
    text = doc.text
    lex = lexicon_for(doc)
    contains, hints = _scan(doc, lex)
    lower, exact_lower = doc.lower, "\u0130" not in text
    lines: list[_Line] = []
    for i, (ls, le) in enumerate(doc.lines):
        if ls < le and not text[ls].isspace() and not text[le - 1].isspace():
            s, e = ls, le  # the usual line: nothing to strip
        else:
            s, e = strip_span(text, ls, le)
            if s == e:
                lines.append(_Line(i, s, s, "", 0, "blank", "", None))
                continue
        raw = text[s:e]
        if "  " in raw or "\t" in raw or "\u00a0" in raw:
            nwords = len(raw.split())
        else:
            nwords = raw.count(" ") + 1
        # The line lower-cased: a slice of the shared lower-cased text
        # (equal to ``raw.lower()`` unless the text holds "İ", the one
        # character whose lower case is two characters long).
        low = lower[s:e] if exact_lower else raw.lower()
        hit, norm = _intrinsic(raw, low, nwords, lex, doc, s, hints[i])
        if (hit is None or hit[2] != _STRONG) and i in contains and nwords <= 40 and raw[0] not in _QUOTES:
            hit = contains[i]
        lines.append(_Line(i, s, e, raw, nwords, _shape(raw, nwords), norm, hit))
    return _structure(lines, text, lex)


def _strength(ln: _Line) -> int | None:
    return None if ln.hit is None else ln.hit[2]


def _structure(lines: list[_Line], text: str, lex: Lexicon) -> list[LineZone]:
    """Resolve position-dependent evidence: head, body, tail and lists.

    The lead is the first sentence-like line that is not furniture; the
    content ends at the last sentence-like or fragment line without any
    furniture evidence. Lines before the lead are the head (headline, deck,
    page furniture), lines after the content end are the tail.
    """
    lead = next(
        (
            ln.index
            for ln in lines
            if (ln.shape == "body" or ln.shape == "other" and ln.nwords >= 6)
            and _strength(ln) not in (_STRONG, _TEASER)
        ),
        None,
    )
    last: int | None = None
    if lead is not None:
        last = lead
        for ln in reversed(lines):
            if ln.index <= lead:
                break
            if ln.shape in ("body", "other") and ln.hit is None:
                last = ln.index
                break
    out: list[LineZone] = []
    headline_seen = False
    in_list = False
    for ln in lines:
        i = ln.index
        if ln.shape == "blank":
            out.append(LineZone(i, ln.start, ln.end, "blank", "blank"))
            continue
        head = lead is None or i < lead
        tail = last is not None and i > last
        strength = _strength(ln)
        hit = ln.hit
        if hit is not None and strength == _STRONG:
            zone, kind = hit[0], hit[1]
            if kind.endswith("-list") or (kind == "read-more" and ln.norm in lex.label):
                in_list = True
        elif in_list and not head and (tail or ln.shape != "body"):
            zone, kind = "widget", "list-item"
        elif hit is not None and (
            strength == _TEASER or strength == _EDGE and (head or tail) or strength == _TAIL and tail
        ):
            zone, kind = hit[0], hit[1]
        elif strength == _NAME and head and headline_seen and _next_to_credit(lines, i):
            zone, kind = "byline", "name"
        elif head:
            zone, kind = "headline", "headline"
        elif tail:
            if ln.shape == "heading" or ln.shape == "other" and ln.nwords <= 12:
                zone, kind = "footer", "tail-fragment"
            else:
                zone, kind = "body", "body"
        elif ln.shape == "heading":
            zone, kind = "subheading", "subheading"
        else:
            zone, kind = ("lead", "lead") if i == lead else ("body", "body")
        if ln.shape == "body" and strength != _STRONG and not tail:
            in_list = False
        headline_seen = headline_seen or zone == "headline"
        glued = None
        if zone in CONTENT_ZONES and (lead is None or i <= lead):
            glued = glued_metadata(text, ln.start, ln.end) or glued_breadcrumb(text, ln.start, ln.end, lex)
            if glued is not None and glued.end >= ln.end:
                zone, kind, glued = glued.zone, glued.kind, None
        out.append(LineZone(i, ln.start, ln.end, zone, kind, glued))
    return out


def _next_to_credit(lines: list[_Line], i: int) -> bool:
    """Is a nearest non-blank neighbour of line ``i`` a page date or byline?"""
    for step in (-1, 1):
        k = i + step
        while 0 <= k < len(lines) and lines[k].shape == "blank":
            k += step
        if 0 <= k < len(lines):
            hit = lines[k].hit
            if hit is not None and hit[0] in ("dateline", "byline") and hit[2] in (_STRONG, _EDGE):
                return True
    return False


def glued_breadcrumb(text: str, s: int, e: int, lex: Lexicon) -> Glued | None:
    """``HomeSecurityFlashpointsNATO bolsters…`` → the glued prefix
    ``HomeSecurityFlashpoints``.

    A glue point is a lower-case letter directly followed by an upper-case
    one. The prefix ends at the last glue point in the line's leading run of
    capitalised words; its segments must include a section name (``Home``,
    ``World``, ``Security``…) and, when there is only one, a home link.
    Glue points inside known camel-case names (``iPhone``, ``YouTube``,
    ``McDonald``, ``PlayStation``…) are not boundaries. When nothing but a
    section name follows the prefix, the whole line is navigation.
    """
    m = _CAPS_RUN.match(text, s, min(e, s + 240))
    if not m:
        return None
    run = m.group(0)
    points = [k for k in range(1, len(run)) if run[k].isupper() and run[k - 1].islower()]
    if not points:
        return None
    for brand in lex.brands:
        at = run.find(brand)
        while at != -1:
            points = [k for k in points if not at < k < at + len(brand)]
            if at > 0 and run[at - 1].isalpha() and at not in points:
                points.append(at)  # "HomeTechiPhone": the brand starts a segment
            at = run.find(brand, at + 1)
    if not points:
        return None
    points.sort()
    cut = points[-1]
    bounds = [0, *points]
    segs = [run[a:b].strip() for a, b in zip(bounds, bounds[1:])]  # noqa: RUF007
    if any(len(sg) < 2 for sg in segs):
        return None
    known = [normalise(sg) in lex.sections for sg in segs]
    if not any(known):
        return None
    if len(segs) == 1 and normalise(segs[0]) not in _HOME_WORDS:
        return None
    rest = text[s + cut : e]
    if normalise(rest) in lex.sections:
        return Glued("navigation", "glued-breadcrumb", s, e, e)
    return Glued("navigation", "glued-breadcrumb", s, s + cut, s + cut)


def glued_metadata(text: str, s: int, e: int) -> Glued | None:
    """``date 2023-09-30 NATO said…`` → the glued field ``date 2023-09-30``."""
    m = _GLUED_DATE_FIELD.match(text, s, e)
    if not m:
        return None
    cut = m.end()
    while cut < e and text[cut] in " \t":
        cut += 1
    return Glued("metadata", "field", m.start(), m.end(), cut)


def reference_summary(lines: list[LineZone]) -> tuple[int | None, int | None, int]:
    """``Zones.lead``, ``content_end`` and ``tail_block`` as computed before."""
    lead = next((lz.index for lz in lines if lz.zone == "lead"), None)
    content_end = None
    for lz in reversed(lines):
        if lz.zone in ("lead", "body"):
            content_end = lz.index
            break
    tail_block = len(lines)
    for lz in reversed(lines):
        if lz.zone == "blank":
            continue
        if not lz.is_debris:
            break
        tail_block = lz.index
    return lead, content_end, tail_block


# ---------------------------------------------------------------------------
# Texts
# ---------------------------------------------------------------------------


def _corpus_texts() -> list[str]:
    texts = []
    for folder in (ROOT / "tests" / "corpus", ROOT / "examples"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".txt", ".md"):
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
            elif path.suffix == ".jsonl":
                for row in path.read_text(encoding="utf-8").splitlines():
                    if row.strip():
                        texts.append(json.loads(row).get("text", ""))
    for r in all_rules():
        if r.code.startswith("SD"):
            texts += [parse_example(b).text for b in r.bad] + list(r.good)
    return texts


CORPUS = _corpus_texts()
CORPUS_LINES = sorted({ln.strip() for t in CORPUS for ln in t.splitlines() if ln.strip()})

PROSE = (  # noqa: SIM905
    "the minister said on Monday that talks would continue after a week of protests in the capital "
    "while officials declined to comment on reports about the new budget and the opposition "
    "called for an inquiry into spending by the government which has a narrow majority"
).split()
#: Short furniture tokens: alone or a few together they make bylines,
#: page dates, menus, breadcrumbs, credits, fields and markers.
SHORT = [
    "Home", "World", "Europe", "News", "Sport", "Business", "Opinion", "Politics", "›", "»", "|", "/", " / ", "•",
    "·", ">", "→", "&", "By", "by", "Jane", "Doe", "O'Brien", "Kyung-Hoon", "J.", "and", "van", "de",
    "Updated:", "Published", "12 March 2024", "2023-09-30", "14:32", "3 hours ago", "yesterday", "today",
    "Mon", "Jul 08, 2024", "20.04.2024", "min read", "Photo:", "(Photo: Reuters)", "Image source,", "REUTERS/Kim",
    "AFP/Jane Doe", "Getty Images", "via Getty Images", "Shutterstock", "©", "(c) 2024", "Copyright 2023",
    "All rights reserved", "cookie", "we use cookies", "enable JavaScript", "your browser does not support",
    "is a", "is an independent news", "publication", "covers", "news", "desk", "Desk", "bureau", "correspondent",
    "reporter", "staff", "Staff", "agencies", "Reuters", "AFP", "Xinhua", "editor", "writer", "Tags:", "Author:",
    "date", "source site-12", "[source: site 3]", "{{title}}", "%s", "lorem ipsum", "Lorem ipsum dolor", "TKTK",
    "undefined", "null", "Share", "Facebook", "Twitter", "WhatsApp", "Email", "Print", "Read more:", "ALSO READ |",
    "Related", "Most read", "Sign up", "newsletter", "Follow us", "Advertisement", "Reporting by", "Editing by",
    "(Reporting by Jane Doe;", "editing by Ali Kaya)", "with inputs from", "İzmir", "İ",
    "caf\udce9", "\udcff", "r\udce9porter",  # lone surrogates: undecodable input bytes
    "HomeWorldEurope", "date 2023-09-30", "Posted by admin on", "Posted on April 9, 2024 by admin",
]
DATES = ["12 March 2024", "Saturday 20 April, 2024", "20.04.2024 14:32", "3 hours ago", "Jul 08, 2024 14:32 IST",
         "2023-09-30T10:00:00Z", "April 9, 2024 by admin", "12 Mar 2024 • 4 min read", "yesterday", "Mon 3 June"]
NAMES = ["Jane", "Doe", "Ana", "de", "Souza", "O'Brien", "J.", "Kyung-Hoon", "MARIA", "Costa", "and", "Liam"]
#: The phrase lexicon as written in the data file.
PHRASES = [line.split("\t")[3] for line in _data_lines("debris_lines.tsv")]
FURNITURE = SHORT + PHRASES
THRESHOLDS = [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 24, 25, 26, 29, 30, 31, 39, 40, 41,
              59, 60, 61, 79, 80, 81]
STARTS = ["", "", "", "", "\u201c", '"', "'", "\u00ab", "\u2018", "• ", "- ", "* ", "| ", "» ", "(", "[", " ", "\t"]
ENDS = ["", "", ".", ".", ".", "?", "!", ":", "...", "\u2026", ",", ";", ".\u201d", '."', ")", "]", " ", "\t",
        "\u00a0", " the", " of"]
JOINS = [" ", " ", " ", " ", " ", " ", "  ", "\t", "\u00a0", ", ", ": ", " | ", " / ", " - ", " — "]


def _joined(rng: random.Random, toks: list[str]) -> str:
    line = toks[0]
    for t in toks[1:]:
        line += (rng.choice(JOINS) if rng.random() < 0.2 else " ") + t
    return line


def _random_line(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:  # a corpus line, often cut or padded to a threshold
        words = rng.choice(CORPUS_LINES).split(" ")
        if rng.random() < 0.5:
            n = rng.choice(THRESHOLDS)
            words = words[:n] if len(words) >= n else words + rng.choices(PROSE, k=n - len(words))
        line = " ".join(words)
    elif kind < 0.45:  # a few furniture tokens
        line = _joined(rng, rng.choices(SHORT, k=rng.randint(1, 6)))
    elif kind < 0.55:  # a lexicon phrase, alone or followed by words
        line = rng.choice(PHRASES)
        if rng.random() < 0.5:
            line += rng.choice(JOINS) + " ".join(rng.choices(PROSE + SHORT, k=rng.randint(1, 12)))
    elif kind < 0.6:  # page dates, names, glued heads
        line = rng.choice(
            [
                rng.choice(["", "Updated: ", "Published ", "Mumbai | Updated: ", "Posted on "]) + rng.choice(DATES),
                " ".join(rng.choices(NAMES, k=rng.randint(1, 4))),
                rng.choice(["Home", "HomeWorld", "NewsEurope", "HomeTechiPhone", "HomeNewsCorp", "WorldNews", "HomeÉconomie",
                            "AccueilÉconomieMonde", "HomeWörldEurope", "São PauloNews", "ⅫHomeWorld", "HomeⅫWorld"])
                + " ".join(w.title() for w in rng.choices(PROSE, k=rng.randint(0, 8))),
                rng.choice(["date 2023-09-30 ", "Published: 12/03/2024 ", "updated=2024-01-02 "]) + " ".join(PROSE[:9]),
            ]
        )
    elif kind < 0.65:  # a title-case line: headline, subheading or name
        line = " ".join(w.title() for w in rng.choices(PROSE + SHORT[:30], k=rng.randint(1, 14)))
    else:  # prose with some furniture, at a threshold length
        n = rng.choice(THRESHOLDS)
        furniture = rng.random() * 0.5
        toks = [rng.choice(FURNITURE) if rng.random() < furniture else rng.choice(PROSE) for _ in range(n)]
        toks[0] = toks[0][:1].upper() + toks[0][1:] if rng.random() < 0.7 else toks[0]
        line = _joined(rng, toks)
    return rng.choice(STARTS) + line + rng.choice(ENDS)


def random_article(rng: random.Random) -> str:
    lines = []
    if rng.random() < 0.2:  # a page head: title, a name, a page date
        lines += [
            " ".join(w.title() for w in rng.choices(PROSE, k=rng.randint(3, 9))),
            " ".join(rng.choices(NAMES, k=rng.randint(2, 4))),
            rng.choice(DATES),
        ]
        rng.shuffle(lines)
    for _ in range(rng.randint(1, 24)):
        lines.append(_random_line(rng))
        r = rng.random()
        if r < 0.4:
            lines.append(rng.choice(["", "", "", " ", "\t", "\u00a0"]))
    sep = rng.choice(["\n", "\n", "\n", "\r\n"])
    return sep.join(lines)


CONFIGS = [
    Config(),
    Config(
        lexicons={
            "debris_lines": [{"phrase": "Join the Gazette Club", "zone": "widget", "mode": "start"},
                             "the minister said", {"phrase": "talks would continue", "mode": "contains"}],
            "debris_patterns": [{"pattern": r"Harbour Gazette Ltd.{0,40}", "zone": "footer"}, "(unclosed"],
            "debris_sections": ["Surveillance", "the capital"],
            "debris_fields": ["dossier"],
            "debris_brands": ["NewsCorp"],
        }
    ),
]


# ---------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------


def _as_tuples(lines: Any) -> list[tuple[Any, ...]]:
    return [(lz.index, lz.start, lz.end, lz.zone, lz.kind, lz.glued) for lz in lines]


def assert_same_zones(text: str, config: Config | None = None) -> None:
    new = classify(Doc(Article(id="new", text=text), config))
    ref_lines = reference_classify(Doc(Article(id="ref", text=text), config))
    assert _as_tuples(new) == _as_tuples(ref_lines), text
    assert (new.lead, new.content_end, new.tail_block) == reference_summary(ref_lines), text
    assert _as_tuples(new.debris()) == _as_tuples(lz for lz in ref_lines if lz.is_debris), text


@pytest.mark.parametrize("config", CONFIGS, ids=["default", "configured"])
def test_corpus_and_examples_are_zoned_as_before(config: Config) -> None:
    for text in CORPUS:
        assert_same_zones(text, config)


@pytest.mark.parametrize("config", CONFIGS, ids=["default", "configured"])
def test_random_articles_are_zoned_as_before(config: Config) -> None:
    rng = random.Random(8)
    for _ in range(int(os.environ.get("ZONES_FUZZ", "1500"))):
        assert_same_zones(random_article(rng), config)


_LINE = st.one_of(
    st.sampled_from(CORPUS_LINES),
    st.lists(st.sampled_from(FURNITURE + PROSE + STARTS + ENDS + JOINS), min_size=1, max_size=90).map("".join),
    st.lists(st.sampled_from(FURNITURE + PROSE), min_size=1, max_size=90).map(" ".join),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_LINE, st.sampled_from(["", " ", "\t"])), max_size=16), st.sampled_from(["\n", "\r\n"]))
def test_any_mix_of_lines_is_zoned_as_before(lines: list[str], sep: str) -> None:
    assert_same_zones(sep.join(lines))
