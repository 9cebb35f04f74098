"""Command-line interface. The only part of mtaudit that writes files.

Exit codes (also in ``mtaudit check --help`` and the README):

  0  the gate passed
  1  the gate failed: more articles fail than ``--max-failing`` allows (an
     article fails below ``--fail-under`` or with a finding at or above
     ``--fail-on``)
  2  usage or configuration error, or input errors (unreadable file,
     malformed record, …); the rest of the corpus is still audited and
     reported
  3  warn tier, with ``--warn-exit`` only: the gate passed, but some
     articles are below ``--warn-under``, have a finding at or above
     ``--warn-on``, or fail within ``--max-failing``
  130  interrupted (Ctrl-C, SIGINT)
  141  standard output closed early (e.g. piped into ``head``)
  143  terminated (SIGTERM)

Reports are written to a temporary file beside their destination and
renamed into place only when the run completes (all of them together), so
an interrupted, terminated or failed run (a full disk: exit 2 with a
message) never leaves a truncated report, and a report from an earlier run
stays as it was.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
import time
from contextlib import closing, contextmanager
from typing import IO, Any, Callable, Iterable, Iterator

import click

from . import __version__, registry
from .atomic import AtomicFile
from .baseline import BaselineError, BaselineMatcher, BaselineReport, BaselineWriter, load_baseline
from .config import GATE_SEVERITIES, Config
from .configfile import ConfigError, Loaded, apply_overrides, finalize, load, render, render_json
from .dask_engine import DaskEngineError, require_distributed
from .engine import make_plan
from .gate import EXIT_CODES_HELP, EXIT_ERROR, EXIT_GATE, EXIT_OK, EXIT_WARN, Gate
from .model import InputError
from .registry import parse_example
from .reporters import RunMeta, make_reporter
from .reporters.text import TextReporter, term_safe
from .runner import iter_results, reader_options
from .summary import SummaryBuilder
from .waivers import WaiverError, WaiverSet, load_waivers

__all__ = ["main", "run_check", "EXIT_OK", "EXIT_GATE", "EXIT_ERROR", "EXIT_WARN"]

#: Seconds before the progress line appears (short runs never show it).
PROGRESS_DELAY = 1.0


class ConfigFailure(click.ClickException):
    """A configuration, waiver or baseline problem: message, exit 2."""

    exit_code = EXIT_ERROR


def _split(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143
STOP_CODES_HELP = """
  130  interrupted (Ctrl-C)
  141  standard output closed early (piped into head, …)
  143  terminated (SIGTERM)
  Reports are renamed into place only when a run completes: an
  interrupted run never leaves one half-written."""


class ReportWriteError(click.ClickException):
    """A report could not be written (full disk, no permission): message,
    exit 2, and no report file is left half-written."""

    exit_code = EXIT_ERROR


class ReportFile(AtomicFile):
    """An atomic report file whose write errors end the run with exit 2."""

    def _error(self, exc: OSError) -> ReportWriteError:  # type: ignore[override]
        return ReportWriteError(f"cannot write {self.path}: {exc.strerror or exc}")


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a few renames or the clean-up run, so
    an interruption cannot split them (delivered right after)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that clean-up runs."""


_MAIN_PID = os.getpid()


def _on_sigterm(signum: int, frame: Any) -> None:
    if os.getpid() != _MAIN_PID:
        # A worker process forked from the CLI inherited this handler: die
        # the way SIGTERM kills by default (the parent does the clean-up).
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise Terminated()


def _stopped(what: str) -> None:
    try:
        sys.stderr.write(
            f"\nmtaudit: {what}; stopped cleanly (reports are only replaced when a run completes, "
            "so none is half-written)\n"
        )
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a broken pipe: point standard output at /dev/null so that the
    interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        pass


