"""The zone model (audit/zones.py): every zone, neighbours and position,
glued debris, the report shape, configuration, and linear cost."""

from __future__ import annotations

import time

import pytest

from audit.config import Config
from audit.doc import Doc
from audit.engine import audit_article, make_plan
from audit.model import Article
from audit.reporters.json import article_dict
from audit.zones import CONTENT_ZONES, FURNITURE_ZONES, ZONES, classify

LEAD = "Estonia will increase naval patrols over the Baltic Sea after a data cable was damaged, officials said on Monday."
BODY = "The navy said two minehunters would be assigned to the area, and Finland has offered a surveillance aircraft."
BODY2 = "Investigators are examining the movements of several merchant ships that crossed the area last week."


def doc_of(text: str, config: Config | None = None, source: str | None = None) -> Doc:
    return Doc(Article(id="t", text=text, source=source), config or Config())


def zones(text: str, config: Config | None = None) -> list[tuple[str, str]]:
    """(zone, line text) for every non-blank line."""
    d = doc_of(text, config)
    return [(lz.zone, text[lz.start : lz.end]) for lz in d.zones if lz.zone != "blank"]


def zone_map(text: str, config: Config | None = None) -> dict[str, str]:
    return {line: zone for zone, line in zones(text, config)}


# -- every zone -----------------------------------------------------------------

PAGE = "\n".join(
    [
        "We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.",
        "Home › World › Europe",
        "Baltic states step up patrols after cable damage",
        "By Sanne Visser | 12 March 2024",
        "Updated: 3 hours ago",
        "Author: Jonas Berg",
        "",
        "Patrol boats leave Tallinn harbour on Monday. (Photo: Reuters)",
        "",
        LEAD,
        "",
        BODY,
        "",
        "Pressure on the northern flank",
        "",
        BODY2,
        "",
        "Share on Facebook",
        "© 2024 Metro Wire. All rights reserved.",
        "source site-12",
        "",
    ]
)


def test_every_zone_of_a_page() -> None:
    d = doc_of(PAGE)
    got = [(lz.index + 1, lz.zone, lz.kind) for lz in d.zones]
    assert got == [
        (1, "widget", "cookie"),
        (2, "navigation", "trail"),
        (3, "headline", "headline"),
        (4, "byline", "byline"),
        (5, "dateline", "page-date"),
        (6, "metadata", "field"),
        (7, "blank", "blank"),
        (8, "caption", "caption"),
        (9, "blank", "blank"),
        (10, "lead", "lead"),
        (11, "blank", "blank"),
        (12, "body", "body"),
        (13, "blank", "blank"),
        (14, "subheading", "subheading"),
        (15, "blank", "blank"),
        (16, "body", "body"),
        (17, "blank", "blank"),
        (18, "widget", "share"),
        (19, "footer", "copyright"),
        (20, "source-marker", "source-marker"),
        (21, "blank", "blank"),
    ]
    assert {lz.zone for lz in d.zones} == set(ZONES) - {"footer"} | {"footer"}


def test_zone_sets_partition_the_zones() -> None:
    assert CONTENT_ZONES | FURNITURE_ZONES | {"blank"} == set(ZONES)
    assert not CONTENT_ZONES & FURNITURE_ZONES


def test_ranges_shape_merges_lines_and_absorbs_blank_lines() -> None:
    assert doc_of(PAGE).zones.ranges() == [
        {"zone": "widget", "start_line": 1, "end_line": 1},
        {"zone": "navigation", "start_line": 2, "end_line": 2},
        {"zone": "headline", "start_line": 3, "end_line": 3},
        {"zone": "byline", "start_line": 4, "end_line": 4},
        {"zone": "dateline", "start_line": 5, "end_line": 5},
        {"zone": "metadata", "start_line": 6, "end_line": 6},
        {"zone": "caption", "start_line": 8, "end_line": 8},
        {"zone": "lead", "start_line": 10, "end_line": 10},
        {"zone": "body", "start_line": 12, "end_line": 12},
        {"zone": "subheading", "start_line": 14, "end_line": 14},
        {"zone": "body", "start_line": 16, "end_line": 16},
        {"zone": "widget", "start_line": 18, "end_line": 18},
        {"zone": "footer", "start_line": 19, "end_line": 19},
        {"zone": "source-marker", "start_line": 20, "end_line": 20},
    ]
    two = doc_of(f"Headline here\n\n{LEAD}\n\n{BODY}\n\n{BODY2}").zones.ranges()
    assert two == [
        {"zone": "headline", "start_line": 1, "end_line": 1},
        {"zone": "lead", "start_line": 3, "end_line": 3},
        {"zone": "body", "start_line": 5, "end_line": 7},
    ]


