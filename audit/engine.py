"""Run rules over articles: pure functions from articles to results.

``make_plan(config)`` resolves selection once per run; ``audit_article``
turns one article into an ``ArticleResult``; ``collect_corpus`` runs the
corpus-level first pass of the collectors the selected rules need.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Callable, Iterable

from . import registry
from .config import Config
from .doc import Doc
from .model import SEVERITY_RANK, Article, ArticleResult, Finding, Fix, Hit
from .registry import Rule
from .scoring import score_article

#: The tool's own findings. Their category is that of the rule they concern.
AU_RULE_CRASHED = ("AU001", "rule-crashed")
AU_TIME_BUDGET = ("AU002", "time-budget-exceeded")
AU_ANALYSIS_CRASHED = ("AU003", "analysis-crashed")

KEY_CONTEXT = 20


def finding_key(article_id: str, rule: str, text: str, start: int, end: int) -> str:
    """Stable identity of a finding for waivers and baselines.

    Hashes the article id, the rule and the flagged text with up to
    ``KEY_CONTEXT`` characters of context on each side, within its own line
    (whitespace folded) — never the offset, so edits elsewhere in the
    article, including in neighbouring paragraphs, keep the key.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end == -1:
        line_end = len(text)
    lo = max(line_start, start - KEY_CONTEXT)
    hi = max(end, min(line_end, end + KEY_CONTEXT))
    ctx = " ".join(text[lo:hi].split())
    h = hashlib.sha256(f"{article_id}\x00{rule}\x00{start - lo}\x00{ctx}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


@dataclass
class Plan:
    """Everything decided once per run."""

    config: Config
    rules: list[Rule]
    #: waiver key → reason (from ``--waivers`` / ``--baseline``)
    waivers: dict[str, str] = field(default_factory=dict)
    #: stats providers: fn(doc) -> dict merged into ``stats``
    stat_providers: list[Callable[[Doc], dict[str, Any]]] = field(default_factory=list)
    #: annotators: (name, fn(doc) -> value) stored in the article result
    annotators: list[tuple[str, Callable[[Doc], Any]]] = field(default_factory=list)
    #: rules per source/path glob (per-source ignores), cached
    _by_pattern: dict[str, list[Rule]] = field(default_factory=dict)

    @property
    def needed_collectors(self) -> list[str]:
        names = sorted({n for r in self.rules for n in r.needs})
        return names

    def rules_for(self, article: Article) -> list[Rule]:
        psi = self.config.per_source_ignores
        if not psi:
            return self.rules
        drop: list[str] = []
        keys = [k for k in (article.source, article.path, article.id) if k]
        for pattern, selectors in psi.items():
            if any(fnmatchcase(k, pattern) for k in keys):
                drop.extend(selectors)
        if not drop:
            return self.rules
        return [r for r in self.rules if not any(registry.matches(r, s) for s in drop)]


def make_plan(config: Config, waivers: dict[str, str] | None = None) -> Plan:
    rules = registry.select_rules(config.select, config.ignore, config.extend_select)
    return Plan(
        config=config,
        rules=rules,
        waivers=dict(waivers or {}),
        stat_providers=registry.stat_providers(),
        annotators=registry.annotators(),
    )


def collect_corpus(articles: Iterable[Article], plan: Plan) -> dict[str, Any]:
    """First pass: run the needed collectors over every article, merge."""
    names = plan.needed_collectors
    if not names:
        return {}
    cols = registry.collectors()
    acc: dict[str, Any] = {n: cols[n].empty() for n in names}
    for art in articles:
        doc = Doc(art, plan.config)
        for n in names:
            acc[n] = cols[n].merge(acc[n], cols[n].observe(doc))
    return finish_corpus(acc, plan)


def merge_partials(a: dict[str, Any], b: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Merge two collector partials (for parallel or distributed passes)."""
    cols = registry.collectors()
    return {n: cols[n].merge(a.get(n, cols[n].empty()), b.get(n, cols[n].empty())) for n in plan.needed_collectors}


def finish_corpus(acc: dict[str, Any], plan: Plan) -> dict[str, Any]:
    cols = registry.collectors()
    return {n: cols[n].finish(acc[n]) for n in acc}


def _stamp(rule: Rule, hit: Hit, text: str, config: Config) -> Finding:
    start, end = hit.start, hit.end
    if not (0 <= start <= end <= len(text)):
        raise ValueError(f"{rule.code} yielded an out-of-range span {start}:{end} (text length {len(text)})")
    severity = config.severity.get(rule.code) or hit.severity or rule.severity
    return Finding(
        rule=rule.code,
        name=rule.name,
        category=rule.category,
        severity=severity,
        message=hit.message or rule.summary,
        start=start,
        end=end,
        text=text[start:end],
        fix=hit.fix,
        data=hit.data,
    )


def _tool_finding(code_name: tuple[str, str], rule: Rule, message: str) -> Finding:
    return Finding(
        rule=code_name[0],
        name=code_name[1],
        category=rule.category,
        severity="error",
        message=message,
        start=0,
        end=0,
        text="",
        data={"rule": rule.code},
    )


def run_rules(doc: Doc, rules: list[Rule], config: Config) -> list[Finding]:
    """Run rules over one document. A rule that raises becomes an AU001
    finding; once the article's time budget is spent the remaining rules
    are skipped and reported as AU002."""
    text = doc.text
    findings: list[Finding] = []
    budget = config.time_budget
    t0 = time.perf_counter()
    for i, rule in enumerate(rules):
        try:
            for hit in rule.fn(doc):
                findings.append(_stamp(rule, hit, text, config))
        except Exception as exc:  # noqa: BLE001 - a rule bug must not stop the run
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(
                _tool_finding(
                    AU_RULE_CRASHED,
                    rule,
                    f"rule {rule.code} ({rule.name}) crashed: {type(exc).__name__}: {exc} "
                    f"[{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}]",
                )
            )
        if budget and time.perf_counter() - t0 > budget and i + 1 < len(rules):
            skipped = [r.code for r in rules[i + 1 :]]
            findings.append(
                _tool_finding(
                    AU_TIME_BUDGET,
                    rule,
                    f"article exceeded the time budget of {budget:g} s after rule {rule.code}; "
                    f"skipped {len(skipped)} rules: {', '.join(skipped)}",
                )
            )
            break
    findings.sort(key=lambda f: (f.start, f.end, f.rule, f.message))
    # Drop exact duplicates (same rule, same span, same message).
    out: list[Finding] = []
    last = None
    for f in findings:
        k = (f.start, f.end, f.rule, f.message)
        if k != last:
            out.append(f)
        last = k
    return out


def _analysis_crash(fn: Callable[..., Any], what: str, exc: Exception) -> Finding:
    """AU003: a stats provider or annotator raised. Its category is that of
    the rules defined beside it (its family)."""
    category = next((r.category for r in registry.all_rules() if r.module == fn.__module__), "style")
    tb = traceback.extract_tb(exc.__traceback__)[-1]
    return Finding(
        rule=AU_ANALYSIS_CRASHED[0],
        name=AU_ANALYSIS_CRASHED[1],
        category=category,
        severity="error",
        message=f"{what} crashed: {type(exc).__name__}: {exc} [{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}]",
        start=0,
        end=0,
        text="",
        data={"analysis": what},
    )


def compute_stats(doc: Doc, plan: Plan, crashes: list[Finding] | None = None) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "chars": len(doc.text),
        "words": doc.word_count,
        "sentences": len(doc.sentences),
        "paragraphs": len(doc.paragraphs),
    }
    for provider in plan.stat_providers:
        try:
            stats.update(provider(doc))
        except Exception as exc:  # noqa: BLE001 - never stop the run
            if crashes is not None:
                crashes.append(_analysis_crash(provider, f"stats provider {provider.__name__}", exc))
    return stats


def annotate(doc: Doc, plan: Plan, crashes: list[Finding]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name, fn in plan.annotators:
        try:
            extra[name] = fn(doc)
        except Exception as exc:  # noqa: BLE001 - never stop the run
            crashes.append(_analysis_crash(fn, f"annotator {name}", exc))
    return extra


def audit_article(article: Article, plan: Plan, corpus: dict[str, Any] | None = None) -> ArticleResult:
    """Audit one article. Pure: same article, plan and corpus → same result."""
    doc = Doc(article, plan.config, corpus)
    findings = run_rules(doc, plan.rules_for(article), plan.config)
    crashes: list[Finding] = []
    stats = compute_stats(doc, plan, crashes)
    extra = annotate(doc, plan, crashes)
    if crashes:
        findings = crashes + findings
    waivers = plan.waivers
    for f in findings:
        f.key = finding_key(article.id, f.rule, doc.text, f.start, f.end)
        if waivers:
            reason = waivers.get(f.key)
            if reason is not None:
                f.waived = reason or "waived"
    score, status, breakdown = score_article(
        findings, stats["words"], plan.config.fail_under, plan.config.warn_under
    )
    return ArticleResult(
        article=article,
        findings=findings,
        score=score,
        status=status,
        breakdown=breakdown,
        stats=stats,
        extra=extra,
    )


def gate_failures(result: ArticleResult, fail_on: str) -> bool:
    """Does this article trip the gate (status fail, or a counting finding
    at or above ``fail_on``)?"""
    if result.status == "fail":
        return True
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(not f.waived and SEVERITY_RANK[f.severity] >= threshold for f in result.findings)


def apply_fixes(text: str, findings: Iterable[Finding], unsafe: bool = False) -> tuple[str, int]:
    """Apply fixes, first come first served: a fix overlapping an earlier
    applied one is skipped (deterministic: findings sorted by start, end,
    rule). Returns the new text and the number of fixes applied."""
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    spans = []
    for f in findings:
        fx: Fix | None = f.fix
        if fx is None or f.waived or (not fx.safe and not unsafe):
            continue
        s, e = fx.span(f.start, f.end)
        spans.append((s, e, f.rule, fx.replacement))
    for s, e, _rule, rep in sorted(spans):
        if s < last_end or (s == e == last_end):
            continue
        chosen.append((s, e, rep))
        last_end = max(last_end, e)
    if not chosen:
        return text, 0
    parts: list[str] = []
    pos = 0
    for s, e, rep in chosen:
        parts.append(text[pos:s])
        parts.append(rep)
        pos = e
    parts.append(text[pos:])
    return "".join(parts), len(chosen)