class MainGroup(click.Group):
    """The ``mtaudit`` group: Ctrl-C (SIGINT) exits 130 and SIGTERM 143 with
    a message, after every command has removed its temporary files and
    stopped its workers; a closed standard output exits 141."""

    def invoke(self, ctx: click.Context) -> Any:
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _stopped("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except Terminated:
            _stopped("terminated (SIGTERM)")
            ctx.exit(EXIT_TERMINATED)
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


class Progress:
    """A one-line progress counter on standard error, on a terminal only,
    never before ``PROGRESS_DELAY`` seconds and at most ten times a second."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.t0 = time.monotonic()
        self._next = self.t0 + PROGRESS_DELAY
        self.n = 0
        self.shown = False

    def tick(self, label: str = "") -> None:
        self.n += 1
        if not self.enabled or self.n & 15:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + 0.1
        rate = self.n / max(now - self.t0, 1e-9)
        text = f"mtaudit: {self.n:,} articles · {rate:,.0f}/s · {term_safe(label)}"
        self.stream.write("\r\x1b[K" + text[:120])
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


# -- options shared by check, fix and config ----------------------------------------
#: CLI parameter → (config key, how to turn the CLI value into a config value)
_OVERRIDES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "select": ("select", _split),
    "ignore": ("ignore", _split),
    "extend_select": ("extend-select", _split),
    "text_field": ("text-field", str),
    "id_field": ("id-field", str),
    "title_field": ("title-field", str),
    "source_field": ("source-field", str),
    "lang": ("lang", str),
    "fail_on": ("fail-on", str),
    "warn_on": ("warn-on", str),
    "fail_under": ("fail-under", float),
    "warn_under": ("warn-under", float),
    "max_failing": ("max-failing", str),
    "warn_exit": ("warn-exit", bool),
    "waivers": ("waivers", str),
    "baseline": ("baseline", str),
    "output_dir": ("output-dir", str),
    "fmt": ("format", lambda v: _split([v])),
}


def _flag_name(param: str) -> str:
    return {"fmt": "--format", "output_dir": "--output-dir"}.get(param, "--" + param.replace("_", "-"))


def config_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options that set configuration values (shared by check, fix, config)."""
    opts = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                     help="Configuration file (mtaudit.toml or pyproject.toml) instead of the one found "
                          "by walking up from the working directory."),
        click.option("--isolated", is_flag=True, help="Ignore configuration files."),
        click.option("--select", multiple=True,
                     help="Rules to run: code prefixes, categories or names (comma-separated); starts the "
                          "selection afresh."),
        click.option("--ignore", multiple=True, help="Rules to skip (added to the configuration's)."),
        click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection."),
        click.option("--text-field", default=None, help="JSONL/CSV field with the article text (dotted path) [text]."),
        click.option("--id-field", default=None, help="JSONL/CSV field with the article id [FILE:LINE]."),
        click.option("--title-field", default=None, help="JSONL/CSV field with the headline."),
        click.option("--source-field", default=None, help="JSONL/CSV field naming the source [file or folder]."),
        click.option("--lang", default=None, help="Expected language of the corpus [en]."),
        click.option("--fail-on", type=click.Choice(GATE_SEVERITIES), default=None,
                     help="An article with a finding at or above this severity fails [error]."),
        click.option("--warn-on", type=click.Choice(GATE_SEVERITIES), default=None,
                     help="An article with a finding at or above this severity is in the warn tier [never]."),
        click.option("--fail-under", type=click.FloatRange(0, 100), default=None,
                     help="An article below this score fails [60]."),
        click.option("--warn-under", type=click.FloatRange(0, 100), default=None,
                     help="An article below this score is in the warn tier [85]."),
        click.option("--max-failing", default=None, metavar="N|N%",
                     help="Failing articles the corpus tolerates: a count or a share such as 5% [0]."),
        click.option("--warn-exit/--no-warn-exit", default=None,
                     help="Exit 3 when the gate passes but the warn tier is hit (to annotate without blocking)."),
        click.option("--waivers", default=None, type=click.Path(dir_okay=False),
                     help="Waiver file: matching findings are listed but do not count."),
    ]
    for o in reversed(opts):
        fn = o(fn)
    return fn


