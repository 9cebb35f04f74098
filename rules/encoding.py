"""Character-level encoding damage (category ``encoding``, codes EN).

Undecodable bytes, replacement characters, mojibake, HTML entities and
tags, literal escape sequences, invisible and control characters, bidi
controls, homoglyphs and word-breaking no-break spaces.

Clean articles pay almost nothing: every rule states a cheap pre-check in
``capped(when=...)`` — a substring search for ``&``, ``<``, a backslash or
a no-break space, or a set operation on the article's unusual characters
(:func:`unusual_chars`, computed once: everything but printable ASCII and
line breaks) for mojibake-shaped pairs, invisible, bidi and control
characters and Cyrillic or Greek letters. ftfy, which is comparatively
slow, only ever sees the few tokens the mojibake pre-check selects.
"""

from __future__ import annotations

import codecs
import html
import re
import html.entities
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

import ftfy
import ftfy.badness
import regex

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.registry import rule

from ._common import load_lines
# The article's character inventory (``unusual_chars``, ``utf8``) lives with
# the punctuation family's shared helpers, which read it too.
from .punctuation import MAX_HITS, SpanIndex, cached, candidates, capped, styled_quotes, unusual_chars, utf8

# -- EN001 -------------------------------------------------------------------


@rule(
    code="EN001",
    name="undecodable-bytes",
    category="encoding",
    severity="error",
    # Examples go through the reader's decoding step, so a surrogate-escaped
    # byte (U+DC80..U+DCFF) stands for an undecodable input byte.
    bad=["Caf⟦\udce9⟧ owners met on Monday.", "The price was ⟦\udc80\udc81⟧ high."],
    good=["Plain UTF-8 text with Vu\u010di\u0107 and Z\u00fcrich."],
)
@capped(when=lambda doc: doc.article.decode_errors)
def undecodable_bytes(doc: Doc) -> Iterator[Hit]:
    """Input bytes that were not valid UTF-8 (replaced by U+FFFD on reading).

    Why it matters: the original characters are lost; the article was
    stored or transcoded with the wrong encoding and needs re-fetching or
    repair at the source. Reported by the reader with the exact position,
    so this rule only fires on real input files, not on examples.
    """
    for s, e, message in doc.article.decode_errors:
        yield Hit(s, e, message)


# -- cheap pre-checks ---------------------------------------------------------


def _any_of(chars: str) -> Callable[[Doc], bool]:
    """Pre-check: does the article contain any of ``chars``?"""
    wanted = frozenset(chars)

    def check(doc: Doc) -> bool:
        return not wanted.isdisjoint(unusual_chars(doc))

    return check


# -- mojibake scan (shared by EN002, EN003, EN009) ----------------------------

#: A character that a UTF-8 lead byte becomes when read as Latin-1 or
#: Windows-1252 (Â Ã â Ð …), followed by one that a continuation byte
#: becomes (€ ™ ‚ © ¼ C1 controls …). Clean English text almost never has
#: such a pair; mojibake always does.
_MOJIBAKE_LEAD = "\u00c2-\u00f4"
_MOJIBAKE_FOLLOW = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE_HINT = regex.compile(f"[{_MOJIBAKE_LEAD}][{_MOJIBAKE_FOLLOW}]")


def _class_chars(ranges: str) -> frozenset[str]:
    """The characters of a character class body made of literals and ``a-z`` ranges."""
    out: set[str] = set()
    k = 0
    while k < len(ranges):
        if k + 2 < len(ranges) and ranges[k + 1] == "-":
            out.update(map(chr, range(ord(ranges[k]), ord(ranges[k + 2]) + 1)))
            k += 3
        else:
            out.add(ranges[k])
            k += 1
    return frozenset(out)


_MOJIBAKE_LEAD_CHARS = _class_chars(_MOJIBAKE_LEAD)
_MOJIBAKE_FOLLOW_CHARS = _class_chars(_MOJIBAKE_FOLLOW)


def _may_have_mojibake(doc: Doc) -> bool:
    """Does the article hold both halves of a mojibake pair (anywhere)?"""
    chars = unusual_chars(doc)
    return not chars.isdisjoint(_MOJIBAKE_LEAD_CHARS) and not chars.isdisjoint(_MOJIBAKE_FOLLOW_CHARS)


#: Mojibake never contains ASCII whitespace (continuation bytes are >= 0x80),
#: so a damaged stretch is cut at it; the window bounds the cost.
MOJIBAKE_WINDOW = 64
_ASCII_SPACE = " \t\n\r\f\v"

_ENCODING_NAMES = {
    "sloppy-windows-1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "latin-1": "Latin-1",
    "iso-8859-2": "Latin-2",
    "sloppy-windows-1250": "Windows-1250",
    "sloppy-windows-1251": "Windows-1251",
    "macroman": "Mac Roman",
    "cp437": "code page 437",
}


@dataclass(frozen=True, slots=True)
class Mojibake:
    """One damaged stretch and ftfy's repair of it."""

    start: int
    end: int
    repair: str
    confidence: str  # "high", "medium" or "low"
    cause: str


