"""Waiver files: reviewer decisions that stop findings from counting.

Format (JSON, written by the HTML report's "Export decisions" button or by
hand)::

    {"version": 1,
     "waivers": [
       {"article": "site/a.txt", "rule": "PU001", "key": "3f2a…",
        "decision": "false-positive", "reason": "quoted title",
        "expires": "2027-01-31", "text": ".."}]}

``key`` is ``audit.engine.finding_key`` — article id, rule and the flagged
text with a little context — so a waiver survives edits elsewhere in the
article. ``decision`` is ``false-positive`` or ``accepted``; ``reason``,
``expires`` (ISO date, inclusive: the waiver holds through that day) and
``text`` are optional.

An expired waiver no longer applies (its finding counts again) and is
reported; so is an unused one — a waiver for an article that was audited
with the waiver's rule selected, whose finding no longer occurs.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from .model import ArticleResult

DECISIONS = ("false-positive", "accepted")


class WaiverError(ValueError):
    pass


@dataclass(frozen=True)
class Waiver:
    article: str
    rule: str
    key: str
    decision: str = "accepted"
    reason: str = ""
    expires: str | None = None
    text: str | None = None

    def expired(self, today: _dt.date) -> bool:
        """Is the waiver past its expiry date (which is inclusive)?"""
        return self.expires is not None and _dt.date.fromisoformat(self.expires) < today

    def label(self) -> str:
        return f"{self.decision}: {self.reason}" if self.reason else self.decision

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"article": self.article, "rule": self.rule, "key": self.key, "decision": self.decision}
        if self.reason:
            d["reason"] = self.reason
        if self.expires:
            d["expires"] = self.expires
        if self.text is not None:
            d["text"] = self.text
        return d


def parse_waivers(data: Any, path: str = "<waivers>") -> list[Waiver]:
    if isinstance(data, dict):
        items = data.get("waivers")
    else:
        items = data
    if not isinstance(items, list):
        raise WaiverError(f"{path}: expected an object with a 'waivers' list")
    out = []
    for i, w in enumerate(items):
        where = f"{path}: waivers[{i}]"
        if not isinstance(w, dict):
            raise WaiverError(f"{where}: expected an object")
        for k in ("article", "rule", "key"):
            if not isinstance(w.get(k), str) or not w.get(k):
                raise WaiverError(f"{where}: missing or empty '{k}'")
        decision = w.get("decision", "accepted")
        if decision not in DECISIONS:
            raise WaiverError(f"{where}: 'decision' must be one of {', '.join(DECISIONS)}")
        expires = w.get("expires")
        if expires is not None:
            if not isinstance(expires, str):
                raise WaiverError(f"{where}: 'expires' must be a date such as \"2027-01-31\"")
            try:
                _dt.date.fromisoformat(expires)
            except ValueError:
                raise WaiverError(f"{where}: 'expires' must be a date such as \"2027-01-31\", got {expires!r}") from None
        for k in ("reason", "text"):
            if w.get(k) is not None and not isinstance(w[k], str):
                raise WaiverError(f"{where}: '{k}' must be a string")
        out.append(
            Waiver(
                article=w["article"],
                rule=w["rule"],
                key=w["key"],
                decision=decision,
                reason=str(w.get("reason") or ""),
                expires=expires,
                text=w.get("text"),
            )
        )
    return out


def read_json(path: str, error: type[Exception]) -> Any:
    """The JSON document in ``path``; a missing/unreadable file or invalid
    JSON raises ``error`` with a message naming the file."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise error(f"{path}: not valid JSON: {exc}") from None


def load_waivers(path: str) -> list[Waiver]:
    return parse_waivers(read_json(path, WaiverError), path)


def waiver_map(waivers: list[Waiver]) -> dict[str, str]:
    """key → label, as the engine wants it."""
    return {w.key: w.label() for w in waivers}


@dataclass
class WaiverSet:
    """The waivers of a run: which apply, which expired, which went unused.

    ``active()`` is what the engine matches findings against; feed every
    audited article to ``observe`` and read ``unused()`` at the end.
    """

    waivers: list[Waiver]
    today: _dt.date = field(default_factory=_dt.date.today)
    #: rule codes that ran (a waiver for a rule that did not run is not "unused")
    rules: frozenset[str] | None = None
    _used: set[str] = field(default_factory=set)
    _articles: set[str] = field(default_factory=set)

    def active(self) -> dict[str, str]:
        """key → label of the waivers that have not expired."""
        return waiver_map([w for w in self.waivers if not w.expired(self.today)])

    def expired(self) -> list[Waiver]:
        return [w for w in self.waivers if w.expired(self.today)]

    def observe(self, result: ArticleResult) -> None:
        self._articles.add(result.article.id)
        for f in result.findings:
            if f.waived and f.key:
                self._used.add(f.key)

    def observe_all(self, results: Iterable[ArticleResult]) -> None:
        for r in results:
            self.observe(r)

    def unused(self) -> list[Waiver]:
        """Unexpired waivers of audited articles (and rules that ran) that
        matched no finding."""
        return [
            w
            for w in self.waivers
            if w.article in self._articles
            and w.key not in self._used
            and not w.expired(self.today)
            and (self.rules is None or w.rule in self.rules)
        ]
