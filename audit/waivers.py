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
``expires`` (ISO date, inclusive) and ``text`` are optional.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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
        out.append(
            Waiver(
                article=w["article"],
                rule=w["rule"],
                key=w["key"],
                decision=decision,
                reason=str(w.get("reason") or ""),
                expires=w.get("expires"),
                text=w.get("text"),
            )
        )
    return out


def load_waivers(path: str) -> list[Waiver]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise WaiverError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise WaiverError(f"{path}: not valid JSON: {exc}") from None
    return parse_waivers(data, path)


def waiver_map(waivers: list[Waiver]) -> dict[str, str]:
    """key → label, as the engine wants it."""
    return {w.key: w.label() for w in waivers}
