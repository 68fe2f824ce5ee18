"""`flask ppi demo`: a believable set of organisations, one user per role, a dozen challenges in every
state of their lifecycle and the companies' proposals to them, with two challenges evaluated by their panel
and awarded; the Health-Tech cluster's innovation pool; a running pilot funded from it, an earlier, reported
one and one stopped early; the authorities' procurement cases on five routes, one of them awarded to the pilot
company after the Art 41 measures; and the case library's summaries, loaded once.

Everything is created through the services, so the demo has the audit trail and outbox that real use
would leave. Running the command again changes nothing.
"""
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app

from ppi.accounts import services
from ppi.accounts.models import AuthorityType, Organisation, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import VerificationStatus
from ppi.cases import services as case_services
from ppi.cases.services import Source, SummaryTexts
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge, ContractKind, IprModel
from ppi.challenges.permissions import DECISION_TARGETS
from ppi.challenges.services import ChallengeData, CriterionData
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.cli import ppi_cli
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.matching import demo as matching_demo
from ppi.pilots import services as pilot_services
from ppi.pilots.models import Pilot, TestUser
from ppi.pilots.services import CriterionData as PilotCriterion, PlanData
from ppi.pilots.workflow import Comparison, PilotStatus, Recommendation, Severity
from ppi.pools import services as pool_services
from ppi.pools.models import Pool
from ppi.pools.services import PoolData
from ppi.procurement import services as procurement_services
from ppi.procurement.directive import ContractKind as CaseKind, Procedure
from ppi.procurement.models import ProcurementCase
from ppi.procurement.services import CaseData
from ppi.procurement.workflow import CaseStatus
from ppi.proposals import services as proposal_services
from ppi.proposals.services import ProposalData
from ppi.proposals.workflow import Neutrality

DEMO_PASSWORD = "Demo-PPI-2026!"
PLATFORM_ADMIN = ("admin@ppi.example.org", "Platform Administrator")

PA = OrganisationKind.PUBLIC_AUTHORITY
CO = OrganisationKind.COMPANY
CL = OrganisationKind.CLUSTER


@dataclass
class DemoOrganisation:
    data: services.OrganisationData
    admin: tuple[str, str]
    members: list[tuple[str, str]] = field(default_factory=list)
    verified: bool = True


def _org(kind, name, country, nuts, reg, website, description, **extra) -> services.OrganisationData:
    return services.OrganisationData(
        name=name, kind=kind, country=country, nuts_code=nuts, registration_number=reg, website=website,
        description=description, **extra,
    )


def _company(name, country, nuts, reg, website, description, staff, turnover, balance):
    return _org(CO, name, country, nuts, reg, website, description, staff_headcount=staff,
                annual_turnover_eur=Decimal(turnover), balance_sheet_total_eur=Decimal(balance))


ORGANISATIONS = [
    DemoOrganisation(
        _org(PA, "Region of Southern Denmark", "DK", "DK03", "29190909", "https://regionsyddanmark.dk",
             "Regional authority for hospitals, psychiatry and regional development in Southern Denmark.",
             authority_type=AuthorityType.SUB_CENTRAL),
        ("innovation@rsyd.example.org", "Mette Jensen"),
        [("procurement@rsyd.example.org", "Lars Nielsen")],
    ),
    DemoOrganisation(
        _org(PA, "Odense Municipality", "DK", "DK031", "35209115", "https://www.odense.dk",
             "Municipality running elderly care, schools and municipal buildings on Funen.",
             authority_type=AuthorityType.SUB_CENTRAL),
        ("eldercare@odense.example.org", "Hanne Sørensen"),
    ),
    DemoOrganisation(
        _org(PA, "Sønderborg Municipality", "DK", "DK032", "29189781", "https://sonderborg.dk",
             "Municipality with an energy-efficiency programme for its public buildings.",
             authority_type=AuthorityType.SUB_CENTRAL),
        ("innovation@sonderborg.example.org", "Jens Lauritsen"),
    ),
    DemoOrganisation(
        _org(CL, "Health-Tech Cluster South", "DK", "DK031", "36481022", "https://healthtech-south.example.org",
             "Cluster organisation for welfare and health technology: it matches companies with care "
             "settings and facilitates pilots with public test users."),
        ("cluster@healthtech.example.org", "Sofie Andersen"),
        [("facilitator@healthtech.example.org", "Jonas Holm")],
    ),
    DemoOrganisation(
        _org(CL, "Digitalisation Cluster Denmark", "DK", "DK032", "38120457", "https://digicluster.example.org",
             "Cluster for digital solutions in the public sector: data, IoT and school technology."),
        ("admin@digicluster.example.org", "Rasmus Bach"),
    ),
    DemoOrganisation(
        _company("CareSense ApS", "DK", "DK031", "41235567", "https://caresense.example.org",
                 "Non-wearable fall detection for care homes.", 7, "1200000", "900000"),
        ("anna@caresense.example.org", "Anna Kristensen"),
        [("peter@caresense.example.org", "Peter Møller")],
    ),
    DemoOrganisation(
        _company("FallGuard Robotics ApS", "DK", "DK032", "39874410", "https://fallguard.example.org",
                 "Mobile robots that assist care staff with lifting and transfers.", 32, "6500000", "4000000"),
        ("ceo@fallguard.example.org", "Karin Lund"),
    ),
    DemoOrganisation(
        _company("NordicData A/S", "DK", "DK011", "30571234", "https://nordicdata.example.org",
                 "Data platforms and indoor positioning for hospitals and schools.", 180, "38000000", "30000000"),
        ("bids@nordicdata.example.org", "Mikkel Dahl"),
    ),
    DemoOrganisation(
        _company("Scandi MedSupply AB", "SE", "SE224", "556677-8899", "https://medsupply.example.org",
                 "Hospital logistics and medical supplies across the Nordic countries.", 1200, "240000000", "180000000"),
        ("tenders@medsupply.example.org", "Eva Lindqvist"),
    ),
    DemoOrganisation(
        _company("Pending Innovations GmbH", "AT", "AT12", "FN 512345a", "https://pending.example.org",
                 "A new company from Lower Austria, not verified yet.", 4, "300000", "250000"),
        ("founder@pending.example.org", "Lukas Gruber"),
        verified=False,
    ),
]

MEMBERSHIPS = [  # (company, cluster, accepted?)
    ("CareSense ApS", "Health-Tech Cluster South", True),
    ("FallGuard Robotics ApS", "Health-Tech Cluster South", True),
    ("NordicData A/S", "Digitalisation Cluster Denmark", False),
]


# --- challenges ---------------------------------------------------------------------------------
# Fifteen challenges in every state of the lifecycle, each moved there through the services by the people
# who would do it: authorities submit, evaluate, decide, cancel and archive; clusters publish or return;
# companies draft, submit, resubmit and withdraw proposals; evaluators declare and score. Events run in
# the order listed. Times are days from the moment the demo is loaded (negative: in the past), at a local
# hour of the platform's zone.

S = ChallengeStatus
ODENSE, SONDERBORG = "Odense Municipality", "Sønderborg Municipality"
WANDERING_AT_NIGHT = "Alerts when residents with dementia wander at night"
HEALTH_TECH, DIGI = "Health-Tech Cluster South", "Digitalisation Cluster Denmark"


@dataclass
class Move:
    """`actor` moves the challenge to `target` on `day` (None: at load time). Awarded and no award are the
    evaluation's decision, selecting the proposals of the `selected` companies."""

    actor: str
    target: ChallengeStatus
    day: int | None
    reason: str | None = None
    brand_note: str | None = None
    selected: tuple[str, ...] = ()


@dataclass
class Ask:
    """A company asks on `day`; the authority answers (rewording the question) when `answer` is given."""

    asker: str
    text: str
    day: int
    answer_by: str | None = None
    answer: str | None = None
    published_question: str | None = None


@dataclass
class Follower:
    user: str


@dataclass
class Propose:
    """`author` drafts the company's proposal on `day`; each company of `partners` (a user's e-mail) is invited
    and confirms the same afternoon."""

    author: str
    day: int
    data: ProposalData
    partners: tuple[str, ...] = ()


@dataclass
class Submit:
    """`author` submits the proposal on `day` (again: a new version), first editing the fields in `changes`."""

    author: str
    day: int
    changes: dict[str, object] = field(default_factory=dict)


@dataclass
class Withdraw:
    author: str
    day: int
    reason: str


@dataclass
class Panel:
    """The authority's `by` names `member` to the panel on `day`; the member declares no conflict that afternoon
    (a cluster evaluator facing its members' proposals stays on with the `neutrality` justification)."""

    by: str
    member: str
    day: int
    neutrality: str | None = None


@dataclass
class Scores:
    """`evaluator` scores on `day`: {company: [(score, comment) for each criterion, in order]}."""

    evaluator: str
    day: int
    marks: dict[str, list[tuple[int, str]]]


@dataclass
class DemoChallenge:
    author: str
    cluster: str
    created: int | None
    deadlines: tuple[int, int]  # questions, proposals: days from the load, at noon
    title: str
    summary: str
    description: str
    expected_benefits: str
    test_setting: str
    test_users: int
    pilot_budget: str
    contract_value: str | None
    kind: ContractKind
    cpv: list[str]
    nuts: str
    languages: list[str]
    ipr: IprModel
    ipr_note: str | None
    criteria: list[tuple[str, int, str]]
    partners: list[str] = field(default_factory=list)
    events: list[Move | Ask | Follower | Propose | Submit | Withdraw | Panel | Scores] = field(default_factory=list)


