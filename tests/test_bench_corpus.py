"""The benchmark corpus generator (``bench/corpus.py``)."""

from __future__ import annotations

import json

from bench.corpus import FOREIGN, generate, write_jsonl


def test_generated_corpus_is_written_and_read_back(tmp_path):
    # 3,000 articles reach every kind of damage, including an untranslated
    # paragraph placed after a paragraph holding a lone surrogate (an
    # undecodable byte), which must not break the generator.
    path = tmp_path / "c.jsonl"
    write_jsonl(str(path), 3000, 350, 0)
    lines = path.read_text(encoding="ascii").splitlines()
    assert len(lines) == 3000
    records = [json.loads(line) for line in lines]
    assert any("\udce9" in r["text"] for r in records)
    assert len({r["id"] for r in records}) == 3000


def test_untranslated_paragraphs_vary():
    foreign = set()
    for rec in generate(3000, 350, 0):
        for para in rec["text"].split("\n"):
            if any(para.startswith(t.split("{")[0][:12]) for ts in FOREIGN.values() for t in ts):
                foreign.add(para)
    assert len(foreign) > 50  # not a handful of fixed sentences met again and again


def test_same_seed_same_corpus():
    assert list(generate(50, 350, 1)) == list(generate(50, 350, 1))
