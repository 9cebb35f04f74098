"""``mtaudit fix``: cleaned copies in the input's formats and layout, other
fields byte-identical, diffs that apply with ``patch``, in-place only when
asked, atomic writes, deterministic overlaps, re-audit of what remains."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.cli import main
from audit.fixer import csv_field, csv_records, locate_value, split_lines, unified_diff

from ._ci_rules import write_rules

TXT = "The council met on Monday.. It approved the budget.\r\n\r\nsource site-34\r\n"
JSONL_LINES = [
    # odd spacing, key order, escapes and unicode in other fields must survive byte for byte
    '{"id":  "n1" , "meta": {"url": "https:\\/\\/x.example\\/a?b=1", "tags": ["a","b"]}, "text": "Talks resume next month.. Officials said so.", "n": 1.50}\n',
    '{"text": "Nothing to fix here.", "id": "n2", "note": "caf\\u00e9"}\n',
    "\n",
    "{not json at all\n",
    '{"id": "n3", "text": "Aid flows in the framework of the plan.. Yes.\\nsource site-7", "text_len": 99}\r\n',
]
CSV_TEXT = (
    'id,title,text,extra\r\n'
    'c1,"Title, with comma","The plan, they said.. Was approved.\nsource site-3",  spaced  \r\n'
    'c2,Plain,Clean text here.,x\r\n'
    'c3,"Quote ""here""",Unquoted.. text,y\r\n'
)


@pytest.fixture
def env(tmp_path):
    cfg = write_rules(tmp_path / "cfg")
    corpus = tmp_path / "corpus"
    (corpus / "site").mkdir(parents=True)
    (corpus / "site" / "a.txt").write_bytes(b"\xef\xbb\xbf" + TXT.encode("utf-8"))
    (corpus / "bad-bytes.txt").write_bytes(b"Caf\xe9 owners met.. Then left.\n")
    (corpus / "clean.md").write_text("# Heading\n\nA clean article.\n", encoding="utf-8")
    (corpus / "feed.jsonl").write_text("".join(JSONL_LINES), encoding="utf-8", newline="")
    (corpus / "table.csv").write_text(CSV_TEXT, encoding="utf-8", newline="")
    (corpus / "image.png").write_bytes(b"\x89PNG not an article")
    yield tmp_path, cfg, corpus
    from audit.patterns import uninstall

    uninstall()


def fix(cfg, *args, input=None):
    return CliRunner().invoke(main, ["fix", "--config", str(cfg), *args], input=input, catch_exceptions=False)


