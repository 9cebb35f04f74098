"""Synthetic benchmark corpus: English news articles with a little damage.

``generate(n, words=350, seed=0)`` yields ``n`` JSON-ready records
``{"id", "title", "source", "text"}``. Articles are built from hand-written
sentence templates in several beats (diplomacy, economy, courts, weather,
health, technology, sport, local government) with names, places, figures and
dates filled in, so the text has the shape of wire copy: a headline, an
optional dateline, a lead, quoted speech with attributions, numbers and
abbreviations, one paragraph per line.

About a fifth of the articles carry damage of the kinds mtaudit looks for:
doubled punctuation, scraper source markers and page furniture, repeated
sentences, mojibake, HTML entities, calqued phrasing, an untranslated
sentence, undecodable bytes. The output is deterministic for a given
``(n, words, seed)``, so benchmark figures are comparable between runs.

Run ``python bench/corpus.py --articles 1000 --words 350 > corpus.jsonl``
to write a corpus by hand; ``bench/bench.py`` generates (and caches) its own.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Iterator

FIRST = (
    "Anna Keller", "David Osei", "Maria Lindqvist", "Tomas Novak", "Priya Raman", "James Whitfield",
    "Elena Petrova", "Samuel Adeyemi", "Lucia Ferrante", "Hiroshi Tanaka", "Fatima Haddad", "Peter Brandt",
    "Claire Dubois", "Mateo Alvarez", "Sofia Marin", "Daniel Hughes", "Ingrid Solberg", "Omar Farouk",
    "Grace Mwangi", "Luka Horvat", "Rachel Stein", "Victor Lungu", "Hannah Brooks", "Nikolai Sokolov",
)
TITLES = (
    "the foreign minister", "the finance minister", "a government spokesperson", "the mayor",
    "the central bank governor", "a senior police official", "the health minister", "the company's chief executive",
    "an economist at the University of Vienna", "the opposition leader", "a spokesperson for the agency",
    "the head of the regional council", "a defence analyst", "the union's general secretary",
)
CITIES = (
    "Brussels", "Vienna", "Warsaw", "Lisbon", "Nairobi", "Toronto", "Osaka", "Madrid", "Prague", "Athens",
    "Helsinki", "Lagos", "Dublin", "Zagreb", "Bucharest", "Copenhagen", "Manila", "Santiago", "Rotterdam",
)
COUNTRIES = (
    "Germany", "Poland", "Portugal", "Kenya", "Canada", "Japan", "Spain", "the Czech Republic", "Greece",
    "Finland", "Nigeria", "Ireland", "Croatia", "Romania", "Denmark", "the Philippines", "Chile", "the Netherlands",
)
ORGS = (
    "the European Commission", "the International Monetary Fund", "the World Health Organization",
    "the national statistics office", "the transport ministry", "the state rail operator", "the supreme court",
    "the electoral commission", "the environment agency", "the teachers' union", "the central bank",
    "the competition authority", "the city council", "the port authority", "the energy regulator",
)
COMPANIES = (
    "Northway Logistics", "Helix Pharmaceuticals", "Baltic Grid", "Corvan Steel", "Meridian Air",
    "Solent Bank", "Tessaro Motors", "Greenfield Foods", "Aurora Telecom", "Pinecrest Energy",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
SOURCES = ("wire", "daily-herald", "metro-news", "the-courier", "eastern-post", "global-desk")

# Beat-specific sentences. Placeholders: {person} {title} {city} {country}
# {country2} {org} {company} {day} {month} {n} {n2} {pct} {pct2} {money} {year}.
BEATS: dict[str, dict[str, tuple[str, ...]]] = {
    "diplomacy": {
        "headline": (
            "{country} and {country2} agree to resume border talks",
            "Ministers meet in {city} as tensions rise over fishing rights",
            "{country} recalls ambassador after diplomatic row",
        ),
        "lead": (
            "Officials from {country} and {country2} agreed on {day} to resume talks on their disputed border "
            "after a pause of almost {n} months.",
            "Foreign ministers gathered in {city} on {day} for a meeting that diplomats described as the most "
            "important of the year.",
            "{country} recalled its ambassador from {country2} on {day}, deepening a dispute that has already "
            "disrupted trade between the two neighbours.",
        ),
        "body": (
            "The talks will be held in {city} and are expected to last at least {n2} days.",
            "Diplomats said the two sides had narrowed their differences on most of the technical questions.",
            "The dispute dates back to a {year} agreement that neither government has fully implemented.",
            "{org} has offered to send observers if both sides request them.",
            "Trade between the two countries fell by {pct} percent last year, according to official figures.",
            "Opposition parties in {country} have accused the government of conceding too much.",
            "A joint statement issued after the meeting said both delegations were committed to a lasting settlement.",
            "The meeting had been postponed twice because of disagreements over the agenda.",
            "Neither side commented on reports that a draft treaty had already been circulated.",
            "Several thousand people live in the villages along the disputed stretch of the border.",
        ),
    },
    "economy": {
        "headline": (
            "Inflation in {country} slows to {pct} percent",
            "Central bank holds interest rates as growth stalls",
            "{company} to cut {n} jobs after profits fall",
        ),
        "lead": (
            "Consumer prices in {country} rose by {pct} percent in {month} from a year earlier, the slowest pace "
            "in more than two years, the national statistics office said on {day}.",
            "The central bank left its main interest rate unchanged at {pct} percent on {day}, saying it wanted "
            "more evidence that inflation was under control.",
            "{company} said on {day} it would cut about {n} jobs over the next two years after reporting a sharp "
            "drop in quarterly profit.",
        ),
        "body": (
            "Economists polled by the newspaper had expected a reading of {pct2} percent.",
            "Food and energy prices, which drove inflation higher last year, have eased in recent months.",
            "The company's shares fell {pct2} percent in early trading in {city}.",
            "Wages rose by {pct} percent in the same period, the first real increase since {year}.",
            "Retail sales were flat in {month}, while industrial output fell for a third consecutive month.",
            "The government expects the economy to grow by about {pct2} percent this year.",
            "Analysts said the figures made a rate cut before the summer more likely.",
            "{company} employs about {n2},000 people, most of them in {country}.",
            "The firm reported revenue of {money} for the quarter, down from a year earlier.",
            "Exporters have complained that the strong currency is hurting their sales abroad.",
        ),
    },
    "courts": {
        "headline": (
            "Court orders retrial in {city} corruption case",
            "Former minister goes on trial over procurement contracts",
            "Judges reject appeal by {company}",
        ),
        "lead": (
            "The supreme court in {country} on {day} ordered a retrial of a former deputy mayor of {city} who was "
            "convicted of taking bribes in {year}.",
            "A former minister went on trial in {city} on {day} accused of steering public contracts worth "
            "{money} to companies run by friends.",
            "Judges rejected an appeal by {company} on {day}, upholding a fine of {money} imposed by the "
            "competition authority.",
        ),
        "body": (
            "The defendant denies all the charges and says the case is politically motivated.",
            "Prosecutors say the scheme ran for at least {n2} years.",
            "The court said the lower court had failed to consider evidence presented by the defence.",
            "If convicted, the defendant faces up to {n2} years in prison.",
            "The trial is expected to last until {month}, with more than {n} witnesses due to testify.",
            "Lawyers for the company said they were studying the ruling and had not decided whether to appeal further.",
            "The case has become a test of the government's promise to tackle corruption.",
            "Several co-defendants have already reached plea agreements with prosecutors.",
            "The hearing was adjourned until {day} after a dispute over the admissibility of recorded phone calls.",
        ),
    },
    "weather": {
        "headline": (
            "Floods force thousands from their homes in {country}",
            "Heatwave sets new temperature record in {city}",
            "Storm cuts power to {n},000 households",
        ),
        "lead": (
            "Heavy rain caused rivers to burst their banks across northern {country} on {day}, forcing about "
            "{n},000 people to leave their homes.",
            "Temperatures in {city} reached 41.{n2} degrees Celsius on {day}, the highest since records began, "
            "the national weather service said.",
            "A storm with winds of up to {n} kilometres per hour cut power to tens of thousands of homes on {day} "
            "and disrupted rail services across the region.",
        ),
        "body": (
            "Emergency services said {n2} people had been taken to hospital, none with life-threatening injuries.",
            "Forecasters expect more rain over the weekend, and water levels are likely to keep rising.",
            "Schools in the worst-affected districts will stay closed until at least {day}.",
            "The army has sent soldiers and boats to help evacuate residents from low-lying villages.",
            "Insurers estimate the damage at {money}, though the figure is likely to rise.",
            "Scientists say extreme weather is becoming more frequent as the climate warms.",
            "Rail operators cancelled dozens of services and advised passengers not to travel.",
            "Local authorities opened sports halls and schools as temporary shelters.",
            "Power had been restored to most households by the evening, the grid operator said.",
        ),
    },
    "health": {
        "headline": (
            "Hospital waiting lists in {country} reach record high",
            "New vaccine trial begins in {city}",
            "Doctors strike over pay and working hours",
        ),
        "lead": (
            "More than {n}0,000 patients in {country} have been waiting over a year for planned surgery, official "
            "data published on {day} showed.",
            "Researchers in {city} began testing a new vaccine on about {n} volunteers on {day}, the university "
            "running the trial said.",
            "Thousands of junior doctors in {country} walked out on {day} in the latest of a series of strikes over "
            "pay and working hours.",
        ),
        "body": (
            "The health ministry said it would publish a recovery plan before the end of {month}.",
            "Hospitals cancelled about {n2},000 appointments during the last strike.",
            "The trial is expected to report its first results early next year.",
            "Patient groups warned that longer waits were leading to worse outcomes.",
            "The number of nurses leaving the profession rose by {pct} percent last year.",
            "Unions say their members' pay has fallen by almost a fifth in real terms since {year}.",
            "The government has offered a rise of {pct2} percent, which the union rejected as inadequate.",
            "Emergency care was maintained throughout the walkout, hospital managers said.",
            "The vaccine uses a technology first developed for influenza.",
        ),
    },
    "technology": {
        "headline": (
            "{company} unveils plan for new chip plant",
            "Regulator opens investigation into data breach",
            "Government backs national broadband rollout",
        ),
        "lead": (
            "{company} said on {day} it would invest {money} in a new plant near {city}, creating about {n} jobs.",
            "The data protection authority in {country} opened an investigation on {day} into a breach that exposed "
            "the personal details of about {n}0,000 customers.",
            "The government in {country} approved a plan on {day} to bring fast broadband to every household by "
            "{year}.",
        ),
        "body": (
            "Construction is due to begin next year, with production starting in {year}.",
            "The company said the breach had been contained and that no payment data had been taken.",
            "Customers affected by the breach will be contacted by e-mail over the coming days.",
            "About {pct} percent of rural households currently have no access to fast internet.",
            "The project will be financed partly by {org}.",
            "Industry groups welcomed the plan but said it would need more engineers than the country trains.",
            "The regulator can impose fines of up to 4 percent of a company's annual turnover.",
            "Local officials said the plant would need a new water supply and a rail connection.",
            "Rival firms have announced similar investments in {country2} and elsewhere in Europe.",
        ),
    },
    "sport": {
        "headline": (
            "{city} wins bid to host championships",
            "Veteran striker retires after {n2} seasons",
            "Stadium plan approved despite residents' objections",
        ),
        "lead": (
            "{city} was chosen on {day} to host the {year} European athletics championships, beating bids from "
            "two other cities.",
            "The striker who captained {country} at two World Cups announced his retirement on {day} at the age "
            "of 3{n2}.",
            "Councillors in {city} approved plans on {day} for a new {n},000-seat stadium, despite objections from "
            "residents worried about traffic.",
        ),
        "body": (
            "Organisers expect about {n}0,000 visitors during the ten days of competition.",
            "He scored {n} goals in {n2}0 appearances for the national team.",
            "The stadium is due to open in time for the {year} season.",
            "The bid was supported by the national government, which promised to cover part of the cost.",
            "Residents' groups said they would challenge the decision in court.",
            "The club has played in a temporary ground since its old stadium was demolished.",
            "Tickets will go on sale in {month}.",
            "His former coach described him as the finest player of his generation.",
        ),
    },
    "local": {
        "headline": (
            "Council approves new housing on former factory site",
            "Bus fares in {city} to rise from {month}",
            "Bridge closure leaves commuters facing long detours",
        ),
        "lead": (
            "The city council in {city} approved plans on {day} to build about {n}00 homes on the site of a former "
            "textile factory.",
            "Bus and tram fares in {city} will rise by an average of {pct} percent from {month}, the transport "
            "authority said on {day}.",
            "The main road bridge into {city} will stay closed for at least {n2} months after engineers found cracks "
            "in its supports, officials said on {day}.",
        ),
        "body": (
            "About a third of the new homes will be offered at below-market rents.",
            "The authority said higher energy and staff costs had left it with no choice.",
            "Commuters face detours of up to {n2}0 minutes while the bridge is repaired.",
            "The site has been empty since the factory closed in {year}.",
            "Opposition councillors said the plan did not include enough green space.",
            "A temporary ferry service will run every {n2}0 minutes during the morning and evening peaks.",
            "Monthly passes will rise by less than single tickets, the authority said.",
            "Work on the first phase is expected to start in {month}.",
        ),
    },
}

# Quotes and attributions shared by every beat.
QUOTES = (
    "We have made real progress, but there is still a great deal of work to do",
    "This is a difficult decision, and we did not take it lightly",
    "Nobody expected the situation to change so quickly",
    "We will study the proposal carefully before we respond",
    "People want to know what this means for their families",
    "The figures are encouraging, but it is too early to celebrate",
    "We are ready to talk, but not under these conditions",
    "It is the right step at the right time",
    "Our priority is the safety of residents",
    "There are no easy answers here",
    "We expect the first results within weeks, not months",
    "The public deserves a full explanation",
    "This agreement protects jobs and keeps prices stable",
    "We are not going to be rushed into a bad deal",
    "Every option remains on the table",
    "The next few days will be decisive",
    "We have listened to the concerns of residents",
    "This was never about politics",
    "We need a plan that works for the whole country",
    "I am confident we can find a solution",
)
ATTRIBUTION = (
    "\u201c{quote},\u201d {person}, {title}, said on {day}.",
    "\u201c{quote},\u201d {person} told reporters in {city}.",
    "{person}, {title}, said: \u201c{quote}.\u201d",
    "\u201c{quote},\u201d said {person}. \u201cWe owe it to the public to be clear about that.\u201d",
)
GENERIC = (
    "The announcement came after weeks of speculation in local media.",
    "{org} said it would publish more details in the coming weeks.",
    "The decision was welcomed by business groups but criticised by environmental campaigners.",
    "Officials in {city} declined to comment on the report.",
    "The government has faced growing pressure over the issue since the spring.",
    "A final decision is not expected before {month}.",
    "Critics say the measures do not go far enough.",
    "The U.S. embassy said it was following developments closely.",
    "Talks are scheduled to continue at 10 a.m. on {day}.",
    "According to figures from {org}, the number has almost doubled since {year}.",
    "The plan still needs the approval of parliament, where the governing coalition has a narrow majority.",
    "Similar measures were introduced in {country2} last year, with mixed results.",
    "It was not immediately clear how the changes would be funded.",
)
SIGN_OFF = "Reporting by {person} in {city}; editing by {person2}."

# Combinatorial sentences for long articles, once the hand-written templates
# of a beat are used up: subject + verb phrase + object + time/tail.
SUBJECTS = (
    "Officials in {city}", "The ministry", "Local residents", "Several analysts", "The opposition",
    "Business leaders", "Union representatives", "A parliamentary committee", "Two senior diplomats",
    "Campaign groups", "The regional government", "Independent experts", "Lawmakers from the governing party",
    "Police in {city}", "Economists at {company}",
)
VERBS = (
    "said they expected", "warned of", "called for", "welcomed", "questioned the need for", "pressed for",
    "played down the risk of", "raised concerns about", "proposed", "rejected calls for", "asked for details of",
    "signalled support for",
)
OBJECTS = (
    "further delays to the project", "a review of the rules", "new talks with the unions",
    "a wider investigation", "a temporary freeze on prices", "stricter checks at the border",
    "more money for local councils", "an independent inquiry", "changes to the draft law",
    "a phased return to normal service", "closer cooperation with {country2}", "a cut in fuel duty",
    "tighter limits on lending", "extra staff for hospitals",
)
TAILS = (
    "on {day}", "in a statement", "earlier this week", "at a news conference in {city}",
    "in an interview with a local radio station", "after the meeting", "in a letter to the government",
    "last month", "ahead of next week's vote", "in comments published on {day}",
)

# Damage of the kinds mtaudit reports. Each function returns new paragraph
# list; they are applied to about a fifth of the articles.
NAV_LINES = (
    "HomeNewsWorldEurope", "Share this article", "Read more:", "Subscribe to our newsletter",
    "Follow us on social media", "Advertisement", "Related articles", "Click here to read the full story",
)
CALQUES = (
    "According to him, the measures will enter into force from next month.",
    "The ministry took a decision to prolong the program for another year.",
    "In the framework of the agreement, both sides will exchange information.",
    "{country} said on {day} that he would not accept the conditions.",
    "The minister underlined that the situation is under control from the side of the authorities.",
)
#: Untranslated paragraphs: sentences in six languages with varied numbers,
#: places and days, so a benchmark never meets the same foreign paragraph
#: twice by design (a cache of detector results must not flatter it).
FOREIGN = {
    "de": (
        "Die Regierung hat am {day} neue Ma\u00dfnahmen angek\u00fcndigt, die ab n\u00e4chster Woche gelten sollen.",
        "In {city} gingen nach Angaben der Polizei rund {n}.000 Menschen auf die Stra\u00dfe.",
        "Der Minister sagte, die Lage sei unter Kontrolle, doch die Opposition fordert eine Untersuchung.",
        "Die Preise sind im Vergleich zum Vorjahr um {pct} Prozent gestiegen.",
        "Nach dem Treffen wollten sich die Vertreter beider Seiten nicht \u00e4u\u00dfern.",
        "Die Verhandlungen sollen in {n2} Wochen fortgesetzt werden.",
    ),
    "es": (
        "El gobierno anunci\u00f3 el {day} nuevas medidas que entrar\u00e1n en vigor la pr\u00f3xima semana.",
        "Seg\u00fan la polic\u00eda, unas {n} mil personas se manifestaron en {city}.",
        "El ministro afirm\u00f3 que la situaci\u00f3n est\u00e1 bajo control, pero la oposici\u00f3n pide explicaciones.",
        "Los precios subieron un {pct} por ciento con respecto al a\u00f1o anterior.",
        "Ninguna de las partes quiso hacer comentarios despu\u00e9s de la reuni\u00f3n.",
        "Las negociaciones se reanudar\u00e1n dentro de {n2} semanas.",
    ),
    "fr": (
        "Le gouvernement a annonc\u00e9 {day} de nouvelles mesures qui entreront en vigueur la semaine prochaine.",
        "Selon la police, quelque {n} 000 personnes ont manifest\u00e9 \u00e0 {city}.",
        "Le ministre a assur\u00e9 que la situation \u00e9tait sous contr\u00f4le, mais l'opposition r\u00e9clame une enqu\u00eate.",
        "Les prix ont augment\u00e9 de {pct} % par rapport \u00e0 l'ann\u00e9e derni\u00e8re.",
        "Aucune des deux parties n'a souhait\u00e9 s'exprimer apr\u00e8s la r\u00e9union.",
        "Les n\u00e9gociations doivent reprendre dans {n2} semaines.",
    ),
    "it": (
        "Il governo ha annunciato {day} nuove misure che entreranno in vigore la prossima settimana.",
        "Secondo la polizia, circa {n} mila persone hanno manifestato a {city}.",
        "Il ministro ha detto che la situazione \u00e8 sotto controllo, ma l'opposizione chiede chiarimenti.",
        "I prezzi sono aumentati del {pct} per cento rispetto all'anno scorso.",
        "Nessuna delle due parti ha voluto commentare dopo l'incontro.",
        "I negoziati riprenderanno tra {n2} settimane.",
    ),
    "pl": (
        "Rz\u0105d og\u0142osi\u0142 w {day} nowe \u015brodki, kt\u00f3re wejd\u0105 w \u017cycie w przysz\u0142ym tygodniu.",
        "Wed\u0142ug policji w {city} demonstrowa\u0142o oko\u0142o {n} tysi\u0119cy os\u00f3b.",
        "Minister powiedzia\u0142, \u017ce sytuacja jest pod kontrol\u0105, ale opozycja \u017c\u0105da wyja\u015bnie\u0144.",
        "Ceny wzros\u0142y o {pct} procent w por\u00f3wnaniu z ubieg\u0142ym rokiem.",
        "\u017badna ze stron nie chcia\u0142a komentowa\u0107 wynik\u00f3w spotkania.",
        "Negocjacje maj\u0105 zosta\u0107 wznowione za {n2} tygodnie.",
    ),
    "pt": (
        "O governo anunciou na {day} novas medidas que entram em vigor na pr\u00f3xima semana.",
        "Segundo a pol\u00edcia, cerca de {n} mil pessoas protestaram em {city}.",
        "O ministro disse que a situa\u00e7\u00e3o est\u00e1 sob controle, mas a oposi\u00e7\u00e3o pede explica\u00e7\u00f5es.",
        "Os pre\u00e7os subiram {pct} por cento em rela\u00e7\u00e3o ao ano passado.",
        "Nenhuma das partes quis comentar depois da reuni\u00e3o.",
        "As negocia\u00e7\u00f5es devem ser retomadas dentro de {n2} semanas.",
    ),
}
_FOREIGN_DAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"),
    "es": ("lunes", "martes", "mi\u00e9rcoles", "jueves", "viernes"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi"),
    "it": ("luned\u00ec", "marted\u00ec", "mercoled\u00ec", "gioved\u00ec", "venerd\u00ec"),
    "pl": ("poniedzia\u0142ek", "wtorek", "\u015brod\u0119", "czwartek", "pi\u0105tek"),
    "pt": ("segunda-feira", "ter\u00e7a-feira", "quarta-feira", "quinta-feira", "sexta-feira"),
}
#: Three slots, as many as the fixed sentences this pool replaced: the main
#: random stream makes the same draw, so the rest of the corpus is unchanged.
_FOREIGN_SLOTS = (0, 1, 2)


def _foreign_paragraph(slot: int, anchor: str) -> str:
    """One to three sentences in one language, drawn from a random stream
    of their own (seeded by the slot and the paragraph they precede)."""
    r = random.Random(f"foreign:{slot}:{anchor}".encode("utf-8", "surrogatepass"))  # the text may hold lone surrogates
    lang = r.choice(sorted(FOREIGN))
    sentences = r.sample(FOREIGN[lang], r.randint(1, 3))
    values = {
        "day": r.choice(_FOREIGN_DAYS[lang]),
        "city": r.choice(CITIES),
        "n": str(r.randint(2, 95)),
        "n2": str(r.randint(2, 9)),
        "pct": f"{r.randint(1, 9)},{r.randint(0, 9)}",
    }
    return " ".join(t.format(**values) for t in sentences)


#: Bumped whenever the generator's output changes (part of the cache name).
#: 2: varied untranslated paragraphs in six languages (were three fixed
#: sentences).
CORPUS_VERSION = 2


class _Filler:
    """Fills template placeholders with random but consistent values."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        r = rng
        self.values = {
            "person": r.choice(FIRST),
            "person2": r.choice(FIRST),
            "title": r.choice(TITLES),
            "city": r.choice(CITIES),
            "country": r.choice(COUNTRIES),
            "country2": r.choice(COUNTRIES),
            "org": r.choice(ORGS),
            "company": r.choice(COMPANIES),
            "day": r.choice(DAYS),
            "month": r.choice(MONTHS),
            "year": str(r.randint(2008, 2031)),
        }

    def fill(self, template: str) -> str:
        r = self.rng
        v = dict(self.values)
        if "{person}" in template:
            v["person"] = r.choice(FIRST)
            v["title"] = r.choice(TITLES)
        v.update(
            n=str(r.randint(2, 95)),
            n2=str(r.randint(2, 9)),
            pct=f"{r.randint(1, 9)}.{r.randint(0, 9)}",
            pct2=f"{r.randint(1, 9)}.{r.randint(0, 9)}",
            money=r.choice(("${}.{} billion", "\u20ac{}{}0 million", "\u00a3{}.{} million")).format(
                r.randint(1, 9), r.randint(1, 9)
            ),
        )
        out = template.format(**v)
        return out[0].upper() + out[1:]


