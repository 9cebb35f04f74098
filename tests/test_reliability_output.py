"""Nothing lost, nothing half-written: reports are written to a temporary
file and renamed when the run completes, so Ctrl-C (exit 130), SIGTERM
(exit 143), a full disk (exit 2) or a closed pipe (exit 141) never leave a
truncated ``audit.json`` — a report from an earlier run stays as it was —
and never leave temporary files or worker processes behind."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit import cli
from audit.cli import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_TERMINATED, main
from audit.reporters.json import JsonReporter

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "The regional council approved the budget on Monday after a long debate.",
    "Officials said the new bridge would open to traffic next spring.",
    "Residents complained about noise from the construction site near the harbour.",
    "The minister declined to comment on the report before its publication.",
    "Local businesses expect more visitors once the road works are finished.",
]


def _article(i: int) -> str:
    return " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4)) + f" Item {i}."


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    for i in range(6):
        (d / f"a{i}.txt").write_text(_article(i) + "\n", encoding="utf-8")
    return d


def _run(*args):
    return CliRunner().invoke(main, ["check", "--isolated", "--jobs", "1", *map(str, args)])


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".mtaudit-"))


def _previous_reports(corpus: Path, out: Path) -> dict[str, bytes]:
    r = _run(corpus, "--format", "json,html", "-o", out)
    assert r.exit_code == 0, r.output
    return {name: (out / name).read_bytes() for name in ("audit.json", "audit.html")}


# -- in-process: interruptions at a chosen point ----------------------------------------------
@pytest.mark.parametrize(
    "exc, code, word",
    [(KeyboardInterrupt, EXIT_INTERRUPTED, "interrupted"), (cli.Terminated, EXIT_TERMINATED, "terminated")],
)
def test_interrupted_run_keeps_the_previous_report_and_leaves_no_temp_files(corpus, tmp_path, monkeypatch, exc, code,
                                                                            word):
    out = tmp_path / "out"
    before = _previous_reports(corpus, out)
    calls = {"n": 0}
    real = JsonReporter.article

    def article(self, result):
        calls["n"] += 1
        if calls["n"] == 3:
            raise exc()
        return real(self, result)

    monkeypatch.setattr(JsonReporter, "article", article)
    r = _run(corpus, "--format", "json,html", "-o", out)
    assert r.exit_code == code
    assert f"mtaudit: {word}" in r.stderr and "stopped cleanly" in r.stderr
    assert "Traceback" not in r.output
    assert {name: (out / name).read_bytes() for name in before} == before
    assert _leftovers(out) == []


def test_first_run_interrupted_writes_no_report(corpus, tmp_path, monkeypatch):
    out = tmp_path / "fresh"
    monkeypatch.setattr(JsonReporter, "footer", lambda self, s, e: (_ for _ in ()).throw(KeyboardInterrupt()))
    r = _run(corpus, "--format", "json", "-o", out)
    assert r.exit_code == EXIT_INTERRUPTED
    assert sorted(p.name for p in out.iterdir()) == []


# -- full disk ----------------------------------------------------------------------------------
class _FullDisk:
    """A file object whose device fills up after ``room`` characters."""

    def __init__(self, fh, room):
        self._fh, self._room = fh, room

    def write(self, s):
        if len(s) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(s)
        return self._fh.write(s)

    def __getattr__(self, name):
        return getattr(self._fh, name)


@pytest.mark.parametrize("room", [0, 300, 5000])
def test_full_disk_while_writing_reports_is_an_error_not_a_truncated_report(corpus, tmp_path, monkeypatch, room):
    out = tmp_path / "out"
    before = _previous_reports(corpus, out)
    real_fdopen = os.fdopen
    monkeypatch.setattr(cli.os, "fdopen", lambda fd, *a, **k: _FullDisk(real_fdopen(fd, *a, **k), room))
    r = _run(corpus, "--format", "json,html", "-o", out)
    assert r.exit_code == 2
    assert "cannot write" in r.stderr and "No space left on device" in r.stderr
    assert "Traceback" not in r.output
    # All or nothing: neither report was replaced.
    assert {name: (out / name).read_bytes() for name in before} == before
    assert _leftovers(out) == []


def test_full_disk_at_flush_time(corpus, tmp_path, monkeypatch):
    """ENOSPC often shows only when buffers are flushed (fsync/close)."""
    out = tmp_path / "out"
    before = _previous_reports(corpus, out)

    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cli.os, "fsync", fsync)
    r = _run(corpus, "--format", "json,html", "-o", out)
    assert r.exit_code == 2 and "No space left on device" in r.stderr
    assert {name: (out / name).read_bytes() for name in before} == before
    assert _leftovers(out) == []


def _mount_tiny_tmpfs(where: Path, size: str) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    where.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, check=False
    )
    return r.returncode == 0


def test_really_full_disk_on_a_tiny_tmpfs(tmp_path):
    """A 64 KiB tmpfs (where mounting is allowed, e.g. as root in a
    container): the large report does not fit; the small earlier one stays."""
    disk = tmp_path / "tiny"
    if not _mount_tiny_tmpfs(disk, "64k"):
        pytest.skip("cannot mount a tmpfs here (the patched-write tests cover this)")
    try:
        small = tmp_path / "small"
        small.mkdir()
        (small / "a.txt").write_text(_article(1) + "\n", encoding="utf-8")
        r = _run(small, "--format", "json", "-o", disk)
        assert r.exit_code == 0, r.output
        before = (disk / "audit.json").read_bytes()
        big = tmp_path / "big"
        big.mkdir()
        (big / "feed.jsonl").write_text(
            "".join(json.dumps({"text": _article(i) + " Then.. again"}) + "\n" for i in range(400)), encoding="utf-8"
        )
        r = _run(big, "--format", "json", "-o", disk)
        assert r.exit_code == 2 and "No space left on device" in r.stderr
        assert (disk / "audit.json").read_bytes() == before
        assert _leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_unwritable_output_is_a_clean_error(corpus, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    r = _run(corpus, "--format", "json", "-o", blocker)
    assert r.exit_code == 2 and "cannot write" in r.stderr and "Traceback" not in r.output


def test_reports_get_ordinary_file_permissions(corpus, tmp_path):
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert _run(corpus, "--format", "json", "-o", out).exit_code == 0
    finally:
        os.umask(old)
    assert (out / "audit.json").stat().st_mode & 0o777 == 0o644


def test_failing_baseline_write_is_a_clean_error(corpus, tmp_path, monkeypatch):
    from audit import baseline

    def fail(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(baseline.BaselineWriter, "write", fail)
    r = _run(corpus, "--format", "json", "-o", tmp_path / "out", "--write-baseline", tmp_path / "b.json")
    assert r.exit_code == 2 and "cannot write" in r.stderr and "b.json" in r.stderr


# -- real signals, real processes -------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """Enough articles that a run lasts well beyond the moment it is
    interrupted."""
    d = tmp_path_factory.mktemp("big")
    with open(d / "feed.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"text": _article(i)}) + "\n" for i in range(40_000))
    return d


def _start(args, out: Path) -> subprocess.Popen:
    """``mtaudit check - ARGS`` reading an endless JSONL stream on stdin
    (fed by a thread until the process exits): however fast mtaudit gets,
    the run cannot finish before the test interrupts it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "audit", "check", "--isolated", "--no-progress", "-", *map(str, args), "-o", str(out)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: workers included
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )

    def feed() -> None:
        i = 0
        try:
            while proc.poll() is None:
                block = "".join(json.dumps({"text": _article(i + k)}) + "\n" for k in range(200))
                proc.stdin.write(block.encode("utf-8"))
                proc.stdin.flush()
                i += 200
        except (OSError, ValueError):  # the process has gone: broken pipe, or stdin closed
            pass

    threading.Thread(target=feed, daemon=True).start()
    return proc