def resolve_config(params: dict[str, Any]) -> Loaded:
    """Defaults < configuration file < command line; validated, with the
    user pattern rules installed."""
    try:
        loaded = load(params.get("config_file"), isolated=bool(params.get("isolated")))
        overrides: dict[str, tuple[Any, str]] = {}
        for param, (key, conv) in _OVERRIDES.items():
            value = params.get(param)
            if value is None or value == ():
                continue
            overrides[key] = (conv(value), _flag_name(param))
        apply_overrides(loaded, overrides)
        finalize(loaded)
    except ConfigError as exc:
        raise ConfigFailure(str(exc)) from None
    return loaded


def _color(choice: str, stream: IO[str]) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mtaudit")
def main() -> None:
    """mtaudit: audit machine-translated, scraped news articles.

    Finds translation artifacts, broken punctuation, scraper debris,
    encoding damage and repetition; scores every article 0-100 and writes
    JSON and HTML reports.
    """


@main.command(epilog=EXIT_CODES_HELP + STOP_CODES_HELP)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output-dir", default=None, help="Folder for report files [reports].")
@click.option(
    "--format",
    "fmt",
    default=None,
    help="Comma-separated report formats: json, html, text, jsonl, sarif, junit, github; "
    "FORMAT:PATH writes one to PATH (- for standard output) [json,html].",
)
@config_options
@click.option("--baseline", default=None, type=click.Path(dir_okay=False),
              help="Baseline file: findings in it do not count; only new ones can fail the gate.")
@click.option("--write-baseline", default=None, type=click.Path(dir_okay=False),
              help="Record the current findings as a baseline in this file (exit 0 unless input errors).")
@click.option("--statistics", is_flag=True, help="Text format: counts per rule instead of every finding.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in the text format (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--progress/--no-progress", default=True, help="Progress line on standard error (terminal only).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and requested stdout formats.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the configuration file, waiver and baseline details.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (0: all cores; 1: audit in this process) [0].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where articles are audited: local processes, or a Dask cluster (pip install 'mtaudit[dask]').")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler for --engine dask, e.g. tcp://host:8786 [a local cluster].")
def check(paths: tuple[str, ...], **opts: Any) -> None:
    """Audit PATHS (folders, .txt/.md, .jsonl[.gz], .csv[.gz], or - for
    JSONL on stdin) and write reports."""
    loaded = resolve_config(opts)
    config = loaded.config
    waiver_set = None
    if config.waivers:
        try:
            waiver_set = WaiverSet(load_waivers(config.waivers))
        except WaiverError as exc:
            raise ConfigFailure(str(exc)) from None
    matcher = None
    if config.baseline:
        try:
            matcher = BaselineMatcher(load_baseline(config.baseline))
        except BaselineError as exc:
            raise ConfigFailure(str(exc)) from None
    if opts["scheduler"] and opts["engine"] != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    try:
        if opts["engine"] == "dask":
            require_distributed()
        exit_code = run_check(
            list(paths),
            config.output_dir,
            config.formats,
            config,
            quiet=opts["quiet"],
            verbose=opts["verbose"],
            statistics=opts["statistics"],
            color=opts["color"],
            progress=opts["progress"],
            waiver_set=waiver_set,
            baseline=matcher,
            write_baseline=opts["write_baseline"],
            config_path=loaded.path,
            jobs=opts["jobs"],
            engine=opts["engine"],
            scheduler=opts["scheduler"],
        )
    except DaskEngineError as exc:
        raise ConfigFailure(str(exc)) from None
    sys.exit(exit_code)


def _outputs(fmts: list[str], output_dir: str) -> list[tuple[str, str | None]]:
    """(format, destination) pairs; destination None is standard output."""
    from .reporters import _FORMATS, _load

    _load()
    out: list[tuple[str, str | None]] = []
    seen: dict[str, str] = {}
    for spec in dict.fromkeys(fmts):
        name, sep, dest = spec.partition(":")
        cls = _FORMATS.get(name)
        if cls is None:
            raise click.UsageError(f"unknown format {name!r} (choose from {', '.join(sorted(_FORMATS))})")
        if sep:
            target: str | None = None if dest == "-" else dest
        else:
            target = os.path.join(output_dir, cls.filename) if cls.filename else None
        if target is not None:
            key = os.path.abspath(target)
            if key in seen:
                raise click.UsageError(f"formats {seen[key]} and {name} would both write {target}")
            seen[key] = name
        out.append((name, target))
    return out