def _describe(explanation: list[tuple[str, str]] | None) -> str:
    """A reader's account of ftfy's repair plan."""
    steps = list(explanation or [])
    encodes = [_ENCODING_NAMES.get(name, name) for action, name in steps if action == "encode"]
    if encodes:
        what = f"UTF-8 text decoded as {encodes[0]}"
        if len(encodes) > 1:
            what += f" ({len(encodes)} times over)"
        return what
    if any(name == "decode_inconsistent_utf8" for _action, name in steps):
        return "UTF-8 text partly decoded as Windows-1252"
    return "damaged character encoding"


#: The same pair in UTF-8: a lead character is always C3 xx, so the search
#: starts with a literal byte and runs at C speed.
_MOJIBAKE_HINT_UTF8 = re.compile(
    rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    rb"|\xe2\x80[\x93\x94\x98-\x9a\x9c-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\xe2\x82\xac|\xe2\x84\xa2)"
)


def _scan_mojibake(doc: Doc) -> list[Mojibake]:
    text = doc.text
    out: list[Mojibake] = []
    if not _may_have_mojibake(doc):
        return out
    data = utf8(doc)
    if b"\xc3" not in data or not _MOJIBAKE_HINT_UTF8.search(data):
        return out
    n = len(text)
    last = -1
    for m in candidates(_MOJIBAKE_HINT.finditer(text)):
        if m.start() < last:
            continue
        if len(out) >= MAX_HITS:
            break
        ts = m.start()
        lo = max(0, ts - MOJIBAKE_WINDOW, last)
        while ts > lo and text[ts - 1] not in _ASCII_SPACE:
            ts -= 1
        te = m.end()
        hi = min(n, te + MOJIBAKE_WINDOW)
        while te < hi and text[te] not in _ASCII_SPACE:
            te += 1
        last = te
        token = text[ts:te]
        result = ftfy.fix_encoding_and_explain(token)
        fixed = result.text
        if fixed == token:
            continue
        p = 0
        limit = min(len(token), len(fixed))
        while p < limit and token[p] == fixed[p]:
            p += 1
        q = 0
        while q < limit - p and token[-1 - q] == fixed[-1 - q]:
            q += 1
        repair = fixed[p : len(fixed) - q]
        bad_before = ftfy.badness.is_bad(token)
        lossy = "\ufffd" in fixed or any(name == "replace_lossy_sequences" for _a, name in result.explanation or [])
        if bad_before and not ftfy.badness.is_bad(fixed) and not lossy:
            confidence = "high"
        elif bad_before:
            confidence = "medium"
        else:
            confidence = "low"
        out.append(Mojibake(ts + p, te - q, repair, confidence, _describe(result.explanation)))
    return out


def mojibake_spans(doc: Doc) -> list[Mojibake]:
    """Mojibake stretches of the article (computed once per article)."""
    return cached(doc, "_en_mojibake", _scan_mojibake)


# -- EN002 -------------------------------------------------------------------

_REPLACEMENT = regex.compile("\ufffd+")


@rule(
    code="EN002",
    name="replacement-character",
    category="encoding",
    severity="error",
    bad=["The talks in Pri⟦\ufffd⟧tina resumed.", "He said it was ⟦\ufffd\ufffd⟧ over."],
    good=["The talks in Pri\u0161tina resumed.", "Caf\udce9 owners met on Monday."],
)
@capped(when=lambda doc: "\ufffd" in doc.text)
def replacement_character(doc: Doc) -> Iterator[Hit]:
    """U+FFFD replacement character in the stored text.

    Why it matters: some earlier step could not decode the text and put
    ``�`` where a character was; the original is lost and has to be
    recovered from the source. Characters the reader itself replaced are
    reported by EN001 and mojibake that ftfy can read by EN003, not here.
    """
    text = doc.text
    known = SpanIndex(
        [(s, e) for s, e, _m in doc.article.decode_errors] + [(m.start, m.end) for m in mojibake_spans(doc)]
    )
    for m in candidates(_REPLACEMENT.finditer(text)):
        if known and known.covers(m.start()):
            continue
        yield Hit(m.start(), m.end(), "U+FFFD replacement character: the original character was lost")


# -- EN003 -------------------------------------------------------------------


