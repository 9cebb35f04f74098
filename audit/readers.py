"""Streaming corpus readers.

``read_corpus(paths, options)`` yields ``Article`` and ``InputError`` items
in a deterministic order, holding at most one record in memory:

* a folder, recursively: ``.txt`` and ``.md`` files, one article each, id =
  path relative to the folder (POSIX separators), source = the sub-folder;
  ``.jsonl``/``.ndjson``/``.csv`` (optionally ``.gz``) files in it are read
  as below. Symbolically linked folders are followed; a link back into a
  folder already being read (a loop) or a folder reached twice is reported
  and skipped;
* a ``.txt``/``.md`` file: one article;
* ``.jsonl``/``.ndjson`` (optionally ``.gz``): one JSON object per line;
* ``.csv`` (optionally ``.gz``): one row per article, header required;
* ``-``: JSONL on standard input.

Bytes that are not UTF-8 are replaced by U+FFFD and recorded on the article
(``decode_errors``) so the ``encoding`` rules report them; a UTF-8 BOM is
dropped. Every problem becomes an ``InputError`` with path and line (when
there is one), and reading goes on with the next record or file:

* unreadable, vanished or non-regular files (FIFOs, devices), unreadable
  folders, symbolic-link loops;
* a record (a text file, a JSONL line, a CSV row) larger than
  ``ReaderOptions.max_record_bytes`` (``MAX_RECORD_BYTES``, 8 MiB) once
  decompressed: it is skipped without being held in memory. JSONL resumes
  at the next line; in a compressed file, an over-long line is skipped
  only while it ends within another ``max_record_bytes`` (a decompression
  bomb is never inflated in full: past that, the rest of the file is
  skipped). A CSV file stops at an over-long row (CSV cannot be
  resynchronised reliably), with the rest of the file reported skipped;
* malformed JSON or CSV, a record that is not an object, a text field that
  is missing, not a string (a number, a list, null) or blank, binary files;
* truncated or corrupt gzip data: what was read is kept, the rest of the
  file is reported;
* a duplicate article id (two records with the same ``--id-field`` value,
  or two folders with the same relative file name): both articles are
  audited, and the second is reported (ids key waivers and baselines, so
  they should be unique). Ids are remembered as 64-bit digests, about 20
  bytes per article.

At most ``MAX_ERRORS_PER_FILE`` errors are listed per file; the rest are
counted in one final error for that file (a CSV file read as JSONL must not
produce a million errors).
"""

from __future__ import annotations

import csv
import errno
import gzip
import hashlib
import io
import json
import os
import stat
import sys
import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import regex

from .model import Article, InputError

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz")
#: A record (text file, JSONL line, CSV row) larger than this many bytes
#: once decompressed is reported and skipped (protects against gzip bombs
#: and runaway lines; a news article is a few kilobytes).
MAX_RECORD_BYTES = 8 * 1024 * 1024
#: Errors listed per input file; the rest are counted in one more error.
MAX_ERRORS_PER_FILE = 1000
BINARY_SNIFF = 8192

_SURROGATE = regex.compile(r"[\ud800-\udfff]+")

Item = Article | InputError


@dataclass
class ReaderOptions:
    text_field: str = "text"
    id_field: str | None = None
    title_field: str | None = None
    source_field: str | None = None
    max_record_bytes: int = MAX_RECORD_BYTES


