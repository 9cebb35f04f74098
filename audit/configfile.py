"""Configuration files: discovery, validation, precedence and provenance.

A configuration is found by walking up from the working directory: in each
folder ``mtaudit.toml`` (or ``.mtaudit.toml``) wins over a ``pyproject.toml``
that has a ``[tool.mtaudit]`` table; the first folder that has one ends the
search. ``--config FILE`` names the file instead (a ``pyproject.toml`` is read
from its ``[tool.mtaudit]`` table, any other file from its top level);
``--isolated`` ignores configuration files.

Precedence, lowest first: built-in defaults, the configuration file,
command-line options. ``Loaded.origins`` records where every effective value
came from, and ``mtaudit config`` prints it.

Every key is validated; an unknown key or an invalid value raises
``ConfigError`` naming the file, the key and what is wrong.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import registry
from .config import GATE_SEVERITIES, Config, parse_max_failing
from .doc import Doc
from .model import CATEGORIES, SEVERITIES, Article
from .patterns import PatternError, PatternSpec, build_rule
from .registry import parse_example

CONFIG_NAMES = ("mtaudit.toml", ".mtaudit.toml")
PYPROJECT = "pyproject.toml"
DEFAULT_ORIGIN = "default"

_CODE = re.compile(r"^[A-Z]{2}[0-9]{3}$")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_LEXICON_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ConfigError(ValueError):
    """An invalid configuration: which file, which key, what is wrong."""

    def __init__(self, file: str, key: str | None, message: str):
        self.file = file
        self.key = key
        self.message = message
        where = f"{file}: " if file else ""
        what = "" if not key else f"option '{key}': " if key.startswith("-") else f"key '{key}': "
        super().__init__(f"{where}{what}{message}")


@dataclass
class Loaded:
    """The effective configuration and where each value came from."""

    config: Config
    #: config key (kebab-case, as in the file) → origin label
    origins: dict[str, str] = field(default_factory=dict)
    #: the configuration file used, if any
    path: str | None = None
    #: how its keys are spelled in error messages ("tool.mtaudit." in a pyproject.toml)
    prefix: str = ""


# -- value checkers ------------------------------------------------------------
class _Ctx:
    """Where a value comes from, for error messages and relative paths."""

    def __init__(self, file: str, prefix: str, base: str | None):
        self.file = file
        self.prefix = prefix
        self.base = base

    def key(self, k: str) -> str:
        return f"{self.prefix}{k}"

    def error(self, k: str, message: str) -> ConfigError:
        return ConfigError(self.file, self.key(k), message)

    def path(self, value: str) -> str:
        if self.base is None or os.path.isabs(value) or value == "-":
            return value
        return _pretty_path(os.path.join(self.base, value))


def _pretty_path(p: str) -> str:
    """A path relative to the working directory when that is shorter."""
    p = os.path.normpath(p)
    try:
        rel = os.path.relpath(p)
    except ValueError:
        return p
    return rel if len(rel) < len(p) or not os.path.isabs(p) else p


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


def _str(v: Any, ctx: _Ctx, k: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ctx.error(k, f"expected a non-empty string, got {_type_name(v)} {_show(v)}")
    return v


def _show(v: Any) -> str:
    s = json.dumps(v, ensure_ascii=False, default=str)
    return s if len(s) <= 60 else s[:57] + "..."


def _bool(v: Any, ctx: _Ctx, k: str) -> bool:
    if not isinstance(v, bool):
        raise ctx.error(k, f"expected true or false, got {_type_name(v)} {_show(v)}")
    return v


def _score(v: Any, ctx: _Ctx, k: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not 0 <= v <= 100:
        raise ctx.error(k, f"expected a score from 0 to 100, got {_show(v)}")
    return float(v)


def _gate_severity(v: Any, ctx: _Ctx, k: str) -> str:
    if v not in GATE_SEVERITIES:
        raise ctx.error(k, f"expected one of {', '.join(GATE_SEVERITIES)}, got {_show(v)}")
    return str(v)


def _max_failing(v: Any, ctx: _Ctx, k: str) -> str:
    try:
        n, percent = parse_max_failing(v)
    except ValueError as exc:
        raise ctx.error(k, str(exc)) from None
    return f"{n:g}%" if percent else str(int(n))


def _lang(v: Any, ctx: _Ctx, k: str) -> str:
    if not isinstance(v, str) or not _LANG.match(v):
        raise ctx.error(k, f"expected a language code such as 'en' or 'pt-BR', got {_show(v)}")
    return v


def _field_name(v: Any, ctx: _Ctx, k: str) -> str:
    s = _str(v, ctx, k)
    if s != s.strip() or ".." in s or s.startswith(".") or s.endswith("."):
        raise ctx.error(k, f"expected a field name or dotted path such as 'body.text', got {_show(v)}")
    return s


def _time_budget(v: Any, ctx: _Ctx, k: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        raise ctx.error(k, f"expected a number of seconds (0 = no budget), got {_show(v)}")
    return float(v)


def _record_bytes(v: Any, ctx: _Ctx, k: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1024:
        raise ctx.error(k, f"expected a whole number of bytes, at least 1024, got {_show(v)}")
    return v


def _str_list(v: Any, ctx: _Ctx, k: str) -> list[str]:
    if isinstance(v, str):
        v = [p.strip() for p in v.split(",") if p.strip()]
    if not isinstance(v, list):
        raise ctx.error(k, f"expected an array of strings, got {_type_name(v)} {_show(v)}")
    out = []
    for i, item in enumerate(v):
        if not isinstance(item, str) or not item.strip():
            raise ctx.error(f"{k}[{i}]", f"expected a non-empty string, got {_show(item)}")
        out.append(item.strip())
    return out


def _severity_table(v: Any, ctx: _Ctx, k: str) -> dict[str, str]:
    if not isinstance(v, dict):
        raise ctx.error(k, f"expected a table of rule = severity, got {_type_name(v)}")
    out = {}
    for sel, sev in v.items():
        if sev not in SEVERITIES:
            raise ctx.error(f"{k}.{sel}", f"expected one of {', '.join(SEVERITIES)}, got {_show(sev)}")
        out[str(sel)] = str(sev)
    return out


def _ignores_table(v: Any, ctx: _Ctx, k: str) -> dict[str, list[str]]:
    if not isinstance(v, dict):
        raise ctx.error(k, f"expected a table of glob = [rules], got {_type_name(v)}")
    return {str(glob): _str_list(sel, ctx, f"{k}.{_toml_key(glob)}") for glob, sel in v.items()}


def _lexicons(v: Any, ctx: _Ctx, k: str) -> dict[str, list[Any]]:
    if not isinstance(v, dict):
        raise ctx.error(k, f"expected a table of lexicon name = [entries], got {_type_name(v)}")
    out: dict[str, list[Any]] = {}
    for name, entries in v.items():
        kk = f"{k}.{_toml_key(name)}"
        if not _LEXICON_NAME.match(name):
            raise ctx.error(kk, "a lexicon name uses letters, digits, '_', '.' and '-'")
        if not isinstance(entries, list):
            raise ctx.error(kk, f"expected an array of entries, got {_type_name(entries)}")
        for i, e in enumerate(entries):
            if isinstance(e, str):
                if not e.strip():
                    raise ctx.error(f"{kk}[{i}]", "empty entry")
            elif not isinstance(e, dict):
                raise ctx.error(f"{kk}[{i}]", f"expected a string or a table, got {_type_name(e)}")
        out[name] = list(entries)
    return out


def _rule_options(v: Any, ctx: _Ctx, k: str) -> dict[str, dict[str, Any]]:
    if not isinstance(v, dict):
        raise ctx.error(k, f"expected a table of rule = {{option = value}}, got {_type_name(v)}")
    out = {}
    for code, opts in v.items():
        if not isinstance(opts, dict):
            raise ctx.error(f"{k}.{code}", f"expected a table of options, got {_type_name(opts)}")
        out[str(code).upper()] = dict(opts)
    return out


def _path(v: Any, ctx: _Ctx, k: str) -> str:
    return ctx.path(_str(v, ctx, k))


def _formats(v: Any, ctx: _Ctx, k: str) -> list[str]:
    from .reporters import formats

    known = formats()
    out = []
    for i, item in enumerate(_str_list(v, ctx, k)):
        name, sep, dest = item.partition(":")
        if name not in known:
            raise ctx.error(f"{k}[{i}]", f"unknown format {name!r} (choose from {', '.join(known)})")
        if sep and not dest:
            raise ctx.error(f"{k}[{i}]", f"empty destination in {item!r} (use FORMAT:PATH, or FORMAT:- for stdout)")
        out.append(f"{name}:{ctx.path(dest)}" if sep else name)
    return out


_PATTERN_KEYS: dict[str, str] = {
    "code": "rule code such as 'HX001' (required)",
    "name": "kebab-case rule name (default: user-<code>)",
    "message": "what the finding says; {match} is replaced by the matched text (required)",
    "category": "one of the rule categories (required)",
    "severity": "error, warning or info (default warning)",
    "regex": "a Python regular expression (this or phrases)",
    "phrases": "an array of literal phrases matched at word boundaries (this or regex)",
    "ignore-case": "match case-insensitively (default: true for phrases, false for regex)",
    "replacement": "text that replaces the match when fixing",
    "fix-safe": "apply the replacement without --unsafe-fixes (default false)",
    "skip-quotes": "do not flag matches inside quoted speech (default false)",
    "description": "why it matters (shown by mtaudit explain)",
    "bad": "examples that must be flagged, spans marked with ⟦ ⟧",
    "good": "examples that must not be flagged",
}


def _patterns(v: Any, ctx: _Ctx, k: str) -> list[PatternSpec]:
    if not isinstance(v, list):
        raise ctx.error(k, f"expected an array of tables ([[{ctx.prefix}{k}]]), got {_type_name(v)}")
    builtin = {r.code: r for r in registry.all_rules() if "user" not in r.tags}
    names = {r.name for r in builtin.values()}
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(v):
        kk = f"{k}[{i}]"
        if not isinstance(item, dict):
            raise ctx.error(kk, f"expected a table, got {_type_name(item)}")
        _reject_unknown(item, _PATTERN_KEYS, ctx, f"{kk}.")
        spec = _pattern_spec(item, ctx, kk, builtin, names, seen)
        seen[spec.code] = i
        names.add(spec.name)
        out.append(spec)
    return out


def _pattern_spec(
    item: dict[str, Any], ctx: _Ctx, kk: str, builtin: dict[str, Any], names: set[str], seen: dict[str, int]
) -> PatternSpec:
    for req in ("code", "message", "category"):
        if req not in item:
            raise ctx.error(f"{kk}.{req}", "required key is missing")
    code = item["code"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise ctx.error(f"{kk}.code", f"expected two capital letters and three digits such as 'HX001', got {_show(code)}")
    if code.startswith("AU"):
        raise ctx.error(f"{kk}.code", "the AU prefix is reserved for mtaudit's own findings")
    if code in builtin:
        raise ctx.error(f"{kk}.code", f"{code} is already the built-in rule {builtin[code].name!r}")
    if code in seen:
        raise ctx.error(f"{kk}.code", f"{code} is already defined by {ctx.prefix}patterns[{seen[code]}]")
    name = item.get("name", f"user-{code.lower()}")
    if not isinstance(name, str) or not _KEBAB.match(name):
        raise ctx.error(f"{kk}.name", f"expected a kebab-case name such as 'house-style-dates', got {_show(name)}")
    if name in names or name.lower() in CATEGORIES or name.upper() == "ALL":
        raise ctx.error(f"{kk}.name", f"the name {name!r} is already taken")
    message = _str(item["message"], ctx, f"{kk}.message")
    category = item["category"]
    if category not in CATEGORIES:
        raise ctx.error(f"{kk}.category", f"expected one of {', '.join(CATEGORIES)}, got {_show(category)}")
    severity = item.get("severity", "warning")
    if severity not in SEVERITIES:
        raise ctx.error(f"{kk}.severity", f"expected one of {', '.join(SEVERITIES)}, got {_show(severity)}")
    has_regex, has_phrases = "regex" in item, "phrases" in item
    if has_regex == has_phrases:
        raise ctx.error(kk, "give exactly one of 'regex' or 'phrases'")
    ignore_case = _bool(item.get("ignore-case", has_phrases), ctx, f"{kk}.ignore-case")
    regex_src: str | None = None
    phrases: tuple[str, ...] = ()
    if has_regex:
        regex_src = _str(item["regex"], ctx, f"{kk}.regex")
    else:
        raw = item["phrases"]
        if not isinstance(raw, list) or not raw:
            raise ctx.error(f"{kk}.phrases", "expected a non-empty array of phrases")
        for j, ph in enumerate(raw):
            if not isinstance(ph, str) or not ph.strip():
                raise ctx.error(f"{kk}.phrases[{j}]", f"expected a non-empty string, got {_show(ph)}")
        phrases = tuple(raw)
    replacement = item.get("replacement")
    if replacement is not None and not isinstance(replacement, str):
        raise ctx.error(f"{kk}.replacement", f"expected a string, got {_type_name(replacement)}")
    fix_safe = _bool(item.get("fix-safe", False), ctx, f"{kk}.fix-safe")
    if fix_safe and replacement is None:
        raise ctx.error(f"{kk}.fix-safe", "needs a 'replacement'")
    description = item.get("description", "")
    if not isinstance(description, str):
        raise ctx.error(f"{kk}.description", f"expected a string, got {_type_name(description)}")
    examples = {}
    for ex in ("bad", "good"):
        vals = item.get(ex, [])
        if not isinstance(vals, list) or not all(isinstance(x, str) and x for x in vals):
            raise ctx.error(f"{kk}.{ex}", "expected an array of non-empty strings")
        examples[ex] = tuple(vals)
    spec = PatternSpec(
        code=code,
        name=name,
        message=message,
        category=category,
        severity=severity,
        regex=regex_src,
        phrases=phrases,
        ignore_case=ignore_case,
        replacement=replacement,
        fix_safe=fix_safe,
        skip_quotes=_bool(item.get("skip-quotes", False), ctx, f"{kk}.skip-quotes"),
        description=description,
        bad=examples["bad"],
        good=examples["good"],
        origin=f"{ctx.file} {kk}" if ctx.file else kk,
    )
    try:
        rule = build_rule(spec)
    except PatternError as exc:
        raise ctx.error(f"{kk}.regex", str(exc)) from None
    _check_examples(rule, ctx, kk)
    return spec


def _check_examples(rule: Any, ctx: _Ctx, kk: str) -> None:
    """Run a user rule over its own examples, like the test suite does for
    built-in rules."""
    cfg = Config()
    for i, raw in enumerate(rule.bad):
        try:
            ex = parse_example(raw)
        except ValueError as exc:
            raise ctx.error(f"{kk}.bad[{i}]", str(exc)) from None
        if not ex.spans:
            raise ctx.error(f"{kk}.bad[{i}]", "mark the text that must be flagged with ⟦ and ⟧")
        got = {(h.start, h.end) for h in rule.fn(Doc(Article("example", ex.text), cfg))}
        if got != set(ex.spans):
            show = ", ".join(repr(ex.text[s:e]) for s, e in sorted(got)) or "nothing"
            want = ", ".join(repr(ex.text[s:e]) for s, e in sorted(ex.spans))
            raise ctx.error(f"{kk}.bad[{i}]", f"expected the rule to flag {want}, it flagged {show}")
    for i, text in enumerate(rule.good):
        hits = [(h.start, h.end) for h in rule.fn(Doc(Article("example", text), cfg))]
        if hits:
            show = ", ".join(repr(text[s:e]) for s, e in hits)
            raise ctx.error(f"{kk}.good[{i}]", f"the rule flags {show} in this example")


@dataclass(frozen=True)
class _Key:
    attr: str
    check: Callable[[Any, _Ctx, str], Any]
    help: str


#: Every key of a configuration file, in display order.
KEYS: dict[str, _Key] = {
    "select": _Key("select", _str_list, "rules to run: codes, code prefixes, categories or names"),
    "extend-select": _Key("extend_select", _str_list, "rules to run in addition to the selection"),
    "ignore": _Key("ignore", _str_list, "rules not to run"),
    "severity": _Key("severity", _severity_table, "per-rule severity overrides: selector = severity"),
    "per-source-ignores": _Key("per_source_ignores", _ignores_table, "glob (source, path or id) = rules to ignore there"),
    "per-path-ignores": _Key("per_source_ignores", _ignores_table, "same as per-source-ignores (merged with it)"),
    "fail-under": _Key("fail_under", _score, "an article below this score fails"),
    "warn-under": _Key("warn_under", _score, "an article below this score is in the warn tier"),
    "fail-on": _Key("fail_on", _gate_severity, "an article with a finding at or above this severity fails"),
    "warn-on": _Key("warn_on", _gate_severity, "an article with a finding at or above this severity warns"),
    "max-failing": _Key("max_failing", _max_failing, "failing articles tolerated: a count or a share ('5%')"),
    "warn-exit": _Key("warn_exit", _bool, "exit 3 when the gate passes but the warn tier is hit"),
    "lang": _Key("lang", _lang, "expected language of the corpus"),
    "text-field": _Key("text_field", _field_name, "JSONL/CSV field with the article text"),
    "id-field": _Key("id_field", _field_name, "JSONL/CSV field with the article id"),
    "title-field": _Key("title_field", _field_name, "JSONL/CSV field with the headline"),
    "source-field": _Key("source_field", _field_name, "JSONL/CSV field naming the source"),
    "time-budget": _Key("time_budget", _time_budget, "seconds per article before its remaining rules are skipped"),
    "max-record-bytes": _Key(
        "max_record_bytes", _record_bytes, "larger records (file, JSONL line, CSV row; decompressed) are skipped"
    ),
    "lexicons": _Key("lexicons", _lexicons, "extra entries for rule lexicons: name = [entries]"),
    "rule-options": _Key("rule_options", _rule_options, "options per rule code or family"),
    "patterns": _Key("patterns", _patterns, "user pattern rules ([[patterns]] tables)"),
    "waivers": _Key("waivers", _path, "waiver file"),
    "baseline": _Key("baseline", _path, "baseline file: only new findings count"),
    "output-dir": _Key("output_dir", _path, "folder for report files"),
    "format": _Key("formats", _formats, "report formats (FORMAT or FORMAT:PATH)"),
}


def _toml_key(k: str) -> str:
    return k if re.match(r"^[A-Za-z0-9_-]+$", k) else json.dumps(k, ensure_ascii=False)


def _reject_unknown(table: dict[str, Any], known: dict[str, Any], ctx: _Ctx, prefix: str = "") -> None:
    for k in table:
        if k not in known:
            close = difflib.get_close_matches(k, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
            raise ConfigError(ctx.file, f"{ctx.prefix}{prefix}{k}", f"unknown key{hint}")


# -- files ---------------------------------------------------------------------
def _read_toml(path: Path) -> dict[str, Any]:
    shown = _pretty_path(str(path))
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(shown, None, f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, None, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(shown, None, "not valid TOML: not UTF-8") from None


def _tool_table(data: dict[str, Any], shown: str) -> dict[str, Any] | None:
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(shown, "tool", "expected a table")
    table = tool.get("mtaudit")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(shown, "tool.mtaudit", "expected a table")
    return table


def find_config_file(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the
    working directory), walking up to the filesystem root."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            cand = folder / name
            if cand.is_file():
                return cand
        pp = folder / PYPROJECT
        if pp.is_file():
            try:
                raw = pp.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "mtaudit" in raw and _tool_table(_read_toml(pp), str(pp)) is not None:
                return pp
    return None


def read_config_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], str, str]:
    """The mtaudit table of a file: ``(table, shown name, key prefix)``."""
    p = Path(path)
    shown = _pretty_path(str(p))
    data = _read_toml(p)
    if p.name == PYPROJECT:
        table = _tool_table(data, shown)
        if table is None:
            raise ConfigError(shown, None, "has no [tool.mtaudit] table")
        return table, shown, "tool.mtaudit."
    if set(data) == {"tool"} and isinstance(data["tool"], dict) and "mtaudit" in data["tool"]:
        table = _tool_table(data, shown) or {}
        return table, shown, "tool.mtaudit."
    return data, shown, ""


def apply_table(loaded: Loaded, table: dict[str, Any], ctx: _Ctx, origin: str) -> None:
    """Validate ``table`` (config-file keys) and set its values."""
    _reject_unknown(table, KEYS, ctx)
    cfg = loaded.config
    for k, v in table.items():
        spec = KEYS[k]
        value = spec.check(v, ctx, k)
        if spec.attr == "per_source_ignores":
            merged = dict(getattr(cfg, spec.attr)) if "per-source-ignores" in loaded.origins or "per-path-ignores" in loaded.origins else {}
            for glob, sel in value.items():
                merged[glob] = merged.get(glob, []) + sel
            value = merged
        setattr(cfg, spec.attr, value)
        loaded.origins[k] = origin


def load(
    path: str | os.PathLike[str] | None = None,
    *,
    isolated: bool = False,
    cwd: str | os.PathLike[str] | None = None,
) -> Loaded:
    """Defaults plus the configuration file (``path``, or the one found from
    ``cwd``). Selectors are not checked yet: see ``finalize``."""
    loaded = Loaded(Config())
    if isolated and path is None:
        return loaded
    file = Path(path) if path is not None else find_config_file(cwd)
    if file is None:
        return loaded
    table, shown, prefix = read_config_file(file)
    base = str(file.resolve().parent)
    loaded.path = shown
    loaded.prefix = prefix
    apply_table(loaded, table, _Ctx(shown, prefix, base), shown)
    return loaded


def apply_overrides(loaded: Loaded, overrides: dict[str, tuple[Any, str]]) -> None:
    """Apply command-line values: config key → (value, origin label such as
    ``--fail-under``). ``select`` given on the command line starts the
    selection afresh (the file's select, extend-select and ignore are
    dropped); ``ignore`` and ``extend-select`` add to the file's."""
    cfg = loaded.config
    for k, (value, origin) in overrides.items():
        spec = KEYS[k]
        ctx = _Ctx("command line", "", None)
        try:
            checked = spec.check(value, ctx, k)
        except ConfigError as exc:
            raise ConfigError("", origin, exc.message) from None
        if k == "select":
            cfg.extend_select, cfg.ignore = [], []
            for dropped in ("extend-select", "ignore"):
                if dropped in loaded.origins:
                    loaded.origins[dropped] = f"{origin} (reset)"
        elif k in ("ignore", "extend-select") and loaded.origins.get(k, DEFAULT_ORIGIN) != DEFAULT_ORIGIN:
            checked = getattr(cfg, spec.attr) + checked
            origin = f"{loaded.origins[k]} + {origin}"
        setattr(cfg, spec.attr, checked)
        loaded.origins[k] = origin


