"""Sentence-level style (category ``style``, codes ST) and readability.

- ST001 run-on sentence: far longer than the article's own norm (MT glues
  sentences together);
- ST002 sentence fragment: a sentence or paragraph cut off after an article
  or conjunction.

Both are ``info`` unless extreme. The ``readability`` stat adds Flesch
reading ease and Flesch–Kincaid grade to every English article.

Syllables come from pyphen's hyphenation dictionary (shipped with pyphen,
a textstat dependency, and the fallback textstat itself uses for words
missing from CMUdict), cached per word. textstat would otherwise count
syllables with the CMU dictionary, which it downloads via
``nltk.download('cmudict')`` on first use; mtaudit never touches the
network at run time, so on import this module gives textstat that same
offline syllable source (``install_offline_syllables``). The default
``fast`` engine computes the Flesch formulas from the document's own
segmentation; ``readability = "textstat"`` (rule option of family ``ST``)
calls textstat's functions instead, about ten times slower.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from statistics import median
from typing import Any

import regex

from audit.doc import Doc
from audit.model import Hit
from audit.registry import rule, stat_provider

from . import _langid

# -- readability (textstat, offline) ----------------------------------------------------

_PYPHEN_LANG = "en_US"


@lru_cache(maxsize=1)
def _pyphen() -> Any:
    from pyphen import Pyphen

    return Pyphen(lang=_PYPHEN_LANG)


def _phones(word: str) -> tuple[tuple[str, ...], ...]:
    """A CMUdict-shaped entry for ``word``: one pronunciation whose phones
    all carry a stress digit, one per syllable."""
    return (("1",) * syllables(word),)


class PyphenSyllables:
    """Read-only mapping ``word -> [[phones]]`` that textstat's syllable
    counter can use in place of ``nltk.corpus.cmudict.dict()``."""

    __slots__ = ()

    def __getitem__(self, word: str) -> tuple[tuple[str, ...], ...]:
        return _phones(word)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str)


def _offline_cmudict(lang: str) -> PyphenSyllables:
    return PyphenSyllables()


class _SyllableCache(dict[str, int]):
    """word → syllables (pyphen hyphenation points + 1). A plain dict
    rather than ``lru_cache`` so ``sum(map(cache.__getitem__, words))``
    looks words up at C speed (about half the cost per word); misses are
    computed by ``__missing__``.

    Memory stays bounded on corpora with huge vocabularies: at ``MAX``
    words the cache becomes the previous generation (still consulted, so
    the common words are not recomputed) and pyphen's own per-word cache,
    which would otherwise grow with every distinct word of the corpus, is
    emptied. Numbers (a vocabulary without end) skip pyphen: its English
    patterns hold no digits, so a number has one syllable."""

    MAX = 100_000

    def __init__(self) -> None:
        super().__init__()
        self.previous: dict[str, int] = {}

    def __missing__(self, word: str) -> int:
        n = self.previous.get(word)
        if n is None:
            n = 1 if word.isdigit() else len(_pyphen().positions(word)) + 1
        if len(self) >= self.MAX:
            self.previous = dict(self)
            self.clear()
            _pyphen().hd.cache.clear()
        self[word] = n
        return n


_SYLLABLES = _SyllableCache()
#: ``syllables(word)``: syllables in ``word``, cached.
syllables = _SYLLABLES.__getitem__


def _count_syllables(text: str, lang: str) -> int:
    """Drop-in for textstat's ``count_syllables``: same word list
    (textstat's ``list_words``), pyphen syllables per word instead of
    CMUdict, counted at C speed over the cached per-word function."""
    if not text:
        return 0
    from textstat.backend.selections._list_words import list_words

    return sum(map(syllables, list_words(text, lowercase=True)))


def install_offline_syllables() -> bool:
    """Give textstat a syllable source that needs no download.

    textstat's ``count_syllables`` looks words up in CMUdict, fetched with
    ``nltk.download('cmudict')`` on first use, and falls back to pyphen for
    unknown words. Here its CMUdict loader returns ``PyphenSyllables`` (so
    nothing can trigger the download) and the syllables-per-word metric
    behind Flesch reading ease and Flesch–Kincaid grade uses
    ``_count_syllables`` (pyphen only, cached per word). Returns False if
    this textstat version has a different layout (``_textstat_scores`` then
    computes the same formulas itself)."""
    try:
        from textstat.backend.counts import _count_syllables as counts_module
        from textstat.backend.metrics import _syllables_per_word as spw_module
    except ImportError:  # pragma: no cover - other textstat layout
        return False
    if not hasattr(counts_module, "get_cmudict") or not hasattr(spw_module, "count_syllables"):  # pragma: no cover
        return False
    counts_module.get_cmudict = _offline_cmudict
    if hasattr(counts_module.count_syllables, "cache_clear"):
        counts_module.count_syllables.cache_clear()
    spw_module.count_syllables = _count_syllables
    if hasattr(spw_module.syllables_per_word, "cache_clear"):
        spw_module.syllables_per_word.cache_clear()
    return True


_TEXTSTAT_OFFLINE = install_offline_syllables()
#: Fewer words of prose than this: readability is not computed.
MIN_READABILITY_WORDS = 30
_PROSE_END = ".!?\u2026\"'\u201d\u2019)"
_RS_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'\u2019-]*")


def _prose(doc: Doc) -> str:
    """Paragraphs that end like sentences (headlines, labels and bylines
    would distort the sentence-length term)."""
    t = doc.text
    return "\n".join(t[s:e] for s, e in doc.paragraphs if t[e - 1] in _PROSE_END)


#: Flesch reading ease and Flesch–Kincaid grade constants (English; the
#: same values textstat uses for ``en``).
FRE_BASE, FRE_SENTENCE, FRE_SYLLABLE = 206.835, 1.015, 84.6
FK_SENTENCE, FK_SYLLABLE, FK_BASE = 0.39, 11.8, 15.59


def _scores(words: int, sentences: int, syllable_count: int) -> tuple[float, float]:
    wps = words / sentences
    spw = syllable_count / words
    return FRE_BASE - FRE_SENTENCE * wps - FRE_SYLLABLE * spw, FK_SENTENCE * wps + FK_SYLLABLE * spw - FK_BASE


def _fast_scores(doc: Doc) -> tuple[float, float] | None:
    """Flesch scores from the document's own segmentation: words of the
    prose paragraphs, their sentences, pyphen syllables per word (cached,
    counted at C speed). About ten times cheaper than textstat, whose
    sentence counter re-tokenises every sentence; within a few points of
    textstat's figures on news prose (tested). The article's words are
    shared with other rules; the few non-prose paragraphs (headline,
    labels) are subtracted."""
    text = doc.text
    toks = _langid.tokens(doc)
    wtext = _langid.wordable(doc)
    dropped: list[str] = []
    sentences = len(doc.sentences)
    starts = None
    for s, e in doc.paragraphs:
        if text[e - 1] in _PROSE_END:
            continue
        dropped += wtext[s:e].split()
        if starts is None:
            starts = [x for x, _ in doc.sentences]
        sentences -= bisect_left(starts, e) - bisect_left(starts, s)
    words = len(toks) - len(dropped)
    if words < MIN_READABILITY_WORDS or sentences < 1:
        return None
    syllable_count = sum(map(syllables, toks)) - sum(map(syllables, dropped))
    return _scores(words, sentences, syllable_count)


def _textstat_scores(doc: Doc) -> tuple[float, float] | None:
    """The same figures computed by textstat itself over the prose text."""
    prose = _prose(doc)
    if len(prose.split()) < MIN_READABILITY_WORDS:
        return None
    if not _TEXTSTAT_OFFLINE:  # pragma: no cover - other textstat layout
        words = _RS_WORD.findall(prose)
        count = sum(syllables(w.lower()) for w in words)
        return _scores(len(words), max(1, len(regex.findall(r"[.!?]+(?:\s|$)", prose))), count)
    import textstat

    return textstat.flesch_reading_ease(prose), textstat.flesch_kincaid_grade(prose)


@stat_provider("readability")
def readability_stats(doc: Doc) -> dict[str, Any]:
    """``flesch_reading_ease`` and ``flesch_kincaid_grade`` (one decimal)
    over the article's prose paragraphs; null for articles that are not in
    English or have fewer than 30 words of prose. The rule option
    ``readability`` of family ``ST`` chooses the engine: ``fast`` (default:
    the document's own segmentation and pyphen syllables) or ``textstat``
    (textstat's own functions, about ten times slower)."""
    none: dict[str, Any] = {"flesch_reading_ease": None, "flesch_kincaid_grade": None}
    analysis = _langid.analyze(doc)
    if analysis.lang not in ("en", None) or (analysis.lang is None and analysis.expected != "en"):
        return none
    engine = _option(doc, "ST", "readability", "fast")
    scores = _textstat_scores(doc) if engine == "textstat" else _fast_scores(doc)
    if scores is None:
        return none
    return {"flesch_reading_ease": round(scores[0], 1), "flesch_kincaid_grade": round(scores[1], 1)}


# -- sentence lengths -----------------------------------------------------------------------

#: ST001 defaults (override per run with rule options ``min_words``,
#: ``factor``, ``extreme_words``).
RUNON_MIN_WORDS = 60
RUNON_FACTOR = 2.5
RUNON_EXTREME_WORDS = 120
#: Articles with fewer sentences have no reliable norm; the median of a
#: typical news article (about 20 words) stands in.
NORM_MIN_SENTENCES = 5
DEFAULT_MEDIAN = 20.0


def _option(doc: Doc, code: str, key: str, default: Any) -> Any:
    return doc.config.option(code, key, default) if doc.config is not None else default


def sentence_lengths(doc: Doc) -> list[int]:
    """Words per sentence (``doc.sentences``), shared with the engine's
    word count."""
    return doc.sentence_word_counts


@rule(
    code="ST001",
    name="run-on-sentence",
    category="style",
    severity="info",
    bad=[
        "The talks ended. Both sides left. Nobody spoke. The hall emptied. Officials went home. "
        "⟦" + "The minister said that the government would review the plan and that the review would "
        "take several months because the costs had risen and the suppliers had changed and the "
        "unions had objected and the regions had asked for more money and the opposition had "
        "demanded a vote in parliament before any decision was taken on the future of the project.⟧",
    ],
    good=[
        (
            "The minister said on Monday that the government would review the plan, which has been "
            "criticised by unions, regional leaders and opposition parties since it was first presented "
            "in March, and that a decision would be taken before the end of the year."
        ),
        "The talks ended without a deal. Both sides said they would meet again next month.",
    ],
)
def run_on_sentence(doc: Doc) -> Iterator[Hit]:
    """Sentence far longer than the article's norm (likely glued sentences).

    Why it matters: machine translation and segment re-assembly glue
    sentences together with commas and ``and``; a 70-word sentence in an
    article whose sentences run to 18 words is usually such a seam and
    hard to read. Flagged from 60 words and 2.5 times the article's median
    sentence length (info); from 120 words it is a warning. Thresholds are
    rule options ``min_words``, ``factor`` and ``extreme_words``.
    """
    min_words = int(_option(doc, "ST001", "min_words", RUNON_MIN_WORDS))
    sentences = doc.sentences
    # A sentence of n words has at least ~2n characters: cheap early exit.
    if not sentences or max(e - s for s, e in sentences) < 2 * min_words:
        return
    lengths = sentence_lengths(doc)
    if max(lengths) < min_words:
        return
    factor = float(_option(doc, "ST001", "factor", RUNON_FACTOR))
    extreme = int(_option(doc, "ST001", "extreme_words", RUNON_EXTREME_WORDS))
    norm = median(lengths) if len(lengths) >= NORM_MIN_SENTENCES else DEFAULT_MEDIAN
    threshold = max(min_words, factor * norm)
    for (s, e), n in zip(doc.sentences, lengths):
        if n < threshold:
            continue
        quoted = doc.in_quote(s) and doc.in_quote(e - 1)
        severity = "warning" if n >= extreme and not quoted else None
        yield Hit(
            s,
            e,
            f"run-on sentence: {n} words (article median {norm:g})",
            severity=severity,
            data={"words": n, "median": norm},
        )


# -- fragments ---------------------------------------------------------------------------------

#: Words a complete English sentence does not end on.
_DANGLING_WORDS = [
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "nor",
    "whose",
    "than",
    "because",
    "although",
    "whether",
    "its",
    "their",
    "our",
    "your",
]
_DANGLING_SET = frozenset(_DANGLING_WORDS)
#: A paragraph without final punctuation may also stop on a preposition.
_DANGLING_PARAGRAPH_WORDS = frozenset(_DANGLING_WORDS) | frozenset(
    ["of", "to", "with", "for", "from", "in", "on", "at", "by", "that", "which"]
)
#: A cut-off paragraph must have at least this many words (shorter lines
#: without a full stop are headlines and labels).
FRAGMENT_PARAGRAPH_WORDS = 12


@rule(
    code="ST002",
    name="sentence-fragment",
    category="style",
    severity="info",
    bad=[
        "The minister said the government would review ⟦the plan and.⟧ Talks resume on Monday.",
        (
            "Officials said that the agreement signed in Brussels last week would be ⟦extended for the⟧\n"
            "Talks resume on Monday."
        ),
        "Prices ⟦rose faster than.⟧",
    ],
    good=[
        "It was not clear what the money was for.",
        "Nobody knew where the convoy had come from.",
        "The winner was Plan A.",
        "\u201cI really did not want to because.\u201d",
        "Talks resume on Monday",
        "He said he had nothing to add.",
    ],
)
def sentence_fragment(doc: Doc) -> Iterator[Hit]:
    """Sentence or paragraph cut off after an article or conjunction.

    Why it matters: segmenters and truncating pipelines cut sentences in
    the middle (``…would review the plan and.``); the reader loses the end
    of the statement. A sentence that ends on ``the``, ``a``, ``and``,
    ``than``… before its full stop, or a long paragraph (12+ words) that
    stops on such a word or a preposition without any punctuation, is
    reported. Quoted speech is not judged. The span is the last three
    words.
    """
    if _langid.expected_language(doc) != "en":
        return  # the word lists are English
    text = doc.text
    # The sentences' words (shared with other families) rule out nearly
    # every article at once: the cut-off word, when there is one, is its
    # sentence's last word (the final mark is punctuation, blanked there).
    keys = _langid.sentence_words(doc)
    if _DANGLING_SET.isdisjoint([k[-1] for k in keys if k]):
        keys = []
    for (s, e), words in zip(doc.sentences, keys):
        if not words or words[-1] not in _DANGLING_SET:
            continue
        if e - s < 4 or text[e - 1] not in ".!?":
            continue
        last = text[max(s, e - 13) : e - 1].rsplit(None, 1)
        if not last or last[-1] not in _DANGLING_SET or doc.in_quote(e - 1):
            continue
        start = e - 1 - len(last[-1])
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'\u2019-"):
            continue
        yield Hit(_tail_start(text, s, e), e, f"sentence appears cut off after {last[-1]!r}")
    para_keys = _langid.paragraph_words(doc)
    if _DANGLING_PARAGRAPH_WORDS.isdisjoint([k[-1] for k in para_keys if k]):
        return
    for ps, pe in doc.paragraphs:
        if not text[pe - 1].isalpha():
            continue
        last = text[max(ps, pe - 12) : pe].rsplit(None, 1)[-1]
        if last not in _DANGLING_PARAGRAPH_WORDS or doc.in_quote(pe - 1):
            continue
        if len(text[ps:pe].split()) < FRAGMENT_PARAGRAPH_WORDS:
            continue
        yield Hit(_tail_start(text, ps, pe), pe, f"paragraph breaks off after {last!r}")


def _tail_start(text: str, s: int, end: int, words: int = 3) -> int:
    """Start of the last ``words`` words before ``end`` (not before ``s``)."""
    pos = end
    for _ in range(words):
        k = text.rfind(" ", s, pos - 1)
        if k < s:
            return s
        pos = k
    return pos + 1
