"""Character-level encoding damage (category ``encoding``, codes EN)."""

from __future__ import annotations

from typing import Iterator

from audit.doc import Doc
from audit.model import Hit
from audit.registry import rule


@rule(
    code="EN001",
    name="undecodable-bytes",
    category="encoding",
    severity="error",
    # Examples go through the reader's decoding step, so a surrogate-escaped
    # byte (U+DC80..U+DCFF) stands for an undecodable input byte.
    bad=["Caf⟦\udce9⟧ owners met on Monday.", "The price was ⟦\udc80\udc81⟧ high."],
    good=["Plain UTF-8 text with Vu\u010di\u0107 and Z\u00fcrich."],
)
def undecodable_bytes(doc: Doc) -> Iterator[Hit]:
    """Input bytes that were not valid UTF-8 (replaced by U+FFFD on reading).

    Why it matters: the original characters are lost; the article was
    stored or transcoded with the wrong encoding and needs re-fetching or
    repair at the source. Reported by the reader with the exact position,
    so this rule only fires on real input files, not on examples.
    """
    for s, e, message in doc.article.decode_errors:
        yield Hit(s, e, message)
