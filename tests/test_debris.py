"""Scraper-debris rules (SD…): precision negatives from the issue, fixes
that compose, corpus-level boilerplate through the runner, the per-source
rollup, and line-level precision/recall on the labelled corpora."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from audit.config import Config
from audit.doc import Doc
from audit.engine import apply_fixes, make_plan, run_rules
from audit.model import Article
from audit.readers import ReaderOptions
from audit.registry import all_rules, collectors, get_rule
from audit.runner import iter_results
from audit.summary import SummaryBuilder
from rules.debris import BOILERPLATE, boilerplate_candidates

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "debris"
HOLDOUT = ROOT / "tests" / "corpus" / "debris-holdout"
SD_RULES = [r for r in all_rules() if r.category == "debris"]
LINE_RULES = [r for r in SD_RULES if not r.needs]


def _load_eval():
    spec = importlib.util.spec_from_file_location("debris_eval", ROOT / "bench" / "debris_eval.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["debris_eval"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def findings(text: str, rules=LINE_RULES, config: Config | None = None):
    cfg = config or Config()
    doc = Doc(Article(id="t", text=text), cfg)
    return doc, run_rules(doc, list(rules), cfg)


def test_every_debris_rule_has_a_distinct_code_and_the_sd002_name_is_kept() -> None:
    codes = [r.code for r in SD_RULES]
    assert codes == sorted(set(codes))
    assert {f"SD{n:03d}" for n in range(1, 13)} <= set(codes)
    assert get_rule("SD002").name == "scraper-source-marker"
    assert get_rule("SD003") is not None


# -- precision: the issue's negatives, all rules at once ---------------------------

CLEAN = """Kosovo police seize weapons after monastery siege

PRISTINA, Kosovo (AP) \u2014 Police said Monday they had seized a large cache of weapons after a standoff at a monastery in the north of the country.

WASHINGTON \u2014 The United States urged both governments to pull back troops, a State Department spokesman said on Friday.

\u201cRead more about the history before you judge,\u201d the minister told reporters, adding that the talks would resume.

Regulators said many websites still place cookies without consent, and that refusing cookies must be as easy as accepting them.

The paper's morning newsletter now reaches 200,000 readers, and sign-ups doubled last year, its editor said.

Shooting in the village of Banjska

Apple's iPhone sales fell, while YouTube, LinkedIn, eBay and JPMorgan reported slower growth; McDonald's and the PlayStation maker Sony did better.

Share prices rose 4 percent. Comments by the minister angered the opposition.

What comes next

By Friday evening, there were no new reports of fighting, and the European Commission said it would propose simpler rules for every site.

