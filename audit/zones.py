"""Zone model: which part of a news page every line of an article is.

Scraped articles carry the page around them: page datelines, breadcrumbs,
bylines, share buttons, "related articles", cookie banners, footers,
metadata fields and scraper markers. HTML boilerplate removers cannot see
them any more and corpus filters drop lines blindly (every line without a
full stop, which also deletes real subheadings). ``classify(doc)`` puts
every line of an article into a **zone** from plain-text evidence only:

* the line itself: length, terminal punctuation, casing, stop words at the
  end, separators (``›``, ``|``), date and byline grammars, and phrase
  lexicons kept as data files beside the rules (``rules/debris_*``);
* position: lines before the first body paragraph (the head) and after the
  last one (the tail) may be page furniture that is content elsewhere (a
  bare date, a site self-description, an unknown short line);
* neighbours: short lines after a "related articles" or "most read" header
  are list items; a name on its own next to a page date is a byline.

Zones
-----
Content: ``headline`` (title and deck lines before the first paragraph),
``lead`` (the first body paragraph, including a dateline lead such as
``WASHINGTON — The U.S. …``), ``body`` and ``subheading`` (a short line
between paragraphs). Page furniture: ``dateline`` (page or scrape date on
its own line), ``byline`` (bylines and desk credits), ``caption`` (photo
captions and credits), ``navigation`` (breadcrumbs, menus, skip links),
``widget`` (related/most read lists, share and follow buttons, newsletter
and subscription prompts, comments, advertising, cookie banners, "enable
JavaScript", teasers), ``footer`` (copyright, press contacts, site
self-descriptions, footer links), ``metadata`` (``Tags: …``, ``Author: …``,
``date 2023-09-30``) and ``source-marker`` (``source site-34`` and scraper
placeholders such as ``{{title}}`` or lorem ipsum). Empty lines are
``blank``.

Every line also gets a ``kind`` that says why (``share``, ``cookie``,
``copyright``, ``page-date``, ``list-item``, …). A few furniture kinds are
not debris: wire-service credits such as ``(Reporting by …; Editing by …)``
belong to the edited text (zone ``byline``, kind ``wire-credit``).

Debris glued to the start of a content line (``HomeWorldEuropeRuling party
wins…`` or ``date 2023-09-30 NATO said…``) leaves the line in its content
zone and is recorded as ``LineZone.glued`` with its exact span.

Report shape
------------
``Zones.ranges()`` is what the ``zones`` annotator stores in every article
result of the JSON report: a list of line ranges in text order ::

    [{"zone": "dateline", "start_line": 1, "end_line": 1},
     {"zone": "headline", "start_line": 2, "end_line": 2},
     {"zone": "lead", "start_line": 4, "end_line": 4},
     {"zone": "body", "start_line": 6, "end_line": 12},
     {"zone": "widget", "start_line": 14, "end_line": 15}]

Line numbers are 1-based and inclusive, as in finding positions. Adjacent
lines of one zone form one range, and blank lines between two lines of the
same zone are absorbed into it; other blank lines belong to no range.

Configuration
-------------
Lexicons extend the data files (``doc.lexicon(name)``): ``debris_lines``
(phrases: a string is a whole-line footer phrase; a mapping may give
``phrase``, ``zone``, ``kind`` and ``mode`` as in ``rules/debris_lines.tsv``),
``debris_sections`` (section names for breadcrumbs and menus),
``debris_brands`` (camel-case names that are not glued breadcrumbs),
``debris_fields`` (metadata field names) and ``debris_patterns`` (regular
expressions that match a whole line: a string is a footer pattern; a
mapping gives ``pattern`` and ``zone``). Invalid patterns are matched as
literal text; an unknown zone falls back to ``footer``.

Cost: one pass over the lines with cheap checks first; lexicons are loaded
once; every pattern is linear (bounded repetitions only, long lines skip the
line-shape grammars).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from bisect import bisect_right
from typing import TYPE_CHECKING, Any, Iterator

import regex

from .aho import KeyMatcher
from .text import strip_span

if TYPE_CHECKING:
    from .doc import Doc

ZONES: tuple[str, ...] = (
    "headline",
    "dateline",
    "byline",
    "lead",
    "body",
    "subheading",
    "caption",
    "navigation",
    "widget",
    "footer",
    "metadata",
    "source-marker",
    "blank",
)
#: Zones that are part of the article itself.
CONTENT_ZONES = frozenset({"headline", "lead", "body", "subheading"})
#: Page-furniture zones (everything but content and blank).
FURNITURE_ZONES = frozenset(ZONES) - CONTENT_ZONES - {"blank"}
#: Furniture kinds that belong to the edited text and are not debris.
NOT_DEBRIS_KINDS = frozenset({"wire-credit"})

DATA_DIR = Path(__file__).resolve().parent.parent / "rules"

# ---------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class Glued:
    """Debris glued to the start of a content line.

    ``start``/``end`` is the exact debris text (``HomeWorldEurope``);
    ``cut`` is where the deletion should stop (after following spaces).
    """

    zone: str
    kind: str
    start: int
    end: int
    cut: int


@dataclass(slots=True)
class LineZone:
    """The zone of one line. ``start``/``end`` is the line without
    surrounding whitespace (empty span for blank lines)."""

    index: int
    start: int
    end: int
    zone: str
    kind: str
    glued: Glued | None = None

    @property
    def is_debris(self) -> bool:
        """Is the whole line page furniture that should not be in the text?"""
        return self.zone in FURNITURE_ZONES and self.kind not in NOT_DEBRIS_KINDS


class Zones:
    """Zones of every line of one article (``doc.zones``)."""

    __slots__ = ("lines", "lead", "content_end", "tail_block", "_debris")

    def __init__(self, lines: list[LineZone]):
        #: One entry per ``doc.lines`` entry, blank lines included.
        self.lines = lines
        #: Index of the lead line (first body paragraph), or None.
        self.lead: int | None = next((lz.index for lz in lines if lz.zone == "lead"), None)
        #: Index of the last lead/body line, or None.
        self.content_end: int | None = None
        for lz in reversed(lines):
            if lz.zone in ("lead", "body"):
                self.content_end = lz.index
                break
        #: First line of the trailing furniture block: every non-blank line
        #: from here to the end is debris (``len(lines)`` if there is none).
        self.tail_block = len(lines)
        #: ``debris()``'s lines, listed on first use (eight rules ask).
        self._debris: tuple[LineZone, ...] | None = None
        for lz in reversed(lines):
            if lz.zone == "blank":
                continue
            if not lz.is_debris:
                break
            self.tail_block = lz.index

    def __iter__(self) -> Iterator[LineZone]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def zone(self, index: int) -> str:
        return self.lines[index].zone

    def in_head_or_tail(self, index: int) -> bool:
        """Is line ``index`` before the lead or after the last body line?"""
        if self.lead is None or self.content_end is None:
            return True
        return index < self.lead or index > self.content_end

    def debris(self) -> Iterator[LineZone]:
        """Whole lines of page furniture, in text order."""
        if self._debris is None:
            self._debris = tuple(lz for lz in self.lines if lz.is_debris)
        return iter(self._debris)

    def ranges(self) -> list[dict[str, Any]]:
        """Line ranges per zone (the JSON report shape; see module doc)."""
        out: list[dict[str, Any]] = []
        for lz in self.lines:
            if lz.zone == "blank":
                continue
            n = lz.index + 1
            if out and out[-1]["zone"] == lz.zone:
                out[-1]["end_line"] = n
            else:
                out.append({"zone": lz.zone, "start_line": n, "end_line": n})
        return out


# ---------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------

_NORM_DROP = regex.compile(r"[^\p{L}\p{N}']+")
_DIGITS = regex.compile(r"\p{N}+")
_MODES = frozenset({"line", "label", "start", "cta", "contains"})
#: Words that make an imperative ("Sign up", "Join", "Follow") a widget.
_CTA_OBJECTS = frozenset(
    """our us newsletter newsletters inbox updates alerts notifications channel app podcast
    briefing subscribers subscription account facebook twitter instagram telegram whatsapp
    youtube tiktok linkedin threads bluesky""".split()
)
_SOCIAL = frozenset(
    """facebook twitter x linkedin whatsapp telegram email e-mail mail print reddit pinterest
    instagram youtube tiktok messenger viber flipboard tumblr threads bluesky mastodon sms copy link
    share tweet e""".split()
)


#: ASCII fast path of ``normalise``: letters and apostrophes kept, digits
#: to "0", everything else to a space.
_ASCII_NORM = str.maketrans(
    {c: (chr(c) if chr(c).isalpha() or chr(c) == "'" else "0" if chr(c).isdigit() else " ") for c in range(128)}
)
_ZEROS = regex.compile(r"00+")


def normalise(line: str) -> str:
    """Lexicon key of a line: lower case, digit runs as ``0``, anything but
    letters, digits and apostrophes as single spaces."""
    low = line.lower().replace("\u2019", "'")
    if low.isascii():
        low = low.translate(_ASCII_NORM)
        if "00" in low:
            low = _ZEROS.sub("0", low)
        return " ".join(low.split())
    low = _DIGITS.sub("0", low)
    return " ".join(_NORM_DROP.sub(" ", low).split())


@lru_cache(maxsize=None)
def _data_lines(filename: str) -> tuple[str, ...]:
    """Entries of a data file beside the rules (read once)."""
    out = []
    with open(DATA_DIR / filename, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                out.append(line)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Phrase:
    zone: str
    kind: str
    mode: str
    phrase: str  # normalised


class Lexicon:
    """Compiled phrase lexicons (data files plus configured extras)."""

    def __init__(
        self,
        phrases: list[_Phrase],
        sections: set[str],
        brands: set[str],
        fields: set[str],
        patterns: list[tuple[Any, str]],
    ):
        self.line: dict[str, _Phrase] = {}
        self.label: dict[str, _Phrase] = {}
        #: first word → phrases in start/label/cta mode, longest first
        self.by_first: dict[str, list[_Phrase]] = {}
        #: key → (contains phrase or None, hint bits)
        keys: dict[str, tuple[_Phrase | None, int]] = {k: (None, bit) for k, bit in _HINTS.items()}
        for p in phrases:
            if not p.phrase:
                continue
            if p.mode == "line":
                self.line.setdefault(p.phrase, p)
            elif p.mode == "contains":
                old, bits = keys.get(p.phrase, (None, 0))
                keys[p.phrase] = (old or p, bits)
            else:
                if p.mode == "label":
                    self.label.setdefault(p.phrase, p)
                self.by_first.setdefault(p.phrase.split(" ", 1)[0], []).append(p)
        for lst in self.by_first.values():
            lst.sort(key=lambda p: -len(p.phrase))
        #: One automaton for ``contains`` phrases and substring hints (a DFA:
        #: about three times faster than pyahocorasick's trie on news text);
        #: ``scan_keys[k]`` and ``scan_values[k]`` are the k-th key and what
        #: it stands for.
        self.scan = KeyMatcher(keys, dfa=True)
        self.scan_keys = list(self.scan.keys)
        self.scan_values = [keys[k] for k in self.scan_keys]
        self.sections = sections
        self.section_words = {w for s in sections for w in s.split()}
        self.brands = sorted(brands, key=lambda b: (-len(b), b))
        self.fields = fields
        self.patterns = patterns

    def match_phrase(self, norm: str, raw: str, nwords: int) -> _Phrase | None:
        """Line, label, start and cta phrases on a normalised line (``raw``
        is the line without leading bullets, to see separators)."""
        p = self.line.get(norm) or self.label.get(norm)
        if p is not None:
            return p
        if nwords > 25:
            return None
        cands = self.by_first.get(norm.split(" ", 1)[0])
        if not cands:
            return None
        for p in cands:
            ph = p.phrase
            if not (norm.startswith(ph) and (len(norm) == len(ph) or norm[len(ph)] == " ")):
                continue
            if p.mode == "start":
                return p
            if p.mode == "label":
                if _label_regex(ph).match(raw):
                    return p
                continue
            if p.mode == "cta" and any(w in _CTA_OBJECTS for w in norm[len(ph) :].split()):
                return p
        return None


@lru_cache(maxsize=None)
def _label_regex(phrase: str) -> Any:
    """``Read more: …``/``ALSO READ | …``: the phrase, then a separator."""
    words = [regex.escape(w).replace("0", r"\p{N}+").replace("'", "['\u2019]") for w in phrase.split(" ")]
    body = r"[^\p{L}\p{N}']+".join(words)
    return regex.compile(rf"(?i)[^\p{{L}}\p{{N}}]{{0,3}}{body}\s*[:|»›>–—\-•·]")


def _phrase_key(mode: str, phrase: str) -> str:
    """``contains`` phrases are matched in the lower-cased text as written;
    the others against the normalised line."""
    if mode == "contains":
        return " ".join(phrase.lower().replace("\u2019", "'").split())
    return normalise(phrase)


def _load_phrases() -> list[_Phrase]:
    out = []
    for line in _data_lines("debris_lines.tsv"):
        zone, kind, mode, phrase = line.split("\t")
        out.append(_Phrase(zone, kind, mode, _phrase_key(mode, phrase)))
    return out


def _user_phrase(entry: Any) -> _Phrase | None:
    if isinstance(entry, str):
        return _Phrase("footer", "custom", "line", normalise(entry))
    if isinstance(entry, dict) and isinstance(entry.get("phrase"), str):
        zone = entry.get("zone", "footer")
        zone = zone if zone in FURNITURE_ZONES else "footer"
        mode = entry.get("mode", "line")
        mode = mode if mode in _MODES else "line"
        return _Phrase(zone, str(entry.get("kind", "custom")), mode, _phrase_key(mode, entry["phrase"]))
    return None


def _user_pattern(entry: Any) -> tuple[Any, str] | None:
    if isinstance(entry, str):
        pattern, zone = entry, "footer"
    elif isinstance(entry, dict) and isinstance(entry.get("pattern"), str):
        pattern, zone = entry["pattern"], entry.get("zone", "footer")
    else:
        return None
    zone = zone if zone in FURNITURE_ZONES else "footer"
    try:
        compiled = regex.compile(pattern, regex.IGNORECASE)
    except regex.error:
        compiled = regex.compile(regex.escape(pattern), regex.IGNORECASE)
    return compiled, zone


@lru_cache(maxsize=64)
def _lexicon(extra_key: str) -> Lexicon:
    """The compiled lexicon for one set of configured extras (JSON key)."""
    extra: dict[str, list[Any]] = json.loads(extra_key)
    phrases = _load_phrases()
    phrases += [p for p in map(_user_phrase, extra.get("debris_lines", [])) if p]
    sections = {normalise(s) for s in _data_lines("debris_sections.txt")}
    sections |= {normalise(s) for s in extra.get("debris_sections", []) if isinstance(s, str)}
    brands = {s.strip() for s in _data_lines("debris_brands.txt")}
    brands |= {s.strip() for s in extra.get("debris_brands", []) if isinstance(s, str) and s.strip()}
    fields = {normalise(s) for s in _data_lines("debris_fields.txt")}
    fields |= {normalise(s) for s in extra.get("debris_fields", []) if isinstance(s, str)}
    patterns = [p for p in map(_user_pattern, extra.get("debris_patterns", [])) if p]
    return Lexicon(phrases, sections, brands, fields, patterns)


LEXICON_NAMES = ("debris_lines", "debris_sections", "debris_brands", "debris_fields", "debris_patterns")


_LAST: list[Any] = [None, None]  # [config object, its Lexicon]


def lexicon_for(doc: "Doc") -> Lexicon:
    """The lexicon for this document's configuration (cached per config)."""
    cfg = doc.config
    if cfg is not None and _LAST[0] is cfg:
        return _LAST[1]
    extra = {name: doc.lexicon(name) for name in LEXICON_NAMES}
    extra = {k: v for k, v in extra.items() if v}
    try:
        key = json.dumps(extra, sort_keys=True, default=str)
    except (TypeError, ValueError):
        key = "{}"
    lex = _lexicon(key)
    if cfg is not None:
        _LAST[0], _LAST[1] = cfg, lex
    return lex