def clean_text(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Replace undecodable bytes (surrogate-escaped) and lone surrogates by
    U+FFFD, one per byte/code unit, and say where they were."""
    if not _SURROGATE.search(text):
        return text, []
    errors: list[tuple[int, int, str]] = []
    parts: list[str] = []
    pos = 0
    for m in _SURROGATE.finditer(text):
        parts.append(text[pos : m.start()])
        raw = m.group(0)
        escaped = [c for c in raw if 0xDC80 <= ord(c) <= 0xDCFF]
        if len(escaped) == len(raw):
            what = "undecodable bytes " + " ".join(f"0x{ord(c) - 0xDC00:02X}" for c in raw[:8])
        else:
            what = "lone UTF-16 surrogates"
        errors.append((m.start(), m.end(), f"{what} replaced by U+FFFD"))
        parts.append("\ufffd" * len(raw))
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), errors


def decode_bytes(data: bytes) -> tuple[str, list[tuple[int, int, str]]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return clean_text(data.decode("utf-8", "surrogateescape"))


def get_field(record: Any, dotted: str) -> tuple[bool, Any]:
    """Look up ``a.b.c`` in nested dicts (and list indexes)."""
    cur = record
    for part in dotted.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return False, None
    return True, cur


#: Real path → name shown in ids and errors (standard input spooled to a
#: temporary file keeps the name ``<stdin>``).
_ALIASES: dict[str, str] = {}


@contextmanager
def alias(path: str, shown: str) -> Iterator[None]:
    """While active, ``path`` is reported as ``shown`` in ids and errors."""
    _ALIASES[path] = shown
    try:
        yield
    finally:
        _ALIASES.pop(path, None)


_UNDECODABLE = regex.compile(r"[\ud800-\udfff]")


def _display(path: str) -> str:
    """How ``path`` is shown in ids and errors: POSIX separators, and bytes
    of the file name that are not UTF-8 as ``\\xNN`` (so every id can be
    written to a UTF-8 report, and distinct names stay distinct)."""
    shown = _ALIASES.get(path)
    if shown is not None:
        return shown
    shown = path.replace(os.sep, "/")
    if _UNDECODABLE.search(shown):
        shown = _UNDECODABLE.sub(
            lambda m: f"\\x{ord(m.group(0)) - 0xDC00:02x}" if 0xDC80 <= ord(m.group(0)) <= 0xDCFF else "\ufffd", shown
        )
    return shown


def _is_binary(head: bytes) -> bool:
    return b"\x00" in head


class NotRegularFile(OSError):
    """A FIFO, socket or device met inside a folder: never opened for
    reading (a FIFO would block the run forever)."""


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def open_input(path: str, regular_only: bool = True) -> IO[bytes]:
    """Open ``path`` for binary reading without ever blocking on it.

    With ``regular_only`` (files found in a folder), anything but a regular
    file raises ``NotRegularFile``; a path named on the command line may be
    a pipe (``<(zcat …)``)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if regular_only and not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file (a FIFO, socket or device)", path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _cannot_read(shown: str, exc: OSError, line: int | None = None, what: str = "file") -> InputError:
    reason = exc.strerror or str(exc)
    if isinstance(exc, NotRegularFile):
        return InputError(shown, line, f"{reason}; skipped")
    if exc.errno == errno.ENOENT:
        reason += " (it vanished, or is a broken symbolic link)"
    return InputError(shown, line, f"cannot read {what}: {reason}")


# -- single text files ---------------------------------------------------
def read_text_file(
    path: str, article_id: str, source: str | None, opts: ReaderOptions, regular_only: bool = True
) -> Iterator[Item]:
    shown = _display(path)
    try:
        with open_input(path, regular_only) as fh:
            data = fh.read(opts.max_record_bytes + 1)
    except OSError as exc:
        yield _cannot_read(shown, exc)
        return
    if len(data) > opts.max_record_bytes:
        yield InputError(shown, None, f"file larger than the {opts.max_record_bytes}-byte record limit; skipped")
        return
    if _is_binary(data[:BINARY_SNIFF]):
        yield InputError(shown, None, "binary file (contains NUL bytes); skipped")
        return
    text, errs = decode_bytes(data)
    if not text.strip():
        yield InputError(shown, None, "empty article (no text)")
        return
    yield Article(id=article_id, text=text, path=shown, source=source, decode_errors=errs)


@dataclass(frozen=True)
class FolderFile:
    """A file found under a folder: the path to open, its path relative to
    the folder as shown in ids (POSIX separators, ``\\xNN`` for bytes that
    are not UTF-8), and its sub-folder (``.`` at the top)."""

    path: str
    rel: str
    source: str


def walk_folder(root: str) -> Iterator[FolderFile | InputError]:
    """Every file under ``root``, depth-first in sorted order (a folder's
    files before its sub-folders). Symbolically linked folders are followed;
    one that leads back to a folder already read (a loop, or a second way
    to the same folder) is reported and skipped; unreadable folders are
    reported. ``mtaudit fix`` walks folders with this too, so it sees the
    files ``check`` reads, in the same order."""
    try:
        st = os.stat(root)
    except OSError as exc:
        yield _cannot_read(_display(root), exc, what="folder")
        return
    #: (device, inode) of every folder read → its path relative to root
    seen: dict[tuple[int, int], str] = {(st.st_dev, st.st_ino): "."}
    stack: list[str] = ["."]
    while stack:
        rel_dir = stack.pop()
        full_dir = root if rel_dir == "." else os.path.join(root, rel_dir)
        try:
            with os.scandir(full_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield _cannot_read(_display(full_dir), exc, what="folder")
            continue
        source = "." if rel_dir == "." else _display(rel_dir)
        subdirs: list[str] = []
        for entry in entries:
            rel = entry.name if rel_dir == "." else os.path.join(rel_dir, entry.name)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                yield FolderFile(entry.path, _display(rel), source)
                continue
            try:
                st = os.stat(entry.path)
            except OSError as exc:
                yield _cannot_read(_display(entry.path), exc, what="folder")
                continue
            key = (st.st_dev, st.st_ino)
            first = seen.get(key)
            if first is not None:
                if first == "." or rel.startswith(first + os.sep):
                    msg = f"symbolic link loop (leads back to {_display(first)!r}, which contains it); skipped"
                else:
                    msg = f"folder already read as {_display(first)!r} (through a symbolic link); skipped"
                yield InputError(_display(entry.path), None, msg)
                continue
            seen[key] = rel
            subdirs.append(rel)
        stack.extend(reversed(subdirs))


def iter_folder(root: str, opts: ReaderOptions) -> Iterator[Item]:
    """The articles of every ``.txt``/``.md``/JSONL/CSV file under ``root``
    (see ``walk_folder``); other files are ignored."""
    for f in walk_folder(root):
        if isinstance(f, InputError):
            yield f
            continue
        lower = f.path.lower()
        if lower.endswith(TEXT_SUFFIXES):
            yield from read_text_file(f.path, f.rel, f.source, opts)
        elif lower.endswith(JSONL_SUFFIXES):
            yield from read_jsonl(f.path, opts, id_prefix=f.rel)
        elif lower.endswith(CSV_SUFFIXES):
            yield from read_csv(f.path, opts, id_prefix=f.rel)


# -- records -------------------------------------------------------------
def record_to_article(
    record: Any, opts: ReaderOptions, path: str, line: int, default_id: str, default_source: str
) -> Item:
    if not isinstance(record, dict):
        return InputError(path, line, f"record is a JSON {type(record).__name__}, not an object")
    found, text = get_field(record, opts.text_field)
    if not found:
        return InputError(path, line, f"missing text field {opts.text_field!r}")
    if not isinstance(text, str):
        kind = "null" if text is None else type(text).__name__
        return InputError(path, line, f"text field {opts.text_field!r} is {kind}, not a string")
    text, errs = clean_text(text)
    if not text.strip():
        return InputError(path, line, f"empty article (text field {opts.text_field!r} is blank)")
    art_id = default_id
    if opts.id_field:
        found, val = get_field(record, opts.id_field)
        if not found or val is None or isinstance(val, (dict, list)):
            return InputError(path, line, f"missing or invalid id field {opts.id_field!r}")
        art_id = clean_text(str(val))[0]
    title = None
    if opts.title_field:
        found, val = get_field(record, opts.title_field)
        if found and val is not None:
            title = clean_text(str(val))[0]
    source = default_source
    if opts.source_field:
        found, val = get_field(record, opts.source_field)
        if found and val is not None:
            source = clean_text(str(val))[0]
    meta = {k: v for k, v in record.items() if k != opts.text_field} if len(record) < 64 else {}
    return Article(
        id=art_id, text=text, title=title, path=path, line=line, source=source, metadata=meta, decode_errors=errs
    )


def _open_binary(path: str, regular_only: bool) -> IO[bytes]:
    if path == "-":
        if sys.stdin is None:
            raise OSError(errno.EBADF, "standard input is closed")
        return sys.stdin.buffer
    raw = open_input(path, regular_only)
    if path.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return raw


def _close(fh: IO[bytes]) -> None:
    if sys.stdin is not None and fh is sys.stdin.buffer:
        return
    inner = getattr(fh, "fileobj", None)  # GzipFile does not close a passed file object
    fh.close()
    if inner is not None:
        inner.close()


#: Outcomes of ``_bounded_lines`` besides a line.
TOO_LONG, ABANDONED = "too-long", "abandoned"


def _bounded_lines(fh: IO[bytes], limit: int, drain_limit: int | None = None) -> Iterator[tuple[bytes | None, str]]:
    """Yield ``(line, "")`` for every line of at most ``limit`` bytes (line
    break excluded). A longer line is skipped without being held in memory
    and yields ``(None, TOO_LONG)``; with ``drain_limit`` (compressed
    input), skipping stops after that many more bytes, and if the line has
    not ended by then ``(None, ABANDONED)`` ends the stream."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            drained = 0
            while drain_limit is None or drained < drain_limit:
                rest = fh.readline(1 << 20)
                drained += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            else:
                yield None, ABANDONED
                return
            yield None, TOO_LONG
            continue
        yield line, ""


def read_jsonl(path: str, opts: ReaderOptions, id_prefix: str | None = None, regular_only: bool = True) -> Iterator[Item]:
    shown = "<stdin>" if path == "-" else _display(path)
    prefix = id_prefix or shown
    source = os.path.basename(shown)
    lineno = 0
    limit = opts.max_record_bytes
    try:
        fh = _open_binary(path, regular_only)
    except OSError as exc:
        yield _cannot_read(shown, exc)
        return
    drain = limit if path.lower().endswith(".gz") else None
    try:
        for raw, status in _bounded_lines(fh, limit, drain):
            lineno += 1
            if status == TOO_LONG:
                yield InputError(shown, lineno, f"record longer than the {limit}-byte limit; skipped")
                continue
            if status == ABANDONED:
                yield InputError(
                    shown,
                    lineno,
                    f"record longer than the {limit}-byte limit, still unfinished {limit} bytes later once "
                    "decompressed (a decompression bomb?); it and the rest of the file skipped",
                )
                return
            assert raw is not None
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8", "surrogateescape"))
            except (ValueError, RecursionError) as exc:
                yield InputError(shown, lineno, f"malformed JSON: {exc}")
                continue
            yield record_to_article(record, opts, shown, lineno, f"{prefix}:{lineno}", source)
    except (OSError, EOFError, zlib.error) as exc:
        yield InputError(shown, lineno + 1, f"read failed ({type(exc).__name__}: {exc}); rest of file skipped")
    finally:
        _close(fh)


class _RecordTooLong(Exception):
    """Raised from the CSV line feed when a row outgrows the record limit."""


@dataclass
class _CsvFeed:
    """Bounded physical lines for the ``csv`` module: no row may take more
    than ``limit`` characters (the reader resets ``used`` after each row),
    NUL bytes become U+FFFD (the ``csv`` module rejects them, the encoding
    rules report them), and ``start`` is the line where the current row
    began."""

    fh: IO[str]
    limit: int
    used: int = 0
    lines: int = 0
    start: int | None = None

    def row_done(self) -> None:
        self.used = 0
        self.start = None

    def __iter__(self) -> Iterator[str]:
        while True:
            room = self.limit - self.used
            line = self.fh.readline(room + 1)
            if not line:
                return
            self.lines += 1
            if self.start is None and line.strip():
                self.start = self.lines
            if len(line) > room:
                raise _RecordTooLong()
            self.used += len(line)
            yield line.replace("\x00", "\ufffd") if "\x00" in line else line


def read_csv(path: str, opts: ReaderOptions, id_prefix: str | None = None, regular_only: bool = True) -> Iterator[Item]:
    shown = _display(path)
    prefix = id_prefix or shown
    source = os.path.basename(shown)
    try:
        fh = _open_binary(path, regular_only)
    except OSError as exc:
        yield _cannot_read(shown, exc)
        return
    text_fh = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
    feed = _CsvFeed(text_fh, opts.max_record_bytes)
    reader = csv.DictReader(iter(feed), strict=False)
    csv.field_size_limit(opts.max_record_bytes)
    last_line = 0
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except _RecordTooLong:
                yield InputError(
                    shown,
                    feed.start or feed.lines,
                    f"record longer than the {opts.max_record_bytes}-byte limit; it and the rest of the file "
                    "skipped (CSV cannot be resynchronised after an unread row)",
                )
                break
            except csv.Error as exc:
                yield InputError(shown, reader.line_num, f"malformed CSV: {exc}")
                feed.row_done()
                if reader.line_num == last_line:
                    break
                last_line = reader.line_num
                continue
            feed.row_done()
            # The row ends on reader.line_num; quoted fields may span lines,
            # and blank lines before the row are skipped by the csv module.
            last_line = reader.line_num
            record_line = last_line - sum(v.count("\n") for v in row.values() if isinstance(v, str))
            if None in row:
                yield InputError(shown, record_line, "row has more fields than the header")
                continue
            yield record_to_article(row, opts, shown, record_line, f"{prefix}:{record_line}", source)
    except (OSError, EOFError, zlib.error) as exc:
        yield InputError(shown, last_line + 1, f"read failed ({type(exc).__name__}: {exc}); rest of file skipped")
    finally:
        text_fh.detach()
        _close(fh)


# -- entry point ---------------------------------------------------------
def read_path(path: str, opts: ReaderOptions) -> Iterator[Item]:
    """Read one command-line path (``-``, a folder, or a file). A file named
    here may be a pipe; inside folders only regular files are read."""
    if path == "-":
        yield from read_jsonl("-", opts)
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and not os.path.lexists(path):
            yield InputError(_display(path), None, "no such file or folder")
        else:
            yield _cannot_read(_display(path), exc)
        return
    if stat.S_ISDIR(st.st_mode):
        yield from iter_folder(path, opts)
        return
    lower = path.lower()
    if lower.endswith(JSONL_SUFFIXES) or lower.endswith(".json"):
        yield from read_jsonl(path, opts, regular_only=False)
    elif lower.endswith(CSV_SUFFIXES):
        yield from read_csv(path, opts, regular_only=False)
    else:
        # Any other single file is read as one plain-text article.
        shown = _display(path)
        yield from read_text_file(path, shown, os.path.dirname(shown) or ".", opts, regular_only=False)


class SeenIds:
    """Which article ids were read: 64-bit BLAKE2 digests in an open-
    addressing table (an ``array`` of unsigned 64-bit integers kept at most
    half full: about 20 bytes per article, against some 70 for a ``set`` of
    Python integers). Deterministic across runs and hash seeds; two distinct
    ids collide with probability about n²/2⁶⁵ (below 10⁻⁶ at six million
    articles)."""

    def __init__(self, capacity: int = 1 << 12):
        self._slots = array("Q", bytes(8 * capacity))
        self._mask = capacity - 1
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def add(self, article_id: str) -> bool:
        """Remember ``article_id``; False when it was already there."""
        digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        key = int.from_bytes(digest, "little") or 1  # 0 marks an empty slot
        if self._insert(key):
            self._n += 1
            if 2 * self._n > self._mask:
                self._grow()
            return True
        return False

    def _insert(self, key: int) -> bool:
        slots, mask = self._slots, self._mask
        i = key & mask
        while True:
            cur = slots[i]
            if cur == 0:
                slots[i] = key
                return True
            if cur == key:
                return False
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._mask = 2 * len(old) - 1
        for key in old:
            if key:
                self._insert(key)


def read_corpus(paths: list[str], opts: ReaderOptions) -> Iterator[Item]:
    """Every article and input error of ``paths``, in order. A duplicate
    article id is reported after the article (which is still audited); at
    most ``MAX_ERRORS_PER_FILE`` errors are listed per file, and one more
    error per file counts the rest."""
    seen = SeenIds()
    per_file: dict[str, int] = {}
    unlisted: dict[str, list[int | None]] = {}  # path → [count, first line]

    def report(err: InputError) -> Iterator[InputError]:
        n = per_file.get(err.path, 0) + 1
        per_file[err.path] = n
        if n <= MAX_ERRORS_PER_FILE:
            yield err
        else:
            entry = unlisted.setdefault(err.path, [0, err.line])
            entry[0] = int(entry[0] or 0) + 1

    for p in paths:
        for item in read_path(p, opts):
            if isinstance(item, InputError):
                yield from report(item)
                continue
            yield item
            if not seen.add(item.id):
                yield from report(
                    InputError(
                        item.path or item.id,
                        item.line,
                        f"duplicate article id {item.id!r}: an earlier article has the same id (both are "
                        "audited; ids key waivers and baselines, so they should be unique)",
                    )
                )
    for path, (count, first) in unlisted.items():
        where = f", from line {first}" if first else ""
        yield InputError(
            path, None, f"{count} more input errors in this file not listed{where} (only the first "
            f"{MAX_ERRORS_PER_FILE} are)"
        )
