"""``audit.html``: the reviewer's report — one self-contained, streamed file.

Layout of the file (each part rendered from a Jinja2 template in
``audit/templates``, autoescape on):

* ``header()`` — ``report_header.html``: the document head with a strict
  Content-Security-Policy (``default-src 'none'``; the one inline stylesheet
  and the one inline script are allowed by their sha256 hashes, computed
  here from the static files ``report.css`` and ``report.js``), the page
  chrome and an empty view for the article list.
* ``article(result)`` — ``report_article.html``: one
  ``<script type="application/json">`` data block per article. It is data,
  never executed; the JSON inside has ``<``, ``>``, ``&``, U+2028 and U+2029
  escaped (see ``script_json``), so no article text can close the element.
* ``footer(summary, errors)`` — ``report_footer.html``: the overview (inline
  SVG charts drawn here, server-side, from the summary), the input errors,
  the embedded rule documentation, the run data (report id, rule table,
  embedding note) and finally the static ``report.js`` that builds the
  article list and article views from the data blocks.

Memory stays flat: nothing about an article is kept after its chunk is
returned except counters and a running hash (the report id).

Embedding limits: the full text of an article is embedded while it is at
most ``max_article_chars`` characters and the text embedded so far stays
within ``max_total_chars``; after that, an article carries its findings
with ``CONTEXT_CHARS`` characters of context on each side instead of its
text, and the report says so on the overview and in the article view.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..engine import AU_RULE_CRASHED, AU_TIME_BUDGET
from ..model import CATEGORIES, SEVERITIES, ArticleResult, Finding, InputError
from ..registry import Rule, parse_example
from ..scoring import DEFAULT_FAIL_UNDER, DEFAULT_WARN_UNDER
from ..text import LineIndex
from . import Reporter, register

#: Default cap on one article's embedded text (characters).
MAX_ARTICLE_CHARS = 1_000_000
#: Default cap on all embedded article text (characters, about as many
#: bytes for English news). Past it articles are embedded findings-only.
MAX_TOTAL_CHARS = 64_000_000
#: Characters of context kept around each finding of a findings-only article.
CONTEXT_CHARS = 80
#: Overview lists are capped so the footer stays small on huge runs.
MAX_ERRORS_SHOWN = 500
MAX_SOURCES_SHOWN = 200
MAX_RULE_BARS = 25

#: Documentation of the tool's own finding codes (they have no ``Rule``).
TOOL_RULES: dict[str, dict[str, str]] = {
    AU_RULE_CRASHED[0]: {
        "name": AU_RULE_CRASHED[1],
        "summary": "A rule raised an exception on this article; its findings are missing.",
        "doc": "A rule raised an exception on this article; its findings are missing.\n\n"
        "Why it matters: the article was not fully audited. The message names the rule and "
        "where it failed; report it as a bug. Tool findings never count toward the score.",
    },
    AU_TIME_BUDGET[0]: {
        "name": AU_TIME_BUDGET[1],
        "summary": "The article exceeded its time budget; the remaining rules were skipped.",
        "doc": "The article exceeded its time budget; the remaining rules were skipped.\n\n"
        "Why it matters: the article was not fully audited. The message lists the skipped "
        "rules. Tool findings never count toward the score.",
    },
}

#: Short labels shown beside every highlight so colour is never the only cue.
CATEGORY_LABELS: dict[str, str] = {
    "translation": "TRANS",
    "punctuation": "PUNCT",
    "debris": "DEBRIS",
    "encoding": "ENC",
    "language": "LANG",
    "repetition": "REPEAT",
    "style": "STYLE",
}

_env = Environment(
    loader=PackageLoader("audit", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)

_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
#: Lone surrogates (possible in text handed in through the Python API)
#: cannot be written as UTF-8: they are escaped too, JSON.parse restores them.
_SURROGATES = re.compile("[\ud800-\udfff]")


def displayable(text: str) -> str:
    """``text`` with lone surrogates (undecodable input bytes, as in the
    EN001 examples) shown as U+FFFD, so the page can be written as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


