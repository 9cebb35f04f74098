"""Scraper debris: page furniture left in the article (category ``debris``,
codes SD).

Every rule here reads the zone model (``doc.zones``, see ``audit.zones``):
each line of an article is classified once as headline, lead, body,
subheading, dateline, byline, caption, navigation, widget, footer,
metadata or source marker, and each rule reports the furniture zones it
owns. Whole furniture lines get a safe fix that deletes the line; debris
glued to the start of a content line (``HomeWorldEurope…``, ``date
2023-09-30 …``) is reported exactly and its fix deletes just that prefix.

SD012 works at corpus level: a first pass (collector
``debris-boilerplate``) counts candidate lines per source, so a site footer
that no lexicon knows is found because it recurs in many articles.

The module also registers the ``zones`` annotator: the line ranges of every
zone go into each article of the JSON report.
"""

from __future__ import annotations

import hashlib
import itertools
from operator import attrgetter
from typing import Any, Iterable, Iterator

from audit.doc import Doc
from audit.model import Fix, Hit
from audit.registry import annotator, collector, rule
from audit.zones import LineZone, ends_sentence, normalise, placeholders

# -- shared helpers -----------------------------------------------------------

#: What each zone kind is, for messages.
KIND_LABELS: dict[str, str] = {
    "page-date": "page date or scrape time",
    "source-marker": "scraper source marker",
    "placeholder": "template or scraper placeholder",
    "trail": "breadcrumb trail",
    "menu": "navigation menu",
    "link": "navigation link",
    "glued-breadcrumb": "breadcrumb glued to the headline",
    "related-list": "'related articles' list",
    "popular-list": "'most read' list",
    "list-item": "item of a related/most-read list",
    "read-more": "'read more' link",
    "share": "share buttons",
    "follow": "'follow us' prompt",
    "subscribe": "subscription or newsletter prompt",
    "app": "app download prompt",
    "comments": "comments widget",
    "ad": "advertising label",
    "audio": "audio player label",
    "reading-time": "reading time or counter",
    "cookie": "cookie or consent banner",
    "javascript": "'enable JavaScript' or browser notice",
    "teaser": "teaser ending in an ellipsis",
    "credit": "photo or video credit",
    "caption": "photo caption with credit",
    "byline": "byline",
    "desk": "desk or agency credit",
    "name": "author name",
    "copyright": "copyright line",
    "press-contact": "press contact",
    "syndication": "syndication notice",
    "site-blurb": "site self-description",
    "tail-fragment": "unrecognised short line after the end of the article",
    "field": "metadata field",
    "custom": "site-specific furniture (configured)",
}
#: Footer links share the kind name "link" with navigation links.
_FOOTER_LINK_LABEL = "footer links"
_MAX_SHOWN = 60


def _shown(text: str) -> str:
    return repr(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "\u2026")


def _label(lz: LineZone) -> str:
    if lz.zone == "footer" and lz.kind == "link":
        return _FOOTER_LINK_LABEL
    return KIND_LABELS.get(lz.kind, lz.kind)


def line_fix(doc: Doc, lz: LineZone, safe: bool = True) -> Fix:
    """A fix deleting line ``lz`` so that deletions of any subset of lines
    compose in one pass.

    A content line (flagged by SD010 or SD012) loses its text only. For a
    furniture line: in a trailing block (every later non-blank line is furniture) the range
    runs from the end of the previous non-blank line to the end of this
    one: the line breaks before the line go, the text's final line break
    stays. Elsewhere it runs from the start of the line to the start of the
    next non-blank line: the line, its break and the blank lines after it
    go. Ranges of different lines never overlap, unlike
    ``rules._common.delete_line_fix`` on the last line of a text.
    """
    lines = doc.zones.lines
    spans = doc.lines
    i = lz.index
    if not lz.is_debris:
        return Fix("", safe, spans[i][0], spans[i][1])
    if i >= doc.zones.tail_block:
        p = i - 1
        while p >= 0 and lines[p].zone == "blank":
            p -= 1
        start = spans[p][1] if p >= 0 else spans[i][0]
        return Fix("", safe, start, spans[i][1])
    k = i + 1
    while lines[k].zone == "blank":
        k += 1
    return Fix("", safe, spans[i][0], spans[k][0])


def _prefix_fix(doc: Doc, lz: LineZone) -> Fix:
    """Delete debris glued to the start of a line (and the spaces after it)."""
    assert lz.glued is not None
    return Fix("", True, doc.lines[lz.index][0], lz.glued.cut)


def debris_lines(doc: Doc) -> tuple[LineZone, ...]:
    """The article's whole furniture lines (``doc.zones.debris()``), listed
    once per article: most articles have none, and then each rule returns
    at once instead of starting a generator."""
    return doc.memo("_sd_debris", _debris_lines)


def _debris_lines(doc: Doc) -> tuple[LineZone, ...]:
    return tuple(doc.zones.debris())


_GLUED = attrgetter("glued")


