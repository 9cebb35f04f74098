"""User pattern rules: a regex or a phrase list from the configuration,
turned into ordinary registered rules (no Python needed).

::

    [[tool.mtaudit.patterns]]
    code = "HX001"
    name = "house-style-framework"
    message = "Wordy calque '{match}'"
    category = "translation"
    severity = "warning"
    phrases = ["in the framework of", "within the framework of"]
    replacement = "under"          # optional; unsafe unless fix-safe = true

Regexes use Python ``re`` syntax and must run in linear time on any input,
so they are checked before use (``check_regex``):

* no backreferences or conditional groups;
* a repeated group may not contain a variable-count quantifier or a
  multi-character alternation (``(a+)+``, ``(x|xy)*``: exponential);
* two variable quantifiers whose characters overlap may not follow each
  other, even with optional items between (``\\w+\\s*\\w+``: polynomial);
* the pattern may not match the empty string;
* unbounded quantifiers (``*``, ``+``, ``{n,}``) match at most
  ``REPEAT_CAP`` repetitions, so one match attempt does bounded work and a
  whole text costs at most ``len(text) × REPEAT_CAP`` steps.

Phrases are matched with an Aho-Corasick automaton (linear in the text) at
word boundaries, case-insensitively unless ``ignore-case = false``.

The automaton is ``audit.aho.KeyMatcher`` (every occurrence of a set of
keys, through ahocorasick-rs), shared with the translation family's scan
and the zone classifier.
"""

from __future__ import annotations

import re
import re._compiler as _sre_compiler
import re._constants as _c
import re._parser as _sre_parser
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from . import registry
from .aho import KeyMatcher
from .doc import Doc
from .model import Fix, Hit
from .registry import Rule

#: The most repetitions an unbounded quantifier in a user regex matches.
REPEAT_CAP = 200
MAX_PATTERN_LENGTH = 2000

# Characters used to decide whether two character classes overlap.
_PROBES = (
    [chr(c) for c in range(0x20, 0x7F)]
    + list("\t\n\r\x0b\x0c\x85\u00a0\u2003\u2028\u3000")
    + list("éÉßçüÜñЖжπΩİıłŁčČ中日한١٣\u0301")
    + list("\u2019\u2018\u201c\u201d\u00ab\u00bb\u2013\u2014\u2026\u00b7\u20ac\u00a3\ufffd")
)

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_SINGLE_CHAR = (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN)


class PatternError(ValueError):
    """A user regex that is invalid or may take more than linear time."""


@dataclass(frozen=True)
class PatternSpec:
    """A validated user pattern rule (built by ``audit.configfile``)."""

    code: str
    name: str
    message: str
    category: str
    severity: str
    regex: str | None = None
    phrases: tuple[str, ...] = ()
    ignore_case: bool = False
    replacement: str | None = None
    fix_safe: bool = False
    skip_quotes: bool = False
    description: str = ""
    bad: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    #: where it was defined, e.g. ``pyproject.toml [tool.mtaudit] patterns[0]``
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "category": self.category,
            "severity": self.severity,
        }
        if self.regex is not None:
            out["regex"] = self.regex
        else:
            out["phrases"] = list(self.phrases)
        out["ignore-case"] = self.ignore_case
        if self.replacement is not None:
            out["replacement"] = self.replacement
            out["fix-safe"] = self.fix_safe
        if self.skip_quotes:
            out["skip-quotes"] = True
        return out


# -- regex safety ------------------------------------------------------------
def _is_variable(op: Any, av: Any) -> bool:
    return op in _REPEATS and av[0] != av[1]


def _walk(data: list[Any]) -> Iterator[tuple[Any, Any]]:
    """Every (op, av) node of a parsed pattern, depth first."""
    for op, av in data:
        yield op, av
        for sub in _children(op, av):
            yield from _walk(sub)


def _children(op: Any, av: Any) -> list[list[Any]]:
    if op in _REPEATS:
        return [av[2]]
    if op is _c.SUBPATTERN:
        return [av[3]]
    if op is _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op is _c.ATOMIC_GROUP:
        return [av]
    if op is _c.GROUPREF_EXISTS:
        return [b for b in av[1:] if b is not None]
    return []


class _Sets:
    """Which probe characters a node can consume (over-approximated)."""

    def __init__(self, state: Any, flags: int):
        self.state = state
        self.flags = flags

    def of_leaf(self, node: tuple[Any, Any]) -> frozenset[str]:
        sub = _sre_parser.SubPattern(self.state, [node])
        rx = _sre_compiler.compile(sub, self.flags)
        return frozenset(ch for ch in _PROBES if rx.fullmatch(ch))

    def of(self, node: tuple[Any, Any]) -> frozenset[str]:
        op, av = node
        if op in _SINGLE_CHAR:
            return self.of_leaf(node)
        out: set[str] = set()
        for o, a in _walk([node]):
            if o in _SINGLE_CHAR:
                out |= self.of_leaf((o, a))
        return frozenset(out)


