"""The HTML reporter without a browser: escaping, CSP, streaming chunks,
report id, embedding limits and the embedded rule docs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from audit.config import Config
from audit.engine import audit_article, make_plan
from audit.model import Article, InputError
from audit.reporters import RunMeta, make_reporter
from audit.reporters.html import CONTEXT_CHARS, HtmlReporter, script_json
from audit.summary import SummaryBuilder
from audit.waivers import Waiver, waiver_map

ONE = "Officials met on Monday.. The talks continued late.\n\nsource site-34\n"
TWO = "Prices rose sharply.. Analysts disagreed.\n"


def build(
    articles: list[Article],
    waivers: dict[str, str] | None = None,
    errors: list[InputError] | None = None,
    extra: dict[str, Any] | None = None,
    **limits: int,
) -> tuple[str, list[str], HtmlReporter]:
    """Render a report in process; returns the page, its chunks and the reporter."""
    config = Config()
    plan = make_plan(config, waivers)
    meta = RunMeta(version="test", rules=plan.rules, config=config.fingerprint())
    rep = HtmlReporter(meta, **limits)
    summary = SummaryBuilder()
    chunks = [rep.header()]
    for a in articles:
        r = audit_article(a, plan)
        if extra:
            r.extra.update(extra)
        summary.add(r)
        chunks.append(rep.article(r))
    chunks.append(rep.footer(summary.build(), errors or []))
    return "".join(chunks), chunks, rep


class Scripts(HTMLParser):
    """Collects every <script> (attributes and content) and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.meta_csp: str | None = None
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if tag == "meta" and d.get("http-equiv") == "Content-Security-Policy":
            self.meta_csp = d.get("content")
        if tag in ("script", "style"):
            self._in, self._attrs, self._buf = tag, d, []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            if tag == "script":
                self.scripts.append((self._attrs, "".join(self._buf)))
            else:
                self.styles.append("".join(self._buf))
            self._in = None


def parse(page: str) -> Scripts:
    p = Scripts()
    p.feed(page)
    return p


