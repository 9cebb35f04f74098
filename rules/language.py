"""Wrong language and untranslated text (category ``language``, codes LG).

All three rules and the ``language`` stat share one analysis per article
(``rules._langid.analyze``): cheap evidence first, langdetect only where the
evidence is open, so a clean article in the expected language costs no
detector call. The expected language is ``--lang`` (``Config.lang``,
default ``en``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from audit.doc import Doc
from audit.model import Hit
from audit.registry import rule, stat_provider

from . import _langid
from ._langid import analyze, language_name
from .encoding import unusual_chars

#: Minimum share of the judged text that must be foreign, and minimum
#: confidence, before the whole article is called out as another language.
WRONG_LANGUAGE_CONFIDENCE = 0.80


@stat_provider("language")
def language_stats(doc: Doc) -> dict[str, Any]:
    """``language`` (ISO 639-1 code or null), ``language_confidence`` (0-1)
    and ``language_method`` (``cheap``: decided by function-word evidence
    without a detector call; ``langdetect``; ``none``: too little text)."""
    a = analyze(doc)
    return {"language": a.lang, "language_confidence": a.confidence, "language_method": a.method}


def _article_is_foreign(doc: Doc) -> bool:
    a = analyze(doc)
    return a.lang is not None and a.lang != a.expected and a.confidence >= WRONG_LANGUAGE_CONFIDENCE


@rule(
    code="LG001",
    name="wrong-language",
    category="language",
    severity="error",
    bad=[
        (
            "⟦Die Regierung hat am Montag neue Maßnahmen gegen die Inflation angekündigt. "
            "Nach Angaben des Ministeriums sollen die Preise für Energie und Lebensmittel "
            "im kommenden Jahr gedeckelt werden, sagte eine Sprecherin in Berlin.⟧"
        ),
        (
            "⟦Le gouvernement a annoncé lundi de nouvelles mesures contre l'inflation. "
            "Selon le ministère, les prix de l'énergie seront plafonnés l'année prochaine.⟧"
        ),
    ],
    good=[
        (
            "The government announced new measures against inflation on Monday. The ministry said "
            "energy and food prices would be capped next year, a spokeswoman told reporters in Berlin."
        ),
        "Short note.",
        (
            "The chancellor's motto, \u201cWir schaffen das\u201d (\u201cWe can do this\u201d), "
            "became the slogan of a generation, and critics have quoted it back at her ever since."
        ),
    ],
)
def wrong_language(doc: Doc) -> Iterator[Hit]:
    """Article is not in the expected language.

    Why it matters: an article in the wrong language was not translated at
    all (or the pipeline returned its input); it must not be published or
    ingested as English. The expected language comes from ``--lang``
    (default ``en``); the detected language and confidence are in
    ``data``. The span covers the article text.
    """
    if not _article_is_foreign(doc):
        return
    a = analyze(doc)
    s, e = _langid._strip(doc.text)
    yield Hit(
        s,
        e,
        f"article is in {language_name(a.lang or '')} ({a.lang}, confidence {a.confidence:.2f}), "
        f"not {language_name(a.expected)}",
        data={"lang": a.lang, "confidence": a.confidence, "expected": a.expected},
    )


@rule(
    code="LG002",
    name="untranslated-passage",
    category="language",
    severity="warning",
    bad=[
        (
            "The talks in Brussels ended without agreement on Monday, officials said.\n\n"
            "⟦Die Gespräche zwischen beiden Seiten sind am Montag gescheitert, sagte der Minister "
            "nach dem Treffen in Berlin.⟧\n\n"
            "Both sides are expected to meet again next month."
        ),
        (
            "The minister spoke to reporters after the meeting. "
            "⟦Nous sommes prêts à reprendre les discussions dès que possible avec nos partenaires.⟧ "
            "He did not say when talks would resume."
        ),
    ],
    good=[
        (
            "The talks in Brussels ended without agreement on Monday, officials said. "
            "Both sides are expected to meet again next month in Luxembourg."
        ),
        "Ursula von der Leyen and Olaf Scholz met Giorgia Meloni and Pedro S\u00e1nchez in Brussels on Friday.",
        (
            "Dr. Jos\u00e9 Mar\u00eda \u00c1lvarez, director of the Instituto Nacional de Estad\u00edstica, "
            "said the figures would be revised."
        ),
    ],
)
def untranslated_passage(doc: Doc) -> Iterator[Hit]:
    """Sentence or paragraph left in another language inside the article.

    Why it matters: translation pipelines skip segments they fail on and
    pass the source text through; the reader meets a paragraph of German in
    an English article. The span is the untranslated sentence(s) or
    paragraph, ``data.lang`` the detected language. Segments under 40
    characters are not judged; quoted passages are reported as ``info``.
    """
    if _article_is_foreign(doc):
        return
    segs = analyze(doc).foreign_segments
    merged: list[list[Any]] = []
    for seg in segs:
        if merged and merged[-1][2] == seg.lang and _only_space(doc.text, merged[-1][1], seg.start):
            merged[-1][1] = seg.end
            merged[-1][3] = min(merged[-1][3], seg.confidence)
        else:
            merged.append([seg.start, seg.end, seg.lang, seg.confidence])
    for s, e, lang, conf in merged:
        quoted = doc.in_quote(s) and doc.in_quote(e - 1)
        yield Hit(
            s,
            e,
            f"untranslated passage in {language_name(lang)} ({lang}, confidence {conf:.2f})",
            severity="info" if quoted else None,
            data={"lang": lang, "confidence": conf},
        )


def _only_space(text: str, a: int, b: int) -> bool:
    return a <= b and not text[a:b].strip()


# A run of words in a non-Latin script, separated by spaces, hyphens,
# apostrophes or commas. Possessive quantifiers keep it linear.
_FOREIGN_RUN = regex.compile(
    r"(?V1)[\p{L}--[\p{Latin}\u00b5]][\p{L}\p{M}--[\p{Latin}\u00b5]]*+"
    r"(?:[ \-'\u2019,.]++[\p{L}--[\p{Latin}\u00b5]][\p{L}\p{M}--[\p{Latin}\u00b5]]*+)*+"
)
_LATIN_LETTER = regex.compile(r"\p{Latin}")
#: A parenthetical or quoted gloss of at most this many characters is a
#: name or term given in its own script, not untranslated text.
GLOSS_MAX_CHARS = 40
_OPEN = "(\u201c\"\u00ab\u2018'["
_CLOSE = ")\u201d\"\u00bb\u2019']"


@rule(
    code="LG003",
    name="foreign-script-run",
    category="language",
    severity="warning",
    bad=[
        (
            "The ministry said ⟦\u0432\u043e\u0439\u0441\u043a\u0430 \u043e\u0441\u0442\u0430\u043d\u0443\u0442\u0441\u044f "
            "\u043d\u0430 \u043c\u0435\u0441\u0442\u0435⟧ until the end of the month."
        ),
        "Officials in Beijing described the plan as ⟦\u957f\u671f\u6218\u7565\u5408\u4f5c⟧ between the two countries.",
    ],
    good=[
        "President Vladimir Putin (\u0412\u043b\u0430\u0434\u0438\u043c\u0438\u0440 \u041f\u0443\u0442\u0438\u043d) spoke on Monday.",
        "The character \u798f, meaning good fortune, hangs on doors at new year.",
        "The alpha (\u03b1) and beta (\u03b2) variants spread quickly.",
        "Readings of 5 \u00b5g per cubic metre were recorded in Z\u00fcrich and Vu\u010di\u0107's office.",
        (
            "\u041c\u043e\u0441\u043a\u0432\u0430 \u2014 \u0437\u0430\u044f\u0432\u043b\u0435\u043d\u0438\u0435 \u043c\u0438\u043d\u0438\u0441\u0442\u0435\u0440\u0441\u0442\u0432\u0430 "
            "\u043e\u043f\u0443\u0431\u043b\u0438\u043a\u043e\u0432\u0430\u043d\u043e \u0432 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c\u043d\u0438\u043a."
        ),
    ],
)
def foreign_script_run(doc: Doc) -> Iterator[Hit]:
    """Run of another script (Cyrillic, Arabic, CJK, ...) inside English prose.

    Why it matters: untranslated fragments in another script are left
    behind when a pipeline skips a phrase; readers cannot read them and
    search indexes treat them as noise. Short names or terms given in
    parentheses or quotes (``Vladimir Putin (Владимир Путин)``) and single
    letters (``α``) are fine. Paragraphs written mostly in another script
    are left to LG001/LG002; runs of one word are reported as ``info``.
    """
    text = doc.text
    # The article's characters beyond plain ASCII, a set shared with the
    # encoding rules: usually a few quotes and dashes, no other script.
    if not any(_langid.NON_LATIN.match(c) for c in unusual_chars(doc)):
        return
    for ps, pe in doc.paragraphs:
        para = text[ps:pe]
        if para.isascii() or not _langid.NON_LATIN.search(para):
            continue
        latin = len(_LATIN_LETTER.findall(para))
        if len(_langid.NON_LATIN.findall(para)) >= latin:
            # Not English prose with a foreign run: a paragraph in another
            # script is the wrong-language rules' business.
            continue
        for m in _FOREIGN_RUN.finditer(text, ps, pe):
            s, e = m.span()
            while e > s and text[e - 1] in " -'\u2019,.":
                e -= 1
            run = text[s:e]
            letters = sum(1 for c in run if c.isalpha())
            if letters < 2:
                continue
            if (s > 0 and _LATIN_LETTER.match(text[s - 1])) or (e < len(text) and _LATIN_LETTER.match(text[e])):
                continue  # part of a mixed-script word (homoglyphs: encoding family)
            if _is_gloss(text, s, e, ps, pe):
                continue
            words = len(run.split())
            yield Hit(
                s,
                e,
                f"{words}-word run of {_langid.dominant_script(run) or 'non-Latin'} script in English prose",
                severity="info" if words == 1 and letters <= 12 else None,
                data={"script": _langid.dominant_script(run)},
            )


def _is_gloss(text: str, s: int, e: int, ps: int, pe: int) -> bool:
    """Is ``text[s:e]`` a short name or term in brackets or quotes?"""
    i = s - 1
    while i >= ps and text[i] == " ":
        i -= 1
    j = e
    while j < pe and text[j] in " ,.":
        j += 1
    if i >= ps and j < pe and text[i] in _OPEN and text[j] in _CLOSE:
        return e - s <= GLOSS_MAX_CHARS
    return False
