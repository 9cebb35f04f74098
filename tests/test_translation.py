"""Translation-artifact family (MT), the calque lexicon and the
source-language annotator."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.engine import apply_fixes, audit_article
from audit.engine import make_plan as _make_plan
from audit.model import Article
from audit.registry import get_rule
from rules import translation
from rules._langid import fold_lower
from rules.translation import expand, load_calques, parse_calque, source_language

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


FAMILY = ("MT", "LG", "RP", "ST")


def _findings(code: str, text: str, config: Config | None = None):
    return run_rule(get_rule(code), text, config)[1]


def _spans(code: str, text: str, config: Config | None = None) -> list[str]:
    return [f.text for f in _findings(code, text, config)]


# -- lexicon ------------------------------------------------------------------------


def test_lexicon_loads_with_languages_and_rewrites():
    entries = load_calques()
    assert len(entries) >= 100
    for e in entries:
        assert e.languages, e.pattern
        assert all(len(code) == 2 and code.isalpha() for code in e.languages), e
        assert e.rewrite.strip(), e.pattern
        assert e.severity in ("warning", "info"), e
        phrases = expand(e.pattern)
        assert phrases, e.pattern
        assert all(p == p.strip() and "  " not in p for p in phrases)


def test_lexicon_phrases_are_unique():
    seen: dict[str, str] = {}
    for e in load_calques():
        for p in expand(e.pattern):
            assert p not in seen, f"{p!r} in both {seen[p]!r} and {e.pattern!r}"
            seen[p] = e.pattern


def test_lexicon_covers_many_source_languages():
    per_lang = Counter(lang for e in load_calques() for lang in e.languages)
    for lang in ("ru", "uk", "pl", "de", "fr", "es", "it", "ar", "fi", "zh", "tr"):
        assert per_lang[lang] >= 1, lang
    assert per_lang["ru"] >= 30 and per_lang["de"] >= 15 and per_lang["ar"] >= 10


def test_expand_alternatives_and_optional_groups():
    assert expand("(let us|let's) recall that") == ["let us recall that", "let's recall that"]
    assert expand("in (the |)ambit of") == ["in the ambit of", "in ambit of"]
    assert expand("(a (b|c)|d) e") == ["a b e", "a c e", "d e"]
    with pytest.raises(ValueError):
        expand("(unclosed")


def test_parse_calque_rejects_incomplete_entries():
    with pytest.raises(ValueError):
        parse_calque("phrase only")
    with pytest.raises(ValueError):
        parse_calque({"phrase": "x y", "languages": [], "rewrite": "z"})
    with pytest.raises(ValueError):
        parse_calque("a\tb\tc\td\te\tf\tg")


# -- MT002 calques ----------------------------------------------------------------------


def test_calque_matching_is_case_insensitive_word_bounded_and_folds_typography():
    assert _spans("MT002", "LET US REMIND YOU THAT the vote is on Sunday.") == ["LET US REMIND YOU THAT"]
    assert _spans("MT002", "Let\u2019s recall that the vote is on Sunday.") == ["Let\u2019s recall that"]
    assert _spans("MT002", "Let us remind\nyou that the vote is on Sunday.") == ["Let us remind\nyou that"]
    assert _spans("MT002", "The uninformed that night stayed home.") == []
    assert _spans("MT002", "Figures were reported about 40 times.") == []


def test_calque_in_quote_is_lower_severity_and_carries_languages():
    f = _findings("MT002", "\u201cIt became known that the talks failed,\u201d he said.")[0]
    assert f.severity == "info"
    assert f.data["languages"] == ["ru", "uk", "de"]
    f = _findings("MT002", "It became known that the talks failed.")[0]
    assert f.severity == "warning"


def test_calque_guards():
    # not_after: passive "was informed that" is English
    assert _spans("MT002", "He was informed that the flight was late.") == []
    assert _spans("MT002", "He informed that the flight was late.") == ["informed that"]
    # not_before: "author of the crime novel"
    assert _spans("MT002", "She is the author of the crime novel.") == []
    assert _spans("MT002", "Police are looking for the author of the crime.") == ["the author of the crime"]


def test_calque_fix_keeps_case_and_advice_only_entries_have_no_fix():
    text = "On the territory of Ukraine, fighting continued."
    doc, findings = run_rule(get_rule("MT002"), text)
    assert apply_fixes(doc.text, findings, unsafe=True)[0] == "In Ukraine, fighting continued."
    assert apply_fixes(doc.text, findings, unsafe=False)[1] == 0
    _, findings = run_rule(get_rule("MT002"), "The Chinese side said talks were useful.")
    assert findings and findings[0].fix is None and findings[0].severity == "info"


def test_calque_lexicon_extendable_from_config():
    cfg = Config(
        lexicons={
            "calques": [
                "in the optic to\tfr\twith a view to\twarning",
                {"phrase": "(make|makes) the point on", "languages": ["fr"], "rewrite": "take stock of"},
            ]
        }
    )
    text = "In the optic to calm markets, the bank makes the point on rates."
    assert _spans("MT002", text, cfg) == ["In the optic to", "makes the point on"]
    assert _spans("MT002", text) == []


# -- MT004 / MT003 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Officials said the plan had support in United States.", ["United States"]),
        ("Philippines has rejected the claim.", ["Philippines"]),
        ("The move by EU was criticised.", ["EU"]),
        ("Netherlands' decision surprised its allies.", ["Netherlands"]),
        ("As UN has noted, the camps are full.", ["UN"]),
        ("U.S. troops and UK officials arrived, and EU envoys met the Kremlin team.", []),
        ("He flew to the U.S. and then to the United Kingdom.", []),
        ("Kremlin says it will respond", []),
        ("\u201cUnited States will not accept this,\u201d he said.", ["United States"]),
    ],
)
def test_missing_article(text, expected):
    assert _spans("MT004", text) == expected


def test_missing_article_in_quote_is_info():
    f = _findings("MT004", "\u201cUnited States will not accept this,\u201d he said.")[0]
    assert f.severity == "info"


def test_country_as_person_needs_a_person_free_stretch():
    rule = "MT003"
    assert _spans(rule, "Serbia said that its president, Aleksandar Vucic, would decide and that he would visit.") == []
    assert _spans(rule, "Britain's defence ministry said his forces would stay.") == ["his"]
    assert _spans(rule, "On Friday, the Kremlin said he would respond to the sanctions.") == ["he"]


# -- MT001 ------------------------------------------------------------------------------------


def test_garbled_attribution_quiet_inside_quotes():
    text = "\u201cAccording to the plan, we stay, according to the orders,\u201d he said."
    assert _spans("MT001", text) == []


# -- MT005 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Prices rose 3,4% in May.", ["3,4"]),
        ("A rate of 0,5 was agreed.", ["0,5"]),
        ("It cost 1.234,50 euros.", ["1.234,50"]),
        ("About 1.250.000 voters took part.", ["1.250.000"]),
        ("Some 2.000 Serbs marched.", ["2.000"]),
        ("A total of 1 500 000 people voted.", ["1 500 000"]),
        ("The firm earned 2 Mrd. euros last year.", ["Mrd."]),
        ("The firm lost 3 mln at the end.", ["mln"]),
        ("It costs 100$ a month.", ["$"]),
        ("On 1.10.2023 the law changed.", ["1.10.2023"]),
        ("Turnout was 64.5%, or 1,234,567 voters, on 24 September 2023.", []),
        ("The score was 2-0,1-1 after extra time.", []),
        ("Stations 1, 2 and 3 were closed.", []),
        ("The rate is 1.500 percent and the bar is 2.000 metres high.", []),
    ],
)
def test_number_formats(text, expected):
    assert _spans("MT005", text) == expected


def test_number_format_fixes():
    cases = {
        "About 50 thousand people came.": ("About 50,000 people came.", True),
        "About 1.5 thousand people came.": ("About 1,500 people came.", True),
        "Losses of 3 mln. euros were reported.": ("Losses of 3 million euros were reported.", True),
        "Inflation hit 7,3 percent.": ("Inflation hit 7.3 percent.", False),
        "The city built 1.500 flats.": ("The city built 1,500 flats.", False),
        "Some 50 000 people marched.": ("Some 50,000 people marched.", False),
    }
    for text, (fixed, safe) in cases.items():
        doc, findings = run_rule(get_rule("MT005"), text)
        assert apply_fixes(doc.text, findings, unsafe=True)[0] == fixed
        assert all(f.fix.safe is safe for f in findings), text


def test_date_message_names_the_month():
    f = _findings("MT005", "The law took effect on 01.10.2023 after a long debate.")[0]
    assert "1 October 2023" in f.message


# -- source-language annotator ------------------------------------------------------------------


def _source(text: str) -> dict | None:
    return source_language(Doc(Article(id="a", text=text), Config()))


def test_source_language_slavic():
    text = (
        "Let us remind you that the talks began in May. The minister also informed that a phone call "
        "was planned, and the prime minister of that country agreed. About 40 thousand people live there.\n"
    )
    out = _source(text)
    assert out is not None
    langs = [x["lang"] for x in out["languages"]]
    assert langs[0] == "pl" and set(langs) <= {"pl", "ru", "uk"}
    ev = out["languages"][0]["evidence"]
    assert {"rule": "MT002", "start": 0, "text": "Let us remind you that"} in ev
    assert any(e["rule"] == "MT005" and e["text"] == "40 thousand" for e in ev)


def test_source_language_arabic_and_german_and_finnish():
    ar = "The force is ready, an Atlantic official said. In a related context, the Atlantic forces moved north.\n"
    assert _source(ar)["languages"][0]["lang"] == "ar"
    de = "In view of the recently flared up tensions, the alliance said it had already last week sent 1.500 soldiers.\n"
    assert _source(de)["languages"][0]["lang"] == "de"
    fi = "The other weekend a police officer was killed, and the crisis management operation was reinforced.\n"
    assert _source(fi)["languages"][0]["lang"] == "fi"


def test_source_language_from_untranslated_paragraph():
    text = (
        "The government presented its budget on Monday, and ministers defended the spending cuts in parliament.\n\n"
        "Die Opposition kritisierte den Plan als zu spät und zu teuer, sagte ein Sprecher am Abend in Berlin.\n\n"
        "A vote is expected next week after a debate that could last several days, officials said.\n"
    )
    out = _source(text)
    assert out["languages"][0]["lang"] == "de"
    assert out["languages"][0]["evidence"][0]["rule"] == "LG002"


def test_source_language_none_for_clean_text():
    for art in CLEAN.read_text(encoding="utf-8").split("\n\n\n\n"):
        assert _source(art) is None


def test_source_language_in_article_result():
    plan = make_plan(Config(select=["MT"]))
    result = audit_article(Article(id="x", text="Let us remind you that the vote is on Sunday.\n"), plan)
    assert result.extra["source_language"]["languages"][0]["evidence"][0]["rule"] == "MT002"
    assert "source_language" in result.to_dict()


# -- the whole family on clean text, and robustness ----------------------------------------------


def test_clean_corpus_raises_no_warning_or_error_from_the_family():
    text = CLEAN.read_text(encoding="utf-8")
    assert len(text.split()) >= 3000
    plan = make_plan(Config(select=list(FAMILY)))
    for i, art in enumerate([text] + text.split("\n\n\n\n")):
        result = audit_article(Article(id=f"clean-{i}", text=art), plan)
        bad = [(f.rule, f.severity, f.text) for f in result.findings if f.severity != "info"]
        assert bad == [], bad
        assert not [f for f in result.findings if f.rule.startswith("AU")]


def test_clean_corpus_raises_nothing_at_all_from_the_translation_rules():
    plan = make_plan(Config(select=["MT"]))
    result = audit_article(Article(id="clean", text=CLEAN.read_text(encoding="utf-8")), plan)
    assert [(f.rule, f.text) for f in result.findings] == []


def test_translation_rules_linear_on_adversarial_input():
    plan = make_plan(Config(select=["MT"], time_budget=0))
    texts = [
        "1" * 1_000_000,
        "1.000" * 200_000,
        "1 000 " * 160_000,
        "according to " * 80_000,
        ("United States said he " * 40_000),
        "Spokesman by " + "Dylan " * 150_000,
        "0,5," * 250_000,
        "A" * 1_000_000,
    ]
    t0 = time.perf_counter()
    for t in texts:
        audit_article(Article(id="adv", text=t), plan)
    assert time.perf_counter() - t0 < 20.0


def test_translation_rules_stay_quiet_for_other_expected_languages():
    text = "Die Inflation lag bei 2,5 Prozent. Let us remind you that 1.500 Wohnungen fehlen.\n"
    plan = make_plan(Config(select=["MT"], lang="de"))
    result = audit_article(Article(id="de", text=text), plan)
    assert result.findings == [] and result.extra["source_language"] is None
    assert _spans("MT005", "Inflation reached 2,5 percent.") == ["2,5"]


def test_family_module_constants_are_documented():
    assert translation.__doc__ and "MT005" in translation.__doc__


# -- MT005 fast gate ------------------------------------------------------------------------------
#
# ``_NUMBER_GATE``/``_ABBR_GATES`` (``regex`` module) decide whether the stdlib
# patterns run at all: they must find something whenever those would.

_ALL_CHARS = "".join(map(chr, range(sys.maxunicode + 1)))


def _numbers_possible(text: str) -> bool:
    """The gate as MT005 runs it (hint words from the family's scan)."""
    doc = Doc(Article(id="x", text=text), Config())
    return translation._numbers_possible(text, fold_lower(text), translation._scan(doc).hints)


def test_gate_character_classes_contain_the_stdlib_ones():
    # The gate's \d and whitespace are supersets of ``re``'s (Unicode
    # versions of the two modules may differ).
    assert set(re.findall(r"\d", _ALL_CHARS)) <= set(regex.findall(r"\d", _ALL_CHARS))
    assert set(re.findall(r"\s", _ALL_CHARS)) <= set(regex.findall(translation._GATE_SPACE, _ALL_CHARS))


def test_gate_knows_every_spelling_the_stdlib_ignorecase_accepts():
    # Each letter of each gated word replaced by every character ``re``'s
    # (?i) matches it to.
    words = ["mln", "bln", "mld", "mlrd", "mio", "mrd", "tys", "thous", "ths", "thousand", "o'clock"]
    for word in words:
        for i, letter in enumerate(word):
            for c in set(re.findall("(?i)" + re.escape(letter), _ALL_CHARS)):
                text = "15 " + word[:i] + c + word[i + 1 :] + " left"
                if translation._NUMBERS.search(text):
                    assert _numbers_possible(text), text
                if translation._NUMBER_ABBR.search(text):
                    assert translation._abbr_possible(text), text
                    assert translation._abbr_possible(text.replace("15 ", "1\u0663")), text


_NUMBER_PIECES = list("0123456789.,  \u00a0\u202f\t\n\x1c\x85%$\u20ac\u00a3\u20bd\u20b4-/:#_'\u2019xAe") + [
    "\u0663", "\uff15", "\u07c0", "\u00b2", "\u2155", "thousand", "THOU\u017fAND", "Thousand", "o'clock",
    "O\u2019CLOCK", "o\u2018clock", "mln", "M\u0130O", "m\u0131o", "ty\u017f", "ths", "Thous", "mrd", "bln",
    "mld", "mlrd", "ths.", "thous.", "people", "flats", " percent", " per cent", " bn", "000", "00", "19", "20",
    "2023", "1.500", "0,5", "50 000", "24.09.", "15", "23", "24.09.2023", "1.10.1999", "3.4.20",
]
number_texts = st.lists(st.sampled_from(_NUMBER_PIECES), max_size=40).map("".join)
# Dense: mostly digits and separators, short.
dense_number_texts = st.lists(st.sampled_from(list("0123456789.,  \u00a0x") + ["\u0663", "people", "%"]), max_size=14).map(
    "".join
)


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(number_texts, dense_number_texts))
def test_number_gate_never_hides_a_match(text):
    if translation._NUMBERS.search(text):
        assert _numbers_possible(text)
    if translation._NUMBER_ABBR.search(text):
        assert translation._abbr_possible(text)


