"""Repetition within one article (category ``repetition``, codes RP)."""

from __future__ import annotations

from typing import Iterator

import regex

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.registry import rule

_NORM = regex.compile(r"[\p{L}\p{N}]+")
MIN_WORDS = 5


def _key(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _NORM.findall(text))


@rule(
    code="RP001",
    name="repeated-sentence",
    category="repetition",
    severity="warning",
    fixable=True,
    bad=[
        "The situation in the region is tense. Talks failed.\n\n⟦The situation in the region is tense.⟧",
        "Troops will arrive on Monday, officials said. Later, troops will arrive on Monday, officials said. "
        "⟦Troops will arrive on Monday, officials said.⟧",
    ],
    good=[
        "The situation is tense. The situation is calm elsewhere.",
        "\u201cWe will win,\u201d he said. \u201cWe will win,\u201d she said.",
        "Yes. Yes. Yes.",
    ],
)
def repeated_sentence(doc: Doc) -> Iterator[Hit]:
    """Sentence repeated word for word within one article.

    Why it matters: scrapers duplicate teaser and body text, and translation
    pipelines re-emit segments; a repeated sentence reads as an error and
    inflates near-duplicate counts in a corpus. The later occurrence is
    reported and points to the first (``data.first``). Sentences of fewer
    than five words are not judged.
    """
    text = doc.text
    seen: dict[tuple[str, ...], int] = {}
    for s, e in doc.sentences:
        key = _key(text[s:e])
        if len(key) < MIN_WORDS:
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = s
            continue
        # Remove the sentence and the space before it.
        fs = s
        while fs > 0 and text[fs - 1] in " \t":
            fs -= 1
        yield Hit(
            s,
            e,
            f"sentence repeats the one at offset {first}",
            Fix("", safe=False, start=fs, end=e),
            data={"first": first},
        )