def glued_lines(doc: Doc) -> tuple[LineZone, ...]:
    """The content lines with debris glued to their start, listed once per
    article (a C-level filter over the lines; SD003 and SD008 share it)."""
    return doc.memo("_sd_glued", _glued_lines)


def _glued_lines(doc: Doc) -> tuple[LineZone, ...]:
    # ``glued`` is None or a Glued record, which is always true.
    return tuple(filter(_GLUED, doc.zones.lines))


def _line_hits(doc: Doc, zone: str, skip_kinds: frozenset[str] = frozenset()) -> Iterable[Hit]:
    """One hit per whole furniture line of ``zone``."""
    debris = debris_lines(doc)
    if not debris:
        return ()
    return _line_hits_in(doc, debris, zone, skip_kinds)


def _line_hits_in(doc: Doc, debris: tuple[LineZone, ...], zone: str, skip_kinds: frozenset[str]) -> Iterator[Hit]:
    text = doc.text
    for lz in debris:
        if lz.zone != zone or lz.kind in skip_kinds:
            continue
        yield Hit(
            lz.start,
            lz.end,
            f"{_label(lz)}: {_shown(text[lz.start : lz.end])}",
            line_fix(doc, lz),
            severity="info" if lz.kind == "tail-fragment" else None,
            data={"zone": lz.zone, "kind": lz.kind},
        )


def _glued_hits(doc: Doc, zone: str) -> Iterable[Hit]:
    glued = glued_lines(doc)
    if not glued:
        return ()
    return _glued_hits_in(doc, glued, zone)


def _glued_hits_in(doc: Doc, glued: tuple[LineZone, ...], zone: str) -> Iterator[Hit]:
    text = doc.text
    for lz in glued:
        g = lz.glued
        if g is not None and g.zone == zone:
            label = KIND_LABELS["glued-breadcrumb"] if zone == "navigation" else "metadata field glued to the text"
            yield Hit(
                g.start,
                g.end,
                f"{label}: {_shown(text[g.start : g.end])}",
                _prefix_fix(doc, lz),
                data={"zone": g.zone, "kind": g.kind},
            )


def _glued_and_line_hits(doc: Doc, zone: str) -> Iterable[Hit]:
    """Glued prefixes of ``zone``, then its whole lines (SD003, SD008)."""
    glued = _glued_hits(doc, zone)
    lines = _line_hits(doc, zone)
    if not glued:
        return lines
    return itertools.chain(glued, lines)


@annotator("zones")
def zones_annotation(doc: Doc) -> list[dict[str, Any]]:
    """Line ranges per zone for the JSON report (see ``audit.zones``)."""
    return doc.zones.ranges()


# -- SD001 ---------------------------------------------------------------------


@rule(
    code="SD001",
    name="page-dateline",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "⟦Saturday 20 April, 2024⟧\nNATO bolsters forces in Kosovo\n\n"
        "NATO has approved extra forces for Kosovo after clashes in the north, officials said on Friday.",
        "Commission opens probe into marketplace\n⟦20.04.2024 14:32⟧\n\n"
        "The European Commission opened an investigation on Thursday into a large online marketplace.",
        "Farmers block motorways\n⟦Updated: 3 hours ago⟧\n\n"
        "Thousands of farmers drove tractors onto motorways on Tuesday, the traffic service said.",
        {
            "text": "⟦Mumbai | Updated: Jul 08, 2024 14:32 IST⟧\n"
            "Heavy rain lashed the city for a second day on Monday, flooding roads and halting trains.",
            "fixed": "Heavy rain lashed the city for a second day on Monday, flooding roads and halting trains.",
        },
        "Coalition talks collapse\n⟦Posted on April 9, 2024 by admin⟧\n\n"
        "Talks on forming a new coalition collapsed on Tuesday, party leaders said.",
    ],
    good=[
        "WASHINGTON — The United States on Friday urged both governments to pull back troops and return to talks.",
        "LONDON, June 3 (Reuters) - Oil prices rose on Monday after producers agreed to extend output cuts.",
        "The vote will take place on 20 April 2024, the electoral commission said.",
        "Bridge timeline\n\nThe bridge has been planned for a decade, officials said.\n\n12 March\n\n"
        "A feasibility study recommends a bridge rather than a tunnel.\n\n20 May\n\nThe permit is granted.",
        "Updated figures published on Monday showed the trend continuing this year.",
    ],
)
def page_dateline(doc: Doc) -> Iterable[Hit]:
    """Page date or scrape time on its own line (``Saturday 20 April, 2024``).

    Why it matters: the date printed above or below an article on the web
    page is not part of the article; left in, it becomes a stray line at the
    top of every text. Recognised: weekday/day/month/year dates in the usual
    orders, numeric and ISO dates, times with time zones, relative times
    (``3 hours ago``) and ``Published:``/``Updated:``/``Posted on`` forms,
    optionally after a place (``Mumbai | Updated: …``). A bare date counts
    only before the first paragraph or after the last one, so a date used as
    a timeline subheading stays; an article's own dateline lead
    (``WASHINGTON — …``) is content. The fix deletes the line.
    """
    return _line_hits(doc, "dateline")