@rule(
    code="EN003",
    name="mojibake",
    category="encoding",
    severity="error",
    fixable=True,
    bad=[
        {"text": "it⟦\u00e2\u20ac\u2122⟧s a deal", "fixed": "it\u2019s a deal"},
        {"text": "Tickets cost ⟦\u00e2\u201a\u00ac⟧40.", "fixed": "Tickets cost \u20ac40."},
        {"text": "President Vu\u010di⟦\u00c4\u2021⟧ spoke.", "fixed": "President Vu\u010di\u0107 spoke."},
        {"text": "Talks in Z⟦\u00c3\u00bc⟧rich ended.", "fixed": "Talks in Z\u00fcrich ended."},
    ],
    good=[
        "The caf\u00e9\u2019s owner, from Z\u00fcrich, met Vu\u010di\u0107 in Pri\u0161tina.",
        "\u201cWe said \u2018no\u2019 to the na\u00efve plan,\u201d she added \u2014 \u20ac40 later.",
        "S\u00e3o Paulo, \u00c5land and Ni\u0161 are places; \u00d0 is a letter.",
    ],
)
@capped(when=_may_have_mojibake)
def mojibake(doc: Doc) -> Iterator[Hit]:
    """Mojibake: UTF-8 text decoded with the wrong encoding (``itâ€™s``, ``â‚¬40``).

    Why it matters: mojibake is unreadable to people and poisons search,
    deduplication and training data. Detection uses ftfy's badness
    heuristics on the few tokens a cheap pre-check selects, never
    rewriting the article: the finding carries ftfy's repair as its fix
    and says how confident it is. High confidence (ftfy's badness test
    flags the original and not the repair, nothing is lost) gives a safe
    fix; medium and low confidence fixes need review.
    """
    text = doc.text
    for mj in mojibake_spans(doc):
        damaged = text[mj.start : mj.end]
        repair = styled_quotes(doc, mj.start, mj.end, mj.repair)
        yield Hit(
            mj.start,
            mj.end,
            f"mojibake {damaged!r} ({mj.cause}); ftfy repairs it to {mj.repair!r} ({mj.confidence} confidence)",
            Fix(repair, mj.confidence == "high"),
            data={"confidence": mj.confidence, "repair": mj.repair},
        )


# -- EN004, EN005: HTML --------------------------------------------------------

_ENTITY = regex.compile(
    r"&(?:amp;){0,8}(?P<ent>#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};"
    r"|(?:nbsp|amp|quot|lt|gt)(?![A-Za-z0-9;]))"
)
#: Where a tag, an escaped tag or a comment may start.
_TAG_START = re.compile(r"<!--|</?[A-Za-z]|&lt;/?[A-Za-z]")
#: A tag from its "<": name, then attributes that look like attributes
#: (every repetition is bounded, so one attempt costs a bounded amount).
_TAG_BODY = regex.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]{0,15})"
    r"(?P<attrs>(?:\s+[\w:.\-]{1,40}(?:\s*=\s*(?:\"[^\"<>]{0,400}\"|'[^'<>]{0,400}'|[^\s\"'<>=]{1,400}))?){0,30})"
    r"\s*/?>"
)
_ESCAPED_TAG_HEAD = re.compile(r"&lt;/?([A-Za-z][A-Za-z0-9]{0,15})(?=[\s/&])")
#: How far a comment's or an escaped tag's end is looked for.
COMMENT_WINDOW = 2000
ESCAPED_TAG_WINDOW = 400


@lru_cache(maxsize=1)
def _base_tags() -> tuple[frozenset[str], frozenset[str]]:
    names, block = set(), set()
    for line in load_lines("encoding_html_tags.txt"):
        parts = line.split()
        names.add(parts[0].lower())
        if len(parts) > 1 and parts[1] == "*":
            block.add(parts[0].lower())
    return frozenset(names), frozenset(block)


def _tag_names(doc: Doc) -> frozenset[str]:
    names, _block = _base_tags()
    extra = doc.lexicon("html-tags")
    if not extra:
        return names
    return names | frozenset(str(x).split()[0].lower() for x in extra if str(x).strip())


@dataclass(frozen=True, slots=True)
class _Tag:
    start: int
    end: int
    name: str
    fix: Fix


def _scan_tags(doc: Doc) -> list[_Tag]:
    text = doc.text
    if "<" not in text and ("&" not in text or "&lt;" not in text):
        return []
    names = _tag_names(doc)
    _names, block = _base_tags()
    out: list[_Tag] = []
    n = len(text)
    last = -1
    for start in candidates(_TAG_START.finditer(text)):
        if len(out) >= MAX_HITS:
            break
        s = start.start()
        if s < last:
            continue
        head = text[s]
        if text.startswith("<!--", s):
            close = text.find("-->", s + 4, s + COMMENT_WINDOW)
            if close == -1:
                continue
            e, name = close + 3, ""
        elif head == "<":
            m = _TAG_BODY.match(text, s)
            if m is None:
                continue
            name = m.group("name").lower()
            attrs = m.group("attrs")
            if name not in names or (attrs and "=" not in attrs):
                continue  # "<Kosovo>", "a<b and c>d": not markup
            e = m.end()
        else:
            h = _ESCAPED_TAG_HEAD.match(text, s)
            if h is None or h.group(1).lower() not in names:
                continue
            close = text.find("&gt;", h.end(), h.end() + ESCAPED_TAG_WINDOW)
            if close == -1 or "<" in text[h.end() : close] or "\n" in text[h.end() : close]:
                continue
            inner = text[h.end() : close].strip()
            if inner and inner != "/" and not text[h.end()].isspace():
                continue
            e, name = close + 4, h.group(1).lower()
        last = e
        before = text[s - 1] if s > 0 else "\n"
        after = text[e] if e < n else "\n"
        fs, fe, rep = s, e, ""
        if before.isspace() and after.isspace():
            if after in " \t":
                fe = e + 1
            elif before in " \t":
                fs = s - 1
        elif not (before.isspace() or after.isspace() or after in ".,;:!?)\u201d\u2019\"'" or before in "(\u201c\u2018"):
            rep = " " if name in block else ""
        out.append(_Tag(s, e, name or "comment", Fix(rep, True, fs if fs != s else None, fe if fe != e else None)))
    return out


