"""Determinism: the same corpus and configuration give byte-identical
reports whatever the hash seed (``PYTHONHASHSEED``) and however many worker
processes audit it (``--jobs 1`` vs ``--jobs 2``).

Runs the real command line in subprocesses on a corpus big enough for the
parallel path to use its workers (more than one chunk), with the corpus-wide
first pass on (``SD012``) and hostile records among the normal ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("audit.json", "audit.jsonl", "audit.sarif", "audit.junit.xml", "audit.html")

OPENINGS = [
    "The city council approved the new budget on Tuesday",
    "According to the ministry, the talks will resume next week",
    "Police said two people were injured in the incident",
    "The company reported higher profits in the third quarter",
    "Residents of the northern district were asked to stay indoors",
]
ODDITIES = [
    "", "..", " - said the spokesman", " according to the sources", "\u00e2\u20ac\u2122s", " the the",
    " &amp; partners", "\u200b", " 50 thousand people", " \u201cunprecedented\u201d", " (Reuters)",
]


def _text(i: int) -> str:
    parts = []
    for k in range(3 + i % 4):
        parts.append(OPENINGS[(i + k) % len(OPENINGS)] + ODDITIES[(i * 7 + k) % len(ODDITIES)] + ".")
    body = " ".join(parts)
    tail = "\n\nRead more: related stories\n" if i % 5 == 0 else "\n"
    return f"Headline number {i}\n\n{body}{tail}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("det")
    (d / "site-a").mkdir()
    (d / "site-b").mkdir()
    for i in range(40):
        (d / ("site-a" if i % 2 else "site-b") / f"story-{i:03d}.txt").write_text(_text(i), encoding="utf-8")
    with open(d / "feed.jsonl", "w", encoding="utf-8") as fh:
        for i in range(40, 200):
            fh.write(json.dumps({"id": f"rec-{i}", "text": _text(i), "src": f"wire-{i % 3}"}) + "\n")
        fh.write("{broken json\n")
        fh.write(json.dumps({"id": "rec-41", "text": "A duplicate id. It is reported."}) + "\n")
    return d


def _run(corpus: Path, out: Path, seed: str, jobs: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "audit", "check", "--isolated", "--no-progress", "--jobs", jobs,
         "--id-field", "id", "--source-field", "src", "--extend-select", "SD012",
         "--format", "json,jsonl,sarif,junit,html", "-o", str(out), str(corpus / "site-a"),
         str(corpus / "site-b"), str(corpus / "feed.jsonl")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


def test_reports_are_byte_identical_across_hash_seeds_and_jobs(corpus, tmp_path):
    runs = {}
    for name, seed, jobs in (("a", "1", "1"), ("b", "4242", "2"), ("c", "random", "2")):
        out = tmp_path / name
        r = _run(corpus, out, seed, jobs)
        assert r.returncode == 2, r.stderr  # the broken line and the duplicate id are input errors
        runs[name] = {f: (out / f).read_bytes() for f in FORMATS}
    report = json.loads(runs["a"]["audit.json"])
    assert len(report["articles"]) == 201 and len(report["errors"]) == 2
    assert sum(len(a["findings"]) for a in report["articles"]) > 100
    for f in FORMATS:
        assert runs["a"][f] == runs["b"][f] == runs["c"][f], f"{f} differs between runs"
