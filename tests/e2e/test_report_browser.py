"""``audit.html`` in a real headless Chromium (see conftest.py for setup).

Covers the reviewer's round trip — open the report from disk, filter, open
an article, find the highlight at the right text, mark a finding false
positive, export the decisions, re-run ``mtaudit check --waivers`` with the
exported file and see the finding waived — plus screenshots that must not
be blank, keyboard use, a narrow window, the embedding cap and hostile
article content that must never execute.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest

from audit.waivers import parse_waivers

from .conftest import PageProbe, load_json_report, run_check, screenshot_stats

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
expect = sync_api.expect

ONE = (
    "Officials met on Monday.. The talks continued late.\n"
    "\n"
    "source site-34\n"
    "\n"
    "The minister said the plan was ready. The minister said the plan was ready.\n"
)
TWO = "Prices rose sharply.. Analysts disagreed about the outlook.\nA calm day followed.\n"
THREE = "Nothing wrong here. A clean article about a calm day in the city.\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "site-a").mkdir()
    (root / "site-b").mkdir()
    (root / "site-a" / "one.txt").write_text(ONE, encoding="utf-8")
    (root / "site-b" / "two.txt").write_text(TWO, encoding="utf-8")
    (root / "site-b" / "three.txt").write_text(THREE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = run_check([str(corpus), "-o", str(out)])
    assert_audited(proc)
    return out / "audit.html"


def assert_audited(proc: Any) -> None:
    """The run audited everything (gate results aside: exit 2 means input
    or usage errors)."""
    assert proc.returncode != 2 and "Traceback" not in proc.stderr, proc.stderr


def open_article(page: Any, article_id: str) -> None:
    page.click("nav.tabs a[data-tab=articles]")
    page.fill("#q", article_id)
    expect(page.locator("#rows tr")).to_have_count(1)
    page.click("#rows tr td.title a")
    page.wait_for_selector("#view-article:not([hidden])")


def finding_codes(page: Any) -> list[str]:
    """Rule codes of the side list, in its order."""
    return page.locator("#art-findings li.finding .head code").all_inner_texts()


def article_text(page: Any) -> str:
    """The rendered article text without line numbers, zone and category labels."""
    return page.evaluate(
        "() => [...document.querySelectorAll('#art-text .tx')].map(t => {"
        " const c = t.cloneNode(true); c.querySelectorAll('sup').forEach(s => s.remove());"
        " return c.textContent; }).join('')"
    )


def test_overview_renders_and_is_not_blank(probe: PageProbe, report: Path) -> None:
    page = probe.open(report)
    assert page.is_visible("#view-overview")
    assert page.is_hidden("#loading")
    assert page.locator("#view-overview svg.chart").count() == 3
    assert page.locator(".cards dd").first.inner_text() == "3"
    var, colours = screenshot_stats(page.screenshot())
    assert var > 100 and colours > 20, (var, colours)
    assert probe.problems() == []
    assert probe.dialogs == []


def test_filter_open_article_and_highlight(probe: PageProbe, report: Path) -> None:
    page = probe.open(report, "#articles")
    assert page.locator("#rows tr").count() == 3
    page.select_option("#f-category", "repetition")
    expect(page.locator("#rows tr")).to_have_count(1)
    assert "1 of 3 articles match" in page.inner_text("#list-status")
    page.click("#rows tr td.title a")
    page.wait_for_selector("#view-article:not([hidden])")
    assert page.inner_text("#art-title") == "site-a/one.txt"

    # The doubled stop is highlighted right after "Monday" on line 1.
    line1 = page.locator('.ln[data-line="1"] .tx')
    mark = line1.locator("mark.hl.cat-punctuation")
    assert mark.inner_text() == ".."
    before = page.evaluate(
        "m => { const r = document.createRange(); r.setStart(m.parentNode, 0); r.setEndBefore(m);"
        " return r.toString(); }",
        mark.element_handle(),
    )
    assert before.endswith("Monday" + "PUNCT")  # the category label precedes the mark
    # The repeated sentence is the second one on line 5, not the first.
    rep = page.locator('.ln[data-line="5"] mark.hl.cat-repetition')
    assert rep.inner_text() == "The minister said the plan was ready."
    assert article_text(page).endswith("ready. The minister said the plan was ready.")
    # Label, not colour only.
    assert page.locator('.ln[data-line="5"] sup.lbl').inner_text() == "REPEAT"

    # Hover shows code, name, severity, message and the fix as before/after.
    mark.hover()
    pop = page.locator("#popover")
    pop.wait_for(state="visible")
    text = pop.inner_text()
    for part in ("PU001", "doubled-stop", "warning", "doubled full stop", "before", "after"):
        assert part in text.lower() or part in text, part
    assert pop.locator("del").inner_text() == ".."
    assert pop.locator("ins").inner_text() == "."

    var, colours = screenshot_stats(page.screenshot())
    assert var > 100 and colours > 20, (var, colours)
    assert probe.problems() == []


def test_side_list_scrolls_and_rule_docs(probe: PageProbe, report: Path) -> None:
    page = probe.open(report)
    open_article(page, "one.txt")
    items = page.locator("#art-findings li.finding")
    codes = [c for c in finding_codes(page) if c in ("PU001", "SD002", "RP001")]
    assert codes == ["PU001", "SD002", "RP001"]  # reading order
    sd = page.locator("#art-findings li.finding", has=page.locator("code", has_text="SD002")).first
    sd.locator("button.go").click()
    assert "current" in (page.locator('.ln[data-line="3"] mark.hl').get_attribute("class") or "")
    assert "current" in (sd.get_attribute("class") or "")
    assert items.count() >= 3
    # Rule code links to the embedded documentation.
    sd.locator("a[href='#rule-SD002']").click()
    page.wait_for_selector("#view-rules:not([hidden])")
    doc = page.locator("#rule-SD002")
    assert doc.is_visible()
    assert "Why it matters" in doc.inner_text()
    assert doc.locator(".examples.bad mark").count() >= 1


def test_keyboard(probe: PageProbe, report: Path) -> None:
    page = probe.open(report)
    open_article(page, "one.txt")
    codes = finding_codes(page)
    current = page.locator("#art-findings li.current code").first
    page.locator("body").focus()
    page.keyboard.press("j")
    assert current.inner_text() == codes[0]
    page.keyboard.press("j")
    assert current.inner_text() == codes[1]
    page.keyboard.press("k")
    page.keyboard.press("k")  # wraps to the last finding
    assert current.inner_text() == codes[-1]
    page.keyboard.press("a")
    assert page.locator("#art-findings li.current button[data-decision=accepted]").get_attribute("aria-pressed") == "true"
    page.keyboard.press("u")
    assert page.locator("#art-findings li.current button[data-decision=accepted]").get_attribute("aria-pressed") == "false"
    page.keyboard.press("/")
    page.wait_for_selector("#view-articles:not([hidden])")
    expect(page.locator("#q")).to_be_focused()


def test_review_export_and_waive_roundtrip(
    probe: PageProbe, report: Path, corpus: Path, tmp_path: Path
) -> None:
    page = probe.open(report)
    open_article(page, "two.txt")
    item = page.locator("#art-findings li.finding", has=page.locator("code", has_text="PU001")).first
    item.locator("input").fill("headline style")
    item.locator("button[data-decision=false-positive]").click()
    assert page.inner_text("#decision-count") == "1 decision"

    # Decisions persist in local storage for this report.
    page.reload()
    page.wait_for_selector("body[data-ready]", state="attached")
    open_article(page, "two.txt")
    item = page.locator("#art-findings li.finding", has=page.locator("code", has_text="PU001")).first
    assert item.locator("button[data-decision=false-positive]").get_attribute("aria-pressed") == "true"
    assert item.locator("input").input_value() == "headline style"

    with page.expect_download() as dl:
        page.click("#export")
    path = tmp_path / "waivers.json"
    dl.value.save_as(path)
    exported = json.loads(path.read_text(encoding="utf-8"))
    waivers = parse_waivers(exported, str(path))
    assert len(waivers) == 1
    w = waivers[0]
    assert (w.article, w.rule, w.decision, w.reason, w.text) == ("site-b/two.txt", "PU001", "false-positive", "headline style", "..")

    # The first run counted the finding; with the waivers it is listed but waived.
    before = load_json_report(report.parent)
    art = next(a for a in before["articles"] if a["id"] == "site-b/two.txt")
    score_before = art["score"]
    assert w.key == next(f["key"] for f in art["findings"] if f["rule"] == "PU001")
    out = tmp_path / "rerun"
    proc = run_check([str(corpus), "-o", str(out), "--waivers", str(path)])
    assert_audited(proc)
    after = load_json_report(out)
    art = next(a for a in after["articles"] if a["id"] == "site-b/two.txt")
    assert next(f for f in art["findings"] if f["rule"] == "PU001")["waived"] == "false-positive: headline style"
    assert art["score"] > score_before
    assert after["summary"]["waived"] == 1

    # The new report shows the waiver and keeps the decision (same report id).
    page.goto((out / "audit.html").resolve().as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    open_article(page, "two.txt")
    item = page.locator("#art-findings li.finding", has=page.locator("code", has_text="PU001")).first
    assert "Waived in this run: false-positive: headline style" in item.inner_text()
    assert page.inner_text("#decision-count") == "1 decision"
    assert probe.problems() == []


XSS_TEXT = (
    "Breaking news.. </script><script>alert(1)</script> and \"><img src=x onerror=alert(1)> "
    "then <svg onload=alert(1)> and javascript:alert(1) or "
    "<a href=\"javascript:alert(1)\">read more</a> <!-- <script>window.__xss=1</script>\n"
    "Second line \u2028 with a line separator. <img src=x onerror=\"window.__xss=1\">\n"
)


@pytest.fixture(scope="module")
def xss_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xss")
    rec = {
        "id": "x\"><img src=x onerror=alert(1)>",
        "title": "</script><script>alert(1)</script>",
        "site": "<img src=x onerror=alert(1)>",
        "text": XSS_TEXT,
    }
    (root / "x.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    out = root / "out"
    proc = run_check(
        [str(root / "x.jsonl"), "-o", str(out), "--id-field", "id", "--title-field", "title", "--source-field", "site"]
    )
    assert_audited(proc)
    return out / "audit.html"


def test_hostile_article_never_executes(probe: PageProbe, xss_report: Path) -> None:
    page = probe.open(xss_report)
    # Overview (server-rendered worst list and sources), list, article, rules.
    assert "</script><script>alert(1)</script>" in page.inner_text("#view-overview")
    page.click("nav.tabs a[data-tab=articles]")
    page.wait_for_selector("#rows tr")
    assert page.inner_text("#rows tr td.title a") == "</script><script>alert(1)</script>"
    page.click("#rows tr td.title a")
    page.wait_for_selector("#view-article:not([hidden])")
    text = article_text(page)
    assert text == XSS_TEXT.replace("\n", "")
    assert '"><img src=x onerror=alert(1)>' in text
    page.keyboard.press("j")
    page.locator("#art-text mark.hl").first.hover()
    page.click("nav.tabs a[data-tab=rules]")
    page.click("nav.tabs a[data-tab=overview]")
    page.wait_for_timeout(300)

    assert probe.dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    assert page.locator("svg:not(.chart)").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    # The only executable script is the report's own (CSP-hashed) one.
    assert page.evaluate("[...document.scripts].filter(s => !s.type).length") == 1
    assert probe.errors == []


CONTRAST_JS = """
(selectors) => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); }
  function lum(c) {
    const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(el) {
    for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; }
    return [255, 255, 255];
  }
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      if (!el.offsetParent) continue;
      const fg = rgb(getComputedStyle(el).color), bg = background(el);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      out.push([sel, (hi + 0.05) / (lo + 0.05)]);
    }
  }
  return out;
}
"""


def test_text_contrast_meets_wcag_aa(probe: PageProbe, report: Path) -> None:
    page = probe.open(report)
    open_article(page, "one.txt")
    page.keyboard.press("j")
    selectors = [
        ".cat-chip", "sup.lbl", "mark.hl", ".sev", ".status", ".muted", ".ln .no", ".finding .msg",
        ".fix del", ".fix ins", ".tabs a", ".btn", "#art-meta", ".popover div",
    ]
    ratios = page.evaluate(CONTRAST_JS, selectors)
    seen = {sel for sel, _ in ratios}
    assert {".cat-chip", "sup.lbl", "mark.hl", ".sev", ".fix del"} <= seen
    low = [(sel, round(r, 2)) for sel, r in ratios if r < 4.5]
    assert low == []


def test_narrow_window(browser: Any, report: Path) -> None:
    context = browser.new_context(viewport={"width": 420, "height": 800})
    try:
        page = context.new_page()
        probe = PageProbe(page)
        probe.open(report, "#article/0")
        page.wait_for_selector("#view-article:not([hidden])")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        var, colours = screenshot_stats(page.screenshot())
        assert var > 100 and colours > 20
        page.evaluate("location.hash = '#articles'")
        page.wait_for_selector("#view-articles:not([hidden])")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert probe.problems() == []
    finally:
        context.close()


def build_report(path: Path, texts: list[str], extra: dict[str, Any] | None = None, **limits: int) -> Path:
    """Render a report in process (for reporter options the CLI does not expose)."""
    from audit.config import Config
    from audit.engine import audit_article, make_plan
    from audit.model import Article
    from audit.reporters import RunMeta
    from audit.reporters.html import HtmlReporter
    from audit.summary import SummaryBuilder

    plan = make_plan(Config())
    meta = RunMeta(version="test", rules=plan.rules, config=Config().fingerprint())
    rep = HtmlReporter(meta, **limits)
    summary = SummaryBuilder()
    chunks = [rep.header()]
    for i, text in enumerate(texts):
        result = audit_article(Article(id=f"a{i}", text=text), plan)
        result.extra.update(extra or {})
        summary.add(result)
        chunks.append(rep.article(result))
    chunks.append(rep.footer(summary.build(), []))
    path.write_text("".join(chunks), encoding="utf-8")
    return path


def test_capped_article_shows_findings_in_context(probe: PageProbe, tmp_path: Path) -> None:
    path = build_report(tmp_path / "audit.html", [ONE, TWO], max_total_chars=len(ONE))
    page = probe.open(path)
    assert "Full text is embedded for 1 articles; 1 articles show their findings" in page.inner_text("#cap-note")
    page.evaluate("location.hash = '#id=a1'")
    page.wait_for_selector("#view-article:not([hidden])")
    assert page.is_visible("#art-note")
    line = page.locator("#art-text .ln").first
    assert line.locator("mark.hl").inner_text() == ".."
    assert "Prices rose sharply" in line.inner_text()
    assert probe.problems() == []


def test_zones_in_the_margin(probe: PageProbe, tmp_path: Path) -> None:
    zones = [
        {"zone": "headline", "start_line": 1, "end_line": 1},
        {"zone": "body", "start_line": 2, "end_line": 4},
        {"zone": "footer", "start_line": 5, "end_line": 6},
    ]
    path = build_report(tmp_path / "audit.html", [ONE], extra={"zones": zones})
    page = probe.open(path, "#article/0")
    page.wait_for_selector("#view-article:not([hidden])")
    labels = page.locator("#art-text .ln.zone-start .zone")
    assert labels.all_inner_texts() == ["headline", "body", "footer"]
    assert "zg-content" in (page.locator('.ln[data-line="3"]').get_attribute("class") or "")
    assert "zg-furniture" in (page.locator('.ln[data-line="5"]').get_attribute("class") or "")
    assert page.locator('.ln[data-line="3"] .zone').get_attribute("title") == "zone: body"
    assert probe.problems() == []


def test_overlapping_findings_nest(probe: PageProbe, tmp_path: Path) -> None:
    from audit.registry import get_rule

    if get_rule("PU007") is None or get_rule("RP001") is None:
        pytest.skip("needs PU007 and RP001")
    text = "The minister said the plan was ready , officials said. The minister said the plan was ready , officials said.\n"
    page = probe.open(build_report(tmp_path / "audit.html", [text]), "#article/0")
    page.wait_for_selector("#view-article:not([hidden])")
    inner = page.locator("mark.hl.multi")
    assert inner.count() == 1 and inner.inner_text() == " ,"
    assert "cat-punctuation" in (inner.get_attribute("class") or "")  # the innermost finding's colour
    assert len((inner.get_attribute("data-f") or "").split()) == 2
    inner.hover()
    pop = page.locator("#popover")
    pop.wait_for(state="visible")
    assert "PU007" in pop.inner_text() and "RP001" in pop.inner_text()
    # The outer finding's highlight covers the whole second sentence.
    marks = page.locator("mark.hl.cat-repetition, mark.hl.multi").all_inner_texts()
    assert "".join(marks) == "The minister said the plan was ready , officials said."


SUBJECTS = ["The minister", "A spokesperson", "The council", "Local police", "The company", "Analysts", "Residents", "The alliance"]
VERBS = ["said", "confirmed", "warned", "announced", "reported", "argued", "denied", "expected"]
OBJECTS = [
    "that talks would resume on {d}", "a rise of {n} percent in exports", "new measures for the border region",
    "that {n} troops would arrive by {d}", "a review of the budget", "delays at the port", "a meeting with union leaders",
    "the decision to close {n} offices", "fresh elections in the spring", "a deal worth {n} million euros",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def news_like(i: int, sentences: int = 44) -> str:
    """A deterministic news-like article of about 2,900 characters with
    zero to three defects the current rules report."""
    rnd = random.Random(i)
    paras: list[str] = []
    for p in range(sentences // 4):
        sents = []
        for _ in range(4):
            obj = rnd.choice(OBJECTS).format(d=rnd.choice(DAYS), n=rnd.randint(2, 900))
            sents.append(f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {obj} (item {p}-{len(sents)}-{rnd.randint(0, 10**6)}).")
        paras.append(" ".join(sents))
    defects = rnd.randint(0, 3)
    if defects >= 1:
        paras[1] = paras[1].replace(").", ")..", 1)
    if defects >= 2:
        paras.insert(3, f"source site-{rnd.randint(1, 99)}")
    if defects >= 3:
        paras[4] = paras[4] + " " + paras[4].split(". ")[0] + "."
    return "\n\n".join(paras) + "\n"


@pytest.mark.skipif(not os.environ.get("MTAUDIT_E2E_PERF"), reason="set MTAUDIT_E2E_PERF=1 to measure 20,000 articles")
def test_measure_20k(probe: PageProbe, tmp_path: Path) -> None:
    """Size and time to open for 20,000 articles (prints the figures)."""
    n = int(os.environ.get("MTAUDIT_E2E_PERF_N", "20000"))
    with open(tmp_path / "big.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"doc-{i:05d}", "title": f"Story {i}", "site": f"site-{i % 40}", "text": news_like(i)}) + "\n")
    out = tmp_path / "out"
    t0 = time.perf_counter()
    proc = run_check(
        [str(tmp_path / "big.jsonl"), "-o", str(out), "--id-field", "id", "--title-field", "title", "--source-field", "site"],
        timeout=3600,
    )
    t_check = time.perf_counter() - t0
    assert_audited(proc)
    report = load_json_report(out)["summary"]
    size = (out / "audit.html").stat().st_size
    page = probe.page
    t0 = time.perf_counter()
    page.goto((out / "audit.html").resolve().as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    page.evaluate("location.hash = '#articles'")
    page.wait_for_selector("#rows tr")
    t_list = time.perf_counter() - t0
    t0 = time.perf_counter()
    page.fill("#q", "doc-19999" if n >= 20000 else "doc-00001")
    expect(page.locator("#rows tr")).to_have_count(1)
    t_search = time.perf_counter() - t0
    t0 = time.perf_counter()
    page.click("#rows tr td.title a")
    page.wait_for_selector("#view-article:not([hidden])")
    t_article = time.perf_counter() - t0
    heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    print(
        f"\n{n} articles, {report['findings']} findings: audit.html {size / 1e6:.1f} MB; check {t_check:.1f} s; open to ready {t_open:.2f} s; "
        f"list {t_list:.2f} s; search {t_search:.2f} s; article {t_article:.2f} s; JS heap {heap / 1e6:.0f} MB"
    )
    assert probe.problems() == []