def html_tags(doc: Doc) -> list[_Tag]:
    """Leftover HTML tags and comments (computed once per article)."""
    return cached(doc, "_en_tags", _scan_tags)


_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def _clean_decoded(s: str) -> str:
    """Drop control and format characters (and U+FFFD) from decoded text, so
    a decoded ``&#8203;`` or ``\\u200b`` does not become a new finding."""
    return "".join(
        c for c in s if c in "\n\t" or (c != "\ufffd" and unicodedata.category(c) not in _INVISIBLE_CATEGORIES)
    )


def _unescape(entity: str) -> str:
    out = entity
    for _ in range(10):
        nxt = html.unescape(out)
        if nxt == out:
            break
        out = nxt
    return out


@rule(
    code="EN004",
    name="html-entity",
    category="encoding",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "Procter ⟦&amp;⟧ Gamble said ⟦&quot;⟧no⟦&quot;⟧.", "fixed": 'Procter & Gamble said "no".'},
        {"text": "It⟦&#8217;⟧s over, Kosovo\u2019s premier said.", "fixed": "It\u2019s over, Kosovo\u2019s premier said."},
        "Prices rose 5⟦&nbsp;⟧percent.",
        {"text": "Smith ⟦&amp;amp;⟧ Sons", "fixed": "Smith & Sons"},
        {
            "text": "\u201cWe are ready,\u201d he said, calling it ⟦&quot;⟧unprecedented⟦&quot;⟧.",
            "fixed": "\u201cWe are ready,\u201d he said, calling it \u201cunprecedented\u201d.",
        },
        {"text": "Shares of AT&T fell⟦&#x2014;⟧sharply.", "fixed": "Shares of AT&T fell\u2014sharply."},
    ],
    good=[
        "Shares of AT&T and R&D spending rose; Q&A at 5 p.m.",
        "Barnes & Noble & Co. met.",
        "The code &foo; is not an entity, nor is & alone.",
    ],
)
@capped(when=lambda doc: "&" in doc.text)
def html_entity(doc: Doc) -> Iterator[Hit]:
    """HTML entity left in the text (``&amp;``, ``&quot;``, ``&#8217;``, ``&nbsp;``).

    Why it matters: entities are markup, not text; a scraper or CMS export
    forgot to decode them and readers see ``&amp;`` instead of ``&``. The
    safe fix is the decoded text (doubly escaped ``&amp;quot;`` decodes
    fully; a decoded straight quote takes the article's quote style;
    invisible characters such as ``&#8203;`` decode to nothing). Escaped
    tags such as ``&lt;p&gt;`` are reported by EN005.
    """
    text = doc.text
    tags = SpanIndex((t.start, t.end) for t in html_tags(doc) if text.startswith("&lt;", t.start))
    for m in candidates(_ENTITY.finditer(text)):
        s, e = m.span()
        raw = m.group()
        ent = m.group("ent")
        if ent.endswith(";") and not ent.startswith("#") and ent not in html.entities.html5:
            continue  # "&foo;" is not an entity
        if tags and tags.covers(s):
            continue
        decoded = _unescape(raw)
        if decoded == raw:
            continue
        rep = styled_quotes(doc, s, e, _clean_decoded(decoded))
        yield Hit(s, e, f"HTML entity {raw!r} (decodes to {rep!r})", Fix(rep, True))


@rule(
    code="EN005",
    name="html-tag",
    category="encoding",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "⟦<p>⟧NATO sent troops.⟦</p>⟧", "fixed": "NATO sent troops."},
        {"text": "Talks failed.⟦<br/>⟧Troops stayed.", "fixed": "Talks failed. Troops stayed."},
        {"text": "Read the ⟦<a href=\"https://example.com/x\">⟧report⟦</a>⟧ today.", "fixed": "Read the report today."},
        {"text": "Troops stayed. ⟦</div>⟧ Talks resumed.", "fixed": "Troops stayed. Talks resumed."},
        {"text": "⟦&lt;p&gt;⟧NATO sent troops.", "fixed": "NATO sent troops."},
        "The text ⟦<!-- ad slot -->⟧ continues.",
    ],
    good=[
        "Growth was <2 percent and inflation >3 percent.",
        "He wrote <Kosovo> in brackets.",
        "If a<b and c>d then the rule holds.",
    ],
)
@capped(when=html_tags)
def html_tag(doc: Doc) -> Iterator[Hit]:
    """Leftover HTML tag or comment (``<p>``, ``</div>``, ``<br/>``, ``&lt;p&gt;``).

    Why it matters: tags are markup that a scraper failed to strip; they
    show up verbatim in reports, translations and training data. Only
    known HTML element names are reported (lexicon ``html-tags`` adds
    more). The safe fix removes the tag, leaving one space where a block
    element (``<br>``, ``<p>``, ``<div>``) separated two words.
    """
    for t in html_tags(doc):
        yield Hit(t.start, t.end, f"HTML {'comment' if t.name == 'comment' else 'tag'} {doc.text[t.start:t.end][:60]!r}", t.fix)


# -- EN006 -------------------------------------------------------------------

