"""Rule metadata, the ``@rule`` decorator, discovery and selection.

A rule is metadata plus a pure function ``fn(doc) -> Iterable[Hit]``::

    @rule(
        code="PU001",
        name="doubled-stop",
        category="punctuation",
        severity="warning",
        fixable=True,
        bad=["It was necessary⟦..⟧ Then"],
        good=["Wait... what?"],
    )
    def doubled_stop(doc):
        \"\"\"Doubled full stop or comma.

        Why it matters: ...
        \"\"\"
        ...

Examples mark the exact span a rule must report with ``⟦`` and ``⟧``
(U+27E6, U+27E7). A bad example may also be a dict
``{"text": "...⟦..⟧...", "fixed": "..."}`` to pin down the text after the
rule's fixes are applied. Good examples must produce no hit at all.

Rule modules are found by scanning the ``rules`` package: every module in it
is imported and every ``@rule`` it defines is registered. There is no
hand-kept list.

Corpus-level rules (e.g. boilerplate lines that recur across a corpus) need
a first pass: a module registers a ``@collector`` whose ``observe(doc)``
returns a mergeable partial; the engine merges partials with ``merge`` and
hands the result to rules as ``doc.corpus[name]``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .model import CATEGORIES, SEVERITIES, Hit

MARK_OPEN = "\u27e6"
MARK_CLOSE = "\u27e7"


@dataclass(frozen=True)
class Example:
    """A parsed rule example: the text and the spans it must (bad) or must
    not (good) yield."""

    text: str
    spans: tuple[tuple[int, int], ...]
    fixed: str | None = None


def parse_example(example: str | dict[str, Any]) -> Example:
    """Strip ⟦⟧ markers from an example and return text and marked spans."""
    fixed = None
    if isinstance(example, dict):
        fixed = example.get("fixed")
        example = example["text"]
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    open_at: int | None = None
    for ch in example:
        if ch == MARK_OPEN:
            if open_at is not None:
                raise ValueError(f"nested {MARK_OPEN} in example {example!r}")
            open_at = pos
        elif ch == MARK_CLOSE:
            if open_at is None:
                raise ValueError(f"unbalanced {MARK_CLOSE} in example {example!r}")
            spans.append((open_at, pos))
            open_at = None
        else:
            out.append(ch)
            pos += 1
    if open_at is not None:
        raise ValueError(f"unclosed {MARK_OPEN} in example {example!r}")
    return Example("".join(out), tuple(spans), fixed)


@dataclass
class Rule:
    code: str
    name: str
    category: str
    severity: str
    fn: Callable[..., Iterable[Hit]]
    summary: str
    doc: str
    bad: tuple[Any, ...] = ()
    good: tuple[str, ...] = ()
    fixable: bool = False
    default_enabled: bool = True
    needs: tuple[str, ...] = ()
    module: str = ""
    #: Free-form tags for selection beyond code and category.
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "fixable": self.fixable,
            "default_enabled": self.default_enabled,
            "summary": self.summary,
            "doc": self.doc,
            "bad": [parse_example(b).text for b in self.bad],
            "good": list(self.good),
        }


@dataclass
class Collector:
    """A corpus-level first pass. ``observe(doc)`` returns a partial,
    ``merge(a, b)`` combines two partials (must be associative and
    commutative so parallel chunks can be merged in any order), and
    ``finish(partial)`` turns the merged partial into what rules read."""

    name: str
    observe: Callable[[Any], Any]
    merge: Callable[[Any, Any], Any]
    finish: Callable[[Any], Any] = field(default=lambda x: x)
    empty: Callable[[], Any] = field(default=lambda: None)


_RULES: dict[str, Rule] = {}
_COLLECTORS: dict[str, Collector] = {}
_STATS: dict[str, Callable[[Any], dict[str, Any]]] = {}
_ANNOTATORS: dict[str, Callable[[Any], Any]] = {}
_DISCOVERED = False


def _validate(code: str, name: str, category: str, severity: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"rule {code}: unknown category {category!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {code}: unknown severity {severity!r}")
    if not code[:2].isalpha() or not code[2:].isdigit():
        raise ValueError(f"rule {code}: code must look like 'XX123'")
    if name != name.lower() or " " in name or "_" in name:
        raise ValueError(f"rule {code}: name {name!r} must be kebab-case")


def rule(
    *,
    code: str,
    name: str,
    category: str,
    severity: str,
    bad: Iterable[Any] = (),
    good: Iterable[str] = (),
    fixable: bool = False,
    default_enabled: bool = True,
    needs: Iterable[str] = (),
    tags: Iterable[str] = (),
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register a rule function. See the module docstring."""

    _validate(code, name, category, severity)

    def deco(fn: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        doc = inspect.cleandoc(fn.__doc__ or "")
        if not doc:
            raise ValueError(f"rule {code}: a docstring (summary + why it matters) is required")
        summary = doc.splitlines()[0].strip()
        if code in _RULES and _RULES[code].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"duplicate rule code {code}")
        _RULES[code] = Rule(
            code=code,
            name=name,
            category=category,
            severity=severity,
            fn=fn,
            summary=summary,
            doc=doc,
            bad=tuple(bad),
            good=tuple(good),
            fixable=fixable,
            default_enabled=default_enabled,
            needs=tuple(needs),
            module=fn.__module__,
            tags=tuple(tags),
        )
        fn.rule_code = code  # type: ignore[attr-defined]
        return fn

    return deco