# ---------------------------------------------------------------------------
# Line grammars (all linear: bounded repetitions, applied to short lines)
# ---------------------------------------------------------------------------

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_TZ = r"(?:\s?(?:[a-z]{2,5}|[+-]\d{2}:?\d{2}|\([a-z]{2,5}\)))?"
_TIME = rf"(?:\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?(?:\s?[ap]\.?m\.?)?{_TZ}|\d{{1,2}}\s?[ap]\.?m\.?{_TZ})"
_ISO = r"(?:19|20)\d{2}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:{_DAY}\s+(?:of\s+)?{_MONTH},?(?:\s+{_YEAR})?|{_MONTH}\s+{_DAY},?(?:\s+{_YEAR})?"
    rf"|{_DAY}[./-]\d{{1,2}}[./-](?:{_YEAR}|\d{{2}})|{_ISO})"
)
_REL = (
    r"(?:\d{1,3}|an?|one)\s+(?:second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago"
    rf"|just\s+now|(?:yesterday|today)(?:,?\s+(?:at\s+)?{_TIME})?"
)
_DATE_PREFIX = (
    r"(?:(?:(?:last\s+)?updated|published|posted|modified|first\s+published|created|released|date|"
    r"last\s+modified|originally\s+published)(?:\s+(?:on|at))?"
    r"|(?:posted|published|written|updated)\s+by\s+[\w.'\-]+(?:\s[\w.'\-]+){0,3}?\s+(?:on|at))\s*[:\-–]?\s*"
)
_DATE_ITEM = rf"(?:{_DATE_PREFIX})?(?:{_DATE}(?:,?\s+(?:at\s+)?{_TIME})?|{_TIME}(?:,?\s+{_DATE})?|{_REL})"
#: A page date or scrape time on its own line: "Saturday 20 April, 2024",
#: "20.04.2024 14:32", "Updated: 3 hours ago", "Mumbai | Updated: Jul 08,
#: 2024 14:32 IST", "Posted on April 9, 2024 by admin", "12 Mar 2024 • 4 min read".
_PAGE_DATE = regex.compile(
    r"(?:\p{Lu}[\p{L}\-]+(?:\s\p{Lu}[\p{L}\-]+){0,2}\s*[|•·,–—-]\s*(?=(?i:" + _DATE_PREFIX + r")))?"
    rf"(?i:{_DATE_ITEM}(?:\s*[|•·,/–—-]\s*{_DATE_ITEM}){{0,3}}"
    r"(?:\s*[|•·,–—-]\s*\d{1,3}\s*min(?:ute)?s?(?:\s+read)?)?"
    r"(?:\s+by\s+[\w.'\-]+(?:\s[\w.'\-]+){0,3})?)"
)
_HAS_PREFIX = regex.compile(rf"(?i)(?:\p{{L}}+\s*[|•·,–—-]\s*)?{_DATE_PREFIX}")
_HAS_TIME_OR_REL = regex.compile(
    rf"(?i)\d[:.]\d\d|\d\s?[ap]\.?m\b|\bago\b|\byesterday\b|\btoday\b|\bjust now\b|\b{_WEEKDAY}\b"
)
_ISO_FIELD = regex.compile(rf"(?i){_DATE_PREFIX}{_ISO}")