CHALLENGES = [
    DemoChallenge(
        author="eldercare@odense.example.org", cluster=HEALTH_TECH, created=-20, deadlines=(12, 33),
        title="Fall prevention at night in care homes",
        summary="Residents with dementia fall at night and may lie on the floor for hours. We look for a way to "
                "notice early that a resident is getting up unsafely, without cameras and without anything to wear.",
        description="""Odense and Sønderborg run 34 care homes with about 2,100 residents. Most falls happen at night, when
one member of staff covers up to 15 residents. Today staff check rooms every two hours and rely on pull
cords that residents with dementia rarely use.

What we need:

- an alert to the night staff's phones **before** a fall where possible (a resident sits up, leaves the bed,
  walks unsteadily), and at once after a fall;
- no cameras that record images, and nothing the resident has to wear or charge;
- few false alarms: staff stop trusting a system that rings for nothing;
- works in existing rooms without building work, and within the homes' current wireless network or its own;
- data handled under the GDPR, stored in the EU, with a data processing agreement.

We describe the need, not the solution: sensors, radar, floor mats or something else are all welcome.""",
        expected_benefits="""- fewer falls with injury and fewer long lies on the floor;
- fewer night-time room checks that wake residents;
- calmer nights for staff, documented in a before/after survey.""",
        test_setting="5 care homes (3 in Odense, 2 in Sønderborg), about 120 residents and 60 night and evening staff, "
                     "over 4 months.",
        test_users=180, pilot_budget="53600", contract_value="420000", kind=ContractKind.SUPPLIES,
        cpv=["33196100", "33195000"], nuts="DK03", languages=["da", "en", "de"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note="The company keeps its IPR; the municipalities get a free licence for the pilot period and may "
                 "publish the anonymised evaluation.",
        criteria=[("Effect on falls and long lies", 35, "Documented effect and how the pilot will measure it"),
                  ("Usability for staff and residents", 25, "Tested with night staff; no wearables"),
                  ("Data protection and security", 20, "GDPR, EU hosting, no image recording"),
                  ("Plan and price for a later contract", 20, "Realistic implementation plan and total cost")],
        partners=[SONDERBORG],
        events=[Move("eldercare@odense.example.org", S.IN_MODERATION, -18),
                Move("cluster@healthtech.example.org", S.PUBLISHED, -15, "Clear need; published."),
                Follower("anna@caresense.example.org"), Follower("ceo@fallguard.example.org"),
                Ask("anna@caresense.example.org",
                    "Our CareSense units are mounted on the ceiling above the bed. May we drill in residents' rooms, "
                    "or must everything stand on furniture?", -10,
                    answer_by="eldercare@odense.example.org",
                    published_question="May sensors be mounted on the ceiling or walls of residents' rooms?",
                    answer="Yes. The municipalities' caretakers mount them with you; holes are filled when the pilot "
                           "ends. Please say in your proposal how long mounting takes per room."),
                Propose("ceo@fallguard.example.org", -9, ProposalData(
                    title="NightGuard: radar bed-exit alerts, and a lifting robot when a fall happens",
                    summary="A small radar unit on the wall of each room notices when a resident sits up, leaves the "
                            "bed or lies on the floor, and alerts the night staff. After a fall, one member of staff "
                            "can get the resident up safely with our mobile lifting robot instead of waiting for a "
                            "colleague.",
                    description="""**Detection**

- one radar unit per room, on the wall at the foot of the bed; it measures movement and posture, records no
  images and cannot identify a person;
- three alerts the staff choose per resident: *sitting up*, *out of bed for more than N minutes*, *on the floor*;
- alerts reach the night staff's phones within 10 seconds, with the room number and the kind of alert.

**After a fall**

Our lifting robot is kept in a central place on each floor. It drives to the room on a call from the phone,
and one member of staff lifts the resident from the floor to a chair with it, guided step by step.

**Mounting and data**

Mounting takes about 20 minutes per room: two screws and a mains plug. Only events (time, room, kind) are
stored, in Denmark, for 90 days; our data processing agreement is attached to the tender documents on request.""",
                    trl=6,
                    evidence="The radar units were tested for 8 weeks in a 14-room dementia unit in Aarhus (2,300 "
                             "alerts, 6 % false). The lifting robot is CE-marked and in daily use in 11 Danish care "
                             "homes.",
                    test_users_needed=120, sites_needed=5, duration_weeks=16, pilot_price_eur=Decimal("53600"),
                    equipment="120 radar units, 5 lifting robots (one per home) and their charging stations.",
                    data_access="Room numbers and which residents the staff want alerts for; no health records.",
                    research_partners=None)),
                Propose("anna@caresense.example.org", -8, ProposalData(
                    title="CareSense Night: ceiling sensors that notice a resident getting up, without images",
                    summary="A sensor on the ceiling above each bed tells the night staff's phones when a resident "
                            "sits up, leaves the bed unsteadily or is on the floor. It records no images, and the "
                            "resident wears and charges nothing.",
                    description="""**How it works**

- one unit on the ceiling above the bed, powered from the mains; low-resolution thermal sensing and radar
  measure movement and body position, and no image is ever stored or sent;
- alerts at three levels: *sitting up*, *out of bed and not back within the time the staff chose*, *on the floor*;
- alerts go to the night staff's phones through our app, or to the home's nurse call through a documented
  interface;
- a weekly report per room helps the staff adjust the alerts to each resident.

**Mounting**

About 30 minutes per room, done together with the municipality's caretakers as the answer to the questions
allows. Holes are filled when the pilot ends.

*Draft: pilot plan and measurement of long lies still to be agreed with our research partner.*""",
                    trl=7,
                    evidence="In use in three Danish care homes since 2024 (96 rooms). After the first two weeks of "
                             "adjustment, 0.4 false alarms per room per month. Selected by the Region of Southern "
                             "Denmark for a pilot in three wards of Odense University Hospital.",
                    test_users_needed=120, sites_needed=5, duration_weeks=16, pilot_price_eur=Decimal("49500"),
                    equipment="120 ceiling units, one gateway per care home; 10 phones if the homes prefer not to "
                              "use their own.",
                    data_access="Room numbers and the night rota per home; no health data.",
                    research_partners="University of Southern Denmark, Department of Public Health: before/after "
                                      "survey of the night staff.")),
                Submit("ceo@fallguard.example.org", -6),
                Ask("ceo@fallguard.example.org",
                    "Will night staff carry municipal smartphones during the pilot, or should alerts go to a "
                    "device we supply?", -2),
                Submit("ceo@fallguard.example.org", -1, {
                    "equipment": "120 radar units and 5 lifting robots (one per home) with their charging stations; "
                                 "alerts go to the staff's municipal phones, or to 15 phones we lend if the homes "
                                 "prefer.",
                    "pilot_price_eur": Decimal("51900")})],
    ),
    DemoChallenge(
        author="innovation@sonderborg.example.org", cluster=DIGI, created=-12, deadlines=(9, 30),
        title="Digital school logistics: rooms, devices and substitute teachers",
        summary="Each morning school offices juggle absent teachers, free rooms and shared laptops by phone and "
                "spreadsheets. We want one simple overview that finds a substitute and a room in minutes.",
        description="""Sønderborg's 16 public schools have about 7,000 pupils and 650 teachers. When a teacher is ill,
the school office phones around for a substitute from 6:30, checks which rooms are free and which laptop
trolley is available, and then informs pupils and parents.

We need a solution that:

1. shows the day's absences, free teachers, rooms and shared equipment in one place;
2. proposes substitutes who are qualified for the subject and within working-time rules;
3. tells the teachers, pupils and parents concerned, in Danish and in plain language;
4. exchanges data with the national school platforms through open, documented interfaces;
5. is accessible (WCAG 2.1 AA) and usable on a phone.""",
        expected_benefits="""- an hour a day saved in each school office;
- fewer cancelled lessons;
- parents informed before school starts.""",
        test_setting="4 schools (2 large, 2 small rural), their offices and about 180 teachers, one school term.",
        test_users=190, pilot_budget="40200", contract_value="240000", kind=ContractKind.SERVICES,
        cpv=["48332000", "72212000"], nuts="DK032", languages=["da", "en", "de"], ipr=IprModel.SHARED,
        ipr_note="Interfaces built for the pilot are published under an open licence; the company keeps its product.",
        criteria=[("Time saved in the school office", 40, "Measured in the pilot schools"),
                  ("Ease of use for teachers and parents", 30, "Tested with real users, accessibility"),
                  ("Open interfaces and data portability", 15, "Documented interfaces, export of all data"),
                  ("Price of a later contract", 15, "Licence and operation for 16 schools over 4 years")],
        events=[Move("innovation@sonderborg.example.org", S.IN_MODERATION, -11),
                Move("admin@digicluster.example.org", S.PUBLISHED, -9),
                Follower("bids@nordicdata.example.org"),
                Ask("bids@nordicdata.example.org",
                    "Do the schools already have an up-to-date list of which teacher may teach which subject?", -5,
                    answer_by="innovation@sonderborg.example.org",
                    answer="Partly: the subject qualifications are in the municipality's HR system, but not always up "
                           "to date. The pilot may import them once and let school leaders correct them.")],
    ),
    DemoChallenge(
        author="innovation@rsyd.example.org", cluster=HEALTH_TECH, created=-45, deadlines=(-20, -6),
        title="Hospital bed logistics: a clean bed where it is needed",
        summary="Porters and ward staff spend hours finding, cleaning and moving beds. We want to know at any time "
                "where the beds are, whether they are clean, and which ward needs one next.",
        description="""The region's hospitals move about 1,400 beds a day between wards, the bed centre and cleaning.
Nobody has a live overview: wards phone the bed centre, porters search corridors, and patients wait in
emergency departments for a clean bed.

We need:

- the location and status (in use, dirty, in cleaning, clean) of each bed, updated without manual scanning
  where possible;
- a forecast of the next hours' demand per ward, from admissions and discharges;
- tasks for porters in the order that helps patients most;
- integration with the region's electronic health record through its documented interfaces.""",
        expected_benefits="""- shorter waits for a bed in the emergency department;
- fewer hours spent searching for beds;
- fewer beds bought because the existing ones are not found.""",
        test_setting="Odense University Hospital, 3 wards, the bed centre and 25 porters, over 6 months.",
        test_users=140, pilot_budget="134000", contract_value="1450000", kind=ContractKind.SUPPLIES,
        cpv=["48814000", "33192000"], nuts="DK031", languages=["da", "en", "sv"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Effect on waiting time for beds", 40, ""), ("Fit with hospital workflows", 30, ""),
                  ("Security and integration", 15, ""), ("Total cost of ownership", 15, "")],
        events=[Move("innovation@rsyd.example.org", S.IN_MODERATION, -44),
                Move("facilitator@healthtech.example.org", S.PUBLISHED, -42),
                Propose("ceo@fallguard.example.org", -30, ProposalData(
                    title="Robot-assisted bed transport between wards, cleaning and the bed centre",
                    summary="Autonomous mobile robots move empty beds between the wards, the cleaning area and the "
                            "bed centre, so that porters spend their time on the trips with patients.",
                    description="""- the robot docks under a standard hospital bed and moves it through corridors and lifts;
- the bed centre orders trips from a screen; each bed's status is set when it is collected and delivered;
- the robots stop for people and give way in narrow corridors; they never move a bed with a patient.""",
                    trl=5,
                    evidence="Tested with empty beds in our test hall and for two weeks in the basement corridors of "
                             "a private hospital in Vejle.",
                    test_users_needed=25, sites_needed=1, duration_weeks=26, pilot_price_eur=Decimal("134000"),
                    equipment="3 bed-moving robots and their charging stations; door openers on 6 doors.",
                    data_access=None, research_partners=None)),
                Propose("tenders@medsupply.example.org", -20, ProposalData(
                    title="Live bed status and porter tasks, with indoor positioning",
                    summary="Scandi MedSupply's bed service together with NordicData's indoor positioning: every bed "
                            "carries a tag, its status is set with one button on the bed, the bed centre sees where "
                            "the clean beds are, and porters get their next task on their phones.",
                    description="""**What the hospital gets**

- the position of every bed in the three wards, the corridors and the bed centre, updated every 30 seconds,
  from tags on the bed frames and receivers in the ceilings (NordicData);
- the status *in use*, *dirty*, *in cleaning*, *clean*, set with a button on the tag or by the cleaning staff's
  handheld scanner;
- a forecast of the next 8 hours' need of beds per ward, from admissions and planned discharges in the
  health record;
- porter tasks on the phone, ordered by the waiting patients first.

**Consortium**

Scandi MedSupply AB leads and runs the bed service; NordicData A/S supplies and operates the positioning
and the data platform, hosted in Denmark.""",
                    trl=7,
                    evidence="Bed tracking with positioning tags has run at two Swedish hospitals (900 beds) since "
                             "2023; there, the wait for a clean bed in the emergency department fell from 52 to 31 "
                             "minutes (the hospitals' own figures).",
                    test_users_needed=140, sites_needed=1, duration_weeks=26, pilot_price_eur=Decimal("128000"),
                    equipment="1,000 bed tags, 180 ceiling receivers, 25 phones for porters.",
                    data_access="Admissions and planned discharges through the health record's documented "
                                "interfaces; no clinical notes.",
                    research_partners=None), partners=("bids@nordicdata.example.org",)),
                Submit("ceo@fallguard.example.org", -15),
                Withdraw("ceo@fallguard.example.org", -9,
                         "Our bed-moving robot will not be approved for use in public hospital corridors before next "
                         "spring; we withdraw rather than offer a pilot we cannot deliver on time."),
                Submit("tenders@medsupply.example.org", -8)],
    ),
    DemoChallenge(
        author="innovation@sonderborg.example.org", cluster=DIGI, created=-8, deadlines=(16, 44),
        title="Energy monitoring in municipal buildings",
        summary="Sønderborg wants to see, room by room and hour by hour, where its schools, day-care centres and "
                "offices use energy, so that caretakers can act the same day.",
        description="""The municipality owns about 230 buildings. Heat and electricity are read monthly from the utility
bills, so waste (heating at night, ventilation running at weekends) is found weeks late or never.

We look for:

- metering of heat, electricity and water at building level, and in selected rooms, with hourly data;
- simple dashboards and alerts for caretakers, in Danish, on a phone;
- open data formats, so that the data can be reused in the municipality's climate accounting;
- sensors that work in old buildings without new cables.

The solution should support the municipality's goal of a climate-neutral building stock by 2029.""",
        expected_benefits="""- 10 % less energy in the pilot buildings;
- faults found in days, not months;
- reliable data for the climate accounts.""",
        test_setting="12 buildings (4 schools, 5 day-care centres, 3 offices) and their 15 caretakers, a full heating season.",
        test_users=15, pilot_budget="67000", contract_value="380000", kind=ContractKind.SUPPLIES,
        cpv=["38551000", "71314200"], nuts="DK032", languages=["da", "en", "de"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note="The municipality owns the measured data and may publish it as open data.",
        criteria=[("Energy saved and how it is documented", 40, ""), ("Ease of use for caretakers", 25, ""),
                  ("Open data and interfaces", 20, ""), ("Cost of a later roll-out", 15, "")],
        events=[Move("innovation@sonderborg.example.org", S.IN_MODERATION, -7),
                Move("admin@digicluster.example.org", S.PUBLISHED, -5),
                Follower("bids@nordicdata.example.org"),
                Ask("bids@nordicdata.example.org",
                    "Can we read data from the existing building management systems, or only from new meters?", -3,
                    answer_by="innovation@sonderborg.example.org",
                    answer="Both. Read access to the existing systems is given for the pilot; an overview of the "
                           "systems per building is published as a document with this challenge."),
                Propose("bids@nordicdata.example.org", -2, ProposalData(
                    title="Hourly energy data for 12 buildings, from existing systems and new wireless meters",
                    summary="We read the existing building management systems, add battery-powered wireless meters "
                            "where data is missing, and give each caretaker one phone view with alerts for heating "
                            "at night and ventilation running at weekends.",
                    description="""**Data in**

- read-only connection to the building management systems listed for each building;
- battery-powered meters on heat, electricity and water where no hourly data exists, with a long-range radio
  network that needs no new cables;
- room sensors (temperature, CO2) in 3 to 5 rooms per building.

**For the caretakers**

A phone view in Danish per building, with alerts such as *heating on in an empty school at night* and a
short weekly summary.

**Open data**

All measurements exported every night as open CSV and through a documented interface for the climate accounts.

*Draft: the list of systems per building is being checked against the municipality's overview.*""",
                    trl=8,
                    evidence="Our data platform collects hourly data from about 1,400 meters in 60 hospital and "
                             "school buildings in Zealand.",
                    test_users_needed=15, sites_needed=12, duration_weeks=30, pilot_price_eur=Decimal("64000"),
                    equipment="About 90 wireless meters, 50 room sensors and 4 radio gateways.",
                    data_access="Read access to the building management systems and the utility bills of the 12 "
                                "buildings for the last two years."))],
    ),
    DemoChallenge(
        author="eldercare@odense.example.org", cluster=HEALTH_TECH, created=-75, deadlines=(-45, -25),
        title="Safe medication at home for citizens with home care",
        summary="Home care staff see that citizens forget or double their medicines between visits. We want "
                "support that helps citizens take the right dose at the right time and tells staff when they do not.",
        description="""About 3,000 citizens in Odense receive help with their medicines. Between visits, doses are
missed or taken twice, which leads to falls, confusion and admissions.

We need:

- reminders the citizen understands (sound, light, voice) without a smartphone;
- confirmation that a dose was taken, and an alert to home care when it was not;
- a simple overview for the nurse responsible;
- refilling that fits the pharmacy's dose packs.""",
        expected_benefits="""- fewer missed and double doses;
- fewer visits only to hand out medicine;
- citizens who stay independent for longer.""",
        test_setting="2 home care districts, 60 citizens and 35 home care staff, 3 months.",
        test_users=95, pilot_budget="26800", contract_value="195000", kind=ContractKind.SERVICES,
        cpv=["48180000", "33196100"], nuts="DK031", languages=["da", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Effect on medication errors", 40, ""), ("Usability for older citizens", 35, ""),
                  ("Price", 25, "")],
        events=[Move("eldercare@odense.example.org", S.IN_MODERATION, -74),
                Move("cluster@healthtech.example.org", S.PUBLISHED, -70),
                Propose("tenders@medsupply.example.org", -40, ProposalData(
                    title="Dose dispenser with reminders and alerts to home care",
                    summary="A locked dispenser in the citizen's home releases the pharmacy's dose pouch at the right "
                            "time, reminds with light and a spoken message, and tells home care when a dose has not "
                            "been taken within an hour.",
                    description="""- the pharmacy's dose roll goes into the dispenser; home care refills it once every two weeks;
- at each dose time the dispenser lights up and speaks in Danish; the pouch comes out only then, so a dose
  cannot be taken twice;
- if the pouch is not taken within an hour, the nurse responsible gets a message in the home care app;
- a mobile connection is built in: no Wi-Fi or smartphone is needed at the citizen's home.""",
                    trl=9,
                    evidence="Sold in Sweden and Norway since 2021; about 4,800 dispensers in use in 31 municipalities.",
                    test_users_needed=95, sites_needed=2, duration_weeks=13, pilot_price_eur=Decimal("26500"),
                    equipment="60 dispensers with mobile connection, delivered and set up by us.",
                    data_access="The citizens' dose schedules from the pharmacy; the names of the nurses responsible.",
                    research_partners=None)),
                Submit("tenders@medsupply.example.org", -27),
                Move("eldercare@odense.example.org", S.IN_EVALUATION, -24),
                Panel("eldercare@odense.example.org", "eldercare@odense.example.org", -23),
                Panel("eldercare@odense.example.org", "cluster@healthtech.example.org", -23)],
    ),
    DemoChallenge(
        author="procurement@rsyd.example.org", cluster=HEALTH_TECH, created=-150, deadlines=(-120, -100),
        title="Planning patient transport to outpatient appointments",
        summary="Patients who cannot travel alone are driven to hospital appointments. Trips are planned by hand, "
                "vehicles run half empty and patients wait. We looked for better planning.",
        description="""The region pays for about 250,000 patient trips a year. Trips are booked by phone and planned the
day before; changes in clinic schedules are not passed on to the drivers.

We needed:

- planning that combines trips and takes clinic schedules into account;
- live information to patients on when they will be picked up;
- an interface with the hospitals' booking systems.""",
        expected_benefits="""- shorter waits for patients;
- fewer kilometres driven.""",
        test_setting="Patient transport to Odense University Hospital's outpatient clinics, 2 months.",
        test_users=400, pilot_budget="40200", contract_value="310000", kind=ContractKind.SERVICES,
        cpv=["48332000", "60130000"], nuts="DK03", languages=["da", "en", "sv"], ipr=IprModel.AUTHORITY_OWNS,
        ipr_note="Planning rules developed in the pilot belong to the region.",
        criteria=[("Effect on waiting time and kilometres", 50, ""), ("Integration with booking", 30, ""),
                  ("Price", 20, "")],
        events=[Move("procurement@rsyd.example.org", S.IN_MODERATION, -148),
                Move("cluster@healthtech.example.org", S.PUBLISHED, -145),
                Propose("bids@nordicdata.example.org", -130, ProposalData(
                    title="Trip planning from clinic schedules, with live pick-up times",
                    summary="Trips are planned together every evening and re-planned during the day when a clinic "
                            "runs late; patients get a text message with their pick-up time, updated live.",
                    description="""- an optimiser combines trips by area, mobility needs and appointment times;
- drivers get their route on a tablet and report pick-ups with one tap;
- patients get a text message the day before and 20 minutes before pick-up.

Clinic schedules are read from a daily export of the booking systems; a live interface would be built in a
later phase.""",
                    trl=6,
                    evidence="The optimiser plans school transport for two Zealand municipalities (1,100 pupils).",
                    test_users_needed=400, sites_needed=1, duration_weeks=8, pilot_price_eur=Decimal("39800"),
                    equipment="Tablets for 30 vehicles.",
                    data_access="Daily export of outpatient appointments needing transport; the transport "
                                "bookings.",
                    research_partners=None)),
                Propose("tenders@medsupply.example.org", -125, ProposalData(
                    title="Patient transport planning on our Nordic logistics platform",
                    summary="Our platform already plans deliveries to 70 hospitals. We extend it to patient trips: "
                            "combined routes, live arrival times for patients and a planning view for the region's "
                            "transport office.",
                    description="""- routes planned the day before and adjusted every 15 minutes from the vehicles' positions;
- a planning view for the transport office with the trips that risk being late;
- live pick-up times for patients by text message.

An interface with the hospitals' booking systems is not included in the pilot price; we propose to receive
the trips as today, by the transport office's booking.""",
                    trl=8,
                    evidence="Plans deliveries of medical supplies to about 70 hospitals in Sweden and Denmark.",
                    test_users_needed=400, sites_needed=1, duration_weeks=8, pilot_price_eur=Decimal("40200"),
                    equipment=None, data_access="The transport bookings.", research_partners=None)),
                Submit("bids@nordicdata.example.org", -104),
                Submit("tenders@medsupply.example.org", -102),
                Move("procurement@rsyd.example.org", S.IN_EVALUATION, -99),
                Move("procurement@rsyd.example.org", S.NO_AWARD, -80,
                     "Two proposals were received. Neither could exchange data with the hospitals' booking systems "
                     "within the pilot budget. We will describe the interfaces better and post the challenge again.")],
    ),
    DemoChallenge(
        author="innovation@rsyd.example.org", cluster=HEALTH_TECH, created=-260, deadlines=(-225, -205),
        title="Fewer falls of older patients in hospital wards",
        summary="Older patients fall in hospital, most often at night on their way to the toilet. We looked for a way "
                "to alert ward staff in time, without cameras and without anything the patient must wear.",
        description="""About 900 patients a year fall in the region's hospitals; most are over 75 and many are confused
after surgery or an infection. The wards use pressure mats by the bed today, but the mats are moved,
unplugged or ignored because of false alarms, and a fall away from the bed is not noticed at all.

We needed:

- an alert to the nurse's phone when a patient at risk gets out of bed, and at once after a fall anywhere
  in the room;
- no cameras that record images, and nothing the patient must wear;
- alerts through the wards' nurse call system or the nurses' phones;
- nothing on the bed or the floor that must be cleaned between patients;
- data handled under the GDPR and stored in the EU.""",
        expected_benefits="""- fewer falls and fewer fall injuries;
- shorter time on the floor after a fall;
- fewer false alarms than with today's pressure mats.""",
        test_setting="2 geriatric wards and 1 orthopaedic ward at Odense University Hospital: 48 beds and about 90 "
                     "nurses and nursing assistants, over 6 months.",
        test_users=90, pilot_budget="120000", contract_value="780000", kind=ContractKind.SUPPLIES,
        cpv=["33196100", "33195000"], nuts="DK031", languages=["da", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note="The company keeps its IPR; the region may publish the anonymised evaluation of the pilot.",
        criteria=[("Effect on falls and time to help", 45, "Evidence so far and how the pilot will measure it"),
                  ("Fit with ward routines and hygiene", 35, "Alerts, cleaning between patients, mounting"),
                  ("Price and plan for a later contract", 20, "")],
        events=[Move("innovation@rsyd.example.org", S.IN_MODERATION, -258),
                Move("cluster@healthtech.example.org", S.PUBLISHED, -255),
                Follower("anna@caresense.example.org"),
                Ask("anna@caresense.example.org", "Is there a power outlet in the ceiling above the beds?", -240,
                    answer_by="innovation@rsyd.example.org",
                    answer="Not in every room. The hospital's electricians will install one where needed during the "
                           "pilot; please say in your proposal what power your equipment needs."),
                Propose("anna@caresense.example.org", -238, ProposalData(
                    title="CareSense Ward: bed-exit and fall alerts from the ceiling",
                    summary="A sensor on the ceiling above each bed tells the nurse's phone when a patient at risk "
                            "sits up and leaves the bed, and at once when someone is on the floor anywhere in the "
                            "room. No images, nothing to wear, nothing on the bed or the floor to clean.",
                    description="""**How it works**

- one unit on the ceiling above each bed; thermal sensing and radar measure posture and movement and
  never store or send images;
- the nurse marks a patient *at risk* in our app; the unit then alerts on *sitting up* and *out of bed*,
  and always on *on the floor*;
- alerts go to the ward's nurse call through its documented interface, so nurses receive them on the phones
  they carry today.

**On the ward**

Nothing touches the patient or the bed, so there is nothing to clean between patients. Mounting takes about
30 minutes per bed; each unit needs a standard outlet (5 W).

**Measuring the effect**

Falls, time on the floor and false alarms are compared with the same wards' incident reports of the six
months before, together with the University of Southern Denmark.""",
                    trl=7,
                    evidence="Installed in three Danish care homes (96 rooms) since 2024. In the first home, falls "
                             "noticed only at the next round dropped from 9 to 1 in six months (the home's own "
                             "incident reports).",
                    test_users_needed=90, sites_needed=3, duration_weeks=26, pilot_price_eur=Decimal("118000"),
                    equipment="48 ceiling units and 3 gateways; integration with the wards' nurse call.",
                    data_access="Bed and room numbers, and which patients the ward marks as at risk; no other "
                                "health data.",
                    research_partners="University of Southern Denmark, nursing research unit: before/after analysis "
                                      "of the wards' incident reports.")),
                Propose("bids@nordicdata.example.org", -236, ProposalData(
                    title="Fall alerts from positioning wristbands on the hospital's existing network",
                    summary="Patients at risk wear a soft wristband, like the patient ID band, that knows where they "
                            "are and notices a fall. Alerts go to the nurses' phones through the indoor positioning "
                            "network the hospital already uses for equipment.",
                    description="""- a wristband with a motion sensor, worn next to the ID band, battery life 3 weeks;
- an alert when the patient leaves the bed zone at night, and on a fall anywhere in the ward, with the
  position shown on a floor plan;
- uses the ceiling receivers of the positioning network already installed for medical equipment.""",
                    trl=6,
                    evidence="Fall detection from the wristband's motion sensor was validated in our lab with 20 "
                             "volunteers (sensitivity 94 %); the positioning network runs in four Danish hospitals.",
                    test_users_needed=90, sites_needed=3, duration_weeks=26, pilot_price_eur=Decimal("96000"),
                    equipment="150 wristbands and their chargers; 12 extra ceiling receivers.",
                    data_access="Access to the hospital's positioning network; bed numbers.",
                    research_partners=None)),
                Propose("tenders@medsupply.example.org", -233, ProposalData(
                    title="Wireless bed and floor sensor mats connected to the nurse call",
                    summary="Wireless pressure mats in the bed and on the floor beside it alert the nurse call when "
                            "a patient gets up or falls by the bed. No cables to unplug, and the mats are wiped "
                            "clean like any other equipment.",
                    description="""- a thin mat under the mattress and a mat on the floor beside the bed, both wireless;
- alerts through the ward's nurse call, with a delay the nurse sets per patient;
- the floor mat also detects a patient lying beside the bed;
- mats are wiped with the ward's usual disinfectant.""",
                    trl=9,
                    evidence="A standard product in our range, used in about 300 Nordic wards and care homes.",
                    test_users_needed=90, sites_needed=3, duration_weeks=26, pilot_price_eur=Decimal("64000"),
                    equipment="48 bed mats, 48 floor mats and 3 receivers for the nurse call.",
                    data_access=None, research_partners=None)),
                Submit("tenders@medsupply.example.org", -215),
                Submit("anna@caresense.example.org", -212),
                Submit("bids@nordicdata.example.org", -207),
                Move("innovation@rsyd.example.org", S.IN_EVALUATION, -204),
                Panel("innovation@rsyd.example.org", "innovation@rsyd.example.org", -203),
                Panel("innovation@rsyd.example.org", "procurement@rsyd.example.org", -203),
                Panel("innovation@rsyd.example.org", "facilitator@healthtech.example.org", -203,
                      neutrality="CareSense ApS is one of the cluster's 48 member companies. The cluster has no "
                                 "financial interest in any proposal, I did not advise CareSense on this challenge, "
                                 "and two evaluators of the region score every proposal as well."),
                Scores("innovation@rsyd.example.org", -198, {
                    "CareSense ApS": [
                        (8, "Convincing results from care homes, and a sound plan to measure falls and time on the "
                            "floor against the wards' incident reports."),
                        (8, "Nothing on the patient, the bed or the floor; alerts through our nurse call. Outlets "
                            "in the ceiling are needed in some rooms."),
                        (6, "Within the pilot budget; a later contract would cost more than today's mats.")],
                    "NordicData A/S": [
                        (6, "Detects falls anywhere on the ward, but the evidence is a lab test only."),
                        (4, "The challenge asked for nothing to wear; confused patients remove wristbands."),
                        (7, "Reuses the positioning network we have, so a roll-out would be cheap.")],
                    "Scandi MedSupply AB": [
                        (4, "Notices a patient leaving the bed, but not a fall away from the bed; little beyond "
                            "today's mats."),
                        (6, "Known to the staff and easy to wipe, but mats get moved as they do today."),
                        (9, "Lowest price, with a fixed price for a later contract.")]}),
                Scores("procurement@rsyd.example.org", -196, {
                    "CareSense ApS": [
                        (7, "Good results, though from care homes rather than hospital wards."),
                        (8, "Fits the ward routines; the nurse call interface is documented."),
                        (7, "Clear, all-inclusive price; acceptable licence terms for a later contract.")],
                    "NordicData A/S": [
                        (5, "Fall detection from a wristband is plausible but not yet shown on a ward."),
                        (5, "Batteries to charge and bands to keep on: extra work for the nurses."),
                        (8, "Realistic roll-out cost on the existing network.")],
                    "Scandi MedSupply AB": [
                        (3, "The same principle as today's mats, which the wards find unreliable."),
                        (6, "Wireless mats remove the unplugging problem; the floor mat is in the way of walkers."),
                        (9, "The cheapest proposal, with a clear price list.")]}),
                Scores("facilitator@healthtech.example.org", -194, {
                    "CareSense ApS": [
                        (9, "The only proposal that notices both getting up and a fall anywhere in the room "
                            "without the patient's help."),
                        (7, "Mounting needs the electricians, but once up it asks nothing of the staff."),
                        (6, "Fair for a pilot; the company should show the cost of a roll-out to all wards.")],
                    "NordicData A/S": [
                        (6, "Good coverage of the whole ward, including corridors and toilets."),
                        (2, "A wearable was explicitly excluded by the challenge; this will not be accepted on "
                            "geriatric wards."),
                        (8, "Low cost because the network exists.")],
                    "Scandi MedSupply AB": [
                        (7, "The floor mat detects a patient lying beside the bed, where most falls happen."),
                        (5, "Two mats per bed to wipe and to keep in place."),
                        (9, "Very good value.")]}),
                Move("innovation@rsyd.example.org", S.AWARDED, -185,
                     "CareSense ApS is selected for the pilot: its proposal scored highest on the effect on falls and "
                     "on fit with the wards' routines, with nothing for patients to wear and nothing on the bed to "
                     "clean. The other proposals relied on a wristband the patients must keep on, or on bed mats "
                     "like those the wards use today.",
                     selected=("CareSense ApS",))],
    ),
    DemoChallenge(
        author="eldercare@odense.example.org", cluster=HEALTH_TECH, created=-600, deadlines=(-565, -545),
        title="Helping residents up after a fall, with one member of staff",
        summary="When a care-home resident falls at night, the only carer on the floor must wait for a colleague or "
                "the ambulance service before the resident can be lifted. We looked for a safe way for one member of "
                "staff to get an uninjured resident off the floor.",
        description="""Odense's care homes record about 1,300 falls a year. At night one member of staff covers a floor of
up to 15 residents; after a fall they call a colleague from another floor, or the ambulance service when
nobody can come, before the resident is lifted. Residents who are not hurt lie on the floor for 20 to 40
minutes, and staff injure their backs lifting by hand.

We needed:

- a way for one member of staff to get an uninjured resident from the floor to a chair or the bed safely,
  without lifting by hand;
- something that reaches the room quickly and works between furniture and through narrow doorways;
- nothing that needs more cooperation than a confused resident can give;
- training that the homes can pass on to substitutes;
- a CE-marked medical device, cleaned with the homes' usual disinfectant.""",
        expected_benefits="""- shorter time on the floor after a fall;
- fewer ambulance call-outs for residents who are not injured;
- fewer back injuries among night and evening staff.""",
        test_setting="2 care homes in Odense (4 floors, 58 residents) and their night and evening staff, over 6 months.",
        test_users=30, pilot_budget="60300", contract_value="460000", kind=ContractKind.SUPPLIES,
        cpv=["33196200", "42416000"], nuts="DK031", languages=["da", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note="The company keeps its IPR; the municipality may publish the anonymised evaluation of the pilot.",
        criteria=[("Safety and effect for residents", 40, "Evidence so far, and how injured residents are kept safe"),
                  ("Usability for one member of staff at night", 40, "Fetching, placing and cleaning the equipment"),
                  ("Price and plan for a later contract", 20, "")],
        events=[Move("eldercare@odense.example.org", S.IN_MODERATION, -598),
                Move("cluster@healthtech.example.org", S.PUBLISHED, -596, "Clear need; published."),
                Follower("ceo@fallguard.example.org"),
                Ask("ceo@fallguard.example.org", "How wide are the doors of residents' rooms and the lifts?", -585,
                    answer_by="eldercare@odense.example.org",
                    answer="Room doors are at least 90 cm wide and the lift cars 110 by 210 cm in both homes. Some "
                           "older rooms have thresholds of up to 2 cm."),
                Propose("tenders@medsupply.example.org", -575, ProposalData(
                    title="A lifting cushion and a mobile floor hoist on every floor",
                    summary="An inflatable lifting cushion raises a resident from the floor to sitting height in "
                            "under a minute; with a mobile floor hoist on each floor, one carer then moves them to a "
                            "chair or the bed.",
                    description="""- a battery-powered cushion with four chambers, filled one after the other from a hand control;
- a mobile floor hoist with a standard sling for the move from the cushion to a chair or the bed;
- both kept on a trolley on each floor and cleaned with the homes' usual disinfectant;
- training by our clinical advisers, one morning per home.""",
                    trl=9,
                    evidence="Standard products in our range, used by Swedish ambulance services and about 200 Nordic "
                             "care homes.",
                    test_users_needed=30, sites_needed=2, duration_weeks=26, pilot_price_eur=Decimal("31200"),
                    equipment="4 lifting cushions, 4 mobile floor hoists with slings and 4 trolleys.",
                    data_access=None, research_partners=None)),
                Propose("ceo@fallguard.example.org", -570, ProposalData(
                    title="FloorLift: a mobile robot that lets one carer help a resident up from the floor",
                    summary="A battery-powered robot parked on each floor comes to the room when the carer calls it "
                            "from the phone. It slides a soft support under the resident and raises them to sitting "
                            "and then to the height of a chair, guided step by step, so that one member of staff can "
                            "do it safely.",
                    description="""**How it works**

- the robot is parked and charged in a central place on each floor; the carer calls it to the room from
  the phone, or pushes it like a trolley;
- a low, soft support slides under the resident's back and legs; the robot raises them to sitting, then to
  the height of a chair or the bed, at the speed the carer sets;
- its screen guides the carer step by step in Danish, and it stops at once when the carer lets go.

**Safety**

CE-marked as a class I medical device, for residents up to 180 kg. A resident who may be injured is not
moved: the robot's checklist asks the carer to call the nurse first.

**Training**

Two hours per member of staff on site, and a 10-minute video for substitutes.""",
                    trl=7,
                    evidence="Tested with 40 volunteers in our test hall and for 6 weeks in a private care home in "
                             "Vejle: 23 residents helped up from the floor, none needing a second carer.",
                    test_users_needed=30, sites_needed=2, duration_weeks=26, pilot_price_eur=Decimal("58600"),
                    equipment="4 robots (one per floor) and their charging stations.",
                    data_access="Room numbers; the robot logs each use (time, floor, duration) for the evaluation.",
                    research_partners="University College Lillebælt, physiotherapy: the staff's strain during "
                                      "transfers.")),
                Submit("tenders@medsupply.example.org", -550),
                Submit("ceo@fallguard.example.org", -548),
                Move("eldercare@odense.example.org", S.IN_EVALUATION, -544),
                Panel("eldercare@odense.example.org", "eldercare@odense.example.org", -543),
                Panel("eldercare@odense.example.org", "facilitator@healthtech.example.org", -543,
                      neutrality="FallGuard Robotics ApS is a member of the cluster. The cluster has no financial "
                                 "interest in either proposal and did not help FallGuard write its proposal."),
                Scores("eldercare@odense.example.org", -538, {
                    "Scandi MedSupply AB": [
                        (6, "A proven cushion, but the move to the chair still needs the hoist and its sling, which "
                            "is hard for one carer alone."),
                        (5, "Two devices to fetch and place; the hoist is heavy to push on carpets."),
                        (9, "Low, fixed prices from a standard catalogue.")],
                    "FallGuard Robotics ApS": [
                        (8, "One carer got every resident up in the Vejle test; injured residents stay on the floor "
                            "until the nurse has seen them."),
                        (7, "Calling the robot from the phone saves the walk to fetch it; placing the support takes "
                            "practice."),
                        (6, "Almost twice the price of the cushion, but within the pilot budget.")]}),
                Scores("facilitator@healthtech.example.org", -536, {
                    "Scandi MedSupply AB": [
                        (7, "Safe and well known to the ambulance services."),
                        (4, "The sling is the hard part at night, and it is still there."),
                        (8, "Good value; a later contract would be a simple purchase.")],
                    "FallGuard Robotics ApS": [
                        (8, "The only proposal in which one carer does the whole transfer without lifting."),
                        (8, "Clear guidance on the screen, also for substitutes."),
                        (6, "The company should show the cost of a robot per floor over five years.")]}),
                Move("eldercare@odense.example.org", S.AWARDED, -530,
                     "FallGuard Robotics ApS is selected for the pilot: with its robot one member of staff did the "
                     "whole transfer from the floor to a chair without lifting, and it scored highest on safety and "
                     "on use at night. The cushion and hoist are proven products, but the move to the chair still "
                     "needs a sling that is hard to place alone.",
                     selected=("FallGuard Robotics ApS",)),
                Move("eldercare@odense.example.org", S.ARCHIVED, -260)],
    ),
    DemoChallenge(
        author="innovation@sonderborg.example.org", cluster=HEALTH_TECH, created=-425, deadlines=(-400, -385),
        title=WANDERING_AT_NIGHT,
        summary="Residents with dementia leave their rooms at night and sometimes the building. We looked for a way "
                "to tell the night staff at once, without locking doors and without cameras.",
        description="""In Sønderborg's dementia units one member of staff covers up to twelve residents at night. Some residents
walk the corridors for hours, and a few times a year one leaves the building unnoticed.

We needed:

- an alert to the night staff's phone when a resident at risk leaves the room or the unit at night;
- no locked doors and no cameras;
- something the residents accept, and that the staff can set per resident;
- data handled under the GDPR and stored in the EU.""",
        expected_benefits="- residents found sooner, and never outside at night;\n- calmer nights for residents and staff.",
        test_setting="The dementia unit of one care home: 14 residents and about 8 night and evening staff, for four "
                     "months.",
        test_users=8, pilot_budget="30000", contract_value="240000", kind=ContractKind.SUPPLIES,
        cpv=["33195000", "33196100"], nuts="DK032", languages=["da", "de"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Effect on finding residents at night", 50, ""), ("Acceptance by residents and staff", 30, ""),
                  ("Price", 20, "")],
        events=[Move("innovation@sonderborg.example.org", S.IN_MODERATION, -424),
                Move("cluster@healthtech.example.org", S.PUBLISHED, -421),
                Propose("bids@nordicdata.example.org", -398, ProposalData(
                    title="Wandering alerts from a soft wristband on our indoor positioning network",
                    summary="Residents at risk wear a soft wristband that knows which room and corridor they are in. "
                            "The night staff's phone alerts when a resident leaves the room or heads for an outer door.",
                    description="""- a wristband with a motion sensor, worn like a watch, battery life 3 weeks;
- ceiling receivers in the unit's rooms, corridors and at the outer doors;
- per resident, the staff choose which zones alert at night.""",
                    trl=7,
                    evidence="The positioning network runs in four Danish hospitals; the wristband has been worn by "
                             "patients on two hospital wards.",
                    test_users_needed=8, sites_needed=1, duration_weeks=16, pilot_price_eur=Decimal("29500"),
                    equipment="20 wristbands and their chargers; 18 ceiling receivers.",
                    data_access="Room numbers, and which residents the staff mark as at risk.",
                    research_partners=None)),
                Submit("bids@nordicdata.example.org", -390),
                Move("innovation@sonderborg.example.org", S.IN_EVALUATION, -384),
                Panel("innovation@sonderborg.example.org", "innovation@sonderborg.example.org", -383),
                Scores("innovation@sonderborg.example.org", -380, {
                    "NordicData A/S": [
                        (7, "Zones per resident and alerts at the outer doors are what we asked for."),
                        (5, "A wristband must be worn: the pilot must show whether our residents accept it."),
                        (8, "Within the pilot budget.")]}),
                Move("innovation@sonderborg.example.org", S.AWARDED, -376,
                     "NordicData A/S is selected for the pilot: the only proposal, and it meets the need if the "
                     "residents accept the wristband, which the pilot will show.",
                     selected=("NordicData A/S",)),
                Move("innovation@sonderborg.example.org", S.ARCHIVED, -200)],
    ),
    DemoChallenge(
        author="innovation@sonderborg.example.org", cluster=DIGI, created=-40, deadlines=(5, 25),
        title="Climate-friendly school transport for pupils with special needs",
        summary="About 300 pupils are driven to special schools every day in taxis and minibuses. We wanted to "
                "try electric vehicles and smarter routes without making the pupils' journeys longer.",
        description="""Pupils with special needs travel up to an hour each way, often alone in a taxi. The routes are
planned once a year.

We needed:

- routes planned again when pupils move or change school;
- electric vehicles where the routes allow it, with charging at the schools;
- the same driver for the same pupils wherever possible.""",
        expected_benefits="- lower CO2 emissions and costs;\n- calmer journeys for the pupils.",
        test_setting="2 special schools, 60 pupils and their parents, one term.",
        test_users=60, pilot_budget="0", contract_value="900000", kind=ContractKind.SERVICES,
        cpv=["60100000", "34144900"], nuts="DK032", languages=["da", "de"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Journey time and continuity for pupils", 45, ""), ("Emissions", 35, ""), ("Price", 20, "")],
        events=[Move("innovation@sonderborg.example.org", S.IN_MODERATION, -39),
                Move("admin@digicluster.example.org", S.PUBLISHED, -37),
                Follower("bids@nordicdata.example.org"),
                Move("innovation@sonderborg.example.org", S.CANCELLED, -3,
                     "The city council has decided to tender school transport together with three neighbouring "
                     "municipalities in 2027. This need will be part of that tender; we thank everyone for their "
                     "questions.")],
    ),
    DemoChallenge(
        author="eldercare@odense.example.org", cluster=DIGI, created=-400, deadlines=(-370, -350),
        title="Indoor climate sensors in classrooms",
        summary="Pupils concentrate badly in stuffy classrooms. We looked for sensors that show teachers when to "
                "open the windows.",
        description="""Many of Odense's classrooms have too much CO2 in the air by the second lesson.

We needed:

- CO2, temperature and humidity per classroom;
- a simple signal in the room (for example a light) when to air it;
- data for the building department to plan ventilation.""",
        expected_benefits="- better air in classrooms;\n- data for planning ventilation.",
        test_setting="3 schools, 40 classrooms.",
        test_users=900, pilot_budget="20000", contract_value="150000", kind=ContractKind.SUPPLIES,
        cpv=["38432000", "38550000"], nuts="DK031", languages=["da", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Accuracy of the measurements", 40, ""), ("Usability in the classroom", 30, ""), ("Price", 30, "")],
        events=[Move("eldercare@odense.example.org", S.IN_MODERATION, -398),
                Move("admin@digicluster.example.org", S.PUBLISHED, -395),
                Propose("bids@nordicdata.example.org", -380, ProposalData(
                    title="Classroom climate sensors with a traffic light, and data for the building department",
                    summary="A sensor on the wall of each classroom measures CO2, temperature and humidity and shows "
                            "green, yellow or red; the building department sees every room on a map.",
                    description="""- one mains-powered sensor per classroom with a light visible from the teacher's desk;
- red at 1,400 ppm CO2: open the windows;
- hourly data for each room in our data platform, with a monthly report per school.""",
                    trl=9,
                    evidence="A standard product of our hardware partner, installed in about 2,000 classrooms in the "
                             "Nordic countries.",
                    test_users_needed=900, sites_needed=3, duration_weeks=12, pilot_price_eur=Decimal("19800"),
                    equipment="40 sensors and 3 gateways.", data_access=None, research_partners=None)),
                Propose("anna@caresense.example.org", -375, ProposalData(
                    title="Air quality sensors for classrooms from our care-home platform",
                    summary="Our care-home sensors also measure CO2, temperature and humidity; we adapt them to "
                            "classrooms with a simple light signal for the teacher.",
                    description="""- one sensor per classroom, the same hardware as in our care homes;
- a light on the sensor and a weekly summary to the school's caretaker;
- data exported monthly to the building department as a spreadsheet.""",
                    trl=8,
                    evidence="Air-quality measurement runs in 96 care-home rooms as part of our fall-detection units.",
                    test_users_needed=900, sites_needed=3, duration_weeks=12, pilot_price_eur=Decimal("18600"),
                    equipment="40 sensors.", data_access=None, research_partners=None)),
                Submit("bids@nordicdata.example.org", -360),
                Submit("anna@caresense.example.org", -355),
                Move("eldercare@odense.example.org", S.IN_EVALUATION, -349),
                Move("eldercare@odense.example.org", S.NO_AWARD, -330,
                     "The proposals showed that suitable sensors are sold as standard products: the municipality "
                     "will buy them in an ordinary tender rather than through an innovation pilot."),
                Move("admin@digicluster.example.org", S.ARCHIVED, -300)],
    ),
    DemoChallenge(
        author="innovation@rsyd.example.org", cluster=HEALTH_TECH, created=-4, deadlines=(30, 60),
        title="Discharge from hospital to home care without loose ends",
        summary="When older patients leave hospital, the municipality's home care often learns too late what they "
                "need. We want the hospital and the municipality to plan the discharge together.",
        description="""Every week about 400 patients over 75 are discharged from the region's hospitals to home care in
Odense. Information travels through several systems and phone calls; medicine lists and aids are
sometimes missing on the first evening at home.

We need:

- a shared plan for the discharge, seen by ward, home care and the patient's relatives;
- a checklist of medicines, aids and appointments that is complete before the patient leaves;
- messages through the national health data standards already used between hospitals and municipalities.""",
        expected_benefits="- fewer readmissions within 30 days;\n- fewer phone calls between hospital and home care.",
        test_setting="2 medical wards at Odense University Hospital and 2 home care districts in Odense, "
                     "about 80 patients and 70 staff.",
        test_users=150, pilot_budget="80400", contract_value="520000", kind=ContractKind.SERVICES,
        cpv=["48814000", "72000000"], nuts="DK031", languages=["da", "en"], ipr=IprModel.SHARED,
        ipr_note="Results of the pilot are shared between the region, the municipality and the company.",
        criteria=[("Effect on readmissions", 40, ""), ("Usability for ward and home care staff", 30, ""),
                  ("Use of national standards", 15, ""), ("Price", 15, "")],
        partners=[ODENSE],
        events=[Move("procurement@rsyd.example.org", S.IN_MODERATION, -1)],
    ),
    DemoChallenge(
        author="eldercare@odense.example.org", cluster=HEALTH_TECH, created=-6, deadlines=(25, 55),
        title="Safer lifting and transfers in home care",
        summary="Home care staff lift citizens in small homes without a ceiling hoist. We want help that prevents "
                "back injuries and lets one member of staff do a transfer safely.",
        description="""Odense's home care staff report about 60 back injuries a year, most during transfers between bed,
wheelchair and toilet in citizens' homes.

We need support that:

- lets one member of staff carry out a safe transfer where two are needed today;
- can be moved between homes in a car;
- works together with the Arjo ceiling hoists already installed in some homes.""",
        expected_benefits="- fewer back injuries;\n- fewer visits that need two staff.",
        test_setting="1 home care district, 25 citizens and 30 staff, 3 months.",
        test_users=55, pilot_budget="53600", contract_value="610000", kind=ContractKind.SUPPLIES,
        cpv=["33196200", "42416000"], nuts="DK031", languages=["da", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Effect on strain and injuries", 45, ""), ("Usability in small homes", 35, ""), ("Price", 20, "")],
        events=[Move("eldercare@odense.example.org", S.IN_MODERATION, -5,
                     brand_note="About 200 homes already have these hoists; a solution must fit them."),
                Move("facilitator@healthtech.example.org", S.DRAFT, -3,
                     "Please describe the hoists by their function (ceiling hoists with a standard spreader bar) "
                     "and add \"or equivalent\" if you name the make. Also state how many homes have them, so that "
                     "companies can size their proposals.")],
    ),
    DemoChallenge(
        author="innovation@rsyd.example.org", cluster=DIGI, created=None, deadlines=(35, 70),
        title="Wayfinding for patients and visitors at the new university hospital",
        summary="The new Odense University Hospital opens with 200,000 m2 of buildings. Patients and visitors must "
                "find their way from the car park to the right clinic, also when they do not read Danish.",
        description="""Draft, to be completed with the hospital's building department.

We need:

- directions from arrival to the clinic, on the patient's own phone and on screens;
- step-free routes for wheelchairs and prams;
- directions in at least Danish, English, German, Arabic and Ukrainian.""",
        expected_benefits="- fewer patients late for appointments;\n- less time spent by staff showing the way.",
        test_setting="The new hospital's main entrance and 4 outpatient clinics, about 2,000 patients and visitors.",
        test_users=2000, pilot_budget="46900", contract_value=None, kind=ContractKind.SERVICES,
        cpv=["48000000", "72000000"], nuts="DK031", languages=["da", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Ease of use for patients and visitors", 50, ""), ("Accessibility", 30, ""), ("Price", 20, "")],
    ),
    DemoChallenge(
        author="innovation@sonderborg.example.org", cluster=DIGI, created=None, deadlines=(40, 75),
        title="Reading support for pupils with dyslexia",
        summary="Pupils with dyslexia fall behind when texts get longer. We look for tools that help them read and "
                "write in Danish and German in every subject.",
        description="""About 8 % of Sønderborg's pupils have dyslexia. The German minority's schools need support in
both languages.

We need tools that:

- read any school text aloud and help with writing;
- work on the pupils' school laptops and phones;
- let teachers follow progress without extra registration.""",
        expected_benefits="- pupils who keep up in every subject;\n- fewer pupils referred to special classes.",
        test_setting="3 schools (one of the German minority), 45 pupils and 20 teachers, one school year.",
        test_users=65, pilot_budget="13400", contract_value="120000", kind=ContractKind.SUPPLIES,
        cpv=["48190000", "80100000"], nuts="DK032", languages=["da", "de", "en"], ipr=IprModel.COMPANY_LICENCE,
        ipr_note=None,
        criteria=[("Effect on reading and writing", 50, ""), ("Fit with teaching", 30, ""), ("Price", 20, "")],
    ),
]


# --- the innovation pool and the pilots -------------------------------------------------------------
# The Health-Tech cluster's pool, and the pilots opened by the three awarded challenges: one running now, with
# a grant from the pool, an earlier one that is reported, and one stopped early (a failed pilot). The plan is written first; the events
# then run in the order listed, on days from the load like the challenges'. Test users are numbered in the
# order they are enrolled; their feedback links are not kept (the cluster or the authority issues a new link
# from the pilot page).

P = PilotStatus


@dataclass
class DemoPool:
    admin: str
    days: tuple[int, int]  # opens, closes
    data: PoolData  # its dates are replaced by `days`


@dataclass
class Agree:
    by: str
    day: int


@dataclass
class Step:
    by: str
    target: PilotStatus
    day: int
    reason: str | None = None


@dataclass
class Enrol:
    """`by` enrols `how_many` test users of the plan's `group` at its `site` (positions in the plan); they gave
    their consent the day before."""

    by: str
    group: int
    site: int
    how_many: int
    day: int


@dataclass
class Answer:
    """Test user number `tester` answers the SUS (and rates the criteria rated by test users) on `day`."""

    tester: int
    day: int
    sus: tuple[int, ...]
    rating: int | None = None
    worked: str | None = None
    did_not: str | None = None


@dataclass
class Leave:
    by: str
    tester: int
    day: int


@dataclass
class Log:
    by: str
    severity: Severity
    day: int
    hour: int
    what: str
    action: str | None = None


@dataclass
class Measure:
    by: str
    criterion: int
    value: str
    day: int
    source: str


@dataclass
class Confirm:
    by: str
    milestone: int
    day: int


@dataclass
class Quote:
    """The cluster chooses the free text of these test users for the report."""

    by: str
    testers: tuple[int, ...]


@dataclass
class Conclude:
    by: str
    conclusion: str
    recommendation: Recommendation


@dataclass
class Verdict:
    """The authority's decision on the reported pilot."""

    by: str
    decision: Recommendation
    day: int
    note: str


@dataclass
class Apply:
    """The company applies to `pool` for a grant; `benefit_by` confirms the expected benefit the next day and the
    company declares its de minimis aid and submits the day after; the administrator decides on `decided`."""

    by: str
    pool: str
    day: int
    requested: str
    co_financing: str
    purpose: str
    benefit_by: str
    benefit: str
    de_minimis_eur: str
    decided_by: str
    decided: int
    approved: str
    reason: str


@dataclass
class Pay:
    by: str
    milestone: int
    amount: str
    day: int


@dataclass
class DemoPilot:
    challenge: str  # the awarded challenge whose selected proposal opened the pilot
    planner: str
    title: str
    objectives: str
    days: tuple[int, int]  # start, end
    budget: str
    funding_split: str
    personal_data: str
    legal_basis: str
    dpia_done: bool
    criteria: list[PilotCriterion]
    sites: list[tuple[str, str | None, str]]
    groups: list[tuple[str, int]]
    milestones: list[tuple[str, int]]
    events: list[Agree | Step | Enrol | Answer | Leave | Log | Measure | Confirm | Quote | Conclude | Verdict | Apply | Pay]


HEALTH_TECH_POOL = "Health-Tech Innovation Pool South"

POOLS = [
    DemoPool("cluster@healthtech.example.org", (-200, 165), PoolData(
        name=HEALTH_TECH_POOL, currency="DKK", total_budget=Decimal("10000000"), min_grant=Decimal("400000"),
        max_grant=Decimal("1475000"), units_per_eur=Decimal("7.46"),
        eligibility_text="Grants for pilots of health and welfare technology that a small or medium-sized company "
                         "registered in Southern Denmark runs with a public partner (a region, a municipality or a "
                         "hospital), which declares the benefit it expects. The grant covers the company's own costs "
                         "of the pilot: adaptation, installation, training and evaluation; the company co-finances "
                         "at least a quarter. Grants are de minimis aid. The cluster's board decides every month.",
        require_sme=True, regions=["DK03"], require_public_partner=True, require_research_partner=False,
        opens_on=date.min, closes_on=date.min)),
]

FALLS_ON_WARDS = "Fewer falls of older patients in hospital wards"
HELP_UP = "Helping residents up after a fall, with one member of staff"
HOSPITAL = "J. B. Winsløws Vej 4, 5000 Odense C"
AT_LEAST, AT_MOST = Comparison.AT_LEAST, Comparison.AT_MOST

PILOTS = [
    DemoPilot(
        challenge=FALLS_ON_WARDS, planner="anna@caresense.example.org",
        title="CareSense Ward: bed-exit and fall alerts on three wards of Odense University Hospital",
        objectives="""Find out whether ceiling sensors that alert the nurses when a patient at risk gets out of bed, and at
once after a fall anywhere in the room, reduce falls and time on the floor on two geriatric wards and one
orthopaedic ward, without more false alarms or cleaning than today's pressure mats.

- falls per 1,000 bed days and time on the floor, against the wards' incident reports of the six months before;
- the nurses' view of the alerts and the app: the System Usability Scale and a rating of the alerts.""",
        days=(-110, 72), budget="118000",
        funding_split="The region pays the pilot price of EUR 118,000 from the challenge's pilot budget. CareSense's "
                      "adaptation to the hospital's nurse call, the power outlets and the University of Southern "
                      "Denmark's analysis are paid by a grant from the Health-Tech Innovation Pool South and by "
                      "CareSense's own co-financing.",
        personal_data="Bed and room numbers; which patients the nurses mark as at risk (no names, no diagnoses); "
                      "alert events (time, bed, kind). Nurses taking part in the usability survey are known only by "
                      "a code, their ward and their group.",
        legal_basis="GDPR art. 6(1)(e) and 9(2)(h): the region's task of providing hospital care; CareSense is the "
                    "region's processor under a data processing agreement. Nurses answer the survey by consent.",
        dpia_done=True,
        criteria=[PilotCriterion("Falls per 1,000 bed days", AT_MOST, Decimal("4"), "per 1,000 bed days"),
                  PilotCriterion("Median time on the floor after a fall", AT_MOST, Decimal("5"), "minutes"),
                  PilotCriterion("Nurses find the alerts timely and worth acting on", AT_LEAST, Decimal("4"), "of 5",
                                 rated_by_users=True)],
        sites=[("Geriatric ward G1, Odense University Hospital", HOSPITAL, "hospital ward"),
               ("Geriatric ward G2, Odense University Hospital", HOSPITAL, "hospital ward"),
               ("Orthopaedic ward O3, Odense University Hospital", HOSPITAL, "hospital ward")],
        groups=[("Nurses and nursing assistants, geriatric wards", 60),
                ("Nurses and nursing assistants, orthopaedic ward", 30)],
        milestones=[("Sensors mounted and connected to the nurse call on all three wards", -112),
                    ("Mid-term review of incident reports and false alarms", 5),
                    ("Final measurements, staff survey and report", 70)],
        events=[
            Apply("anna@caresense.example.org", HEALTH_TECH_POOL, -150, requested="1100000", co_financing="450000",
                  purpose="Adapting CareSense's nurse call interface to the hospital's system, power outlets and "
                          "mounting at 48 beds, and the University of Southern Denmark's before/after analysis of "
                          "falls on the three wards.",
                  benefit_by="innovation@rsyd.example.org",
                  benefit="The region expects fewer falls and fall injuries among older patients on the three wards "
                          "and a shorter time on the floor after a fall. It will use the evaluation to decide on a "
                          "procurement for all its geriatric and orthopaedic wards.",
                  de_minimis_eur="38000", decided_by="cluster@healthtech.example.org", decided=-130,
                  approved="1000000",
                  reason="The pilot meets every rule of the pool and the region confirmed the expected benefit. "
                         "DKK 100,000 of the mounting costs are covered by the pilot price the region pays, so the "
                         "board grants DKK 1,000,000."),
            Agree("innovation@rsyd.example.org", -126),
            Agree("anna@caresense.example.org", -125),
            Step("cluster@healthtech.example.org", P.PLAN_APPROVED, -121),
            Confirm("facilitator@healthtech.example.org", 0, -112),
            Step("facilitator@healthtech.example.org", P.RUNNING, -110),
            Enrol("facilitator@healthtech.example.org", 0, 0, 4, -108),
            Enrol("facilitator@healthtech.example.org", 0, 1, 4, -108),
            Enrol("innovation@rsyd.example.org", 1, 2, 4, -107),
            Pay("cluster@healthtech.example.org", 0, "400000", -105),
            Log("innovation@rsyd.example.org", Severity.MEDIUM, -61, 3,
                "After a change to the hospital network, the gateway on ward G2 lost its connection to the nurse "
                "call for 40 minutes at night; no alerts reached the nurses. No patient fell in that time.",
                "The hospital's IT department now checks the gateways after every network change; CareSense added "
                "an alert to the ward phone when a gateway is offline for more than 5 minutes."),
            Log("anna@caresense.example.org", Severity.OBSERVATION, -45, 14,
                "The physiotherapists' morning exercises with patients set off \"sitting up\" alerts.",
                "Nurses can now pause a bed's alerts for up to 30 minutes from the app."),
            Answer(0, -40, (4, 2, 4, 2, 4, 2, 4, 2, 4, 2), 4,
                   "Alerts come to the phone I carry anyway; I reach the room before the patient is up."),
            Answer(1, -40, (5, 1, 4, 1, 4, 2, 5, 1, 4, 2), 5,
                   "Nothing on the floor to trip over and nothing to wipe between patients."),
            Answer(2, -39, (3, 2, 4, 2, 3, 3, 4, 2, 3, 2), 3, None,
                   "Some \"sitting up\" alerts come while the physiotherapist is with the patient."),
            Answer(4, -38, (4, 1, 5, 2, 4, 2, 4, 1, 4, 1), 5,
                   "I can mark a patient at risk in ten seconds at the bedside."),
            Answer(5, -38, (3, 3, 3, 3, 3, 2, 3, 2, 3, 3), 3, None,
                   "The app is slow to open when the phone has been locked."),
            Answer(8, -36, (4, 2, 4, 1, 4, 2, 4, 2, 5, 2), 4,
                   "Since the sensors came, nobody has lain long on the floor on our ward."),
            Answer(9, -35, (4, 2, 3, 2, 4, 2, 4, 3, 4, 2), 4),
            Measure("innovation@rsyd.example.org", 0, "4.6", -32,
                    "The wards' incident reports, first two months (G1, G2, O3)"),
            Measure("anna@caresense.example.org", 1, "6", -32,
                    "Incident reports and sensor events, first two months: 9 falls"),
        ],
    ),
    DemoPilot(
        challenge=HELP_UP, planner="ceo@fallguard.example.org",
        title="FloorLift in two Odense care homes: one carer helps a resident up after a fall",
        objectives="""Find out whether one member of the night or evening staff can get an uninjured resident off the floor
safely with the FloorLift robot, and how much sooner than today.

- time on the floor after a fall, against the homes' fall reports of the six months before;
- the share of falls handled by one member of staff, without a colleague or the ambulance service;
- what the staff think of the robot after six months: the System Usability Scale, ratings and interviews.""",
        days=(-480, -300), budget="58600",
        funding_split="Odense Municipality pays the pilot price of EUR 58,600 from its welfare technology budget; "
                      "FallGuard Robotics pays the robots' maintenance and the staff training.",
        personal_data="Room numbers and the time, floor and duration of each use of the robot; from the homes' fall "
                      "reports, the time of the fall and of the help (no names, no diagnoses). Staff taking part in "
                      "the survey are known only by a code, their home and their group.",
        legal_basis="GDPR art. 6(1)(e): the municipality's task of providing care and a safe working environment. "
                    "Staff answer the survey by consent.",
        dpia_done=False,
        criteria=[PilotCriterion("Median time on the floor after a fall", AT_MOST, Decimal("15"), "minutes"),
                  PilotCriterion("Falls handled by one member of staff", AT_LEAST, Decimal("70"), "%"),
                  PilotCriterion("Staff feel safe using the robot", AT_LEAST, Decimal("4"), "of 5",
                                 rated_by_users=True)],
        sites=[("Lindegården care home", "Lindevej 12, 5220 Odense SØ", "care home"),
               ("Kildevang care home", "Kildevangen 3, 5260 Odense S", "care home")],
        groups=[("Night staff", 6), ("Evening staff", 6)],
        milestones=[("Robots on every floor and staff trained", -482),
                    ("Mid-term review of the fall reports", -390),
                    ("Final measurements and staff survey", -302)],
        events=[
            Agree("eldercare@odense.example.org", -490),
            Agree("ceo@fallguard.example.org", -489),
            Step("cluster@healthtech.example.org", P.PLAN_APPROVED, -486),
            Confirm("facilitator@healthtech.example.org", 0, -482),
            Step("facilitator@healthtech.example.org", P.RUNNING, -480),
            Enrol("facilitator@healthtech.example.org", 0, 0, 3, -478),
            Enrol("facilitator@healthtech.example.org", 0, 1, 2, -478),
            Enrol("eldercare@odense.example.org", 1, 0, 3, -477),
            Enrol("eldercare@odense.example.org", 1, 1, 3, -477),
            Log("eldercare@odense.example.org", Severity.MEDIUM, -452, 2,
                "At Kildevang the robot stopped at the raised threshold of room 12 on its way to a fall. The carer "
                "pushed it over by hand; the resident, who was not hurt, was up after 14 minutes.",
                "FallGuard changed the robot's threshold setting the next day, and the caretaker fitted ramps to "
                "the four highest thresholds."),
            Log("facilitator@healthtech.example.org", Severity.OBSERVATION, -430, 13,
                "Evening staff at Lindegården ask for the robot to be parked nearer the lift: on the second floor it "
                "takes three minutes to arrive.", "The parking place was moved the same week."),
            Answer(9, -400, (2, 4, 2, 4, 3, 3, 2, 4, 2, 4), 2, None,
                   "I could not get the support under a heavy resident on my own."),
            Measure("eldercare@odense.example.org", 0, "18", -390, "The homes' fall reports, first three months"),
            Measure("eldercare@odense.example.org", 1, "64", -390, "The homes' fall reports, first three months"),
            Confirm("facilitator@healthtech.example.org", 1, -388),
            Leave("eldercare@odense.example.org", 9, -370),
            Answer(0, -305, (5, 1, 5, 2, 4, 1, 5, 1, 4, 2), 5,
                   "I got a resident up from the bathroom floor alone in eight minutes. Before, we waited for the "
                   "ambulance.", "The support is hard to slide under someone lying against the bed."),
            Answer(1, -305, (4, 2, 4, 2, 4, 2, 4, 2, 4, 3), 4,
                   "Calling the robot from the phone means I can stay with the resident.",
                   "The app logged me out twice during a night shift."),
            Answer(2, -304, (4, 2, 5, 1, 4, 2, 4, 2, 5, 2), 5,
                   "Residents were calm: the robot moves slowly and tells them what happens."),
            Answer(3, -304, (3, 2, 4, 3, 3, 2, 4, 2, 3, 3), 3, None,
                   "It took me a month before I trusted it. More practice at the start would help."),
            Answer(4, -303, (2, 3, 3, 3, 3, 2, 3, 3, 3, 4), 3, None,
                   "At night I still call a colleague: I do not want to be alone with a resident who may be hurt. "
                   "The robot is fine; the night staffing is the problem."),
            Answer(5, -303, (4, 1, 4, 2, 4, 2, 5, 2, 4, 2), 4, "No more lifting by hand. My back has been better "
                                                                "this winter."),
            Answer(6, -302, (3, 3, 3, 2, 4, 2, 4, 3, 3, 3), 4, None,
                   "The robot is too wide for the toilets in the oldest rooms."),
            Answer(7, -302, (4, 2, 4, 1, 3, 1, 4, 2, 4, 2), 4, "The step-by-step screen is good for substitutes."),
            Answer(8, -301, (5, 2, 5, 2, 4, 2, 5, 1, 5, 2), 5,
                   "Faster than waiting for a colleague from another floor, every time.",
                   "The charging station is in the way in the corridor."),
            Answer(10, -301, (4, 2, 4, 2, 3, 2, 4, 2, 3, 2), 4, None,
                   "Too many steps on the screen once you have done it often."),
            Measure("eldercare@odense.example.org", 0, "11", -300, "The homes' fall reports, six months: 41 falls"),
            Measure("eldercare@odense.example.org", 1, "78", -300, "The homes' fall reports, six months: 41 falls"),
            Measure("ceo@fallguard.example.org", 2, "4.2", -300,
                    "Final staff interviews in both homes (University College Lillebælt)"),
            Confirm("facilitator@healthtech.example.org", 2, -299),
            Step("cluster@healthtech.example.org", P.COMPLETED, -298),
            Quote("facilitator@healthtech.example.org", (0, 4, 5)),
            Conclude("facilitator@healthtech.example.org",
                     "FloorLift did what the challenge asked. Over six months, 78 % of the falls of uninjured residents "
                     "were handled by one member of staff, and the median time on the floor fell from 32 minutes "
                     "(the homes' reports of the six months before) to 11. Staff rated the robot above the SUS "
                     "average and felt safe using it, though night staff want more practice at the start and the "
                     "robot does not fit the toilets of the oldest rooms. The one incident, a threshold, was solved "
                     "during the pilot. We recommend that Odense procures mobile lifting support for its care homes, "
                     "with requirements on door and threshold clearance and four hours' training per member of staff.",
                     Recommendation.PROCEED),
            Step("cluster@healthtech.example.org", P.REPORTED, -290),
            Verdict("eldercare@odense.example.org", Recommendation.PROCEED, -270,
                    "The care committee approved a tender for mobile lifting support in all the municipality's care "
                    "homes; this report is part of the tender documents."),
        ],
    ),
    DemoPilot(
        challenge=WANDERING_AT_NIGHT, planner="bids@nordicdata.example.org",
        title="Wandering alerts with wristbands in the dementia unit of Ahlmannsparken care home",
        objectives="""Find out whether wristbands on the care home's positioning network tell the night staff in time when a
resident at risk leaves the room or heads for an outer door, and whether the residents accept wearing them.

- residents noticed within 5 minutes of leaving their room at night, from the staff's night log;
- the share of nights the wristband is worn until the morning;
- the staff's view of the alerts: the System Usability Scale and a rating of the alerts.""",
        days=(-345, -225), budget="29500",
        funding_split="Sønderborg Municipality pays the pilot price of EUR 29,500 from its welfare technology budget; "
                      "NordicData A/S pays the ceiling receivers and their installation.",
        personal_data="Room numbers, which residents the staff mark as at risk (no names, no diagnoses) and the zones "
                      "and times of their alerts. Staff taking part in the survey are known only by a code and their "
                      "group.",
        legal_basis="GDPR art. 6(1)(e) and 9(2)(h): the municipality's task of providing care; the residents' "
                    "guardians agreed to the wristband. Staff answer the survey by consent.",
        dpia_done=True,
        criteria=[PilotCriterion("Residents noticed within 5 minutes of leaving their room", AT_LEAST, Decimal("90"), "%"),
                  PilotCriterion("Nights the wristband is worn until the morning", AT_LEAST, Decimal("80"), "%"),
                  PilotCriterion("Staff find the alerts timely and worth acting on", AT_LEAST, Decimal("4"), "of 5",
                                 rated_by_users=True)],
        sites=[("Dementia unit, Ahlmannsparken care home", "Ahlmannsparken 1, 6400 Sønderborg", "care home")],
        groups=[("Night and evening staff", 8)],
        milestones=[("Receivers installed and zones set for every resident at risk", -347),
                    ("Mid-term review of the night log", -285),
                    ("Final survey and report", -228)],
        events=[
            Agree("innovation@sonderborg.example.org", -352),
            Agree("bids@nordicdata.example.org", -351),
            Step("cluster@healthtech.example.org", P.PLAN_APPROVED, -349),
            Confirm("facilitator@healthtech.example.org", 0, -347),
            Step("facilitator@healthtech.example.org", P.RUNNING, -345),
            Enrol("facilitator@healthtech.example.org", 0, 0, 4, -344),
            Log("innovation@sonderborg.example.org", Severity.OBSERVATION, -338, 7,
                "In the first week, residents took off their wristbands on 9 of 14 nights, most often while getting "
                "ready for bed.", "Staff now put the wristband on after the evening care, and NordicData sent "
                                  "softer straps."),
            Log("innovation@sonderborg.example.org", Severity.HIGH, -326, 3,
                "A resident who had taken off the wristband left the unit through the garden door at night. The night "
                "staff found the resident in the garden after about 20 minutes, cold but unhurt.",
                "The pilot is stopped: the residents most at risk are those who remove the wristband. The garden door "
                "alarm is switched back on."),
            Answer(0, -325, (3, 3, 3, 2, 3, 3, 3, 2, 3, 3), 2, "The map shows where a resident is.",
                   "Most alerts came from residents who were only going to the toilet."),
            Answer(1, -325, (2, 4, 3, 2, 2, 3, 3, 3, 2, 3), 2, None,
                   "We spent the evening putting wristbands back on, and the resident who walks the most never keeps "
                   "it on."),
            Answer(2, -324, (3, 2, 4, 2, 3, 2, 4, 2, 3, 2), 3, "The app itself is easy."),
            Measure("innovation@sonderborg.example.org", 1, "41", -324,
                    "The night log, first three weeks: worn until the morning on 41 % of the nights"),
            Step("innovation@sonderborg.example.org", P.STOPPED_EARLY, -323,
                 "A resident left the unit unnoticed without the wristband; the residents most at risk do not keep it "
                 "on, so the pilot cannot show what it was meant to."),
            Quote("facilitator@healthtech.example.org", (1, 2)),
            Conclude("facilitator@healthtech.example.org",
                     "The wristbands did not work for this group of residents. They were worn until the morning on 41 % "
                     "of the nights, and least by the residents who walk the most, so the alerts came for those who "
                     "needed them least. After a resident left the unit unnoticed, the authority stopped the pilot in "
                     "its fourth week. The positioning itself worked, and the staff found the app easy. We recommend "
                     "not to procure wearables for residents with dementia, and to test sensors in the rooms and at the "
                     "doors instead.",
                     Recommendation.STOP),
            Step("cluster@healthtech.example.org", P.REPORTED, -300),
            Verdict("innovation@sonderborg.example.org", Recommendation.STOP, -290,
                    "No procurement of wristbands. The care committee asks for a new challenge on door and room "
                    "sensors that the residents need not wear."),
        ],
    ),
]


# --- procurement cases ------------------------------------------------------------------------------
# What the authorities bought after their challenges and pilots, each case opened and moved through the
# procurement services by the authority's user on the days given (from the load, like the rest, but moved to
# the Monday when they fall on a weekend: authorities publish and decide on working days). Dates in a `Timeline`
# are days too. Every time limit and the standstill are respected with days to spare, so the checks read right
# whatever the weekday shifts, save Sønderborg's award notice, which is overdue on purpose: its dashboard warns.

K = CaseKind
CS = CaseStatus


@dataclass
class Timeline:
    """Timeline facts recorded together: `_on` and `_deadline` fields are days from the load; `{year}` in the
    notice reference is the notice's year."""

    values: dict[str, object]


@dataclass
class Tender:
    """A candidate or tenderer; linked to the demo company of that name, if there is one."""

    name: str
    country: str
    sme: bool


@dataclass
class Reject:
    name: str
    reason: str


@dataclass
class Measures:
    """Art 41: what the pilot company learnt was shared with all candidates on `day`; adequate time limits."""

    name: str
    day: int
    shared: str
    time_limits: str


@dataclass
class Award:
    name: str
    value: str
    months: int | None
    reasons: str


@dataclass
class Advance:
    target: CaseStatus
    day: int
    reason: str | None = None


@dataclass
class DemoCase:
    by: str
    opened: int
    subject: str
    kind: CaseKind
    value: str
    cpv: list[str]
    description: str
    route: dict[str, object]
    pilot_of: str | None = None  # the challenge whose pilot the case follows
    challenge: str | None = None
    consulted: tuple[str, ...] = ()  # companies of a preliminary market consultation (Art 40)
    events: list[Timeline | Tender | Reject | Measures | Award | Advance] = field(default_factory=list)


CASES = [
    DemoCase(
        by="eldercare@odense.example.org", opened=-262, pilot_of=HELP_UP,
        subject="Mobile lifting support after falls in Odense's care homes",
        kind=K.SUPPLIES, value="1850000", cpv=["33196200", "42416000"],
        description="The FloorLift pilot showed that one member of staff can help an uninjured resident up from the "
                    "floor with a mobile robot, but also what is missing: a support narrow enough for the toilets of "
                    "the oldest rooms, and thresholds crossed without help. The care committee decided to develop "
                    "these and then equip every floor of the municipality's 38 care homes, in one innovation "
                    "partnership.",
        route={"procedure": Procedure.INNOVATION_PARTNERSHIP, "electronic_submission": True, "candidates_invited": 3,
               "partnership_phases": "1. Development (6 months): a support at most 70 cm wide and automatic crossing of "
                                     "thresholds. 2. Test series (6 months): 10 robots in 4 care homes. 3. Purchase: "
                                     "robots for every floor of the 38 care homes, training and 4 years' maintenance.",
               "partnership_targets": "After phase 1: the robot reaches every toilet of the oldest rooms and crosses "
                                      "thresholds of 3 cm. After phase 2: at least 75 % of the falls of uninjured "
                                      "residents handled by one member of staff; SUS of at least 70.",
               "partnership_remuneration": "A fixed price per phase, paid when the municipality confirms the phase's "
                                           "targets; the phase 3 robots at the unit price of the tender."},
        events=[
            Timeline({"notice_sent_on": -245, "notice_reference": "183402-{year}", "clarification_deadline": -222,
                      "requests_deadline": -210}),
            Advance(CS.PUBLISHED, -245),
            Tender("FallGuard Robotics ApS", "DK", True),
            Tender("Scandi MedSupply AB", "SE", False),
            Tender("LiftAssist Robotics B.V.", "NL", True),
            Tender("Plejeløft ApS", "DK", True),
            Reject("Plejeløft ApS", "The request to participate showed no contract for lifting equipment in care "
                                    "settings in the last three years, which the selection criteria on technical "
                                    "ability required (Art 58(4))."),
            Measures("FallGuard Robotics ApS", -245,
                     "The FloorLift pilot report, its measurements, the staff survey, the incident log and the homes' "
                     "anonymised fall reports, published with the procurement documents for every candidate",
                     "35 days for requests to participate instead of the minimum 30 (Art 31(1)), and 42 days for the "
                     "initial tenders, so that every candidate could study the pilot's results."),
            Timeline({"tenders_deadline": -161, "tenders_received": 3, "tenders_from_smes": 2,
                      "tenders_from_other_states": 2}),
            Advance(CS.TENDERS_RECEIVED, -161),
            Advance(CS.EVALUATION, -160),
            Award("FallGuard Robotics ApS", "1720000", 48,
                  "Best price-quality ratio (Art 31(1), Art 67): FallGuard's tender scored highest on safety and on use "
                  "by one member of staff at night, and its development plan meets both phase 1 targets. Scandi "
                  "MedSupply's cushion and hoist still need a sling placed by hand; LiftAssist's robot is a prototype "
                  "without a CE mark as a medical device."),
            Timeline({"award_decision_sent_on": -130}),
            Advance(CS.AWARDED, -130),
            Timeline({"contract_signed_on": -117}),
            Advance(CS.CONTRACT_SIGNED, -117),
            Timeline({"award_notice_sent_on": -105}),
            Advance(CS.COMPLETED, -104),
        ],
    ),
    DemoCase(
        by="eldercare@odense.example.org", opened=-95, challenge="Indoor climate sensors in classrooms",
        subject="Indoor climate sensors for every classroom in Odense's schools",
        kind=K.SUPPLIES, value="640000", cpv=["38432000", "38550000"],
        description="The challenge's proposals showed that classroom sensors with a signal for the teacher are "
                    "standard products, so the municipality buys them in an open procedure: a sensor in each of "
                    "about 1,900 classrooms, hourly data for the building department, and five years of operation.",
        route={"procedure": Procedure.OPEN, "electronic_submission": True},
        events=[
            Timeline({"notice_sent_on": -60, "notice_reference": "702318-{year}", "clarification_deadline": -32,
                      "tenders_deadline": -22}),
            Advance(CS.PUBLISHED, -60),
            Tender("NordicData A/S", "DK", True),
            Tender("CareSense ApS", "DK", True),
            Tender("Indeklima Danmark A/S", "DK", False),
            Tender("Airwise Sensors GmbH", "DE", True),
            Timeline({"tenders_received": 4, "tenders_from_smes": 3, "tenders_from_other_states": 1}),
            Advance(CS.TENDERS_RECEIVED, -22),
            Advance(CS.EVALUATION, -21),
        ],
    ),
    DemoCase(
        by="innovation@sonderborg.example.org", opened=-140,
        subject="Accessibility audit of the school portal and the municipality's self-service pages",
        kind=K.SERVICES, value="38000", cpv=["72225000"],
        description="An audit against WCAG 2.1 AA of the pages parents and pupils use most, with tests by users with "
                    "disabilities and a prioritised list of fixes, before the web accessibility statement is renewed.",
        route={"procedure": Procedure.BELOW_THRESHOLD},
        events=[
            Timeline({"notice_sent_on": -120, "notice_reference": "udbud.dk 4512370", "tenders_deadline": -100}),
            Advance(CS.PUBLISHED, -120),
            Tender("Tilgængelighedslab ApS", "DK", True),
            Tender("NordicData A/S", "DK", True),
            Tender("Barrierefrei Digital GmbH", "DE", True),
            Timeline({"tenders_received": 3, "tenders_from_smes": 3, "tenders_from_other_states": 1}),
            Advance(CS.TENDERS_RECEIVED, -100),
            Advance(CS.EVALUATION, -99),
            Award("Tilgængelighedslab ApS", "36500", 6,
                  "Best price-quality ratio: the only tender whose audit team includes testers who use screen readers "
                  "and switch controls, at a price within the budget."),
            Timeline({"award_decision_sent_on": -85}),
            Advance(CS.AWARDED, -85),
            Timeline({"contract_signed_on": -71}),
            Advance(CS.CONTRACT_SIGNED, -71),
        ],
    ),
    DemoCase(
        by="innovation@rsyd.example.org", opened=-8, consulted=("CareSense ApS", "NordicData A/S"),
        subject="Pre-commercial procurement: early warning of delirium in older patients",
        kind=K.SERVICES, value="1250000", cpv=["73000000"],
        description="Delirium in older patients is often noticed a day too late. No product predicts it from the data "
                    "the wards already have, so the region plans a pre-commercial procurement: solution design by up to "
                    "four companies, prototypes by three, and a field test by two on the wards of Odense University "
                    "Hospital. The companies keep their intellectual property; the region gets a licence to use the "
                    "results.",
        route={"procedure": Procedure.PRE_COMMERCIAL, "pcp_benefits_shared": True, "pcp_not_wholly_paid": True},
        events=[Timeline({"consultation_on": -12})],
    ),
    DemoCase(
        by="procurement@rsyd.example.org", opened=-20, pilot_of=FALLS_ON_WARDS,
        subject="CareSense ceiling sensors for the remaining geriatric and orthopaedic wards",
        kind=K.SUPPLIES, value="360000", cpv=["33196100", "33195000"],
        description="Extending the pilot's bed-exit and fall alerts to the region's nine other geriatric and "
                    "orthopaedic wards (180 beds).",
        route={"procedure": Procedure.NEGOTIATED_WITHOUT_PUBLICATION, "art_32_ground": "32(2)(b)(iii)",
               "art_32_justification": "CareSense ApS holds the patent on the combined thermal and radar sensing used "
                                       "in the pilot, and the nurses of the pilot wards know its app: extending the "
                                       "same product avoids a second system on the geriatric wards."},
        events=[
            Advance(CS.CANCELLED, -6,
                    "Cancelled before anyone was invited. The region's legal review found that the ground does not "
                    "hold: several suppliers offer fall sensors without cameras or wearables, so CareSense's patent "
                    "does not make it the only operator that can supply (Art 32(2)(b)(iii)). The region will decide "
                    "after the pilot's final report and buy in a procedure with a call for competition."),
        ],
    ),
    DemoCase(
        by="innovation@sonderborg.example.org", opened=-170,
        subject="Route planning software for Sønderborg's home-care teams",
        kind=K.SERVICES, value="290000", cpv=["48000000"],
        description="A four-year licence and operation of route planning for the 14 home-care teams, replacing "
                    "spreadsheets: visits planned around the citizens' needs, with travel times and skills.",
        route={"procedure": Procedure.OPEN, "electronic_submission": True},
        events=[
            Timeline({"notice_sent_on": -160, "notice_reference": "TED 2026/S 061-201877", "tenders_deadline": -118}),
            Advance(CS.PUBLISHED, -160),
            Tender("NordicData A/S", "DK", True),
            Tender("Careplan Software AB", "SE", True),
            Timeline({"tenders_received": 2, "tenders_from_smes": 2, "tenders_from_other_states": 1}),
            Advance(CS.TENDERS_RECEIVED, -117),
            Advance(CS.EVALUATION, -116),
            Award("NordicData A/S", "276000", 48,
                  "Best price-quality ratio: the team leaders rated its planning test highest, at the lower price."),
            Timeline({"award_decision_sent_on": -95}),
            Advance(CS.AWARDED, -95),
            Timeline({"contract_signed_on": -80}),
            Advance(CS.CONTRACT_SIGNED, -80),
        ],
    ),
]


# --- the case library ---------------------------------------------------------------------------------
# What the authorities and the cluster wrote for other regions: the FloorLift pilot and the stopped wristband
# pilot, published once both parties approved; and Odense's summary of the innovation partnership that followed
# FloorLift, approved by Odense and waiting for the cluster. The procurement's summary is written first, so that
# the pilot's summary does not carry the case as well.

@dataclass
class DemoSummary:
    by: str
    day: int
    texts: SummaryTexts
    approvals: tuple[tuple[str, int], ...] = ()  # (who, day), in order
    pilot_of: str | None = None  # the challenge whose pilot it is about
    case: str | None = None  # the subject of the procurement case it is about


CASE_SUMMARIES = [
    DemoSummary(
        by="eldercare@odense.example.org", day=-60, case="Mobile lifting support after falls in Odense's care homes",
        approvals=(("eldercare@odense.example.org", -55),),
        texts=SummaryTexts(
            title="An innovation partnership for lifting robots in 38 care homes, after a pilot",
            what_was_tried="After the FloorLift pilot the municipality did not buy the robot as it was: a narrower "
                           "support and automatic crossing of thresholds were still missing. It chose an innovation "
                           "partnership in three phases (development, a test series in four care homes, purchase for "
                           "every floor), with targets the supplier must meet before each next phase.",
            with_whom="Odense Municipality; FallGuard Robotics ApS (the supplier); Health-Tech Cluster South, which "
                      "facilitated the pilot. Four companies asked to take part.",
            users_said=None,
            learned="Publishing the whole pilot report, the measurements and the staff survey with the procurement "
                    "documents gave every candidate the same knowledge as the pilot company, and longer time limits "
                    "than the minimum let them use it. Three tenders came, two from other countries. Targets written "
                    "from the pilot's own measurements (share of falls handled by one carer, SUS) made the phases "
                    "easy to judge.",
            differently="Start writing the phase targets during the pilot, with the staff who will use the robots, "
                        "and budget for the test series in the same year as the development.")),
    DemoSummary(
        by="facilitator@healthtech.example.org", day=-268, pilot_of=HELP_UP,
        approvals=(("eldercare@odense.example.org", -266), ("cluster@healthtech.example.org", -265)),
        texts=SummaryTexts(
            title="One carer helps a resident up after a fall: a lifting robot in two care homes",
            what_was_tried="A mobile robot that one member of the night or evening staff calls from the phone, slides "
                           "a support under a resident who fell and is not hurt, and raises them to a chair. Six "
                           "months in two care homes, against the homes' fall reports of the six months before.",
            with_whom="Odense Municipality (two care homes), FallGuard Robotics ApS and Health-Tech Cluster South; "
                      "University College Lillebælt interviewed the staff.",
            users_said="Most of the staff found the robot easy to call and safe to use, and the residents calm "
                       "because it moves slowly and says what it does. Several wanted more practice in the first "
                       "month, and some night staff still called a colleague when they feared a resident was hurt. "
                       "The robot is too wide for the toilets of the oldest rooms.",
            learned="78 % of the falls of uninjured residents were handled by one member of staff, and the median time "
                    "on the floor fell from 32 minutes to 11. The one incident, a raised threshold, was solved during "
                    "the pilot with ramps and a setting. What the robot needs from the building (door widths, "
                    "thresholds, where it is parked and charged) matters as much as the robot itself.",
            differently="Measure every door and threshold before the pilot, plan four hours' training per person and a "
                        "refresher after a month, and involve the night staff from the start.")),
    DemoSummary(
        by="innovation@sonderborg.example.org", day=-285, pilot_of=WANDERING_AT_NIGHT,
        approvals=(("cluster@healthtech.example.org", -283), ("innovation@sonderborg.example.org", -282)),
        texts=SummaryTexts(
            title="Wristbands against night-time wandering: a pilot stopped in its fourth week",
            what_was_tried="Soft wristbands on an indoor positioning network, to alert the night staff when a "
                           "resident with dementia leaves the room or heads for an outer door, in one dementia unit.",
            with_whom="Sønderborg Municipality, NordicData A/S and Health-Tech Cluster South.",
            users_said="The staff found the app easy and liked seeing where a resident was, but spent their evenings "
                       "putting wristbands back on, and most alerts came from residents only going to the toilet.",
            learned="The residents most at risk of leaving the unit were those who took the wristband off: it was worn "
                    "until the morning on 41 % of the nights. After a resident left unnoticed without it, the pilot was "
                    "stopped. The positioning worked; wearing something did not. Any solution for this group must "
                    "work without the resident's cooperation.",
            differently="Ask the night staff and the residents' relatives first whether the residents will keep "
                        "anything on, and test that for a week before installing a network. We now look at sensors "
                        "in the rooms and at the doors.")),
]


def _demo_clock():
    """`at(days, hour)`: a local time `days` days from today in the platform's zone, as aware UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = utcnow().astimezone(zone).date()

    def at(days: int, hour: int = 10) -> datetime:
        local = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=zone)
        return local.astimezone(timezone.utc)

    return at


def _load_challenges() -> list[Challenge]:
    at = _demo_clock()
    user = services.user_by_email

    def org_id(name: str) -> int:
        return user(next(demo.admin[0] for demo in ORGANISATIONS if demo.data.name == name)).organisation_id

    loaded = []
    for demo in CHALLENGES:
        questions, proposals = demo.deadlines
        data = ChallengeData(
            title=demo.title, summary=demo.summary, description=demo.description,
            expected_benefits=demo.expected_benefits, test_setting=demo.test_setting,
            test_users_offered=demo.test_users, pilot_budget_eur=Decimal(demo.pilot_budget),
            estimated_contract_value_eur=Decimal(demo.contract_value) if demo.contract_value else None,
            contract_kind=demo.kind, cpv_codes=demo.cpv, nuts_code=demo.nuts, languages=demo.languages,
            ipr_model=demo.ipr, ipr_note=demo.ipr_note, questions_deadline=at(questions, 12),
            proposal_deadline=at(proposals, 12), cluster_id=org_id(demo.cluster),
            criteria=[CriterionData(name, weight, note or None) for name, weight, note in demo.criteria],
            partner_ids=[org_id(name) for name in demo.partners],
        )
        created = at(demo.created, 9) if demo.created is not None else None
        challenge = challenge_services.create_challenge(user(demo.author), data, now=created)

        def proposal_of(company_id: int):
            return proposal_services.proposal_of(company_id, challenge.id)

        for event in demo.events:
            if isinstance(event, Move) and event.target in DECISION_TARGETS:
                selected = [proposal_of(org_id(name)).id for name in event.selected]
                proposal_services.decide(user(event.actor), challenge, selected, event.reason, now=at(event.day, 11))
            elif isinstance(event, Move):
                challenge_services.transition(user(event.actor), challenge, event.target, event.reason,
                                              brand_note=event.brand_note,
                                              now=at(event.day, 11) if event.day is not None else None)
            elif isinstance(event, Follower):
                challenge_services.follow(user(event.user), challenge)
            elif isinstance(event, Ask):
                question = challenge_services.ask_question(user(event.asker), challenge, event.text, now=at(event.day, 14))
                if event.answer:
                    challenge_services.answer_question(user(event.answer_by), question, event.answer,
                                                       event.published_question)
            elif isinstance(event, Propose):
                author = user(event.author)
                proposal = proposal_services.create_proposal(author, challenge, event.data, now=at(event.day, 10))
                for email in event.partners:
                    partner = proposal_services.add_partner(author, proposal, user(email).organisation_id,
                                                            now=at(event.day, 10))
                    proposal_services.answer_partnership(user(email), partner, True, now=at(event.day, 15))
            elif isinstance(event, Submit):
                author = user(event.author)
                proposal = proposal_of(author.organisation_id)
                if event.changes:
                    current = ProposalData(**{name: getattr(proposal, name) for name in proposal_services.FIELDS})
                    proposal_services.update_proposal(author, proposal, replace(current, **event.changes),
                                                      now=at(event.day, 12))
                proposal_services.submit(author, proposal, declared=True, now=at(event.day, 13))
            elif isinstance(event, Withdraw):
                author = user(event.author)
                proposal_services.withdraw(author, proposal_of(author.organisation_id), event.reason,
                                           now=at(event.day, 11))
            elif isinstance(event, Panel):
                evaluator = user(event.member)
                member = proposal_services.add_panel_member(user(event.by), challenge, evaluator.id, now=at(event.day, 9))
                proposal_services.declare(evaluator, member, False, None,
                                          Neutrality.JUSTIFIED if event.neutrality else None, event.neutrality,
                                          now=at(event.day, 14))
            else:
                evaluator = user(event.evaluator)
                member = proposal_services.panel_member(challenge, evaluator)
                for company, marks in event.marks.items():
                    entries = {c.id: mark for c, mark in zip(challenge.criteria, marks, strict=True)}
                    proposal_services.save_scores(evaluator, member, proposal_of(org_id(company)), entries,
                                                  now=at(event.day, 15))
        loaded.append(challenge)
    db.session.flush()
    return loaded


def _load_pools() -> None:
    at = _demo_clock()
    for demo in POOLS:
        opens, closes = demo.days
        pool_services.create_pool(services.user_by_email(demo.admin),
                                  replace(demo.data, opens_on=at(opens).date(), closes_on=at(closes).date()))


def _load_pilots(challenges: dict[str, Challenge]) -> None:
    """Plan and run the pilots the awarded challenges opened. The test users' feedback links are not kept:
    only their hash is stored, so the cluster or the authority issues a new link from the pilot page."""
    at = _demo_clock()
    user = services.user_by_email
    for demo in PILOTS:
        pilot = db.session.scalar(sa.select(Pilot).where(Pilot.challenge_id == challenges[demo.challenge].id))
        start, end = demo.days
        pilot_services.update_plan(user(demo.planner), pilot, PlanData(
            title=demo.title, objectives=demo.objectives, start_date=at(start).date(), end_date=at(end).date(),
            budget_eur=Decimal(demo.budget), funding_split=demo.funding_split, personal_data=demo.personal_data,
            legal_basis=demo.legal_basis, dpia_done=demo.dpia_done, consent_version="1", criteria=demo.criteria,
            sites=demo.sites, groups=demo.groups, milestones=[(title, at(day).date()) for title, day in demo.milestones]))
        testers: list[TestUser] = []
        answers: dict[int, list[int]] = {}  # test user number: ids of their feedback
        application = None
        for event in demo.events:
            by = None if isinstance(event, Answer) else user(event.by)  # test users answer through their link
            match event:
                case Agree():
                    pilot_services.agree(by, pilot, now=at(event.day, 10))
                case Step():
                    pilot_services.transition(by, pilot, event.target, event.reason, now=at(event.day, 11))
                case Enrol():
                    enrolled = pilot_services.enrol(by, pilot, pilot.groups[event.group].id, pilot.sites[event.site].id,
                                                    at(event.day - 1).date(), event.how_many, now=at(event.day, 13))
                    testers += [test_user for test_user, _token in enrolled]
                case Answer():
                    ratings = {c.id: event.rating for c in pilot.criteria if c.rated_by_users and event.rating}
                    feedback = pilot_services.submit_feedback(testers[event.tester], list(event.sus), ratings, event.worked,
                                                              event.did_not, now=at(event.day, 15))
                    answers.setdefault(event.tester, []).append(feedback.id)
                case Leave():
                    pilot_services.withdraw_test_user(by, testers[event.tester], now=at(event.day, 10))
                case Log():
                    pilot_services.add_log_entry(by, pilot, event.severity, at(event.day, event.hour), event.what,
                                                 event.action, now=at(event.day, max(event.hour + 1, 8)))
                case Measure():
                    pilot_services.add_measurement(by, pilot, pilot.criteria[event.criterion].id, Decimal(event.value),
                                                   at(event.day).date(), event.source, now=at(event.day, 16))
                case Confirm():
                    pilot_services.confirm_milestone(by, pilot.milestones[event.milestone], now=at(event.day, 16))
                case Quote():
                    pilot_services.choose_quotes(by, pilot, {i for tester in event.testers for i in answers[tester]})
                case Conclude():
                    pilot_services.conclude(by, pilot, event.conclusion, event.recommendation)
                case Verdict():
                    pilot_services.decide(by, pilot, event.decision, event.note, now=at(event.day, 10))
                case Apply():
                    pool = db.session.scalar(sa.select(Pool).where(Pool.name == event.pool))
                    application = pool_services.apply(by, pool, pilot, Decimal(event.requested),
                                                      Decimal(event.co_financing), event.purpose, today=at(event.day).date())
                    pool_services.confirm_benefit(user(event.benefit_by), application, event.benefit,
                                                  now=at(event.day + 1, 10))
                    pool_services.declare_de_minimis(by, application, Decimal(event.de_minimis_eur), now=at(event.day + 2, 9))
                    pool_services.submit(by, application, now=at(event.day + 2, 10))
                    pool_services.decide(user(event.decided_by), application, True, Decimal(event.approved), event.reason,
                                         now=at(event.decided, 14))
                case Pay():
                    pool_services.record_payment(by, application, pilot.milestones[event.milestone].id,
                                                 Decimal(event.amount), at(event.day).date())
    db.session.flush()


def _load_cases(challenges: dict[str, Challenge]) -> None:
    """Open the procurement cases and record their route, then their events in order, as the authority would."""
    at = _demo_clock()

    def workday(days: int, hour: int = 10) -> datetime:
        while at(days).weekday() >= 5:  # local mornings fall on the same date in UTC
            days += 1
        return at(days, hour)

    companies = {o.name: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.kind == CO))}
    for demo in CASES:
        by = services.user_by_email(demo.by)
        pilots = [db.session.scalar(sa.select(Pilot).where(Pilot.challenge_id == challenges[demo.pilot_of].id))
                  ] if demo.pilot_of else []
        case = procurement_services.open_case(
            by, CaseData(demo.subject, demo.kind, Decimal(demo.value), demo.cpv, demo.description), pilots,
            challenges[demo.challenge] if demo.challenge else None, list(demo.consulted), now=workday(demo.opened, 9))
        procurement_services.set_fields(by, case, demo.route, procurement_services.ROUTE_FIELDS, "procurement.route")
        tenderers = {}
        for event in demo.events:
            match event:
                case Timeline():
                    values = {name: workday(value).date() if name.endswith(("_on", "_deadline")) else value
                              for name, value in event.values.items()}
                    if "notice_reference" in values:
                        values["notice_reference"] = values["notice_reference"].format(year=values["notice_sent_on"].year)
                    procurement_services.set_fields(by, case, values, procurement_services.TIMELINE_FIELDS,
                                                    "procurement.timeline")
                case Tender():
                    tenderers[event.name] = procurement_services.add_tenderer(by, case, event.name, event.country,
                                                                              event.sme, companies.get(event.name))
                case Reject():
                    procurement_services.set_tenderer_admission(by, tenderers[event.name], False, event.reason)
                case Measures():
                    procurement_services.record_art_41(by, tenderers[event.name], {
                        "info_shared_on": workday(event.day).date(), "info_shared": event.shared,
                        "time_limits_note": event.time_limits})
                case Award():
                    procurement_services.record_award(by, case, tenderers[event.name], Decimal(event.value), event.months,
                                                      event.reasons)
                case Advance():
                    procurement_services.transition(by, case, event.target, event.reason, now=workday(event.day, 11))
    db.session.flush()


def _load_case_summaries(challenges: dict[str, Challenge]) -> None:
    """Write the case summaries through the services; each party approves the revision it read."""
    at = _demo_clock()
    user = services.user_by_email
    for demo in CASE_SUMMARIES:
        pilot = db.session.scalar(sa.select(Pilot).where(Pilot.challenge_id == challenges[demo.pilot_of].id)) \
            if demo.pilot_of else None
        case = db.session.scalar(sa.select(ProcurementCase).where(ProcurementCase.subject == demo.case)) if demo.case else None
        summary = case_services.start(user(demo.by), Source(pilot, case), demo.texts, now=at(demo.day, 10))
        for email, day in demo.approvals:
            case_services.approve(user(email), summary, summary.revision, now=at(day, 14))
    db.session.flush()


def load_demo() -> bool:
    """Load the demo data; False when it is there already."""
    if services.user_by_email(PLATFORM_ADMIN[0]) is not None:
        return False
    admin = services.create_platform_admin(PLATFORM_ADMIN[0], PLATFORM_ADMIN[1], DEMO_PASSWORD)
    orgs: dict[str, User] = {}
    for demo in ORGANISATIONS:
        email, name = demo.admin
        org_admin = services.sign_up(demo.data, services.AccountData(email, name, DEMO_PASSWORD))
        orgs[demo.data.name] = org_admin
        if demo.verified:
            services.set_verification(admin, org_admin.organisation, VerificationStatus.VERIFIED, "Checked against the public register.")
        for member_email, member_name in demo.members:
            _, token = services.create_invitation(org_admin, org_admin.organisation, member_email, OrgRole.MEMBER)
            services.accept_invitation(token, services.AccountData(member_email, member_name, DEMO_PASSWORD))
    for company, cluster, accepted in MEMBERSHIPS:
        company_admin, cluster_admin = orgs[company], orgs[cluster]
        membership = services.request_membership(company_admin, cluster_admin.organisation, "We would like to join.")
        if accepted:
            services.decide_membership(cluster_admin, membership, True, "Welcome.")
    challenges = {challenge.title: challenge for challenge in _load_challenges()}
    _load_pools()
    _load_pilots(challenges)
    _load_cases(challenges)
    _load_case_summaries(challenges)
    matching_demo.load(admin, DEMO_PASSWORD)
    return True


@ppi_cli.command("demo")
def demo_command() -> None:
    """Load the demo organisations and users (idempotent)."""
    from flask import current_app

    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data (with its published passwords) is only for development and testing configurations.")
    if load_demo():
        db.session.commit()
        click.echo(f"Demo data loaded. Every demo account uses the password {DEMO_PASSWORD!r}.")
    else:
        click.echo("Demo data is loaded already; nothing changed.")