def test_zones_are_in_every_article_result_and_the_json_report() -> None:
    plan = make_plan(Config(select=["SD002"]))
    res = audit_article(Article(id="a", text=PAGE), plan)
    assert res.extra["zones"] == doc_of(PAGE).zones.ranges()
    assert article_dict(res)["zones"][0] == {"zone": "widget", "start_line": 1, "end_line": 1}


# -- position and neighbours ------------------------------------------------------


def test_short_title_line_between_paragraphs_is_a_subheading_but_a_list_item_after_related() -> None:
    mid = f"{LEAD}\n\nNavies race to replace ageing minehunters\n\n{BODY}"
    assert zone_map(mid)["Navies race to replace ageing minehunters"] == "subheading"
    end = f"{LEAD}\n\n{BODY}\n\nrelated articles\nNavies race to replace ageing minehunters\n"
    z = zone_map(end)
    assert z["related articles"] == "widget"
    assert z["Navies race to replace ageing minehunters"] == "widget"
    kinds = [lz.kind for lz in doc_of(end).zones if lz.zone != "blank"]
    assert kinds == ["lead", "body", "related-list", "list-item"]


def test_a_list_ends_at_the_next_paragraph() -> None:
    text = f"{LEAD}\n\nALSO READ\nWhy shell production is hard to scale up\n\n{BODY}\n\nWhat comes next\n\n{BODY2}"
    z = zone_map(text)
    assert z["ALSO READ"] == "widget"
    assert z["Why shell production is hard to scale up"] == "widget"
    assert z["What comes next"] == "subheading"


def test_dateline_lead_with_em_dash_is_the_lead() -> None:
    text = "U.S. urges restraint\n\nWASHINGTON \u2014 The United States on Friday urged both sides to talk.\n\nMore talks are planned."
    assert zones(text) == [
        ("headline", "U.S. urges restraint"),
        ("lead", "WASHINGTON \u2014 The United States on Friday urged both sides to talk."),
        ("body", "More talks are planned."),
    ]


def test_bare_date_is_page_furniture_only_at_the_edges() -> None:
    head = f"20 April 2024\nTalks collapse\n\n{LEAD}"
    assert zone_map(head)["20 April 2024"] == "dateline"
    mid = f"{LEAD}\n\n20 April 2024\n\n{BODY}"
    assert zone_map(mid)["20 April 2024"] == "subheading"


def test_name_next_to_a_page_date_is_a_byline_but_a_title_case_headline_is_not() -> None:
    z = zone_map(f"Earthquake strikes off Japan\nHiroshi Tanaka\n12 March 2024 14:32\n\n{LEAD}")
    assert z["Hiroshi Tanaka"] == "byline"
    assert z["Earthquake strikes off Japan"] == "headline"
    z = zone_map(f"Chile Declares Emergency\nBy Ana Morales | 3 February 2024\n\n{LEAD}")
    assert z["Chile Declares Emergency"] == "headline"


def test_site_blurb_is_furniture_only_after_the_article() -> None:
    blurb = "Frontline Monitor is an independent publication covering defence and security."
    assert zone_map(f"{LEAD}\n\n{BODY}\n\n{blurb}")[blurb] == "footer"
    assert zone_map(f"{blurb}\n\n{LEAD}\n\n{BODY}")[blurb] == "lead"


def test_unknown_short_line_after_the_end_is_a_tail_fragment() -> None:
    d = doc_of(f"{LEAD}\n\n{BODY}\n\nThe Harbour Gazette, 14 Quay Street\n")
    last = [lz for lz in d.zones if lz.zone != "blank"][-1]
    assert (last.zone, last.kind) == ("footer", "tail-fragment")


def test_wire_credit_is_a_byline_but_not_debris() -> None:
    d = doc_of(f"{LEAD}\n\n(Reporting by Anna Weber in London; Editing by Louise Heavens)")
    credit = [lz for lz in d.zones if lz.zone != "blank"][-1]
    assert (credit.zone, credit.kind, credit.is_debris) == ("byline", "wire-credit", False)
    assert d.zones.content_end == 0


@pytest.mark.parametrize(
    "line",
    [
        "Shooting in the village of Banjska",
        "What readers can do",
        "How much will it cost?",
        "US calls for \u201cimmediate de-escalation\u201d",
        "A button too far",
    ],
)
def test_real_subheadings_stay_content(line: str) -> None:
    assert zone_map(f"{LEAD}\n\n{line}\n\n{BODY}")[line] == "subheading"


