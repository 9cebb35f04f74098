"""End to end: `mtaudit check` on corpora, exit codes, the JSON contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from audit.cli import main
from audit.model import Article
from audit.readers import ReaderOptions, read_corpus

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads((ROOT / "audit" / "schema" / "audit.schema.json").read_text(encoding="utf-8"))


def run(args, input=None):
    return CliRunner().invoke(main, args, input=input, catch_exceptions=False)


def report(out: Path) -> dict:
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "clean.txt").write_text("The council met on Monday. It approved the budget.\n", encoding="utf-8")
    (d / "damaged.txt").write_text(
        "The council met on Monday.. It approved the budget.\n\nsource site-34\n", encoding="utf-8"
    )
    return d


def test_examples_reports_validate_and_are_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    r1 = run(["check", str(EXAMPLES), "-o", str(a)])
    r2 = run(["check", str(EXAMPLES), "-o", str(b)])
    assert r1.exit_code in (0, 1), r1.output
    assert r1.exit_code == r2.exit_code
    assert (a / "audit.json").read_bytes() == (b / "audit.json").read_bytes()
    assert (a / "audit.html").read_bytes() == (b / "audit.html").read_bytes()
    data = report(a)
    jsonschema.validate(data, SCHEMA)
    assert data["summary"]["articles"] == len(data["articles"]) >= 12
    assert not data["errors"]
    # No temporary files are left behind.
    assert sorted(p.name for p in a.iterdir()) == ["audit.html", "audit.json"]


def test_every_finding_offset_indexes_the_text(tmp_path):
    out = tmp_path / "o"
    run(["check", str(EXAMPLES), "-o", str(out), "--format", "json"])
    texts = {
        a.id: a.text
        for a in read_corpus([str(EXAMPLES)], ReaderOptions(id_field="id", title_field="title"))
        if isinstance(a, Article)
    }
    # JSONL ids come from the id field only when asked; re-read with defaults too.
    texts.update(
        {a.id: a.text for a in read_corpus([str(EXAMPLES)], ReaderOptions()) if isinstance(a, Article)}
    )
    n = 0
    for art in report(out)["articles"]:
        text = texts[art["id"]]
        lines = text.split("\n")
        for f in art["findings"]:
            n += 1
            assert text[f["start"] : f["end"]] == f["text"]
            # line/column point at the start offset
            assert sum(len(l) + 1 for l in lines[: f["line"] - 1]) + f["column"] - 1 == f["start"]
    assert n > 0


def test_articles_keep_input_order_and_contract_fields(corpus, tmp_path):
    out = tmp_path / "o"
    r = run(["check", str(corpus), "-o", str(out), "--format", "json"])
    assert r.exit_code == 0
    data = report(out)
    assert [a["id"] for a in data["articles"]] == ["clean.txt", "damaged.txt"]
    damaged = data["articles"][1]
    rules = {f["rule"]: f for f in damaged["findings"]}
    assert rules["SD002"]["text"] == "source site-34"
    assert rules["SD002"]["fix"]["safe"] is True and rules["SD002"]["fix"]["replacement"] == ""
    assert rules["PU001"]["text"] == ".." and rules["PU001"]["line"] == 1 and rules["PU001"]["column"] == 26
    assert data["schema_version"] == 1 and data["tool"]["name"] == "mtaudit"
    assert damaged["score"] < data["articles"][0]["score"] == 100.0


def test_exit_code_1_when_gate_fails(corpus, tmp_path):
    r = run(["check", str(corpus), "-o", str(tmp_path), "--format", "json", "--fail-on", "warning"])
    assert r.exit_code == 1
    assert "gate: FAILED" in r.stderr


def test_exit_code_1_when_article_fails_threshold(corpus, tmp_path):
    r = run(["check", str(corpus), "-o", str(tmp_path), "--format", "json", "--fail-under", "99.5", "--warn-under", "99.9"])
    assert r.exit_code == 1


def test_exit_code_2_on_input_errors_but_rest_is_reported(corpus, tmp_path):
    (corpus / "bad.jsonl").write_text('{"text": "Fine record."}\n{broken\n', encoding="utf-8")
    out = tmp_path / "o"
    r = run(["check", str(corpus), "-o", str(out), "--format", "json"])
    assert r.exit_code == 2
    data = report(out)
    assert len(data["articles"]) == 3
    assert data["errors"] == [
        {"path": str(corpus / "bad.jsonl").replace(os.sep, "/"), "line": 2, "message": data["errors"][0]["message"]}
    ]
    assert data["errors"][0]["message"].startswith("malformed JSON")


def test_exit_code_2_on_usage_error(corpus, tmp_path):
    assert run(["check", str(corpus), "--format", "nope", "-o", str(tmp_path)]).exit_code == 2
    assert run(["check", str(corpus), "--select", "ZZ9", "-o", str(tmp_path)]).exit_code == 2
    assert run(["check"]).exit_code == 2


def test_select_and_ignore(corpus, tmp_path):
    out = tmp_path / "o"
    run(["check", str(corpus), "-o", str(out), "--format", "json", "--select", "debris"])
    assert {f["rule"] for a in report(out)["articles"] for f in a["findings"]} == {"SD002"}
    run(["check", str(corpus), "-o", str(out), "--format", "json", "--ignore", "SD,PU001"])
    assert not {f["rule"] for a in report(out)["articles"] for f in a["findings"]} & {"SD002", "PU001"}


def test_text_format_is_compiler_style(corpus, tmp_path):
    r = run(["check", str(corpus), "-o", str(tmp_path), "--format", "text", "--select", "PU001,SD002"])
    assert r.stdout.splitlines() == [
        "damaged.txt:1:26: PU001 [warning] doubled full stop '..'",
        "damaged.txt:3:1: SD002 [warning] scraper source marker 'source site-34'",
    ]


def test_stdin_jsonl(tmp_path):
    out = tmp_path / "o"
    r = run(["check", "-", "--format", "json", "-o", str(out)], input='{"text": "From stdin.. Yes."}\n')
    assert r.exit_code == 0
    art = report(out)["articles"][0]
    assert art["id"] == "<stdin>:1"
    assert any(f["rule"] == "PU001" for f in art["findings"])


def test_html_escapes_hostile_article(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    (d / "x.txt").write_text('Hello <script>alert(1)</script> and "><img src=x onerror=alert(1)>..\n', encoding="utf-8")
    out = tmp_path / "o"
    run(["check", str(d), "-o", str(out)])
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html.replace("&gt;", "")  # only escaped forms remain


def test_waivers_stop_findings_counting(corpus, tmp_path):
    out = tmp_path / "o"
    run(["check", str(corpus), "-o", str(out), "--format", "json"])
    f = next(f for f in report(out)["articles"][1]["findings"] if f["rule"] == "PU001")
    wf = tmp_path / "waivers.json"
    wf.write_text(
        json.dumps({"version": 1, "waivers": [{"article": "damaged.txt", "rule": "PU001", "key": f["key"],
                                               "decision": "false-positive", "reason": "test"}]}),
        encoding="utf-8",
    )
    r = run(["check", str(corpus), "-o", str(out), "--format", "json", "--waivers", str(wf), "--fail-on", "warning", "--select", "PU001"])
    assert r.exit_code == 0
    g = report(out)["articles"][1]["findings"][0]
    assert g["waived"] == "false-positive: test"
    assert report(out)["articles"][1]["score"] == 100.0


def test_rules_and_explain_commands():
    r = run(["rules"])
    assert r.exit_code == 0 and "SD002" in r.stdout and "scraper-source-marker" in r.stdout
    r = run(["explain", "SD002"])
    assert r.exit_code == 0 and "Why it matters" in r.stdout and "[[source site-34]]" in r.stdout
    assert run(["explain", "XX999"]).exit_code == 2


def test_python_m_audit(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "audit", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "mtaudit" in r.stdout
