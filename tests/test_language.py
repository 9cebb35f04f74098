"""Language family (LG) and the shared language analysis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect import detector as ld_detector

from audit.config import Config
from audit.doc import Doc
from audit.engine import audit_article
from audit.engine import make_plan as _make_plan
from audit.model import Article
from audit.registry import get_rule
from rules import _langid
from rules.language import language_stats

from .helpers import run_rule

CLEAN = Path(__file__).parent / "corpus" / "clean" / "translation_clean.txt"


def make_plan(config: Config):
    """A plan with only this family's stat providers and annotator, so the
    tests do not depend on other families' work in progress."""
    from rules.language import language_stats
    from rules.style import readability_stats

    plan = _make_plan(config)
    plan.stat_providers = [language_stats, readability_stats]
    plan.annotators = [(n, fn) for n, fn in plan.annotators if n == "source_language"]
    return plan


GERMAN_PARAGRAPH = (
    "Die Gespräche zwischen beiden Seiten sind am Montag gescheitert, sagte der Minister nach dem "
    "Treffen in Berlin. Eine neue Runde soll es erst im Herbst geben."
)
GERMAN_ARTICLE = (
    "Regierung kündigt neue Maßnahmen an\n\n"
    "Die Bundesregierung hat am Montag neue Maßnahmen gegen die hohe Inflation angekündigt. Nach Angaben "
    "des Finanzministeriums sollen die Preise für Strom und Gas im kommenden Jahr gedeckelt werden.\n\n"
    "Die Opposition kritisierte den Plan als zu spät und zu teuer. Es sei nicht klar, wie die Entlastung "
    "finanziert werden solle, sagte ein Sprecher der Union in Berlin.\n"
)


def _doc(text: str, lang: str = "en") -> Doc:
    return Doc(Article(id="t", text=text), Config(lang=lang))


def _english_article(min_words: int = 800) -> str:
    """The first articles of the clean corpus, at least ``min_words`` long."""
    paras = CLEAN.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    n = 0
    for p in paras:
        out.append(p)
        n += len(p.split())
        if n >= min_words:
            break
    return "\n".join(out)


