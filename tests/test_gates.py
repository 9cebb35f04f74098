"""Gates and exit codes: --fail-under, --fail-on, --warn-on, --max-failing,
the warn tier, input and usage errors; terminal output switches."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit import cli
from audit.cli import main
from audit.config import Config
from audit.gate import EXIT_ERROR, EXIT_GATE, EXIT_OK, EXIT_WARN, Gate, article_tier
from audit.model import Article, ArticleResult, Finding

from ._ci_rules import write_rules

CLEAN = "The council met on Monday. It approved the budget for next year.\n"
ONE_WARNING = "The council met on Monday.. It approved the budget for next year.\n"  # TS001: score 95
TWO_WARNINGS = ONE_WARNING + "\nsource site-34\n"  # TS001 + TS002: score 90


#: The test rules' configuration file of the running test (set by ``rules_config``).
_CONFIG: list[str] = []


@pytest.fixture(autouse=True)
def rules_config(tmp_path):
    _CONFIG[:] = [str(write_rules(tmp_path / "cfg"))]
    yield
    from audit.patterns import uninstall

    uninstall()


def run(*args, input=None):
    return CliRunner().invoke(main, ["check", "--config", _CONFIG[0], *args], input=input, catch_exceptions=False)


def make_corpus(root: Path, texts: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def clean(tmp_path):
    return make_corpus(tmp_path / "clean", {"a.txt": CLEAN, "b.txt": CLEAN})


@pytest.fixture
def damaged(tmp_path):
    return make_corpus(tmp_path / "damaged", {"a.txt": CLEAN, "b.txt": TWO_WARNINGS})


def check(corpus, *args):
    return run(str(corpus), "--format", "text", *args)


def test_exit_0_when_everything_passes(clean):
    r = check(clean)
    assert r.exit_code == EXIT_OK == 0
    assert "gate: passed" in r.stderr


def test_exit_0_for_warnings_below_the_fail_on_severity(damaged):
    assert check(damaged).exit_code == 0


def test_exit_1_fail_on(damaged):
    r = check(damaged, "--fail-on", "warning")
    assert r.exit_code == EXIT_GATE == 1
    assert "gate: FAILED — 1 of 2 articles fail" in r.stderr


def test_exit_1_fail_under(damaged):
    assert check(damaged, "--fail-under", "95", "--warn-under", "99").exit_code == 1
    assert check(damaged, "--fail-under", "90", "--warn-under", "99").exit_code == 0  # 90 is not below 90


def test_fail_on_never_leaves_only_the_score(damaged):
    assert check(damaged, "--fail-on", "never").exit_code == 0
    assert check(damaged, "--fail-on", "never", "--fail-under", "95", "--warn-under", "95").exit_code == 1


def test_exit_2_input_errors_win_over_the_gate(damaged):
    (damaged / "bad.jsonl").write_text("{broken\n", encoding="utf-8")
    r = check(damaged, "--fail-on", "warning")
    assert r.exit_code == EXIT_ERROR == 2
    assert "1 input errors" in r.stderr


def test_exit_2_usage_and_configuration_errors(damaged, tmp_path):
    assert check(damaged, "--fail-on", "fatal").exit_code == 2
    assert check(damaged, "--max-failing", "many").exit_code == 2
    assert check(damaged, "--warn-under", "50", "--fail-under", "60").exit_code == 2
    assert run(str(damaged), "--format", "nope").exit_code == 2
    assert run(str(damaged), "--waivers", str(tmp_path / "missing.json")).exit_code == 2
    assert run(str(damaged), "--baseline", str(tmp_path / "missing.json")).exit_code == 2


def test_exit_3_warn_tier_only_when_asked(damaged):
    # b.txt scores 90: below --warn-under 95, above --fail-under.
    assert check(damaged, "--warn-under", "95").exit_code == 0
    r = check(damaged, "--warn-under", "95", "--warn-exit")
    assert r.exit_code == EXIT_WARN == 3
    assert "gate: passed with warnings — 1 in the warn tier" in r.stderr


def test_warn_on_severity(damaged, clean):
    assert check(damaged, "--warn-on", "warning", "--warn-exit").exit_code == 3
    assert check(damaged, "--warn-on", "error", "--warn-exit").exit_code == 0
    assert check(clean, "--warn-on", "info", "--warn-exit").exit_code == 0


def test_fail_beats_warn(damaged):
    assert check(damaged, "--warn-on", "warning", "--fail-on", "warning", "--warn-exit").exit_code == 1


def _corpus_with_failing(root: Path, n: int, failing: int) -> Path:
    return make_corpus(root, {f"a{i:02d}.txt": (ONE_WARNING if i < failing else CLEAN) for i in range(n)})


@pytest.mark.parametrize(
    "failing,limit,code",
    [
        (1, "5%", 0),  # 1 of 20 = 5%: not more than 5%
        (2, "5%", 1),  # 10%
        (2, "10%", 0),
        (3, "2", 1),
        (2, "2", 0),
        (1, "0", 1),
        (0, "0", 0),
    ],
)
def test_max_failing_count_and_share(tmp_path, failing, limit, code):
    corpus = _corpus_with_failing(tmp_path / "c", 20, failing)
    r = check(corpus, "--fail-on", "warning", "--max-failing", limit)
    assert r.exit_code == code, r.stderr


def test_tolerated_failures_are_the_warn_tier(tmp_path):
    corpus = _corpus_with_failing(tmp_path / "c", 20, 1)
    r = check(corpus, "--fail-on", "warning", "--max-failing", "5%", "--warn-exit")
    assert r.exit_code == 3
    assert "1 failing within --max-failing 5%" in r.stderr


def test_help_documents_every_exit_code():
    r = CliRunner().invoke(main, ["check", "--help"])
    text = " ".join(r.output.split())
    for code, words in [("0", "gate passed"), ("1", "gate failed"), ("2", "usage or configuration error"), ("3", "warn tier")]:
        assert f"{code} {words}" in text, text


def test_gate_unit():
    cfg = Config(fail_on="error", warn_on="warning", warn_exit=True, max_failing="1")

    def result(sev, status="pass"):
        f = Finding("TS001", "n", "punctuation", sev, "m", 0, 1, "x")
        return ArticleResult(Article("a", "x"), [f], 90.0, status, {}, {})

    assert article_tier(result("error"), cfg) == "fail"
    assert article_tier(result("warning"), cfg) == "warn"
    assert article_tier(result("info"), cfg) == "pass"
    assert article_tier(result("info", "warn"), cfg) == "warn"
    g = Gate(cfg)
    g.add(result("error"))
    assert g.outcome().exit_code == 3  # one failure tolerated
    g.add(result("error"))
    assert g.outcome().exit_code == 1
    g.add_error()
    assert g.outcome().exit_code == 2


# -- terminal output -------------------------------------------------------------------
def test_quiet_prints_no_summary(damaged):
    r = check(damaged, "-q")
    assert r.stderr == "" and r.stdout.count("\n") == 2


def test_verbose_names_config_and_rule_count(damaged):
    r = check(damaged, "-v")
    assert re.search(r"config: .*mtaudit.toml; 3 rules;", r.stderr)


def test_statistics(damaged):
    r = check(damaged, "--statistics")
    assert r.stdout.splitlines() == ["1  1  TS001  [*] test-doubled-stop", "1  1  TS002  [*] test-source-marker"]


def test_color_only_when_asked_or_on_a_terminal(damaged, monkeypatch):
    assert "\x1b[" not in check(damaged).stdout  # not a terminal
    assert "\x1b[33mwarning\x1b[0m" in check(damaged, "--color", "always").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._color("auto", _Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    assert cli._color("auto", _Tty()) is True
    assert cli._color("never", _Tty()) is False


def test_color_never_reaches_report_files(damaged, tmp_path):
    out = tmp_path / "t.txt"
    check(damaged, "--format", f"text:{out}", "--color", "always")
    assert "\x1b[" not in out.read_text(encoding="utf-8")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal_only(monkeypatch):
    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0.0)
    tty = _Tty()
    bar = cli.Progress(True, tty)
    for i in range(64):
        bar.tick(f"id-{i}\x1b[2J")
    bar.close()
    out = tty.getvalue()
    assert "mtaudit:" in out and "articles" in out and "\x1b[2J" not in out
    assert out.endswith("\r\x1b[K")
    quiet = _Tty()
    bar = cli.Progress(False, quiet)
    for i in range(64):
        bar.tick("x")
    bar.close()
    assert quiet.getvalue() == ""


def test_no_progress_in_captured_runs(damaged):
    r = check(damaged)
    assert "\r" not in r.stderr and "\r" not in r.stdout


def test_format_destinations(damaged, tmp_path):
    sarif = tmp_path / "x" / "r.sarif"
    r = run(str(damaged), "--select", "TS001", "--format", f"sarif:{sarif},jsonl:-", "-o", str(tmp_path / "o"))
    assert r.exit_code == 0
    assert sarif.exists() and not (tmp_path / "o").exists()
    assert [l for l in r.stdout.splitlines() if l.startswith("{")] and len(r.stdout.splitlines()) == 2
    assert f"wrote {sarif}" in r.stderr
    r = run(str(damaged), "--format", f"json:{sarif},sarif:{sarif}")
    assert r.exit_code == 2 and "would both write" in r.stderr


def test_summary_counts_line(damaged):
    r = check(damaged)
    first = r.stderr.splitlines()[0]
    assert re.match(r"mtaudit: 2 articles, 2 findings \(0 error, 2 warning, 0 info\), 0 input errors", first)


# -- integration files ---------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


def test_pre_commit_hook_entries_run(tmp_path):
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entries = re.findall(r"^\s*entry:\s*(.+)$", hooks, flags=re.M)
    assert len(entries) == 2 and all(e.startswith("mtaudit ") for e in entries)
    art = tmp_path / "a.txt"
    art.write_text(TWO_WARNINGS, encoding="utf-8")
    for entry in entries:
        args = entry.split()[1:]
        cmd, rest = args[0], args[1:]
        r = CliRunner().invoke(main, [cmd, "--config", _CONFIG[0], *rest, str(art)], catch_exceptions=False)
        assert r.exit_code == 0, (entry, r.output)
    assert art.read_text(encoding="utf-8") == "The council met on Monday. It approved the budget for next year.\n\n\n"


def test_github_workflow_example_uses_real_options():
    wf = (ROOT / "docs" / "github-actions.yml").read_text(encoding="utf-8")
    assert "upload-sarif" in wf and "security-events: write" in wf
    cmd = re.search(r"mtaudit check (.+?)\n\s+code=", wf, flags=re.S).group(1)
    args = [a for a in cmd.replace("\\\n", " ").split() if a]
    r = CliRunner().invoke(main, ["config", "--isolated", *[a for a in args if a not in ("articles/", "--warn-exit")],
                                  "--warn-exit"])
    assert r.exit_code == 0, r.output