_ESCAPE = re.compile(
    r"\\\\?(?:u[0-9a-fA-F]{4}(?:\\\\?u[0-9a-fA-F]{4})*"
    r"|U[0-9a-fA-F]{8}"
    r"|x[0-9a-fA-F]{2}(?:\\\\?x[0-9a-fA-F]{2})*"
    r"|(?:r\\n|[nrt])(?:\\(?:r\\n|[nrt]))*"
    r"|[\"'])"
)


def _decode_escape(raw: str) -> tuple[str, bool] | None:
    """Decode a literal escape sequence: (text, safe) or None."""
    body = raw.replace("\\\\", "\\")
    if body[1] in "uU":
        try:
            units = codecs.decode(body, "unicode_escape")
            out = units.encode("utf-16", "surrogatepass").decode("utf-16")
        except (UnicodeDecodeError, UnicodeEncodeError):
            return None
        return out, True
    if body[1] == "x":
        data = bytes(int(body[k + 2 : k + 4], 16) for k in range(0, len(body), 4))
        try:
            return data.decode("utf-8"), True
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace"), False
    if body[1] in "\"'":
        return body[1], True
    return body.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n").replace("\\t", "\t"), True


@rule(
    code="EN006",
    name="escape-sequence",
    category="encoding",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "It⟦\\u2019⟧s over.", "fixed": "It\u2019s over."},
        {"text": "It⟦\\xe2\\x80\\x99⟧s over.", "fixed": "It\u2019s over."},
        {"text": "Talks ended.⟦\\n\\n⟧Troops stayed.", "fixed": "Talks ended.\n\nTroops stayed."},
        {"text": "He said ⟦\\\"⟧no⟦\\\"⟧ to the plan.", "fixed": 'He said "no" to the plan.'},
        {"text": "He smiled ⟦\\ud83d\\ude00⟧ then left.", "fixed": "He smiled \U0001f600 then left."},
    ],
    good=[
        "The file is in C:\\Temp\\new\\data and D:\\nation.",
        "A backslash \\ alone is fine.",
        "The regex \\d+ matches digits.",
    ],
)
@capped(when=lambda doc: "\\" in doc.text)
def escape_sequence(doc: Doc) -> Iterator[Hit]:
    """Literal escape sequence in the text (``\\u2019``, ``\\xe2\\x80\\x99``, ``\\n``, ``\\"``).

    Why it matters: text that was JSON- or Python-escaped twice shows the
    escape instead of the character. The safe fix is the decoded text
    (UTF-8 for byte escapes; byte runs that are not UTF-8 decode as
    Windows-1252 and need review). ``\\n`` and ``\\t`` are reported only
    where they cannot be part of a Windows path (``C:\\new``).
    """
    text = doc.text
    n = len(text)
    for m in candidates(_ESCAPE.finditer(text)):
        s, e = m.span()
        raw = m.group()
        if raw.lstrip("\\")[0] in "nrt":
            prev = text[s - 1] if s > 0 else " "
            nxt = text[e] if e < n else " "
            if (prev.isalnum() or prev in ":\\") and not (nxt.isupper() or nxt.isspace() or nxt in "\"\u201c\u201d'"):
                continue
        decoded = _decode_escape(raw)
        if decoded is None:
            continue
        value, safe = decoded
        rep = styled_quotes(doc, s, e, _clean_decoded(value))
        yield Hit(s, e, f"literal escape sequence {raw[:40]!r} (decodes to {rep[:20]!r})", Fix(rep, safe))


# -- EN007, EN008: invisible characters and bidi controls ----------------------

_INVISIBLE_CHARS = "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")
_EMOJI_NEIGHBOUR = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f\u20e3\p{Regional_Indicator}]")
_OTHER_SCRIPT = regex.compile(r"(?V1)[\p{L}--[\p{Latin}\p{Cyrillic}\p{Greek}]]")
_RTL = regex.compile(r"[\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}\p{Nko}]")
_INVISIBLE_NAMES = {
    "\u00ad": "soft hyphen",
    "\u034f": "combining grapheme joiner",
    "\u061c": "Arabic letter mark",
    "\u180e": "Mongolian vowel separator",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u2060": "word joiner",
    "\u2061": "function application",
    "\u2062": "invisible times",
    "\u2063": "invisible separator",
    "\u2064": "invisible plus",
    "\ufeff": "zero-width no-break space (BOM)",
}


def _legit_invisible(run: str, before: str, after: str, context: str) -> bool:
    """Invisible characters that do a job where they stand: joiners in
    emoji sequences and in scripts that need them, bidi marks beside
    right-to-left text, zero-width spaces in scripts without spaces."""
    for c in set(run):
        if c == "\u200d" and (_EMOJI_NEIGHBOUR.match(before) or _EMOJI_NEIGHBOUR.match(after)):
            continue
        if c in "\u200c\u200d\u200b" and (_OTHER_SCRIPT.match(before) or _OTHER_SCRIPT.match(after)):
            continue
        if c in "\u200e\u200f\u061c" and _RTL.search(context):
            continue
        return False
    return True