def collector(
    name: str,
    *,
    merge: Callable[[Any, Any], Any],
    finish: Callable[[Any], Any] | None = None,
    empty: Callable[[], Any] | None = None,
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register a corpus-level first-pass collector (see module docstring)."""

    def deco(observe: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _COLLECTORS[name] = Collector(
            name=name,
            observe=observe,
            merge=merge,
            finish=finish or (lambda x: x),
            empty=empty or (lambda: None),
        )
        return observe

    return deco


def stat_provider(name: str) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    """Register ``fn(doc) -> dict`` whose items are merged into every
    article's ``stats`` (readability, detected language, …)."""

    def deco(fn: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        _STATS[name] = fn
        return fn

    return deco


def annotator(name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register ``fn(doc) -> JSON value`` stored under ``name`` in every
    article result (e.g. ``zones``, ``source_language``)."""

    def deco(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _ANNOTATORS[name] = fn
        return fn

    return deco


def stat_providers() -> list[Callable[[Any], dict[str, Any]]]:
    discover()
    return [_STATS[k] for k in sorted(_STATS)]


def annotators() -> list[tuple[str, Callable[[Any], Any]]]:
    discover()
    return sorted(_ANNOTATORS.items())


def register_rule(r: Rule) -> None:
    """Register a rule built at run time (e.g. user pattern rules)."""
    _validate(r.code, r.name, r.category, r.severity)
    _RULES[r.code] = r


def unregister_rule(code: str) -> None:
    """Remove a rule added with ``register_rule`` (user pattern rules are
    scoped to one configuration)."""
    _RULES.pop(code, None)


def discover() -> None:
    """Import every module of the ``rules`` package (once)."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    import rules as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    _DISCOVERED = True


def all_rules() -> list[Rule]:
    discover()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule | None:
    discover()
    return _RULES.get(code.upper())


def collectors() -> dict[str, Collector]:
    discover()
    return dict(_COLLECTORS)


def matches(r: Rule, selector: str) -> bool:
    """A selector is a code prefix (``PU``, ``PU00``, ``PU001``), a category
    name, a rule name, or ``ALL``."""
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    if s.lower() in CATEGORIES:
        return r.category == s.lower()
    if s.lower() == r.name:
        return True
    return r.code.startswith(s.upper())


def select_rules(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    extend_select: Iterable[str] | None = None,
) -> list[Rule]:
    """Rules enabled by ``select`` (default: every default-enabled rule),
    plus ``extend_select``, minus ``ignore``."""
    rules = all_rules()
    select = list(select or [])
    extend = list(extend_select or [])
    ignore = list(ignore or [])
    if select:
        chosen = [r for r in rules if any(matches(r, s) for s in select)]
    else:
        chosen = [r for r in rules if r.default_enabled]
    if extend:
        have = {r.code for r in chosen}
        chosen += [r for r in rules if r.code not in have and any(matches(r, s) for s in extend)]
    chosen = [r for r in chosen if not any(matches(r, s) for s in ignore)]
    return sorted(chosen, key=lambda r: r.code)


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """Selectors that match no rule at all (a likely typo)."""
    rules = all_rules()
    return [s for s in selectors if not any(matches(r, s) for r in rules)]
