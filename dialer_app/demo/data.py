"""Who is in the demo team. Numbers are in fictional ranges (US 555-01xx, UK 020 7946 0xxx)
except seed 002's own UK example; their last four digits pick the demo line's behaviour:
0486 busy, 0408 never answers, 0199 voicemail, anything else answers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoPhone:
    kind: str
    number: str
    extension: str | None = None


@dataclass(frozen=True)
class DemoPerson:
    first: str
    last: str
    title: str
    account: str
    email: str
    phones: tuple[DemoPhone, ...]
    city: str = ""
    country: str = ""
    cadences: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DemoStep:
    step_type: str
    day: int
    name: str
    instructions: str = ""
    email_subject: str = ""
    email_body: str = ""
    """Email steps' templates, with merge fields (domain/email_templates.py)."""


ACCOUNTS: dict[str, str] = {
    "Acme Logistics": "acme-logistics.example",
    "Globex Retail": "globex.example",
    "Initech Software": "initech.example",
    "Umbrella Health": "umbrella-health.example",
    "Nordwind GmbH": "nordwind.example",
    "Maison Lumière": "maison-lumiere.example",
}

INTRO = "Intro Cadence"
FOLLOW = "Event Follow-up"

CADENCES: dict[str, tuple[DemoStep, ...]] = {
    INTRO: (
        DemoStep(
            "phone",
            1,
            "Intro Call",
            "Introduce yourself and ask who owns outbound calling.\n"
            "Script: “Hi {first_name}, it's {rep} from Dialer. Did I catch you at a bad time?”",
        ),
        DemoStep(
            "email",
            1,
            "Intro Email",
            "Send the intro template; personalise the first line.",
            email_subject="{{first_name}}, outbound calling at {{account}}",
            email_body=(
                "Hi {{first_name}},\n\n"
                "I work with sales teams who want "
                "their reps on the phone more and in spreadsheets less.\n\n"
                "Teams like {{account}}'s usually lose an hour a day to dialling by hand and "
                "logging calls afterwards. Dialer runs the cadence, dials the next person and "
                "logs the call in two clicks.\n\n"
                "Would a 15-minute look next week be worth it? If someone else owns outbound "
                "calling at {{account}}, I'd be grateful for a pointer.\n\n"
                "Best,\n{{sender_first_name}}"
            ),
        ),
        DemoStep(
            "phone", 3, "Follow up with a Voicemail", "If no answer, drop the standard voicemail."
        ),
        DemoStep("other", 5, "Connect on LinkedIn", "Send a connection request with a short note."),
        DemoStep("phone", 7, "Last Try Call", "Ask for a referral if the timing is wrong."),
    ),
    FOLLOW: (
        DemoStep(
            "email",
            1,
            "Thanks for Stopping By",
            "Reference the booth conversation.",
            email_subject="Great meeting you at the booth, {{first_name}}",
            email_body=(
                "Hi {{first_name}},\n\n"
                "Thanks for stopping by the Dialer booth. It was good to hear how {{account}} "
                "runs its outbound calls from {{city|your team's office}}.\n\n"
                "As promised, I'll call you in the next couple of days with the short demo "
                "of cadences and one-click call logging. If another time suits you better, "
                "just reply with it.\n\n"
                "Talk soon,\n{{sender_name}}"
            ),
        ),
        DemoStep("phone", 2, "Event Follow-up Call", "Ask what stood out at the event."),
        DemoStep("other", 4, "Send Swag", "Mail the event swag pack."),
    ),
}


