"""Configuration files: discovery, precedence, provenance, validation,
selection, severity overrides, lexicons and user pattern rules."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit import registry
from audit.cli import main
from audit.config import Config
from audit.configfile import ConfigError, expand_severity, find_config_file, load
from audit.doc import Doc
from audit.model import Article
from audit.patterns import REPEAT_CAP, PatternError, PhraseMatcher, check_regex, installed_codes, uninstall

ARTICLE = "The council met on Monday.. It approved the budget.\n\nsource site-34\n"


@pytest.fixture(autouse=True)
def _no_user_rules_leak():
    yield
    uninstall()
    assert not [r for r in registry.all_rules() if "user" in r.tags]


def run(args, cwd=None, input=None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, args, input=input, catch_exceptions=False)
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, args, input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def config_json(cwd, *args):
    r = run(["config", "--json", *args], cwd=cwd)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# -- discovery ---------------------------------------------------------------------
def test_discovery_walks_up_to_the_nearest_config(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.mtaudit]\nfail-under = 50\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config_file(sub) == (tmp_path / "pyproject.toml").resolve()
    data = config_json(sub)
    assert data["values"]["fail-under"] == {"value": 50.0, "origin": data["file"]}
    assert data["file"].endswith("pyproject.toml")


def test_pyproject_without_table_is_skipped_and_mtaudit_toml_wins(tmp_path):
    write(tmp_path / "mtaudit.toml", "fail-under = 40\n")
    write(tmp_path / "proj" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config_file(tmp_path / "proj") == (tmp_path / "mtaudit.toml").resolve()
    # In one folder, mtaudit.toml beats pyproject.toml.
    write(tmp_path / "proj" / "pyproject.toml", "[tool.mtaudit]\nfail-under = 30\n")
    write(tmp_path / "proj" / "mtaudit.toml", "fail-under = 20\n")
    assert config_json(tmp_path / "proj")["values"]["fail-under"]["value"] == 20.0


def test_explicit_config_and_isolated(tmp_path):
    write(tmp_path / "mtaudit.toml", "fail-under = 40\n")
    other = write(tmp_path / "ci" / "strict.toml", "fail-under = 90\nwarn-under = 95\n")
    assert config_json(tmp_path, "--config", str(other))["values"]["fail-under"]["value"] == 90.0
    iso = config_json(tmp_path, "--isolated")
    assert iso["file"] is None and iso["values"]["fail-under"] == {"value": 60.0, "origin": "default"}


def test_config_file_can_be_a_pyproject_given_explicitly(tmp_path):
    pp = write(tmp_path / "x" / "pyproject.toml", "[tool.mtaudit]\nlang = 'de'\n")
    assert config_json(tmp_path, "--config", str(pp))["values"]["lang"]["value"] == "de"
    write(pp, "[project]\nname = 'x'\n")
    r = run(["config", "--config", str(pp)], cwd=tmp_path)
    assert r.exit_code == 2 and "has no [tool.mtaudit] table" in r.stderr


def test_precedence_default_file_cli_and_origins(tmp_path):
    write(tmp_path / "mtaudit.toml", 'fail-under = 50\nselect = ["PU"]\nignore = ["PU002"]\n')
    data = config_json(tmp_path, "--fail-under", "70", "--ignore", "SD")
    v = data["values"]
    assert v["fail-under"] == {"value": 70.0, "origin": "--fail-under"}
    assert v["warn-under"] == {"value": 85.0, "origin": "default"}
    assert v["select"] == {"value": ["PU"], "origin": "mtaudit.toml"}
    # --ignore adds to the file's ignore list; origin shows both.
    assert v["ignore"] == {"value": ["PU002", "SD"], "origin": "mtaudit.toml + --ignore"}
    # --select starts afresh: the file's ignore no longer applies.
    v = config_json(tmp_path, "--select", "SD")["values"]
    assert v["select"]["value"] == ["SD"] and v["ignore"]["value"] == []
    assert v["ignore"]["origin"] == "--select (reset)"


def test_config_command_prints_toml_with_origins(tmp_path):
    write(tmp_path / "mtaudit.toml", "fail-under = 50\n")
    r = run(["config", "--warn-under", "90"], cwd=tmp_path)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "# configuration file: mtaudit.toml"
    assert any(l.startswith("fail-under = 50.0") and l.endswith("# mtaudit.toml") for l in lines)
    assert any(l.startswith("warn-under = 90.0") and l.endswith("# --warn-under") for l in lines)
    assert any(l.startswith("fail-on = \"error\"") and l.endswith("# default") for l in lines)


def test_relative_paths_in_config_resolve_from_its_folder(tmp_path):
    write(tmp_path / "mtaudit.toml", 'output-dir = "out/reports"\nwaivers = "w.json"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    v = config_json(sub)["values"]
    assert Path(sub, v["output-dir"]["value"]).resolve() == (tmp_path / "out" / "reports").resolve()
    assert Path(sub, v["waivers"]["value"]).resolve() == (tmp_path / "w.json").resolve()


def test_check_uses_config_file(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", ARTICLE)
    write(tmp_path / "mtaudit.toml", 'select = ["SD002"]\nformat = ["text"]\n')
    r = run(["check", "corpus"], cwd=tmp_path)
    assert r.stdout.splitlines() == ["a.txt:3:1: SD002 [warning] scraper source marker 'source site-34'"]
    assert not (tmp_path / "reports").exists()


# -- validation: every error names the file and the key --------------------------------
BAD_VALUES = [
    ("fail-under = 120", "fail-under", "expected a score from 0 to 100"),
    ("fail-under = 'high'", "fail-under", "expected a score from 0 to 100"),
    ("warn-under = 10\nfail-under = 50", "warn-under", "must not be below fail-under"),
    ("fail-on = 'fatal'", "fail-on", "expected one of error, warning, info, never"),
    ("warn-on = 3", "warn-on", "expected one of"),
    ("max-failing = 'lots'", "max-failing", "expected a whole number of articles"),
    ("max-failing = '150%'", "max-failing", "between 0% and 100%"),
    ("max-failing = -1", "max-failing", "must not be negative"),
    ("warn-exit = 'yes'", "warn-exit", "expected true or false"),
    ("lang = 'English'", "lang", "expected a language code"),
    ("text-field = ''", "text-field", "expected a non-empty string"),
    ("time-budget = -2", "time-budget", "expected a number of seconds"),
    ("select = 'ZZ'", "select", "unknown rule selector(s) 'ZZ'"),
    ("select = [1]", "select[0]", "expected a non-empty string"),
    ("ignore = ['PU', 'nonsense']", "ignore", "unknown rule selector(s) 'nonsense'"),
    ("[severity]\nPU001 = 'fatal'", "severity.PU001", "expected one of error, warning, info"),
    ("[severity]\nQQ = 'error'", "severity", "unknown rule selector(s) 'QQ'"),
    ("per-source-ignores = ['x']", "per-source-ignores", "expected a table"),
    ("[per-source-ignores]\n'site-a/*' = ['QQ9']", "per-source-ignores.\"site-a/*\"", "unknown rule selector(s) 'QQ9'"),
    ("[lexicons]\ncalques = 'x'", "lexicons.calques", "expected an array of entries"),
    ("[lexicons]\ncalques = [1]", "lexicons.calques[0]", "expected a string or a table"),
    ("[rule-options]\nQQ123 = {x = 1}", "rule-options", "unknown rule selector(s) 'QQ123'"),
    ("format = ['pdf']", "format[0]", "unknown format 'pdf'"),
    ("fail_under = 50", "fail_under", "unknown key; did you mean 'fail-under'?"),
    ("colour = 'red'", "colour", "unknown key"),
]


@pytest.mark.parametrize("toml,key,message", BAD_VALUES, ids=[k for _, k, _ in BAD_VALUES])
def test_invalid_values_are_errors_naming_file_and_key(tmp_path, toml, key, message):
    write(tmp_path / "mtaudit.toml", toml + "\n")
    r = run(["config"], cwd=tmp_path)
    assert r.exit_code == 2
    assert f"mtaudit.toml: key '{key}'" in r.stderr, r.stderr
    assert message in r.stderr
    # check refuses to run with it too.
    assert run(["check", str(tmp_path)], cwd=tmp_path).exit_code == 2


def test_pyproject_errors_use_the_dotted_key(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.mtaudit]\nfial-on = 'error'\n")
    r = run(["config"], cwd=tmp_path)
    assert r.exit_code == 2
    assert "pyproject.toml: key 'tool.mtaudit.fial-on': unknown key; did you mean 'fail-on'?" in r.stderr


def test_toml_syntax_error_names_the_file(tmp_path):
    write(tmp_path / "mtaudit.toml", "fail-under = = 3\n")
    r = run(["config"], cwd=tmp_path)
    assert r.exit_code == 2 and "mtaudit.toml: not valid TOML" in r.stderr


def test_invalid_cli_values_name_the_option(tmp_path):
    r = run(["config", "--isolated", "--max-failing", "many"], cwd=tmp_path)
    assert r.exit_code == 2 and "option '--max-failing'" in r.stderr
    r = run(["config", "--isolated", "--select", "QQ"], cwd=tmp_path)
    assert r.exit_code == 2 and "option '--select'" in r.stderr and "'QQ'" in r.stderr


PATTERN = '[[patterns]]\ncode = "HX001"\nmessage = "Wordy"\ncategory = "style"\nphrases = ["in the framework of"]\n'

BAD_PATTERNS = [
    (PATTERN.replace('code = "HX001"\n', ""), "patterns[0].code", "required key is missing"),
    (PATTERN.replace("HX001", "hx1"), "patterns[0].code", "two capital letters and three digits"),
    (PATTERN.replace("HX001", "PU001"), "patterns[0].code", "already the built-in rule 'doubled-stop'"),
    (PATTERN.replace("HX001", "AU009"), "patterns[0].code", "reserved"),
    (PATTERN + PATTERN, "patterns[1].code", "already defined by patterns[0]"),
    (PATTERN.replace('"style"', '"grammar"'), "patterns[0].category", "expected one of translation"),
    (PATTERN + 'severity = "fatal"\n', "patterns[0].severity", "expected one of error, warning, info"),
    (PATTERN + 'regex = "x"\n', "patterns[0]", "exactly one of 'regex' or 'phrases'"),
    (PATTERN.replace('phrases = ["in the framework of"]', 'regex = "(a+)+b"'), "patterns[0].regex", "nested"),
    (PATTERN.replace('phrases = ["in the framework of"]', 'regex = "\\\\w+\\\\s*\\\\w+"'), "patterns[0].regex", "follow each other"),
    (PATTERN.replace('phrases = ["in the framework of"]', 'regex = "x*"'), "patterns[0].regex", "empty string"),
    (PATTERN.replace('phrases = ["in the framework of"]', 'regex = "(unclosed"'), "patterns[0].regex", "not a valid regular expression"),
    (PATTERN.replace('phrases = ["in the framework of"]', 'regex = "(a)\\\\1"'), "patterns[0].regex", "backreferences"),
    (PATTERN + 'name = "Bad Name"\n', "patterns[0].name", "kebab-case"),
    (PATTERN + 'name = "doubled-stop"\n', "patterns[0].name", "already taken"),
    (PATTERN + "fix-safe = true\n", "patterns[0].fix-safe", "needs a 'replacement'"),
    (PATTERN + 'regx = "x"\n', "patterns[0].regx", "did you mean 'regex'?"),
    (PATTERN + 'bad = ["We act in the framework of law."]\n', "patterns[0].bad[0]", "mark the text"),
    (PATTERN + 'bad = ["We act ⟦in⟧ the framework of law."]\n', "patterns[0].bad[0]", "it flagged 'in the framework of'"),
    (PATTERN + 'good = ["In the framework of the law."]\n', "patterns[0].good[0]", "the rule flags"),
    ("patterns = 3\n", "patterns", "expected an array of tables"),
]


@pytest.mark.parametrize("toml,key,message", BAD_PATTERNS, ids=[f"{i}-{k}" for i, (_, k, _) in enumerate(BAD_PATTERNS)])
def test_invalid_pattern_rules(tmp_path, toml, key, message):
    write(tmp_path / "mtaudit.toml", toml)
    r = run(["config"], cwd=tmp_path)
    assert r.exit_code == 2
    assert f"mtaudit.toml: key '{key}'" in r.stderr, r.stderr
    assert message in r.stderr, r.stderr


# -- selection, per-source ignores, severity ------------------------------------------------
@pytest.fixture
def corpus(tmp_path):
    write(tmp_path / "corpus" / "site-a" / "x.txt", ARTICLE)
    write(tmp_path / "corpus" / "site-b" / "y.txt", ARTICLE)
    return tmp_path


def rules_found(cwd, *args):
    out = cwd / "out"
    r = run(["check", "corpus", "--format", "json", "-o", str(out), *args], cwd=cwd)
    assert r.exit_code in (0, 1), r.output
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return {a["id"]: sorted({f["rule"] for f in a["findings"]}) for a in data["articles"]}, data


def test_select_ignore_by_code_prefix_and_category(corpus):
    write(corpus / "mtaudit.toml", 'select = ["PU001", "debris"]\n')
    found, _ = rules_found(corpus)
    assert found == {"site-a/x.txt": ["PU001", "SD002"], "site-b/y.txt": ["PU001", "SD002"]}
    write(corpus / "mtaudit.toml", 'select = ["PU001", "debris"]\nignore = ["SD"]\n')
    assert set(map(tuple, rules_found(corpus)[0].values())) == {("PU001",)}
    write(corpus / "mtaudit.toml", 'select = ["PU001", "SD002"]\nignore = ["punctuation"]\n')
    assert set(map(tuple, rules_found(corpus)[0].values())) == {("SD002",)}


def test_per_source_ignores(corpus):
    write(
        corpus / "mtaudit.toml",
        'select = ["PU001", "SD002"]\n[per-source-ignores]\n"site-a" = ["SD"]\n"*/y.txt" = ["punctuation"]\n',
    )
    found, _ = rules_found(corpus)
    assert found == {"site-a/x.txt": ["PU001"], "site-b/y.txt": ["SD002"]}


def test_per_path_ignores_merge_with_per_source(corpus):
    write(
        corpus / "mtaudit.toml",
        'select = ["PU001", "SD002"]\n[per-source-ignores]\n"site-a" = ["SD"]\n[per-path-ignores]\n"site-a/*" = ["PU"]\n',
    )
    found, _ = rules_found(corpus)
    assert found == {"site-a/x.txt": [], "site-b/y.txt": ["PU001", "SD002"]}


def test_severity_overrides_by_selector_most_specific_wins(corpus):
    write(
        corpus / "mtaudit.toml",
        'select = ["PU001", "SD002"]\n[severity]\ndebris = "info"\nSD002 = "error"\npunctuation = "info"\n',
    )
    _, data = rules_found(corpus)
    sev = {f["rule"]: f["severity"] for f in data["articles"][0]["findings"]}
    assert sev == {"PU001": "info", "SD002": "error"}


def test_expand_severity_specificity():
    out = expand_severity({"ALL": "info", "PU": "warning", "doubled-stop": "error"})
    assert out["PU001"] == "error"
    assert all(v == "info" for k, v in out.items() if not k.startswith("PU"))
    assert all(v == "warning" for k, v in out.items() if k.startswith("PU") and k != "PU001")


def test_lexicon_entries_reach_rules_through_doc(tmp_path):
    write(tmp_path / "mtaudit.toml", '[lexicons]\ncalques = ["let us remind you", {phrase = "in the framework of", fix = "under"}]\n')
    cfg = load(cwd=tmp_path).config
    doc = Doc(Article("a", "text"), cfg)
    assert doc.lexicon("calques") == ["let us remind you", {"phrase": "in the framework of", "fix": "under"}]
    assert doc.lexicon("other") == []


def test_reader_fields_from_config(tmp_path):
    write(tmp_path / "c.jsonl", json.dumps({"uid": "n1", "body": {"t": "Talks resume,, officials said."}}) + "\n")
    write(tmp_path / "mtaudit.toml", 'text-field = "body.t"\nid-field = "uid"\nselect = ["PU001"]\nformat = ["text"]\n')
    r = run(["check", "c.jsonl"], cwd=tmp_path)
    assert r.stdout.startswith("n1:1:13: PU001")


# -- user pattern rules -----------------------------------------------------------------------
USER_RULES = """
[[patterns]]
code = "HX001"
name = "wordy-framework"
message = "Wordy calque '{match}'"
category = "translation"
severity = "warning"
phrases = ["in the framework of", "within the framework of"]
replacement = "under"
fix-safe = true
description = "Machine translation renders 'im Rahmen' literally."
bad = ["Aid flows ⟦in the framework of⟧ the plan."]
good = ["The framework of the plan is new."]

