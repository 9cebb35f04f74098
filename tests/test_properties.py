"""Property-based tests over the engine, every rule and the readers
(hypothesis).

* Arbitrary Unicode — every plane, combining marks, lone surrogates
  (escaped by the reader's decoding step, as real input is), RTL and bidi
  controls, emoji sequences, control characters, very long lines, no line
  break at all or nothing but line breaks — never makes a collector (the
  corpus-wide first pass), rule, stats provider or annotator raise (no ``AU001``/``AU003``); every finding's
  offsets index the text, ``text[start:end]`` is its text, its key and
  metadata are well-formed.
* Applying fixes (safe and unsafe) never raises; no fix is a no-op; a
  rule's safe fixes never produce text that the same rule flags again, with
  a safe fix, at the same place; and rounds of safe fixes (as ``mtaudit
  fix`` runs them) never cycle.
* The readers turn any bytes — as a text file, JSONL or CSV, plain or
  gzipped — into articles and input errors, never an exception, and never
  hand on a lone surrogate.

CI runs a few hundred examples per property (derandomized). The long mode
runs many more, with fresh randomness each time:

    MTAUDIT_FUZZ_EXAMPLES=25000 python -m pytest tests/test_properties.py -q

(five properties × 25,000 = 125,000 examples).
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.engine import (
    apply_fixes,
    audit_article,
    collect_corpus,
    make_plan,
    run_rules,
)
from audit.fixer import MAX_ROUNDS
from audit.model import CATEGORIES, SEVERITIES, Article, InputError
from audit.readers import ReaderOptions, clean_text, read_corpus
from audit.registry import get_rule

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
#: Any code point of any plane, lone surrogates included (the reader's
#: decoding step turns them into U+FFFD, as it does for real input).
ANY_CODE_POINT = st.integers(min_value=0, max_value=0x10FFFF).map(chr)
#: Scripts and sequences that stress segmentation and offsets.
SEQUENCES = st.sampled_from(
    [
        "\u0627\u0644\u0633\u0644\u0627\u0645 \u0639\u0644\u064a\u0643\u0645",  # Arabic (RTL)
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew (RTL)
        "\u202b\u202a\u202c\u2066\u2067\u2068\u2069\u200e\u200f",  # bidi controls
        "a\u0301\u0302\u0303\u0304\u0305\u0306",  # stacked combining marks
        "\u0301leading mark",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # ZWJ family
        "\U0001f1fa\U0001f1f8",  # flag (regional indicators)
        "\U0001f44d\U0001f3fd",  # skin-tone modifier
        "\u0928\u092e\u0938\u094d\u0924\u0947",  # Devanagari with virama
        "\u1100\u1161\u11a8",  # Hangul jamo
        "\U00020000\U0002a6d6",  # CJK extension B (astral)
        "\U000e0001\U000e0020\U000e007f",  # tag characters
        "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b",  # C0/C1 controls
        "\ufeff\ufffe\uffff\U0010ffff",  # BOM and non-characters
        "\u2028\u2029\r\r\n\x1c\x1d\x1e",  # exotic line and record separators
        "\ud800\udc00\udfff\udc80",  # surrogates, paired and lone
    ]
)
WILD = st.lists(st.one_of(ATOMS, SEQUENCES, st.text(ANY_CODE_POINT, max_size=8)), max_size=40).map("".join)
LONG_LINE = st.tuples(st.one_of(ATOMS, SEQUENCES), st.integers(min_value=200, max_value=20_000)).map(
    lambda t: (t[0] * (t[1] // max(1, len(t[0])) + 1))[: t[1]]
)
ANY_TEXT = st.one_of(
    st.text(max_size=400),
    NEWSISH,
    WILD,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(ANY_CODE_POINT, max_size=300),
    st.just("\n" * 50),
    st.integers(min_value=1, max_value=5000).map(lambda n: "\n" * n),
    st.integers(min_value=1, max_value=3000).map(lambda n: "x" * n),
    LONG_LINE,
    st.lists(NEWSISH, min_size=2, max_size=8).map("\n\n".join),
)
TOOL_FAILURES = ("AU001", "AU003")
_KEY = re.compile(r"[0-9a-f]{16}")


def _audit(text: str):
    """Audit one text as the engine does in a run, corpus-wide first pass
    included (the collectors observe it, then SD012 reads their counts)."""
    text, errs = clean_text(text)
    art = Article(id="fuzz", text=text, decode_errors=errs, source="fuzz")
    return text, audit_article(art, PLAN, collect_corpus([art, art], PLAN))


@SETTINGS
@given(ANY_TEXT)
def test_no_rule_crashes_and_offsets_index_the_text(raw):
    text, result = _audit(raw)
    crashed = [f.message for f in result.findings if f.rule in TOOL_FAILURES]
    assert not crashed, crashed
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert f.category in CATEGORIES and f.severity in SEVERITIES and isinstance(f.message, str)
        assert f.key is not None and _KEY.fullmatch(f.key)
        if f.fix is not None:
            s, e = f.fix.span(f.start, f.end)
            assert 0 <= s <= e <= len(text)
            assert isinstance(f.fix.replacement, str)
            assert f.fix.replacement != text[s:e], f"{f.rule}: a fix that changes nothing"
    assert 0 <= result.score <= 100
    assert result.stats["chars"] == len(text)


@SETTINGS
@given(ANY_TEXT)
def test_every_fix_applies_cleanly(raw):
    """All fixes, unsafe ones included, apply without raising, and the
    result audits without a crash."""
    text, result = _audit(raw)
    fixed, n = apply_fixes(text, result.findings, unsafe=True)
    assert isinstance(fixed, str) and n <= sum(1 for f in result.findings if f.fix is not None)
    if n:
        _, again = _audit(fixed)
        assert not [f.message for f in again.findings if f.rule in TOOL_FAILURES]


def _applied_edits(findings) -> list[tuple[str, int, int]]:
    """``(rule, start, end)`` in the fixed text of every safe fix that
    ``apply_fixes`` applies (same order and overlap rule)."""
    applied = []
    shift = 0
    last_end = -1
    for f in sorted(
        (f for f in findings if f.fix is not None and f.fix.safe and not f.waived),
        key=lambda f: (*f.fix.span(f.start, f.end), f.rule, f.fix.replacement),
    ):
        s, e = f.fix.span(f.start, f.end)
        if s < last_end or (s == e == last_end):
            continue
        applied.append((f.rule, s + shift, s + shift + len(f.fix.replacement)))
        shift += len(f.fix.replacement) - (e - s)
        last_end = max(last_end, e)
    return applied


def _touches(start: int, end: int, s: int, e: int) -> bool:
    """Does a finding at ``start:end`` of the fixed text cover text a fix
    wrote there (``s:e``) or span the place where it removed text?"""
    if start == end:
        return s <= start <= e
    return (start < e and end > s) or start < s < end or start < e < end


@SETTINGS
@given(ANY_TEXT)
def test_safe_fixes_do_not_recreate_the_same_finding(raw):
    """Each rule's safe fixes converge: after applying them, the rule never
    flags (with a safe fix) text a fix wrote or a span across the place it
    removed text. Rules are checked one at a time — fixes of different
    rules can compose into something new (a control character removed
    between ``.`` and ``..``), which further rounds of ``mtaudit fix``
    handle; the next property checks those rounds never cycle."""
    text, result = _audit(raw)
    by_rule: dict[str, list] = {}
    for f in result.findings:
        if f.fix is not None and f.fix.safe and not f.waived:
            by_rule.setdefault(f.rule, []).append(f)
    for code, found in by_rule.items():
        fixed, n = apply_fixes(text, found)
        if not n:
            continue
        rule = get_rule(code)
        art = Article(id="fuzz", text=fixed, source="fuzz")
        corpus = collect_corpus([art, art], PLAN) if rule.needs else {}
        again = run_rules(Doc(art, PLAN.config, corpus), [rule], PLAN.config)
        for _, s, e in _applied_edits(found):
            same = [g for g in again if g.fix is not None and g.fix.safe and _touches(g.start, g.end, s, e)]
            assert not same, (code, text, fixed, [(g.start, g.end, g.text) for g in same])


@SETTINGS
@given(ANY_TEXT)
def test_rounds_of_safe_fixes_never_cycle(raw):
    """Rounds of safe fixes, as ``mtaudit fix`` runs them (up to its
    ``MAX_ROUNDS``), never bring back an earlier text: no two fixes undo
    each other. (Slow convergence is allowed — a rule bounds the work of
    one hit, e.g. a glued breadcrumb is cut at most a few hundred
    characters per round, or caps its hits per article.)"""
    text = clean_text(raw)[0]
    seen = {text}
    for _ in range(MAX_ROUNDS):
        _, result = _audit(text)
        fixed, n = apply_fixes(text, result.findings)
        if not n:
            return
        assert fixed not in seen, f"safe fixes cycle back to an earlier text: {raw!r}"
        seen.add(fixed)
        text = fixed


def test_convergence_check_is_not_vacuous():
    """The check above catches fixes that do not converge: one that writes
    back what it flagged, and a deletion that leaves a new doubled mark."""
    import regex as re_

    from audit.doc import Doc
    from audit.engine import run_rules
    from audit.model import Fix, Hit
    from audit.registry import Rule

    def doubled_comma(doc):
        for m in re_.finditer(",,", doc.text, overlapped=False):
            yield Hit(m.start(), m.end(), fix=Fix("", True, m.start() + 1, m.end()))

    def rewrite(doc):
        for m in re_.finditer("ab", doc.text):
            yield Hit(m.start(), m.end(), fix=Fix("ab", True))

    cfg = Config()
    for fn, text in ((doubled_comma, "a,,, b"), (rewrite, "x ab y")):
        rule = Rule(code="ZZ001", name="z", category="punctuation", severity="warning", fn=fn, summary="Z.", doc="Z.")
        before = run_rules(Doc(Article("a", text), cfg), [rule], cfg)
        fixed, n = apply_fixes(text, before)
        after = run_rules(Doc(Article("a", fixed), cfg), [rule], cfg)
        edits = _applied_edits(before)
        assert n == 1 and any(_touches(g.start, g.end, s, e) for g in after for _, s, e in edits), (text, fixed)


# -- readers ---------------------------------------------------------------------------------
RAW_BYTES = st.one_of(
    st.binary(max_size=600),
    st.lists(
        st.one_of(
            st.sampled_from(
                [b"\n", b"\r\n", b"\r", b",", b'"', b'""', b"{", b"}", b'{"text": "', b'"}', b'{"text": 5}',
                 b'{"text": null}', b"[", b"]", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe2\x80",
                 b"\\ud800", b"\\u0000", b"text", b"id,text\n", b"NaN", b"1e999", b"\x1f\x8b"]
            ),
            st.binary(max_size=8),
            NEWSISH.map(lambda t: t.encode("utf-8", "surrogatepass")),
        ),
        max_size=40,
    ).map(b"".join),
)
SUFFIXES = st.sampled_from([".txt", ".md", ".jsonl", ".ndjson", ".json", ".csv", ".jsonl.gz", ".csv.gz"])


@SETTINGS
@given(RAW_BYTES, SUFFIXES, st.booleans(), st.sampled_from([None, "id", "a.b"]))
def test_readers_never_raise_on_any_bytes(data, suffix, truncate, id_field):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "input" + suffix)
        payload = gzip.compress(data) if suffix.endswith(".gz") else data
        if truncate and suffix.endswith(".gz"):
            payload = payload[: len(payload) // 2]
        with open(path, "wb") as fh:
            fh.write(payload)
        items = list(read_corpus([path, d], ReaderOptions(id_field=id_field, max_record_bytes=300)))
    for it in items:
        assert isinstance(it, (Article, InputError))
        if isinstance(it, Article):
            assert it.text.strip() and clean_text(it.text)[0] == it.text  # no lone surrogates
            assert clean_text(it.id)[0] == it.id and (it.path is None or clean_text(it.path)[0] == it.path)
            for s, e, msg in it.decode_errors:
                assert 0 <= s < e <= len(it.text) and set(it.text[s:e]) == {"\ufffd"}
        else:
            assert it.path and (it.line is None or it.line >= 1) and it.message