# -- SD002 ---------------------------------------------------------------------


@rule(
    code="SD002",
    name="scraper-source-marker",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "Both sides blame each other.\n\n⟦source site-34⟧",
        "First paragraph.\n⟦Source: site_12⟧\nSecond paragraph.",
        {"text": "Body text.\n⟦source site-7⟧\n", "fixed": "Body text.\n"},
        {
            "text": "Banks have begun closing machines at night.\n⟦[source site-3]⟧",
            "fixed": "Banks have begun closing machines at night.",
        },
    ],
    good=[
        "The source site said 34 people were hurt.",
        "According to a source, the site was closed.",
        "Source: Reuters",
    ],
)
def scraper_source_marker(doc: Doc) -> Iterable[Hit]:
    """Line that is only a scraper's source marker such as ``source site-34``.

    Why it matters: the marker is an artefact of the collection pipeline,
    not part of the article; it leaks into training data and published text.
    The fix deletes the line.
    """
    debris = debris_lines(doc)
    return _source_marker_hits(doc, debris) if debris else ()


def _source_marker_hits(doc: Doc, debris: tuple[LineZone, ...]) -> Iterator[Hit]:
    text = doc.text
    for lz in debris:
        if lz.kind == "source-marker":
            yield Hit(lz.start, lz.end, f"scraper source marker {text[lz.start : lz.end]!r}", line_fix(doc, lz))


# -- SD003 ---------------------------------------------------------------------


@rule(
    code="SD003",
    name="breadcrumb",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        {
            "text": "⟦HomeSecurityFlashpoints⟧NATO bolsters forces in Kosovo amid rising tensions\n\n"
            "NATO has approved extra forces for Kosovo after clashes in the north, officials said.",
            "fixed": "NATO bolsters forces in Kosovo amid rising tensions\n\n"
            "NATO has approved extra forces for Kosovo after clashes in the north, officials said.",
        },
        "⟦HomeDefence IndustryEurope⟧Arms makers struggle to keep up with orders\n\n"
        "European arms makers cannot meet demand for artillery shells, executives said on Thursday.",
        "⟦Home › World › Europe⟧\nDutch farmers block motorways over nitrogen rules\n\n"
        "Thousands of farmers drove tractors onto motorways on Tuesday, the traffic service said.",
        "⟦News | Politics⟧\n\nCoalition talks collapse\n\n"
        "Talks on forming a new government collapsed on Tuesday, raising the prospect of a fresh election.",
        "⟦Skip to content⟧\n⟦News Sport Business Opinion Lifestyle⟧\nFerry operator cuts winter timetable\n\n"
        "The island's ferry operator will run fewer crossings this winter, the company said.",
        "⟦HomeTech⟧YouTube tightens rules on AI videos\n\n"
        "The video platform said on Tuesday that creators must label realistic AI content.",
    ],
    good=[
        "YouTube tightens rules on AI videos\n\nThe platform said creators must label realistic content, "
        "while advertising from McDonald's, PlayStation and eBay was unaffected.",
        "iPhone sales slip in China\n\nApple's iPhone sales fell 19 percent, a research firm said on Monday.",
        "JPMorgan raises growth forecast\n\nLinkedIn and JPMorgan both reported strong results on Tuesday.",
        "GlaxoSmithKline to cut 2,000 jobs\n\nThe drugmaker said the cuts would fall mainly in research.",
        "Kosovo tensions rise\n\nNATO sent more troops on Friday, officials said.\n\n"
        "Shooting in the village of Banjska\n\nA policeman was killed in an ambush on Sunday, police said.",
        "Inflation > 5% worries central bankers, the survey of economists found.",
    ],
)
def breadcrumb(doc: Doc) -> Iterable[Hit]:
    """Breadcrumb or navigation left in the text (``Home › World › Europe``).

    Why it matters: navigation is page chrome; glued to the headline
    (``HomeSecurityFlashpointsNATO bolsters…``) it also corrupts the first
    word of the article. Reported: separator trails (``›``, ``»``, ``|``,
    ``/``) whose parts are short capitalised section names, menu lines of
    section names, skip/back/next links, and glued title-case runs at the
    start of the headline or lead — the glued prefix exactly, and the fix
    deletes just the prefix. Camel-case names (``iPhone``, ``YouTube``,
    ``McDonald``, ``PlayStation``, ``eBay``, ``JPMorgan``) stay quiet.
    Section names and brands are data files (``rules/debris_sections.txt``,
    ``rules/debris_brands.txt``), extendable with the lexicons
    ``debris_sections`` and ``debris_brands``.
    """
    return _glued_and_line_hits(doc, "navigation")


# -- SD004 ---------------------------------------------------------------------