@pytest.mark.parametrize(
    "line",
    [
        "\u201cRead more, scroll less \u2014 that was our message,\u201d the librarian said.",
        "Regulators say refusing cookies must be as easy as accepting them, and many banners break the law.",
        "Sign-ups for the paper's weekly newsletter doubled last year, she said.",
        "\u201cWe use cookies to track what visitors read,\u201d the company said in a statement.",
        "Comments from residents focused on children learning to swim.",
        "By Friday evening, there were no new reports of fighting.",
        "Follow the money and the case for night buses is clear.",
        "eBay, YouTube and LinkedIn reported slower growth, while JPMorgan cut its forecast for McDonald's.",
    ],
)
def test_body_sentences_near_furniture_phrases_stay_body(line: str) -> None:
    assert zone_map(f"{LEAD}\n\n{line}\n\n{BODY}")[line] == "body"


# -- glued debris ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line,prefix",
    [
        ("HomeSecurityFlashpointsNATO bolsters forces in Kosovo", "HomeSecurityFlashpoints"),
        ("HomeWorldEuropeRuling party wins regional election", "HomeWorldEurope"),
        ("HomeDefence IndustryEuropeArms makers struggle with orders", "HomeDefence IndustryEurope"),
        ("HomeSecurityAsia-PacificCoast guards hold joint drill", "HomeSecurityAsia-Pacific"),
        ("HomeTechYouTube tightens rules on AI videos", "HomeTech"),
        ("HomeTechiPhone sales slip in China", "HomeTech"),
        ("NewsKosovo tensions rise again", "News"),
    ],
)
def test_glued_breadcrumb_prefix_is_exact(line: str, prefix: str) -> None:
    d = doc_of(f"{line}\n\n{LEAD}")
    first = d.zones.lines[0]
    assert first.zone == "headline"
    assert first.glued is not None and first.glued.zone == "navigation"
    assert d.text[first.glued.start : first.glued.end] == prefix


@pytest.mark.parametrize(
    "line",
    [
        "YouTube tightens rules on AI videos",
        "McDonald's to open 50 restaurants",
        "PlayStation maker cuts forecast",
        "JPMorgan raises growth forecast",
        "LinkedIn cuts jobs in recruiting unit",
        "GlaxoSmithKline to cut 2,000 jobs",
        "MacBook sales rebound in Europe",
        "DeSantis signs budget into law",
        "BuzzFeed News closes",
        "SoftBank bets on chip designer",
    ],
)
def test_camel_case_brands_are_not_breadcrumbs(line: str) -> None:
    d = doc_of(f"{line}\n\n{LEAD}")
    assert d.zones.lines[0].zone == "headline"
    assert d.zones.lines[0].glued is None


def test_glued_run_without_a_headline_is_a_navigation_line() -> None:
    assert zone_map(f"HomeNewsWorld\nTalks collapse\n\n{LEAD}")["HomeNewsWorld"] == "navigation"


def test_glued_date_field_on_the_first_line() -> None:
    d = doc_of(" date 2023-09-30 NATO said in a statement that extra forces had been approved.")
    lz = d.zones.lines[0]
    assert lz.zone == "lead" and lz.glued is not None
    assert d.text[lz.glued.start : lz.glued.end] == "date 2023-09-30"
    assert d.text[lz.glued.cut :].startswith("NATO")


# -- configuration -----------------------------------------------------------------


def test_configured_phrases_patterns_sections_brands_and_fields() -> None:
    text = "\n".join(
        [
            "FlashpointsSurveillanceDrones patrol the border",
            "Dossier: border security",
            "",
            LEAD,
            "",
            "Join the Gazette Club today",
            "Independent local journalism since 1891.",
            "Harbour Gazette Ltd, registered in England No. 123456",
        ]
    )
    plain = zone_map(text)
    assert plain["Dossier: border security"] == "headline"
    assert plain["Join the Gazette Club today"] == "subheading"
    assert plain["Independent local journalism since 1891."] == "body"
    cfg = Config(
        lexicons={
            "debris_lines": [
                {"phrase": "Join the Gazette Club", "zone": "widget", "mode": "start"},
                "independent local journalism since 1891",
            ],
            "debris_patterns": [{"pattern": r"Harbour Gazette Ltd, registered in .{1,40}", "zone": "footer"}],
            "debris_sections": ["Surveillance"],
            "debris_fields": ["dossier"],
        }
    )
    d = doc_of(text, cfg)
    got = {d.text[lz.start : lz.end]: (lz.zone, lz.kind) for lz in d.zones if lz.zone != "blank"}
    assert got["Dossier: border security"] == ("metadata", "field")
    assert got["Join the Gazette Club today"] == ("widget", "custom")
    assert got["Independent local journalism since 1891."] == ("footer", "custom")
    assert got["Harbour Gazette Ltd, registered in England No. 123456"] == ("footer", "custom")
    first = d.zones.lines[0]
    assert first.glued is not None and d.text[first.glued.start : first.glued.end] == "FlashpointsSurveillance"


