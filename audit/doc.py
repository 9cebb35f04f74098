"""The view of an article that rules receive.

``Doc`` computes shared views (lines, paragraphs, sentences, words, quoted
regions) lazily and once, so ten rules that need sentences split the text
once. Rules must treat it as read-only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from . import text as _text
from .model import Article

if TYPE_CHECKING:
    from .config import Config
    from .zones import Zones

# Opening → closing quote pairs recognised when computing quoted regions.
_QUOTE_PAIRS = {"\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb", '"': '"'}


T = TypeVar("T")
_UNSET = object()


class cached_property(Generic[T]):  # noqa: N801 - named like the functools decorator it replaces
    """``functools.cached_property`` without its per-access lock (Python
    3.11 takes an ``RLock`` on every first access, and a document has a
    dozen views per article). A document belongs to one thread, so the
    value is simply computed and stored in the instance ``__dict__``, where
    later lookups find it before this (non-data) descriptor."""

    def __init__(self, fn: Callable[[Any], T]):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class Doc:
    """Read-only article view with lazily computed segmentations."""

    def __init__(self, article: Article, config: "Config | None" = None, corpus: dict[str, Any] | None = None):
        self.article = article
        self.text = article.text
        self.config = config
        #: Corpus-level statistics from collectors (see ``registry.collector``).
        self.corpus = corpus or {}

    # -- segmentation -----------------------------------------------------
    @cached_property
    def lines(self) -> list[tuple[int, int]]:
        """Every line (including blank ones), without the line break."""
        return _text.line_spans(self.text)

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        """Non-blank lines, whitespace-stripped."""
        return _text.paragraph_spans(self.text, self.lines)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return _text.sentence_spans(self.text, self.paragraphs, self.fast_blocks)

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        return _text.word_spans(self.text, fast=self.fast_blocks)

    @cached_property
    def sentence_word_counts(self) -> list[int]:
        """Words in each of ``sentences`` (no span per word is built)."""
        return _text.sentence_word_counts(self.text, self.sentences, self.fast_blocks)

    @cached_property
    def fast_blocks(self) -> bool:
        """Does the text stay in the character blocks of the segmentation's
        ``re`` fast paths (``text.in_fast_blocks``)?"""
        return _text.in_fast_blocks(self.text)

    @cached_property
    def word_count(self) -> int:
        """``len(self.words)``, without building the spans unless a rule
        already did: the sum of ``sentence_word_counts``, which the engine
        (sentence count) and the style rules need anyway."""
        words = self.__dict__.get("words")
        return len(words) if words is not None else sum(self.sentence_word_counts)

    @cached_property
    def lower(self) -> str:
        """``text`` lower-cased with the same length (a character whose
        lower case is longer, like "İ", is kept as it is), so offsets stay
        valid. Shared by the zone scan and the language analysis."""
        text = self.text
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        return low

    @cached_property
    def zones(self) -> "Zones":
        """Zone of every line (headline, body, widget, footer, …); see
        ``audit.zones``."""
        from .zones import classify

        return classify(self)

    @cached_property
    def line_index(self) -> _text.LineIndex:
        return _text.LineIndex(self.text)

    def line_of(self, offset: int) -> int:
        """0-based index into ``lines`` of the line holding ``offset``."""
        return self.line_index.line_col(offset)[0] - 1

    # -- quoted speech ----------------------------------------------------
    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Spans inside quotation marks (quotes included), per paragraph.

        An opening quote with no closing one in its paragraph runs to the
        paragraph end (news style: a quote continues in the next paragraph).
        """
        t = self.text
        spans: list[tuple[int, int]] = []
        # Opening quotes in text order, found with ``str.find`` (a C scan
        # per quote character, far cheaper than a regex search per
        # paragraph); a quote character is never whitespace, so each lies
        # in a paragraph.
        opens: list[int] = []
        for q in _QUOTE_PAIRS:
            i = t.find(q)
            while i != -1:
                opens.append(i)
                i = t.find(q, i + 1)
        if not opens:
            return spans
        opens.sort()
        paragraphs = self.paragraphs
        starts = [ps for ps, _ in paragraphs]
        k, n = 0, len(opens)
        while k < n:
            i = opens[k]
            pe = paragraphs[bisect_right(starts, i) - 1][1]
            j = t.find(_QUOTE_PAIRS[t[i]], i + 1, pe)
            if j == -1:
                spans.append((i, pe))  # runs to the paragraph end
                k = bisect_left(opens, pe, k)
            else:
                spans.append((i, j + 1))
                k = bisect_left(opens, j + 1, k)
        return spans

    @cached_property
    def _quoted_starts(self) -> list[int]:
        return [s for s, _ in self.quoted]

    def in_quote(self, offset: int) -> bool:
        """Is ``offset`` inside quoted speech?"""
        k = bisect_right(self._quoted_starts, offset) - 1
        return k >= 0 and offset < self.quoted[k][1]

    # -- helpers ----------------------------------------------------------
    def memo(self, key: str, fn: "Callable[[Doc], Any]") -> Any:
        """``fn(self)`` computed once per document and kept on it: how rule
        modules share work between their rules (e.g. one scan feeding
        several rules). ``key`` must be unique to the module."""
        d = self.__dict__
        # ``get`` with a sentinel, not ``try: d[key]``: the first call per
        # article would raise and catch a KeyError, which costs more than
        # many a memoised value.
        value = d.get(key, _UNSET)
        if value is _UNSET:
            value = d[key] = fn(self)
        return value

    def lexicon(self, name: str) -> list[Any]:
        """User-supplied extra entries for lexicon ``name`` from config."""
        if self.config is None:
            return []
        return self.config.lexicon_extra(name)