@pytest.mark.parametrize(
    "text",
    [
        "It rose by 2,5 billion.",
        "A share of 0,123 went.",
        "It cost 1.234,56 euros.",
        "Some 1.234.567 voted.",
        "It built 1.500 flats.",
        "Some 50 000 people.",
        "Some 150\u00a0000 people.",
        "About 50 thousand came.",
        "About 1,5 thousand came.",
        "About 50 \u2003\nthousand came.",
        "At 15\x1co'clock it began.",
        "On 24.09.2023 it began.",
        "On 1.1.1999 it began.",
        "At 15 o'clock it began.",
        "At 23 O\u2019CLOCK it began.",
    ],
)
def test_number_gate_passes_each_source_format(text):
    assert translation._NUMBERS.search(text)
    assert _numbers_possible(text)
    # The same with the last digit an Arabic-Indic one, where ``\\d`` allows it.
    last = max(i for i, c in enumerate(text) if c.isdigit())
    other = text[:last] + "\u0662" + text[last + 1 :]
    if translation._NUMBERS.search(other):
        assert _numbers_possible(other)


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(number_texts)
def test_currency_patterns_find_what_one_class_pattern_finds(text):
    one = re.compile(r"[\u20ac$\u00a3\u20bd\u20b4](?:(?<=\d.)|(?<=\d\s.))(?![\d\w])")
    split = sorted(m.span() for p in translation._CURRENCY_AFTER.values() for m in p.finditer(text))
    assert split == [m.span() for m in one.finditer(text)]


