"""Test helpers: run one rule over a text the way the engine would."""

from __future__ import annotations

from audit.config import Config
from audit.doc import Doc
from audit.engine import run_rules
from audit.model import Article
from audit.readers import clean_text
from audit.registry import Rule


def run_rule(rule: Rule, text: str, config: Config | None = None, corpus: dict | None = None):
    """Findings of ``rule`` alone on ``text`` (text passes through the
    reader's decoding step first, as real input does)."""
    text, errs = clean_text(text)
    cfg = config or Config()
    doc = Doc(Article(id="example", text=text, decode_errors=errs), cfg, corpus)
    return doc, run_rules(doc, [rule], cfg)