def script_json(obj: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (so ``</script>``
    or ``<!--`` in article text cannot end or confuse the element), and
    U+2028/U+2029 are escaped for older JavaScript parsers. ``JSON.parse``
    gives back the exact original strings.
    """
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for raw, escaped in _JSON_ESCAPES:
        if raw in s:
            s = s.replace(raw, escaped)
    if _SURROGATES.search(s):
        s = _SURROGATES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", s)
    return Markup(s)


def csp_hash(source: str) -> str:
    """A CSP hash source (``'sha256-…'``) for an inline element's content."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=None)
def static_asset(name: str) -> str:
    """The text of a static file beside the templates (read once)."""
    source = _env.loader.get_source(_env, name)[0]  # type: ignore[union-attr]
    closer = "</script" if name.endswith(".js") else "</style"
    if closer in source.lower():
        raise ValueError(f"{name} must not contain {closer!r}")
    return source


def content_security_policy() -> str:
    """The report's policy: nothing loads or runs but the hashed inline
    script and stylesheet (no images, fonts, frames, connections, forms)."""
    return (
        "default-src 'none'; "
        f"script-src {csp_hash(static_asset('report.js'))}; "
        f"style-src {csp_hash(static_asset('report.css'))}; "
        "base-uri 'none'; form-action 'none'"
    )


def doc_blocks(doc: str) -> list[dict[str, Any]]:
    """Split a rule docstring into paragraphs of text and ``code`` runs.

    Returns ``[{"parts": [(is_code, text), ...]}, ...]`` — the template
    renders code runs (RST ````double backticks```` or `single`) as
    ``<code>``, everything escaped.
    """
    out = []
    for para in re.split(r"\n\s*\n", doc.strip()):
        text = " ".join(para.split())
        if not text:
            continue
        parts: list[tuple[bool, str]] = []
        pos = 0
        for m in re.finditer(r"``(.+?)``|`([^`]+)`", text):
            if m.start() > pos:
                parts.append((False, text[pos : m.start()]))
            parts.append((True, m.group(1) or m.group(2) or ""))
            pos = m.end()
        if pos < len(text):
            parts.append((False, text[pos:]))
        out.append({"parts": parts})
    return out


def example_pieces(example: Any) -> dict[str, Any]:
    """A rule example as pieces ``(marked, text)`` plus the fixed text."""
    ex = parse_example(example)
    text = displayable(ex.text)
    pieces: list[tuple[bool, str]] = []
    pos = 0
    for s, e in sorted(ex.spans):
        if s > pos:
            pieces.append((False, text[pos:s]))
        pieces.append((True, text[s:e]))
        pos = e
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return {"pieces": pieces, "fixed": None if ex.fixed is None else displayable(ex.fixed)}


def rule_docs(rules: list[Rule]) -> list[dict[str, Any]]:
    """Documentation entries for the rules of the run plus the tool codes."""
    docs = []
    for r in sorted(rules, key=lambda r: r.code):
        docs.append(
            {
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "severity": r.severity,
                "fixable": r.fixable,
                "summary": r.summary,
                "blocks": doc_blocks(r.doc),
                "bad": [example_pieces(b) for b in r.bad],
                "good": [displayable(g) for g in r.good],
            }
        )
    for code, t in TOOL_RULES.items():
        docs.append(
            {
                "code": code,
                "name": t["name"],
                "category": "tool",
                "severity": "error",
                "fixable": False,
                "summary": t["summary"],
                "blocks": doc_blocks(t["doc"]),
                "bad": [],
                "good": [],
            }
        )
    return docs


# ----------------------------------------------------------------- charts


def _bars(items: list[tuple[str, int, str]], width: int = 560, bar_h: int = 18, label_w: int = 190) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: ``(label, value, css class)``."""
    top = max((v for _, v, _ in items), default=0) or 1
    span = width - label_w - 60
    rows = []
    for i, (label, value, cls) in enumerate(items):
        w = round(span * value / top, 1) if value else 0
        rows.append({"label": label, "value": value, "cls": cls, "y": i * (bar_h + 6), "w": w, "h": bar_h})
    return {"rows": rows, "width": width, "height": max(1, len(items)) * (bar_h + 6), "label_w": label_w}


def _histogram(
    counts: list[int], fail_under: float, warn_under: float, width: int = 560, height: int = 210
) -> dict[str, Any]:
    """Geometry of the score histogram (buckets of 10 points), each bar
    classed by the status of the bucket's lowest score."""
    top = max(counts, default=0) or 1
    n = len(counts) or 1
    plot_h = height - 50
    bw = (width - 20) / n
    bars = []
    for i, c in enumerate(counts):
        h = round(plot_h * c / top, 1) if c else 0
        lo = i * 10
        bars.append(
            {
                "x": round(10 + i * bw, 1),
                "w": round(bw - 4, 1),
                "y": round(20 + plot_h - h, 1),
                "h": h,
                "count": c,
                "label": f"{lo}–{lo + 10 if i < n - 1 else 100}",
                "cls": "fail" if lo < fail_under else "warn" if lo < warn_under else "pass",
            }
        )
    return {"bars": bars, "width": width, "height": height, "base": 20 + plot_h}


def _top_rules(share: dict[str, float], n: int = 3) -> list[tuple[str, float]]:
    return list(share.items())[:n]


# --------------------------------------------------------------- reporter


@register("html")
class HtmlReporter(Reporter):
    """Streams ``audit.html`` (see the module docstring)."""

    filename = "audit.html"

    def __init__(
        self,
        meta: Any,
        max_article_chars: int = MAX_ARTICLE_CHARS,
        max_total_chars: int = MAX_TOTAL_CHARS,
    ):
        super().__init__(meta)
        self.max_article_chars = max_article_chars
        self.max_total_chars = max_total_chars
        self._n = 0
        self._embedded_chars = 0
        self._embedded = 0
        self._capped = 0
        # The report id: a hash of what identifies the reviewed material
        # (article ids and finding keys), not of scores or waiver status,
        # so re-running with exported waivers keeps the reviewer's
        # decisions attached to the new report.
        self._id_hash = hashlib.sha256(b"mtaudit-report\x00")
        self._summaries = {r.code: r.summary for r in meta.rules}
        self._categories = {r.code: r.category for r in meta.rules}
        # Looked up once: get_template() checks the file on every call.
        self._article_template = _env.get_template("report_article.html")

    # -- header ----------------------------------------------------------

    def header(self) -> str:
        return _env.get_template("report_header.html").render(
            version=self.meta.version,
            csp=content_security_policy(),
            css=Markup(static_asset("report.css")),
            categories=CATEGORIES,
            severities=SEVERITIES,
            labels=CATEGORY_LABELS,
        )

    # -- articles --------------------------------------------------------

    def _finding(self, f: Finding, line: int, text: str, with_context: bool) -> dict[str, Any]:
        """A finding in the report's compact form (message and category
        only when they differ from the rule's)."""
        d: dict[str, Any] = {"r": f.rule, "v": f.severity, "s": f.start, "e": f.end, "l": line}
        if f.message != self._summaries.get(f.rule):
            d["m"] = f.message
        if f.category != self._categories.get(f.rule):
            d["c"] = f.category
        if f.fix is not None:
            fx: dict[str, Any] = {"r": f.fix.replacement, "safe": f.fix.safe}
            if f.fix.start is not None:
                fx["s"], fx["e"] = f.fix.start, f.fix.end
                if with_context:
                    fx["t"] = text[f.fix.start : f.fix.end]
            d["x"] = fx
        if f.key:
            d["k"] = f.key
        if f.waived:
            d["w"] = f.waived
        if f.data:
            d["d"] = f.data
        if with_context:
            a = max(0, f.start - CONTEXT_CHARS)
            b = min(len(text), f.end + CONTEXT_CHARS)
            d["ctx"] = [text[a : f.start], text[f.start : f.end], text[f.end : b]]
        return d

    def article(self, result: ArticleResult) -> str:
        n = self._n
        self._n += 1
        a = result.article
        text = a.text
        embed = len(text) <= self.max_article_chars and self._embedded_chars + len(text) <= self.max_total_chars
        if embed:
            self._embedded_chars += len(text)
            self._embedded += 1
        else:
            self._capped += 1
        index = LineIndex(text) if result.findings else None
        data: dict[str, Any] = {
            "n": n,
            "id": a.id,
            "sc": result.score,
            "st": result.status,
            "b": result.breakdown,
            "stats": result.stats,
            "len": len(text),
            "f": [self._finding(f, index.line_col(f.start)[0], text, not embed) for f in result.findings]
            if index is not None
            else [],
        }
        if a.title is not None:
            data["t"] = a.title
        if a.path is not None:
            data["p"] = a.path
        if a.source is not None:
            data["src"] = a.source
        if a.line is not None:
            data["rl"] = a.line
        if embed:
            data["x"] = text
        extra = dict(result.extra)
        zones = extra.pop("zones", None)
        if isinstance(zones, list):
            data["z"] = zones
        if extra:
            data["ex"] = extra
        self._id_hash.update(a.id.encode("utf-8", "surrogatepass") + b"\x00")
        for f in result.findings:
            self._id_hash.update((f.key or f"{f.rule}:{f.start}:{f.end}").encode("ascii", "replace") + b"\x01")
        return self._article_template.render(data=script_json(data))

    # -- footer ----------------------------------------------------------

    def report_id(self) -> str:
        """Deterministic id of this report's material (see ``__init__``)."""
        return self._id_hash.hexdigest()[:16]

    def footer(self, summary: dict[str, Any], errors: list[InputError]) -> str:
        rules = {
            r.code: {"name": r.name, "category": r.category, "severity": r.severity, "summary": r.summary}
            for r in self.meta.rules
        }
        for code, t in TOOL_RULES.items():
            rules.setdefault(code, {"name": t["name"], "category": "tool", "severity": "error", "summary": t["summary"]})
        run = {
            "report_id": self.report_id(),
            "version": self.meta.version,
            "articles": self._n,
            "embedded": self._embedded,
            "capped": self._capped,
            "limits": {
                "article_chars": self.max_article_chars,
                "total_chars": self.max_total_chars,
                "context_chars": CONTEXT_CHARS,
            },
            "rules": rules,
            "categories": list(CATEGORIES),
            "labels": CATEGORY_LABELS,
            "config": self.meta.config,
            "worst": summary.get("worst", []),
        }
        by_rule = sorted(summary.get("by_rule", {}).items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        by_category = summary.get("by_category", {})
        hist = summary.get("score", {}).get("histogram", {}).get("counts", [])
        sources = summary.get("sources", {})
        source_rows = sorted(sources.items(), key=lambda kv: (-kv[1]["articles"], kv[0]))[:MAX_SOURCES_SHOWN]
        page = _env.get_template("report_footer.html").render(
            summary=summary,
            errors=errors[:MAX_ERRORS_SHOWN],
            errors_total=len(errors),
            run=run,
            run_json=script_json(run),
            histogram=_histogram(
                hist,
                float(self.meta.config.get("fail_under", DEFAULT_FAIL_UNDER)),
                float(self.meta.config.get("warn_under", DEFAULT_WARN_UNDER)),
            ),
            category_chart=_bars([(c, by_category.get(c, 0), c) for c in CATEGORIES]),
            rule_chart=_bars([(f"{c} {e['name']}", e["count"], e["category"]) for c, e in by_rule[:MAX_RULE_BARS]]),
            rules_hidden=max(0, len(by_rule) - MAX_RULE_BARS),
            source_rows=[(name, s, _top_rules(s.get("rule_share", {}))) for name, s in source_rows],
            sources_total=len(sources),
            docs=rule_docs(self.meta.rules),
            labels=CATEGORY_LABELS,
            js=Markup(static_asset("report.js")),
            max_errors=MAX_ERRORS_SHOWN,
        )
        # Paths of undecodable file names carry lone surrogates.
        return displayable(page)
