"""``mtaudit fix``: write cleaned copies of a corpus, in its own formats.

For every article file or record the fixer audits the article, applies the
fixes (safe ones; unsafe ones too with ``unsafe=True``) with
``engine.apply_fixes`` — overlapping fixes are resolved deterministically,
first come first served — then audits the result again, repeating until no
fix applies (at most ``max_rounds`` times). The last audit is what remains.

Formats and layout are kept: a folder is mirrored under the output folder,
a single file lands in it by name. Only the text is touched:

* text files keep their BOM, line breaks and undecodable bytes (the text is
  edited as decoded with ``surrogateescape``, so bytes outside the fixed
  spans are written back unchanged);
* a JSONL record's text value is replaced in place in the raw line: every
  other field, the key order, spacing and escapes stay byte-identical;
  records with nothing to fix, blank and malformed lines are copied as is;
* a CSV record's text field is replaced in place in the raw record (quoted
  as before, or when it must be); the other fields, quoting and line
  breaks stay byte-identical;
* ``.gz`` inputs are written gzipped.

Modes: write copies into an output folder (never onto an input), print a
unified diff that ``patch -p0`` applies, or rewrite changed inputs in
place. Every write goes to a temporary file that replaces the target
atomically.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field, replace
from json.decoder import scanstring
from typing import IO, Any, Callable, Iterable, Iterator

from .atomic import AtomicFile
from .config import Config
from .engine import Plan, apply_fixes, audit_article, collect_corpus
from .gate import Gate
from .model import Article, ArticleResult, InputError
from .readers import (
    CSV_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    ReaderOptions,
    clean_text,
    read_corpus,
    read_csv,
    read_text_file,
    record_to_article,
    walk_folder,
)
from .runner import articles_only, rereadable
from .summary import SummaryBuilder

MAX_ROUNDS = 10


class FixUsageError(ValueError):
    """The requested outputs are impossible or unsafe (collisions, writing
    onto an input)."""


# -- jobs: which files, and where their cleaned copies go -----------------------
@dataclass
class Job:
    """One input file (or standard input) to fix."""

    src: str
    kind: str  # "text" | "jsonl" | "csv"
    #: output path relative to the output folder
    rel_out: str
    #: display path (as the readers show it)
    shown: str
    article_id: str | None = None
    source: str | None = None
    id_prefix: str | None = None

    @property
    def gz(self) -> bool:
        return self.src.lower().endswith(".gz")


def _display(path: str) -> str:
    return path.replace(os.sep, "/")


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def plan_jobs(paths: list[str]) -> tuple[list[Job], list[InputError]]:
    """The files to fix, in the order the readers read them."""
    jobs: list[Job] = []
    errors: list[InputError] = []
    for p in paths:
        if p == "-":
            jobs.append(Job("-", "jsonl", "stdin.jsonl", "<stdin>"))
        elif os.path.isdir(p):
            # The readers' walk: the same files (linked folders followed,
            # loops reported), ids and order as ``mtaudit check``.
            for found in walk_folder(p):
                if isinstance(found, InputError):
                    errors.append(found)
                    continue
                kind = _kind(found.path)
                if kind is None:
                    continue
                if kind == "text":
                    jobs.append(Job(found.path, kind, found.rel, _display(found.path), article_id=found.rel,
                                    source=found.source))
                else:
                    jobs.append(Job(found.path, kind, found.rel, _display(found.path), id_prefix=found.rel))
        elif not os.path.exists(p):
            errors.append(InputError(_display(p), None, "no such file or folder"))
        else:
            shown = _display(p)
            lower = p.lower()
            kind = "jsonl" if lower.endswith(JSONL_SUFFIXES) or lower.endswith(".json") else _kind(p) or "text"
            if kind == "text":
                jobs.append(Job(p, kind, os.path.basename(p), shown, article_id=shown, source=os.path.dirname(shown) or "."))
            else:
                jobs.append(Job(p, kind, os.path.basename(p), shown))
    return jobs, errors


def check_outputs(jobs: list[Job], output_dir: str) -> dict[int, str]:
    """Output path of every job; refuses collisions and outputs that are
    inputs."""
    out: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, job in enumerate(jobs):
        target = os.path.normpath(os.path.join(output_dir, job.rel_out))
        key = os.path.normcase(os.path.abspath(target))
        if key in seen:
            raise FixUsageError(f"{job.shown} and {seen[key]} would both be written to {_display(target)}")
        seen[key] = job.shown
        if job.src != "-" and os.path.exists(target) and os.path.samefile(target, job.src):
            raise FixUsageError(
                f"{_display(target)} is the input {job.shown}: choose another output folder (or --in-place)"
            )
        out[i] = target
    return out


# -- output sinks ---------------------------------------------------------------
# -- unified diff ------------------------------------------------------------------
def split_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` (only ``\\n`` ends a line, as for ``patch``)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff from ``old`` to ``new`` that ``patch -p0`` applies in
    the folder the path is relative to (empty when nothing changed)."""
    if old == new:
        return ""
    out = []
    for line in difflib.unified_diff(split_lines(old), split_lines(new), f"{path}", f"{path}", n=3):
        if line.startswith(("---", "+++")) and line.endswith("\n"):
            out.append(line)
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- fixing one article -------------------------------------------------------------
@dataclass
class ArticleFix:
    raw: str
    applied: int
    result: ArticleResult


