"""Run rules over articles: pure functions from articles to results.

``make_plan(config)`` resolves selection once per run; ``audit_article``
turns one article into an ``ArticleResult``; ``collect_corpus`` runs the
corpus-level first pass of the collectors the selected rules need.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Self

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


class TimeBudgetExceeded(BaseException):
    """Raised inside a rule, stats provider or annotator when its article's
    time budget runs out. A ``BaseException``, so that a rule's own
    ``except Exception`` cannot swallow it."""


class Deadline:
    """The time budget of one article (``Config.time_budget`` seconds; 0 or
    less: no budget).

    ``expired()`` is checked before every rule, stats provider and
    annotator. Where it can — POSIX, the main thread, and ``SIGALRM``
    neither handled nor timed by anyone else — the deadline also
    *interrupts* the work in progress: a one-shot ``ITIMER_REAL`` timer
    raises ``TimeBudgetExceeded`` inside the running rule (Python loops and
    regular-expression matches of both ``re`` and ``regex`` are
    interruptible), so one pathological article cannot stall a run. The
    timer only raises inside ``guarded`` calls; elsewhere (the engine's own
    bookkeeping, shared segmentation used for the stats) it merely marks
    the deadline expired. In worker threads (Dask) the budget is enforced
    between rules only.
    """

    __slots__ = ("_outer", "end", "fired", "inside", "seconds", "timer")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.perf_counter() + seconds
        self.fired = False
        #: True while guarded work that may be interrupted is running.
        self.inside = False
        self.timer = False
        self._outer: Deadline | None = None

    def expired(self) -> bool:
        if self.timer:
            return self.fired  # the alarm sets it: no clock read per rule
        return self.seconds > 0 and (self.fired or time.perf_counter() >= self.end)

    def __enter__(self) -> Self:
        global _ACTIVE
        if self.seconds > 0 and _can_interrupt():
            self._outer = _ACTIVE
            _ACTIVE = self
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.timer = True
        return self

    def __exit__(self, *exc: object) -> None:
        global _ACTIVE
        if self.timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.timer = False
            _ACTIVE = self._outer
            if self._outer is not None and self._outer.timer:
                # A nested deadline (an article audited inside another's
                # rule): give the outer one back its remaining time.
                signal.setitimer(signal.ITIMER_REAL, max(self._outer.end - time.perf_counter(), 1e-6))

    def guarded(self, fn: Callable[[Any], Any], arg: Any, out: list[Any] | None = None) -> tuple[str, Any]:
        """Run ``fn(arg)`` (collecting what it yields into ``out`` when given).
        Returns ``("ok", value)``, ``("timeout", None)`` or ``("crash",
        exception)``."""
        try:
            try:
                self.inside = True
                if out is None:
                    value = fn(arg)
                else:
                    out.extend(fn(arg))
                    value = out
            finally:
                self.inside = False
        except TimeBudgetExceeded:
            return "timeout", None
        except Exception as exc:  # noqa: BLE001 - a rule bug must not stop the run
            return "crash", exc
        return "ok", value


#: The deadline whose timer is running in this process (main thread only).
_ACTIVE: Deadline | None = None


def _on_alarm(signum: int, frame: Any) -> None:
    d = _ACTIVE
    if d is None:
        return
    d.fired = True
    if d.inside:
        d.inside = False
        raise TimeBudgetExceeded()


def _can_interrupt() -> bool:
    """May this call use ``SIGALRM``? Installs the handler the first time
    (only over the default disposition, and only when no other timer runs:
    someone else's alarm is left alone)."""
    if _SETITIMER is None or threading.get_ident() != threading.main_thread().ident:
        return False
    current = _getsignal(signal.SIGALRM)
    if current is _on_alarm:
        return True
    if current not in (signal.SIG_DFL, None) or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        return False
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


_SETITIMER = getattr(signal, "setitimer", None)
try:  # the C function: ``signal.getsignal`` wraps it in an enum conversion (slow, per article)
    from _signal import getsignal as _getsignal
except ImportError:  # pragma: no cover - other interpreters
    _getsignal = signal.getsignal


def _crash_message(what: str, exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" [{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}]" if tb else ""
    return f"{what} crashed: {type(exc).__name__}: {exc}{where}"


def run_rules(doc: Doc, rules: list[Rule], config: Config, deadline: Deadline | None = None) -> list[Finding]:
    """Run rules over one document. A rule that raises becomes an AU001
    finding; once the article's time budget is spent the rule running is
    interrupted (see ``Deadline``), the remaining rules are skipped, and
    one AU002 finding says which. ``deadline``: the article's, when the
    caller runs more under the same budget (``audit_article``)."""
    if deadline is None:
        with Deadline(config.time_budget) as own:
            return run_rules(doc, rules, config, own)
    text = doc.text
    findings: list[Finding] = []
    budget = config.time_budget
    last: Rule | None = None
    for i, rule in enumerate(rules):
        if deadline.expired():
            findings.append(_over_budget(rules[i:], rule, budget, False, last))
            break
        # ``deadline.guarded(rule.fn, doc, hits)``, written out: this runs
        # 50 times per article, and the call costs more than the rule on a
        # clean article. Hits yielded before a crash or an interruption
        # are kept.
        hits: list[Hit] = []
        outcome, value = "ok", None
        try:
            try:
                deadline.inside = True
                hits.extend(rule.fn(doc))
            finally:
                deadline.inside = False
        except TimeBudgetExceeded:
            outcome = "timeout"
        except Exception as exc:  # noqa: BLE001 - a rule bug must not stop the run
            outcome, value = "crash", exc
        if hits:
            try:
                for hit in hits:
                    findings.append(_stamp(rule, hit, text, config))
            except ValueError as exc:
                outcome, value = "crash", exc
        if outcome == "ok":
            last = rule
            continue
        if outcome == "crash":
            findings.append(_tool_finding(AU_RULE_CRASHED, rule, _crash_message(f"rule {rule.code} ({rule.name})", value)))
        elif outcome == "timeout":
            findings.append(_over_budget(rules[i + 1 :], rule, budget, True, last))
            break
        last = rule
    findings.sort(key=lambda f: (f.start, f.end, f.rule, f.message))
    # Drop exact duplicates (same rule, same span, same message).
    out: list[Finding] = []
    last_key = None
    for f in findings:
        k = (f.start, f.end, f.rule, f.message)
        if k != last_key:
            out.append(f)
        last_key = k
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _over_budget(skipped: list[Rule], rule: Rule, budget: float, interrupted: bool, after: Rule | None) -> Finding:
    """The AU002 finding: where the budget ran out and what was skipped.
    ``rule``: the rule interrupted, or the next one due to run."""
    codes = [r.code for r in skipped]
    if interrupted:
        where = f"in rule {rule.code} ({rule.name}), which was interrupted"
    else:
        where = f"after rule {after.code}" if after else "before its first rule"
    f = _tool_finding(
        AU_TIME_BUDGET,
        rule,
        f"article exceeded the time budget of {budget:g} s {where}"
        + (f"; skipped {_plural(len(codes), 'rule')}: {', '.join(codes)}" if codes else ""),
    )
    f.data = {"rule": rule.code, "interrupted": interrupted, "skipped": codes}
    return f


def _family(fn: Callable[..., Any]) -> str:
    """Category of a stats provider or annotator: that of the rules defined
    beside it (its family)."""
    return next((r.category for r in registry.all_rules() if r.module == fn.__module__), "style")


def _analysis_finding(code_name: tuple[str, str], fn: Callable[..., Any], message: str, data: dict[str, Any]) -> Finding:
    return Finding(
        rule=code_name[0],
        name=code_name[1],
        category=_family(fn),
        severity="error",
        message=message,
        start=0,
        end=0,
        text="",
        data=data,
    )


def _analysis_crash(fn: Callable[..., Any], what: str, exc: BaseException) -> Finding:
    """AU003: a stats provider or annotator raised."""
    return _analysis_finding(AU_ANALYSIS_CRASHED, fn, _crash_message(what, exc), {"analysis": what})


@dataclass
class _Analyses:
    """What the stats providers and annotators of one article left behind:
    crashes (AU003) and, once the time budget ran out, the analysis that
    was interrupted and those skipped."""

    crashes: list[Finding] = field(default_factory=list)
    interrupted: str | None = None
    skipped: list[str] = field(default_factory=list)
    first_fn: Callable[..., Any] | None = None

    def over_budget(self, budget: float) -> Finding | None:
        """One AU002 finding for every analysis the budget cost, if any."""
        if self.interrupted is None and not self.skipped:
            return None
        names = ([self.interrupted] if self.interrupted else []) + self.skipped
        how = f"in {self.interrupted}, which was interrupted" if self.interrupted else f"before {self.skipped[0]}"
        assert self.first_fn is not None
        return _analysis_finding(
            AU_TIME_BUDGET,
            self.first_fn,
            f"article exceeded the time budget of {budget:g} s {how}; "
            f"results missing: {', '.join(names)}",
            {"analysis": names[0], "interrupted": self.interrupted is not None, "skipped": names},
        )


def _run_analyses(
    doc: Doc,
    jobs: list[tuple[str, str, Callable[[Doc], Any]]],
    done: _Analyses,
    deadline: Deadline | None,
) -> list[tuple[str, Any]]:
    """Run stats providers or annotators (``(key, label, fn)``) under the
    article's deadline: a crash is an AU003 finding; once the budget is
    spent, the one running is interrupted and the rest are skipped (noted
    in ``done``). Returns ``(key, value)`` of those that ran."""
    out: list[tuple[str, Any]] = []
    for key, label, fn in jobs:
        if deadline is not None and deadline.expired():
            outcome, value = "skipped", None
        else:
            outcome, value = (deadline or Deadline(0)).guarded(fn, doc)
        if outcome == "ok":
            out.append((key, value))
        elif outcome == "crash":
            done.crashes.append(_analysis_crash(fn, label, value))
        else:
            done.first_fn = done.first_fn or fn
            if outcome == "timeout":
                done.interrupted = label
            else:
                done.skipped.append(label)
    return out


def compute_stats(doc: Doc, plan: Plan, done: _Analyses | None = None, deadline: Deadline | None = None) -> dict[str, Any]:
    """The article's ``stats``: the shared segmentation counts (always),
    then every stats provider (see ``_run_analyses``)."""
    stats: dict[str, Any] = {
        "chars": len(doc.text),
        "words": doc.word_count,
        "sentences": len(doc.sentences),
        "paragraphs": len(doc.paragraphs),
    }
    jobs = [(p.__name__, f"stats provider {p.__name__}", p) for p in plan.stat_providers]
    for _name, value in _run_analyses(doc, jobs, done or _Analyses(), deadline):
        stats.update(value)
    return stats


def annotate(doc: Doc, plan: Plan, done: _Analyses | None = None, deadline: Deadline | None = None) -> dict[str, Any]:
    """Every annotator's value by name (see ``_run_analyses``)."""
    jobs = [(name, f"annotator {name}", fn) for name, fn in plan.annotators]
    return dict(_run_analyses(doc, jobs, done or _Analyses(), deadline))


def audit_article(article: Article, plan: Plan, corpus: dict[str, Any] | None = None) -> ArticleResult:
    """Audit one article. Pure: same article, plan and corpus → same result
    (unless its time budget runs out, which an AU002 finding reports)."""
    doc = Doc(article, plan.config, corpus)
    done = _Analyses()
    with Deadline(plan.config.time_budget) as deadline:
        findings = run_rules(doc, plan.rules_for(article), plan.config, deadline)
        over = next((f for f in findings if f.rule == AU_TIME_BUDGET[0]), None)
        if over is not None:
            deadline.fired = True  # rules were skipped: skip the analyses too
        stats = compute_stats(doc, plan, done, deadline)
        extra = annotate(doc, plan, done, deadline)
    extra_findings = done.crashes
    late = done.over_budget(plan.config.time_budget)
    if late is not None and over is not None:
        # One AU002 per article: the rules' finding also names the analyses.
        over.message += f"; results missing: {', '.join(late.data['skipped'])}"  # type: ignore[index]
        over.data["skipped_analyses"] = late.data["skipped"]  # type: ignore[index]
    elif late is not None:
        extra_findings = [late, *extra_findings]
    if extra_findings:
        findings = extra_findings + findings
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
