"""The demo's competence profiles: the four demo companies and twenty more, most of them members of the two
clusters, with competences written in their own words (related to the demo challenges, some of them only in
appearance: leak sensors are meters too, parking guidance is navigation too). tests/matching/test_quality.py
labels which companies fit which demo challenge and measures the ranking on them.

Loaded by `flask ppi demo` after the challenges and pilots, through the services like the rest of the demo.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from ppi.accounts import services as accounts
from ppi.accounts.models import OrganisationKind, User
from ppi.accounts.workflow import VerificationStatus
from ppi.matching import services
from ppi.matching.services import CompetenceData

HEALTH_TECH, DIGI = "Health-Tech Cluster South", "Digitalisation Cluster Denmark"


@dataclass
class DemoCompany:
    name: str
    country: str
    nuts: str | None
    size: tuple[int, str, str]  # staff headcount, annual turnover, balance sheet total (EUR)
    description: str
    admin: tuple[str, str]
    cluster: str | None  # accepted member of it


def competence(statement: str, trl: int, tags: str, cpv: str, description: str | None = None,
      references: str | None = None) -> CompetenceData:
    return CompetenceData(statement=statement, trl=trl, tags=tags.split(", "), cpv_codes=cpv.split(), description=description,
                          references=references)


@dataclass
class DemoProfile:
    company: str
    competences: list[CompetenceData]
    languages: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    consent_to: str | None = None  # the company lets this cluster edit its profile


COMPANIES = [
    DemoCompany("WayPoint Indoor ApS", "DK", "DK011", (14, "2100000", "1300000"),
                "Indoor navigation for hospitals, airports and universities.",
                ("admin@waypoint.example.org", "Ida Friis"), DIGI),
    DemoCompany("LexiLearn ApS", "DK", "DK032", (9, "900000", "600000"),
                "Reading and writing tools for pupils with dyslexia.", ("admin@lexilearn.example.org", "Ole Brandt"), DIGI),
    DemoCompany("Läshjälpen AB", "SE", "SE224", (22, "3100000", "2000000"),
                "Speech synthesis and word prediction for the Nordic languages.",
                ("admin@lashjalpen.example.org", "Maja Ek"), None),
    DemoCompany("GreenWatt Metering ApS", "DK", "DK032", (40, "7800000", "5200000"),
                "Smart meters and energy management for public buildings.",
                ("admin@greenwatt.example.org", "Niels Bro"), DIGI),
    DemoCompany("KlimaKlasse ApS", "DK", "DK031", (6, "500000", "300000"),
                "Indoor climate sensors for schools.", ("admin@klimaklasse.example.org", "Line Hald"), DIGI),
    DemoCompany("DoseMate ApS", "DK", "DK031", (18, "2600000", "1900000"),
                "Medication dispensers for citizens living at home.", ("admin@dosemate.example.org", "Emil Vang"),
                HEALTH_TECH),
    DemoCompany("RouteWise Logistics A/S", "DK", "DK011", (85, "15000000", "9000000"),
                "Planning software for passenger transport.", ("admin@routewise.example.org", "Sara Holt"), DIGI),
    DemoCompany("EcoShuttle ApS", "DK", "DK032", (30, "6000000", "8000000"),
                "Electric minibuses for school and special transport.", ("admin@ecoshuttle.example.org", "Bo Kjær"),
                DIGI),
    DemoCompany("SchoolFlow ApS", "DK", "DK032", (11, "1400000", "800000"),
                "School administration software.", ("admin@schoolflow.example.org", "Tina Dam"), DIGI),
    DemoCompany("CareLink Systems ApS", "DK", "DK031", (25, "3900000", "2500000"),
                "Care coordination between hospitals and municipalities.",
                ("admin@carelink.example.org", "Henrik Lund"), HEALTH_TECH),
    DemoCompany("LiftAssist ApS", "DK", "DK031", (16, "2800000", "1700000"),
                "Lifting aids for care homes and home care.", ("admin@liftassist.example.org", "Pia Skov"), HEALTH_TECH),
    DemoCompany("VisionFall GmbH", "DE", "DE300", (35, "5500000", "4100000"),
                "Privacy-preserving computer vision for care.", ("admin@visionfall.example.org", "Jonas Weber"),
                HEALTH_TECH),
    DemoCompany("PorterTrack ApS", "DK", "DK031", (12, "1600000", "1000000"),
                "Task and status software for hospital logistics.", ("admin@portertrack.example.org", "Kim Aagaard"),
                HEALTH_TECH),
    DemoCompany("SafeStep Sensors Oy", "FI", "FI1B1", (45, "8000000", "6000000"),
                "Pressure-sensing mats for care settings.", ("admin@safestep.example.org", "Aino Virtanen"),
                HEALTH_TECH),
    DemoCompany("NurseCall Nordic A/S", "DK", "DK011", (120, "21000000", "15000000"),
                "Nurse call and alarm systems.", ("admin@nursecall.example.org", "Morten Juhl"), HEALTH_TECH),
    DemoCompany("DataBridge Health ApS", "DK", "DK011", (20, "3000000", "2200000"),
                "Integration of health and care systems.", ("admin@databridge.example.org", "Camilla Berg"), DIGI),
    DemoCompany("AquaGuard ApS", "DK", "DK031", (8, "700000", "400000"),
                "Leak detection for buildings.", ("admin@aquaguard.example.org", "Rune Mølgaard"), DIGI),
    DemoCompany("UrbanPark ApS", "DK", "DK011", (15, "2000000", "1500000"),
                "Parking sensors and guidance systems.", ("admin@urbanpark.example.org", "Anders Rye"), DIGI),
    DemoCompany("KidsCode ApS", "DK", "DK032", (5, "400000", "200000"),
                "Programming courses for children.", ("admin@kidscode.example.org", "Eva Nørgaard"), DIGI),
    DemoCompany("CleanLine Hygiene ApS", "DK", "DK031", (160, "12000000", "7000000"),
                "Cleaning and disinfection for hospitals.", ("admin@cleanline.example.org", "Lone Bak"), HEALTH_TECH),
]

PROFILES = [
    DemoProfile("CareSense ApS", [
        competence("Non-wearable fall detection with ceiling-mounted radar and thermal sensors", 8,
                   "fall detection, bed-exit alert, dementia care, night staff", "33196100 33195000",
                   "Sensors on the ceiling notice when a resident gets up or falls and alert the night staff's phones; no "
                   "images are recorded and the resident wears nothing."),
        competence("Indoor air quality sensors for care homes", 6, "air quality, co2, ventilation", "38432000"),
    ], languages=["da", "en", "de"], markets=["SE", "DE"], consent_to=HEALTH_TECH),
    DemoProfile("FallGuard Robotics ApS", [
        competence("Mobile robots that let one carer lift a person from the floor", 7,
                   "lifting, transfers, fall recovery, robotics", "42416000 33196200",
                   "A small robot drives to the person on the floor and lifts them safely with one member of staff."),
        competence("Autonomous robots that move hospital beds and trolleys", 6, "hospital logistics, bed transport, robotics",
                   "42418000 33192000"),
    ], languages=["da", "en"]),
    DemoProfile("NordicData A/S", [
        competence("Real-time location of equipment, beds and people in hospitals with BLE beacons", 9,
                   "indoor positioning, RTLS, asset tracking, BLE beacons", "48000000 32500000"),
        competence("Data platforms joining hospital systems with live dashboards", 8, "data integration, dashboards, HL7",
                   "48814000 72300000"),
    ]),
    DemoProfile("Scandi MedSupply AB", [
        competence("Hospital supply chain for beds, mattresses and consumables, with bed cleaning", 9,
                   "hospital logistics, supply chain, bed cleaning", "33192000 33140000"),
        competence("Planning non-emergency patient transport across regions", 7, "patient transport, trip planning",
                   "60130000 48332000"),
    ], languages=["sv", "da", "en"], markets=["DK", "NO"]),
    DemoProfile("WayPoint Indoor ApS", [
        competence("Turn-by-turn indoor wayfinding apps for hospitals and other large buildings", 8,
                   "wayfinding, indoor navigation, accessibility, visitors", "48000000 72212000",
                   "Patients and visitors find the clinic from the car park on their phone, in their own language."),
        competence("Indoor positioning with BLE beacons", 8, "indoor positioning, BLE beacons", "32500000"),
    ], languages=["da", "en", "de"]),
    DemoProfile("LexiLearn ApS", [
        competence("Text-to-speech and writing support for pupils with dyslexia", 9,
                   "dyslexia, reading aid, text-to-speech, inclusive education", "48190000 80100000",
                   "Reads any school text aloud and suggests words while the pupil writes, in Danish and German."),
    ], languages=["da", "de"]),
    DemoProfile("Läshjälpen AB", [
        competence("Speech synthesis and word prediction for Scandinavian languages", 9,
                   "speech synthesis, word prediction, dyslexia, reading", "48190000"),
    ], languages=["sv", "da", "en"], markets=["DK", "NO"]),
    DemoProfile("GreenWatt Metering ApS", [
        competence("Wireless energy and water meters with hourly readings", 9, "energy meters, smart metering, LoRaWAN",
                   "38551000 38550000"),
        competence("Energy management dashboards for public buildings", 8, "energy management, building energy, savings",
                   "71314200 48000000", "Hour-by-hour energy use per building and room, with alerts for the caretakers."),
    ], languages=["da", "en", "de"]),
    DemoProfile("KlimaKlasse ApS", [
        competence("CO2, temperature and humidity sensors for classrooms with a traffic light for the teacher", 8,
                   "indoor climate, co2, classroom, ventilation", "38432000 38550000"),
    ], languages=["da"]),
    DemoProfile("DoseMate ApS", [
        competence("Automatic medication dispensers with reminders for citizens at home", 8,
                   "medication, dispenser, adherence, home care", "48180000 33196100",
                   "The dispenser gives the right dose at the right time and tells the home care staff when a dose is missed."),
    ], languages=["da", "en"]),
    DemoProfile("RouteWise Logistics A/S", [
        competence("Route optimisation and trip planning for passenger transport", 8,
                   "route planning, scheduling, transport optimisation", "48332000 60130000"),
    ], languages=["da", "en", "sv"]),
    DemoProfile("EcoShuttle ApS", [
        competence("Electric minibuses with wheelchair lifts for school and special transport", 9,
                   "electric vehicles, school transport, wheelchair accessible", "34144900 60100000"),
    ], languages=["da", "de"]),
    DemoProfile("SchoolFlow ApS", [
        competence("Timetabling, room booking and substitute teacher planning for schools", 8,
                   "timetabling, substitute teachers, room booking, school administration", "48332000 48190000"),
    ], languages=["da"]),
    DemoProfile("CareLink Systems ApS", [
        competence("Shared care plans and messaging between hospital wards and municipal home care", 8,
                   "care coordination, discharge planning, shared care plan, home care", "48814000 72000000"),
    ], languages=["da", "en"]),
    DemoProfile("LiftAssist ApS", [
        competence("Ceiling hoists, mobile hoists and inflatable lifting cushions for care settings", 9,
                   "patient lifting, hoist, transfers, fall recovery", "33196200 42416000"),
    ], languages=["da", "en"]),
    DemoProfile("VisionFall GmbH", [
        competence("Fall detection from depth video with anonymisation on the device", 7,
                   "fall detection, depth sensor, computer vision, privacy", "33195000 33196100"),
    ], languages=["de", "en"], markets=["DK", "SE"]),
    DemoProfile("PorterTrack ApS", [
        competence("Porter task management and live bed status for hospitals", 8,
                   "hospital logistics, porter tasks, bed management", "48814000 33192000"),
    ], languages=["da", "en"]),
    DemoProfile("SafeStep Sensors Oy", [
        competence("Pressure-sensing floor and bed mats that alert staff when a resident gets up", 9,
                   "sensor mat, bed-exit alert, fall detection, nurse call", "33195000 33196100"),
    ], languages=["fi", "sv", "en"], markets=["DK", "SE", "NO"]),
    DemoProfile("NurseCall Nordic A/S", [
        competence("Nurse call and alarm routing to staff smartphones", 9, "nurse call, alarm routing, staff phones",
                   "33195000 32500000"),
    ], languages=["da", "en"]),
    DemoProfile("DataBridge Health ApS", [
        competence("Health data integration with HL7 FHIR between hospital and municipal systems", 8,
                   "interoperability, FHIR, integration, discharge letters", "48814000 72300000"),
    ], languages=["da", "en"]),
    DemoProfile("AquaGuard ApS", [
        competence("Water leak detection sensors for buildings", 9, "leak detection, water damage, building sensors",
                   "38421000 38550000"),
    ], languages=["da"]),
    DemoProfile("UrbanPark ApS", [
        competence("Parking sensors and guidance to free spaces in car parks", 9, "parking, occupancy sensors, guidance",
                   "34996000"),
    ], languages=["da", "en"]),
    DemoProfile("KidsCode ApS", [
        competence("Programming courses and robot kits for pupils", 9, "coding, STEM, education", "80000000 39162000"),
    ], languages=["da"]),
    DemoProfile("CleanLine Hygiene ApS", [
        competence("Cleaning and disinfection of hospital beds and wards", 9, "cleaning, disinfection, hygiene",
                   "90910000"),
    ], languages=["da", "en"]),
]


def load(admin: User, password: str) -> None:
    """Sign up, verify and admit the demo's extra companies, then write every demo company's profile."""
    clusters = {org.name: org for org in accounts.verified_organisations(OrganisationKind.CLUSTER)}
    for number, demo in enumerate(COMPANIES):
        staff, turnover, balance = demo.size
        data = accounts.OrganisationData(name=demo.name, kind=OrganisationKind.COMPANY, country=demo.country,
                                         nuts_code=demo.nuts, registration_number=str(42_000_101 + number),
                                         website=f"https://{demo.admin[0].split('@')[1]}", description=demo.description,
                                         staff_headcount=staff, annual_turnover_eur=Decimal(turnover),
                                         balance_sheet_total_eur=Decimal(balance))
        company_admin = accounts.sign_up(data, accounts.AccountData(demo.admin[0], demo.admin[1], password))
        accounts.set_verification(admin, company_admin.organisation, VerificationStatus.VERIFIED,
                                  "Checked against the public register.")
        if demo.cluster:
            cluster_admin = accounts.organisation_admins(clusters[demo.cluster])[0]
            membership = accounts.request_membership(company_admin, clusters[demo.cluster], "We would like to join.")
            accounts.decide_membership(cluster_admin, membership, True, "Welcome.")
    companies = {org.name: org for org in accounts.verified_organisations(OrganisationKind.COMPANY)}
    for profile in PROFILES:
        company = companies[profile.company]
        company_admin = accounts.organisation_admins(company)[0]
        for data in profile.competences:
            services.add_competence(company_admin, company, data)
        if profile.languages or profile.markets:
            services.set_profile(company_admin, company, profile.languages, profile.markets)
        if profile.consent_to:
            services.grant_consent(company_admin, company, clusters[profile.consent_to].id)