@rule(
    code="SD004",
    name="widget-line",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "The budget passed by 31 votes to 20.\n\n⟦Share on Facebook⟧\n⟦Share on X⟧\n⟦related articles⟧",
        "Officials said talks would continue next week.\n\n⟦Advertisement⟧\n\n"
        "The minister said the government was willing to extend deadlines.",
        "⟦We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.⟧\n"
        "⟦Accept all cookies⟧\n\nEU agrees new rules on packaging\n\n"
        "Negotiators reached a provisional deal early on Tuesday, officials said.",
        "Heavy rain flooded roads in the city on Monday, officials said.\n"
        "⟦ALSO READ | Weather office warns of more rain⟧\nSchools will remain closed on Tuesday as a precaution.",
        "The agreement still needs formal approval, which is expected in the spring.\n\n"
        "⟦Please enable JavaScript to view the comments.⟧\n⟦Comments (12)⟧\n\n⟦You may also like⟧\n"
        "⟦Farm ministers split over pesticide targets⟧\n⟦Parliament approves new rules on AI systems⟧",
        {
            "text": "Police arrested two men on Tuesday, officials said.\n\n⟦Most read⟧\n"
            "⟦Residents oppose plan for 400 homes⟧\n",
            "fixed": "Police arrested two men on Tuesday, officials said.\n",
        },
        "Both kayakers were brought ashore safely, the coastguard said.\n\n"
        "⟦Join our WhatsApp channel for breaking news alerts⟧\n⟦Facebook Twitter LinkedIn Email⟧",
    ],
    good=[
        "\u201cRead more, scroll less \u2014 that was the message we put on every poster,\u201d the librarian said.",
        "Regulators say many cookie banners break the law, because refusing cookies must be as easy as accepting them.",
        "Sign-ups for the paper's weekly newsletter doubled last year, she said.",
        "Comments from residents during the debate focused on children learning to swim.",
        "Share prices rose 4 percent in early trading.",
        "Related research from a university in Oslo found that readers spent twice as long on obituaries.",
        "Comment: The quiet success of the night bus\n\nMost of the city is asleep when the first night bus leaves.\n\n"
        "Subscribe to the idea\n\nPlanners should stop treating night buses as a social service.\n\n"
        "Follow the money and the case is clear.",
        "\u201cWe use cookies to track what visitors read,\u201d the company said in a statement.",
    ],
)
def widget_line(doc: Doc) -> Iterable[Hit]:
    """Page widget left in the text: share, related, newsletter, cookie banner.

    Why it matters: widget text (``Share on Facebook``, ``Most read``,
    ``Sign up for our newsletter``, ``Advertisement``, ``Comments (12)``,
    consent banners, ``Please enable JavaScript``) is not the article and
    repeats across a corpus. Short lines after a "related"/"most read"
    header are reported as list items. Phrases must make up the line or
    lead it with a separator (``Read more: …``), so body sentences about
    cookies or newsletters and quoted speech that says "read more" stay
    quiet. Phrases are a data file (``rules/debris_lines.tsv``), extendable
    with the lexicon ``debris_lines``. The fix deletes the line.
    """
    return _line_hits(doc, "widget", frozenset({"teaser"}))


# -- SD005 ---------------------------------------------------------------------


@rule(
    code="SD005",
    name="media-credit",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "Farmers block motorways\n\n⟦Tractors line the A12 near Utrecht on Tuesday morning. (Photo: Reuters)⟧\n\n"
        "Thousands of farmers drove tractors onto motorways on Tuesday.",
        "Talks collapse\n\n⟦Photo: Reuters⟧\n\nTalks on forming a new coalition collapsed on Tuesday, leaders said.",
        "The quake hit at a depth of about 40 kilometres, the agency said.\n⟦REUTERS/Kim Kyung-Hoon⟧\n"
        "Bullet train services were briefly suspended.",
        "Shares rose 6 percent.\n⟦The company's headquarters in Eindhoven. Image: Metro Wire/Pieter Bos⟧",
    ],
    good=[
        "One photo shows fishermen unloading herring in 1923; another captures the flood of 1953.",
        "The exhibition includes a photo by Robert Capa, the museum said.",
        "The agency published video footage of the launch on Tuesday.",
        "Photographs of the damage were shared widely on social media.",
    ],
)
def media_credit(doc: Doc) -> Iterable[Hit]:
    """Photo, image or video caption or credit left in the text (``Photo: Reuters``).

    Why it matters: captions describe a picture the text no longer has, and
    credits are page furniture. Reported: credit lines (``Photo: …``,
    ``Image: …``, ``REUTERS/Name``, ``… via Getty Images``) and caption
    sentences ending in a credit (``… on Friday. (Photo: AFP)``); sentences
    that mention photos stay quiet. The fix deletes the line.
    """
    return _line_hits(doc, "caption")


# -- SD006 ---------------------------------------------------------------------