def _first(node: tuple[Any, Any], sets: _Sets) -> frozenset[str]:
    """Probe characters a node can begin with."""
    op, av = node
    if op in _SINGLE_CHAR:
        return sets.of_leaf(node)
    if op in _REPEATS:
        return _first_seq(av[2], sets)
    if op is _c.SUBPATTERN:
        return _first_seq(av[3], sets)
    if op is _c.ATOMIC_GROUP:
        return _first_seq(av, sets)
    if op is _c.BRANCH:
        out: frozenset[str] = frozenset()
        for b in av[1]:
            out |= _first_seq(b, sets)
        return out
    return frozenset()


def _first_seq(items: list[Any], sets: _Sets) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for n in items:
        out |= _first(n, sets)
        if not _nullable(n):
            break
    return out


def _nullable(node: tuple[Any, Any]) -> bool:
    op, av = node
    if op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
        return True
    if op in _REPEATS:
        return av[0] == 0
    if op is _c.SUBPATTERN:
        return all(_nullable(n) for n in av[3])
    if op is _c.ATOMIC_GROUP:
        return all(_nullable(n) for n in av)
    if op is _c.BRANCH:
        return any(all(_nullable(n) for n in b) for b in av[1])
    return False


def _check_sequence(data: list[Any], sets: _Sets) -> None:
    for i, node in enumerate(data):
        op, av = node
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            raise PatternError("backreferences and conditional groups are not allowed")
        if op in _REPEATS and av[1] > 1:
            for iop, iav in _walk(av[2]):
                if _is_variable(iop, iav):
                    raise PatternError(
                        "a repeated group may not contain another variable quantifier (nested quantifiers "
                        "can take exponential time); bound the inner part or write separate rules"
                    )
                if iop is _c.BRANCH:
                    raise PatternError(
                        "a repeated group may not contain an alternation of several characters "
                        "(it can take exponential time); use a character class or a phrase list"
                    )
        if _is_variable(op, av):
            mine = sets.of(node)
            for nxt in data[i + 1 :]:
                nop, nav = nxt
                if nop is _c.AT:
                    continue
                if _is_variable(nop, nav) and mine & _first(nxt, sets):
                    raise PatternError(
                        "two quantifiers that can match the same characters follow each other "
                        "(e.g. \\w+\\s*\\w+); that backtracks in polynomial time — make them disjoint"
                    )
                if not _nullable(nxt):
                    break
        for sub in _children(op, av):
            _check_sequence(sub, sets)


def _cap(data: list[Any], cap: int) -> None:
    for i, (op, av) in enumerate(data):
        if op in _REPEATS and av[1] == _c.MAXREPEAT:
            data[i] = (op, (av[0], max(cap, av[0]), av[2]))
        for sub in _children(op, data[i][1]):
            _cap(sub, cap)


def _reset_widths(sub: Any) -> None:
    sub.width = None
    for op, av in sub.data:
        for child in _children(op, av):
            if isinstance(child, _sre_parser.SubPattern):
                _reset_widths(child)


def check_regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """Validate a user regex and compile it with every unbounded quantifier
    capped at ``REPEAT_CAP``. Raises ``PatternError`` with a message fit for
    the user."""
    if not isinstance(pattern, str) or not pattern:
        raise PatternError("must be a non-empty string")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"longer than {MAX_PATTERN_LENGTH} characters")
    flags = re.IGNORECASE if ignore_case else 0
    try:
        tree = _sre_parser.parse(pattern, flags)
    except re.error as exc:
        raise PatternError(f"not a valid regular expression: {exc}") from None
    except (RecursionError, OverflowError):
        raise PatternError("too deeply nested") from None
    flags |= tree.state.flags
    _check_sequence(tree.data, _Sets(tree.state, flags))
    if tree.getwidth()[0] == 0:
        raise PatternError("can match an empty string; every match must cover some text")
    _cap(tree.data, REPEAT_CAP)
    _reset_widths(tree)
    try:
        return _sre_compiler.compile(tree, flags)
    except (re.error, OverflowError, RecursionError) as exc:
        raise PatternError(f"cannot be compiled: {exc}") from None


