"""Style family (ST) and the offline readability stat."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from audit.config import Config
from audit.doc import Doc
from audit.engine import run_rules
from audit.model import Article
from audit.registry import get_rule
from rules.style import PyphenSyllables, readability_stats

from .helpers import run_rule

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "tests" / "corpus" / "clean" / "translation_clean.txt"


def _doc(text: str, config: Config | None = None) -> Doc:
    return Doc(Article(id="t", text=text), config or Config())


def test_readability_never_touches_the_network():
    """In a fresh interpreter where any socket use or nltk.download raises,
    the readability stat still works; the same interpreter shows that plain
    textstat would have tried to download CMUdict."""
    script = textwrap.dedent(
        """
        import socket, sys
        def blocked(*args, **kwargs):
            raise RuntimeError("network access attempted")
        socket.socket.connect = blocked
        socket.socket.connect_ex = blocked
        socket.create_connection = blocked
        socket.getaddrinfo = blocked
        import urllib.request
        urllib.request.urlopen = blocked
        import nltk
        nltk.download = blocked

        from audit.config import Config
        from audit.doc import Doc
        from audit.model import Article
        from rules.style import readability_stats
        import textstat

        text = ("The committee met on Tuesday to discuss the budget. Members agreed to cut spending on "
                "roads and to raise money for schools. The vote was close, and several councillors said "
                "they would try again next year to change the plan.")
        for engine in ("fast", "textstat"):
            cfg = Config(rule_options={"ST": {"readability": engine}})
            stats = readability_stats(Doc(Article(id="x", text=text), cfg))
            assert stats["flesch_reading_ease"] is not None, stats
        # textstat's own public functions work offline too.
        assert textstat.flesch_reading_ease(text) > 0 and textstat.syllable_count(text) > 0
        print("OK", stats["flesch_reading_ease"], stats["flesch_kincaid_grade"])

        # Control: textstat's own CMUdict loader goes to the network when
        # the dictionary is not installed locally.
        from textstat.backend.utils._get_cmudict import get_cmudict
        try:
            nltk.data.find("corpora/cmudict")
        except LookupError:
            try:
                get_cmudict("en_US")
            except RuntimeError as exc:
                print("CONTROL", exc)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK ")
    if "CONTROL" in proc.stdout:
        assert "network access attempted" in proc.stdout


def test_readability_values_on_clean_news():
    for art in CLEAN.read_text(encoding="utf-8").split("\n\n\n\n"):
        stats = readability_stats(_doc(art))
        assert 30 <= stats["flesch_reading_ease"] <= 90, stats
        assert 4 <= stats["flesch_kincaid_grade"] <= 16, stats


def test_fast_readability_agrees_with_textstat():
    """Close to textstat's own figures. textstat splits sentences at every
    full stop, decimal points included (``5.25%`` makes two sentences), so
    on articles full of decimals it reads shorter sentences than there are;
    elsewhere the two agree within a few tenths of a grade."""
    textstat_cfg = Config(rule_options={"ST": {"readability": "textstat"}})
    for art in CLEAN.read_text(encoding="utf-8").split("\n\n\n\n"):
        fast = readability_stats(_doc(art))
        slow = readability_stats(_doc(art, textstat_cfg))
        fre = abs(fast["flesch_reading_ease"] - slow["flesch_reading_ease"])
        grade = abs(fast["flesch_kincaid_grade"] - slow["flesch_kincaid_grade"])
        decimals = len(re.findall(r"\d\.\d", art))
        if decimals <= 3:
            assert fre <= 2.5 and grade <= 1.0, (fast, slow)
        else:
            assert fre <= 8.0 and grade <= 3.0, (fast, slow)


def test_readability_is_null_for_short_or_foreign_articles():
    assert readability_stats(_doc("Short headline only")) == {
        "flesch_reading_ease": None,
        "flesch_kincaid_grade": None,
    }
    german = (
        "Die Bundesregierung hat am Montag neue Maßnahmen gegen die hohe Inflation angekündigt. Nach Angaben "
        "des Finanzministeriums sollen die Preise für Strom und Gas im kommenden Jahr gedeckelt werden. "
        "Die Opposition kritisierte den Plan als zu spät und zu teuer, sagte ein Sprecher in Berlin.\n"
    )
    assert readability_stats(_doc(german))["flesch_reading_ease"] is None


def test_pyphen_syllable_source_looks_like_cmudict():
    src = PyphenSyllables()
    assert "anything" in src
    entry = src["government"]
    assert len(entry) == 1 and all(p[-1].isdigit() for p in entry[0])
    assert len(src["government"][0]) >= 3 and len(src["cat"][0]) == 1


def _long_sentence(n: int) -> str:
    words = ["officials"] + ["said"] + ["the talks and"] * ((n - 3) // 3) + ["ended"]
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def test_run_on_is_relative_to_the_article_norm():
    short = " ".join(["The talks ended on Monday."] * 8)
    long = _long_sentence(70)
    found = run_rule(get_rule("ST001"), f"{short} {long}")[1]
    assert len(found) == 1 and found[0].severity == "info"
    assert found[0].data["words"] >= 65 and found[0].data["median"] == 5
    # In an article of long sentences the same sentence is the norm.
    many_long = " ".join([_long_sentence(50)] * 8)
    assert run_rule(get_rule("ST001"), f"{many_long} {long}")[1] == []


def test_run_on_extreme_is_a_warning_and_thresholds_are_options():
    text = " ".join(["The talks ended on Monday."] * 6) + " " + _long_sentence(130)
    found = run_rule(get_rule("ST001"), text)[1]
    assert [f.severity for f in found] == ["warning"]
    cfg = Config(rule_options={"ST001": {"min_words": 200, "extreme_words": 300}})
    assert run_rule(get_rule("ST001"), text, cfg)[1] == []


def test_fragment_rule_ignores_quotes_and_short_lines():
    rule = get_rule("ST002")
    assert run_rule(rule, "\u201cI never said it was because.\u201d")[1] == []
    assert run_rule(rule, "Report: talks to resume in")[1] == []
    found = run_rule(rule, "The minister said that the review would be finished before the end of the")[1]
    assert [f.text for f in found] == ["end of the"]


def test_clean_corpus_has_no_style_findings():
    text = CLEAN.read_text(encoding="utf-8")
    cfg = Config()
    for art in [text] + text.split("\n\n\n\n"):
        doc = _doc(art, cfg)
        assert run_rules(doc, [get_rule("ST001"), get_rule("ST002")], cfg) == []


def test_syllable_cache_stays_bounded_and_keeps_pyphen_counts(monkeypatch):
    from rules import style

    monkeypatch.setattr(style._SyllableCache, "MAX", 50)
    cache = style._SyllableCache()
    words = [f"{w}{k}" if k else w for k in range(3) for w in ("government", "extraordinary", "parliament")]
    words += [str(n) for n in range(200)] + [f"minister{c}" for c in "abcdefghijklmnopqrstuvwxyz"] * 3
    hyph = style._pyphen()
    expected = {w: len(hyph.positions(w)) + 1 for w in words}
    hyph.hd.cache.clear()
    for w in words:
        assert cache[w] == expected[w], w
        assert len(cache) <= 50 and len(hyph.hd.cache) <= 50  # pyphen's own cache is emptied too
    assert cache["2024"] == 1 and cache["government"] == 3
