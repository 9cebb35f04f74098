"""Language evidence and detection shared by the LG rules and the
``language`` stat (not a rule module itself).

Detection is layered so that a clean article in the expected language costs
no detector call at all:

1. **Cheap evidence per paragraph** (paragraphs of at least
   ``MIN_SEGMENT_CHARS`` characters; shorter ones are not judged): the share
   of letters outside the Latin script, the share of words that are function
   words of the expected language, and the largest share of function words of
   any other language (``rules/lang_stopwords.tsv``). A paragraph with plenty
   of expected-language function words and few foreign ones is decided on the
   spot.
2. **Sentences** of a paragraph that carries foreign evidence are judged the
   same way, so one untranslated sentence inside an English paragraph is
   found and reported with its own span.
3. **langdetect** (seeded: ``DetectorFactory.seed = 0``) only for what the
   evidence leaves open: segments in another script, segments whose
   function words point elsewhere (to name the language), and ambiguous
   segments. Ambiguous segments are first checked together in one call; only
   if that call does not confirm the expected language is each segment
   detected on its own. When most of the judged text is foreign, one call on
   the whole article decides the article language instead.

``analyze(doc)`` returns one ``LangAnalysis`` per document, cached on the
``Doc`` object, so rules, the stat provider and the source-language
annotator share a single result.
"""

from __future__ import annotations

import random
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate, chain, repeat
from math import cos as _cos
from math import log as _log
from math import pi as _pi
from math import sin as _sin
from math import sqrt as _sqrt
from operator import itemgetter
from typing import Any

import regex

from audit.doc import Doc

from ._common import DATA_DIR
from .encoding import unusual_chars

#: Segments shorter than this (in characters) are never judged.
MIN_SEGMENT_CHARS = 40
#: Fewer words than this: too little evidence to judge a segment.
MIN_WORDS = 5
#: Below this many words an ambiguous segment is left alone rather than
#: sent to the detector (headlines, lists of names).
MIN_DETECT_WORDS = 8
#: Shorter plain-ASCII segments without a single foreign function word are
#: headline-like and left alone.
HEADLINE_WORDS = 15
#: At most this many detector calls per article; further segments are named
#: from their function words alone (bounded time on hostile input).
MAX_DETECTOR_CALLS = 16
#: A detector verdict must reach this probability to count.
MIN_DETECT_PROB = 0.90
#: Expected-language decision: share of expected function words ...
EXPECTED_SHARE = 0.20
#: ... while a foreign language's function words are at most this fraction
#: of the expected ones.
FOREIGN_RATIO = 1 / 3
#: Foreign decision: share of one foreign language's function words.
FOREIGN_SHARE = 0.15

_CACHE_KEY = "_mtaudit_lang_analysis"

#: Letters of scripts other than Latin (Greek, Cyrillic, Armenian, Hebrew,
#: Arabic, Indic, Thai, Georgian, Hangul, kana, CJK, ...), by block.
NON_LATIN = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0700-\u1cff"
    "\u1f00-\u1fff\u2c00-\u2c5f\u2d00-\u2dff\u3040-\u30ff\u3100-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7af\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff\uff66-\uffdc]"
)
_NON_ASCII_LATIN = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
#: Either of the two above, in one pass.
_NON_ASCII_LETTER = re.compile("[" + NON_LATIN.pattern[1:-1] + _NON_ASCII_LATIN.pattern[1:-1] + "]")

#: Scripts named in messages, by a representative Unicode script property.
SCRIPTS: tuple[tuple[str, regex.Pattern[str]], ...] = tuple(
    (name, regex.compile(rf"\p{{{prop}}}"))
    for name, prop in (
        ("Cyrillic", "Cyrillic"),
        ("Arabic", "Arabic"),
        ("Hebrew", "Hebrew"),
        ("Greek", "Greek"),
        ("CJK", "Han"),
        ("Japanese kana", "Hiragana"),
        ("Japanese kana", "Katakana"),
        ("Hangul", "Hangul"),
        ("Devanagari", "Devanagari"),
        ("Thai", "Thai"),
        ("Armenian", "Armenian"),
        ("Georgian", "Georgian"),
        ("Bengali", "Bengali"),
        ("Tamil", "Tamil"),
    )
)