#: "date 2023-09-30 NATO said…": a date field glued to the start of a line.
_GLUED_DATE_FIELD = regex.compile(
    rf"(?i:(?:date|published|updated|posted|pubdate)\s*[:=]?\s*(?:{_ISO}|{_DAY}[./-]\d{{1,2}}[./-]{_YEAR}))(?=\s+\S)"
)

_SOURCE_MARKER = regex.compile(r"(?i)\[?[ \t]*source[ \t]*[:\-]?[ \t]*site[ \t_-]*\d+[ \t]*\]?")
_PLACEHOLDER = regex.compile(
    r"\{\{[ \t]*[\w.\-]{1,40}[ \t]*\}\}|\$\{[\w.\-]{1,40}\}|(?<![\w%])%(?:\(\w{1,30}\))?s(?!\w)"
    r"|\[object Object\]|(?i:\blorem ipsum\b)|\bTKTK\b|\b__[A-Z][A-Z_]{1,30}__\b"
    r"|(?i:\[(?:insert|placeholder|todo|tbd)\b[^\]\n]{0,40}\])"
)
_PLACEHOLDER_LINE = regex.compile(
    r"(?i)lorem ipsum\b[^\n]{0,1000}|undefined|null|nan|\[object object\]|"
    r"\{\{[ \t]*[\w.\-]{1,40}[ \t]*\}\}|\$\{[\w.\-]{1,40}\}|%s|__[a-z][a-z_]{1,30}__|tktk"
)