def sha(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def article_blocks(page: str) -> list[dict[str, Any]]:
    return [json.loads(body) for attrs, body in parse(page).scripts if attrs.get("class") == "mt-article"]


# ------------------------------------------------------------ escaping


def test_script_json_escapes_everything_that_could_break_out() -> None:
    payload = {"t": "</script><script>alert(1)</script><!-- \u2028\u2029 & \"><img src=x onerror=alert(1)>"}
    out = str(script_json(payload))
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in out
    assert json.loads(out) == payload


@given(st.text())
def test_script_json_round_trips_any_text(text: str) -> None:
    out = str(script_json({"x": text}))
    assert "<" not in out and ">" not in out and "&" not in out
    out.encode("utf-8")  # lone surrogates are escaped, so the page can be written
    assert json.loads(out) == {"x": text}


def test_hostile_article_cannot_add_a_script_or_element() -> None:
    text = "A.. </script><script>alert(1)</script> \"><img src=x onerror=alert(1)> javascript:alert(1)\n"
    page, _, _ = build(
        [Article(id='x"><img src=x onerror=alert(1)>', title="</script><script>alert(1)</script>", text=text, source="<b>s</b>")],
        errors=[InputError(path="<script>alert(1)</script>.jsonl", line=3, message="bad <img src=x>")],
    )
    p = parse(page)
    executable = [body for attrs, body in p.scripts if "type" not in attrs]
    assert len(executable) == 1
    assert "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # worst list and errors, escaped
    [block] = article_blocks(page)
    assert block["x"] == text and block["t"] == "</script><script>alert(1)</script>"


# ------------------------------------------------------------ CSP


def test_csp_allows_only_the_hashed_script_and_style() -> None:
    page, _, _ = build([Article(id="a", text=ONE)])
    p = parse(page)
    csp = p.meta_csp or ""
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    [js] = [body for attrs, body in p.scripts if "type" not in attrs]
    assert directives["script-src"] == sha(js)
    [css] = p.styles
    assert directives["style-src"] == sha(css)
    assert "http:" not in csp and "https:" not in csp
    # Nothing in the page points outside it.
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    # The policy comes before any script or style.
    assert page.index("Content-Security-Policy") < page.index("<style")


# ------------------------------------------------------------ streaming and data


def test_chunks_stream_one_data_block_per_article() -> None:
    page, chunks, _ = build([Article(id="a", text=ONE), Article(id="b", text=TWO)])
    header, a, b, footer = chunks
    assert "mt-article" not in header and "Officials" not in header
    for chunk in (a, b):
        assert chunk.count("<script") == 1 and chunk.startswith('<script type="application/json" class="mt-article">')
    assert 'id="view-overview"' in footer and footer.rstrip().endswith("</html>")
    assert page.count("<svg") == 3


def test_article_block_carries_findings_keys_fixes_and_lines() -> None:
    page, _, _ = build([Article(id="a", text=ONE, title="T", source="site", path="p/a.txt")])
    [d] = article_blocks(page)
    assert (d["id"], d["t"], d["src"], d["p"], d["n"], d["x"]) == ("a", "T", "site", "p/a.txt", 0, ONE)
    by_rule = {f["r"]: f for f in d["f"]}
    pu = by_rule["PU001"]
    assert ONE[pu["s"] : pu["e"]] == ".." and pu["l"] == 1 and pu["x"] == {"r": ".", "safe": True}
    assert re.fullmatch(r"[0-9a-f]{16}", pu["k"])
    sd = by_rule["SD002"]
    # A whole-line deletion carries its own range (wider than the span).
    assert sd["l"] == 3 and sd["x"]["r"] == ""
    assert "source site-34" in ONE[sd["x"]["s"] : sd["x"]["e"]] and sd["x"]["e"] - sd["x"]["s"] > sd["e"] - sd["s"]
    assert d["b"]["by_rule"]["PU001"] == {"raw": 5.0, "capped": 5.0}


def test_zones_and_other_annotations_are_embedded() -> None:
    zones = [{"zone": "headline", "start_line": 1, "end_line": 1}, {"zone": "body", "start_line": 2, "end_line": 3}]
    page, _, _ = build([Article(id="a", text=ONE)], extra={"zones": zones, "source_language": "de"})
    [d] = article_blocks(page)
    assert d["z"] == zones and d["ex"] == {"source_language": "de"}


def test_embedding_limit_switches_to_findings_in_context() -> None:
    long_two = "".join(f"Paragraph {i} of the report.\n" for i in range(12)) + TWO
    page, _, rep = build([Article(id="a", text=ONE), Article(id="b", text=long_two)], max_total_chars=len(ONE) + 10)
    a, b = article_blocks(page)
    assert a["x"] == ONE and all("ctx" not in f for f in a["f"])
    assert "x" not in b and b["len"] == len(long_two)
    f = next(f for f in b["f"] if f["r"] == "PU001")
    before, flagged, after = f["ctx"]
    assert flagged == ".." and len(before) == CONTEXT_CHARS and before.endswith("Prices rose sharply")
    assert after == " Analysts disagreed.\n"
    assert "Full text is embedded for 1 articles; 1 articles show their findings" in page
    run = json.loads(next(body for attrs, body in parse(page).scripts if attrs.get("id") == "mt-run"))
    assert (run["embedded"], run["capped"]) == (1, 1)
    # One huge article is capped on its own, later ones are embedded again.
    page, _, _ = build([Article(id="a", text=long_two), Article(id="b", text=ONE)], max_article_chars=100)
    a, b = article_blocks(page)
    assert "x" not in a and b["x"] == ONE


def test_report_is_deterministic_and_id_survives_waivers() -> None:
    arts = [Article(id="a", text=ONE), Article(id="b", text=TWO)]
    p1, _, r1 = build(arts)
    p2, _, r2 = build(arts)
    assert p1 == p2
    key = next(f["k"] for f in article_blocks(p1)[1]["f"] if f["r"] == "PU001")
    p3, _, r3 = build(arts, waivers=waiver_map([Waiver(article="b", rule="PU001", key=key, decision="false-positive", reason="ok")]))
    assert r3.report_id() == r1.report_id()
    assert next(f for f in article_blocks(p3)[1]["f"] if f["r"] == "PU001")["w"] == "false-positive: ok"
    _, _, r4 = build([Article(id="a", text=ONE)])
    assert r4.report_id() != r1.report_id()


def test_rule_docs_are_embedded_with_examples() -> None:
    page, _, rep = build([Article(id="a", text=ONE)])
    for r in rep.meta.rules:
        assert f'id="rule-{r.code}"' in page
    section = page[page.index('id="rule-PU001"') :]
    section = section[: section.index("</article>")]
    assert "Why it matters" in section
    assert '<mark class="cat-punctuation">..</mark>' in section
    assert 'class="examples good"' in section
    # Undecodable bytes in an example are shown as U+FFFD, not written raw.
    if any(r.code == "EN001" for r in rep.meta.rules):
        assert "\ufffd" in page[page.index('id="rule-EN001"') :]
    assert 'id="rule-AU001"' in page and 'id="rule-AU002"' in page


def test_overview_charts_and_tables() -> None:
    page, _, _ = build(
        [Article(id="a", text=ONE, source="s1"), Article(id="b", text=TWO, source="s2")],
        errors=[InputError(path="bad.jsonl", line=7, message="not JSON")],
    )
    assert "Articles per score bucket" in page and "0–10: 0" in page
    assert "Findings per category" in page and re.search(r"punctuation: [1-9]", page)
    assert "PU001 doubled-stop: 2" in page
    assert "<code>bad.jsonl:7</code> not JSON" in page
    assert 'href="#id=a"' in page and 'href="#id=b"' in page


def test_registered_as_html_format() -> None:
    meta = RunMeta(version="t", rules=[])
    rep = make_reporter("html", meta)
    assert isinstance(rep, HtmlReporter) and rep.filename == "audit.html"


def test_empty_run_renders() -> None:
    page, _, _ = build([])
    assert "No articles." in page and page.rstrip().endswith("</html>")