@rule(
    code="EN007",
    name="invisible-character",
    category="encoding",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "Kos⟦\u200b⟧ovo police said.", "fixed": "Kosovo police said."},
        {"text": "The inde⟦\u00ad⟧pendence vote.", "fixed": "The independence vote."},
        "NATO⟦\u200d\u200c⟧ troops arrived.",
        "Text⟦\ufeff⟧ with a BOM.",
        "Police in Kosovo⟦\u200e⟧ said.",
    ],
    good=[
        "The family emoji \U0001f468\u200d\U0001f469\u200d\U0001f467 was posted.",
        "The Persian word \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 means I want.",
        "The name \u05d3\u05d5\u05d3\u200f (David) appeared.",
        "Plain text with Vu\u010di\u0107 and Z\u00fcrich.",
    ],
)
@capped(when=_any_of(_INVISIBLE_CHARS))
def invisible_character(doc: Doc) -> Iterator[Hit]:
    """Invisible character in the text: zero-width space or joiner, soft hyphen, BOM, stray direction mark.

    Why it matters: invisible characters split words for search and
    deduplication (``Kos\\u200bovo`` does not match ``Kosovo``), survive
    into published text and can hide manipulation. Joiners inside emoji
    sequences and scripts that need them (Persian, Indic), and direction
    marks next to right-to-left text, are left alone. The fix deletes them.
    """
    text = doc.text
    n = len(text)
    for m in candidates(_INVISIBLE.finditer(text)):
        s, e = m.span()
        run = m.group()
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < n else " "
        if _legit_invisible(run, before, after, text[max(0, s - 3) : e + 3]):
            continue
        names = ", ".join(f"{_INVISIBLE_NAMES.get(c, 'invisible')} (U+{ord(c):04X})" for c in sorted(set(run)))
        yield Hit(s, e, f"invisible character: {names}", Fix("", True))


_BIDI_CHARS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{_BIDI_CHARS}]+")
_BIDI_NAMES = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}


@rule(
    code="EN008",
    name="bidi-control",
    category="encoding",
    severity="error",
    fixable=True,
    bad=[
        {"text": "Invoice ⟦\u202e⟧fdp.exe arrived.", "fixed": "Invoice fdp.exe arrived."},
        "The ⟦\u2066⟧name⟦\u2069⟧ was hidden.",
    ],
    good=["Plain text, even with \u05e2\u05d1\u05e8\u05d9\u05ea and \u0627\u0644\u0639\u0631\u0628\u064a\u0629 words."],
)
@capped(when=_any_of(_BIDI_CHARS))
def bidi_control(doc: Doc) -> Iterator[Hit]:
    """Bidirectional embedding, override or isolate control (U+202A–U+202E, U+2066–U+2069).

    Why it matters: these invisible characters reorder how text is
    displayed, so what a reviewer reads differs from what is stored — the
    "Trojan Source" trick. Always an ``error``. The safe fix deletes them;
    right-to-left words display correctly without them.
    """
    text = doc.text
    for m in candidates(_BIDI.finditer(text)):
        names = ", ".join(f"{_BIDI_NAMES[c]} (U+{ord(c):04X})" for c in sorted(set(m.group())))
        yield Hit(m.start(), m.end(), f"bidirectional control character: {names}", Fix("", True))


# -- EN009 -------------------------------------------------------------------

_CONTROL = re.compile(r"\x1b\[[0-9;?]{0,20}[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]+|\x1b|\r(?!\n)")
_C0_CHARS = re.compile(r"[\x00-\x1f\x7f]+")
_C1_CHARS = re.compile(r"[\x80-\x9f]")
#: The C0 controls (but tab and line breaks), DEL and the C1 controls.
_CONTROL_CHARS = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))) - frozenset("\t\n\r")


def _may_have_controls(doc: Doc) -> bool:
    text = doc.text
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return True
    return not _CONTROL_CHARS.isdisjoint(unusual_chars(doc))