_CREDIT_WORD = (
    r"(?:photo(?:graph)?s?|photo\s+credit|image(?:\s+source)?|images|picture|pic|video|footage|"
    r"illustration|graphic|credit|cover\s+photo|file\s+photo|main\s+image|top\s+image|featured\s+image)"
)
#: "Photo: Reuters", "(Image: AFP)", "Picture by Jane Doe", and broadcaster
#: style "Image source, Getty Images", "Image caption, Protesters gathered…"
_CAPTION_START = regex.compile(
    rf"(?i)[(\[]?\s*(?:{_CREDIT_WORD}\s*(?::|/|©|\bby\b)|(?:image|media|video|photo)\s+(?:source|caption)\s*[,:])\s*\S"
)
#: A caption sentence ending in a credit: "… on Friday. (Photo: Reuters)"
_CAPTION_END = regex.compile(
    rf"(?i)(?:[.!?][\"'\u201d\u2019]?\s+|\(\s*|\[\s*){_CREDIT_WORD}\s*(?::|©|\bby\b)\s*[^()\[\]\n]{{1,80}}[)\]]?\s*$"
)
#: "REUTERS/Kim Kyung-Hoon" at the end of a line.
_AGENCY_CREDIT = regex.compile(
    r"\b(?:REUTERS|AFP|AP|EPA(?:-EFE)?|ANP|DPA|dpa|ANSA|XINHUA|Xinhua|AAP|PA|BELGA|TASS|KYODO|Yonhap|SIPA|Anadolu)"
    r"\s?/\s?\p{Lu}[\p{L}'\-]*(?:\s\p{Lu}[\p{L}'\-]*){0,3}(?:\s?/\s?\p{L}[\p{L}'\-]*){0,2}\s*[)\]]?\s*$"
)
_PHOTO_AGENCY_END = regex.compile(
    r"(?:\bvia\s)?\bGetty\sImages(?:/[\w ]{1,30})?\s*[)\]]?\s*$|\b(?:Shutterstock|iStock(?:photo)?|Alamy)\s*[)\]]?\s*$"
)
_COPYRIGHT = regex.compile(r"(?i)©|^\(c\)\s*(?:19|20)\d{2}|^copyright\b\s*(?:©|\(c\))?\s*(?:19|20)\d{2}")

