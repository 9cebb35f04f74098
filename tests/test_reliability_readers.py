"""Hostile corpora: every bad input is an error with path and line, the rest
of the corpus is audited, and the run exits 2.

Covers truncated gzip, a gzip bomb (per-record decompressed-size limit), a
50 MB JSONL line, text fields that are numbers, lists or null, duplicate
ids, CSV with embedded newlines, NUL bytes and over-long rows, unreadable
files and folders, symbolic-link loops, FIFOs, undecodable file names, and
files that vanish while the run is going on.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import sys
import threading
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from audit import readers
from audit.cli import main
from audit.model import Article, InputError
from audit.readers import (
    ABANDONED,
    MAX_ERRORS_PER_FILE,
    MAX_RECORD_BYTES,
    ReaderOptions,
    SeenIds,
    _bounded_lines,
    read_corpus,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "audit" / "schema" / "audit.schema.json").read_text(encoding="utf-8"))
GOOD = "The council met on Monday. It approved the budget for next year.\n"


def read(paths, **opts):
    items = list(read_corpus([str(p) for p in paths], ReaderOptions(**opts)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)]


def check(tmp_path, *args):
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main, ["check", "--isolated", "--jobs", "1", "--format", "json", "-o", str(out), *map(str, args)]
    )
    rep = json.loads((out / "audit.json").read_text(encoding="utf-8")) if (out / "audit.json").exists() else None
    if rep is not None:
        jsonschema.validate(rep, SCHEMA)
    return r, rep


def jsonl(records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


# -- gzip ----------------------------------------------------------------------------------
def test_truncated_gzip_keeps_what_was_read_and_the_rest_of_the_corpus(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    full = gzip.compress(jsonl({"text": f"Article number {i} is here."} for i in range(60)).encode())
    (corpus / "a.jsonl.gz").write_bytes(full[: len(full) // 2])
    (corpus / "b.txt").write_text(GOOD, encoding="utf-8")
    r, rep = check(tmp_path, corpus)
    assert r.exit_code == 2
    ids = [a["id"] for a in rep["articles"]]
    assert ids[-1] == "b.txt" and len(ids) > 2
    (err,) = rep["errors"]
    assert err["path"].endswith("a.jsonl.gz") and err["line"] == len(ids)  # the line after the last article read
    assert "rest of file skipped" in err["message"]


def test_not_gzip_at_all_is_reported_on_line_1(tmp_path):
    p = tmp_path / "fake.jsonl.gz"
    p.write_text(jsonl([{"text": "Plain text in disguise."}]), encoding="utf-8")
    arts, errs = read([p])
    assert not arts and errs[0].line == 1 and "BadGzipFile" in errs[0].message


def _bomb(path: Path, size: int, tail: bytes = b"") -> None:
    """A gzip file holding one line of ``size`` spaces (compresses ~1000:1)."""
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b'{"text": "')
        block = b" " * (1 << 20)
        for _ in range(size >> 20):
            fh.write(block)
        fh.write(b'"}\n' + tail)


def test_gzip_bomb_stops_at_the_record_limit_without_inflating_it(tmp_path):
    # 1 GiB of spaces in 1 MiB on disk (1024 concatenated gzip members):
    # reading stops after twice the limit.
    compressed = gzip.compress(b" " * (1 << 20), compresslevel=9) * 1024
    src = io.BytesIO(compressed)
    lines = list(_bounded_lines(gzip.GzipFile(fileobj=src), 1 << 20, 1 << 20))
    assert lines == [(None, ABANDONED)]
    assert src.tell() < len(compressed) // 16  # most of the bomb never inflated


def test_gzip_bomb_in_a_corpus_is_reported_with_path_and_line(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    _bomb(corpus / "bomb.jsonl.gz", 2 * MAX_RECORD_BYTES + (4 << 20), tail=jsonl([{"text": "Never reached."}]).encode())
    with gzip.open(corpus / "fine.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(jsonl([{"text": "A normal compressed article. It is fine."}]))
    r, rep = check(tmp_path, corpus)
    assert r.exit_code == 2
    assert [a["id"] for a in rep["articles"]] == ["fine.jsonl.gz:1"]
    (err,) = rep["errors"]
    assert err["path"].endswith("bomb.jsonl.gz") and err["line"] == 1
    assert f"record longer than the {MAX_RECORD_BYTES}-byte limit" in err["message"]
    assert "decompression bomb" in err["message"] and "rest of the file skipped" in err["message"]


def test_compressed_over_long_record_that_ends_soon_is_skipped_alone(tmp_path):
    p = tmp_path / "c.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(jsonl([{"text": "x" * 3000}, {"text": "After the long one."}]))
    arts, errs = read([p], max_record_bytes=2000)
    assert [a.text for a in arts] == ["After the long one."]
    assert [(e.line, "skipped" in e.message) for e in errs] == [(1, True)]


def test_gzip_csv_bomb_is_stopped(tmp_path):
    p = tmp_path / "bomb.csv.gz"
    with gzip.open(p, "wb") as fh:
        fh.write(b"id,text\nok,A fine row before the bomb.\nbomb,\"")
        block = b"a" * (1 << 20)
        for _ in range(64):
            fh.write(block)
        fh.write(b'"\nafter,Never reached.\n')
    arts, errs = read([p], id_field="id", max_record_bytes=1 << 20)
    assert [a.id for a in arts] == ["ok"]
    (err,) = errs
    assert err.line == 3 and "record longer than the 1048576-byte limit" in err.message
    assert "rest of the file skipped" in err.message


# -- big and odd records ---------------------------------------------------------------------
def test_50mb_jsonl_line_is_reported_and_the_next_lines_read(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    with open(corpus / "feed.jsonl", "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "First article. Short."}) + "\n")
        fh.write('{"text": "' + "word " * (10 * 1024 * 1024) + '"}\n')  # 50 MiB
        fh.write(json.dumps({"text": "Third article. After the giant."}) + "\n")
    r, rep = check(tmp_path, corpus)
    assert r.exit_code == 2
    assert [a["id"] for a in rep["articles"]] == ["feed.jsonl:1", "feed.jsonl:3"]
    assert rep["errors"] == [
        {"path": str(corpus / "feed.jsonl"), "line": 2,
         "message": f"record longer than the {MAX_RECORD_BYTES}-byte limit; skipped"}
    ]


def test_text_that_is_not_a_string_is_reported_per_line(tmp_path):
    p = tmp_path / "odd.jsonl"
    p.write_text(
        jsonl([
            {"text": 42}, {"text": 1.5}, {"text": [1, "a"]}, {"text": None}, {"text": {"nested": "x"}},
            {"text": True}, {"text": "   "}, "42", "null", '"just a string"', "[1, 2]",
            '{"text": "deep"' + "[" * 100_000, {"text": "The only good record."},
        ]),
        encoding="utf-8",
    )
    arts, errs = read([p])
    assert [a.line for a in arts] == [13]
    got = [(e.line, e.message) for e in errs]
    assert got == [
        (1, "text field 'text' is int, not a string"),
        (2, "text field 'text' is float, not a string"),
        (3, "text field 'text' is list, not a string"),
        (4, "text field 'text' is null, not a string"),
        (5, "text field 'text' is dict, not a string"),
        (6, "text field 'text' is bool, not a string"),
        (7, "empty article (text field 'text' is blank)"),
        (8, "record is a JSON int, not an object"),
        (9, "record is a JSON NoneType, not an object"),
        (10, "record is a JSON str, not an object"),
        (11, "record is a JSON list, not an object"),
        (12, got[11][1]),
    ]
    assert got[11][1].startswith("malformed JSON")


def test_huge_integer_and_nan_do_not_crash(tmp_path):
    p = tmp_path / "n.jsonl"
    p.write_text('{"text": "A.", "n": ' + "9" * 50_000 + '}\n{"text": NaN}\n{"text": "Fine text here."}\n',
                 encoding="utf-8")
    arts, errs = read([p])
    assert [a.line for a in arts] == [3]
    assert [e.line for e in errs] == [1, 2]


# -- duplicate ids ---------------------------------------------------------------------------
def test_duplicate_ids_are_kept_and_reported(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text(
        jsonl([{"id": "a1", "text": "First of two with one id."}, {"id": "b", "text": "Unique one."},
               {"id": "a1", "text": "Second of two with one id."}]),
        encoding="utf-8",
    )
    r, rep = check(tmp_path, "--id-field", "id", corpus)
    assert r.exit_code == 2
    assert [a["id"] for a in rep["articles"]] == ["a1", "b", "a1"]
    (err,) = rep["errors"]
    assert err["path"].endswith("feed.jsonl") and err["line"] == 3
    assert err["message"].startswith("duplicate article id 'a1'")


def test_two_folders_with_the_same_file_names_collide(tmp_path):
    for side in ("left", "right"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "same.txt").write_text(GOOD, encoding="utf-8")
    arts, errs = read([tmp_path / "left", tmp_path / "right"])
    assert [a.id for a in arts] == ["same.txt", "same.txt"]
    assert len(errs) == 1 and errs[0].path.endswith("right/same.txt") and errs[0].line is None


def test_seen_ids_grow_and_stay_exact():
    seen = SeenIds(capacity=4)
    ids = [f"article-{i}" for i in range(20_000)]
    assert all(seen.add(i) for i in ids)
    assert len(seen) == 20_000
    assert not any(seen.add(i) for i in ids[::7])
    assert seen.add("\udcff lone surrogate id") and not seen.add("\udcff lone surrogate id")


# -- CSV -------------------------------------------------------------------------------------
def test_csv_embedded_newlines_nul_and_crlf(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(
        b'id,text\r\nx1,"Line one.\r\nLine two."\r\nx2,"Has a \x00 NUL."\r\n\r\nx3,\r\nx4,"Quote ""inside"" it."\r\n'
    )
    arts, errs = read([p], id_field="id")
    assert [(a.id, a.line) for a in arts] == [("x1", 2), ("x2", 4), ("x4", 7)]
    assert arts[0].text == "Line one.\r\nLine two." and arts[1].text == "Has a \ufffd NUL."
    assert [(e.line, e.message) for e in errs] == [(6, "empty article (text field 'text' is blank)")]


def test_csv_over_long_row_stops_the_file_with_its_line(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("id,text\nok,Short row.\nlong," + "y" * 5000 + "\nafter,Not read.\n", encoding="utf-8")
    arts, errs = read([p], id_field="id", max_record_bytes=1000)
    assert [a.id for a in arts] == ["ok"]
    assert [e.line for e in errs] == [3] and "CSV cannot be resynchronised" in errs[0].message


def test_csv_unterminated_quote_and_ragged_rows(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text('id,text\nr1,Fine.\nr2,Too,many,fields\nr3,"never closed\n', encoding="utf-8")
    arts, errs = read([p], id_field="id")
    assert [a.id for a in arts] == ["r1", "r3"]  # the csv module reads an open quote to the end of file
    assert [(e.line, e.message) for e in errs] == [(3, "row has more fields than the header")]


# -- files and folders -----------------------------------------------------------------------
def _deny(monkeypatch, *paths):
    """Make ``paths`` unreadable, also for root (who ignores modes)."""
    denied = {os.fspath(p) for p in paths}
    for p in paths:
        os.chmod(p, 0)
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, *a, **k):
        if os.fspath(path) in denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, *a, **k)

    def fake_scandir(path="."):
        if os.fspath(path) in denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_scandir(path)

    monkeypatch.setattr(readers.os, "open", fake_open)
    monkeypatch.setattr(readers.os, "scandir", fake_scandir)


def test_unreadable_files_and_folders_are_reported(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "secret.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "secret.jsonl").write_text(jsonl([{"text": GOOD}]), encoding="utf-8")
    (corpus / "ok.txt").write_text(GOOD, encoding="utf-8")
    try:
        _deny(monkeypatch, corpus / "locked", corpus / "secret.txt", corpus / "secret.jsonl")
        arts, errs = read([corpus])
    finally:
        for p in ("locked", "secret.txt", "secret.jsonl"):
            os.chmod(corpus / p, 0o755)
    assert [a.id for a in arts] == ["ok.txt"]
    got = sorted((e.path.rsplit("/", 1)[-1], e.line, e.message) for e in errs)
    assert got == [
        ("locked", None, "cannot read folder: Permission denied"),
        ("secret.jsonl", None, "cannot read file: Permission denied"),
        ("secret.txt", None, "cannot read file: Permission denied"),
    ]


def test_symlink_loops_are_reported_and_linked_folders_followed(tmp_path):
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "sub" / "loop").symlink_to(corpus)
    (corpus / "sub" / "self").symlink_to(corpus / "sub")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "linked").symlink_to(elsewhere)
    (corpus / "twice").symlink_to(elsewhere)
    (corpus / "knot.txt").symlink_to(corpus / "knot.txt")
    arts, errs = read([corpus])
    assert [a.id for a in arts] == ["linked/b.txt", "sub/a.txt"]
    got = [(e.path[len(str(corpus)) + 1 :], e.line, e.message) for e in errs]
    assert got == [
        ("knot.txt", None, "cannot read file: Too many levels of symbolic links"),
        ("twice", None, "folder already read as 'linked' (through a symbolic link); skipped"),
        ("sub/loop", None, "symbolic link loop (leads back to '.', which contains it); skipped"),
        ("sub/self", None, "symbolic link loop (leads back to 'sub', which contains it); skipped"),
    ]


def test_command_line_paths_that_loop_or_dangle(tmp_path):
    (tmp_path / "knot.jsonl").symlink_to(tmp_path / "knot.jsonl")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    arts, errs = read([tmp_path / "knot.jsonl", tmp_path / "dangling.txt", tmp_path / "missing.csv"])
    assert not arts
    assert [e.message for e in errs] == [
        "cannot read file: Too many levels of symbolic links",
        "cannot read file: No such file or directory (it vanished, or is a broken symbolic link)",
        "no such file or folder",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_in_a_folder_is_skipped_without_blocking(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    os.mkfifo(corpus / "pipe.txt")
    os.mkfifo(corpus / "pipe.jsonl")
    (corpus / "z.txt").write_text(GOOD, encoding="utf-8")
    result = {}
    t = threading.Thread(target=lambda: result.update(out=read([corpus])), daemon=True)
    t.start()
    t.join(20)
    assert "out" in result, "reader blocked on a FIFO"
    arts, errs = result["out"]
    assert [a.id for a in arts] == ["z.txt"]
    assert [(e.path.rsplit("/", 1)[-1], e.message) for e in errs] == [
        ("pipe.jsonl", "not a regular file (a FIFO, socket or device); skipped"),
        ("pipe.txt", "not a regular file (a FIFO, socket or device); skipped"),
    ]


@pytest.mark.skipif(sys.platform == "win32" or sys.platform == "darwin", reason="needs byte file names")
def test_undecodable_file_names_become_escaped_ids(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for raw in (b"caf\xe9.txt", b"caf\xe8.txt"):
        with open(os.path.join(os.fsencode(corpus), raw), "w", encoding="utf-8") as fh:
            fh.write(GOOD)
    r, rep = check(tmp_path, corpus)
    assert r.exit_code == 0, r.output
    assert [a["id"] for a in rep["articles"]] == ["caf\\xe8.txt", "caf\\xe9.txt"]


def test_file_that_vanishes_mid_run_is_reported(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).write_text(GOOD, encoding="utf-8")
    (corpus / "d.jsonl").write_text(jsonl([{"text": GOOD}]), encoding="utf-8")
    items = []
    for item in read_corpus([str(corpus)], ReaderOptions()):
        items.append(item)
        if isinstance(item, Article) and item.id == "a.txt":
            os.unlink(corpus / "b.txt")
            os.unlink(corpus / "d.jsonl")
    assert [i.id for i in items if isinstance(i, Article)] == ["a.txt", "c.txt"]
    assert [(e.path.rsplit("/", 1)[-1], e.message) for e in items if isinstance(e, InputError)] == [
        ("b.txt", "cannot read file: No such file or directory (it vanished, or is a broken symbolic link)"),
        ("d.jsonl", "cannot read file: No such file or directory (it vanished, or is a broken symbolic link)"),
    ]


def test_folder_that_vanishes_mid_run_is_reported(tmp_path):
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "sub" / "b.txt").write_text(GOOD, encoding="utf-8")
    items = []
    for item in read_corpus([str(corpus)], ReaderOptions()):
        items.append(item)
        if isinstance(item, Article) and item.id == "a.txt":
            os.unlink(corpus / "sub" / "b.txt")
            os.rmdir(corpus / "sub")
    errs = [e for e in items if isinstance(e, InputError)]
    assert [e.path.rsplit("/", 1)[-1] for e in errs] == ["sub"] and "cannot read folder" in errs[0].message


def test_closed_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    arts, errs = read(["-"])
    assert not arts and errs[0].path == "<stdin>" and "standard input is closed" in errs[0].message


# -- error flood -----------------------------------------------------------------------------
def test_errors_per_file_are_capped_and_counted(tmp_path):
    p = tmp_path / "flood.jsonl"
    n = MAX_ERRORS_PER_FILE + 250
    p.write_text("not json\n" * n + json.dumps({"text": GOOD}) + "\n", encoding="utf-8")
    q = tmp_path / "other.jsonl"
    q.write_text("{broken\n", encoding="utf-8")
    arts, errs = read([p, q])
    assert [a.line for a in arts] == [n + 1]
    assert len(errs) == MAX_ERRORS_PER_FILE + 2
    assert errs[MAX_ERRORS_PER_FILE - 1].line == MAX_ERRORS_PER_FILE
    assert errs[MAX_ERRORS_PER_FILE].path == str(q)
    assert errs[-1] == InputError(
        str(p), None, f"250 more input errors in this file not listed, from line {MAX_ERRORS_PER_FILE + 1} "
        f"(only the first {MAX_ERRORS_PER_FILE} are)"
    )


# -- all at once ---------------------------------------------------------------------------
def test_hostile_corpus_end_to_end(tmp_path):
    """One folder with most of the above: the good articles are all in the
    report, every problem is an error with its path (and line), exit 2."""
    c = tmp_path / "c"
    (c / "nested" / "deeper").mkdir(parents=True)
    (c / "good.txt").write_text(GOOD, encoding="utf-8")
    (c / "nested" / "deeper" / "good2.md").write_text("# Headline\n\n" + GOOD, encoding="utf-8")
    (c / "nested" / "loop").symlink_to(c)
    (c / "binary.txt").write_bytes(b"\x89PNG\x00\x00garbage")
    (c / "empty.txt").write_text("", encoding="utf-8")
    (c / "latin1.txt").write_bytes("Caf\u00e9 owners met on Monday.".encode("latin-1"))
    (c / "feed.jsonl").write_text(
        jsonl([{"text": GOOD}, "{oops", {"text": 7}, {"text": None}, {"text": ["a"]}, {"body": "no text"},
               {"text": "Another fine article. It is here."}]),
        encoding="utf-8",
    )
    (c / "table.csv").write_bytes(b'text\n"Multi\nline article. With \x00 inside."\n\n')
    full = gzip.compress(jsonl({"text": f"Record {i}. Fine."} for i in range(100)).encode())
    (c / "cut.jsonl.gz").write_bytes(full[:200])
    r, rep = check(tmp_path, c)
    assert r.exit_code == 2
    ids = [a["id"] for a in rep["articles"]]
    assert {"good.txt", "latin1.txt", "feed.jsonl:1", "feed.jsonl:7", "table.csv:2", "nested/deeper/good2.md"} <= set(ids)
    errs = {(e["path"][len(str(c)) + 1 :], e["line"]) for e in rep["errors"]}
    assert {("binary.txt", None), ("empty.txt", None), ("feed.jsonl", 2), ("feed.jsonl", 3), ("feed.jsonl", 4),
            ("feed.jsonl", 5), ("feed.jsonl", 6), ("nested/loop", None)} <= errs
    assert any(p == "cut.jsonl.gz" for p, _ in errs)
    latin = next(a for a in rep["articles"] if a["id"] == "latin1.txt")
    assert any(f["rule"] == "EN001" for f in latin["findings"])


# -- the limit is configurable ---------------------------------------------------------------------
def test_record_limit_from_the_configuration(tmp_path):
    from audit.config import Config

    assert Config().max_record_bytes == MAX_RECORD_BYTES
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text(jsonl([{"text": "word " * 600}, {"text": GOOD}]), encoding="utf-8")
    cfg = tmp_path / "mtaudit.toml"
    cfg.write_text("max-record-bytes = 2048\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["check", "--config", str(cfg), "--jobs", "1", "--format", "json", "-o", str(out),
                                  str(corpus)])
    assert r.exit_code == 2, r.output
    rep = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in rep["articles"]] == ["feed.jsonl:2"]
    assert rep["errors"][0]["line"] == 1 and "2048-byte limit" in rep["errors"][0]["message"]
    cfg.write_text("max-record-bytes = 10\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", "--config", str(cfg), str(corpus)])
    assert r.exit_code == 2 and "max-record-bytes" in r.output and "at least 1024" in r.output


def test_fix_walks_folders_like_check(tmp_path):
    """``mtaudit fix`` sees the files ``check`` reads: linked folders
    followed, loops reported, same ids."""
    from tests._ci_rules import write_rules

    cfg = write_rules(tmp_path / "cfg")
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text("Linked article.. It ends.\n", encoding="utf-8")
    (corpus / "linked").symlink_to(elsewhere)
    (corpus / "sub" / "loop").symlink_to(corpus)
    (corpus / "a.txt").write_text("Plain article.. It ends.\n", encoding="utf-8")
    out = tmp_path / "fixed"
    try:
        r = CliRunner().invoke(main, ["fix", "--config", str(cfg), str(corpus), "-o", str(out)])
    finally:
        from audit.patterns import uninstall

        uninstall()
    assert r.exit_code == 2, r.output  # the loop is an input error
    assert (out / "a.txt").read_text(encoding="utf-8") == "Plain article. It ends.\n"
    assert (out / "linked" / "b.txt").read_text(encoding="utf-8") == "Linked article. It ends.\n"
    assert "symbolic link loop" in r.stderr