@rule(
    code="EN009",
    name="control-character",
    category="encoding",
    severity="error",
    fixable=True,
    bad=[
        {"text": "Kosovo⟦\x00⟧ police said.", "fixed": "Kosovo police said."},
        {"text": "It⟦\x92⟧s over.", "fixed": "It\u2019s over."},
        {"text": "Alert: ⟦\x1b[31m⟧troops⟦\x1b[0m⟧ moved.", "fixed": "Alert: troops moved."},
        {"text": "Line one.⟦\r⟧Line two.", "fixed": "Line one.\nLine two."},
        {"text": "Page one.⟦\x0c⟧Page two.", "fixed": "Page one. Page two."},
    ],
    good=["Tabs\tand Windows line ends\r\nare fine.", "it\u00e2\u0080\u0099s mojibake, reported by EN003"],
)
@capped(when=_may_have_controls)
def control_character(doc: Doc) -> Iterator[Hit]:
    """C0 or C1 control character, terminal escape code or lone carriage return.

    Why it matters: control characters are invisible, break XML/JSON
    consumers and terminals, and C1 controls (U+0080–U+009F) almost always
    mean Windows-1252 text was decoded as Latin-1. The safe fix deletes C0
    controls and terminal colour codes, turns a lone ``\\r`` into a line
    break, and reads a C1 control as the Windows-1252 character it stands
    for (``\\x92`` → ``’``). C1 bytes inside mojibake are left to EN003.
    """
    text = doc.text
    moji = SpanIndex((mj.start, mj.end) for mj in mojibake_spans(doc))
    n = len(text)
    for m in candidates(_CONTROL.finditer(text)):
        s, e = m.span()
        c = text[s]
        if c == "\x1b" and e - s > 1:
            yield Hit(s, e, f"terminal escape code {m.group()!r}", Fix("", True))
            continue
        if c == "\r":
            yield Hit(s, e, "lone carriage return (old Mac line break)", Fix("\n", True))
            continue
        if c == "\x1b":
            yield Hit(s, e, "control character U+001B (escape)", Fix("", True))
            continue
        run = m.group()
        if moji and any("\x80" <= ch <= "\x9f" and moji.covers(s + k) for k, ch in enumerate(run[:64])):
            continue  # C1 bytes of a mojibake sequence: EN003 repairs the whole
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < n else " "
        # C1 controls read as Windows-1252; C0 controls go; bytes that
        # Windows-1252 leaves undefined are lost, so that fix needs review.
        has_c1 = _C1_CHARS.search(run) is not None
        decoded = run.encode("latin-1").decode("cp1252", "replace") if has_c1 else ""
        safe = "\ufffd" not in decoded
        rep = styled_quotes(doc, s, e, _C0_CHARS.sub("", decoded.replace("\ufffd", "")))
        if not rep and any(ch in "\x0b\x0c" for ch in run) and not before.isspace() and not after.isspace():
            rep = " "  # a page or line break between two words
        # Deleting controls must not glue two halves of a mojibake sequence.
        if not rep and _MOJIBAKE_HINT.match(before + after):
            safe = False
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(set(run))[:8])
        what = "C1 control" if has_c1 else "control character"
        if has_c1 and rep:
            message = f"{what} {codes}: Windows-1252 text decoded as Latin-1 (reads {rep!r})"
        else:
            message = f"{what} {codes}"
        yield Hit(s, e, message, Fix(rep, safe))


# -- EN010 -------------------------------------------------------------------

_CYRILLIC_GREEK = regex.compile(r"[\p{Cyrillic}\p{Greek}]+")
_LATIN = regex.compile(r"\p{Latin}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_GREEK = regex.compile(r"\p{Greek}")
#: Longest stretch of letters looked at around a Cyrillic or Greek letter.
WORD_WINDOW = 48


@lru_cache(maxsize=8)
def _homoglyph_tables(extra: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """script → {foreign letter → look-alike in that script}."""
    to_latin: dict[str, str] = {}
    for line in load_lines("encoding_homoglyphs.txt") + extra:
        parts = str(line).split()
        if len(parts) >= 2 and parts[0].upper().startswith("U+"):
            to_latin[chr(int(parts[0][2:], 16))] = parts[1]
    to_cyrillic: dict[str, str] = {}
    to_greek: dict[str, str] = {}
    for foreign, latin in to_latin.items():
        table = to_cyrillic if _CYRILLIC.match(foreign) else to_greek
        table.setdefault(latin, foreign)
    return {"Latin": to_latin, "Cyrillic": to_cyrillic, "Greek": to_greek}


def _script(c: str) -> str | None:
    if _LATIN.match(c):
        return "Latin"
    if _CYRILLIC.match(c):
        return "Cyrillic"
    if _GREEK.match(c):
        return "Greek"
    return None


#: Characters of the Latin-1 Supplement, Latin Extended-A/B and General
#: Punctuation blocks (accents, curly quotes, dashes, no-break spaces — the
#: usual unusual characters of English news) that are neither Cyrillic nor
#: Greek, so that most articles need no script lookup at all.
_NEITHER_CYRILLIC_NOR_GREEK = frozenset(
    c for c in map(chr, (*range(0x80, 0x250), *range(0x2000, 0x2070))) if not _CYRILLIC_GREEK.match(c)
)


def _has_cyrillic_or_greek(doc: Doc) -> bool:
    rest = unusual_chars(doc) - _NEITHER_CYRILLIC_NOR_GREEK
    return bool(rest) and _CYRILLIC_GREEK.search("".join(rest)) is not None


@rule(
    code="EN010",
    name="mixed-script-word",
    category="encoding",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "Police in K⟦\u043e⟧sovo said.", "fixed": "Police in Kosovo said."},
        {"text": "The ⟦\u039d\u0391⟧TO summit.", "fixed": "The NATO summit."},
        {"text": "K⟦\u043e⟧s⟦\u043e⟧vo", "fixed": "Kosovo"},
        {"text": "\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u0412⟦y⟧\u0447\u0438\u045b.", "fixed": "\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u0412\u0443\u0447\u0438\u045b."},
    ],
    good=[
        "President Vu\u010di\u0107 (\u0412\u0443\u0447\u0438\u045b in Cyrillic) visited Z\u00fcrich.",
        "A dose of 5 \u03bcg and the \u03b1-helix were studied.",
        "The \u0394-variant and \u03c0r\u00b2 formula.",
    ],
)
@capped(when=_has_cyrillic_or_greek)
def mixed_script_word(doc: Doc) -> Iterator[Hit]:
    """Word mixing Latin with Cyrillic or Greek look-alike letters (``Kоsovo`` with a Cyrillic ``о``).

    Why it matters: homoglyphs make a word look right while it no longer
    matches in search, spell checking, entity linking or deduplication;
    they come from OCR, keyboard-layout slips and deliberate spoofing.
    Only letters that imitate a letter of the word's main script are
    reported, so ``5 μg`` or ``α-helix`` are not. The safe fix replaces
    them with the main script's letters. Extra look-alikes come from the
    lexicon ``homoglyphs`` (``U+XXXX x`` entries).
    """
    text = doc.text
    extra = tuple(str(x) for x in doc.lexicon("homoglyphs"))
    tables = _homoglyph_tables(extra)
    n = len(text)
    last = -1
    for m in candidates(_CYRILLIC_GREEK.finditer(text)):
        if m.start() < last:
            continue
        s = m.start()
        lo = max(0, s - WORD_WINDOW, last)
        while s > lo and text[s - 1].isalpha():
            s -= 1
        e = m.end()
        hi = min(n, e + WORD_WINDOW)
        while e < hi and text[e].isalpha():
            e += 1
        last = e
        word = text[s:e]
        counts: dict[str, int] = {}
        for c in word:
            sc = _script(c)
            if sc:
                counts[sc] = counts.get(sc, 0) + 1
        if len(counts) < 2:
            continue
        main = max(counts, key=lambda k: (counts[k], k == "Latin"))
        table = tables[main] if main != "Latin" else tables["Latin"]
        runs: list[tuple[int, int, str]] = []
        for k, c in enumerate(word):
            sc = _script(c)
            if not sc or sc == main:
                continue
            look = table.get(c)
            if look is None:
                runs = []
                break  # a letter with no look-alike: a real foreign word part
            if runs and runs[-1][1] == s + k:
                rs, _re, rep = runs[-1]
                runs[-1] = (rs, s + k + 1, rep + look)
            else:
                runs.append((s + k, s + k + 1, look))
        others = "/".join(sorted(set(counts) - {main}))
        for rs, re_, rep in runs:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in text[rs:re_])
            yield Hit(rs, re_, f"{word!r} mixes {main} with {others} look-alike letters: {shown}", Fix(rep, True))