#: Consent banners speak as the site ("we use cookies") or to the reader.
_COOKIE = regex.compile(
    r"(?i)\b(?:we|this\s(?:web)?site|our\s(?:web)?site|our\spartners)(?:\sand\sour\spartners)?\s"
    r"(?:use|uses|store|place|set)\scookies\b"
    r"|\bby\s(?:continuing|using|clicking|browsing|scrolling)\b[^.\n]{0,80}\byou\s(?:agree|consent|accept)\b"
    r"|\byou\s(?:agree|consent)\sto\s(?:our|the)\suse\sof\scookies\b"
    r"|^(?:accept|allow|reject|decline|refuse)\s(?:all\s)?(?:optional\s)?cookies\b"
)
_JAVASCRIPT = regex.compile(
    r"(?i)\b(?:please\s)?(?:enable|turn\son|activate)\sjavascript\b"
    r"|\bjavascript\s(?:is\s)?(?:disabled|required|must\sbe\senabled|turned\soff)\b"
    r"|\byour\sbrowser\s(?:does\snot|doesn't|doesn\u2019t)\ssupport\b"
    r"|\bupgrade\s(?:to\s)?(?:a\s)?(?:newer|modern|supported|different)\sbrowser\b"
)
_MEDIA = (
    r"(?:news|journalism|newspaper|magazine|publication|media|outlet|website|site|portal|platform|"
    r"broadcaster|reporting|coverage|newsroom|agency|daily|weekly)s?"
)
#: A site describing itself: "Frontline Monitor is an independent
#: publication covering …", "Defence Today covers global defence news."
_SELF_DESC = regex.compile(
    r"(?:The\s)?\p{Lu}[\p{L}\p{N}&'\u2019.\-]*(?:\s\p{Lu}[\p{L}\p{N}&'\u2019.\-]*){0,4}\s"
    r"(?:(?:is|are)\s(?:a|an|the|your)\s(?:[\p{L}\-]+,?\s){0,6}?" + _MEDIA + r"\b"
    r"|(?:covers|brings\syou|provides|delivers|offers|publishes|reports\son)\b[^\n]{0,200}?\b" + _MEDIA + r"\b)"
)
_WIRE_CREDIT = regex.compile(
    r"(?i)\(?\s*(?:(?:additional\s)?reporting|writing|editing|compiled|graphics|research)\sby\b"
    r"|\(?\s*with\s(?:inputs|files|reporting)\sfrom\b"
)
_BY_PREFIX = regex.compile(
    r"(?i)(?:by|written\sby|reporting\sby|words\sby|story\sby|text\sby|report\sby|compiled\sby|posted\sby)\s+"
)
#: A byline separator: ``|``, ``•``, ``,``, ``;``, ``/`` or a dash with
#: whitespace on both sides (the whitespace around it is split off too).
_BYLINE_SEPARATOR = regex.compile(r"[|•·,;/]|(?<=\s)[-–—](?=\s)")
_SPACES = regex.compile(r"\s*")
_SPACE = regex.compile(r"\s")


def _byline_split(body: str) -> list[str]:
    r"""``body`` split at byline separators and the whitespace around them:
    what ``regex.split(r"\s*(?:[|•·,;/]|\s[-–—]\s)\s*", body)`` gives
    (tested), in linear time. That pattern is quadratic on a long run of
    spaces: every position inside the run starts a match attempt that
    scans to its end and fails. Here each separator extends over the
    whitespace before it (not into the previous separator's) and after
    it; a dash whose whitespace the previous separator took is text, as
    with the pattern."""
    out: list[str] = []
    pos = 0  # where the text after the last separator starts
    for m in _BYLINE_SEPARATOR.finditer(body):
        c = m.start()
        a = c
        while a > pos and _SPACE.match(body, a - 1):
            a -= 1
        if a == c and body[c] in "-–—":
            continue
        out.append(body[pos:a])
        pos = _SPACES.match(body, m.end()).end()
    out.append(body[pos:])
    return out
_DESK = regex.compile(
    r"(?i)(?:the\s)?(?:[\p{L}&]+\s){0,2}(?:desk|bureau|newsroom|news\sservice)"
    r"|(?:\p{L}+\s){0,2}(?:correspondents?|reporters?|writers?|editors?|contributors?|columnists?)"
    r"|staff(?:\sreport)?|agencies|agency\sreport|wire\sservices|news\sagencies"
    r"|afp|ap|reuters|dpa|efe|xinhua|pti|ani|ians|anp|ansa|tass|kyodo|yonhap"
)
_NAME_PARTICLES = frozenset("and & de van von der den da di du del della la le al el bin ibn y dos das ter ten".split())
_TRAIL_SPLIT = regex.compile(r"\s*(?:[›»>|→·•]|\s/\s)\s*")
_TRAIL_CHARS = frozenset("›»>|→·•")
_TRAIL_STRONG_SEPS = ("›", "»", ">", "→")
_DATE_HINT = regex.compile(r"\d|\bago\b|\byesterday\b|\btoday\b|\bjust now\b", regex.IGNORECASE)
_ASCII_DIGIT = re.compile("[0-9]")


