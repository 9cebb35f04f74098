"""Line-level precision and recall of scraper-debris detection.

Runs the ``debris`` rules (SD…) through the normal runner — first pass for
corpus-level boilerplate included — over a labelled corpus, by default
``tests/corpus/debris`` (folders per site style; ``clean-*`` folders hold
articles without debris), and compares the lines that get a finding with
the labels in ``labels.tsv`` beside the corpus::

    # path<TAB>line<TAB>label
    metro-wire/01.txt	1	navigation
    frontline-monitor/01.txt	2	headline+navigation

A label is the line's zone, optionally ``+DEFECT`` for debris inside a
content line (``navigation``/``metadata`` glued to its start, a
``placeholder``, a ``truncated`` ending). Unlisted lines are lead/body or
blank. A line is debris when its zone is page furniture or it has a
DEFECT; it is *detected* when a finding of a debris rule starts on it.
The zone accuracy compares the ``zones`` annotation with every labelled
line.

Usage::

    python bench/debris_eval.py [CORPUS_DIR] [--verbose] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from audit.config import Config  # noqa: E402
from audit.engine import make_plan  # noqa: E402
from audit.model import ArticleResult  # noqa: E402
from audit.runner import iter_results, reader_options  # noqa: E402
from audit.text import LineIndex  # noqa: E402
from audit.zones import CONTENT_ZONES  # noqa: E402

DEFAULT_CORPUS = os.path.join(ROOT, "tests", "corpus", "debris")


@dataclass
class Evaluation:
    """Counts over all non-blank lines of the corpus."""

    articles: int = 0
    clean_articles: int = 0
    lines: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    zone_labelled: int = 0
    zone_correct: int = 0
    #: rule code → (true positive lines, false positive lines)
    by_rule: dict[str, list[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def zone_accuracy(self) -> float:
        return self.zone_correct / self.zone_labelled if self.zone_labelled else 1.0


def load_labels(corpus: str) -> dict[tuple[str, int], str]:
    labels: dict[tuple[str, int], str] = {}
    with open(os.path.join(corpus, "labels.tsv"), encoding="utf-8") as fh:
        for raw in fh:
            if raw.startswith("#") or not raw.strip():
                continue
            path, line, label = raw.rstrip("\n").split("\t")
            labels[(path, int(line))] = label
    return labels


def is_debris_label(label: str) -> bool:
    zone, _, defect = label.partition("+")
    return zone not in CONTENT_ZONES or bool(defect)


def _line_zones(result: ArticleResult) -> dict[int, str]:
    out: dict[int, str] = {}
    for rng in result.extra.get("zones", []):
        for n in range(rng["start_line"], rng["end_line"] + 1):
            out[n] = rng["zone"]
    return out


def evaluate(corpus: str = DEFAULT_CORPUS, jobs: int = 1) -> Evaluation:
    """Run the debris rules over ``corpus`` and score them against its labels."""
    labels = load_labels(corpus)
    plan = make_plan(Config(select=["debris"]))
    # Only the zones annotation matters here; the others would only cost time.
    plan.annotators = [(name, fn) for name, fn in plan.annotators if name == "zones"]
    ev = Evaluation()
    for res in iter_results([corpus], plan, reader_options(plan.config), jobs=jobs):
        if not isinstance(res, ArticleResult):
            ev.errors.append(str(res.to_dict()))
            continue
        path = res.article.id
        ev.articles += 1
        ev.clean_articles += path.split("/", 1)[0].startswith("clean")
        text = res.article.text
        index = LineIndex(text)
        flagged: dict[int, set[str]] = {}
        for f in res.findings:
            if f.category == "debris":
                flagged.setdefault(index.line_col(f.start)[0], set()).add(f.rule)
        zones = _line_zones(res)
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            ev.lines += 1
            label = labels.get((path, n), "body")
            gold = is_debris_label(label)
            rules = flagged.get(n, set())
            if rules and gold:
                ev.tp += 1
            elif rules:
                ev.fp += 1
                ev.errors.append(f"FP {path}:{n} {sorted(rules)} {line[:70]!r}")
            elif gold:
                ev.fn += 1
                ev.errors.append(f"FN {path}:{n} [{label}] {line[:70]!r}")
            for code in rules:
                ev.by_rule.setdefault(code, [0, 0])[0 if gold else 1] += 1
            if (path, n) in labels:
                ev.zone_labelled += 1
                want = label.partition("+")[0]
                if zones.get(n) == want:
                    ev.zone_correct += 1
                else:
                    ev.errors.append(f"ZONE {path}:{n} want {want} got {zones.get(n)} {line[:50]!r}")
    return ev


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss, false alarm and zone error")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    ev = evaluate(args.corpus, args.jobs)
    print(f"articles: {ev.articles} ({ev.clean_articles} clean), non-blank lines: {ev.lines}")
    print(f"debris lines: {ev.tp + ev.fn} labelled, {ev.tp + ev.fp} flagged, {ev.tp} correct")
    print(f"precision: {ev.precision:.3f}  recall: {ev.recall:.3f}")
    print(f"zone accuracy on labelled lines: {ev.zone_accuracy:.3f} ({ev.zone_correct}/{ev.zone_labelled})")
    print("lines per rule (correct / false alarm):")
    for code in sorted(ev.by_rule):
        tp, fp = ev.by_rule[code]
        print(f"  {code}: {tp} / {fp}")
    kinds = Counter(e.split(" ", 1)[0] for e in ev.errors)
    if ev.errors:
        print("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if args.verbose:
        for e in ev.errors:
            print("  " + e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
