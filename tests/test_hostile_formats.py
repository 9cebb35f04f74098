"""Hostile text in every report format: nothing breaks out of its context.

Article ids, paths, titles, sources, texts, finding messages, fix
replacements and input-error messages are generated from hostile pieces —
``</script>``, ``]]>``, ``::error``, line breaks, ``%0A``, ANSI escape
sequences, bidi controls, NUL, U+2028, template syntax — and every format
must stay well-formed and carry the strings back exactly (or, where the
format cannot carry a character, as a documented replacement):

* JSON / JSONL: parse, round-trip; one record per JSONL line;
* SARIF: parses, one result per finding, strings round-trip, URIs encoded;
* JUnit: XML parses, one test case per article and error, strings
  round-trip with XML-invalid characters as U+FFFD;
* GitHub: one ``::level props::message`` command per finding and error,
  no line break, no separator in a property, and the message decodes back
  to the original (control characters removed);
* text (terminal): no control or format character reaches the terminal
  except our own colour codes;
* HTML: exactly one executable script, one JSON data block per article
  that round-trips the text, and the same elements as the same report
  made of harmless strings (nothing injected).

CI runs ``MTAUDIT_FORMAT_EXAMPLES`` (default 40) examples per property;
the long mode (``MTAUDIT_FUZZ_EXAMPLES``) runs that many.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import regex
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.cli import main
from audit.model import Article, ArticleResult, Finding, Fix, InputError
from audit.readers import clean_text
from audit.registry import Rule
from audit.reporters import RunMeta, make_reporter
from audit.reporters.github import _clean as github_clean
from audit.summary import SummaryBuilder

EXAMPLES = int(os.environ.get("MTAUDIT_FUZZ_EXAMPLES", os.environ.get("MTAUDIT_FORMAT_EXAMPLES", "40")))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 1000,
)

HOSTILE = [
    "</script>", "<script>alert(1)</script>", "<!--", "-->", "<img src=x onerror=alert(1)>", "]]>", "<![CDATA[",
    "</testcase>", "</failure>", "::error::", "::error file=x,line=1::pwned", "::add-mask::", "::stop-commands::",
    "\n", "\r", "\r\n", "%0A", "%0D", "%25", "%", ",", ":", "=", "\x1b[31m", "\x1b[2J", "\x1b]0;title\x07",
    "\x1b[0m", "\x07", "\x00", "\x08", "\x0b", "\x0c", "\x7f", "\x85", "\x9b31m", "\u2028", "\u2029", "\u202e",
    "\u2066", "\u200b", "\ufeff", "\ufffe", "\uffff", "&", "&amp;", "&#x3c;", '"', "'", "`", "\\", "\\u003c",
    "{{7*7}}", "{% raw %}", "${x}", "javascript:alert(1)", "\U0001f600", "e\u0301", "\u0645\u0631\u062d",
    " ", "\t", "x", "Officials", "said", ".",
]
PIECE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6))
HOSTILE_STR = st.lists(PIECE, min_size=1, max_size=12).map("".join)
LEVELS = ("error", "warning", "info")
CATS = ("punctuation", "debris", "encoding", "translation")
RULES = [
    Rule(code=f"HX00{i}", name=f"hostile-rule-{i}", category=CATS[i % 4], severity=LEVELS[i % 3],
         fn=lambda doc: [], summary="Test rule.", doc="Test rule.\n\nWhy it matters: tests.", fixable=True)
    for i in range(4)
]


def cleaned(s: str) -> str:
    """What the readers hand on: no lone surrogates."""
    return clean_text(s)[0]


@st.composite
def results(draw) -> tuple[list[ArticleResult], list[InputError]]:
    n = draw(st.integers(min_value=1, max_value=3))
    out = []
    for k in range(n):
        text = cleaned(draw(HOSTILE_STR)) + " end"
        in_file = draw(st.booleans())
        art = Article(
            id=cleaned(draw(HOSTILE_STR)) + f"#{k}",
            text=text,
            title=cleaned(draw(HOSTILE_STR)) if draw(st.booleans()) else None,
            path=cleaned(draw(HOSTILE_STR)) if draw(st.booleans()) else None,
            line=None if in_file else draw(st.integers(min_value=1, max_value=10_000)),
            source=cleaned(draw(HOSTILE_STR)) if draw(st.booleans()) else None,
        )
        findings = []
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            rule = draw(st.sampled_from(RULES))
            a = draw(st.integers(min_value=0, max_value=len(text)))
            b = draw(st.integers(min_value=a, max_value=len(text)))
            fix = Fix(cleaned(draw(HOSTILE_STR)), draw(st.booleans())) if draw(st.booleans()) else None
            findings.append(
                Finding(
                    rule=rule.code, name=rule.name, category=rule.category, severity=draw(st.sampled_from(LEVELS)),
                    message=cleaned(draw(HOSTILE_STR)), start=a, end=b, text=text[a:b], fix=fix,
                    data={"match": cleaned(draw(HOSTILE_STR))} if draw(st.booleans()) else None,
                    key=f"{k:016x}", waived=cleaned(draw(HOSTILE_STR)) if draw(st.integers(0, 9)) == 0 else None,
                )
            )
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        status = draw(st.sampled_from(["pass", "warn", "fail"]))
        out.append(
            ArticleResult(
                article=art, findings=findings, score=draw(st.sampled_from([100.0, 72.5, 0.0])), status=status,
                breakdown={"penalty": 0, "length_factor": 1, "by_category": {}, "by_rule": {}},
                stats={"chars": len(text), "words": 1, "sentences": 1, "paragraphs": 1},
            )
        )
    errors = [
        InputError(cleaned(draw(HOSTILE_STR)), draw(st.one_of(st.none(), st.integers(1, 99))), cleaned(draw(HOSTILE_STR)))
        for _ in range(draw(st.integers(min_value=0, max_value=2)))
    ]
    return out, errors


def render(fmt: str, res: list[ArticleResult], errors: list[InputError], color: bool = False) -> str:
    meta = RunMeta(version="0-test", rules=RULES, config={"fail_on": "error"}, color=color)
    rep = make_reporter(fmt, meta)
    summary = SummaryBuilder()
    chunks = [rep.header()]
    for r in res:
        summary.add(r)
        chunks.append(rep.article(r))
    for e in errors:
        summary.add_error(e)
    chunks.append(rep.footer(summary.build(), errors))
    page = "".join(chunks)
    page.encode("utf-8")  # every format can be written as UTF-8
    return page


# -- JSON and JSONL ------------------------------------------------------------------------------
@SETTINGS
@given(results())
def test_json_and_jsonl_round_trip(data):
    res, errors = data
    report = json.loads(render("json", res, errors))
    assert [a["id"] for a in report["articles"]] == [r.article.id for r in res]
    for got, r in zip(report["articles"], res):
        assert (got["path"], got["title"], got["source"]) == (r.article.path, r.article.title, r.article.source)
        assert [(f["message"], f["text"]) for f in got["findings"]] == [(f.message, f.text) for f in r.findings]
    assert report["errors"] == [e.to_dict() for e in errors]
    lines = render("jsonl", res, errors).split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(res) + len(errors)
    rows = [json.loads(line) for line in lines[:-1]]
    assert rows[: len(res)] == report["articles"]


# -- SARIF -----------------------------------------------------------------------------------------
_URI_OK = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


@SETTINGS
@given(results())
def test_sarif_stays_json_and_carries_every_string(data):
    res, errors = data
    sarif = json.loads(render("sarif", res, errors))
    run = sarif["runs"][0]
    found = [(r, f) for r in res for f in r.findings]
    assert len(run["results"]) == len(found)
    for out, (r, f) in zip(run["results"], found):
        assert out["message"]["text"].startswith(f.message)
        assert out["properties"]["article"] == r.article.id
        assert out["locations"][0]["logicalLocations"][0]["name"] == r.article.id
        phys = out["locations"][0].get("physicalLocation")
        if phys:
            assert _URI_OK.match(phys["artifactLocation"]["uri"]), phys["artifactLocation"]["uri"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [e.message for e in errors]


# -- JUnit -----------------------------------------------------------------------------------------
_NOT_XML = regex.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s)


@SETTINGS
@given(results())
def test_junit_is_well_formed_xml(data):
    res, errors = data
    root = ET.fromstring(render("junit", res, errors))
    cases = root.find("testsuite").findall("testcase")
    assert len(cases) == len(res) + len(errors)
    for case, r in zip(cases, res):
        assert case.get("name") == xml_safe(r.article.id)
        body = case.find("failure")
        if body is None:
            body = case.find("system-out")
        for f in r.findings:
            assert xml_safe(f.message) in (body.text or "")
    for case, e in zip(cases[len(res):], errors):
        assert case.find("error").get("message") == xml_safe(e.message)


# -- GitHub workflow commands ---------------------------------------------------------------------
_COMMAND = re.compile(r"::(error|warning|notice) ([A-Za-z]+=[^,:\r\n]*)(,[A-Za-z]+=[^,:\r\n]*)*::([^\r\n]*)")


def _unescape(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@SETTINGS
@given(results())
def test_github_commands_cannot_be_injected(data):
    res, errors = data
    out = render("github", res, errors)
    lines = out.split("\n")
    assert lines[-1] == ""
    counting = [(r, f) for r in res for f in r.findings if not f.waived]
    assert len(lines) - 1 == len(counting) + len(errors)
    for line, (r, f) in zip(lines, counting):
        m = _COMMAND.fullmatch(line)
        assert m, line
        assert not regex.search(r"[\p{Cc}\p{Cf}\u2028\u2029]", line)
        assert _unescape(m.group(4)).startswith(github_clean(f.message))
        props = dict(p.split("=", 1) for p in line[len(m.group(1)) + 3 :].split("::", 1)[0].split(","))
        if "file" in props:
            assert _unescape(props["file"]) == github_clean(r.article.path or "")
    for line, e in zip(lines[len(counting):], errors):
        m = _COMMAND.fullmatch(line)
        assert m and m.group(1) == "error"
        assert _unescape(m.group(4)) == github_clean(f"input error: {e.message}")


# -- terminal ---------------------------------------------------------------------------------------
_SGR = re.compile(r"\x1b\[(?:0|31|33|36)m")


@SETTINGS
@given(results(), st.booleans())
def test_terminal_output_has_no_control_characters(data, color):
    res, errors = data
    out = render("text", res, errors, color=color)
    lines = out.split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == sum(len(r.findings) for r in res) + len(errors)
    for line in lines[:-1]:
        bare = _SGR.sub("", line) if color else line
        assert not regex.search(r"[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]", bare), repr(line)


# -- HTML ---------------------------------------------------------------------------------------------
class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.scripts: list[tuple[dict[str, Any], str]] = []
        self._script: dict[str, Any] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag == "script":
            self._script, self._buf = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None


def _harmless(res: list[ArticleResult], errors: list[InputError]) -> tuple[list[ArticleResult], list[InputError]]:
    """The same report structure with every string replaced by a harmless
    token (equal strings by equal tokens, the empty string kept)."""
    import copy

    tokens: dict[str, str] = {}

    def tame(s: str | None) -> str | None:
        if not s:
            return s
        return tokens.setdefault(s, f"s{len(tokens)}")

    out = copy.deepcopy(res)
    for r in out:
        a = r.article
        # The summary files articles without a source under ".": keep that
        # name, or taming it would split one group of the sources table in two.
        a.id, a.title, a.path = tame(a.id), tame(a.title), tame(a.path)
        a.source = a.source if a.source == "." else tame(a.source)
        a.text = "x" * len(a.text)
        for f in r.findings:
            f.message, f.text = tame(f.message), "x" * (f.end - f.start)
            f.fix = None if f.fix is None else Fix(tame(f.fix.replacement) or "", f.fix.safe)
            f.data = None if f.data is None else {"match": tame(f.data["match"])}
            f.waived = tame(f.waived)
    return out, [InputError(tame(e.path) or "", e.line, tame(e.message) or "") for e in errors]


def _elements(page: str) -> Elements:
    p = Elements()
    p.feed(page)
    p.close()
    return p


@SETTINGS
@given(results())
def test_html_report_gains_no_element_and_keeps_every_string(data):
    res, errors = data
    page = render("html", res, errors)
    got = _elements(page)
    executable = [body for attrs, body in got.scripts if "type" not in attrs]
    assert len(executable) == 1
    blocks = [json.loads(body) for attrs, body in got.scripts if attrs.get("class") == "mt-article"]
    assert [b["x"] for b in blocks] == [r.article.text for r in res]
    assert [b["id"] for b in blocks] == [r.article.id for r in res]
    tame = _elements(render("html", *_harmless(res, errors)))
    assert got.tags == tame.tags


# -- end to end: hostile file names and records through the CLI -------------------------------------
def test_cli_every_format_with_hostile_file_names(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    evil_name = "evil\n::error file=x::pwned %0A ]]> <script> \x1b[31mred.txt"
    (corpus / evil_name).write_text('He said "::error::stop".. </script> \x1b[2J \u202e then.\n', encoding="utf-8")
    (corpus / "feed.jsonl").write_text(
        json.dumps({"id": "id\r\n::warning::x\x1b]0;t\x07", "text": "Talks resume.. ]]> %0A done.\u2028 more"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main,
        ["check", "--isolated", "--jobs", "1", "--id-field", "id", str(corpus), "-o", str(out),
         "--format", "json,jsonl,html,sarif,junit,github:-,text:" + str(out / "text.txt")],
    )
    assert r.exit_code in (0, 1), r.output
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    ids = sorted(a["id"] for a in report["articles"])
    assert ids == sorted([evil_name, "id\r\n::warning::x\x1b]0;t\x07"])
    ET.parse(out / "audit.junit.xml")
    json.loads((out / "audit.sarif").read_text(encoding="utf-8"))
    for line in r.stdout.splitlines():
        assert _COMMAND.fullmatch(line), line
    text = (out / "text.txt").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert not regex.search(r"[\p{Cc}\p{Cf}]", r.stderr.replace("\n", ""))
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert len([1 for attrs, _ in _elements(page).scripts if "type" not in attrs]) == 1