[[patterns]]
code = "HX002"
message = "Doubled word"
category = "repetition"
severity = "info"
regex = "\\\\b(?:the the|a a)\\\\b"
ignore-case = true
"""


def test_user_pattern_rules_end_to_end(tmp_path):
    write(tmp_path / "mtaudit.toml", 'select = ["HX"]\nformat = ["text"]\n' + USER_RULES)
    write(tmp_path / "c" / "a.txt", "Aid flows In the framework of the plan. Then The the budget.\n")
    r = run(["check", "c"], cwd=tmp_path)
    assert r.stdout.splitlines() == [
        "a.txt:1:11: HX001 [warning] Wordy calque 'In the framework of'",
        "a.txt:1:46: HX002 [info] Doubled word",
    ]
    r = run(["rules"], cwd=tmp_path)
    assert "HX001  wordy-framework" in r.stdout and "HX002  user-hx002" in r.stdout
    r = run(["explain", "HX001"], cwd=tmp_path)
    assert "Machine translation renders" in r.stdout and "[[in the framework of]]" in r.stdout
    # --isolated: the user rules do not exist.
    assert run(["explain", "HX001", "--isolated"], cwd=tmp_path).exit_code == 2


def test_user_rules_are_not_selected_when_select_excludes_them(tmp_path):
    write(tmp_path / "mtaudit.toml", 'select = ["PU001"]\nformat = ["text"]\n' + USER_RULES)
    write(tmp_path / "c" / "a.txt", "Aid flows in the framework of the plan.\n")
    assert run(["check", "c"], cwd=tmp_path).stdout == ""
    assert "HX001" in run(["check", "c", "--extend-select", "HX001"], cwd=tmp_path).stdout


def test_regex_checker_accepts_and_caps():
    rx = check_regex(r"\bsource\s+site\W\d+\b", ignore_case=True)
    assert rx.search("SOURCE  site-34").group(0) == "SOURCE  site-34"
    # Unbounded repeats are capped: a run longer than the cap is matched in pieces.
    rx = check_regex(r"a+")
    assert [len(m.group(0)) for m in rx.finditer("a" * (REPEAT_CAP + 5))] == [REPEAT_CAP, 5]
    for ok in [r"(?:ab)+c", r"\s+\w+", r"[^\n]+\n", r"(?i)x.*y", r"(?:foo|bar)baz", r"\d{1,3}(?:,\d{3})+", r"(?<=\s)x"]:
        check_regex(ok)


@pytest.mark.parametrize(
    "bad",
    [r"(a+)+$", r"(a|aa)+$", r"(\w+\s?)*$", r"(.*a){3}", r"\w+\s*\w+x", r"(x+x+)+y", r"(a)\1", r"(?(1)a|b)", r"a?", r""],
)
def test_regex_checker_rejects_catastrophic_patterns(bad):
    with pytest.raises(PatternError):
        check_regex(bad)


HOSTILE = [
    (r"\w+ing\b", "a", 200_000),
    (r"foo\w+bar", "foo", 70_000),
    (r"[a-z]+\d", "a", 200_000),
    (r"(?i)x.*y", "x", 200_000),
    (r"(?:ab)+c", "ab", 100_000),
]


@pytest.mark.parametrize("pattern,unit,times", HOSTILE, ids=[p for p, _, _ in HOSTILE])
def test_accepted_regexes_stay_linear_on_hostile_lines(pattern, unit, times):
    hostile = unit * times
    rx = check_regex(pattern)
    t0 = time.perf_counter()
    sum(1 for _ in rx.finditer(hostile))
    assert time.perf_counter() - t0 < 10  # generous: quadratic would take hours


def test_phrase_matcher_boundaries_case_and_longest():
    m = PhraseMatcher(("in the framework of", "framework", "İstanbul"), ignore_case=True)
    # 'İ' lower-cases to two characters: it is kept as is, so offsets stay exact.
    text = "In the framework of talks; frameworks; the FRAMEWORK; İstanbul and İSTANBUL."
    got = [text[s:e] for s, e in m.finditer(text)]
    assert got == ["In the framework of", "FRAMEWORK", "İstanbul", "İSTANBUL"]
    m = PhraseMatcher(("Kosovo",), ignore_case=False)
    assert list(m.finditer("kosovo Kosovo Kosovar")) == [(7, 13)]


def test_user_rules_do_not_leak_between_configurations(tmp_path):
    write(tmp_path / "mtaudit.toml", USER_RULES)
    run(["config"], cwd=tmp_path)
    assert set(installed_codes()) == {"HX001", "HX002"}
    write(tmp_path / "mtaudit.toml", "fail-under = 50\n")
    run(["config"], cwd=tmp_path)
    assert installed_codes() == ()
    assert registry.get_rule("HX001") is None


def test_max_failing_normalised(tmp_path):
    for raw, shown in (("'5%'", "5%"), ("' 2.5 % '", "2.5%"), ("3", "3"), ("'7'", "7")):
        write(tmp_path / "mtaudit.toml", f"max-failing = {raw}\n")
        assert config_json(tmp_path)["values"]["max-failing"]["value"] == shown


def test_config_allowed_failing():
    assert Config(max_failing="5%").allowed_failing(200) == 10
    assert Config(max_failing="3").allowed_failing(200) == 3


def test_config_error_message_format():
    assert str(ConfigError("mtaudit.toml", "fail-on", "bad")) == "mtaudit.toml: key 'fail-on': bad"
    assert str(ConfigError("", "--fail-on", "bad")) == "option '--fail-on': bad"


def test_user_rules_pickle_for_worker_processes(tmp_path):
    import pickle

    from audit.engine import make_plan

    write(tmp_path / "mtaudit.toml", 'select = ["HX"]\n' + USER_RULES)
    loaded = load(cwd=tmp_path)
    from audit.configfile import finalize

    finalize(loaded)
    plan = pickle.loads(pickle.dumps(make_plan(loaded.config)))
    uninstall()  # a fresh worker knows nothing of the configuration
    rule = next(r for r in plan.rules if r.code == "HX001")
    doc = Doc(Article("a", "Aid flows within the framework of the plan."), loaded.config)
    assert [(h.start, h.end, h.message) for h in rule.fn(doc)] == [(10, 33, "Wordy calque 'within the framework of'")]
