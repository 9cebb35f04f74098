"""Fixtures for driving ``audit.html`` in a real headless browser.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and Playwright
for Python (``pip install playwright``; its own browser download is never
used: the tests launch ``/usr/bin/chromium``, or ``$MTAUDIT_CHROMIUM``).
Without either, every test here is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("MTAUDIT_CHROMIUM")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class PageProbe:
    """A page plus everything it reported: console messages, page errors
    and dialogs (a dialog is proof that injected script ran)."""

    def __init__(self, page: Any):
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d: Any) -> None:
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", on_dialog)

    def open(self, report: Path, hash_: str = "") -> Any:
        self.page.goto(report.resolve().as_uri() + hash_)
        self.page.wait_for_selector("body[data-ready]", state="attached")
        return self.page

    def problems(self) -> list[str]:
        """Script errors and CSP violations (our own code must cause none)."""
        bad = [c for c in self.console if c.startswith("error") or "Content Security Policy" in c]
        return bad + self.errors


@pytest.fixture
def probe(browser: Any) -> Iterator[PageProbe]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        yield PageProbe(page)
    finally:
        context.close()


def run_check(args: list[str], cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``mtaudit check`` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "audit", "check", "-q", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def load_json_report(out_dir: Path) -> dict[str, Any]:
    return json.loads((out_dir / "audit.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- PNG


def _png_pixels(data: bytes) -> tuple[int, int, int, bytes]:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes)
    into raw pixel rows; returns width, height, bytes per pixel, pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = bpp = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and color in (2, 6), "unsupported PNG"
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        ftype = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = prev[x]
            ul = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + left) & 255
            elif ftype == 2:
                line[x] = (line[x] + up) & 255
            elif ftype == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif ftype == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else ul
                line[x] = (line[x] + pred) & 255
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def screenshot_stats(png: bytes) -> tuple[float, int]:
    """Variance of the grey level and the number of distinct colours of a
    screenshot (sampled every 4th pixel): a blank page has ~0 and 1."""
    width, height, bpp, px = _png_pixels(png)
    greys: list[int] = []
    colours: set[bytes] = set()
    step = 4 * bpp
    for off in range(0, len(px) - bpp, step):
        r, g, b = px[off], px[off + 1], px[off + 2]
        greys.append((r * 299 + g * 587 + b * 114) // 1000)
        colours.add(px[off : off + 3])
    mean = sum(greys) / len(greys)
    var = sum((v - mean) ** 2 for v in greys) / len(greys)
    return var, len(colours)