# -- the family's one scan ---------------------------------------------------------------------------
#
# ``_scan`` finds known names through their lower-case forms in the folded
# text; the reference is the plain case-sensitive search of the original text.


def _reference_entity_hits(text: str) -> list[tuple[int, int, str]]:
    n = len(text)
    found = []
    occurrences = []
    for name in {ent.name for ent in translation.load_entities()}:
        s = text.find(name)
        while s >= 0:
            occurrences.append((s, s + len(name), name))
            s = text.find(name, s + 1)
    for s, e, name in occurrences:
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "-."):
            continue
        if e < n and text[e].isalnum():
            continue
        if name[-1] != "." and e < n and text[e] == "." and e + 1 < n and text[e + 1].isalpha():
            continue
        found.append((s, -e, name))
    out, last = [], -1
    for s, neg_e, name in sorted(found):
        if s >= last:
            out.append((s, -neg_e, name))
            last = -neg_e
    return out


_NAME_PIECES = [
    "United States", "UNITED STATES", "united states", "United\nStates", "United  States", "U.S.", "U.S.A", "US",
    "us", "UN", "Un", "EU", "Kremlin", "Netherlands", "Niger", "Nigeria", "Congo", "the", " ", "\n", ".", "-", "'",
    "\u2019", "x", "A", "\u0130", "\u03a3", "\u00df", "\u1e9e", "\ufb01", "ab", "Gaza Strip", "West Bank", "European Union",
]


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=30).map("".join))
def test_scan_finds_the_same_names_as_a_case_sensitive_search(text):
    doc = Doc(Article(id="x", text=text), Config())
    got = [(h.start, h.end, h.entity.name) for h in translation.entity_hits(doc)]
    assert got == _reference_entity_hits(text)