def finalize(loaded: Loaded) -> list[Any]:
    """Install the user pattern rules, then check every rule selector and
    expand severity overrides to rule codes. Returns the installed rules."""
    from .patterns import install

    rules = install(list(loaded.config.patterns))
    check_selectors(loaded)
    return rules


def check_selectors(loaded: Loaded) -> None:
    """Check every rule selector of the configuration (the user pattern
    rules must be installed) and expand severity overrides to codes."""
    cfg = loaded.config

    def origin_of(k: str) -> tuple[str, str]:
        o = loaded.origins.get(k, DEFAULT_ORIGIN)
        if o.startswith("--"):
            return "", o
        return o, f"{loaded.prefix}{k}"

    def check(k: str, selectors: list[str]) -> None:
        bad = registry.unknown_selectors(selectors)
        if bad:
            file, key = origin_of(k)
            raise ConfigError(file, key, f"unknown rule selector(s) {', '.join(map(repr, bad))} (see 'mtaudit rules')")

    for k in ("select", "extend-select", "ignore"):
        check(k, getattr(cfg, KEYS[k].attr))
    for glob, sels in cfg.per_source_ignores.items():
        key = "per-source-ignores" if "per-source-ignores" in loaded.origins else "per-path-ignores"
        try:
            check(key, sels)
        except ConfigError as exc:
            raise ConfigError(exc.file, f"{exc.key}.{_toml_key(glob)}", exc.message) from None
    for code in cfg.rule_options:
        check("rule-options", [code])
    if cfg.severity:
        check("severity", list(cfg.severity))
        cfg.severity = expand_severity(cfg.severity)
    if cfg.warn_under < cfg.fail_under:
        file, key = origin_of("warn-under" if "warn-under" in loaded.origins else "fail-under")
        raise ConfigError(file, key, f"warn-under ({cfg.warn_under:g}) must not be below fail-under ({cfg.fail_under:g})")