# -- EN011 -------------------------------------------------------------------

_NBSP_IN_WORD = regex.compile(r"(?<=\p{L})\u00a0(?=\p{L})")
_FRAGMENT_SUFFIXES = frozenset(
    "s es ed ing ings ion ions tion tions sion sions ment ments ness ence ences ance ances ity ities ly ally "
    "ful less ship ous ive ism ist ists able ible ized ised izing ising ization isation".split()
)
_WORD_CHARS = regex.compile(r"[\p{L}\p{M}]+")


def _vocabulary(doc: Doc) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD_CHARS.findall(doc.text))


@rule(
    code="EN011",
    name="word-breaking-nbsp",
    category="encoding",
    severity="warning",
    fixable=True,
    bad=[
        {"text": "Kosovo police said Kos⟦\u00a0⟧ovo is calm.", "fixed": "Kosovo police said Kosovo is calm."},
        {"text": "The independ⟦\u00a0⟧ence vote.", "fixed": "The independence vote."},
        {"text": "The troops were mov⟦\u00a0⟧ing north.", "fixed": "The troops were moving north."},
    ],
    good=[
        "Mr.\u00a0Kirby spoke at 10\u00a0a.m. about 600\u00a0troops.",
        "President\u00a0Vu\u010di\u0107 met officials in New\u00a0York.",
        "The word\u00a0choice was odd.",
    ],
)
@capped(when=lambda doc: "\u00a0" in doc.text)
def word_breaking_nbsp(doc: Doc) -> Iterator[Hit]:
    """No-break space inside a word (``Kos\\u00a0ovo``).

    Why it matters: a no-break space between two words is typography, but
    one inside a word splits it for search, spell checking and
    tokenisers while looking almost like a normal space. It is reported
    when the two halves form a word used elsewhere in the article, or the
    second half is a bare suffix (``-ing``, ``-ence``, ``-tion``); the safe
    fix joins the word.
    """
    text = doc.text
    vocab: frozenset[str] | None = None
    n = len(text)
    for m in candidates(_NBSP_IN_WORD.finditer(text)):
        i = m.start()
        s = i
        while s > 0 and i - s < WORD_WINDOW and text[s - 1].isalpha():
            s -= 1
        e = i + 1
        while e < n and e - i < WORD_WINDOW and text[e].isalpha():
            e += 1
        left, right = text[s:i], text[i + 1 : e]
        joined = (left + right).lower()
        if right.lower() in _FRAGMENT_SUFFIXES and right.islower():
            reason = f"{right!r} is not a word on its own"
        else:
            if vocab is None:
                vocab = cached(doc, "_en_vocabulary", _vocabulary)
            if joined not in vocab:
                continue
            reason = f"{left + right!r} is used elsewhere in the article"
        yield Hit(i, i + 1, f"no-break space splits a word ({reason})", Fix("", True))


__all__ = ["Mojibake", "html_tags", "mojibake_spans", "unusual_chars", "utf8"]