def check_json(cfg, path, out, *args):
    CliRunner().invoke(main, ["check", "--config", str(cfg), str(path), "--format", "json", "-o", str(out), *args],
                       catch_exceptions=False)
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_fix_round_trip(env):
    tmp, cfg, corpus = env
    before = snapshot(corpus)
    out = tmp / "clean"
    r = fix(cfg, str(corpus), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert snapshot(corpus) == before  # inputs untouched
    # Same layout and formats; only article files are written.
    assert sorted(snapshot(out)) == ["bad-bytes.txt", "clean.md", "feed.jsonl", "site/a.txt", "table.csv"]
    # The cleaned corpus re-audits clean for the safe-fixed rules.
    data = check_json(cfg, out, tmp / "r", "--select", "TS001,TS002")
    assert [f for a in data["articles"] for f in a["findings"]] == []
    # The unsafe fix (TS003) was not applied and is reported.
    assert "1 more fixes available with --unsafe-fixes" in r.stderr
    assert "remaining: 1 findings — TS003 ×1" in r.stderr


def test_text_files_keep_bom_line_breaks_and_undecodable_bytes(env):
    tmp, cfg, corpus = env
    out = tmp / "clean"
    fix(cfg, str(corpus), "-o", str(out))
    assert (out / "site" / "a.txt").read_bytes() == b"\xef\xbb\xbf" + (
        "The council met on Monday. It approved the budget.\r\n\r\n\r\n"
    ).encode("utf-8")
    assert (out / "bad-bytes.txt").read_bytes() == b"Caf\xe9 owners met. Then left.\n"
    assert (out / "clean.md").read_bytes() == (corpus / "clean.md").read_bytes()


def test_jsonl_other_fields_are_byte_identical(env):
    tmp, cfg, corpus = env
    out = tmp / "clean"
    fix(cfg, str(corpus), "-o", str(out))
    got = (out / "feed.jsonl").read_bytes().decode("utf-8").split("\n")
    want = "".join(JSONL_LINES).split("\n")
    assert len(got) == len(want)
    for old, new in zip(want, got):
        span_old, span_new = locate_value(old, "text"), locate_value(new, "text")
        if span_old is None:
            assert new == old  # blank and malformed lines are copied as is
            continue
        assert old[: span_old[0]] == new[: span_new[0]] and old[span_old[1] :] == new[span_new[1] :]
    texts = [json.loads(l)["text"] for l in got if l.strip() and l.startswith('{"')]
    assert texts == ["Talks resume next month. Officials said so.", "Nothing to fix here.",
                     "Aid flows in the framework of the plan. Yes.\n"]
    assert got[1] == want[1]  # nothing to fix: the whole line is untouched


def test_csv_other_fields_are_byte_identical(env):
    tmp, cfg, corpus = env
    out = tmp / "clean"
    fix(cfg, str(corpus), "-o", str(out))
    with open(out / "table.csv", encoding="utf-8", newline="") as fh:
        raw = fh.read()
    assert raw == (
        'id,title,text,extra\r\n'
        'c1,"Title, with comma","The plan, they said. Was approved.\n",  spaced  \r\n'
        'c2,Plain,Clean text here.,x\r\n'
        'c3,"Quote ""here""",Unquoted. text,y\r\n'
    )
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [r["extra"] for r in rows] == ["  spaced  ", "x", "y"]


def test_unsafe_fixes(env):
    tmp, cfg, corpus = env
    out = tmp / "clean"
    r = fix(cfg, str(corpus), "-o", str(out), "--unsafe-fixes")
    assert "remaining: 0 findings" in r.stderr
    assert '"Aid flows under the plan. Yes.\\n"' in (out / "feed.jsonl").read_text(encoding="utf-8")


def test_diff_applies_with_patch(env, monkeypatch):
    tmp, cfg, corpus = env
    ref = tmp / "clean"
    fix(cfg, str(corpus), "-o", str(ref))
    work = tmp / "work"
    shutil.copytree(corpus, work / "corpus")
    monkeypatch.chdir(work)  # the diff's paths are relative to the working directory
    r = fix(cfg, "corpus", "--diff")
    assert r.exit_code == 0
    diff = r.stdout_bytes
    assert diff.startswith(b"--- corpus/") and b"+++ corpus/" in diff
    assert snapshot(work / "corpus") == snapshot(corpus)  # --diff writes nothing
    p = subprocess.run(["patch", "-p0", "--batch", "--no-backup-if-mismatch"], input=diff, cwd=work, capture_output=True)
    assert p.returncode == 0, p.stdout + p.stderr
    patched = snapshot(work / "corpus")
    for name, data in snapshot(ref).items():
        assert patched[name] == data, name


def test_unified_diff_marks_missing_final_newline():
    d = unified_diff("a\nb", "a\nc", "f.txt")
    assert d.endswith("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")
    assert split_lines("x\r\ny\u2028z") == ["x\r\n", "y\u2028z"]
    assert unified_diff("same", "same", "f") == ""


def test_in_place_only_when_asked(env):
    tmp, cfg, corpus = env
    # -o onto the input folder is refused and touches nothing.
    before = snapshot(corpus)
    r = fix(cfg, str(corpus), "-o", str(corpus))
    assert r.exit_code == 2 and "is the input" in r.stderr
    assert snapshot(corpus) == before
    assert fix(cfg, str(corpus)).exit_code == 2  # no -o, no --diff, no --in-place
    assert fix(cfg, str(corpus), "--diff", "--in-place").exit_code == 2
    mtime = (corpus / "clean.md").stat().st_mtime_ns
    (corpus / "site" / "a.txt").chmod(0o640)
    r = fix(cfg, str(corpus), "--in-place")
    assert r.exit_code == 0
    assert b"source site" not in (corpus / "site" / "a.txt").read_bytes()
    assert (corpus / "site" / "a.txt").stat().st_mode & 0o777 == 0o640
    assert (corpus / "clean.md").stat().st_mtime_ns == mtime  # unchanged files are not rewritten
    assert not [p for p in corpus.rglob(".mtaudit-*")]  # no temporary files left


def test_fix_is_deterministic_with_overlapping_fixes(env):
    tmp, cfg, corpus = env
    (corpus / "site" / "a.txt").write_text("Overlap.... here.. and.. there\n", encoding="utf-8")
    a, b = tmp / "a", tmp / "b"
    fix(cfg, str(corpus), "-o", str(a))
    fix(cfg, str(corpus), "-o", str(b))
    assert snapshot(a) == snapshot(b)
    assert (a / "site" / "a.txt").read_text(encoding="utf-8") == "Overlap.... here. and. there\n"


def test_exit_code_reflects_what_remains(env):
    tmp, cfg, corpus = env
    assert fix(cfg, str(corpus), "-o", str(tmp / "o"), "--fail-on", "info").exit_code == 1  # TS003 stays
    assert fix(cfg, str(corpus), "-o", str(tmp / "o"), "--fail-on", "info", "--unsafe-fixes").exit_code == 0


def test_stdin_to_stdout(env):
    tmp, cfg, corpus = env
    r = fix(cfg, "-", input='{"text": "One.. Two.", "k": [1, 2]}\n')
    assert r.stdout == '{"text": "One. Two.", "k": [1, 2]}\n'


def test_gzip_in_gzip_out(env):
    tmp, cfg, corpus = env
    src = tmp / "g"
    src.mkdir()
    with gzip.open(src / "f.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write('{"text": "A.. B."}\n')
    out = tmp / "o"
    fix(cfg, str(src), "-o", str(out))
    with gzip.open(out / "f.jsonl.gz", "rt", encoding="utf-8") as fh:
        assert fh.read() == '{"text": "A. B."}\n'


def test_colliding_outputs_are_refused(env):
    tmp, cfg, corpus = env
    other = tmp / "other"
    other.mkdir()
    (other / "clean.md").write_text("x\n", encoding="utf-8")
    r = fix(cfg, str(corpus / "clean.md"), str(other / "clean.md"), "-o", str(tmp / "o"))
    assert r.exit_code == 2 and "would both be written" in r.stderr


def test_locate_value():
    s = '{"a": {"text": "x"}, "text" : "he said \\"hi\\"" , "b": [1, {"c": "d"}]}'
    span = locate_value(s, "text")
    assert json.loads(s[span[0] : span[1]]) == 'he said "hi"'
    span = locate_value(s, "a.text")
    assert s[span[0] : span[1]] == '"x"'
    span = locate_value(s, "b.1.c")
    assert s[span[0] : span[1]] == '"d"'
    assert locate_value(s, "missing") is None
    assert locate_value('{"text": 1, "text": "last"}', "text") == (20, 26)


CSV_CELLS = st.text(alphabet=st.sampled_from(list('ab ,"\n\r;é')), max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CSV_CELLS, min_size=1, max_size=4), min_size=1, max_size=5))
def test_csv_records_agree_with_the_csv_module(rows):
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    text = buf.getvalue()
    ours = [r for r in csv_records(iter(split_lines(text))) if not r.blank]
    theirs = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    assert [[rec.value(i) for i in range(len(rec.fields))] for rec in ours] == theirs
    assert "".join(r.raw for r in csv_records(iter(split_lines(text)))) == text