def fix_article(
    article: Article,
    raw: str,
    plan: Plan,
    corpus: dict[str, Any],
    unsafe: bool,
    normalize: Callable[[str], tuple[str, list[tuple[int, int, str]]]] = clean_text,
    max_rounds: int = MAX_ROUNDS,
) -> ArticleFix:
    """Fix ``raw`` (the article text as stored, which ``normalize`` turns
    into the text the rules see, offset for offset) until no fix applies."""
    applied = 0
    res: ArticleResult | None = None
    for _ in range(max_rounds):
        text, errs = normalize(raw)
        res = audit_article(replace(article, text=text, decode_errors=errs), plan, corpus)
        new_raw, n = apply_fixes(raw, res.findings, unsafe)
        if n == 0:
            break
        raw = new_raw
        applied += n
    else:
        text, errs = normalize(raw)
        res = audit_article(replace(article, text=text, decode_errors=errs), plan, corpus)
    assert res is not None
    return ArticleFix(raw, applied, res)


def _csv_normalize(raw: str) -> tuple[str, list[tuple[int, int, str]]]:
    return clean_text(raw.replace("\x00", "\ufffd"))


# -- JSON: find a value's span in a raw record ------------------------------------
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def _ws(s: str, i: int) -> int:
    m = _WS.match(s, i)
    return m.end() if m else i


def locate_value(s: str, dotted: str) -> tuple[int, int] | None:
    """Span of the value at ``dotted`` (``a.b.0``) in the JSON text ``s``;
    for a duplicated key the last one, as ``json.loads`` keeps. ``None``
    when it cannot be found."""
    try:
        i = _ws(s, 0)
        span: tuple[int, int] | None = None
        for part in dotted.split("."):
            if i >= len(s):
                return None
            if s[i] == "{":
                span = None
                i = _ws(s, i + 1)
                if s[i] == "}":
                    return None
                while True:
                    if s[i] != '"':
                        return None
                    key, i = scanstring(s, i + 1)
                    i = _ws(s, i)
                    if s[i] != ":":
                        return None
                    vs = _ws(s, i + 1)
                    _, ve = _DECODER.raw_decode(s, vs)
                    if key == part:
                        span = (vs, ve)
                    i = _ws(s, ve)
                    if s[i] == ",":
                        i = _ws(s, i + 1)
                    elif s[i] == "}":
                        break
                    else:
                        return None
            elif s[i] == "[" and part.isdigit():
                span = None
                want = int(part)
                i = _ws(s, i + 1)
                k = 0
                while s[i] != "]":
                    vs = i
                    _, ve = _DECODER.raw_decode(s, vs)
                    if k == want:
                        span = (vs, ve)
                        break
                    k += 1
                    i = _ws(s, ve)
                    if s[i] == ",":
                        i = _ws(s, i + 1)
                    elif s[i] != "]":
                        return None
            else:
                return None
            if span is None:
                return None
            i = span[0]
        return span
    except (ValueError, IndexError):
        return None