def _date_hint(raw: str, low: str) -> bool:
    """``_DATE_HINT.search(raw)``, skipped for the usual ASCII line that
    holds none of its digits and words (``low``: ``raw`` lower-cased)."""
    if low.isascii() and not (
        "ago" in low or "today" in low or "yesterday" in low or "just now" in low or _ASCII_DIGIT.search(low)
    ):
        return False
    return _DATE_HINT.search(raw) is not None

_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_QUOTES = "\"'\u201c\u2018\u201e\u00ab\u201d\u2019"
#: A short line ending in one of these words is a cut-off sentence, not a heading.
_STOP_END = frozenset(
    """the a an of to and or in on at for with by from that which whose as but its their his her our your my
    this these those than into about after before between under over during while because if when where
    whether""".split()
)
_BULLETS = "•·▪►▶»›>-–—*|"


def _terminal(raw: str) -> str:
    """The line's final punctuation (``. ! ? … :``) before closing quotes
    and brackets, or '' if it has none."""
    t = raw.rstrip(_CLOSERS + " ")
    if t and t[-1] in ".!?\u2026:":
        return t[-1]
    return ""


def ends_sentence(raw: str) -> bool:
    """Does the line end like a finished sentence (``. ! ? …``)?"""
    return _terminal(raw) in (".", "!", "?", "\u2026")


# How far intrinsic evidence reaches.
_STRONG = 0  # furniture wherever it is
_EDGE = 1  # furniture in the head or tail only (a bare date)
_TAIL = 2  # furniture in the tail only (a site self-description)
_TEASER = 3  # a line ending in an ellipsis
_NAME = 4  # a name alone: a byline when next to a page date or byline in the head

Hit3 = tuple[str, str, int]


#: One classified line, as ``classify`` hands it to ``_structure``: a plain
#: tuple (built and unpacked faster than an object, and there is one per
#: line of every article) of
#: ``(index, start, end, shape, nwords, norm, hit)`` with ``shape`` one of
#: blank | body | heading | other, ``norm`` the normalised text (lines of
#: at most 12 words that reached the phrase lexicon) or "", and ``hit``
#: the intrinsic evidence ``(zone, kind, strength)`` or None.
_Line = tuple[int, int, int, str, int, str, Hit3 | None]


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


def _is_name_token(tok: str) -> bool:
    """``Jane``, ``O'Brien``, ``Kyung-Hoon``, ``J.``, ``DOE``."""
    return tok[0].isupper() and tok.replace("'", "").replace("\u2019", "").replace(".", "").replace("-", "").isalpha()


def _is_name_segment(seg: str, max_tokens: int = 6) -> bool:
    """A person's name: capitalised tokens and name particles."""
    toks = seg.split()
    if not toks or len(toks) > max_tokens or not _is_name_token(toks[0]):
        return False
    return all(_is_name_token(t) or t.lower() in _NAME_PARTICLES for t in toks)


def _byline(raw: str, nwords: int) -> str | None:
    """Kind of a byline line (``byline``, ``desk``, ``wire-credit``) or None.

    ``By Jane Doe | 12 March 2024``, ``By Rui Almeida, Lisbon
    correspondent``, ``News Desk``, ``Maria Costa and Liam Reid | Science
    Desk``; ``(Reporting by …; Editing by …)`` is a wire credit."""
    if nwords > 20:
        return None
    if _WIRE_CREDIT.match(raw):
        return "wire-credit"
    if nwords > 14:
        return None
    body = raw.strip("()[] ")
    m = _BY_PREFIX.match(body)
    if m is not None:
        body = body[m.end() :]
    segs = [sg.strip(" .") for sg in _byline_split(body)]
    segs = [sg for sg in segs if sg]
    if not segs:
        return None
    desk = False
    for k, seg in enumerate(segs):
        if _DESK.fullmatch(seg):
            desk = True
        elif not (_is_name_segment(seg) or k > 0 and _PAGE_DATE.fullmatch(seg)):
            return None
    if m is not None:
        return "byline"
    return "desk" if desk else None


def _breadcrumb_trail(raw: str, lex: Lexicon) -> str | None:
    """``trail`` for ``Home › World › Europe``/``News | Politics``, ``link``
    for footer links (``About Us | Contact | Privacy Policy``), else None."""
    segs = [sg for sg in _TRAIL_SPLIT.split(raw.strip(" " + _BULLETS)) if sg]
    if len(segs) < 2 or len(segs) > 15:
        return None
    norms = [normalise(sg) for sg in segs]
    links = [lex.line.get(nm) for nm in norms]
    if all(p is not None and p.zone == "footer" for p in links):
        return "link"
    for sg in segs:
        if len(sg.split()) > 4 or _terminal(sg) or not (sg[0].isupper() or sg[0].isdigit()):
            return None
    if any(nm in lex.sections for nm in norms):
        return "trail"
    if len(segs) >= 3 and any(sep in raw for sep in _TRAIL_STRONG_SEPS):
        return "trail"
    return None


def _menu(raw: str, nwords: int, lex: Lexicon) -> bool:
    """A menu line: at least three capitalised words, two in three of them
    section names, no punctuation (``News Sport Business Opinion``)."""
    if nwords < 3 or nwords > 20 or _terminal(raw):
        return False
    toks = raw.split()
    if not all(t[0].isupper() or t == "&" for t in toks):
        return False
    known = sum(1 for t in toks if normalise(t) in lex.section_words)
    return known * 3 >= len(toks) * 2


def _metadata_field(raw: str, lex: Lexicon) -> bool:
    """``Tags: a, b``, ``Author: Jane Doe``: a known field name and a colon."""
    colon = raw.find(":", 0, 32)
    if colon <= 0 or not raw[colon + 1 :].strip():
        return False
    return normalise(raw[:colon]) in lex.fields