LANGUAGE_NAMES = {
    "af": "Afrikaans",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "so": "Somali",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@cache
def stopwords() -> dict[str, frozenset[str]]:
    """Function words per language from ``lang_stopwords.tsv``."""
    out: dict[str, frozenset[str]] = {}
    with open(DATA_DIR / "lang_stopwords.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            lang, _, words = line.rstrip("\n").partition("\t")
            out[lang.strip()] = frozenset(words.split())
    return out


@lru_cache(maxsize=16)
def _tables(expected: str) -> tuple[frozenset[str], frozenset[str], dict[str, tuple[str, ...]]]:
    """(expected-language words, all other languages' words, word → the
    other languages it points to)."""
    sw = stopwords()
    own = sw.get(expected, frozenset())
    foreign: dict[str, list[str]] = {}
    for lang, words in sw.items():
        if lang == expected:
            continue
        for w in words:
            # Single letters ("s" of "U.S.", initials) say nothing.
            if w not in own and len(w) > 1:
                foreign.setdefault(w, []).append(lang)
    return own, frozenset(foreign), {w: tuple(v) for w, v in foreign.items()}


# -- evidence ------------------------------------------------------------------


@dataclass(slots=True)
class Evidence:
    """Cheap evidence about one span of text."""

    words: int
    expected_share: float
    foreign_lang: str | None
    foreign_share: float
    non_latin: int
    #: Latin letters (approximated by the span size when no other script occurs).
    latin_letters: int
    #: Accented Latin letters per character of the span.
    non_ascii_share: float
    script: str | None = None

    @property
    def verdict(self) -> str:
        """``expected``, ``foreign``, ``script``, ``ambiguous`` or ``short``."""
        if self.non_latin > self.latin_letters:
            return "script"
        if self.words < MIN_WORDS:
            return "short"
        exp, fs = self.expected_share, self.foreign_share
        if exp >= EXPECTED_SHARE and fs <= exp * FOREIGN_RATIO and (self.non_ascii_share < 0.05 or exp >= 0.35):
            return "expected"
        if exp >= 0.35 and fs <= exp / 2:
            return "expected"
        if fs >= FOREIGN_SHARE and fs >= 2 * exp and fs * self.words >= 2:
            return "foreign"
        if self.words < MIN_DETECT_WORDS:
            return "short"
        if self.words < HEADLINE_WORDS and fs == 0 and self.non_ascii_share == 0 and self.non_latin == 0:
            # Headline-like: content words only, nothing pointing elsewhere.
            return "short"
        return "ambiguous"


_FOLD = (("\u2019", "'"), ("\u2018", "'"), ("\n", " "), ("\r", " "), ("\t", " "), ("\u00a0", " "))


def fold_lower(text: str, low: str | None = None) -> str:
    """Lower-cased ``text`` of the same length (offsets stay valid), with
    typographic apostrophes folded to ``'`` and line breaks, tabs and
    no-break spaces to plain spaces. ``low``: ``text`` already lower-cased
    that way (``Doc.lower``)."""
    if low is None:
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for a, b in _FOLD:
        if a in low:
            low = low.replace(a, b)
    return low


#: Punctuation turned into spaces before splitting into words (one C-level
#: ``str.replace`` per character is much cheaper than a tokenising regex).
_SPLIT_PUNCT = ',.;:!?"()[]{}<>/\\|\u201c\u201d\u201e\u00ab\u00bb\u2014\u2013\u2026*#+=_~'


def _wordable(low: str) -> str:
    for c in _SPLIT_PUNCT:
        if c in low:
            low = low.replace(c, " ")
    return low


def folded(doc: Doc) -> str:
    """``fold_lower(doc.text)``, computed once per document (shared by the
    language analysis and the calque matcher)."""
    low = doc.__dict__.get("_mtaudit_folded")
    if low is None:
        low = doc.__dict__["_mtaudit_folded"] = fold_lower(doc.text, doc.lower)
    return low


def evidence(text: str, expected: str) -> Evidence:
    """Function-word and script evidence for ``text``."""
    low = fold_lower(text)
    return span_evidence(low, 0, len(low), expected, low.isascii(), _wordable(low))


def tokens(doc: Doc) -> list[str]:
    """All words of ``wordable(doc)`` (lower-case, no punctuation), cached:
    ``wordable(doc).split()``, made of the sentences' words
    (``sentence_words``), the same string objects, so a word's hash is
    computed once for every family's dictionaries and sets. They are the
    same words: sentences cover every non-space character (they tile their
    paragraphs, which are the non-blank lines stripped) and end where white
    space follows (the sentence-end pattern looks ahead for ``\\s``, all of
    whose characters ``str.split`` splits on), so no word straddles two
    sentences."""
    t = doc.__dict__.get("_mtaudit_tokens")
    if t is None:
        t = doc.__dict__["_mtaudit_tokens"] = list(chain.from_iterable(sentence_words(doc)))
    return t


def wordable(doc: Doc) -> str:
    """``folded(doc)`` with punctuation blanked out, ready for ``split()``."""
    w = doc.__dict__.get("_mtaudit_wordable")
    if w is None:
        w = doc.__dict__["_mtaudit_wordable"] = _wordable(folded(doc))
    return w


def sentence_words(doc: Doc) -> list[tuple[str, ...]]:
    """Words of each of ``doc.sentences`` (lower-case, no punctuation:
    ``wordable``), computed once per document."""
    return doc.memo("_mtaudit_sentence_words", _sentence_words)


def _sentence_words(doc: Doc) -> list[tuple[str, ...]]:
    w = wordable(doc)
    return [tuple(w[s:e].split()) for s, e in doc.sentences]


def paragraph_words(doc: Doc) -> list[tuple[str, ...]]:
    """Words of each of ``doc.paragraphs``, computed once per document.

    Sliced from the article's words (``tokens``, the sentences' words one
    after the other) rather than by splitting every paragraph again: a
    paragraph's words run from its first sentence's first word to the next
    paragraph's."""
    return doc.memo("_mtaudit_paragraph_words", _paragraph_words)


def _paragraph_words(doc: Doc) -> list[tuple[str, ...]]:
    toks = tokens(doc)
    # Index into ``toks`` of each sentence's first word.
    offsets = list(accumulate(map(len, sentence_words(doc)), initial=0))
    starts = list(map(itemgetter(0), doc.sentences))
    firsts = list(map(offsets.__getitem__, map(bisect_left, repeat(starts), map(itemgetter(0), doc.paragraphs))))
    firsts.append(len(toks))
    return list(map(tuple, map(toks.__getitem__, map(slice, firsts, firsts[1:]))))


def span_evidence(
    low: str, start: int, end: int, expected: str, ascii_only: bool = False, split_text: str | None = None
) -> Evidence:
    """Evidence for ``low[start:end]`` where ``low`` is folded text
    (``fold_lower``); ``ascii_only`` skips the script counts; ``split_text``
    is ``low`` with punctuation blanked (same offsets). Every step is a
    C-level string, set or ``map`` operation: this runs on every paragraph
    of every article."""
    own, foreign_all, foreign = _tables(expected)
    non_latin = non_ascii = 0
    script = None
    size = end - start
    if not ascii_only and not low[start:end].isascii():
        non_latin = len(NON_LATIN.findall(low, start, end))
        non_ascii = len(_NON_ASCII_LATIN.findall(low, start, end))
        if non_latin:
            script = dominant_script(low[start:end])
    words = (split_text if split_text is not None else _wordable(low))[start:end].split()
    n = len(words)
    exp = sum(map(own.__contains__, words))
    flang, fcount = None, 0
    hits = foreign_all.intersection(words)
    if hits:
        counts: dict[str, int] = {}
        for w in hits:
            c = words.count(w)
            for lang in foreign[w]:
                counts[lang] = counts.get(lang, 0) + c
        flang, fcount = max(sorted(counts.items()), key=lambda kv: kv[1])
    # Without other scripts the span's size stands in for its letter count
    # (only ratios against small counts are taken from it).
    latin_letters = sum(map(len, words)) - non_latin if non_latin else size
    return Evidence(
        words=n,
        expected_share=exp / n if n else 0.0,
        foreign_lang=flang,
        foreign_share=fcount / n if n else 0.0,
        non_latin=non_latin,
        latin_letters=latin_letters,
        non_ascii_share=non_ascii / size if size else 0.0,
        script=script,
    )


def dominant_script(text: str) -> str | None:
    """The non-Latin script with most letters in ``text`` (None if none)."""
    best, best_n = None, 0
    for name, pat in SCRIPTS:
        n = len(pat.findall(text))
        if n > best_n:
            best, best_n = name, n
    return best


# -- detector -------------------------------------------------------------------

_FACTORY: Any = None


class _LazyProbMap(dict):  # type: ignore[type-arg]
    """langdetect's ``word_lang_prob_map`` (n-gram → probability per
    language), with each row built on first use.

    ``DetectorFactory.load_profile`` builds a 55-float row for every one of
    the ~88,000 n-grams of its profiles up front, which costs more than the
    whole audit of a few hundred articles; a detector only ever looks up the
    n-grams of the text it is given. Every n-gram is a key from the start
    (``in`` stays dict's own C lookup) and maps to ``None`` until its row is
    first read. Rows hold exactly the values ``DetectorFactory.add_profile``
    computes (``1.0 * count / n_words``), so detection results are
    unchanged. Stock langdetect uses only ``in`` and ``[]`` on this map;
    ``FastDetector`` reads rows through ``packed_rows``."""

    __slots__ = ("_packed", "_profiles", "ngram_cache")

    def __init__(self, profiles: list[tuple[dict[str, int], list[int]]]):
        super().__init__(dict.fromkeys(frozenset().union(*(freq for freq, _ in profiles))))
        self._profiles = profiles
        self._packed: dict[str, bytes] = {}
        #: Normalised word (with its trailing space) → its n-grams in this
        #: map, for ``FastDetector._extract_ngrams``.
        self.ngram_cache: dict[str, tuple[str, ...]] = {}

    def packed_rows(self, words: list[str]) -> bytes:
        """The rows of ``words`` as native float64 bytes, one after the
        other (each row's bytes are kept: a detector reads its n-grams'
        rows into one table with a single ``numpy.frombuffer``, much cheaper
        than converting lists)."""
        packed = self._packed
        rows = list(map(packed.get, words))
        if None in rows:
            for i, word in enumerate(words):
                if rows[i] is None:
                    rows[i] = packed[word] = array("d", self[word]).tobytes()
        return b"".join(rows)  # type: ignore[arg-type]

    def __getitem__(self, word: str) -> list[float]:
        row: list[float] | None = dict.__getitem__(self, word)
        if row is None:
            row = [0.0] * len(self._profiles)
            n = len(word)
            if 1 <= n <= 3:
                for index, (freq, n_words) in enumerate(self._profiles):
                    count = freq.get(word)
                    if count is not None:
                        row[index] = 1.0 * count / n_words[n - 1]
            dict.__setitem__(self, word, row)
        return row


def _load_factory() -> Any:
    """A seeded langdetect ``DetectorFactory`` with the bundled profiles,
    loaded the way ``DetectorFactory.load_profile`` does (same files, same
    language order) but with a lazy probability map (``_LazyProbMap``)."""
    import json
    import os

    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    DetectorFactory.seed = 0
    factory = DetectorFactory()
    names = os.listdir(PROFILES_DIRECTORY)
    profiles: list[tuple[dict[str, int], list[int]]] = []
    for name in names:
        path = os.path.join(PROFILES_DIRECTORY, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data["name"] in factory.langlist:
            raise ValueError(f"duplicate langdetect profile: {data['name']}")
        factory.langlist.append(data["name"])
        profiles.append((data["freq"], data["n_words"]))
    # load_profile sizes every row by the directory listing, entries skipped
    # above included; pad so the rows have the same length.
    profiles.extend(({}, [1, 1, 1]) for _ in range(len(names) - len(profiles)))
    factory.word_lang_prob_map = _LazyProbMap(profiles)
    return factory


def _factory() -> Any:
    global _FACTORY
    if _FACTORY is None:
        _FACTORY = _load_factory()
    return _FACTORY


#: Rows gathered for a detector trial at first (steps until it converges:
#: about 60 on news text); more are gathered when a trial runs longer.
_TRIAL_ROWS = 96
#: Words of a seeded generator kept for all detections (about three
#: detections' worth is read ahead; a detection that needs more than this
#: continues on a private copy of the stream).
_MAX_SHARED_WORDS = 1 << 16
_TWOPI = 2.0 * _pi


class _WordStream:
    """The 32-bit words a ``random.Random(seed)`` produces, read ahead in
    bulk and kept: ``getrandbits(32 * k)`` returns the next ``k`` words of
    the Mersenne Twister, the first in the lowest bits, the same words
    ``k`` calls of ``getrandbits(n <= 32)`` or ``random()`` would consume
    (each keeps the top ``n`` bits of one word; ``random()`` uses two)."""

    __slots__ = ("_rand", "shared", "words")

    def __init__(self, seed: int | None, shared: bool):
        import numpy

        self._rand = random.Random(seed)
        self.words: Any = numpy.empty(0, dtype=numpy.uint32)
        self.shared = shared

    def upto(self, n: int) -> Any:
        """The first ``n`` words (or more)."""
        import numpy

        have = len(self.words)
        if n > have:
            k = max(n, 2 * have) - have
            more = numpy.frombuffer(self._rand.getrandbits(32 * k).to_bytes(4 * k, "little"), dtype="<u4")
            self.words = numpy.concatenate((self.words, more))
        return self.words

    def private_copy(self) -> _WordStream:
        """An unshared stream with the same words and generator state."""
        copy = _WordStream(None, shared=False)
        copy.words = self.words
        copy._rand.setstate(self._rand.getstate())
        return copy


@lru_cache(maxsize=4)
def _seeded_stream(seed: int) -> _WordStream:
    return _WordStream(seed, shared=True)


def _word_stream(seed: int | None) -> _WordStream:
    """The words of ``random.Random(seed)``: one shared stream per seed
    (every detection starts from the same seeded state), a fresh one when
    langdetect is unseeded."""
    return _seeded_stream(seed) if seed is not None else _WordStream(None, shared=False)


class _Draws:
    """One detection's reading of a ``_WordStream``: the draws
    ``random.Random.choice(ngrams)`` makes and the words ``gauss`` takes,
    in stream order.

    ``choice`` is ``ngrams[_randbelow(n)]``: a word shifted right to
    ``n.bit_length()`` bits, drawn again while the result is ``n`` or more.
    Every word from ``pos`` on is a candidate draw; ``gauss`` takes its
    words where a trial's draws ended."""

    __slots__ = ("_at", "_n", "_picks", "_pos", "_rows", "_seen", "_shift", "_stream")

    #: Words examined at first (seven trials of about 60 draws need ~500).
    FIRST_WORDS = 1024

    def __init__(self, stream: _WordStream, picks: Any):
        self._stream = stream
        #: Row of the probability table for each n-gram position.
        self._picks = picks
        self._n = len(picks)
        self._shift = 32 - self._n.bit_length()
        self._pos = 0
        self._seen = 0
        self._scan(self.FIRST_WORDS)

    def _scan(self, n_words: int) -> None:
        """Find the draws among the first ``n_words`` words: ``_at`` their
        word positions, ``_rows`` the table row each one picks."""
        import numpy

        if n_words > _MAX_SHARED_WORDS and self._stream.shared:
            self._stream = self._stream.private_copy()
        values = self._stream.upto(n_words)[:n_words] >> self._shift
        self._at = numpy.flatnonzero(values < self._n)
        self._rows = self._picks[values[self._at]]
        self._seen = n_words

    def take_words(self, k: int) -> list[int]:
        """The next ``k`` words, as ``gauss`` reads them."""
        while self._pos + k > self._seen:
            self._scan(2 * self._seen)
        words: list[int] = self._stream.words[self._pos : self._pos + k].tolist()
        self._pos += k
        return words

    def _first(self, size: int) -> int:
        """Index of the next draw (from word ``pos`` on), with at least
        ``size`` draws found from there."""
        import numpy

        while True:
            first = int(numpy.searchsorted(self._at, self._pos))
            if first + size <= len(self._at):
                return first
            self._scan(2 * self._seen)

    def block(self, table: Any, weight: float, init: list[float], size: int) -> Any:
        """A trial's rows: ``init`` then ``weight + table[row]`` for each of
        the next ``size`` draws."""
        import numpy

        first = self._first(size)
        out = numpy.empty((size + 1, table.shape[1]), dtype=numpy.float64)
        out[0] = init
        rows = out[1:]
        numpy.take(table, self._rows[first : first + size], axis=0, out=rows, mode="clip")
        rows += weight
        return out

    def consume(self, count: int) -> None:
        """The trial used its first ``count`` draws: go on after them."""
        first = self._first(count)
        self._pos = int(self._at[first + count - 1]) + 1


#: What langdetect's ``Detector.cleaning_text`` counts: Latin letters
#: ('A' to 'z', as it compares) and characters from U+0300 on.
_A_TO_LOWER_Z = re.compile("[A-z]")
_FROM_U0300 = re.compile("[\u0300-\U0010ffff]")
#: Words whose langdetect n-grams are kept (``_LazyProbMap.ngram_cache``).
_NGRAM_CACHE_SIZE = 20_000


def _word_ngrams(word: str, contains: Any) -> tuple[str, ...]:
    """The n-grams langdetect's ``NGram.add_char`` yields for ``word``
    (normalised characters, at most one trailing space) read from its
    starting state, keeping those the profiles know (``contains``)."""
    result: list[str] = []
    grams, capital = " ", False
    for ch in word:
        last = grams[-1]
        if last == " ":
            grams, capital = " ", False
            if ch == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        if ch != " " and contains(ch):
            result.append(ch)
        n = len(grams)
        if n >= 2:
            if contains(w := grams[-2:]):
                result.append(w)
            if n >= 3 and contains(grams):
                result.append(grams)
    return tuple(result)


def _packed_rows(table: Any, ngrams: list[str]) -> bytes:
    """The probability rows of ``ngrams`` as one run of float64 bytes."""
    if isinstance(table, _LazyProbMap):
        return table.packed_rows(ngrams)
    return array("d", [p for w in ngrams for p in table[w]]).tobytes()


@cache
def _detector_class() -> Any:
    """langdetect's ``Detector`` with its hot loops made cheaper: n-gram
    extraction word by word (no ``NGram`` object; each word's n-grams
    kept), character counts by regex, and the sampling loop over numpy
    rows, a block of draws at a time, with the seeded random draws read in
    bulk. The same n-grams come out in the same order, the
    same draws are made and each probability is computed by the same
    floating-point operations, so results are identical (tested against
    stock langdetect)."""
    import numpy
    from langdetect.detector import Detector
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException
    from langdetect.utils.ngram import NGram
    from langdetect.utils.unicode_block import unicode_block

    normalize = cache(NGram.normalize)

    class FastDetector(Detector):  # type: ignore[misc]
        def __init__(self, factory: Any):
            # Stock ``__init__`` without its ``random.Random()``, which seeds
            # itself from the operating system on every detector (about a
            # fiftieth of a detection): the draws come from the seeded
            # ``_word_stream`` instead.
            self.word_lang_prob_map = factory.word_lang_prob_map
            self.langlist = factory.langlist
            self.seed = factory.seed
            self.random = None
            self.text = ""
            self.langprob: list[float] | None = None
            self.alpha = self.ALPHA_DEFAULT
            self.n_trial = 7
            self.max_text_length = 10000
            self.prior_map = None
            self.verbose = False

        def cleaning_text(self) -> None:
            # Stock's loop over every character, with the characters it
            # counts found by regex: letters 'A'..'z' (a range that takes in
            # [\]^_`) against characters from U+0300 on whose block stock's
            # test lets through; Latin text has few or none of the latter.
            text = self.text
            if text.isascii():
                return
            non_latin = sum(unicode_block(ch) != "Latin Extended Additional" for ch in _FROM_U0300.findall(text))
            if len(_A_TO_LOWER_Z.findall(text)) * 2 < non_latin:
                self.text = _A_TO_LOWER_Z.sub("", text)

        def _extract_ngrams(self) -> list[str]:
            # NGram.add_char's state machine starts afresh after every space
            # (and at the start), so a text's n-grams are those of its
            # space-separated words one after the other, each word read
            # with the space that follows it. Words recur, so each word's
            # n-grams are computed once (``_word_ngrams``) and kept.
            pieces = "".join(map(normalize, self.text)).split(" ")
            last = pieces.pop()
            table = self.word_lang_prob_map
            known = table.ngram_cache if isinstance(table, _LazyProbMap) else {}
            if len(known) > _NGRAM_CACHE_SIZE:
                known.clear()
            contains = table.__contains__
            result: list[str] = []
            for piece in pieces:
                if piece:
                    piece += " "
                    grams = known.get(piece)
                    if grams is None:
                        grams = known[piece] = _word_ngrams(piece, contains)
                    result += grams
            if last:
                result += _word_ngrams(last, contains)
            return result

        def _detect_block(self) -> None:
            # langdetect's sampling loop, computed with the same
            # floating-point operations in the same order (bit-identical
            # results, tested against stock langdetect), but a block of
            # draws at a time instead of one Python step per draw.
            #
            # * Draws: stock langdetect seeds ``self.random``, then calls
            #   ``gauss`` once per trial and ``choice(ngrams)`` once per
            #   step. The same generator words are read in bulk and the
            #   same draws picked out of them (``_Draws``); ``gauss`` is
            #   redone from its words with ``random.Random.gauss``'s formula.
            # * Updates: stock multiplies the probabilities by
            #   ``weight + row`` at every step and normalises after steps
            #   0, 5, 10, ... (``i % 5 == 0``). Nothing is decided between
            #   two normalisations, so a trial's rows are gathered at once
            #   (``block``: row s + 1 for step s), the current probabilities
            #   are written into the row before the next step's, and one
            #   ``numpy.multiply.reduce`` down the rows multiplies each
            #   probability in stock order: ((p * r1) * r2) * ...
            # * Normalisation sums left to right, as stock's ``sum`` does:
            #   ``numpy.add.accumulate`` adds one element after the other
            #   (``numpy.sum`` would add pairwise).
            #   Division is monotonic, so stock's ``max(p / sump)`` is
            #   ``max(p) / sump`` (``min`` if ``sump`` is negative: possible
            #   only with an alpha set near 0).
            self.cleaning_text()
            ngrams = self._extract_ngrams()
            if not ngrams:
                raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
            # Each distinct n-gram's row once, in order of first use, and the
            # row index of every n-gram position.
            distinct = list(dict.fromkeys(ngrams))
            index = dict(zip(distinct, range(len(distinct))))
            picks = numpy.fromiter(map(index.__getitem__, ngrams), dtype=numpy.intp, count=len(ngrams))
            table = numpy.frombuffer(_packed_rows(self.word_lang_prob_map, distinct), dtype=numpy.float64)
            table = table.reshape(len(distinct), -1)[:, : len(self.langlist)]
            n_trial, limit, threshold = self.n_trial, self.ITERATION_LIMIT, self.CONV_THRESHOLD
            langprob = numpy.zeros(len(self.langlist), dtype=numpy.float64)
            draws = _Draws(_word_stream(self.seed), picks)
            prob = numpy.empty(len(self.langlist), dtype=numpy.float64)
            sums = numpy.empty(len(self.langlist), dtype=numpy.float64)
            gauss_next: float | None = None
            for _ in range(n_trial):
                # random.Random.gauss(0.0, 1.0): two random() values (four
                # words) every other call.
                if gauss_next is None:
                    w1, w2, w3, w4 = draws.take_words(4)
                    x2pi = ((w1 >> 5) * 67108864.0 + (w2 >> 6)) * (1.0 / 9007199254740992.0) * _TWOPI
                    g2rad = _sqrt(-2.0 * _log(1.0 - ((w3 >> 5) * 67108864.0 + (w4 >> 6)) * (1.0 / 9007199254740992.0)))
                    z = _cos(x2pi) * g2rad
                    gauss_next = _sin(x2pi) * g2rad
                else:
                    z, gauss_next = gauss_next, None
                alpha = self.alpha + (0.0 + z * 1.0) * self.ALPHA_WIDTH
                weight = alpha / self.BASE_FREQ
                size = _TRIAL_ROWS
                block = draws.block(table, weight, self._init_probability(), size)
                # Row ``start`` holds the current probabilities; the next
                # normalisation comes after step ``end`` (row end + 1).
                start = end = 0
                while True:
                    if end + 1 > size:
                        size *= 2
                        wider = draws.block(table, weight, self._init_probability(), size)
                        wider[start] = block[start]
                        block = wider
                    numpy.multiply.reduce(block[start : end + 2], axis=0, out=prob)
                    sump = float(numpy.add.accumulate(prob, out=sums)[-1])
                    if not sump:
                        raise ZeroDivisionError("float division by zero")  # as stock langdetect
                    start = end + 1
                    numpy.divide(prob, sump, out=block[start])
                    top = float(prob[prob.argmax() if sump > 0 else prob.argmin()]) / sump  # max(p / sump)
                    if max(0.0, top) > threshold or end >= limit:
                        break
                    end += 5
                draws.consume(start)
                langprob += block[start] / n_trial  # element by element, as stock's loop
            self.langprob = langprob.tolist()

    return FastDetector


#: Detector results are kept for this many recent texts of at most
#: ``DETECT_CACHE_MAX_CHARS`` characters (at most ~2 MB): detection is
#: deterministic, and the same untranslated boilerplate (a disclaimer, a
#: caption left in the source language) recurs across a source's articles.
DETECT_CACHE_SIZE = 512
DETECT_CACHE_MAX_CHARS = 1000


def detect(text: str) -> list[tuple[str, float]]:
    """langdetect's probabilities for ``text``, best first (seeded, so
    deterministic). Chinese variants are folded into ``zh``. Empty when
    langdetect finds no features."""
    if len(text) <= DETECT_CACHE_MAX_CHARS:
        return list(_detect_recent(text))
    return _detect(text)


@lru_cache(maxsize=DETECT_CACHE_SIZE)
def _detect_recent(text: str) -> tuple[tuple[str, float], ...]:
    return tuple(_detect(text))


def _detect(text: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_class()(_factory())
    detector.append(text)
    try:
        probs = detector.get_probabilities()
    except LangDetectException:
        return []
    out: dict[str, float] = {}
    for lp in probs:
        code = "zh" if lp.lang.startswith("zh") else lp.lang
        out[code] = out.get(code, 0.0) + lp.prob
    return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))


# -- analysis -------------------------------------------------------------------


@dataclass(slots=True)
class Segment:
    """A judged span: its language (None when left undecided)."""

    start: int
    end: int
    lang: str | None
    confidence: float
    method: str
    evidence: Evidence | None = None


@dataclass(slots=True)
class LangAnalysis:
    expected: str
    #: Most likely article language (None when nothing could be judged).
    lang: str | None
    confidence: float
    #: ``cheap`` (function words), ``langdetect`` or ``none``.
    method: str
    segments: list[Segment] = field(default_factory=list)
    detector_calls: int = 0

    @property
    def foreign_segments(self) -> list[Segment]:
        """Segments confidently in another language than the expected one."""
        return [s for s in self.segments if s.lang and s.lang != self.expected]


def expected_language(doc: Doc) -> str:
    """The configured article language as a bare code (``en-GB`` → ``en``)."""
    lang = (doc.config.lang if doc.config is not None else "en") or "en"
    return _bare_language(lang)


@lru_cache(maxsize=64)
def _bare_language(lang: str) -> str:
    return lang.lower().split("-")[0].split("_")[0]


def analyze(doc: Doc) -> LangAnalysis:
    """The document's language analysis, computed once per ``Doc``."""
    cached = doc.__dict__.get(_CACHE_KEY)
    if cached is None:
        cached = _analyze(doc)
        doc.__dict__[_CACHE_KEY] = cached
    return cached


def _candidate_spans(doc: Doc, expected: str) -> list[tuple[int, int, Evidence | None]]:
    """Judged spans with their evidence: whole paragraphs, or the sentences
    of a paragraph whose evidence is not cleanly expected. ``None`` stands
    for overwhelming expected-language evidence (half the words or more are
    its function words and none is foreign): confidence 1.0."""
    low = folded(doc)
    split_text = wordable(doc)
    # Letters beyond ASCII (accents, other scripts) anywhere? Usually not:
    # then no paragraph needs its script counts.
    ascii_only = not _letters_beyond_ascii(doc)
    out: list[tuple[int, int, Evidence | None]] = []
    sentences = None
    sentence_starts: list[int] = []
    own, foreign_all, _ = _tables(expected)
    # Not one foreign function word in the whole article (the usual case):
    # no paragraph needs its own check. (Paragraphs end at white space, so
    # their words are words of ``tokens``.)
    no_foreign = foreign_all.isdisjoint(tokens(doc))
    for (ps, pe), words in zip(doc.paragraphs, paragraph_words(doc)):
        if pe - ps < MIN_SEGMENT_CHARS:
            continue
        # A paragraph without letters beyond ASCII has no script counts.
        plain = ascii_only or not _NON_ASCII_LETTER.search(low, ps, pe)
        if plain:
            # Fast path for the common case: plenty of expected function
            # words and not one foreign one.
            n = len(words)
            if n >= MIN_WORDS and (no_foreign or foreign_all.isdisjoint(words)):
                exp = sum(map(own.__contains__, words))
                if exp >= EXPECTED_SHARE * n:
                    # Evidence is left out (``None``) only in articles
                    # without letters beyond ASCII; elsewhere the paragraph
                    # keeps the evidence ``span_evidence`` would give it.
                    overwhelming = exp >= 0.5 * n and ascii_only
                    out.append((ps, pe, None if overwhelming else Evidence(n, exp / n, None, 0.0, 0, pe - ps, 0.0)))
                    continue
        ev = span_evidence(low, ps, pe, expected, plain, split_text)
        v = ev.verdict
        if v == "expected" and ev.foreign_share * ev.words < 2:
            out.append((ps, pe, ev))
            continue
        if v == "script":
            out.append((ps, pe, ev))
            continue
        if sentences is None:
            sentences = doc.sentences
            sentence_starts = [s for s, _ in sentences]
        lo, hi = bisect_left(sentence_starts, ps), bisect_left(sentence_starts, pe)
        parts = [q for s, e in sentences[lo:hi] if e <= pe for q in _split_quotes(doc, s, e)]
        if len(parts) <= 1:
            out.append((ps, pe, ev))
            continue
        sub = [(s, e, span_evidence(low, s, e, expected, plain, split_text)) for s, e in parts if e - s >= MIN_SEGMENT_CHARS]
        verdicts = {x[2].verdict for x in sub}
        if not sub or verdicts <= {"expected", "short"}:
            out.append((ps, pe, ev))
        elif len(verdicts - {"short"}) == 1 and len(sub) == len(parts):
            # Every sentence points the same way: judge the paragraph whole.
            out.append((ps, pe, ev))
        else:
            out.extend(sub)
    return out


def _letters_beyond_ascii(doc: Doc) -> bool:
    """Does ``folded(doc)`` hold a letter beyond ASCII (``_NON_ASCII_LETTER``)?

    Read from the article's set of characters beyond printable ASCII
    (``unusual_chars``, shared with the encoding rules) instead of scanning
    the text: ``folded`` lower-cases each character on its own
    (``Doc.lower``: one whose lower case is longer stays as it is; only the
    Greek capital sigma's lower case depends on context, and both of its
    forms are Greek) and folds only quotes and spaces, so its characters
    beyond ASCII are the lower cases of those in the set."""
    chars = "".join(unusual_chars(doc))
    low = chars.lower()
    if len(low) != len(chars):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in chars)
    return _NON_ASCII_LETTER.search(low) is not None


def _split_quotes(doc: Doc, s: int, e: int) -> list[tuple[int, int]]:
    """A sentence, or its long quoted part(s) and the rest around them, so
    that quoted foreign speech with an English attribution is judged on its
    own."""
    quoted = doc.quoted
    starts = doc.__dict__.get("_mtaudit_quote_starts")
    if starts is None:
        starts = doc.__dict__["_mtaudit_quote_starts"] = [a for a, _ in quoted]
    lo, hi = bisect_left(starts, s), bisect_left(starts, e)
    quotes = [(a, b) for a, b in quoted[lo:hi] if b <= e and b - a >= MIN_SEGMENT_CHARS]
    if not quotes:
        return [(s, e)]
    out: list[tuple[int, int]] = []
    pos = s
    text = doc.text
    for a, b in quotes:
        if a > pos:
            out.append(_strip(text, pos, a))
        out.append(_strip(text, a, b))
        pos = b
    if pos < e:
        out.append(_strip(text, pos, e))
    return [(a, b) for a, b in out if a < b]


def _analyze(doc: Doc) -> LangAnalysis:
    expected = expected_language(doc)
    text = doc.text
    own_words = stopwords().get(expected)
    calls = 0

    if not own_words:
        # No function-word list for this language: the detector decides the
        # article language in one call; paragraphs are not judged.
        body = text.strip()
        if len(body) < MIN_SEGMENT_CHARS:
            return LangAnalysis(expected, None, 0.0, "none")
        probs = detect(body[:10000])
        lang, prob = probs[0] if probs else (None, 0.0)
        return LangAnalysis(expected, lang, round(prob, 2), "langdetect", detector_calls=1)

    spans = _candidate_spans(doc, expected)
    if not spans:
        body_s, body_e = _strip(text)
        if body_e - body_s >= MIN_SEGMENT_CHARS:
            whole: Evidence | None = span_evidence(folded(doc), body_s, body_e, expected, False, wordable(doc))
            spans = [(body_s, body_e, whole)]

    segments: list[Segment] = []
    pending: list[tuple[int, int, Evidence]] = []
    judged_expected = 0
    for s, e, ev in spans:
        if ev is None:
            segments.append(Segment(s, e, expected, 1.0, "cheap"))
            judged_expected += e - s
            continue
        v = ev.verdict
        if v == "expected":
            segments.append(Segment(s, e, expected, round(min(1.0, 0.5 + ev.expected_share), 2), "cheap", ev))
            judged_expected += e - s
        elif v != "short":
            pending.append((s, e, ev))
    if not pending:
        # The usual case: every judged span is in the expected language
        # (segments already in text order).
        if not segments:
            return LangAnalysis(expected, None, 0.0, "none")
        return LangAnalysis(expected, expected, 1.0, "cheap", segments)

    pending_chars = sum(e - s for s, e, _ in pending)
    article_lang: str | None = None
    article_conf = 0.0
    method = "cheap"

    if pending_chars > judged_expected:
        # Mostly foreign: one call on the whole article decides, unless it
        # comes back as the expected language (then judge segment by segment).
        body_s, body_e = _strip(text)
        probs = detect(text[body_s:body_e][:10000])
        calls += 1
        if probs and probs[0][0] != expected and probs[0][1] >= MIN_DETECT_PROB:
            article_lang, article_conf = probs[0]
            method = "langdetect"
            for s, e, ev in pending:
                lang = article_lang if ev.verdict != "ambiguous" else None
                segments.append(Segment(s, e, lang, round(article_conf, 2), "langdetect", ev))
            pending = []
    if pending:
        ambiguous = [p for p in pending if p[2].verdict == "ambiguous"]
        decided: set[int] = set()
        # The joined call's result when it judged exactly one segment's
        # text: detection is deterministic, so that segment's own call
        # below would repeat it (still counted against the per-article bound).
        single: tuple[int, list[tuple[str, float]]] | None = None
        if ambiguous:
            joined = "\n".join(text[s:e] for s, e, _ in ambiguous)
            probs = detect(joined[:10000])
            calls += 1
            if len(ambiguous) == 1 and len(joined) <= 10000:
                single = (ambiguous[0][0], probs)
            if probs and probs[0][0] == expected and probs[0][1] >= MIN_DETECT_PROB:
                for s, e, ev in ambiguous:
                    segments.append(Segment(s, e, expected, round(probs[0][1], 2), "langdetect", ev))
                    decided.add(s)
        for s, e, ev in pending:
            if s in decided:
                continue
            if calls >= MAX_DETECTOR_CALLS:
                # Enough detector time spent on this article: name the rest
                # from their function words where those are conclusive.
                foreign = ev.verdict == "foreign"
                lang = ev.foreign_lang if foreign else None
                segments.append(Segment(s, e, lang, round(ev.foreign_share, 2) if foreign else 0.0, "cheap", ev))
                continue
            probs = single[1] if single is not None and single[0] == s else detect(text[s:e])
            calls += 1
            lang, prob = probs[0] if probs else (None, 0.0)
            if lang is None or prob < MIN_DETECT_PROB:
                segments.append(Segment(s, e, None, round(prob, 2), "langdetect", ev))
                continue
            if lang != expected and ev.verdict == "ambiguous" and ev.expected_share >= 0.15:
                # The detector disagrees with plenty of expected-language
                # function words: leave the segment undecided.
                lang = None
            segments.append(Segment(s, e, lang, round(prob, 2), "langdetect", ev))

    segments.sort(key=lambda seg: seg.start)
    if article_lang is None:
        by_lang: dict[str, int] = {}
        for seg in segments:
            if seg.lang:
                by_lang[seg.lang] = by_lang.get(seg.lang, 0) + (seg.end - seg.start)
        total = sum(by_lang.values())
        if total:
            article_lang, n = max(sorted(by_lang.items()), key=lambda kv: kv[1])
            article_conf = n / total
        else:
            method = "none"
    if calls and method == "cheap":
        method = "langdetect"
    return LangAnalysis(
        expected=expected,
        lang=article_lang,
        confidence=round(article_conf, 2),
        method=method,
        segments=segments,
        detector_calls=calls,
    )


def _strip(text: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """``(start, end)`` shrunk so the span neither starts nor ends with
    whitespace."""
    s, e = start, len(text) if end is None else end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