def test_csv_field_quoting():
    assert csv_field("plain", False) == "plain"
    assert csv_field("a,b", False) == '"a,b"'
    assert csv_field('say "x"', True) == '"say ""x"""'
    assert csv_field(" padded", False) == '" padded"'


def test_overlong_records_are_copied_through_or_refused_without_being_held(tmp_path):
    # A JSONL line past max-record-bytes is copied through unchanged, piece
    # by piece (a gzip bomb need not fit in memory), and reported with its
    # line; the lines around it are fixed. A CSV record past the limit
    # cannot be streamed through the record parser: the file is left alone.
    cfg = write_rules(tmp_path / "cfg", "max-record-bytes = 4096\n")
    corpus = tmp_path / "in"
    corpus.mkdir()
    long_line = json.dumps({"id": "big", "text": "Talks went on.. " * 40_000}) + "\n"
    lines = ['{"id": "a", "text": "First one.. Done."}\n', long_line, '{"id": "b", "text": "Last one.. Done."}\n']
    with gzip.open(corpus / "feed.jsonl.gz", "wt", encoding="utf-8", newline="") as fh:
        fh.write("".join(lines))
    (corpus / "table.csv").write_text(
        'id,text\r\nc1,Short one.. Done.\r\nc2,"' + "Long one.. " * 30_000 + '"\r\n', encoding="utf-8", newline=""
    )
    out = tmp_path / "out"
    res = fix(cfg, str(corpus), "-o", str(out))
    assert res.exit_code == 2, res.output
    assert "feed.jsonl.gz:2: input error: record longer than the 4096-byte limit; copied unchanged" in res.output
    assert "table.csv:3: input error: record longer than the 4096-byte limit; file not fixed" in res.output
    with gzip.open(out / "feed.jsonl.gz", "rt", encoding="utf-8", newline="") as fh:
        got = fh.read().split("\n")
    assert got[1] + "\n" == long_line
    assert [json.loads(got[i])["text"] for i in (0, 2)] == ["First one. Done.", "Last one. Done."]
    assert not (out / "table.csv").exists()


def test_physical_lines_never_hold_an_overlong_line():
    import tracemalloc

    from audit.fixer import RecordTooLong, _physical_lines

    class Endless(io.TextIOBase):
        """20 MB on one line, then a short line, produced on demand."""

        def __init__(self):
            self.left = 320

        def read(self, n=-1):
            self.left -= 1
            return "x" * 65536 if self.left > 0 else ("\nend\n" if self.left == 0 else "")

    seen: list[int] = []
    tracemalloc.start()
    lines = list(_physical_lines(Endless(), 1 << 20, lambda piece: seen.append(len(piece))))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert lines == [None, "end\n"] and sum(seen) == 319 * 65536 + 1
    assert peak < 4 << 20  # the 20 MB line was never held
    with pytest.raises(RecordTooLong) as exc:
        list(_physical_lines(io.StringIO("ok\n" + "y" * 5000), 4096))
    assert exc.value.line == 2