@rule(
    code="SD006",
    name="byline-credit",
    category="debris",
    severity="info",
    fixable=True,
    bad=[
        "Dutch farmers block motorways\n⟦By Sanne Visser | 12 March 2024⟧\n\n"
        "Thousands of farmers drove tractors onto motorways on Tuesday, the traffic service said.",
        "The budget passed by 31 votes to 20.\n\n⟦News Desk⟧\n⟦News Desk⟧",
        "Battery maker to build plant in Portugal\n⟦By Rui Almeida, Lisbon correspondent⟧\n\n"
        "A battery maker will build a factory in central Portugal, the government said.",
        "Earthquake strikes off Japan\n⟦Hiroshi Tanaka⟧\n12 March 2024 14:32\n\n"
        "A strong earthquake struck off the coast on Tuesday, the agency said.",
        "Coral reef mapped\n⟦Maria Costa and Liam Reid | Science Desk⟧\n\n"
        "Marine biologists have mapped a reef 150 metres below the surface, a study said.",
    ],
    good=[
        "By Friday evening, there were no new reports of fighting, although residents said they stayed indoors.",
        "Oil prices rose on Monday, analysts said.\n\n(Reporting by Anna Weber in London; Editing by Louise Heavens)",
        "Chile Declares Emergency\nBy the time the fires reached the city, 1,100 homes had been destroyed.",
        "Foreign correspondents in the capital were told to leave the country within 48 hours.",
    ],
)
def byline_credit(doc: Doc) -> Iterable[Hit]:
    """Byline or desk credit on its own line (``By Staff Reporter``, ``News Desk``).

    Why it matters: bylines and desk credits are page metadata; in a corpus
    they are noise that repeats across articles. Reported: ``By …`` lines
    made of names, roles, places and dates, desk and agency credits
    (``Web Desk``, ``Reuters``), and a name alone next to a page date in the
    head. Wire-service credits that belong to the edited text (``(Reporting
    by …; Editing by …)``) stay quiet, as do sentences starting with "By".
    The fix deletes the line.
    """
    return _line_hits(doc, "byline")


# -- SD007 ---------------------------------------------------------------------


@rule(
    code="SD007",
    name="site-footer",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "Police said no one was injured.\n\n⟦© 2024 Metro Wire. All rights reserved.⟧",
        "The first Test starts on October 16.\n"
        "⟦This story has been published from a wire agency feed without modifications to the text.⟧\n"
        "⟦Catch all the latest news and weather updates on The Capital Chronicle.⟧",
        {
            "text": "A senior official said a new cell would be set up by the end of the year.\n\n"
            "⟦Frontline Monitor is an independent publication covering defence, security and the arms trade.⟧\n"
            "⟦Send press releases to: desk@frontline-monitor.example⟧",
            "fixed": "A senior official said a new cell would be set up by the end of the year.",
        },
        "The team plans to return next year.\n\n⟦About Us | Contact | Privacy Policy | Terms of Use⟧",
    ],
    good=[
        "The company updated its privacy policy in May, a spokesperson said.",
        "\u201cAll rights reserved,\u201d read the notice on the door of the closed cinema.",
        "Copyright law is changing fast, experts said on Tuesday.",
        "The Harbour Gazette is the town's oldest newspaper, its editor said on Monday.\n\n"
        "The paper will go weekly in March.",
        "Privacy groups recommend blocking third-party cookies.\n\nThe European Commission is expected to "
        "propose simpler rules next year, which could let people set their preferences once in the browser "
        "instead of on every site.",
    ],
)
def site_footer(doc: Doc) -> Iterable[Hit]:
    """Site footer left in the text: copyright, press contact, site blurb.

    Why it matters: footers (``© 2024 …``, ``All rights reserved``, ``Send
    press releases to:``, syndication notices, footer links, a site
    describing itself after the article) repeat in every article of a site
    and are not content. A site's self-description counts only after the
    last paragraph. An unrecognised short line after the end of the article
    is reported at ``info``. Phrases are a data file
    (``rules/debris_lines.tsv``), extendable with the lexicon
    ``debris_lines``; site-specific regular expressions go in the lexicon
    ``debris_patterns``. The fix deletes the line.
    """
    return _line_hits(doc, "footer")


# -- SD008 ---------------------------------------------------------------------


