"""Streaming corpus readers.

``read_corpus(paths, options)`` yields ``Article`` and ``InputError`` items
in a deterministic order, holding at most one record in memory:

* a folder, recursively: ``.txt`` and ``.md`` files, one article each, id =
  path relative to the folder (POSIX separators), source = the sub-folder;
* a ``.txt``/``.md`` file: one article;
* ``.jsonl``/``.ndjson`` (optionally ``.gz``): one JSON object per line;
* ``.csv`` (optionally ``.gz``): one row per article, header required;
* ``-``: JSONL on standard input.

Bytes that are not UTF-8 are replaced by U+FFFD and recorded on the article
(``decode_errors``) so the ``encoding`` rules report them; a UTF-8 BOM is
dropped. Every problem (unreadable file, malformed line, missing field,
binary file, empty article) becomes an ``InputError`` with path and line,
and reading goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Iterator

import regex

from .model import Article, InputError

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz")
#: A record whose text decompresses or reads past this many bytes is
#: reported and skipped (protects against gzip bombs and runaway lines).
MAX_RECORD_BYTES = 64 * 1024 * 1024
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


def _display(path: str) -> str:
    return _ALIASES.get(path) or path.replace(os.sep, "/")


def _is_binary(head: bytes) -> bool:
    return b"\x00" in head


# -- single text files ---------------------------------------------------
def read_text_file(path: str, article_id: str, source: str | None, opts: ReaderOptions) -> Iterator[Item]:
    shown = _display(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(opts.max_record_bytes + 1)
    except OSError as exc:
        yield InputError(shown, None, f"cannot read file: {exc.strerror or exc}")
        return
    if len(data) > opts.max_record_bytes:
        yield InputError(shown, None, f"file larger than the {opts.max_record_bytes}-byte limit; skipped")
        return
    if _is_binary(data[:BINARY_SNIFF]):
        yield InputError(shown, None, "binary file (contains NUL bytes); skipped")
        return
    text, errs = decode_bytes(data)
    if not text.strip():
        yield InputError(shown, None, "empty article (no text)")
        return
    yield Article(id=article_id, text=text, path=shown, source=source, decode_errors=errs)


def iter_folder(root: str, opts: ReaderOptions) -> Iterator[Item]:
    """Walk ``root`` in sorted order; symlinked folders are not followed
    (no loops), unreadable folders are reported."""
    errors: list[OSError] = []
    walk = os.walk(root, onerror=errors.append, followlinks=False)
    for dirpath, dirnames, filenames in walk:
        while errors:
            exc = errors.pop(0)
            yield InputError(_display(exc.filename or dirpath), None, f"cannot read folder: {exc.strerror or exc}")
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        source = "." if rel_dir == "." else _display(rel_dir)
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            lower = name.lower()
            rel = _display(os.path.relpath(full, root))
            if lower.endswith(TEXT_SUFFIXES):
                yield from read_text_file(full, rel, source, opts)
            elif lower.endswith(JSONL_SUFFIXES):
                yield from read_jsonl(full, opts, id_prefix=rel)
            elif lower.endswith(CSV_SUFFIXES):
                yield from read_csv(full, opts, id_prefix=rel)
    while errors:
        exc = errors.pop(0)
        yield InputError(_display(exc.filename or root), None, f"cannot read folder: {exc.strerror or exc}")


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


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _bounded_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[bytes | None, bool]]:
    """Yield ``(line, too_long)``; a line longer than ``limit`` is skipped
    without being held in memory."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            # Drain the rest of the over-long line in bounded chunks.
            while True:
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None, True
            continue
        yield line, False


def read_jsonl(path: str, opts: ReaderOptions, id_prefix: str | None = None) -> Iterator[Item]:
    shown = "<stdin>" if path == "-" else _display(path)
    prefix = id_prefix or shown
    source = os.path.basename(shown)
    lineno = 0
    try:
        fh = _open_binary(path)
    except OSError as exc:
        yield InputError(shown, None, f"cannot read file: {exc.strerror or exc}")
        return
    try:
        for raw, too_long in _bounded_lines(fh, opts.max_record_bytes):
            lineno += 1
            if too_long:
                yield InputError(shown, lineno, f"record longer than the {opts.max_record_bytes}-byte limit; skipped")
                continue
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
        if fh is not sys.stdin.buffer:
            fh.close()


def read_csv(path: str, opts: ReaderOptions, id_prefix: str | None = None) -> Iterator[Item]:
    shown = _display(path)
    prefix = id_prefix or shown
    source = os.path.basename(shown)
    try:
        fh = _open_binary(path)
    except OSError as exc:
        yield InputError(shown, None, f"cannot read file: {exc.strerror or exc}")
        return
    text_fh = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.DictReader(_nul_free(text_fh), strict=False)
    csv.field_size_limit(opts.max_record_bytes)
    last_line = 0
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield InputError(shown, reader.line_num, f"malformed CSV: {exc}")
                if reader.line_num == last_line:
                    break
                last_line = reader.line_num
                continue
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
        fh.close()


def _nul_free(lines: IO[str]) -> Iterator[str]:
    """The csv module rejects NUL bytes; turn them into U+FFFD so the row
    is still read and the encoding rules report the damage."""
    for line in lines:
        yield line.replace("\x00", "\ufffd") if "\x00" in line else line


# -- entry point ---------------------------------------------------------
def read_path(path: str, opts: ReaderOptions) -> Iterator[Item]:
    if path == "-":
        yield from read_jsonl("-", opts)
        return
    if os.path.isdir(path):
        yield from iter_folder(path, opts)
        return
    if not os.path.exists(path):
        yield InputError(_display(path), None, "no such file or folder")
        return
    lower = path.lower()
    if lower.endswith(JSONL_SUFFIXES) or lower.endswith(".json"):
        yield from read_jsonl(path, opts)
    elif lower.endswith(CSV_SUFFIXES):
        yield from read_csv(path, opts)
    else:
        # Any other single file is read as one plain-text article.
        yield from read_text_file(path, _display(path), os.path.dirname(_display(path)) or ".", opts)


def read_corpus(paths: list[str], opts: ReaderOptions) -> Iterator[Item]:
    for p in paths:
        yield from read_path(p, opts)
