"""Encoding rules (EN): behaviour beyond the documented examples — the
reader's decode errors, ftfy's role in mojibake detection, fix safety,
quote-style-aware decoding and lexicons from config."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import Config
from audit.doc import Doc
from audit.engine import apply_fixes, run_rules
from audit.model import Article
from audit.readers import decode_bytes
from audit.registry import get_rule, select_rules

from .helpers import run_rule

CLEAN = Path(__file__).parent / "corpus" / "clean" / "typography_clean.txt"


def findings(code: str, text: str, config: Config | None = None):
    rule = get_rule(code)
    assert rule is not None
    found = run_rule(rule, text, config)[1]
    assert not [f for f in found if f.rule.startswith("AU")]
    return found


def texts(code: str, text: str, config: Config | None = None) -> list[str]:
    return [f.text for f in findings(code, text, config)]


def fixed(code: str, text: str, unsafe: bool = False, config: Config | None = None) -> str:
    return apply_fixes(text, findings(code, text, config), unsafe=unsafe)[0]


# -- EN001 / EN002 ------------------------------------------------------------------


def test_reader_decode_errors_go_to_en001_not_en002():
    text, errors = decode_bytes("Caf\u00e9 in Z\u00fcrich".encode("latin-1"))
    doc = Doc(Article(id="a", text=text, decode_errors=errors))
    cfg = Config()
    got = run_rules(doc, select_rules(["EN001", "EN002"]), cfg)
    assert [(f.rule, f.start, f.end) for f in got] == [("EN001", 3, 4), ("EN001", 9, 10)]
    assert "0xE9" in got[0].message


def test_stored_replacement_character_is_en002():
    assert texts("EN002", "Talks in Pri\ufffd\ufffdtina and Ni\ufffd.") == ["\ufffd\ufffd", "\ufffd"]


# -- EN003 mojibake ------------------------------------------------------------------


def test_mojibake_message_states_cause_repair_and_confidence():
    (f,) = findings("EN003", "Kosovo\u00e2\u20ac\u2122s police said.")
    assert f.text == "\u00e2\u20ac\u2122"
    assert f.fix.replacement == "\u2019" and f.fix.safe
    assert "Windows-1252" in f.message and "high confidence" in f.message
    assert f.data == {"confidence": "high", "repair": "\u2019"}


def test_mojibake_repair_takes_the_article_quote_style():
    text = "He said \"no\". It\u00e2\u20ac\u2122s over, the minister's aide said."
    (f,) = findings("EN003", text)
    assert f.fix.replacement == "'"


def test_lossy_mojibake_is_reported_but_not_fixed_automatically():
    (f,) = findings("EN003", "He called it \u00e2\u20ac\u0153unprecedented\u00e2\u20ac\ufffd today.")
    assert f.data["confidence"] != "high" and not f.fix.safe


def test_double_mojibake_is_repaired_in_one_fix():
    assert fixed("EN003", "It\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u201e\u00a2s over.") == "It\u2019s over."


def test_clean_text_never_reaches_ftfy(monkeypatch):
    import rules.encoding as enc

    def boom(_text):
        raise AssertionError("ftfy called on clean text")

    monkeypatch.setattr(enc.ftfy, "fix_encoding_and_explain", boom)
    text = CLEAN.read_text(encoding="utf-8")
    assert findings("EN003", text) == []


# -- EN004 / EN005 HTML ------------------------------------------------------------------


def test_entities_decode_invisible_ones_to_nothing():
    assert fixed("EN004", "Kos&#8203;ovo and inde&shy;pendence") == "Kosovo and independence"


def test_entities_keep_straight_quotes_in_a_straight_article():
    text = 'He said "yes" and then &quot;no&quot;.'
    assert fixed("EN004", text) == 'He said "yes" and then "no".'


def test_escaped_tags_are_left_to_en005():
    text = "&lt;p&gt;Troops arrived &amp; stayed.&lt;/p&gt;"
    assert texts("EN004", text) == ["&amp;"]
    assert texts("EN005", text) == ["&lt;p&gt;", "&lt;/p&gt;"]


def test_tag_lexicon_from_config():
    text = "Breaking <ins-widget>now</ins-widget>"
    assert texts("EN005", "News <widget>now</widget>") == []
    cfg = Config(lexicons={"html-tags": ["widget"]})
    assert texts("EN005", "News <widget>now</widget>", cfg) == ["<widget>", "</widget>"]
    assert texts("EN005", text) == []


def test_block_tag_between_words_leaves_a_space():
    assert fixed("EN005", "one<br>two<b>three</b>four<div>five</div>") == "one twothreefour five"


# -- EN006 -----------------------------------------------------------------------------------


def test_byte_escapes_that_are_not_utf8_need_review():
    (f,) = findings("EN006", "Caf\\xe9 owners")
    assert f.fix.replacement == "\u00e9" and not f.fix.safe


def test_double_backslash_escape_is_one_finding():
    assert fixed("EN006", "It\\\\u2019s over") == "It\u2019s over"


# -- EN007 / EN008 / EN009 -------------------------------------------------------------------


def test_invisible_message_names_the_characters():
    (f,) = findings("EN007", "Kos\u200b\u00adovo")
    assert "zero-width space (U+200B)" in f.message and "soft hyphen (U+00AD)" in f.message


def test_bidi_controls_are_always_errors():
    rule = get_rule("EN008")
    assert rule is not None and rule.severity == "error"
    got = findings("EN008", "Arabic \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u2067text\u2069 and \u202eevil")
    assert [f.text for f in got] == ["\u2067", "\u2069", "\u202e"]
    assert all(f.severity == "error" for f in got)


def test_c1_inside_mojibake_is_left_to_en003():
    text = "it\u00e2\u0080\u0099s over"
    assert texts("EN009", text) == []
    assert texts("EN003", text) == ["\u00e2\u0080\u0099"]


def test_c1_control_maps_to_windows_1252_in_article_style():
    assert fixed("EN009", "\u201cWe\x92re ready,\u201d he said.") == "\u201cWe\u2019re ready,\u201d he said."
    assert fixed("EN009", "We\x92re \"ready\", he's sure.") == "We're \"ready\", he's sure."


def test_a_run_of_controls_is_one_finding_with_one_fix():
    got = findings("EN009", "It\x92\x08s over.")
    assert [(f.text, f.fix.replacement, f.fix.safe) for f in got] == [("\x92\x08", "\u2019", True)]
    (lost,) = findings("EN009", "It\x81s over.")
    assert lost.fix.replacement == "" and not lost.fix.safe


def test_windows_line_ends_are_fine_but_lone_cr_is_not():
    assert texts("EN009", "One.\r\nTwo.\r\n") == []
    assert fixed("EN009", "One.\rTwo.\r\nThree.") == "One.\nTwo.\r\nThree."


# -- EN010 / EN011 ---------------------------------------------------------------------------


def test_homoglyph_lexicon_from_config():
    # U+0261 LATIN SMALL LETTER SCRIPT G is Latin, so use a Greek one not listed.
    text = "The \u03b9ndex rose."  # Greek iota for i
    assert texts("EN010", text) == []
    cfg = Config(lexicons={"homoglyphs": ["U+03B9 i"]})
    assert fixed("EN010", text, config=cfg) == "The index rose."


def test_real_cyrillic_and_greek_words_are_left_alone():
    text = "\u0412\u0443\u0447\u0438\u045b (Vu\u010di\u0107) and \u0391\u03b8\u03ae\u03bd\u03b1 (Athens); NATO and \u041d\u0410\u0422\u041e."
    assert texts("EN010", text) == []


def test_nbsp_suffix_and_vocabulary():
    assert texts("EN011", "The troops were mov\u00a0ing on.") == ["\u00a0"]
    assert texts("EN011", "Talks in New\u00a0York and 10\u00a0km away.") == []


@pytest.mark.parametrize("code", ["EN002", "EN003", "EN004", "EN005", "EN006", "EN007", "EN008", "EN009", "EN010", "EN011"])
def test_clean_text_raises_nothing(code):
    assert findings(code, CLEAN.read_text(encoding="utf-8")) == []