@rule(
    code="SD008",
    name="metadata-field",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        {
            "text": " ⟦date 2023-09-30⟧ NATO Secretary General Jens Stoltenberg said extra forces had been approved.",
            "fixed": "NATO Secretary General Jens Stoltenberg said extra forces had been approved.",
        },
        "⟦Author: Jonas Berg⟧\n⟦Category: Environment⟧\nRiver levels fall as flood warnings are lifted\n\n"
        "Authorities lifted flood warnings on Thursday as water levels fell.",
        "The budget passed by 31 votes to 20.\n\n⟦Tags: city council, budget, schools⟧",
        "⟦Published: 2024-05-02T08:15:00Z⟧\nNurses vote to strike\n\n"
        "Nurses voted in favour of strike action on Wednesday, their union said.",
    ],
    good=[
        "Summary judgments are rare in such cases, lawyers said.",
        "The date of the vote has not been set, officials said.",
        "Note: the figures include people who were evacuated twice.",
        "Updated figures published on Monday showed the trend continuing this year.",
    ],
)
def metadata_field(doc: Doc) -> Iterable[Hit]:
    """Metadata field left in the text (``Tags: …``, ``Author: …``, ``date 2023-09-30``).

    Why it matters: CMS and scraper fields (author, tags, category,
    keywords, machine timestamps) are not prose. Reported: lines ``<field>:
    <value>`` with a known field name, and a date field glued to the start
    of the first line (``date 2023-09-30 NATO said…``), whose span is the
    field exactly. Field names are a data file (``rules/debris_fields.txt``),
    extendable with the lexicon ``debris_fields``. The fix deletes the line,
    or the glued field.
    """
    return _glued_and_line_hits(doc, "metadata")


# -- SD009 ---------------------------------------------------------------------


@rule(
    code="SD009",
    name="scraper-placeholder",
    category="debris",
    severity="error",
    fixable=True,
    bad=[
        {
            "text": "⟦{{title}}⟧\n\nA regional airline will resume flights next month, the company said.",
            "fixed": "A regional airline will resume flights next month, the company said.",
        },
        "Tickets will go on sale on ⟦%s⟧, the company added.",
        "The ⟦{{city}}⟧ council approved the budget on Monday.",
        "Police said no one was injured.\n\n⟦Lorem ipsum dolor sit amet, consectetur adipiscing elit.⟧",
        "The minister said ⟦[object Object]⟧ in a statement.",
    ],
    good=[
        "Inflation rose to 5.2% in May, the statistics office said.",
        "The union wants a 15% rise; the ministry offered 5%.",
        "Printers have used placeholder text for centuries, the typographer said.",
    ],
)
def scraper_placeholder(doc: Doc) -> Iterable[Hit]:
    """Template or scraper placeholder in the text (``{{title}}``, ``%s``, lorem ipsum).

    Why it matters: an unfilled template variable means the scraper or CMS
    failed to render the page; the article text around it is incomplete or
    wrong. Reported: ``{{…}}``, ``${…}``, ``%s``/``%(name)s``,
    ``[object Object]``, ``lorem ipsum``, ``TKTK``, ``[insert …]``. A line
    that is only a placeholder is deleted by the fix; a placeholder inside a
    sentence has no fix (the missing value is unknown).
    """
    debris = debris_lines(doc)
    if not debris and not _placeholder_possible(doc.text):
        return ()
    return _placeholder_hits(doc, debris)


def _placeholder_possible(text: str) -> bool:
    """``audit.zones.placeholders``'s own pre-check, reordered: single
    characters first, each a C-level ``memchr`` (``"__"`` needs ``"_"``,
    ``"TKTK"`` needs ``"K"``), so a clean article rarely pays for a search
    of a longer string. True exactly when that pre-check is."""
    if "{" in text or "%" in text or "[" in text or "_" in text and "__" in text:
        return True
    return "K" in text and "TKTK" in text or "orem" in text


def _placeholder_hits(doc: Doc, debris: tuple[LineZone, ...]) -> Iterator[Hit]:
    text = doc.text
    whole: set[int] = set()
    for lz in debris:
        if lz.kind == "placeholder":
            whole.add(lz.index)
            yield Hit(lz.start, lz.end, f"placeholder line {_shown(text[lz.start : lz.end])}", line_fix(doc, lz))
    if not _placeholder_possible(text):
        return
    for s, e in placeholders(doc):
        if whole and doc.line_of(s) in whole:
            continue
        yield Hit(s, e, f"unfilled placeholder {text[s:e]!r}")


# -- SD010 ---------------------------------------------------------------------

_BULLET_START = tuple("-•*–▪")


