"""``rules._langid``'s faster langdetect set-up gives langdetect's own results.

The lazy probability map and the detector subclass only change how the
work is done; every probability must come out bit for bit as stock
langdetect computes it.
"""

from __future__ import annotations

import functools

import pytest
from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

from rules import _langid

TEXTS = [
    "The government presented its budget on Monday, and ministers defended the cuts in parliament.",
    "Die Regierung hat am Montag ihren Haushalt vorgelegt, und die Minister verteidigten die Kürzungen.",
    "Le gouvernement a présenté son budget lundi et les ministres ont défendu les coupes au parlement.",
    "El gobierno presentó el lunes su presupuesto y los ministros defendieron los recortes.",
    "Правительство представило бюджет в понедельник, министры защищали сокращения в парламенте.",
    "政府は月曜日に予算案を発表し、閣僚らは議会で削減を擁護した。",
    "정부는 월요일 예산안을 발표했고 장관들은 의회에서 삭감을 옹호했다.",
    "Chính phủ đã công bố ngân sách vào thứ Hai và các bộ trưởng bảo vệ việc cắt giảm.",
    "Guvernul și-a prezentat bugetul luni, iar miniștrii au apărat reducerile în parlament.",
    "NATO and the EU said the U.S.-led talks in Brussels would resume on 3 March at 10:00.",
    "BREAKING NEWS: MINISTERS MEET IN LONDON",
    "Visit https://example.com/news or write to desk@example.com for more.",
    "a",
    "12345 67890",
    "",
]


@pytest.fixture(scope="module")
def stock() -> DetectorFactory:
    DetectorFactory.seed = 0
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def _probabilities(detector) -> list[tuple[str, float]] | str:
    try:
        return [(lp.lang, lp.prob) for lp in detector.get_probabilities()]
    except LangDetectException as exc:
        return str(exc)


def test_lazy_profile_map_holds_langdetect_rows(stock):
    fast = _langid._factory()
    assert fast.langlist == stock.langlist
    lazy = fast.word_lang_prob_map
    assert len(lazy) == len(stock.word_lang_prob_map)
    for word, row in stock.word_lang_prob_map.items():
        assert word in lazy and lazy[word] == row
    assert "not an n-gram" not in lazy


@pytest.mark.parametrize("text", TEXTS + [" ".join(TEXTS), TEXTS[1] * 60])
def test_fast_detector_matches_stock_langdetect(stock, text):
    mine = _langid._detector_class()(_langid._factory())
    theirs = stock.create()
    mine.append(text)
    theirs.append(text)
    assert _probabilities(mine) == _probabilities(theirs)


def test_fast_detector_matches_stock_langdetect_on_mixed_samples(stock):
    # Word salads across scripts and languages: many different n-gram sets,
    # convergence after few or many samples.
    import random

    words = " ".join(TEXTS).split()
    rng = random.Random(1)
    for _ in range(40):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        mine = _langid._detector_class()(_langid._factory())
        theirs = stock.create()
        mine.append(text)
        theirs.append(text)
        assert _probabilities(mine) == _probabilities(theirs), text


def _both(stock, text, **settings) -> tuple:
    mine = _langid._detector_class()(_langid._factory())
    theirs = stock.create()
    for detector in (mine, theirs):
        detector.append(text)
        for name, value in settings.items():
            if name == "alpha":
                detector.set_alpha(value)
            elif name == "prior":
                detector.set_prior_map(value)
            else:
                setattr(detector, name, value)
    return _probabilities(mine), _probabilities(theirs)


@pytest.mark.parametrize(
    "settings",
    [
        # Trials that stop at the iteration limit (convergence unreachable),
        # limits on and off the every-fifth-step checks, no limit at all.
        {"CONV_THRESHOLD": 1.5},
        {"CONV_THRESHOLD": 1.5, "ITERATION_LIMIT": 0},
        {"CONV_THRESHOLD": 1.5, "ITERATION_LIMIT": 7},
        {"CONV_THRESHOLD": 1.5, "ITERATION_LIMIT": 333, "n_trial": 3},
        {"CONV_THRESHOLD": 0.5},
        # An odd number of trials (gauss leaves a value cached), one trial.
        {"n_trial": 1},
        {"n_trial": 12},
        # Alpha near 0: weights can turn negative, so can the sum.
        {"alpha": 0.0},
        {"alpha": 0.0, "n_trial": 11, "CONV_THRESHOLD": 0.9},
        {"alpha": 2.0},
        {"prior": {"en": 0.5, "de": 0.3, "fr": 0.2}},
    ],
)
def test_fast_detector_matches_stock_langdetect_with_other_settings(stock, settings):
    for text in TEXTS[:4] + TEXTS[8:11] + [" ".join(TEXTS)]:
        mine, theirs = _both(stock, text, **settings)
        assert mine == theirs, text


def test_fast_detector_matches_stock_langdetect_past_the_shared_words(stock, monkeypatch):
    # Detections that need more generator words than the shared stream
    # keeps continue on a private copy of it; a fresh seed starts a new one.
    monkeypatch.setattr(_langid, "_MAX_SHARED_WORDS", 1500)
    monkeypatch.setattr(_langid, "_seeded_stream", functools.lru_cache(maxsize=4)(_langid._seeded_stream.__wrapped__))
    for text in TEXTS[:3]:
        mine, theirs = _both(stock, text, CONV_THRESHOLD=1.5)
        assert mine == theirs
        assert len(_langid._seeded_stream(0).words) <= 1500
        mine, theirs = _both(stock, text)
        assert mine == theirs
    mine, theirs = _both(stock, TEXTS[1], seed=12345)
    assert mine == theirs


def test_fast_detector_starts_as_stock_langdetect(stock):
    mine = vars(_langid._detector_class()(_langid._factory()))
    theirs = vars(stock.create())
    assert mine.keys() == theirs.keys()
    for name in mine.keys() - {"random", "word_lang_prob_map"}:
        assert mine[name] == theirs[name], name


def test_fast_detector_matches_stock_langdetect_when_words_are_forgotten(stock, monkeypatch):
    # The kept n-grams of words are dropped when there are too many of them.
    monkeypatch.setattr(_langid, "_NGRAM_CACHE_SIZE", 3)
    for text in TEXTS + [" ".join(TEXTS)]:
        mine, theirs = _both(stock, text)
        assert mine == theirs
    # Cleared before a detection once over the limit: at most one text's words more.
    assert len(_langid._factory().word_lang_prob_map.ngram_cache) <= 4 + len(" ".join(TEXTS).split())


@pytest.mark.parametrize(
    "text",
    TEXTS
    + [
        "ABC 政府は月曜日に予算案を発表した",  # few Latin letters among many others: Latin dropped
        "Tiếng Việt có dấu: Chính phủ đã công bố ngân sách [x]^_`",
        "Москва Moscow Москва Moscow Москва",
        "\u0300\u0301 a",
    ],
)
def test_fast_detector_cleans_text_as_stock_langdetect(stock, text):
    mine = _langid._detector_class()(_langid._factory())
    theirs = stock.create()
    for detector in (mine, theirs):
        detector.append(text)
        detector.cleaning_text()
    assert mine.text == theirs.text
