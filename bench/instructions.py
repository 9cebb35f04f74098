"""Instructions per article, counted by valgrind's callgrind.

Wall-clock and CPU time on a shared virtual machine vary by several per cent
from one minute to the next; the number of instructions the interpreter
executes does not (same binary, same input, same figure whatever else the
machine is doing). This script audits ``--warm-up`` articles (lazily built
resources, caches), then ``--articles`` more, under callgrind, and a second
time with the warm-up only; the difference divided by ``--articles`` is the
cost of one article in instructions. Use it to compare two versions of the
code: ``--root`` points at another checkout (``git worktree add``).

    python bench/instructions.py                       # this checkout
    python bench/instructions.py --root /tmp/old-tree  # another one

Needs ``valgrind`` (Debian: ``apt-get install valgrind``); a run takes one
to three minutes (the interpreter runs about 50 times slower under it).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

from bench.bench import corpus_path  # noqa: E402

#: What runs under callgrind: audit ``warm`` articles, then ``n`` more.
CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from audit.config import Config
from audit.engine import audit_article, make_plan
from audit.model import Article
with open({corpus!r}, encoding="utf-8") as fh:
    arts = [Article(id=str(i), text=json.loads(line)["text"]) for i, line in zip(range({total}), fh)]
plan = make_plan(Config())
for a in arts[: {warm}]:
    audit_article(a, plan)
for a in arts[{warm} : {warm} + {n}]:
    audit_article(a, plan)
"""


def instructions(root: Path, corpus: Path, warm: int, n: int) -> int:
    """Instructions callgrind counts for one child run."""
    code = CHILD.format(root=str(root), corpus=str(corpus), total=warm + n, warm=warm, n=n)
    with tempfile.TemporaryDirectory(prefix="mtaudit-callgrind-") as tmp:
        script = Path(tmp) / "child.py"
        script.write_text(code, encoding="utf-8")
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", os.path.realpath(sys.executable),
             str(script)],
            capture_output=True, text=True, check=False,
        )
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or m is None:
        raise SystemExit(f"callgrind run failed:\n{proc.stderr[-3000:]}")
    return int(m.group(1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose audit/ and rules/ are measured [this one]")
    ap.add_argument("--words", type=int, default=350, help="article size of the synthetic corpus [350]")
    ap.add_argument("--articles", type=int, default=300, help="articles measured [300]")
    ap.add_argument("--warm-up", type=int, default=100, help="articles audited first, not measured [100]")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "mtaudit-bench")
    args = ap.parse_args(argv)
    corpus = corpus_path(args.cache, max(3000, args.warm_up + args.articles), args.words, 0)
    base = instructions(args.root.resolve(), corpus, args.warm_up, 0)
    full = instructions(args.root.resolve(), corpus, args.warm_up, args.articles)
    per = (full - base) / args.articles
    print(f"{args.root.resolve()}: {per / 1e6:.2f} M instructions per ~{args.words}-word article "
          f"({args.articles} articles after a warm-up of {args.warm_up}; callgrind)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