(Reporting by Anna Weber; Editing by Louise Heavens)
"""


def test_issue_negatives_raise_no_debris_finding() -> None:
    _doc, got = findings(CLEAN)
    assert [(f.rule, f.text) for f in got] == []


def test_clean_corpus_articles_raise_no_debris_finding() -> None:
    paths = sorted(p for p in CORPUS.glob("clean-*/*.txt")) + sorted(HOLDOUT.glob("clean-*/*.txt"))
    assert len(paths) >= 20
    for p in paths:
        _doc, got = findings(p.read_text(encoding="utf-8"))
        assert [(f.rule, f.text) for f in got] == [], p.name


# -- fixes ------------------------------------------------------------------------


def _debris_articles() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*.txt") if not p.parent.name.startswith("clean"))


@pytest.mark.parametrize("path", _debris_articles(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_safe_fixes_remove_all_furniture_and_keep_every_content_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc, got = findings(text)
    fixed, n = apply_fixes(text, got, unsafe=False)
    assert n == sum(1 for f in got if f.fix and f.fix.safe), "safe fixes overlapped"
    _doc2, again = findings(fixed)
    # What remains: only findings without a safe fix (inline placeholders,
    # truncated endings, mid-article teasers).
    assert all(not (f.fix and f.fix.safe) for f in again), [(f.rule, f.text) for f in again]
    for lz in doc.zones:
        if lz.zone in ("lead", "body", "subheading") and lz.glued is None:
            assert text[lz.start : lz.end] in fixed


def test_any_subset_of_line_deletions_composes() -> None:
    text = "Accept all cookies\nSkip to content\n\nHeadline here\n\n" + (
        "Officials said the talks would continue next week in the capital.\n\n"
        "Advertisement\n\nThe minister said the government would extend deadlines.\n\n"
        "Share on Facebook\nShare on X\n\nrelated articles\nSome other story\n\nmost read"
    )
    _doc, got = findings(text)
    fixable = [f for f in got if f.fix]
    assert len(fixable) == 8
    for mask in range(1 << len(fixable)):
        chosen = [f for k, f in enumerate(fixable) if mask >> k & 1]
        _fixed, n = apply_fixes(text, chosen)
        assert n == len(chosen)
    fixed, _ = apply_fixes(text, fixable)
    assert fixed == (
        "Headline here\n\nOfficials said the talks would continue next week in the capital.\n\n"
        "The minister said the government would extend deadlines."
    )


def test_glued_prefixes_are_deleted_exactly() -> None:
    text = "HomeWorldEuropeRuling party wins election\n\n date 2024-03-18 The party won 41 percent of the vote."
    _doc, got = findings(text)
    assert [(f.rule, f.text) for f in got] == [("SD003", "HomeWorldEurope"), ("SD008", "date 2024-03-18")]
    fixed, _ = apply_fixes(text, got)
    assert fixed == "Ruling party wins election\n\nThe party won 41 percent of the vote."
    # Only at the head: a date field later in the article is text.
    later = "Vote count ends\n\nThe party won 41 percent.\n\ndate 2024-03-18 was when the count ended, officials said."
    assert findings(later)[1] == []


def test_mid_article_teaser_fix_is_unsafe() -> None:
    text = "Headline\n\nThe talks ended on Friday, officials said.\n\nNATO has approved extra forces for\u2026\n\nMore talks are planned."
    _doc, got = findings(text)
    assert [(f.rule, f.fix.safe) for f in got] == [("SD011", False)]


def test_truncated_ending_span_and_unsafe_fix() -> None:
    text = "Headline\n\nThe talks ended. Experts said the dikes had been under\n\nShare on Facebook\n"
    _doc, got = findings(text, [get_rule("SD010")])
    assert [(f.text, f.fix.safe) for f in got] == [("Experts said the dikes had been under", False)]


def test_placeholder_inside_a_sentence_has_no_fix() -> None:
    _doc, got = findings("Tickets go on sale on %s, the company said.\n", [get_rule("SD009")])
    assert [(f.text, f.fix) for f in got] == [("%s", None)]


def test_tail_fragment_is_reported_at_info() -> None:
    _doc, got = findings("Police said no one was injured in the blast.\n\nThe Harbour Gazette, 14 Quay Street\n")
    assert [(f.rule, f.severity) for f in got] == [("SD007", "info")]


def test_configured_site_footer_is_reported() -> None:
    text = "Police said no one was injured in the blast.\n\nHarbour Gazette Ltd, registered in England No. 123456\n"
    cfg = Config(lexicons={"debris_patterns": [r"Harbour Gazette Ltd, registered in .{1,40}"]})
    _doc, got = findings(text, config=cfg)
    assert [(f.rule, f.severity, f.data["kind"]) for f in got] == [("SD007", "warning", "custom")]


# -- corpus-level boilerplate (SD012) ---------------------------------------------

FOOTER = "Independent local journalism for the Solent since 1891."
TOPICS = [
    ("Ferry operator cuts winter timetable", "The ferry operator will run fewer crossings this winter, the company said."),
    ("Residents oppose new homes", "More than 600 people signed a petition against the plan, organisers said."),
    ("Police appeal after break-ins", "Police are appealing for witnesses after huts were broken into."),
    ("School celebrates results", "Pupils achieved their best results in ten years, the head teacher said."),
    ("Lifeboat rescues kayakers", "Volunteer crews rescued two kayakers off the harbour on Sunday."),
    ("Market returns to the square", "The weekly market returns on Saturday with more than 30 stalls."),
]


def _write_corpus(root: Path, gazette: int = 6, with_footer: int = 6) -> None:
    (root / "gazette").mkdir()
    (root / "other").mkdir()
    for k in range(gazette):
        title, lead = TOPICS[k]
        tail = f"\n\n{FOOTER}\n" if k < with_footer else "\n"
        (root / "gazette" / f"{k}.txt").write_text(f"{title}\n\n{lead}{tail}", encoding="utf-8")
    for k in range(3):
        title, lead = TOPICS[k]
        extra = f"\n\n{FOOTER}\n" if k == 0 else "\n"
        (root / "other" / f"{k}.txt").write_text(f"{title} elsewhere\n\n{lead} Others agreed.{extra}", encoding="utf-8")


def _sd012(root: Path, **opts) -> dict[str, list[str]]:
    cfg = Config(select=["SD012"], rule_options={"SD012": opts} if opts else {})
    plan = make_plan(cfg)
    out: dict[str, list[str]] = {}
    for res in iter_results([str(root)], plan, ReaderOptions()):
        out[res.article.id] = [f.text for f in res.findings if f.rule == "SD012"]
    return out


def test_boilerplate_is_flagged_in_every_article_of_its_source(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    got = _sd012(tmp_path)
    for k in range(6):
        assert got[f"gazette/{k}.txt"] == [FOOTER]
    # The same line once in another source is not that source's boilerplate.
    assert got["other/0.txt"] == [] and got["other/1.txt"] == []


def test_boilerplate_thresholds_and_scope_are_options(tmp_path: Path) -> None:
    _write_corpus(tmp_path, with_footer=4)
    assert _sd012(tmp_path)["gazette/0.txt"] == []  # 4 < min_articles 5
    assert _sd012(tmp_path, min_articles=4)["gazette/0.txt"] == [FOOTER]
    assert _sd012(tmp_path, min_articles=4, min_share=0.9)["gazette/0.txt"] == []
    # Counting the whole corpus as one source: 5 of 9 articles.
    whole = _sd012(tmp_path, per_source=False, min_articles=5)
    assert whole["gazette/0.txt"] == [FOOTER] and whole["other/0.txt"] == [FOOTER]


def test_boilerplate_counts_merge_in_any_order_and_hold_hashes_not_text(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    col = collectors()[BOILERPLATE]
    docs = [
        Doc(Article(id=p.name, text=p.read_text(encoding="utf-8"), source=p.parent.name), Config())
        for p in sorted(tmp_path.glob("*/*.txt"))
    ]
    partials = [col.observe(d) for d in docs]
    serial = col.empty()
    for p in partials:
        serial = col.merge(serial, p)
    left, right = col.empty(), col.empty()
    for p in partials[:4]:
        left = col.merge(left, p)
    for p in reversed(partials[4:]):
        right = col.merge(right, p)
    assert col.merge(right, left) == serial
    assert serial["articles"] == {"gazette": 6, "other": 3}
    for counts in serial["lines"].values():
        assert all(isinstance(h, int) and 0 <= h < 2**64 for h in counts)
    # Partials were not changed by merging.
    assert partials[0]["articles"] == {"gazette": 1}


def test_boilerplate_is_silent_without_a_first_pass() -> None:
    rule = get_rule("SD012")
    doc = Doc(Article(id="x", text=f"Headline\n\nBody text here.\n\n{FOOTER}"), Config())
    assert run_rules(doc, [rule], Config()) == []
    assert not rule.default_enabled


def test_boilerplate_candidates_skip_headlines_and_long_mid_article_paragraphs() -> None:
    long = " ".join(["The council approved the budget after a long debate on Monday evening."] * 3)
    shorts = [f"The {w} paragraph is short enough to count as a candidate." for w in ("first", "second", "third", "last")]
    text = f"Headline of the piece\n\n{long}\n\n{long.replace('council', 'board')}\n\nShort subheading here\n\n"
    text += "\n\n".join(shorts)
    doc = Doc(Article(id="x", text=text), Config())
    lines = [text[lz.start : lz.end] for lz, _h in boilerplate_candidates(doc)]
    assert "Headline of the piece" not in lines
    assert long not in lines
    assert "Short subheading here" in lines
    assert len(lines) == 5


# -- per-source rollup ---------------------------------------------------------------


def test_summary_reports_per_source_debris_shares(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    (tmp_path / "gazette" / "0.txt").write_text(f"Ferry cuts\n\nThe operator cut sailings.\n\n{FOOTER}\nShare on Facebook\n", encoding="utf-8")
    plan = make_plan(Config(select=["debris"]))
    sb = SummaryBuilder()
    for res in iter_results([str(tmp_path)], plan, ReaderOptions()):
        sb.add(res)
    sources = sb.build()["sources"]
    assert sources["gazette"]["debris"] == {"share": 1.0, "rules": {"SD012": 1.0, "SD004": round(1 / 6, 4)}}
    assert sources["other"]["debris"] == {"share": 0.0, "rules": {}}
    assert "rule_share" in sources["gazette"] and "mean_score" in sources["gazette"]


# -- line-level precision and recall ---------------------------------------------------


@pytest.mark.parametrize("corpus", [CORPUS, HOLDOUT], ids=["corpus", "holdout"])
def test_line_level_precision_and_recall(corpus: Path) -> None:
    ev = _load_eval().evaluate(str(corpus))
    assert ev.articles == len(list(corpus.glob("*/*.txt")))
    assert ev.precision >= 0.95, ev.errors
    assert ev.recall >= 0.90, ev.errors


def test_evaluation_corpus_size() -> None:
    debris = [p for p in CORPUS.glob("*/*.txt") if not p.parent.name.startswith("clean")]
    clean = list(CORPUS.glob("clean-*/*.txt"))
    assert len(debris) >= 20 and len(clean) >= 20
    labelled = {line.split("\t", 1)[0] for line in (CORPUS / "labels.tsv").read_text().splitlines() if line and not line.startswith("#")}
    assert all(os.path.relpath(p, CORPUS) in labelled for p in debris)


def test_crlf_text_keeps_its_line_breaks_when_furniture_is_deleted() -> None:
    text = (
        "Home \u203a World\r\nHeadline here\r\n\r\nThe talks ended on Friday, officials said in a statement.\r\n"
        "\r\nShare on Facebook\r\nsource site-3\r\n"
    )
    _doc, got = findings(text)
    assert [f.rule for f in got] == ["SD003", "SD004", "SD002"]
    assert apply_fixes(text, got)[0] == "Headline here\r\n\r\nThe talks ended on Friday, officials said in a statement.\r\n"