def run_check(
    paths: list[str],
    output_dir: str,
    fmts: list[str],
    config: Config,
    quiet: bool = False,
    waivers: dict[str, str] | None = None,
    *,
    verbose: bool = False,
    statistics: bool = False,
    color: str = "auto",
    progress: bool = True,
    waiver_set: WaiverSet | None = None,
    baseline: BaselineMatcher | None = None,
    write_baseline: str | None = None,
    config_path: str | None = None,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> int:
    """Audit ``paths``, stream every report, print the summary; returns the
    exit code. ``jobs``/``engine``/``scheduler``: see ``runner.iter_results``."""
    t0 = time.monotonic()
    active = dict(waivers or {})
    if waiver_set is not None:
        active.update(waiver_set.active())
    plan = make_plan(config, active)
    if waiver_set is not None:
        waiver_set.rules = frozenset(r.code for r in plan.rules)
    meta = RunMeta(
        version=__version__,
        rules=plan.rules,
        config=config.fingerprint(),
        color=_color(color, sys.stdout),
        statistics=statistics,
    )
    outputs = _outputs(fmts, output_dir)
    try:
        reporters = [
            (make_reporter(name, meta if dest is None else dataclasses.replace(meta, color=False)), dest)
            for name, dest in outputs
        ]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    summary = SummaryBuilder()
    gate = Gate(config)
    writer = BaselineWriter() if write_baseline else None
    errors: list[InputError] = []
    files: list[ReportFile] = []
    sinks: list[tuple[Any, Any]] = []
    bar = Progress(progress and not quiet and _isatty(sys.stderr))
    try:
        for r, dest in reporters:
            if dest is not None:
                af = ReportFile(dest)
                files.append(af)
                sinks.append((r, af.write))
            else:
                sinks.append((r, sys.stdout.write))
        for r, write in sinks:
            write(r.header())
        # closing(): an interruption anywhere below also stops the workers
        # at once (the generator's clean-up terminates its pool).
        with closing(iter_results(paths, plan, reader_options(config), jobs, engine, scheduler)) as items:
            for item in items:
                if isinstance(item, InputError):
                    errors.append(item)
                    summary.add_error(item)
                    gate.add_error()
                    continue
                if baseline is not None:
                    baseline.apply(item, config.fail_under, config.warn_under)
                if waiver_set is not None:
                    waiver_set.observe(item)
                if writer is not None:
                    writer.add(item)
                tier = gate.add(item)
                summary.add(item, tier == "fail")
                for r, write in sinks:
                    write(r.article(item))
                bar.tick(item.article.id)
        bar.close()
        built = summary.build()
        for r, write in sinks:
            write(r.footer(built, errors))
        sys.stdout.flush()
        for af in files:
            af.finish()
        with _signals_deferred():
            for af in files:
                af.install()
    except BaseException:
        with _signals_deferred():
            bar.close()
            for af in files:
                af.abort()
        raise
    outcome = gate.outcome()
    written = [dest for _, dest in reporters if dest is not None]
    if writer is not None:
        try:
            n = writer.write(write_baseline)  # type: ignore[arg-type]
        except OSError as exc:
            raise ReportWriteError(f"cannot write {write_baseline}: {exc.strerror or exc}") from None
        written.append(f"{write_baseline} (baseline, {n} findings)")
    if not quiet:
        err = sys.stderr
        lines = summary_lines(built, outcome.describe(config), written)
        if baseline is not None:
            lines += baseline_lines(baseline.report(), verbose)
        if waiver_set is not None:
            lines += waiver_lines(waiver_set, verbose)
        if verbose:
            took = time.monotonic() - t0
            lines.append(f"  config: {config_path or '(defaults)'}; {len(plan.rules)} rules; {took:.2f} s")
        for line in lines:
            click.echo(line, file=err)
    if writer is not None:
        return EXIT_ERROR if errors else EXIT_OK
    return outcome.exit_code


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def summary_lines(s: dict[str, Any], gate_line: str, written: list[str]) -> list[str]:
    st = s["status"]
    mean = s["score"]["mean"]
    sev = s["by_severity"]
    lines = [
        f"mtaudit: {s['articles']} articles, {s['findings']} findings "
        f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info), "
        f"{s['input_errors']} input errors; mean score {mean if mean is not None else '-'}; "
        f"{st['pass']} pass, {st['warn']} warn, {st['fail']} fail"
    ]
    top = sorted(s["by_rule"].items(), key=lambda kv: (-kv[1]["count"], kv[0]))[:5]
    if top:
        lines.append("  top rules: " + ", ".join(f"{c} {e['name']} ×{e['count']}" for c, e in top))
    if s.get("waived"):
        lines.append(f"  waived: {s['waived']} findings (waivers or baseline) listed but not counted")
    lines.append("  " + gate_line)
    lines += [f"  wrote {path}" for path in written]
    return lines


