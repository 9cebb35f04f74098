"""Command-line interface. The only part of mtaudit that writes files.

Exit codes (also in ``mtaudit --help`` and the README):

  0  the gate passed
  1  the gate failed: an article has status ``fail``, or a finding at or
     above ``--fail-on`` severity
  2  usage error, or input errors (unreadable file, malformed record, …);
     the rest of the corpus is still audited and reported
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import IO, Any, Iterable

import click

from . import __version__, registry
from .config import Config
from .engine import gate_failures, make_plan
from .model import SEVERITIES, InputError
from .registry import parse_example
from .reporters import RunMeta, formats, make_reporter
from .reporters.text import term_safe
from .runner import iter_results, reader_options
from .summary import SummaryBuilder
from .waivers import WaiverError, load_waivers, waiver_map

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2

EXIT_CODES_HELP = """\b
Exit codes:
  0  gate passed
  1  gate failed (an article has status 'fail', or a finding at or
     above --fail-on severity)
  2  usage error or input errors (the rest of the corpus is still
     audited and reported)"""


def _split(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


class AtomicFile:
    """Write to a temporary file beside ``path``; rename on commit."""

    def __init__(self, path: str):
        self.path = path
        d = os.path.dirname(path) or "."
        fd, self.tmp = tempfile.mkstemp(prefix=".mtaudit-", suffix=".tmp", dir=d)
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, s: str) -> None:
        if s:
            self.fh.write(s)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.fh.close()
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mtaudit")
def main() -> None:
    """mtaudit: audit machine-translated, scraped news articles.

    Finds translation artifacts, broken punctuation, scraper debris,
    encoding damage and repetition; scores every article 0-100 and writes
    JSON and HTML reports.
    """


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output-dir", default="reports", show_default=True, help="Folder for report files.")
@click.option(
    "--format",
    "fmt",
    default="json,html",
    show_default=True,
    help="Comma-separated report formats: " + ", ".join(["json", "html", "text"]) + " (and any installed).",
)
@click.option("--text-field", default="text", show_default=True, help="JSONL/CSV field with the article text (dotted path).")
@click.option("--id-field", default=None, help="JSONL/CSV field with the article id (default: FILE:LINE).")
@click.option("--title-field", default=None, help="JSONL/CSV field with the headline.")
@click.option("--source-field", default=None, help="JSONL/CSV field naming the source site (default: file or folder).")
@click.option("--select", multiple=True, help="Rules to run: code prefixes, categories or names (comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip: code prefixes, categories or names.")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the default set.")
@click.option(
    "--fail-on",
    type=click.Choice([*SEVERITIES, "never"]),
    default="error",
    show_default=True,
    help="Fail the gate on any finding at or above this severity.",
)
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, help="Article status 'fail' below this score [60].")
@click.option("--warn-under", type=click.FloatRange(0, 100), default=None, help="Article status 'warn' below this score [85].")
@click.option("--lang", default="en", show_default=True, help="Expected language of the corpus.")
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Waiver file (e.g. exported from the HTML report): matching findings are listed but do not count.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and requested stdout formats.")
def check(paths: tuple[str, ...], output_dir: str, fmt: str, **opts: Any) -> None:
    """Audit PATHS (folders, .txt/.md, .jsonl[.gz], .csv[.gz], or - for
    JSONL on stdin) and write reports."""
    config = Config(
        select=_split(opts["select"]),
        ignore=_split(opts["ignore"]),
        extend_select=_split(opts["extend_select"]),
        fail_on=opts["fail_on"],
        lang=opts["lang"],
        text_field=opts["text_field"],
        id_field=opts["id_field"],
        title_field=opts["title_field"],
        source_field=opts["source_field"],
    )
    if opts["fail_under"] is not None:
        config.fail_under = opts["fail_under"]
    if opts["warn_under"] is not None:
        config.warn_under = opts["warn_under"]
    if config.warn_under < config.fail_under:
        raise click.UsageError("--warn-under must not be below --fail-under")
    bad = registry.unknown_selectors(config.select + config.ignore + config.extend_select)
    if bad:
        raise click.UsageError(f"unknown rule selector(s): {', '.join(bad)} (see 'mtaudit rules')")
    waivers = None
    if opts["waivers_file"]:
        try:
            waivers = waiver_map(load_waivers(opts["waivers_file"]))
        except WaiverError as exc:
            raise click.UsageError(str(exc)) from None
    exit_code = run_check(list(paths), output_dir, _split([fmt]), config, quiet=opts["quiet"], waivers=waivers)
    sys.exit(exit_code)


def run_check(
    paths: list[str],
    output_dir: str,
    fmts: list[str],
    config: Config,
    quiet: bool = False,
    waivers: dict[str, str] | None = None,
) -> int:
    plan = make_plan(config, waivers)
    meta = RunMeta(version=__version__, rules=plan.rules, config=config.fingerprint(), color=sys.stdout.isatty())
    try:
        reporters = [make_reporter(f, meta) for f in dict.fromkeys(fmts)]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    summary = SummaryBuilder()
    errors: list[InputError] = []
    gate_failed = False
    files: list[AtomicFile] = []
    sinks: list[tuple[Any, Any]] = []
    if any(r.filename for r in reporters):
        os.makedirs(output_dir, exist_ok=True)
    try:
        for r in reporters:
            if r.filename:
                af = AtomicFile(os.path.join(output_dir, r.filename))
                files.append(af)
                sinks.append((r, af.write))
            else:
                sinks.append((r, sys.stdout.write))
        for r, write in sinks:
            write(r.header())
        for item in iter_results(paths, plan, reader_options(config)):
            if isinstance(item, InputError):
                errors.append(item)
                summary.add_error(item)
                continue
            failed = gate_failures(item, config.fail_on)
            gate_failed |= failed
            summary.add(item, failed)
            for r, write in sinks:
                write(r.article(item))
        built = summary.build()
        for r, write in sinks:
            write(r.footer(built, errors))
        for af in files:
            af.commit()
    except BaseException:
        for af in files:
            af.abort()
        raise
    if not quiet:
        _print_summary(built, [os.path.join(output_dir, r.filename) for r in reporters if r.filename], config)
    if errors:
        return EXIT_ERROR
    return EXIT_GATE if gate_failed else EXIT_OK


def _print_summary(s: dict[str, Any], written: list[str], config: Config) -> None:
    err = click.get_text_stream("stderr")
    st = s["status"]
    mean = s["score"]["mean"]
    click.echo(
        f"mtaudit: {s['articles']} articles, {s['findings']} findings "
        f"({s['by_severity']['error']} error, {s['by_severity']['warning']} warning, {s['by_severity']['info']} info), "
        f"{s['input_errors']} input errors; mean score {mean if mean is not None else '-'}; "
        f"{st['pass']} pass, {st['warn']} warn, {st['fail']} fail",
        file=err,
    )
    top = sorted(s["by_rule"].items(), key=lambda kv: (-kv[1]["count"], kv[0]))[:5]
    if top:
        click.echo("  top rules: " + ", ".join(f"{c} {e['name']} ×{e['count']}" for c, e in top), file=err)
    if s["gate_failed_articles"]:
        click.echo(
            f"  gate: FAILED — {s['gate_failed_articles']} articles below {config.fail_under:g} "
            f"or with findings at or above '{config.fail_on}'",
            file=err,
        )
    else:
        click.echo("  gate: passed", file=err)
    for path in written:
        click.echo(f"  wrote {path}", file=err)


@main.command("rules")
@click.option("--all", "show_all", is_flag=True, help="Include rules that are off by default.")
@click.option("--json", "as_json", is_flag=True, help="Print the rule table as JSON.")
def rules_cmd(show_all: bool, as_json: bool) -> None:
    """List every rule: code, name, category, severity, fixable."""
    rules = [r for r in registry.all_rules() if show_all or r.default_enabled]
    if as_json:
        import json

        click.echo(json.dumps([r.to_dict() for r in rules], indent=2, ensure_ascii=False, sort_keys=True))
        return
    rows = [("CODE", "NAME", "CATEGORY", "SEVERITY", "FIX", "SUMMARY")]
    for r in rules:
        rows.append((r.code, r.name, r.category, r.severity, "yes" if r.fixable else "", r.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show a rule's documentation with its examples."""
    r = registry.get_rule(code)
    if r is None:
        matches = [x for x in registry.all_rules() if x.name == code.lower()]
        r = matches[0] if matches else None
    if r is None:
        raise click.UsageError(f"no rule {code!r} (see 'mtaudit rules')")
    click.echo(f"{r.code} {r.name}")
    click.echo(f"category: {r.category} · default severity: {r.severity} · fixable: {'yes' if r.fixable else 'no'}"
               + ("" if r.default_enabled else " · off by default"))
    click.echo("")
    click.echo(r.doc)
    if r.bad:
        click.echo("\nFlagged (the span is marked [[…]]):")
        for b in r.bad:
            ex = parse_example(b)
            marked = ex.text
            for s, e in sorted(ex.spans, reverse=True):
                marked = marked[:s] + "[[" + marked[s:e] + "]]" + marked[e:]
            click.echo("  ✗ " + term_safe(marked))
            if ex.fixed is not None:
                click.echo("    fixed: " + term_safe(ex.fixed))
    if r.good:
        click.echo("\nNot flagged:")
        for g in r.good:
            click.echo("  ✓ " + term_safe(g))


if __name__ == "__main__":  # pragma: no cover
    main()