def _p(kind: str, number: str, extension: str | None = None) -> DemoPhone:
    return DemoPhone(kind, number, extension)


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "Ava",
        "Thompson",
        "VP Sales",
        "Acme Logistics",
        "ava.thompson@acme-logistics.example",
        (_p("office", "(404) 555-0100", "204"), _p("mobile", "+1 404 555 0101")),
        "Atlanta",
        "US",
        (INTRO,),
    ),
    DemoPerson(
        "Ben",
        "Carter",
        "Sales Ops Manager",
        "Acme Logistics",
        "ben.carter@acme-logistics.example",
        (_p("office", "(404) 555-0486"), _p("mobile", "+1 404 555 0102")),
        "Atlanta",
        "US",
        (INTRO,),
    ),
    DemoPerson(
        "Chloe",
        "Nguyen",
        "Director of Operations",
        "Acme Logistics",
        "chloe.nguyen@acme-logistics.example",
        (_p("mobile", "404-555-0408"), _p("office", "404 555 0103")),
        "Atlanta",
        "US",
        (INTRO,),
    ),
    DemoPerson(
        "Daniel",
        "Brooks",
        "CFO",
        "Acme Logistics",
        "daniel.brooks@acme-logistics.example",
        (_p("office", "+1 404 555 0199"), _p("home", "+1 404 555 0104")),
        "Atlanta",
        "US",
    ),
    DemoPerson(
        "Emma",
        "Rodriguez",
        "Head of Growth",
        "Globex Retail",
        "emma.rodriguez@globex.example",
        (_p("mobile", "(312) 555-0110"), _p("office", "(312) 555-0111")),
        "Chicago",
        "US",
        (INTRO, FOLLOW),
    ),
    DemoPerson(
        "Frank",
        "Miller",
        "IT Director",
        "Globex Retail",
        "frank.miller@globex.example",
        (_p("office", "(312) 555-0112"), _p("mobile", "(312) 555-0113")),
        "Chicago",
        "US",
    ),
    DemoPerson(
        "Grace",
        "Kim",
        "Procurement Lead",
        "Globex Retail",
        "grace.kim@globex.example",
        (_p("office", "(312) 555-0114"),),
        "Chicago",
        "US",
        (FOLLOW,),
    ),
    DemoPerson(
        "Henry",
        "Walker",
        "COO",
        "Globex Retail",
        "henry.walker@globex.example",
        (_p("mobile", "(312) 555-0115"), _p("home", "(312) 555-0116")),
        "Chicago",
        "US",
    ),
    DemoPerson(
        "Isabel",
        "Garcia",
        "CTO",
        "Initech Software",
        "isabel.garcia@initech.example",
        (_p("office", "(415) 555-0120"), _p("mobile", "(415) 555-0121")),
        "San Francisco",
        "US",
        (INTRO,),
    ),
    DemoPerson(
        "Jack",
        "Turner",
        "Engineering Manager",
        "Initech Software",
        "jack.turner@initech.example",
        (_p("office", "(415) 555-0122"),),
        "San Francisco",
        "US",
    ),
    DemoPerson(
        "Kara",
        "Patel",
        "Head of Sales Development",
        "Initech Software",
        "kara.patel@initech.example",
        (_p("mobile", "(415) 555-0123"), _p("office", "(415) 555-0124")),
        "San Francisco",
        "US",
        (FOLLOW,),
    ),
    DemoPerson(
        "Liam",
        "Foster",
        "RevOps Analyst",
        "Initech Software",
        "liam.foster@initech.example",
        (_p("office", "(415) 555-0125"),),
        "San Francisco",
        "US",
    ),
    DemoPerson(
        "Mia",
        "Hughes",
        "Practice Manager",
        "Umbrella Health",
        "mia.hughes@umbrella-health.example",
        (_p("office", "020 7183 8750"), _p("mobile", "07911 123456")),
        "London",
        "GB",
        (INTRO,),
    ),
    DemoPerson(
        "Noah",
        "Evans",
        "Head of Partnerships",
        "Umbrella Health",
        "noah.evans@umbrella-health.example",
        (_p("office", "020 7946 0130"), _p("mobile", "07911 123457")),
        "London",
        "GB",
    ),
    DemoPerson(
        "Olivia",
        "Wright",
        "Finance Director",
        "Umbrella Health",
        "olivia.wright@umbrella-health.example",
        (_p("office", "+44 20 7946 0132"),),
        "London",
        "GB",
        (FOLLOW,),
    ),
    DemoPerson(
        "Peter",
        "Shaw",
        "Operations Lead",
        "Umbrella Health",
        "peter.shaw@umbrella-health.example",
        (_p("mobile", "+44 7911 123458"), _p("office", "+44 20 7946 0134")),
        "London",
        "GB",
    ),
    DemoPerson(
        "Quentin",
        "Blake",
        "Regional Director",
        "Umbrella Health",
        "quentin.blake@umbrella-health.example",
        (_p("office", "+44 161 496 0135"),),
        "Manchester",
        "GB",
    ),
    DemoPerson(
        "Lena",
        "Schmidt",
        "Geschäftsführerin",
        "Nordwind GmbH",
        "lena.schmidt@nordwind.example",
        (_p("office", "+49 30 901820"), _p("mobile", "+49 151 23456789")),
        "Berlin",
        "DE",
        (INTRO,),
    ),
    DemoPerson(
        "Jonas",
        "Weber",
        "Head of Sales",
        "Nordwind GmbH",
        "jonas.weber@nordwind.example",
        (_p("office", "+49 89 12345678"), _p("mobile", "+49 160 9876543")),
        "Munich",
        "DE",
    ),
    DemoPerson(
        "Sophie",
        "Becker",
        "Einkauf",
        "Nordwind GmbH",
        "sophie.becker@nordwind.example",
        (_p("office", "+49 40 3280 1234"),),
        "Hamburg",
        "DE",
        (FOLLOW,),
    ),
    DemoPerson(
        "Tobias",
        "Wagner",
        "IT-Leiter",
        "Nordwind GmbH",
        "tobias.wagner@nordwind.example",
        (_p("office", "+49 69 2444 5566"), _p("mobile", "+49 171 2233445")),
        "Frankfurt",
        "DE",
    ),
    DemoPerson(
        "Camille",
        "Dubois",
        "Directrice Commerciale",
        "Maison Lumière",
        "camille.dubois@maison-lumiere.example",
        (_p("office", "+33 1 42 68 53 00"), _p("mobile", "+33 6 12 34 56 78")),
        "Paris",
        "FR",
        (INTRO,),
    ),
    DemoPerson(
        "Hugo",
        "Martin",
        "Responsable Achats",
        "Maison Lumière",
        "hugo.martin@maison-lumiere.example",
        (_p("office", "+33 4 72 10 30 30"), _p("mobile", "+33 6 98 76 54 32")),
        "Lyon",
        "FR",
    ),
    DemoPerson(
        "Léa",
        "Bernard",
        "DSI",
        "Maison Lumière",
        "lea.bernard@maison-lumiere.example",
        (_p("office", "+33 1 53 45 67 89"),),
        "Paris",
        "FR",
        (FOLLOW,),
    ),
    DemoPerson(
        "Marc",
        "Petit",
        "Directeur Général",
        "Maison Lumière",
        "marc.petit@maison-lumiere.example",
        (_p("office", "+33 5 56 00 66 00"), _p("home", "+33 5 56 11 22 33")),
        "Bordeaux",
        "FR",
    ),
)