def _specificity(selector: str) -> tuple[int, int]:
    s = selector.strip()
    if s.upper() == "ALL":
        return (0, 0)
    if s.lower() in CATEGORIES:
        return (1, 0)
    if _CODE.match(s.upper()):
        return (4, 0)
    if s.lower() == s and "-" in s:
        return (3, 0)  # a rule name
    return (2, len(s))  # a code prefix


def expand_severity(table: dict[str, str]) -> dict[str, str]:
    """Severity overrides keyed by selector → by rule code. A more specific
    selector wins: code > name > longer prefix > shorter prefix > category >
    ALL."""
    out: dict[str, str] = {}
    for sel in sorted(table, key=_specificity):
        for r in registry.all_rules():
            if registry.matches(r, sel):
                out[r.code] = table[sel]
    return dict(sorted(out.items()))


# -- display ---------------------------------------------------------------------
def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, PatternSpec):
        return _toml_value(v.to_dict())
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v))


def effective(loaded: Loaded) -> list[tuple[str, Any, str]]:
    """``(key, value, origin)`` for every key, in display order. Keys
    without a value (e.g. no id field) are shown with value ``None``."""
    cfg = loaded.config
    out = []
    for k, spec in KEYS.items():
        if k == "per-path-ignores":
            continue
        origin = loaded.origins.get(k, DEFAULT_ORIGIN)
        if k == "per-source-ignores" and "per-path-ignores" in loaded.origins:
            origin = loaded.origins["per-path-ignores"] if origin == DEFAULT_ORIGIN else origin
        out.append((k, getattr(cfg, spec.attr), origin))
    return out


def render(loaded: Loaded) -> str:
    """The effective configuration as TOML, each value commented with its
    origin (what ``mtaudit config`` prints)."""
    lines = [f"# configuration file: {loaded.path or '(none)'}"]
    rows = []
    for k, v, origin in effective(loaded):
        if v is None:
            rows.append((f"# {k} = (not set)", origin))
        else:
            rows.append((f"{k} = {_toml_value(v)}", origin))
    width = min(60, max(len(r) for r, _ in rows))
    for r, origin in rows:
        lines.append(f"{r.ljust(width)}  # {origin}")
    return "\n".join(lines) + "\n"


def render_json(loaded: Loaded) -> str:
    data = {
        "file": loaded.path,
        "values": {k: {"value": _jsonable(v), "origin": o} for k, v, o in effective(loaded)},
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _jsonable(v: Any) -> Any:
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, PatternSpec):
        return v.to_dict()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v