def baseline_lines(rep: BaselineReport, verbose: bool) -> list[str]:
    line = f"  baseline: {rep.new} new, {rep.present} still present, {rep.fixed} fixed"
    if rep.not_checked:
        line += f" ({rep.not_checked} in articles not audited in this run)"
    out = [line]
    if verbose:
        out += [f"    fixed: {term_safe(e.article)} {e.rule} {term_safe(e.text)!r}" for e in rep.fixed_entries]
    return out


def waiver_lines(ws: WaiverSet, verbose: bool) -> list[str]:
    expired, unused = ws.expired(), ws.unused()
    if not expired and not unused:
        return []
    out = [f"  waivers: {len(expired)} expired (their findings count again), {len(unused)} unused"]
    for label, items in (("expired", expired), ("unused", unused)):
        for w in items if verbose or len(items) <= 5 else items[:5]:
            extra = f" (expired {w.expires})" if label == "expired" else ""
            out.append(f"    {label}: {term_safe(w.article)} {w.rule} {w.key}{extra}")
        if not verbose and len(items) > 5:
            out.append(f"    … {len(items) - 5} more {label} (use --verbose)")
    return out


# -- fix -----------------------------------------------------------------------------
@main.command(epilog=EXIT_CODES_HELP.replace("the gate passed", "the gate passed on the fixed text"))
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output-dir", "fix_output", default=None, help="Folder for the cleaned copies.")
@click.option("--diff", is_flag=True, help="Print a unified diff (applies with 'patch -p0') instead of writing.")
@click.option("--in-place", is_flag=True, help="Rewrite the input files that change (atomically).")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that are not marked safe.")
@config_options
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="List every remaining finding.")
def fix(paths: tuple[str, ...], **opts: Any) -> None:
    """Write cleaned copies of PATHS into OUTDIR (same formats and layout),
    applying safe fixes, then re-audit them and report what remains.

    Other JSONL/CSV fields are kept byte-identical. Inputs are never
    overwritten unless --in-place is given.
    """
    from .fixer import Fixer, FixUsageError

    modes = [m for m in ("diff", "in_place") if opts[m]]
    if len(modes) > 1:
        raise click.UsageError("--diff and --in-place exclude each other")
    if opts["fix_output"] and modes:
        raise click.UsageError("-o/--output-dir cannot be combined with --diff or --in-place")
    mode = "diff" if opts["diff"] else "in-place" if opts["in_place"] else "write"
    if mode == "write" and not opts["fix_output"] and list(paths) != ["-"]:
        raise click.UsageError("give an output folder with -o OUTDIR (or --diff, or --in-place)")
    loaded = resolve_config(opts)
    config = loaded.config
    active: dict[str, str] = {}
    if config.waivers:
        try:
            active = WaiverSet(load_waivers(config.waivers)).active()
        except WaiverError as exc:
            raise ConfigFailure(str(exc)) from None
    plan = make_plan(config, active)
    remaining: list[str] = []
    text = TextReporter(RunMeta(version=__version__, rules=plan.rules))

    def on_article(result: Any) -> None:
        if opts["verbose"] and not opts["quiet"]:
            remaining.append(text.article(result))

    fixer = Fixer(
        plan,
        config,
        reader_options(config),
        unsafe=opts["unsafe_fixes"],
        mode=mode,
        output_dir=opts["fix_output"],
        diff_out=sys.stdout.buffer if mode == "diff" else None,
        on_article=on_article,
    )
    try:
        o = fixer.run(list(paths))
    except FixUsageError as exc:
        raise click.UsageError(str(exc)) from None
    sys.stdout.flush()
    if not opts["quiet"]:
        err = sys.stderr
        where = {"write": f"wrote {o.files_written} files to {opts['fix_output']}", "diff": "diff printed",
                 "in-place": f"rewrote {o.files_written} files in place"}[mode]
        if mode == "write" and not opts["fix_output"]:
            where = "fixed JSONL printed"
        click.echo(
            f"mtaudit fix: {o.articles} articles in {o.files} files; applied {o.fixes_applied} fixes in "
            f"{o.articles_changed} articles ({o.files_changed} files changed); {where}",
            file=err,
        )
        for e in o.errors:
            loc = f"{term_safe(e.path)}:{e.line}" if e.line else term_safe(e.path)
            click.echo(f"  {loc}: input error: {term_safe(e.message)}", file=err)
        for note in o.notes:
            click.echo(f"  note: {term_safe(note)}", file=err)
        s = o.summary
        rest = f"  remaining: {s['findings']} findings"
        top = sorted(s["by_rule"].items(), key=lambda kv: (-kv[1]["count"], kv[0]))[:8]
        if top:
            rest += " — " + ", ".join(f"{c} ×{e['count']}" for c, e in top)
        click.echo(rest, file=err)
        if o.unsafe_remaining:
            click.echo(f"  {o.unsafe_remaining} more fixes available with --unsafe-fixes", file=err)
        for chunk in remaining:
            err.write(chunk)
        click.echo("  " + fixer.gate.outcome().describe(config), file=err)
    sys.exit(o.exit_code)


