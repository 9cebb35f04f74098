"""Test helpers: run one rule over a text the way the engine would."""

from __future__ import annotations

from audit.config import Config
from audit.doc import Doc
from audit.engine import run_rules
from audit.model import Article
from audit.readers import clean_text
from audit.registry import Rule, collectors, parse_example


def example_corpus(rule: Rule, config: Config) -> dict:
    """Corpus statistics for a corpus-level rule's examples: its collectors
    run over all of the rule's examples (bad and good), as if they were one
    source's articles, so a bad example is judged against its siblings."""
    texts = [parse_example(b).text for b in rule.bad] + list(rule.good)
    cols = collectors()
    acc = {n: cols[n].empty() for n in rule.needs}
    for k, t in enumerate(texts):
        doc = Doc(Article(id=f"example-{k}", text=clean_text(t)[0]), config)
        for n in rule.needs:
            acc[n] = cols[n].merge(acc[n], cols[n].observe(doc))
    return {n: cols[n].finish(v) for n, v in acc.items()}


def run_rule(rule: Rule, text: str, config: Config | None = None, corpus: dict | None = None):
    """Findings of ``rule`` alone on ``text`` (text passes through the
    reader's decoding step first, as real input does). A rule that needs
    corpus statistics gets ``example_corpus`` unless ``corpus`` is given."""
    text, errs = clean_text(text)
    cfg = config or Config()
    if corpus is None and rule.needs:
        corpus = example_corpus(rule, cfg)
    doc = Doc(Article(id="example", text=text, decode_errors=errs), cfg, corpus)
    return doc, run_rules(doc, [rule], cfg)