def _group_gone(pgid: int, timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)],
                         ids=["SIGINT", "SIGTERM"])
def test_signal_stops_cleanly(tmp_path, sig, code, jobs):
    out = tmp_path / "out"
    out.mkdir()
    (out / "audit.json").write_text('{"previous": "report"}\n', encoding="utf-8")
    proc = _start(["--format", "json,html", "--jobs", jobs], out)
    try:
        # Wait until the reports are being written, then a little longer.
        end = time.monotonic() + 60
        while not _leftovers(out) and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.05)
        assert _leftovers(out), "the run never started writing"
        time.sleep(1.5)
        assert proc.poll() is None, "the run stopped before it was interrupted"
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground group
        else:
            os.kill(proc.pid, sig)  # a service manager signals the main process
        # stdin stays open (closing it would end the input, not interrupt).
        proc.wait(timeout=120)
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        try:
            proc.stdin.close()
        except OSError:  # unwritten input and no reader: nothing to flush it to
            pass
        proc.stderr.close()
    text = stderr.decode("utf-8", "replace")
    assert proc.returncode == code, text
    assert "stopped cleanly" in text and "Traceback" not in text
    assert (out / "audit.json").read_text(encoding="utf-8") == '{"previous": "report"}\n'
    assert not (out / "audit.html").exists()
    assert _leftovers(out) == []
    assert _group_gone(proc.pid), "worker processes survived"


def test_closed_stdout_pipe_exits_141_quietly(big_corpus, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "audit", "check", "--isolated", "--no-progress", "--jobs", "1",
         "--format", "jsonl:-,json", "-o", str(tmp_path / "out"), str(big_corpus)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    assert first.startswith(b"{")
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == EXIT_BROKEN_PIPE, stderr
    assert b"Traceback" not in stderr
    assert _leftovers(tmp_path / "out") == []
