"""Readers: every input shape, and every kind of bad input reported with
path and line while the rest is read."""

from __future__ import annotations

import gzip
import io
import json
import sys


from audit.model import Article, InputError
from audit.readers import ReaderOptions, clean_text, read_corpus


def read(paths, **opts):
    items = list(read_corpus([str(p) for p in paths], ReaderOptions(**opts)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)]


def test_folder_recursive_sorted_with_relative_ids(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second article.", encoding="utf-8")
    (tmp_path / "a.md").write_text("# First\n\nFirst article.", encoding="utf-8")
    (tmp_path / "skip.png").write_bytes(b"\x89PNG")
    arts, errs = read([tmp_path])
    assert [a.id for a in arts] == ["a.md", "b/two.txt"]
    assert [a.source for a in arts] == [".", "b"]
    assert not errs


def test_bom_is_dropped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfHello world.")
    arts, _ = read([p])
    assert arts[0].text == "Hello world."


def test_invalid_utf8_is_replaced_and_located(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Caf\u00e9 owners met.".encode("latin-1"))
    arts, errs = read([p])
    assert not errs
    a = arts[0]
    assert a.text == "Caf\ufffd owners met."
    assert a.decode_errors == [(3, 4, "undecodable bytes 0xE9 replaced by U+FFFD")]


def test_clean_text_lone_surrogates():
    text, errs = clean_text("a\ud800b")
    assert text == "a\ufffdb"
    assert errs[0][:2] == (1, 2)


def test_empty_and_binary_files_are_errors(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"abc\x00\x01\x02")
    (tmp_path / "ok.txt").write_text("Fine text.", encoding="utf-8")
    arts, errs = read([tmp_path])
    assert [a.id for a in arts] == ["ok.txt"]
    msgs = {e.path.rsplit("/", 1)[-1]: e.message for e in errs}
    assert "binary" in msgs["bin.txt"]
    assert "empty" in msgs["empty.txt"] and "empty" in msgs["blank.txt"]


def test_jsonl_fields_dotted_and_errors_with_lines(tmp_path):
    p = tmp_path / "c.jsonl"
    lines = [
        {"body": {"text": "One."}, "meta": {"url": "u1"}, "h": "T1"},
        "{not json",
        {"other": "x"},
        {"body": {"text": 5}},
        {"body": {"text": None}},
        [1, 2],
        {"body": {"text": "Two."}, "meta": {"url": "u2"}},
    ]
    p.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    arts, errs = read([p], text_field="body.text", id_field="meta.url", title_field="h")
    assert [(a.id, a.text, a.title, a.line) for a in arts] == [("u1", "One.", "T1", 1), ("u2", "Two.", None, 7)]
    assert [e.line for e in errs] == [2, 3, 4, 5, 6]
    assert "malformed JSON" in errs[0].message
    assert "missing text field 'body.text'" in errs[1].message
    assert "int" in errs[2].message and "null" in errs[3].message and "list" in errs[4].message


def test_jsonl_default_ids_and_gzip(tmp_path):
    p = tmp_path / "d.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "Gzipped one."}) + "\n")
        fh.write(json.dumps({"text": "Gzipped two."}) + "\n")
    arts, errs = read([p])
    assert [a.text for a in arts] == ["Gzipped one.", "Gzipped two."]
    assert arts[1].id.endswith("d.jsonl.gz:2")
    assert not errs


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    full = gzip.compress(b"".join(json.dumps({"text": f"Article {i}."}).encode() + b"\n" for i in range(200)))
    p = tmp_path / "t.jsonl.gz"
    p.write_bytes(full[: len(full) // 2])
    arts, errs = read([p])
    assert len(errs) == 1 and "read failed" in errs[0].message
    assert errs[0].line == len(arts) + 1


def test_csv_with_embedded_newlines_and_nul(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(b'id,text\nx1,"Line one.\nLine two."\nx2,"Has a \x00 NUL."\n\nx3,\n')
    arts, errs = read([p], id_field="id")
    assert [a.id for a in arts] == ["x1", "x2"]
    assert [a.line for a in arts] == [2, 4]
    assert arts[0].text == "Line one.\nLine two."
    assert "\ufffd" in arts[1].text
    assert len(errs) == 1 and errs[0].line == 6 and "empty" in errs[0].message


def test_missing_path_is_an_error(tmp_path):
    arts, errs = read([tmp_path / "nope"])
    assert not arts and "no such file" in errs[0].message


def test_stdin_jsonl(monkeypatch):
    data = b'{"text": "From stdin."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    arts, errs = read(["-"])
    assert arts[0].text == "From stdin." and arts[0].id == "<stdin>:1"


def test_overlong_record_is_skipped_not_held(tmp_path):
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "small"}) + "\n", encoding="utf-8")
    arts, errs = read([p], max_record_bytes=1000)
    assert [a.text for a in arts] == ["small"]
    assert errs[0].line == 1 and "limit" in errs[0].message


def test_unreadable_file_is_reported_and_run_goes_on(tmp_path):
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    arts, errs = read([tmp_path])
    assert [a.id for a in arts] == ["ok.txt"]
    assert errs[0].path.endswith("dangling.txt") and "cannot read file" in errs[0].message


def test_symlink_loop_is_not_followed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "sub" / "a.txt").write_text("Only once.", encoding="utf-8")
    arts, errs = read([tmp_path])
    assert [a.id for a in arts] == ["sub/a.txt"]
