"""`flask ppi demo`: a believable set of organisations, one user per role and a dozen challenges in every
state of their lifecycle, loaded once.

Everything is created through the services, so the demo has the audit trail and outbox that real use
would leave. Running the command again changes nothing.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import click
from flask import current_app

from ppi.accounts import services
from ppi.accounts.models import AuthorityType, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import VerificationStatus
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge, ContractKind, IprModel
from ppi.challenges.permissions import DECISION_TARGETS
from ppi.challenges.services import ChallengeData, CriterionData
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.cli import ppi_cli
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.proposals import services as proposal_services

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
# Twelve challenges in every state of the lifecycle, each moved there through the services by the people
# who would do it: authorities submit, evaluate, cancel and archive; clusters publish or return. Times are
# days from the moment the demo is loaded (negative: in the past), at a local hour of the platform's zone.

S = ChallengeStatus
ODENSE, SONDERBORG = "Odense Municipality", "Sønderborg Municipality"
HEALTH_TECH, DIGI = "Health-Tech Cluster South", "Digitalisation Cluster Denmark"


@dataclass
class Move:
    """`actor` moves the challenge to `target` on `day` (None: at load time)."""

    actor: str
    target: ChallengeStatus
    day: int | None
    reason: str | None = None
    brand_note: str | None = None


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
    events: list[Move | Ask | Follower] = field(default_factory=list)


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
                Ask("ceo@fallguard.example.org",
                    "Will night staff carry municipal smartphones during the pilot, or should alerts go to a "
                    "device we supply?", -2)],
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
                Move("facilitator@healthtech.example.org", S.PUBLISHED, -42)],
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
                           "systems per building is published as a document with this challenge.")],
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
                Move("eldercare@odense.example.org", S.IN_EVALUATION, -24)],
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
                Move("procurement@rsyd.example.org", S.IN_EVALUATION, -99),
                Move("procurement@rsyd.example.org", S.NO_AWARD, -80,
                     "Two proposals were received. Neither could exchange data with the hospitals' booking systems "
                     "within the pilot budget. We will describe the interfaces better and post the challenge again.")],
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
        for event in demo.events:
            if isinstance(event, Move) and event.target in DECISION_TARGETS:
                proposal_services.decide(user(event.actor), challenge, [], event.reason, now=at(event.day, 11))
            elif isinstance(event, Move):
                challenge_services.transition(user(event.actor), challenge, event.target, event.reason,
                                              brand_note=event.brand_note,
                                              now=at(event.day, 11) if event.day is not None else None)
            elif isinstance(event, Follower):
                challenge_services.follow(user(event.user), challenge)
            else:
                question = challenge_services.ask_question(user(event.asker), challenge, event.text, now=at(event.day, 14))
                if event.answer:
                    challenge_services.answer_question(user(event.answer_by), question, event.answer,
                                                       event.published_question)
        loaded.append(challenge)
    db.session.flush()
    return loaded


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
    _load_challenges()
    db.session.flush()
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