# -- phrase matching ---------------------------------------------------------
def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length (characters whose
    lower case is longer, such as 'İ', are kept as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(lc if len(lc := c.lower()) == 1 else c for c in text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class PhraseMatcher:
    """Leftmost-longest, non-overlapping phrase matches at word boundaries."""

    def __init__(self, phrases: tuple[str, ...], ignore_case: bool):
        self.ignore_case = ignore_case
        # The library picks the automaton: a DFA for a short list, a compact
        # NFA for a long one (a DFA's memory would grow with it).
        self.keys = KeyMatcher(sorted({fold(p) if ignore_case else p for p in phrases}))

    def finditer(self, text: str, folded: str | None = None) -> Iterator[tuple[int, int]]:
        """Matches in ``text`` as ``(start, end)``. ``folded``: ``fold(text)``
        when it is at hand (``Doc.lower`` is the same string), searched
        instead of folding ``text`` again when the matcher ignores case."""
        hay = (fold(text) if folded is None else folded) if self.ignore_case else text
        n = len(hay)
        cands: list[tuple[int, int]] = []
        for _, s, e in self.keys.matches(hay):
            if _is_word(hay[s]) and s > 0 and _is_word(hay[s - 1]):
                continue
            if _is_word(hay[e - 1]) and e < n and _is_word(hay[e]):
                continue
            cands.append((s, -e))
        cands.sort()
        last = 0
        for s, neg_e in cands:
            if s >= last:
                yield s, -neg_e
                last = -neg_e


# -- rules -------------------------------------------------------------------
def _matcher(spec: PatternSpec) -> Callable[[Doc], Iterator[tuple[int, int]]]:
    """The ``(start, end)`` spans ``spec`` matches in a document's text."""
    if spec.regex is not None:
        rx = check_regex(spec.regex, spec.ignore_case)

        def find(doc: Doc) -> Iterator[tuple[int, int]]:
            for m in rx.finditer(doc.text):
                if m.end() > m.start():
                    yield m.span()

        return find
    phrases = PhraseMatcher(spec.phrases, spec.ignore_case)

    def find_phrases(doc: Doc) -> Iterator[tuple[int, int]]:
        # ``Doc.lower`` is ``fold(doc.text)``, already made for the zone scan.
        return phrases.finditer(doc.text, doc.lower if spec.ignore_case else None)

    return find_phrases


class PatternRuleFn:
    """The rule function of a user pattern rule. A class rather than a
    closure so that a plan holding it can be pickled (worker processes
    started with spawn/forkserver, Dask): it pickles as its spec and is
    rebuilt, regex check included, on the other side."""

    def __init__(self, spec: PatternSpec):
        self.spec = spec
        self._find = _matcher(spec)
        self._placeholder = "{match}" in spec.message
        self.__name__ = self.__qualname__ = f"user_pattern_{spec.code}"

    def __call__(self, doc: Doc) -> Iterator[Hit]:
        spec = self.spec
        text = doc.text
        for s, e in self._find(doc):
            if spec.skip_quotes and doc.in_quote(s):
                continue
            msg = spec.message.replace("{match}", text[s:e]) if self._placeholder else spec.message
            fix = Fix(spec.replacement, spec.fix_safe) if spec.replacement is not None else None
            yield Hit(s, e, msg, fix)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PatternRuleFn, (self.spec,))


def build_rule(spec: PatternSpec) -> Rule:
    """A registered-rule object for ``spec`` (regex checked here)."""
    fn = PatternRuleFn(spec)
    summary = spec.message.replace("{match}", "…")
    why = spec.description or "a project-specific pattern defined in the configuration."
    where = f" Defined in {spec.origin}." if spec.origin else ""
    kind = f"regex `{spec.regex}`" if spec.regex is not None else f"{len(spec.phrases)} phrase(s)"
    doc = f"{summary}\n\nWhy it matters: {why}\n\nUser pattern rule ({kind}).{where}"
    return Rule(
        code=spec.code,
        name=spec.name,
        category=spec.category,
        severity=spec.severity,
        fn=fn,
        summary=summary,
        doc=doc,
        bad=spec.bad,
        good=spec.good,
        fixable=spec.replacement is not None,
        module="user-config",
        tags=("user",),
    )


_INSTALLED: list[str] = []


def install(specs: list[PatternSpec]) -> list[Rule]:
    """Register the rules of ``specs``, replacing any user pattern rules
    installed before (user rules are scoped to one configuration)."""
    uninstall()
    rules = [build_rule(s) for s in specs]
    for r in rules:
        registry.register_rule(r)
        _INSTALLED.append(r.code)
    return rules


def uninstall() -> None:
    """Remove the user pattern rules installed by ``install``."""
    while _INSTALLED:
        registry.unregister_rule(_INSTALLED.pop())


@contextmanager
def installed(specs: list[PatternSpec]) -> Iterator[list[Rule]]:
    """Install ``specs`` for the duration of a ``with`` block."""
    previous = [registry.get_rule(c) for c in _INSTALLED]
    try:
        yield install(specs)
    finally:
        uninstall()
        for r in previous:
            if r is not None:
                registry.register_rule(r)
                _INSTALLED.append(r.code)


def installed_codes() -> tuple[str, ...]:
    return tuple(_INSTALLED)