# -- config, rules, explain ------------------------------------------------------------
@main.command("config")
@config_options
@click.option("-o", "--output-dir", default=None, help="Folder for report files [reports].")
@click.option("--format", "fmt", default=None, help="Report formats [json,html].")
@click.option("--baseline", default=None, type=click.Path(dir_okay=False), help="Baseline file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: every key with its value and origin.")
def config_cmd(**opts: Any) -> None:
    """Print the effective configuration and where each value came from
    (default, the configuration file, or a command-line option)."""
    loaded = resolve_config(opts)
    click.echo(render_json(loaded) if opts["as_json"] else render(loaded), nl=False)


def _config_for_listing(config_file: str | None, isolated: bool) -> None:
    resolve_config({"config_file": config_file, "isolated": isolated})


@main.command("rules")
@click.option("--all", "show_all", is_flag=True, help="Include rules that are off by default.")
@click.option("--json", "as_json", is_flag=True, help="Print the rule table as JSON.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (for user pattern rules).")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
def rules_cmd(show_all: bool, as_json: bool, config_file: str | None, isolated: bool) -> None:
    """List every rule: code, name, category, severity, fixable (user
    pattern rules from the configuration included)."""
    _config_for_listing(config_file, isolated)
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
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + term_safe(row[5]))


@main.command()
@click.argument("code")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (for user pattern rules).")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
def explain(code: str, config_file: str | None, isolated: bool) -> None:
    """Show a rule's documentation with its examples."""
    _config_for_listing(config_file, isolated)
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
    click.echo(term_safe_block(r.doc))
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


def term_safe_block(text: str) -> str:
    """Like ``term_safe`` but keeps line breaks (for multi-line docs)."""
    return "\n".join(term_safe(line) for line in text.split("\n"))


if __name__ == "__main__":  # pragma: no cover
    main()