@rule(
    code="SD010",
    name="truncated-ending",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "River levels fall\n\nAuthorities lifted flood warnings on Thursday. ⟦Experts said the dikes had been under⟧",
        "Nurses vote to strike\n\nThe union said turnout was 64 percent.\n\n"
        "⟦Hospital managers warned that waiting lists have grown since the⟧\nsource site-7",
        {
            "text": "Talks collapse\n\nThe talks ended without a deal. ⟦The president is expected to⟧",
            "fixed": "Talks collapse\n\nThe talks ended without a deal.",
        },
    ],
    good=[
        "The first Test starts in Bengaluru on October 16.",
        "Talks resume next week, officials said.\n\nWhat comes next\n\n"
        "Officials said the courses would be reviewed every six months.",
        "Who will run it? The hospital said 40 new staff had been recruited.",
        "Oil prices rose, analysts said.\n\n(Reporting by Anna Weber; Editing by Louise Heavens)",
        "Prices rose again.\n\n\u201cWe will win.\u201d",
        "The ministry listed three priorities.\n\n- schools\n- hospitals\n- roads",
    ],
)
def truncated_ending(doc: Doc) -> Iterator[Hit]:
    """Article that stops mid-sentence.

    Why it matters: a cut-off last sentence means the scraper lost the rest
    of the article (pagination, a paywall, a length limit); the text is
    incomplete and its last sentence is broken. The last body paragraph
    (page furniture after it is ignored) must end with ``.``, ``!``, ``?`` or
    ``…`` (before closing quotes or brackets); list items are not judged.
    The span is the unfinished sentence; the fix (unsafe) deletes it.
    """
    zones = doc.zones
    k = zones.content_end
    if k is None:
        return
    lz = zones.lines[k]
    text = doc.text
    raw = text[lz.start : lz.end]
    if ends_sentence(raw) or raw.startswith(_BULLET_START):
        return
    start = lz.start
    for s, e in reversed(doc.sentences):
        if lz.start <= s < lz.end:
            start = s
            break
        if s < lz.start:
            break
    if start == lz.start:
        fix = line_fix(doc, lz, safe=False)
    else:
        cut = start
        while cut > lz.start and text[cut - 1] in " \t":
            cut -= 1
        fix = Fix("", False, cut, lz.end)
    yield Hit(start, lz.end, f"article ends mid-sentence: {_shown(text[start : lz.end])}", fix)


# -- SD011 ---------------------------------------------------------------------


@rule(
    code="SD011",
    name="teaser-ellipsis",
    category="debris",
    severity="warning",
    fixable=True,
    bad=[
        "The agreement still needs formal approval.\n\n⟦Why the single market still has gaps in services...⟧",
        {
            "text": "⟦NATO has approved extra forces for Kosovo in response to violent\u2026⟧\n\n"
            "NATO has approved extra forces for Kosovo in response to violent clashes, officials said.",
            "fixed": "NATO has approved extra forces for Kosovo in response to violent clashes, officials said.",
        },
    ],
    good=[
        "\u201cWe will see what happens\u2026\u201d he said, before leaving the room.",
        "The minister paused. \u201cWell\u2026\u201d",
        "The count continued late into the night, officials said.",
    ],
)
def teaser_ellipsis(doc: Doc) -> Iterable[Hit]:
    """Teaser line ending in an ellipsis (``Why the single market still has gaps...``).

    Why it matters: teasers are truncated copies of other articles' leads or
    of this one's, left by "read more" boxes and listings; they are cut off
    by design. A line that ends in ``...`` or ``…`` outside quoted speech is
    reported; lines inside a related/most-read list are reported by SD004.
    The fix deletes the line: safe before the first paragraph and after the
    last one, unsafe in the middle of the article.
    """
    debris = debris_lines(doc)
    return _teaser_hits(doc, debris) if debris else ()


def _teaser_hits(doc: Doc, debris: tuple[LineZone, ...]) -> Iterator[Hit]:
    text = doc.text
    zones = doc.zones
    for lz in debris:
        if lz.kind == "teaser":
            safe = zones.in_head_or_tail(lz.index)
            yield Hit(
                lz.start,
                lz.end,
                f"{KIND_LABELS['teaser']}: {_shown(text[lz.start : lz.end])}",
                line_fix(doc, lz, safe=safe),
            )


# -- SD012: corpus-level boilerplate -------------------------------------------

BOILERPLATE = "debris-boilerplate"
_MIN_ARTICLES = 5
_MIN_SHARE = 0.2
_SHORT_LINE_WORDS = 15
_LAST_LINES = 3


def _option(doc: Doc, key: str, default: Any) -> Any:
    return default if doc.config is None else doc.config.option("SD012", key, default)


def _source_key(doc: Doc) -> str:
    if not _option(doc, "per_source", True):
        return "*"
    return doc.article.source or ""


def boilerplate_candidates(doc: Doc) -> list[tuple[LineZone, int]]:
    """Content lines that may be site boilerplate, with their hash.

    Candidates are lead/body/subheading lines of at least three words that
    are short (at most 15 words), subheadings, or among the last three body
    lines: where unknown footers, slogans and widgets hide. Long paragraphs
    in the middle of an article are not counted, which keeps the first pass
    small. The hash is 64 bits of BLAKE2b over the normalised line (case,
    digits and punctuation folded), so ``© 2023`` and ``© 2024`` count as
    one line.
    """
    zones = doc.zones
    body = [lz for lz in zones.lines if lz.zone in ("lead", "body")]
    last = {lz.index for lz in body[-_LAST_LINES:]}
    text = doc.text
    out: list[tuple[LineZone, int]] = []
    seen: set[int] = set()
    for lz in zones.lines:
        if lz.zone not in ("lead", "body", "subheading"):
            continue
        norm = normalise(text[lz.start : lz.end])
        nwords = norm.count(" ") + 1
        if nwords < 3:
            continue
        if not (nwords <= _SHORT_LINE_WORDS or lz.zone == "subheading" or lz.index in last):
            continue
        h = int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
        if h not in seen:
            seen.add(h)
            out.append((lz, h))
    return out