# Substring hints found in one pass over the text (bit flags per line).
H_CREDIT, H_AGENCY, H_SELF, H_COOKIE, H_JS, H_COPY, H_SLASH, H_DESK = 1, 2, 4, 8, 16, 32, 64, 128
_HINTS: dict[str, int] = {
    **{h: H_CREDIT for h in ("photo", "image", "picture", "video", "credit", "footage", "illustration", "graphic")},
    **{h: H_AGENCY for h in ("getty", "shutterstock", "istock", "alamy")},
    **{
        h: H_SELF
        for h in (" is a", " is the", " is your", " are a", " are the", " covers ", " brings you", " provides ",
                  " delivers ", " offers ", " publishes ", " reports on ")
    },
    "cookie": H_COOKIE,
    "javascript": H_JS,
    "browser": H_JS,
    "\u00a9": H_COPY,
    "(c)": H_COPY,
    "copyright": H_COPY,
    "/": H_SLASH,
    **{
        h: H_DESK
        for h in ("desk", "bureau", "newsroom", "news service", "correspondent", "reporter", "writer", "editor",
                  "contributor", "columnist", "staff", "agenc", "wire service", "reuters", "xinhua", "kyodo",
                  "yonhap")
    },
}
_BY_STARTS = ("by ", "written by", "reporting by", "words by", "story by", "text by", "report by", "compiled by",
              "posted by", "(", "with ")


_WORD_EDGE = "\"'()[]{}<>.,;:!?*#@&%$\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026" + _BULLETS


def _first_word(low: str) -> str:
    """First word of a lower-cased line, roughly as ``normalise`` gives it
    (used only to decide whether a phrase lookup is worth normalising)."""
    for tok in low.split(None, 2):
        w = tok.strip(_WORD_EDGE)
        if w:
            return w.replace("\u2019", "'")
    return ""