def _damage(paras: list[str], rng: random.Random, fill: _Filler) -> list[str]:
    """Apply one to three kinds of damage to an article's paragraphs."""
    kinds = rng.sample(
        ["doubled", "marker", "nav", "repeat", "mojibake", "entity", "calque", "foreign", "bytes", "spacing"],
        rng.randint(1, 3),
    )
    paras = list(paras)
    for kind in kinds:
        i = rng.randrange(1, len(paras))
        p = paras[i]
        if kind == "doubled" and p.endswith("."):
            paras[i] = p + "."
        elif kind == "marker":
            paras.append(f"source site-{rng.randint(1, 99)}")
        elif kind == "nav":
            paras.insert(rng.choice((1, len(paras))), rng.choice(NAV_LINES))
        elif kind == "repeat":
            j = rng.randrange(1, len(paras))
            first = paras[j].split(". ")[0].rstrip(".") + "."
            paras[i] = p + " " + first
        elif kind == "mojibake":
            paras[i] = p.replace("\u2019", "\u00e2\u20ac\u2122").replace(" percent", " percent\u00c2\u00a0")
        elif kind == "entity":
            paras[i] = p.replace(" and ", " &amp; ", 1).replace(". ", ".&nbsp;", 1)
        elif kind == "calque":
            paras.insert(i, fill.fill(rng.choice(CALQUES)))
        elif kind == "foreign":
            paras.insert(i, _foreign_paragraph(rng.choice(_FOREIGN_SLOTS), p))
        elif kind == "bytes":
            k = p.find("e")
            if k > 0:
                # A lone surrogate stands for an undecodable input byte.
                paras[i] = p[:k] + "\udce9" + p[k + 1 :]
        elif kind == "spacing":
            paras[i] = p.replace(", ", " , ", 1).replace(".", " .", 1)
    return paras


