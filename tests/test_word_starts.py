"""``audit.text.word_starts`` is ``word_spans``' starts, on either engine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.text import word_spans, word_starts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The U.S.-led talks resumed on 3,000.5 acres at 10:00, officials said.",
        "abc123 déjà-vu l'été Ωμέγα 日本語 ２０２４",
        "  leading and trailing  ",
    ],
)
def test_word_starts_are_word_span_starts(text):
    assert word_starts(text) == [s for s, _ in word_spans(text)]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_word_starts_match_word_spans_on_any_text(text):
    assert word_starts(text) == [s for s, _ in word_spans(text)]