def json_string(value: str, ascii_only: bool) -> str:
    """Serialise ``value`` as a JSON string. Undecodable input bytes
    (surrogate escapes U+DC80..U+DCFF) stay raw so they are written back as
    the same bytes; other lone surrogates are escaped."""
    if ascii_only:
        return json.dumps(value, ensure_ascii=True)
    out = json.dumps(value, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", out)


def _set_path(record: Any, dotted: str, value: str) -> None:
    parts = dotted.split(".")
    cur = record
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur[p]
    last = parts[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value


# -- CSV: raw records with field spans ------------------------------------------------
_UNQUOTED_END = re.compile(r"[,\r\n]")


@dataclass
class CsvField:
    start: int
    end: int
    quoted: bool
    #: text after a closing quote (non-strict CSV): never rewritten
    irregular: bool = False


@dataclass
class CsvRecord:
    raw: str
    fields: list[CsvField]

    @property
    def blank(self) -> bool:
        return not self.fields

    def value(self, i: int) -> str:
        f = self.fields[i]
        s = self.raw[f.start : f.end]
        if f.quoted and not f.irregular:
            return s[1:-1].replace('""', '"') if s.endswith('"') and len(s) >= 2 else s[1:].replace('""', '"')
        return s


def csv_records(lines: Iterable[str | None], limit: int | None = None) -> Iterator[CsvRecord]:
    """Split CSV text into raw records with field spans, following the csv
    module's default dialect (``strict=False``): a record ends at an
    unquoted ``\r``, ``\n`` or ``\r\n``; text after a closing quote is
    kept in the field (marked irregular). A record growing past ``limit``
    characters raises ``RecordTooLong`` (with the line it starts on)."""
    START, FIELD, QUOTED, AFTER_QUOTE, TAIL = range(5)
    pieces: list[str] = []
    fields: list[CsvField] = []
    base = 0
    state = START
    fstart = 0
    started = False

    def finish() -> CsvRecord:
        nonlocal pieces, fields, base, state, started
        rec = CsvRecord("".join(pieces), fields if started else [])
        pieces, fields, base, state, started = [], [], 0, START, False
        return rec

    line_no = 0
    record_line = 1  # where the record being read starts

    for whole in lines:
        assert whole is not None  # no ``overflow`` here: an overlong line raised
        line_no += 1
        if not pieces:
            record_line = line_no
        seg = whole
        while seg:
            i, n = 0, len(seg)
            stop = -1  # index just past the record's line terminator
            while i < n and stop < 0:
                if state == START:
                    c = seg[i]
                    if c == '"':
                        started = True
                        fstart, state = base + i, QUOTED
                        i += 1
                    elif c == ",":
                        started = True
                        fields.append(CsvField(base + i, base + i, False))
                        i += 1
                    elif c in "\r\n":
                        if started:
                            fields.append(CsvField(base + i, base + i, False))
                        stop = i
                    else:
                        started = True
                        fstart, state = base + i, FIELD
                elif state in (FIELD, TAIL):
                    m = _UNQUOTED_END.search(seg, i)
                    if m is None:
                        i = n
                        break
                    j = m.start()
                    fields.append(CsvField(fstart, base + j, state == TAIL, state == TAIL))
                    state = START
                    if seg[j] == ",":
                        i = j + 1
                    else:
                        stop = j
                elif state == QUOTED:
                    j = seg.find('"', i)
                    if j == -1:
                        i = n
                        break
                    state, i = AFTER_QUOTE, j + 1
                else:  # AFTER_QUOTE
                    c = seg[i]
                    if c == '"':
                        state, i = QUOTED, i + 1
                    elif c == ",":
                        fields.append(CsvField(fstart, base + i, True))
                        state, i = START, i + 1
                    elif c in "\r\n":
                        fields.append(CsvField(fstart, base + i, True))
                        stop = i
                    else:
                        state = TAIL
            if stop < 0:
                pieces.append(seg)
                base += n
                if limit is not None and base > limit:
                    raise RecordTooLong(record_line)
                break
            k = stop + 2 if seg.startswith("\r\n", stop) else stop + 1
            pieces.append(seg[:k])
            yield finish()
            record_line = line_no
            seg = seg[k:]
    if pieces:
        end = base
        if state in (FIELD, TAIL):
            fields.append(CsvField(fstart, end, state == TAIL, state == TAIL))
        elif state in (QUOTED, AFTER_QUOTE):
            fields.append(CsvField(fstart, end, True, state == QUOTED))
        elif state == START and started:
            fields.append(CsvField(end, end, False))
        yield finish()


def csv_field(value: str, was_quoted: bool) -> str:
    if was_quoted or any(c in value for c in ',"\r\n') or value != value.strip(" "):
        return '"' + value.replace('"', '""') + '"'
    return value


# -- the run ------------------------------------------------------------------------
@dataclass
class FixOutcome:
    files: int = 0
    files_changed: int = 0
    files_written: int = 0
    articles: int = 0
    articles_changed: int = 0
    fixes_applied: int = 0
    #: fixes present in the final text that need --unsafe-fixes
    unsafe_remaining: int = 0
    errors: list[InputError] = field(default_factory=list)
    #: files not diffed (compressed)
    notes: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    exit_code: int = 0
    remaining: list[ArticleResult] = field(default_factory=list)


class Fixer:
    """Fixes a list of jobs; see the module docstring."""

    def __init__(
        self,
        plan: Plan,
        config: Config,
        ropts: ReaderOptions,
        unsafe: bool = False,
        mode: str = "write",
        output_dir: str | None = None,
        diff_out: IO[bytes] | None = None,
        keep_results: bool = False,
        on_article: Callable[[ArticleResult], None] | None = None,
    ):
        if mode not in ("write", "diff", "in-place"):
            raise ValueError(f"unknown fix mode {mode!r}")
        self.plan = plan
        self.config = config
        self.ropts = ropts
        self.unsafe = unsafe
        self.mode = mode
        self.output_dir = output_dir
        self.diff_out = diff_out
        self.keep_results = keep_results
        self.on_article = on_article
        self.corpus: dict[str, Any] = {}
        self.outcome = FixOutcome()
        self.gate = Gate(config)
        self.summary = SummaryBuilder()

    # -- bookkeeping
    def _record(self, fx: ArticleFix) -> None:
        o = self.outcome
        o.articles += 1
        if fx.applied:
            o.articles_changed += 1
            o.fixes_applied += fx.applied
        if not self.unsafe:
            o.unsafe_remaining += sum(1 for f in fx.result.findings if f.fix is not None and not f.fix.safe and not f.waived)
        tier = self.gate.add(fx.result)
        self.summary.add(fx.result, tier == "fail")
        if self.keep_results:
            o.remaining.append(fx.result)
        if self.on_article is not None:
            self.on_article(fx.result)

    def _error(self, e: InputError) -> None:
        self.outcome.errors.append(e)
        self.gate.add_error()
        self.summary.add_error(e)

    # -- entry point
    def run(self, paths: list[str]) -> FixOutcome:
        jobs, errors = plan_jobs(paths)
        targets = check_outputs(jobs, self.output_dir) if self.mode == "write" and self.output_dir else {}
        if self.mode == "write" and not self.output_dir and any(j.src != "-" for j in jobs):
            raise FixUsageError("an output folder (-o OUTDIR) is needed, or --diff, or --in-place")
        if self.mode == "in-place" and any(j.src == "-" for j in jobs):
            raise FixUsageError("standard input cannot be fixed in place")
        for e in errors:
            self._error(e)
        with rereadable(paths, bool(self.plan.needed_collectors)) as real_paths:
            if self.plan.needed_collectors:
                self.corpus = collect_corpus(articles_only(read_corpus(real_paths, self.ropts)), self.plan)
            spooled = {p: r for p, r in zip(paths, real_paths) if p == "-"}
            for i, job in enumerate(jobs):
                src = spooled.get("-", "-") if job.src == "-" else job.src
                self._run_job(job, src, targets.get(i))
        o = self.outcome
        o.summary = self.summary.build()
        o.exit_code = self.gate.outcome().exit_code
        return o

    def _run_job(self, job: Job, src: str, target: str | None) -> None:
        o = self.outcome
        o.files += 1
        sink: AtomicFile | None = None
        to_stdout = job.src == "-" and self.mode == "write" and target is None
        if self.mode == "write" and target is not None:
            sink = AtomicFile(target, text=False, gz=job.gz)
        elif self.mode == "in-place":
            sink = AtomicFile(job.src, text=False, gz=job.gz, mode_from=job.src)
        old_parts: list[str] | None = [] if self.mode == "diff" and not job.gz else None
        new_parts: list[str] | None = [] if old_parts is not None else None
        changed = False
        stdout = sys.stdout.buffer if to_stdout else None

        def emit(old: str, new: str) -> None:
            nonlocal changed
            if new != old:
                changed = True
            data = new.encode("utf-8", "surrogateescape")
            if sink is not None:
                sink.write(data)
            if stdout is not None:
                stdout.write(data)
            if old_parts is not None and new_parts is not None:
                old_parts.append(old)
                new_parts.append(new)

        try:
            ok = {"text": self._text, "jsonl": self._jsonl, "csv": self._csv}[job.kind](job, src, emit)
        except BaseException:
            if sink is not None:
                sink.abort()
            raise
        if sink is not None:
            if not ok or (self.mode == "in-place" and not changed):
                sink.abort()
            else:
                sink.commit()
                o.files_written += 1
        if changed and ok:
            o.files_changed += 1
        if self.mode == "diff":
            if job.gz and changed:
                o.notes.append(f"{job.shown}: compressed, no diff shown")
            elif old_parts is not None and new_parts is not None and changed and ok and self.diff_out is not None:
                diff = unified_diff("".join(old_parts), "".join(new_parts), job.shown)
                self.diff_out.write(diff.encode("utf-8", "surrogateescape"))

    # -- text files
    def _text(self, job: Job, src: str, emit: Callable[[str, str], None]) -> bool:
        items = list(read_text_file(src, job.article_id or job.shown, job.source, self.ropts))
        art = items[0] if items else None
        if not isinstance(art, Article):
            for it in items:
                if isinstance(it, InputError):
                    self._error(it)
            return False
        with open(src, "rb") as fh:
            data = fh.read()
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        raw = data[3:].decode("utf-8", "surrogateescape") if bom else data.decode("utf-8", "surrogateescape")
        fx = fix_article(art, raw, self.plan, self.corpus, self.unsafe)
        self._record(fx)
        emit(bom + raw, bom + fx.raw)
        return True

    # -- JSONL
    def _open_text(self, src: str) -> IO[str]:
        fh: IO[bytes] = sys.stdin.buffer if src == "-" else gzip.open(src, "rb") if src.lower().endswith(".gz") else open(src, "rb")
        return io.TextIOWrapper(fh, encoding="utf-8", errors="surrogateescape", newline="")

    def _jsonl(self, job: Job, src: str, emit: Callable[[str, str], None]) -> bool:
        prefix = job.id_prefix or job.shown
        source = os.path.basename(job.shown)
        field_name = self.ropts.text_field
        try:
            fh = self._open_text(src)
        except OSError as exc:
            self._error(InputError(job.shown, None, f"cannot read file: {exc.strerror or exc}"))
            return False
        lineno = 0
        limit = self.ropts.max_record_bytes

        def copy_through(piece: str) -> None:
            emit(piece, piece)

        try:
            for line in _physical_lines(fh, limit, copy_through):
                lineno += 1
                if line is None:  # already copied through, piece by piece
                    self._error(InputError(job.shown, lineno, f"record longer than the {limit}-byte limit; copied unchanged"))
                    continue
                body = line
                bom = ""
                if lineno == 1 and body.startswith("\ufeff"):
                    bom, body = "\ufeff", body[1:]
                if not body.strip():
                    emit(line, line)
                    continue
                if len(body) > limit:
                    self._error(InputError(job.shown, lineno, f"record longer than the {limit}-byte limit; copied unchanged"))
                    emit(line, line)
                    continue
                try:
                    record = json.loads(body)
                except (ValueError, RecursionError):
                    emit(line, line)
                    continue
                item = record_to_article(record, self.ropts, job.shown, lineno, f"{prefix}:{lineno}", source)
                if not isinstance(item, Article):
                    emit(line, line)
                    continue
                span = locate_value(body, field_name)
                orig = json.loads(body[span[0] : span[1]]) if span else None
                if not isinstance(orig, str):
                    span = None
                    _, orig = _get(record, field_name)
                fx = fix_article(item, orig, self.plan, self.corpus, self.unsafe)
                self._record(fx)
                if fx.raw == orig:
                    emit(line, line)
                elif span is not None:
                    raw_value = body[span[0] : span[1]]
                    ascii_only = raw_value.isascii() and not orig.isascii()
                    emit(line, bom + body[: span[0]] + json_string(fx.raw, ascii_only) + body[span[1] :])
                else:
                    _set_path(record, field_name, fx.raw)
                    ending = line[len(line.rstrip("\r\n")) :]
                    emit(line, bom + json_string_record(record) + ending)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self._error(InputError(job.shown, lineno + 1, f"read failed ({type(exc).__name__}: {exc}); file not fixed"))
            return False
        finally:
            if src != "-":
                fh.close()
            else:
                fh.detach()
        return True

    # -- CSV
    def _csv(self, job: Job, src: str, emit: Callable[[str, str], None]) -> bool:
        try:
            fh = self._open_text(src)
        except OSError as exc:
            self._error(InputError(job.shown, None, f"cannot read file: {exc.strerror or exc}"))
            return False
        reader_items = read_csv(src, self.ropts, id_prefix=job.id_prefix)
        failed: InputError | None = None
        try:
            limit = self.ropts.max_record_bytes
            records = csv_records(_physical_lines(fh, limit), limit)
            header_rec = next(records, None)
            if header_rec is None:
                for it in reader_items:
                    if isinstance(it, InputError):
                        self._error(it)
                return True
            bom = ""
            if header_rec.raw.startswith("\ufeff"):
                bom = "\ufeff"
                header_rec = CsvRecord(
                    header_rec.raw[1:],
                    [CsvField(max(0, f.start - 1), f.end - 1, f.quoted, f.irregular) for f in header_rec.fields],
                )
            header = [header_rec.value(i) for i in range(len(header_rec.fields))]
            col = max((i for i, h in enumerate(header) if h == self.ropts.text_field), default=None)
            emit(bom + header_rec.raw, bom + header_rec.raw)
            for rec in records:
                if rec.blank:
                    emit(rec.raw, rec.raw)
                    continue
                item = next(reader_items, None)
                if item is None:
                    failed = InputError(job.shown, None, "CSV records could not be matched to the reader's; file not fixed")
                    break
                if isinstance(item, InputError) or col is None or col >= len(rec.fields):
                    if isinstance(item, InputError):
                        self._error(item)
                    emit(rec.raw, rec.raw)
                    continue
                f = rec.fields[col]
                orig = rec.value(col)
                if _csv_normalize(orig)[0] != item.text:
                    failed = InputError(job.shown, item.line, "CSV record could not be located exactly; file not fixed")
                    break
                fx = fix_article(item, orig, self.plan, self.corpus, self.unsafe, normalize=_csv_normalize)
                if fx.raw != orig and f.irregular:
                    failed = InputError(job.shown, item.line, "malformed CSV quoting in the text field; file not fixed")
                    break
                self._record(fx)
                if fx.raw == orig:
                    emit(rec.raw, rec.raw)
                else:
                    emit(rec.raw, rec.raw[: f.start] + csv_field(fx.raw, f.quoted) + rec.raw[f.end :])
            if failed is None:
                for it in reader_items:
                    if isinstance(it, Article):
                        failed = InputError(job.shown, None, "CSV records could not be matched to the reader's; file not fixed")
                        break
                    self._error(it)
        except RecordTooLong as exc:
            failed = InputError(job.shown, exc.line, f"record longer than the {limit}-byte limit; file not fixed")
        except (OSError, EOFError, gzip.BadGzipFile, csv.Error) as exc:
            failed = InputError(job.shown, None, f"read failed ({type(exc).__name__}: {exc}); file not fixed")
        finally:
            if src != "-":
                fh.close()
            else:
                fh.detach()
        if failed is not None:
            self._error(failed)
            return False
        return True


def json_string_record(record: Any) -> str:
    out = json.dumps(record, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", out)


def _get(record: Any, dotted: str) -> tuple[bool, Any]:
    from .readers import get_field

    return get_field(record, dotted)


class RecordTooLong(Exception):
    """A line or CSV record past the record limit where it cannot be
    copied through piece by piece; ``line``: where it starts (1-based)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _physical_lines(
    fh: IO[str], limit: int | None = None, overflow: Callable[[str], None] | None = None
) -> Iterator[str | None]:
    """Lines as ``open(newline='')`` gives them, but only ``\\n`` (and
    ``\\r\\n``) end a JSONL line; a CSV's bare ``\\r`` is kept inside.

    A line longer than ``limit`` characters is never held whole (a gzip
    bomb may hold gigabytes without a line break): its pieces go to
    ``overflow`` as they are read and ``None`` stands in its place; with
    no ``overflow`` it raises ``RecordTooLong``. Pieces are joined once per
    line, so a long line costs linear time."""
    pieces: list[str] = []
    size = 0
    streaming = False
    line_no = 1
    for chunk in iter(lambda: fh.read(1 << 16), ""):
        start = 0
        while True:
            j = chunk.find("\n", start)
            if j == -1:
                break
            if streaming:
                assert overflow is not None
                overflow(chunk[start : j + 1])
                streaming = False
                yield None
            elif pieces:
                pieces.append(chunk[start : j + 1])
                line = "".join(pieces)
                pieces, size = [], 0
                yield line
            else:
                yield chunk[start : j + 1]
            line_no += 1
            start = j + 1
        rest = chunk[start:]
        if not rest:
            continue
        if streaming:
            assert overflow is not None
            overflow(rest)
            continue
        pieces.append(rest)
        size += len(rest)
        if limit is not None and size > limit:
            if overflow is None:
                raise RecordTooLong(line_no)
            for piece in pieces:
                overflow(piece)
            pieces, size, streaming = [], 0, True
    if streaming:
        yield None
    elif pieces:
        yield "".join(pieces)