def _combined(fill: _Filler) -> str:
    r = fill.rng
    return fill.fill(f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(TAILS)}.")


def article(rng: random.Random, words: int) -> tuple[str, str]:
    """One article of about ``words`` words: ``(title, text)``.

    Clean articles never repeat a sentence: templates are used at most once
    per article, then combinatorial sentences take over (long articles).
    """
    beat = BEATS[rng.choice(sorted(BEATS))]
    fill = _Filler(rng)
    title = fill.fill(rng.choice(beat["headline"]))
    paras: list[str] = [title]
    lead = fill.fill(rng.choice(beat["lead"]))
    paras.append(f"{fill.values['city'].upper()} \u2014 {lead}" if rng.random() < 0.4 else lead)
    pool = list(beat["body"]) + list(GENERIC)
    rng.shuffle(pool)
    quotes = list(QUOTES)
    rng.shuffle(quotes)
    attributions = list(ATTRIBUTION)
    seen: set[str] = set()
    count = sum(len(p.split()) for p in paras)
    while count < words - 20:
        if quotes and rng.random() < 0.25:
            form = rng.choice(attributions)
            if "We owe it" in form:
                attributions.remove(form)  # its fixed second sentence must not repeat
            para = fill.fill(form.replace("{quote}", quotes.pop()))
        else:
            picks = []
            for _ in range(rng.randint(2, 4)):
                sentence = fill.fill(pool.pop()) if pool else _combined(fill)
                while sentence in seen:
                    sentence = _combined(fill)
                seen.add(sentence)
                picks.append(sentence)
            para = " ".join(picks)
        paras.append(para)
        count += len(para.split())
    if rng.random() < 0.3:
        paras.append(fill.fill(SIGN_OFF))
    if rng.random() < 0.2:
        paras = _damage(paras, rng, fill)
    sep = "\n\n" if rng.random() < 0.7 else "\n"
    return title, sep.join(paras) + "\n"


def generate(n: int, words: int = 350, seed: int = 0) -> Iterator[dict[str, str]]:
    """Yield ``n`` article records of about ``words`` words each."""
    rng = random.Random(f"{seed}:{words}")
    for i in range(n):
        title, text = article(rng, words)
        yield {"id": f"bench-{words}w-{i:07d}", "title": title, "source": rng.choice(SOURCES), "text": text}


def write_jsonl(path: str, n: int, words: int = 350, seed: int = 0) -> int:
    """Write a corpus to ``path``; return its size in bytes."""
    size = 0
    with open(path, "w", encoding="utf-8", errors="surrogatepass", newline="\n") as fh:
        for rec in generate(n, words, seed):
            line = json.dumps(rec, ensure_ascii=True) + "\n"
            fh.write(line)
            size += len(line)
    return size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--words", type=int, default=350)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for rec in generate(args.articles, args.words, args.seed):
        sys.stdout.write(json.dumps(rec, ensure_ascii=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