class CallCounter:
    """Counts langdetect runs (from an empty cache of recent detections)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        _langid._detect_recent.cache_clear()
        self.calls = 0
        original = ld_detector.Detector.get_probabilities

        def counted(det):  # type: ignore[no-untyped-def]
            self.calls += 1
            return original(det)

        monkeypatch.setattr(ld_detector.Detector, "get_probabilities", counted)


def test_clean_800_word_article_costs_at_most_one_detector_call(monkeypatch):
    counter = CallCounter(monkeypatch)
    text = _english_article(800)
    assert len(text.split()) >= 800
    plan = make_plan(Config())
    result = audit_article(Article(id="clean", text=text), plan)
    assert counter.calls <= 1
    # In practice cheap evidence decides it: no call at all.
    assert counter.calls == 0
    assert result.stats["language"] == "en"
    assert result.stats["language_method"] == "cheap"
    assert not [f for f in result.findings if f.category == "language"]


def test_every_clean_article_is_decided_without_the_detector(monkeypatch):
    counter = CallCounter(monkeypatch)
    for i, art in enumerate(CLEAN.read_text(encoding="utf-8").split("\n\n\n\n")):
        a = _langid.analyze(_doc(art))
        assert a.lang == "en" and a.confidence == 1.0, i
    assert counter.calls == 0


def test_german_paragraph_is_reported_with_its_span():
    text = (
        "Talks in Brussels ended without a deal on Monday, officials said.\n\n"
        f"{GERMAN_PARAGRAPH}\n\n"
        "Both sides are expected to meet again next month, according to diplomats.\n"
    )
    _, findings = run_rule(get_rule("LG002"), text)
    assert len(findings) == 1
    f = findings[0]
    start = text.index(GERMAN_PARAGRAPH)
    assert (f.start, f.end) == (start, start + len(GERMAN_PARAGRAPH))
    assert f.data["lang"] == "de"
    assert f.data["confidence"] >= 0.9
    assert f.severity == "warning"


def test_one_german_sentence_inside_an_english_paragraph():
    sentence = "Die Gespräche zwischen beiden Seiten sind am Montag gescheitert, sagte der Minister."
    text = (
        "The minister spoke to reporters after the meeting in Brussels on Monday evening. "
        f"{sentence} He gave no further details about the talks, which are expected to resume next month."
    )
    _, findings = run_rule(get_rule("LG002"), text)
    assert [(f.start, f.end, f.data["lang"]) for f in findings] == [
        (text.index(sentence), text.index(sentence) + len(sentence), "de")
    ]


def test_quoted_foreign_passage_is_info():
    text = (
        "The minister spoke to reporters after the meeting in Brussels on Monday evening, and he said "
        "that the talks would resume next month. \u201cNous sommes prêts à reprendre les discussions dès que possible avec nos partenaires,\u201d "
        "he said in French.\n"
    )
    _, findings = run_rule(get_rule("LG002"), text)
    assert len(findings) == 1 and findings[0].severity == "info"
    assert findings[0].data["lang"] == "fr"


def test_cyrillic_paragraph_is_reported_as_untranslated():
    para = "Министерство обороны сообщило, что войска останутся на своих позициях до конца месяца."
    text = (
        "The defence ministry issued a statement on Monday about the troops stationed near the border.\n\n"
        f"{para}\n\n"
        "The ministry did not say why the troops would stay, and officials declined to comment further.\n"
    )
    _, findings = run_rule(get_rule("LG002"), text)
    assert len(findings) == 1
    assert (findings[0].start, findings[0].end) == (text.index(para), text.index(para) + len(para))
    assert findings[0].data["lang"] in ("ru", "bg", "uk", "mk")


def test_whole_article_in_german_is_wrong_language_not_passages():
    plan = make_plan(Config(select=["LG"]))
    result = audit_article(Article(id="de", text=GERMAN_ARTICLE), plan)
    codes = [f.rule for f in result.findings]
    assert codes == ["LG001"]
    f = result.findings[0]
    assert f.data["lang"] == "de" and f.severity == "error"
    assert result.stats["language"] == "de"
    assert result.stats["language_method"] == "langdetect"


def test_expected_language_comes_from_config():
    plan = make_plan(Config(select=["LG"], lang="de"))
    assert audit_article(Article(id="de", text=GERMAN_ARTICLE), plan).findings == []
    english = _english_article(300)
    result = audit_article(Article(id="en", text=english), plan)
    assert [f.rule for f in result.findings] == ["LG001"]
    assert result.findings[0].data == {
        "lang": "en",
        "confidence": result.findings[0].data["confidence"],
        "expected": "de",
    }


def test_language_without_function_word_list_uses_one_detector_call(monkeypatch):
    counter = CallCounter(monkeypatch)
    a = _langid.analyze(_doc(_english_article(200), lang="sw"))
    assert counter.calls == 1 and a.detector_calls == 1
    assert a.lang == "en" and a.method == "langdetect"


def test_short_segments_are_not_judged(monkeypatch):
    counter = CallCounter(monkeypatch)
    a = _langid.analyze(_doc("Danke schön.\n\nMerci beaucoup.\n\nGracias.\n"))
    assert a.segments == [] and a.lang is None and a.method == "none"
    assert counter.calls == 0
    assert language_stats(_doc("Hi.")) == {"language": None, "language_confidence": 0.0, "language_method": "none"}


def test_analysis_is_cached_per_doc(monkeypatch):
    doc = _doc(GERMAN_ARTICLE)
    first = _langid.analyze(doc)
    counter = CallCounter(monkeypatch)
    assert _langid.analyze(doc) is first
    language_stats(doc)
    assert counter.calls == 0


def test_detection_is_deterministic():
    text = "Ez egy rövid magyar mondat, amelyet a nyelvfelismerés tesztelésére írtunk, hogy lássuk az eredményt."
    runs = set()
    for _ in range(5):
        _langid._detect_recent.cache_clear()
        runs.add(tuple(_langid.detect(text)))
    runs |= {tuple(_langid._detect(text * 20)) for _ in range(2)}
    assert len(runs) == 2


def test_recent_detections_are_reused_unchanged():
    _langid._detect_recent.cache_clear()
    text = "Die Regierung hat am Montag neue Maßnahmen angekündigt, die ab nächster Woche gelten sollen."
    first = _langid.detect(text)
    assert first == _langid._detect(text) and first[0][0] == "de"
    first.clear()  # callers get their own list
    assert _langid.detect(text) == _langid._detect(text)
    assert _langid._detect_recent.cache_info().hits == 1
    long_text = text * 20  # longer than the cached texts: detected afresh
    assert _langid.detect(long_text) == _langid._detect(long_text)
    assert _langid._detect_recent.cache_info().currsize == 1


def test_foreign_script_gloss_and_homoglyph_words_are_quiet():
    rule = get_rule("LG003")
    for text in (
        "Kyiv (\u041a\u0438\u0457\u0432) is the capital.",
        "The \u201c\u0421\u043b\u0430\u0432\u0430\u201d banner hung outside.",
        # A Latin word with one Cyrillic letter is a homoglyph, not a run.
        "The \u0441ity council met.",
    ):
        assert run_rule(rule, text)[1] == [], text


def test_foreign_script_run_linear_on_adversarial_input():
    rule = get_rule("LG003")
    chunks = [
        "\u0430b" * 200_000,
        ("\u0430 " * 300_000) + "the end of the English text",
        "the " * 100_000 + "\u4e2d\u6587" * 50_000,
        "(" + "\u0430-" * 300_000 + ")",
    ]
    t0 = time.perf_counter()
    for text in chunks:
        run_rule(rule, text)
    assert time.perf_counter() - t0 < 5.0


def test_detector_calls_are_bounded_per_article(monkeypatch):
    counter = CallCounter(monkeypatch)
    english = "The government presented its budget on Monday, and ministers defended the cuts in parliament."
    german = "Die Opposition kritisierte den Plan {} als zu spät und zu teuer, sagte ein Sprecher am Abend in Berlin."
    text = "\n".join(f"{english}\n{english}\n{german.format(i)}" for i in range(200))
    a = _langid.analyze(_doc(text))
    assert counter.calls == a.detector_calls == _langid.MAX_DETECTOR_CALLS
    assert len(a.foreign_segments) == 200
    assert {s.lang for s in a.foreign_segments} == {"de"}
    assert {s.method for s in a.foreign_segments} == {"langdetect", "cheap"}


def test_repeated_segments_are_detected_once(monkeypatch):
    counter = CallCounter(monkeypatch)
    english = "The government presented its budget on Monday, and ministers defended the cuts in parliament."
    german = "Die Opposition kritisierte den Plan als zu spät und zu teuer, sagte ein Sprecher am Abend in Berlin."
    text = "\n".join(f"{english}\n{english}\n{german}" for _ in range(200))
    a = _langid.analyze(_doc(text))
    # Still at most MAX_DETECTOR_CALLS per article, but the repeated
    # sentence is detected only once.
    assert a.detector_calls == _langid.MAX_DETECTOR_CALLS and counter.calls == 1
    assert len(a.foreign_segments) == 200
    assert {s.lang for s in a.foreign_segments} == {"de"}


def test_language_rules_on_large_input_are_fast_and_bounded(monkeypatch):
    counter = CallCounter(monkeypatch)
    text = ("The minister said on Monday that the talks would continue. " * 20 + "\n") * 500
    t0 = time.perf_counter()
    doc = _doc(text)
    a = _langid.analyze(doc)
    assert time.perf_counter() - t0 < 5.0
    assert a.lang == "en" and counter.calls == 0


# Characters whose lower case is special: Angstrom and Kelvin signs (lower
# cases Latin/ASCII), dotted capital I (longer lower case), capital sigma
# (context-dependent), accented and other-script letters, punctuation.
_TRICKY = "a Z '\n\t\u00a0\u2019\u201c\u212b\u212a\u0130\u03a3\u00c9\u00e9\u0416\u4e2d\u2014\u00b5\u1e9e\u0149"


@given(st.text(alphabet=_TRICKY, max_size=30))
@settings(max_examples=300, deadline=None)
def test_letters_beyond_ascii_read_from_the_unusual_characters(text):
    doc = _doc(text)
    scanned = _langid._NON_ASCII_LETTER.search(_langid.folded(doc)) is not None
    assert _langid._letters_beyond_ascii(doc) == scanned
