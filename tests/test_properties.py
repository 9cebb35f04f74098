"""Property-based tests over the engine and every rule (hypothesis).

CI runs a few hundred examples per property. The long mode runs many more:

    MTAUDIT_FUZZ_EXAMPLES=100000 python -m pytest tests/test_properties.py -q
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.engine import apply_fixes, audit_article, make_plan
from audit.model import Article
from audit.readers import clean_text

EXAMPLES = int(os.environ.get("MTAUDIT_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 1000,
)

PLAN = make_plan(Config(select=["ALL"]))

# Pieces that exercise the rules: punctuation, quotes, entities, scripts,
# controls, news-like words, and line structure.
ATOMS = st.sampled_from(
    [
        ".", "..", "...", ",", ",,", "?", "!", "?!", "\u2026", " - ", "-", "\u2014", "\u2013",
        '"', "\u201c", "\u201d", "\u2018", "\u2019", "\u201e", "\u00ab", "\u00bb", "(", ")", "[", "]",
        "&amp;", "&quot;", "&#8217;", "&nbsp;", "<p>", "</div>", "<br/>", "\\u2019", "\\xe2\\x80\\x99",
        "\u00e2\u20ac\u2122", "\u00c3\u00a9", "\ufffd", "\u200b", "\u202e", "\u00ad", "\u00a0", "\x00", "\x1b[31m",
        "K\u043esovo", "N A T O", "* * *", "-----", "source site-34", "date 2023-09-30", "Read more",
        "Home \u203a World", "HomeWorldNews", "NATO", "the the", "according to", "said", "he", "United States",
        "2,5 billion", "50 thousand", "1.500", "50 000", "3.5%", "U.S.", "e.g.", "www.example.gov",
        "\u041f\u0440\u0438\u0432\u0435\u0442", "\u0645\u0631\u062d\u0628\u0627", "\u4f60\u597d", "\U0001f600",
        "e\u0301", "\n", "\n\n", "\r\n", " ", "\t", "The", "minister", "Vu\u010di\u0107", "Z\u00fcrich",
    ]
)
NEWSISH = st.lists(st.one_of(ATOMS, st.text(min_size=0, max_size=12)), min_size=0, max_size=60).map("".join)
ANY_TEXT = st.one_of(
    st.text(max_size=400),
    NEWSISH,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.just("\n" * 50),
    st.integers(min_value=1, max_value=3000).map(lambda n: "x" * n),
)


def _audit(text: str):
    text, errs = clean_text(text)
    art = Article(id="fuzz", text=text, decode_errors=errs)
    return text, audit_article(art, PLAN)


@SETTINGS
@given(ANY_TEXT)
def test_no_rule_crashes_and_offsets_index_the_text(raw):
    text, result = _audit(raw)
    crashed = [f.message for f in result.findings if f.rule == "AU001"]
    assert not crashed, crashed
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.text
        if f.fix is not None:
            s, e = f.fix.span(f.start, f.end)
            assert 0 <= s <= e <= len(text)
    assert 0 <= result.score <= 100


@SETTINGS
@given(ANY_TEXT)
def test_safe_fixes_do_not_recreate_the_same_finding(raw):
    text, result = _audit(raw)
    fixed, n = apply_fixes(text, result.findings)
    if not n:
        return
    # Map each applied fix to its place in the fixed text.
    applied = []
    shift = 0
    last_end = -1
    for f in sorted(
        (f for f in result.findings if f.fix is not None and f.fix.safe),
        key=lambda f: (*f.fix.span(f.start, f.end), f.rule, f.fix.replacement),
    ):
        s, e = f.fix.span(f.start, f.end)
        if s < last_end or (s == e == last_end):
            continue
        applied.append((f.rule, s + shift, s + shift + len(f.fix.replacement)))
        shift += len(f.fix.replacement) - (e - s)
        last_end = max(last_end, e)
    again = audit_article(Article(id="fuzz", text=fixed), PLAN).findings
    for rule, s, e in applied:
        same = [g for g in again if g.rule == rule and s <= g.start <= e and g.fix is not None and g.fix.safe]
        assert not same, (rule, text, fixed, [(g.start, g.end, g.text) for g in same])