def test_shipped_names_lower_case_without_changing_length():
    # ``_scan`` relies on a name's folded form being as long as the name.
    for ent in translation.load_entities():
        assert len(fold_lower(ent.name)) == len(ent.name), ent.name


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(list("ab_'\u2019.-, \n\t\u00a0\u2003\x1c(\u201c") + ["the", "U.S", "\u00e9", "\u0663"]), max_size=40).map("".join))
def test_previous_token_is_what_the_token_pattern_finds(text):
    pattern = re.compile(r"([\w'\u2019.-]+)\s*$")
    for s in range(len(text) + 1):
        m = pattern.search(text, max(0, s - 30), s)
        expected = m.group(1) if m and "\n" not in m.group(0) else None
        assert translation._previous_token(text, s) == expected, (text, s)


@pytest.mark.parametrize("value", ["MİO", "mıo", "tyſ", "MLN"])
def test_abbreviations_with_case_variant_letters_are_reported_not_crashed(value):
    # Case-insensitive matching equates "İ", "ı" and "ſ" with ASCII letters;
    # looking them up used to raise KeyError (an AU001 crash finding).
    from audit.api import check_text

    findings = check_text(f"Prices rose by 5 {value} euros in the past months. Then more.")
    assert [f.rule for f in findings] == ["MT005"]
    assert "source-language abbreviation" in findings[0].message