def _boilerplate_empty() -> dict[str, dict[str, Any]]:
    return {"articles": {}, "lines": {}}


def _boilerplate_merge(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any]:
    """Add partial ``b`` into ``a`` and return it (``b`` is not changed).

    Partials are ``{"articles": {source: n}, "lines": {source: {hash: n}}}``:
    per source, how many articles were seen and in how many of them each
    candidate line occurs. Addition is associative and commutative, so
    chunks processed in parallel merge to the same result in any order.
    """
    if a is None:
        a = _boilerplate_empty()
    if not b:
        return a
    arts = a["articles"]
    for src, n in b["articles"].items():
        arts[src] = arts.get(src, 0) + n
    lines = a["lines"]
    for src, counts in b["lines"].items():
        mine = lines.get(src)
        if mine is None:
            lines[src] = dict(counts)
            continue
        for h, n in counts.items():
            mine[h] = mine.get(h, 0) + n
    return a


@collector(BOILERPLATE, merge=_boilerplate_merge, empty=_boilerplate_empty)
def boilerplate_observe(doc: Doc) -> dict[str, Any]:
    """First pass of SD012: this article's candidate line hashes."""
    src = _source_key(doc)
    return {"articles": {src: 1}, "lines": {src: {h: 1 for _lz, h in boilerplate_candidates(doc)}}}


_RECURRING = (
    "Independent local journalism for the Solent since 1891.",
    "Ferry operator cuts winter timetable\n\n"
    "The island's ferry operator will run fewer crossings this winter, the company said on Thursday.\n\n",
    "Residents oppose plan for 400 homes\n\n"
    "More than 600 people have signed a petition against the plan, organisers said.\n\n",
    "Police appeal after break-ins at beach huts\n\n"
    "Police are appealing for witnesses after more than 20 huts were broken into over the weekend.\n\n",
    "School celebrates best exam results in a decade\n\n"
    "Pupils achieved their best results in ten years, the head teacher said on Thursday.\n\n",
    "Lifeboat crew rescues two kayakers\n\n"
    "Volunteer crews rescued two kayakers off the harbour entrance on Sunday afternoon.\n\n",
)


@rule(
    code="SD012",
    name="corpus-boilerplate",
    category="debris",
    severity="warning",
    fixable=True,
    default_enabled=False,
    needs=(BOILERPLATE,),
    bad=[body + "⟦" + _RECURRING[0] + "⟧" for body in _RECURRING[1:]],
    good=[
        "Bus company restores rural routes\n\nA bus company will restore six rural routes next month.\n\n"
        "The company said the routes would run with the same timetables as before.",
        "Hospital opens cancer centre\n\nA hospital opened a new cancer treatment centre on Monday.\n\n"
        "The centre has three new radiotherapy machines.",
    ],
)
def corpus_boilerplate(doc: Doc) -> Iterator[Hit]:
    """Line that recurs in many articles of the same source (corpus-level boilerplate).

    Why it matters: every site has footers, slogans and widgets that no
    lexicon knows ("Independent local journalism since 1891."); a line that
    appears in many articles of one source is page furniture even when it
    reads like a sentence. A first pass counts candidate lines (see
    ``boilerplate_candidates``) per source — the folder, or ``--source-field``
    for JSONL/CSV — keeping 64-bit hashes, not text, in mergeable counts.
    A line is flagged in every article where it appears when it recurs in
    at least ``min_articles`` (default 5) articles and in at least
    ``min_share`` (default 0.2) of its source's articles. Options (rule
    ``SD012``): ``min_articles``, ``min_share``, ``per_source`` (default
    true; false counts the whole corpus as one source). Lines already in a
    furniture zone are left to the other SD rules, headlines are never
    counted, and without a first pass (a single text) the rule is silent.
    Not in the default set (it makes every run read the corpus twice):
    enable it with ``--extend-select SD012`` or ``--select debris``. The fix
    (unsafe: recurrence is statistical evidence) deletes the line.
    """
    stats = doc.corpus.get(BOILERPLATE)
    if not stats:
        return
    src = _source_key(doc)
    total = stats["articles"].get(src, 0)
    counts = stats["lines"].get(src)
    if not total or not counts:
        return
    min_articles = int(_option(doc, "min_articles", _MIN_ARTICLES))
    min_share = float(_option(doc, "min_share", _MIN_SHARE))
    text = doc.text
    for lz, h in boilerplate_candidates(doc):
        n = counts.get(h, 0)
        if n >= min_articles and n >= min_share * total:
            yield Hit(
                lz.start,
                lz.end,
                f"line recurs in {n} of {total} articles of this source: {_shown(text[lz.start : lz.end])}",
                line_fix(doc, lz, safe=False),
                data={"articles": n, "source_articles": total},
            )
