"""Machine formats: SARIF 2.1.0 (validated against the official schema
shipped in tests/schemas), GitHub annotations, JUnit XML, JSONL — and
hostile text in each."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from audit.cli import main
from audit.reporters.github import escape_data, escape_property
from audit.reporters.junit import xml_attr, xml_text
from audit.reporters.sarif import artifact_uri

from ._ci_rules import write_rules

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
HOSTILE_ID = 'evil\n::error file=x::pwned %0A ]]> </testcase> <x a="1"> \x01\x1b[31m'
HOSTILE_TEXT = 'He said "::error::stop" %0A ]]></failure> \u2028 then.. Then \x0b more.\n\nsource site-9\n'


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # This copy of the schema keeps the root object under definitions/Root.
    root = dict(schema)
    root["$ref"] = "#/definitions/Root"
    jsonschema.Draft7Validator.check_schema(root)
    return jsonschema.Draft7Validator(root, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def env(tmp_path):
    cfg = write_rules(tmp_path / "cfg")
    corpus = tmp_path / "corpus"
    (corpus / "site").mkdir(parents=True)
    (corpus / "site" / "a.txt").write_text("The council met on Monday.. It approved\nthe budget.\n\nsource site-34\n", encoding="utf-8")
    (corpus / "b.txt").write_text("A clean article. Nothing to see.\n", encoding="utf-8")
    records = [
        {"id": "r1", "text": "Talks resume.. Officials agree."},
        {"id": HOSTILE_ID, "text": HOSTILE_TEXT},
    ]
    (corpus / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    yield tmp_path, cfg, corpus
    from audit.patterns import uninstall

    uninstall()


def check(cfg, corpus, *args):
    return CliRunner().invoke(
        main, ["check", "--config", str(cfg), "--id-field", "id", str(corpus), *args], catch_exceptions=False
    )


def json_report(tmp, cfg, corpus):
    out = tmp / "json"
    check(cfg, corpus, "--format", "json", "-o", str(out))
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


# -- SARIF ---------------------------------------------------------------------------------
def test_sarif_is_valid_and_complete(env, sarif_validator):
    tmp, cfg, corpus = env
    out = tmp / "o"
    r = check(cfg, corpus, "--format", "sarif", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    sarif = json.loads((out / "audit.sarif").read_text(encoding="utf-8"))
    errors = sorted(sarif_validator.iter_errors(sarif), key=str)
    assert not errors, errors[0].message
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "mtaudit"
    ids = [d["id"] for d in driver["rules"]]
    assert {"TS001", "TS002", "TS003", "AU001", "AU002"} <= set(ids)
    ts001 = driver["rules"][ids.index("TS001")]
    assert ts001["defaultConfiguration"]["level"] == "warning" and ts001["shortDescription"]["text"] == "doubled full stop"
    # One result per finding, each pointing at its rule.
    expected = sum(len(a["findings"]) for a in json_report(tmp, cfg, corpus)["articles"])
    assert len(run["results"]) == expected == 5
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"]["mtauditFindingKey/v1"]
    by_text = {(res["ruleId"], res["locations"][0]["logicalLocations"][0]["name"]): res for res in run["results"]}
    # A text file: line and code-point columns of the finding itself (end exclusive).
    loc = by_text[("TS001", "site/a.txt")]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("corpus/site/a.txt")
    assert loc["region"] == {"startLine": 1, "startColumn": 26, "endLine": 1, "endColumn": 28, "snippet": {"text": ".."}}
    # A JSONL record: its line in the file; the position in the text is in properties.
    res = by_text[("TS001", "r1")]
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert res["properties"]["textLine"] == 1 and res["properties"]["textColumn"] == 13
    assert "(article r1, line 1, column 13)" in res["message"]["text"]


def test_sarif_validator_is_not_vacuous(env, sarif_validator):
    tmp, cfg, corpus = env
    out = tmp / "o"
    check(cfg, corpus, "--format", "sarif", "-o", str(out))
    good = json.loads((out / "audit.sarif").read_text(encoding="utf-8"))
    for mutate in (
        lambda d: d.update(version="3.0"),
        lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        lambda d: d["runs"][0]["results"][0].pop("message"),
        lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"].update(region={"startLine": 0}),
    ):
        bad = copy.deepcopy(good)
        mutate(bad)
        assert list(sarif_validator.iter_errors(bad)), "schema accepted an invalid document"


def test_sarif_suppressions_for_waived_and_baselined(env, sarif_validator):
    tmp, cfg, corpus = env
    base = tmp / "base.json"
    check(cfg, corpus, "--format", "json", "-o", str(tmp / "j"), "--write-baseline", str(base))
    out = tmp / "o"
    check(cfg, corpus, "--format", "sarif", "-o", str(out), "--baseline", str(base))
    sarif = json.loads((out / "audit.sarif").read_text(encoding="utf-8"))
    assert not list(sarif_validator.iter_errors(sarif))
    results = sarif["runs"][0]["results"]
    assert results and all(r["suppressions"][0]["justification"] == "baseline" for r in results)
    assert all(r["baselineState"] == "unchanged" for r in results)


def test_sarif_input_errors_become_notifications(env, sarif_validator):
    tmp, cfg, corpus = env
    (corpus / "broken.jsonl").write_text('{"id": "x", "text": "ok"}\n{nope\n', encoding="utf-8")
    out = tmp / "o"
    assert check(cfg, corpus, "--format", "sarif", "-o", str(out)).exit_code == 2
    sarif = json.loads((out / "audit.sarif").read_text(encoding="utf-8"))
    assert not list(sarif_validator.iter_errors(sarif))
    inv = sarif["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    note = inv["toolExecutionNotifications"][0]
    assert note["message"]["text"].startswith("malformed JSON")
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}


def test_artifact_uris():
    assert artifact_uri("corpus/site a/x#1.txt") == "corpus/site%20a/x%231.txt"
    assert artifact_uri("/abs/p q.txt") == "file:///abs/p%20q.txt"


# -- GitHub annotations ----------------------------------------------------------------------
def test_github_annotations(env):
    tmp, cfg, corpus = env
    r = check(cfg, corpus, "--format", "github", "-o", str(tmp / "o"), "--select", "TS001,TS002")
    lines = r.stdout.splitlines()
    a = str(corpus / "site" / "a.txt").replace(":", "%3A").replace(",", "%2C")
    feed = str(corpus / "feed.jsonl").replace(":", "%3A").replace(",", "%2C")
    assert f"::warning file={a},line=1,endLine=1,col=26,endColumn=27,title=mtaudit TS001 (test-doubled-stop)::doubled full stop" in lines
    assert f"::warning file={a},line=4,endLine=4,col=1,endColumn=14,title=mtaudit TS002 (test-source-marker)::scraper source marker 'source site-34'" in lines
    assert f"::warning file={feed},line=1,title=mtaudit TS001 (test-doubled-stop)::doubled full stop (article r1, line 1, column 13)" in lines


def test_github_annotations_are_injection_proof(env):
    tmp, cfg, corpus = env
    r = check(cfg, corpus, "--format", "github", "-o", str(tmp / "o"))
    lines = r.stdout.splitlines()
    # Every line is one of ours: nothing from the corpus starts a new command.
    assert len(lines) == 5 and all(l.startswith(("::warning ", "::notice ", "::error ")) for l in lines)
    hostile = [l for l in lines if "evil" in l]
    assert hostile and all("%0A::error file=x::pwned %250A" in l for l in hostile)
    assert all("\x1b" not in l and "\x01" not in l and "\u2028" not in l for l in lines)


def test_github_escaping_rules():
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("x:y,z%\n") == "x%3Ay%2Cz%25%0A"
    assert escape_data("tab\there\x1b[0m\u200b") == "tab here[0m"


# -- JUnit ----------------------------------------------------------------------------------------
def test_junit_parses_and_counts(env):
    tmp, cfg, corpus = env
    out = tmp / "o"
    (corpus / "broken.jsonl").write_text("{nope\n", encoding="utf-8")
    check(cfg, corpus, "--format", "junit", "-o", str(out), "--fail-on", "warning")
    root = ET.parse(out / "audit.junit.xml").getroot()
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "3", "1")
    by_name = {c.get("name"): c for c in cases}
    assert set(by_name) >= {"site/a.txt", "b.txt", "r1", HOSTILE_ID.replace("\x01", "\ufffd").replace("\x1b", "\ufffd")}
    assert by_name["b.txt"].find("failure") is None
    fail = by_name["site/a.txt"].find("failure")
    assert fail is not None and "1:26: TS001 [warning] doubled full stop" in fail.text
    assert by_name["site/a.txt"].get("classname") == "site"
    err = [c for c in cases if c.find("error") is not None]
    assert len(err) == 1 and err[0].get("name").endswith("broken.jsonl:1")


def test_junit_passing_article_lists_findings_in_system_out(env):
    tmp, cfg, corpus = env
    out = tmp / "o"
    check(cfg, corpus, "--format", "junit", "-o", str(out), "--fail-on", "never")
    root = ET.parse(out / "audit.junit.xml").getroot()
    case = next(c for c in root.iter("testcase") if c.get("name") == "site/a.txt")
    assert case.find("failure") is None and "TS002" in case.find("system-out").text


def test_xml_escaping():
    assert xml_text("]]> </x> & \x00\x0b\ud800 ok") == "]]&gt; &lt;/x&gt; &amp; \ufffd\ufffd\ufffd ok"
    assert xml_attr('a"b\nc') == "'a\"b&#10;c'"
    assert ET.fromstring(f"<x v={xml_attr(HOSTILE_ID)}/>").get("v") == HOSTILE_ID.replace("\x01", "\ufffd").replace("\x1b", "\ufffd")


# -- JSONL ----------------------------------------------------------------------------------------
def test_jsonl_one_article_per_line(env):
    tmp, cfg, corpus = env
    out = tmp / "o"
    (corpus / "broken.jsonl").write_text("{nope\n", encoding="utf-8")
    check(cfg, corpus, "--format", "jsonl", "-o", str(out))
    raw = (out / "audit.jsonl").read_text(encoding="utf-8")
    assert len(raw.splitlines()) == raw.count("\n") == 5  # U+2028 in an article is escaped
    rows = [json.loads(l) for l in raw.splitlines()]
    arts = [r for r in rows if "error" not in r]
    assert [a["id"] for a in arts] == ["b.txt", "r1", HOSTILE_ID, "site/a.txt"]
    assert rows[-1]["error"]["message"].startswith("malformed JSON")
    # Same article objects as the JSON report.
    assert arts == json_report(tmp, cfg, corpus)["articles"]


def test_jsonl_to_stdout_streams(env):
    tmp, cfg, corpus = env
    r = check(cfg, corpus, "--format", "jsonl:-", "-q")
    assert [json.loads(l)["id"] for l in r.stdout.splitlines()] == ["b.txt", "r1", HOSTILE_ID, "site/a.txt"]
