"""Every occurrence of a fixed set of strings, by one Aho–Corasick
automaton (``KeyMatcher``): shared by the zone classifier's phrase scan,
the translation rules' lexicon scan and user phrase rules."""

from __future__ import annotations

import re
from typing import Any, Iterable

import ahocorasick_rs

_SURROGATE = re.compile("[\ud800-\udfff]")


class KeyMatcher:
    """Every occurrence of a fixed set of keys in a text, overlapping ones
    included, found by one ahocorasick-rs automaton (linear in the text).

    ``matches(text)`` returns ``(key index, start, end)`` triples in code
    points, ``keys[key index]`` being the key found: ordered by end and, at
    one end, longer key first — the order of pyahocorasick's
    ``Automaton.iter``, which this replaces.

    ahocorasick-rs searches UTF-8, in which a lone surrogate (an
    undecodable input byte kept by ``surrogateescape``) has no form. Keys
    holding one stay out of the main automaton (they can only occur in a
    text that holds one too). A text holding one is searched as a copy with
    U+FFFD for each surrogate when no key holds U+FFFD or a surrogate (the
    usual case: same matches, same offsets); otherwise by a second
    automaton, built on first need, over the UTF-32 form of the keys and
    the text: every character four bytes, so a match starting at a multiple
    of four is a match in the text, at a quarter of the byte offsets.
    Empty keys are dropped (they would match everywhere; pyahocorasick
    ignored them too) and duplicates kept once.
    """

    __slots__ = ("keys", "_scan", "_replace_ok", "_wide")

    def __init__(self, keys: Iterable[str], dfa: bool = False):
        unique = [k for k in dict.fromkeys(keys) if k]
        plain = [k for k in unique if not _SURROGATE.search(k)]
        #: the keys, those without a lone surrogate first (so the main
        #: automaton's key indexes are the same as the second one's)
        self.keys: tuple[str, ...] = tuple(plain) + tuple(k for k in unique if _SURROGATE.search(k))
        # ``dfa``: always a DFA, which walks a text faster than an NFA but
        # holds a row of transitions per state (memory grows with the keys'
        # total length times the distinct bytes in them); otherwise the
        # library's choice: a DFA for up to 100 keys, else a contiguous NFA.
        impl = ahocorasick_rs.Implementation.DFA if dfa else None
        self._scan = ahocorasick_rs.AhoCorasick(plain, implementation=impl) if plain else None
        self._replace_ok = len(plain) == len(unique) and not any("\ufffd" in k for k in plain)
        self._wide: Any = None

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """``(key index, start, end)`` of every occurrence of a key in
        ``text`` (see the class docstring for the order)."""
        scan = self._scan
        if scan is None:
            return self._wide_matches(text) if self.keys and _SURROGATE.search(text) else []
        try:
            return scan.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate in the text
            if self._replace_ok:
                return scan.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=True)
            return self._wide_matches(text)

    def _wide_matches(self, text: str) -> list[tuple[int, int, int]]:
        wide = self._wide
        if wide is None:
            wide = self._wide = ahocorasick_rs.BytesAhoCorasick([k.encode("utf-32-le", "surrogatepass") for k in self.keys])
        found = wide.find_matches_as_indexes(text.encode("utf-32-le", "surrogatepass"), overlapping=True)
        return [(k, s >> 2, e >> 2) for k, s, e in found if not s & 3]