def test_configured_brand_silences_a_glued_run() -> None:
    text = f"NewsCorp shares fall after results\n\n{LEAD}"
    assert doc_of(text).zones.lines[0].glued is not None
    cfg = Config(lexicons={"debris_brands": ["NewsCorp"]})
    assert doc_of(text, cfg).zones.lines[0].glued is None
    glued = doc_of(f"HomeNewsCorp shares fall\n\n{LEAD}", cfg)
    lz = glued.zones.lines[0]
    assert lz.glued is not None and glued.text[lz.glued.start : lz.glued.end] == "Home"


def test_bad_configured_entries_never_crash() -> None:
    cfg = Config(
        lexicons={
            "debris_patterns": ["(unclosed", {"pattern": "Club", "zone": "nonsense"}, 42],
            "debris_lines": [{"phrase": "x", "mode": "weird"}, {"no": "phrase"}, None],
        }
    )
    got = zone_map(f"{LEAD}\n\n(unclosed\nClub", cfg)
    assert got["(unclosed"] == "footer" and got["Club"] == "footer"


# -- robustness and cost -----------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n\n", "   ", "Word", "\u00a9", "...", "source site-1"])
def test_degenerate_texts(text: str) -> None:
    d = doc_of(text)
    assert len(d.zones) == len(d.lines)
    d.zones.ranges()


def test_classification_does_not_need_a_config() -> None:
    d = Doc(Article(id="x", text=PAGE))
    assert [lz.zone for lz in classify(d)] == [lz.zone for lz in doc_of(PAGE).zones]


ADVERSARIAL = [
    "HomeWorld" * 120_000,
    "Home " * 200_000,
    "Home \u203a " * 150_000,
    "a" * 1_000_000,
    "." * 1_000_000,
    "By " + "Jane " * 200_000,
    "1" * 1_000_000,
    "{{" * 500_000,
    "photo: " * 150_000,
    " is a news " * 100_000,
    "cookie " * 150_000,
    "Updated: " + "20.04.2024 14:32 | " * 50_000,
]


@pytest.mark.parametrize("line", ADVERSARIAL, ids=lambda s: repr(s[:12]))
def test_one_megabyte_lines_are_linear(line: str) -> None:
    text = f"Headline\n{line}\n{LEAD}\n{line}"
    t0 = time.perf_counter()
    doc_of(text).zones.ranges()
    assert time.perf_counter() - t0 < 2.0


def test_many_furniture_lines_are_linear() -> None:
    text = LEAD + "\n" + "Share on Facebook\n\n" * 20_000 + "Most read\n" + "Some teaser title\n" * 20_000
    t0 = time.perf_counter()
    z = doc_of(text).zones
    assert sum(1 for _ in z.debris()) == 40_001
    assert time.perf_counter() - t0 < 5.0


def test_text_with_dotted_capital_i_is_zoned_like_any_other():
    # "İ" is the one character whose lower case is two characters long: the
    # zone scan then lower-cases line by line instead of slicing the shared
    # lower-cased text, with the same result.
    page = "\n".join(
        ["Updated: 3 hours ago", "Ferry service to İzmir resumes", "", LEAD, BODY, "Reporting by Jane Doe; editing by Ali Kaya"]
    )
    plain = page.replace("İ", "I")
    assert [z for z, _ in zones(page)] == [z for z, _ in zones(plain)]
    assert zone_map(page)["Updated: 3 hours ago"] == "dateline"


def test_byline_split_is_the_separator_pattern_split_in_linear_time():
    import random

    import regex

    from audit.zones import _byline_split

    pattern = regex.compile(r"\s*(?:[|•·,;/]|\s[-–—]\s)\s*")
    rng = random.Random(5)
    pieces = [" ", "  ", "\t", "\u00a0", "\n", "\x1c", "a", "Jane Doe", "|", "•", "·", ",", ";", "/", "-", "–", "—", "."]
    for _ in range(30_000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        assert _byline_split(body) == pattern.split(body), repr(body)
    start = time.perf_counter()
    assert _byline_split("5" + " " * 200_000 + "thousand") == ["5" + " " * 200_000 + "thousand"]
    assert time.perf_counter() - start < 1  # the pattern takes minutes on this