def _intrinsic(
    raw: str, low: str, nwords: int, lex: Lexicon, doc: "Doc", at: int, hints: int
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
    if nwords <= 30 and not starts_quote and hints & H_COPY:
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
    if nwords >= 3 and not starts_quote and (raw.endswith("...") or raw.endswith("\u2026")):
        return ("widget", "teaser", _TEASER), norm
    return None, norm


def _scan(doc: "Doc", lex: Lexicon) -> tuple[dict[int, Hit3], list[int]]:
    """One automaton pass over the lower-cased text: lines holding a
    ``contains`` phrase ("All rights reserved") outside quoted speech, and
    the substring hints (bit flags) of every line."""
    low = doc.lower
    starts = [ls for ls, _ in doc.lines]
    hints = [0] * len(starts)
    found: dict[int, Hit3] = {}
    matches = lex.scan.matches(low)
    if not matches:
        return found, hints
    values = lex.scan_values
    n = len(low)
    # By end, then the longer key first (``KeyMatcher``'s order): the first
    # contains phrase of a line in this order is the one reported.
    for k, start, end in matches:
        phrase, bits = values[k]
        line = bisect_right(starts, start) - 1
        hints[line] |= bits
        if phrase is None or line in found:
            continue
        if start > 0 and low[start - 1].isalnum() or end < n and low[end].isalnum():
            continue
        if not doc.in_quote(start):
            found[line] = (phrase.zone, phrase.kind, _STRONG)
    return found, hints


# ---------------------------------------------------------------------------
# Glued debris at the start of a content line
# ---------------------------------------------------------------------------

#: The leading run of capitalised words of a line.
_CAPS_RUN = regex.compile(r"\p{Lu}[\p{L}\p{N}'\u2019&\-]*(?:[ \t][\p{Lu}&][\p{L}\p{N}'\u2019&\-]*){0,12}")
_HOME_WORDS = frozenset({"home", "homepage", "news", "start", "front page"})
#: Two characters that may be a glue point: in ASCII only a-z is lower case
#: and only A-Z upper case, any other character is checked one by one.
_GLUE_CANDIDATE = re.compile("[a-z\x80-\U0010ffff][A-Z\x80-\U0010ffff]")


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
    if _GLUE_CANDIDATE.search(run) is None:
        return None  # the usual run: no glue point, found without a loop over its characters
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
    segs = [run[a:b].strip() for a, b in zip(bounds, bounds[1:])]
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
    if s >= e or text[s] not in "dDpPuU":
        return None  # no field name starts there (only these match its first letter, in any case)
    m = _GLUED_DATE_FIELD.match(text, s, e)
    if not m:
        return None
    cut = m.end()
    while cut < e and text[cut] in " \t":
        cut += 1
    return Glued("metadata", "field", m.start(), m.end(), cut)


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------


#: Hints under which ``_intrinsic`` may find something on a long line or a
#: quotation (everything but the desk words, which count on short lines only).
_LONG_LINE_HINTS = H_CREDIT | H_AGENCY | H_SELF | H_COOKIE | H_JS | H_COPY | H_SLASH
_ELLIPSES = ("...", "\u2026")


def classify(doc: "Doc") -> Zones:
    """Zones of every line of ``doc`` (use ``doc.zones``, which caches it)."""
    text = doc.text
    lex = lexicon_for(doc)
    contains, hints = _scan(doc, lex)
    lower, exact_lower = doc.lower, "\u0130" not in text
    # Lines are split into words only when the text holds a whitespace run
    # that counting spaces would miscount.
    spaced = "  " in text or "\t" in text or "\u00a0" in text
    no_patterns, by_first = not lex.patterns, lex.by_first
    lines: list[_Line] = []
    append = lines.append
    for i, (ls, le) in enumerate(doc.lines):
        if ls == le:
            append((i, ls, ls, "blank", 0, "", None))
            continue
        if not text[ls].isspace() and not text[le - 1].isspace():
            s, e = ls, le  # the usual line: nothing to strip
        else:
            s, e = strip_span(text, ls, le)
            if s == e:
                append((i, s, s, "blank", 0, "", None))
                continue
        raw = text[s:e]
        if spaced and ("  " in raw or "\t" in raw or "\u00a0" in raw):
            nwords = len(raw.split())
        else:
            nwords = raw.count(" ") + 1
        first = raw[0]
        quoted = first in _QUOTES
        if (
            (nwords > 20 or quoted and nwords > 6)
            and no_patterns
            and not hints[i] & _LONG_LINE_HINTS
            and ":" not in raw[:32]
            and not raw.endswith(_ELLIPSES)
            and (first not in "lL" or raw[:11].lower() != "lorem ipsum")
            and (nwords > 25 or quoted or _first_word(lower[s:e] if exact_lower else raw.lower()) not in by_first)
        ):
            # The usual body paragraph or quotation: none of the checks of
            # ``_intrinsic`` that such a line reaches can succeed. Its phrase
            # check needs a first word of a lexicon phrase (lines of up to 25
            # words, not quotations); the byline checks stop at 20 words, the
            # other short-line checks at 16 and 20 words, and skip quotations;
            # the metadata field needs a colon, the teaser an ellipsis, the
            # placeholder "lorem ipsum", everything else one of these hints.
            # Its shape needs no more than its final punctuation.
            hit: Hit3 | None = None
            norm = ""
            shape = "body" if nwords >= 25 or _terminal(raw) else "other"
        else:
            # The line lower-cased: a slice of the shared lower-cased text
            # (equal to ``raw.lower()`` unless the text holds "İ", the one
            # character whose lower case is two characters long).
            low = lower[s:e] if exact_lower else raw.lower()
            hit, norm = _intrinsic(raw, low, nwords, lex, doc, s, hints[i])
            shape = _shape(raw, nwords)
        if (hit is None or hit[2] != _STRONG) and i in contains and nwords <= 40 and not quoted:
            hit = contains[i]
        append((i, s, e, shape, nwords, norm, hit))
    return Zones(_structure(lines, text, lex))


def _structure(lines: list[_Line], text: str, lex: Lexicon) -> list[LineZone]:
    """Resolve position-dependent evidence: head, body, tail and lists.

    The lead is the first sentence-like line that is not furniture; the
    content ends at the last sentence-like or fragment line without any
    furniture evidence. Lines before the lead are the head (headline, deck,
    page furniture), lines after the content end are the tail.
    """
    lead: int | None = None
    for i, _, _, shape, nwords, _, hit in lines:
        if (shape == "body" or shape == "other" and nwords >= 6) and (hit is None or hit[2] not in (_STRONG, _TEASER)):
            lead = i
            break
    last: int | None = None
    if lead is not None:
        last = lead
        for k in range(len(lines) - 1, lead, -1):
            shape, hit = lines[k][3], lines[k][6]
            if (shape == "body" or shape == "other") and hit is None:
                last = k
                break
    out: list[LineZone] = []
    append = out.append
    headline_seen = False
    in_list = False
    for i, start, end, shape, nwords, norm, hit in lines:
        if shape == "blank":
            append(LineZone(i, start, end, "blank", "blank"))
            continue
        if hit is None and shape == "body" and lead is not None and lead < i <= last:  # type: ignore[operator]
            # A paragraph between the lead and the content end: body (the
            # general case below decides the same and ends any list).
            in_list = False
            append(LineZone(i, start, end, "body", "body"))
            continue
        head = lead is None or i < lead
        tail = last is not None and i > last
        strength = None if hit is None else hit[2]
        if hit is not None and strength == _STRONG:
            zone, kind = hit[0], hit[1]
            if kind.endswith("-list") or (kind == "read-more" and norm in lex.label):
                in_list = True
        elif in_list and not head and (tail or shape != "body"):
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
            if shape == "heading" or shape == "other" and nwords <= 12:
                zone, kind = "footer", "tail-fragment"
            else:
                zone, kind = "body", "body"
        elif shape == "heading":
            zone, kind = "subheading", "subheading"
        else:
            zone, kind = ("lead", "lead") if i == lead else ("body", "body")
        if shape == "body" and strength != _STRONG and not tail:
            in_list = False
        headline_seen = headline_seen or zone == "headline"
        glued = None
        if zone in CONTENT_ZONES and (lead is None or i <= lead):
            glued = glued_metadata(text, start, end) or glued_breadcrumb(text, start, end, lex)
            if glued is not None and glued.end >= end:
                zone, kind, glued = glued.zone, glued.kind, None
        append(LineZone(i, start, end, zone, kind, glued))
    return out


def _next_to_credit(lines: list[_Line], i: int) -> bool:
    """Is a nearest non-blank neighbour of line ``i`` a page date or byline?"""
    for step in (-1, 1):
        k = i + step
        while 0 <= k < len(lines) and lines[k][3] == "blank":
            k += step
        if 0 <= k < len(lines):
            hit = lines[k][6]
            if hit is not None and hit[0] in ("dateline", "byline") and hit[2] in (_STRONG, _EDGE):
                return True
    return False


def placeholders(doc: "Doc") -> Iterator[tuple[int, int]]:
    """Spans of scraper and template placeholders (``{{title}}``, ``%s``,
    ``lorem ipsum``, ``[object Object]``) anywhere in the text."""
    text = doc.text
    if not ("{" in text or "%" in text or "[" in text or "orem" in text or "TKTK" in text or "__" in text):
        return
    for m in _PLACEHOLDER.finditer(text):
        yield m.span()
