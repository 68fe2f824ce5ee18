"""The benchmarks' data: a realistic platform generated with bulk inserts and a fixed seed, at any size.

`generate(connection, challenges=N)` builds the rows in Python (explicit ids, so that children point at their
parents) and writes them with Core `executemany` in batches, in one transaction: organisations with one admin each
(every account's password is PASSWORD, hashed once), challenges published over four years with their CPV codes,
criteria, moderation history and Q&A, proposals and consortium partners, pilots with test users, SUS feedback and
measured success criteria, and procurement cases with tenderers and status history (what their OCDS releases show).
Times are relative to `now`: some deadlines are in the future, most in the past. The other counts follow the number
of challenges (`Size.of`): 10 proposals, a fifth of a pilot and a tenth of a procurement case per challenge, one
organisation per 20 challenges (so a company has about as many proposals at every size).

    from bench.data import generate
    with engine.begin() as connection:
        dataset = generate(connection, challenges=200)     # on a migrated (or create_all) schema, empty tables
    email, password = dataset.sign_in("company")           # a verified company's admin

Used by `bench/indicators.py` and `bench/pages.py`, and by tests at small sizes (tests/test_bench.py).
"""
import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ppi.accounts.models import ClusterMembership, Organisation, User
from ppi.accounts.sme import size_class
from ppi.challenges import cpv
from ppi.challenges.models import Challenge, ChallengeCpv, ChallengePartner, Criterion, Question, StatusChange
from ppi.extensions import db
from ppi.pilots.models import (
    Feedback, Measurement, Pilot, PilotStatusChange, Site, SuccessCriterion, TestUser, UserGroup)
from ppi.pilots.sus import score as sus_score
from ppi.procurement.directive import Procedure
from ppi.procurement.models import CasePilot, CaseStatusChange, ProcurementCase, Tenderer
from ppi.proposals.models import Proposal, ProposalPartner

SEED = 20261126
PASSWORD = "Bench-PPI-2026!"  # every generated account
BATCH = 5_000  # rows per executemany

# NUTS 2 region -> (country, NUTS 3 codes, weight of its share of authorities)
REGIONS = {
    "DK01": ("DK", ["DK011", "DK012", "DK013", "DK014"], 5),
    "DK02": ("DK", ["DK021", "DK022"], 3),
    "DK03": ("DK", ["DK031", "DK032"], 6),
    "DK04": ("DK", ["DK041", "DK042"], 4),
    "DK05": ("DK", ["DK050"], 2),
    "SE22": ("SE", ["SE221", "SE224"], 3),
    "DEF0": ("DE", ["DEF01", "DEF02", "DEF03"], 2),
    "NL33": ("NL", ["NL332", "NL333"], 1),
    "FI1B": ("FI", ["FI1B1"], 1),
    "AT12": ("AT", ["AT121", "AT122"], 1),
}
COMPANY_COUNTRIES = {"DK": 60, "SE": 12, "DE": 10, "NL": 5, "FI": 4, "AT": 3, "PL": 3, "EE": 3}
COUNTRY_NUTS = {country: [code for region in REGIONS.values() if region[0] == country for code in region[1]]
                for country in COMPANY_COUNTRIES}
COUNTRY_NUTS.update({"PL": ["PL911", "PL213"], "EE": ["EE001"]})
TOWNS = ["Odense", "Svendborg", "Vejle", "Kolding", "Esbjerg", "Aarhus", "Aalborg", "Roskilde", "Næstved", "Holbæk",
         "Sønderborg", "Aabenraa", "Herning", "Viborg", "Randers", "Horsens", "Malmö", "Lund", "Helsingborg",
         "Kiel", "Flensburg", "Lübeck", "Eindhoven", "Helmond", "Espoo", "Vantaa", "St. Pölten", "Krems",
         "Hillerød", "Frederiksberg", "Gentofte", "Køge", "Slagelse", "Faaborg", "Middelfart", "Nyborg"]
AUTHORITY_KINDS = ["Municipality", "Region", "University Hospital", "Care Services", "School Services",
                   "Utility Company", "Health Authority", "Harbour Authority"]
COMPANY_WORDS = ["Care", "Sense", "Guard", "Nordic", "Data", "Med", "Robo", "Green", "Smart", "Vita", "Aqua", "Bio",
                 "Flow", "Signal", "Bright", "Pulse", "Home", "Safe", "Clear", "Motion"]
COMPANY_FORMS = {"DK": ["ApS", "A/S", "IVS"], "SE": ["AB"], "DE": ["GmbH", "AG"], "NL": ["B.V."], "FI": ["Oy"],
                 "AT": ["GmbH"], "PL": ["Sp. z o.o."], "EE": ["OÜ"]}
TOPICS = ["care", "mobility", "learning", "energy use", "water quality", "hospital logistics", "rehabilitation"]
CPV_DIVISIONS = ["33", "48", "72", "85", "90", "34", "45", "71", "80", "09", "31", "38", "50", "79", "98"]
CHALLENGE_STATUSES_PAST = {"published": 35, "in_evaluation": 8, "awarded": 30, "no_award": 12, "archived": 5,
                           "cancelled": 10}
PROCEDURES = {Procedure.OPEN: 30, Procedure.RESTRICTED: 10, Procedure.COMPETITIVE_WITH_NEGOTIATION: 12,
              Procedure.COMPETITIVE_DIALOGUE: 6, Procedure.INNOVATION_PARTNERSHIP: 8,
              Procedure.NEGOTIATED_WITHOUT_PUBLICATION: 4, Procedure.DESIGN_CONTEST: 2, Procedure.PRE_COMMERCIAL: 8,
              Procedure.BELOW_THRESHOLD: 20}
# A procurement case's lifecycle in order (ppi.procurement.workflow); cancellation can come at any stage up to the award.
CASE_PROGRESS = ["planning", "published", "tenders_received", "evaluation", "awarded", "contract_signed", "completed"]
EU_THRESHOLD_EUR = 221_000  # sub-central supplies and services, roughly: enough to split the cases realistically


def weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


def noon(day: datetime) -> datetime:
    return day.replace(hour=12, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Size:
    """How many of each thing to generate."""

    challenges: int
    proposals: int
    organisations: int
    pilots: int
    cases: int

    @classmethod
    def of(cls, challenges: int, **overrides) -> "Size":
        """The platform in proportion to its number of challenges; any count can be given instead."""
        size = cls(challenges=challenges, proposals=challenges * 10, organisations=max(50, challenges // 20),
                   pilots=challenges // 5, cases=challenges // 10)
        return replace(size, **{name: value for name, value in overrides.items() if value is not None})


def generate(connection: sa.Connection, challenges: int, *, seed: int = SEED, now: datetime | None = None,
             **counts) -> "Dataset":
    """Generate the platform (`Size.of(challenges, **counts)`) and insert it into the empty tables on `connection`
    (the caller commits); the dataset, with `.counts` the rows written per table."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    dataset = Dataset(Size.of(challenges, **counts), now, seed).build()
    dataset.counts = dataset.insert(connection)
    return dataset


class Dataset:
    """The generated rows, table by table, with explicit ids so that children can point at their parents."""

    def __init__(self, size: Size, now: datetime, seed: int = SEED):
        self.rng = random.Random(seed)
        self.now = now
        self.size = size
        self.n_challenges, self.n_proposals, self.n_orgs = size.challenges, size.proposals, size.organisations
        self.n_pilots, self.n_cases = size.pilots, size.cases
        self.rows: dict[sa.Table, list[dict]] = {}
        self.counts: dict[str, int] = {}
        self.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

    def add(self, model, row: dict) -> dict:
        table = model.__table__
        rows = self.rows.setdefault(table, [])
        if "id" in table.c and "id" not in row:
            row["id"] = len(rows) + 1
        rows.append(row)
        return row

    def count(self, model) -> int:
        return len(self.rows.get(model.__table__, []))

    def build(self) -> "Dataset":
        self._organisations()
        self._challenges()
        self._proposals()
        self._pilots()
        self._cases()
        # Last, so that the rows above (what the indicators read) are the same as before these were generated.
        self._questions()
        self._case_records()
        return self

    def sign_in(self, kind: str = "company") -> tuple[str, str]:
        """E-mail and password of the admin of the first verified organisation of `kind`."""
        org = next(org for org in self.rows[Organisation.__table__]
                   if org["kind"] == kind and org["verification_status"] == "verified")
        return self._user(org["admin_id"])["email"], PASSWORD

    def _user(self, user_id: int) -> dict:
        return self.rows[User.__table__][user_id - 1]

    # ---- organisations and users ------------------------------------------------------------------

    def _organisation(self, name: str, kind: str, country: str, nuts: str | None, **extra) -> dict:
        rng = self.rng
        created = self.now - timedelta(days=rng.uniform(4 * 365 + 30, 5 * 365))
        verified = rng.random() > 0.03
        org = self.add(Organisation, dict(
            name=name, kind=kind, country=country, nuts_code=nuts, registration_number=f"{rng.randrange(10**7, 10**8)}",
            website=None, description=None, authority_type=None, staff_headcount=None, annual_turnover_eur=None,
            balance_sheet_total_eur=None, verification_status="verified" if verified else "pending",
            verified_at=created + timedelta(days=2) if verified else None, created_at=created, updated_at=created)
            | extra)
        admin = self.add(User, dict(
            email=f"admin{org['id']}@org{org['id']}.bench.example.org", display_name=f"Admin of {name}"[:120],
            password_hash=self.password_hash, organisation_id=org["id"], org_role="admin", is_platform_admin=False,
            active=True, timezone=None, locale=None, created_at=created, last_login_at=None, password_changed_at=created))
        org["admin_id"] = admin["id"]
        return org

    def _organisations(self) -> None:
        rng = self.rng
        n_authorities = max(4, self.n_orgs * 12 // 100)
        n_clusters = max(2, self.n_orgs * 3 // 100)
        n_companies = max(10, self.n_orgs - n_authorities - n_clusters)
        self.platform_admin = self.add(User, dict(
            email="admin@bench.example.org", display_name="Platform admin", password_hash=self.password_hash,
            organisation_id=None, org_role="member", is_platform_admin=True, active=True, timezone=None, locale=None,
            created_at=self.now - timedelta(days=5 * 365), last_login_at=None,
            password_changed_at=self.now - timedelta(days=5 * 365)))["id"]
        region_weights = {region: facts[2] for region, facts in REGIONS.items()}
        self.authorities = []
        for index in range(n_authorities):
            region = weighted(rng, region_weights)
            country, nuts3, _ = REGIONS[region]
            kind = rng.choice(AUTHORITY_KINDS)
            nuts = region if kind in ("Region", "Health Authority") else rng.choice(nuts3)
            authority_type = weighted(rng, {"sub_central": 80, "central_government": 8, "body_governed_by_public_law": 12})
            org = self._organisation(f"{rng.choice(TOWNS)} {kind} {index + 1}", "public_authority", country, nuts,
                                     authority_type=authority_type)
            org["region"] = region
            self.authorities.append(org)
        self.clusters = []
        for index in range(n_clusters):
            region = weighted(rng, region_weights)
            country, nuts3, _ = REGIONS[region]
            topic = rng.choice(["Health-Tech", "Welfare Tech", "Digitalisation", "Energy", "Water", "Robotics", "Food"])
            self.clusters.append(self._organisation(f"{topic} Cluster {index + 1}", "cluster", country, rng.choice(nuts3)))
        self.companies = []
        for index in range(n_companies):
            country = weighted(rng, COMPANY_COUNTRIES)
            nuts = rng.choice(COUNTRY_NUTS[country]) if rng.random() > 0.1 else None
            size = weighted(rng, {"micro": 35, "small": 30, "medium": 20, "large": 12, "unknown": 3})
            figures = {
                "micro": (rng.randint(1, 9), rng.uniform(0.1e6, 1.9e6), rng.uniform(0.1e6, 1.9e6)),
                "small": (rng.randint(10, 49), rng.uniform(2.5e6, 9.5e6), rng.uniform(2.5e6, 9.5e6)),
                "medium": (rng.randint(50, 249), rng.uniform(12e6, 48e6), rng.uniform(11e6, 42e6)),
                "large": (rng.randint(250, 5000), rng.uniform(60e6, 900e6), rng.uniform(50e6, 800e6)),
                "unknown": (rng.randint(1, 40), None, None),
            }[size]
            name = f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS).lower()} {index + 1} {rng.choice(COMPANY_FORMS[country])}"
            org = self._organisation(
                name, "company", country, nuts, staff_headcount=figures[0],
                annual_turnover_eur=Decimal(round(figures[1])) if figures[1] else None,
                balance_sheet_total_eur=Decimal(round(figures[2])) if figures[2] else None)
            org["sme"] = size_class(org["staff_headcount"], org["annual_turnover_eur"], org["balance_sheet_total_eur"])
            self.companies.append(org)
        for company in self.companies:
            if rng.random() < 0.4:
                cluster = rng.choice(self.clusters)
                self.add(ClusterMembership, dict(cluster_id=cluster["id"], company_id=company["id"], status="accepted",
                                                 message=None, decision_note=None, requested_at=company["created_at"],
                                                 decided_at=company["created_at"] + timedelta(days=3)))

    # ---- challenges --------------------------------------------------------------------------------

    def _cpv_codes(self) -> dict[str, list[str]]:
        codes: dict[str, list[str]] = {}
        for division in CPV_DIVISIONS:
            in_division = sorted(code[:8] for code, _title in cpv.search(division, limit=10_000) if code.startswith(division))
            codes[division] = self.rng.sample(in_division, min(8, len(in_division)))
        return codes

    def _challenges(self) -> None:
        rng, now = self.rng, self.now
        codes = self._cpv_codes()
        division_weights = {division: 1 / (rank + 1) ** 0.7 for rank, division in enumerate(CPV_DIVISIONS)}
        authority_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.authorities))]
        self.challenges = []
        span = timedelta(days=4 * 365)
        for _ in range(self.n_challenges):
            authority = rng.choices(self.authorities, weights=authority_weights)[0]
            same_country = [c for c in self.clusters if c["country"] == authority["country"]]
            cluster = rng.choice(same_country) if same_country and rng.random() < 0.8 else rng.choice(self.clusters)
            nuts = authority["nuts_code"] if len(authority["nuts_code"]) == 5 else rng.choice(REGIONS[authority["region"]][1])
            draw = rng.random()
            published_at = None
            if draw < 0.03:
                status, created = "draft", now - rng.uniform(0, 1) * span
                submitted = None
            elif draw < 0.05:
                status, created = "in_moderation", now - timedelta(days=rng.uniform(5, 60))
                submitted = created + timedelta(days=rng.uniform(1, 4))
            else:
                published_at = now - rng.uniform(0, 1) * span
                submitted = published_at - timedelta(days=rng.uniform(1, 21), hours=rng.uniform(0, 8))
                created = submitted - timedelta(days=rng.uniform(1, 30))
            reference = published_at or created
            deadline = noon(reference + timedelta(days=rng.uniform(21, 90)))
            if published_at is not None:
                status = weighted(rng, CHALLENGE_STATUSES_PAST) if deadline <= now else (
                    "cancelled" if rng.random() < 0.04 else "published")
            challenge = self.add(Challenge, dict(
                title=f"Challenge {self.count(Challenge) + 1}: better {rng.choice(TOPICS)}",
                summary="A need, not a solution: what the authority wants to improve and for whom.",
                description="Generated for the benchmarks.", expected_benefits="Fewer hours lost.",
                test_setting="Two sites, about 30 staff", test_users_offered=rng.choice([10, 20, 30, 40, 60]),
                pilot_budget_eur=Decimal(rng.randrange(20, 300) * 1000),
                estimated_contract_value_eur=Decimal(rng.randrange(50, 5000) * 1000) if rng.random() < 0.8 else None,
                contract_kind=weighted(rng, {"supplies": 50, "services": 45, "works": 5}), nuts_code=nuts,
                languages=["da", "en"], ipr_model=weighted(rng, {"company_licence": 70, "shared": 20, "authority_owns": 10}),
                ipr_note=None, questions_deadline=deadline - timedelta(days=10), proposal_deadline=deadline,
                status=status, lead_authority_id=authority["id"], cluster_id=cluster["id"],
                created_by_id=authority["admin_id"], created_at=created, updated_at=published_at or submitted or created,
                submitted_at=submitted, published_at=published_at, public_reason="Budget withdrawn." if status == "cancelled" else None,
                brand_override_note=None, brand_override_at=None))
            challenge["authority"], challenge["cluster"] = authority, cluster
            self.challenges.append(challenge)
            division_draws = rng.sample(list(division_weights), k=rng.choices([1, 2, 3], weights=[60, 30, 10])[0],
                                        counts=[round(w * 100) for w in division_weights.values()])
            chosen = {rng.choice(codes[division]) for division in division_draws}
            for code in sorted(chosen):
                self.add(ChallengeCpv, dict(challenge_id=challenge["id"], code=code))
            self.add(Criterion, dict(challenge_id=challenge["id"], position=0, name="Effect", description=None, weight=60))
            self.add(Criterion, dict(challenge_id=challenge["id"], position=1, name="Usability", description=None, weight=40))
            if rng.random() < 0.05:
                partner = rng.choice(self.authorities)
                if partner["id"] != authority["id"]:
                    self.add(ChallengePartner, dict(challenge_id=challenge["id"], organisation_id=partner["id"]))
            self._challenge_history(challenge)

    def _challenge_history(self, challenge: dict) -> None:
        rng = self.rng
        authority_user, cluster_user = challenge["authority"]["admin_id"], challenge["cluster"]["admin_id"]

        def change(from_status, to_status, at, actor, comment=None):
            self.add(StatusChange, dict(challenge_id=challenge["id"], from_status=from_status, to_status=to_status,
                                        actor_id=actor, at=at, comment=comment))

        if challenge["submitted_at"] is None:
            return
        first_submission = challenge["submitted_at"]
        if challenge["published_at"] is not None and rng.random() < 0.15:  # returned once, then submitted again
            first_submission = challenge["created_at"] + (challenge["submitted_at"] - challenge["created_at"]) / 3
            change("draft", "in_moderation", first_submission, authority_user)
            change("in_moderation", "draft", first_submission + timedelta(days=1), cluster_user, "Please add the test setting.")
        else:
            change("draft", "in_moderation", first_submission, authority_user)
        if challenge["published_at"] is None:
            return
        if first_submission != challenge["submitted_at"]:
            change("draft", "in_moderation", challenge["submitted_at"], authority_user)
        change("in_moderation", "published", challenge["published_at"], cluster_user)
        deadline, status = challenge["proposal_deadline"], challenge["status"]
        if status == "cancelled":
            at = min(self.now, max(challenge["published_at"], deadline - timedelta(days=5)))
            change("published", "cancelled", at, authority_user, "Budget withdrawn.")
        elif status in ("in_evaluation", "awarded", "no_award", "archived"):
            change("closed", "in_evaluation", deadline + timedelta(days=2), authority_user)
            if status != "in_evaluation":
                outcome = "no_award" if status == "no_award" else "awarded"
                change("in_evaluation", outcome, deadline + timedelta(days=20), authority_user)
            if status == "archived":
                change("awarded", "archived", deadline + timedelta(days=200), authority_user)

    # ---- proposals ---------------------------------------------------------------------------------

    def _proposals(self) -> None:
        rng, now = self.rng, self.now
        published = [c for c in self.challenges if c["published_at"] is not None]
        weights = [rng.gammavariate(2.0, 1.0) for _ in published]
        per_challenge = Counter(rng.choices(range(len(published)), weights=weights, k=self.n_proposals))
        company_weights = [3 if c["country"] == "DK" else 1 for c in self.companies]
        self.selected: dict[int, dict] = {}  # challenge id -> the selected proposal
        for index, wanted in sorted(per_challenge.items()):
            challenge = published[index]
            chosen_ids: set[int] = set()
            while len(chosen_ids) < min(wanted, len(self.companies)):
                chosen_ids.update(rng.choices(range(len(self.companies)), weights=company_weights,
                                              k=min(wanted, len(self.companies)) - len(chosen_ids)))
            past = challenge["proposal_deadline"] <= now
            submitted_ids = []
            for company in (self.companies[index] for index in sorted(chosen_ids)):
                status = weighted(rng, {"submitted": 80, "withdrawn": 7, "draft": 13} if past else
                                  {"submitted": 55, "withdrawn": 5, "draft": 40})
                opened = challenge["published_at"] + (challenge["proposal_deadline"] - challenge["published_at"]) * rng.uniform(0, 0.6)
                submitted = None
                if status != "draft":
                    submitted = opened + (min(challenge["proposal_deadline"], now) - opened) * rng.uniform(0.2, 0.99)
                proposal = self.add(Proposal, dict(
                    challenge_id=challenge["id"], company_id=company["id"], created_by_id=company["admin_id"],
                    status=status, title="A prototype for the challenge", summary="What we propose to try.",
                    description="Generated.", trl=rng.randint(4, 8), evidence="Earlier pilots.",
                    test_users_needed=rng.randint(5, 60), sites_needed=rng.randint(1, 4), duration_weeks=rng.randint(4, 26),
                    equipment=None, data_access=None, pilot_price_eur=Decimal(rng.randrange(10, 250) * 1000),
                    research_partners=None, created_at=opened, updated_at=submitted or opened, submitted_at=submitted,
                    withdrawn_at=submitted + (now - submitted) * rng.uniform(0, 0.01) if status == "withdrawn" else None,
                    version_count=rng.randint(1, 3) if submitted else 0, outcome=None))
                if status == "submitted":
                    submitted_ids.append(proposal)
                if rng.random() < 0.12:
                    partners = rng.sample(self.companies, 2)
                    for partner in partners[:rng.randint(1, 2)]:
                        if partner["id"] == company["id"]:
                            continue
                        partner_status = "confirmed" if status != "draft" else weighted(
                            rng, {"invited": 60, "confirmed": 30, "declined": 10})
                        self.add(ProposalPartner, dict(
                            proposal_id=proposal["id"], organisation_id=partner["id"], status=partner_status,
                            invited_at=opened, decided_at=None if partner_status == "invited" else opened + timedelta(days=1),
                            decided_by_id=None if partner_status == "invited" else partner["admin_id"]))
            if challenge["status"] in ("awarded", "archived", "no_award") and submitted_ids:
                chosen = rng.choice(submitted_ids) if challenge["status"] != "no_award" else None
                for proposal in submitted_ids:
                    proposal["outcome"] = "selected" if proposal is chosen else "not_selected"
                if chosen is not None:
                    self.selected[challenge["id"]] = chosen

    # ---- pilots ------------------------------------------------------------------------------------

    def _pilots(self) -> None:
        rng, now = self.rng, self.now
        by_id = {c["id"]: c for c in self.challenges}
        candidates = [(by_id[cid], proposal) for cid, proposal in sorted(self.selected.items())]
        rng.shuffle(candidates)
        self.pilots = []
        for challenge, proposal in candidates:
            if len(self.pilots) >= self.n_pilots:
                break
            created = challenge["proposal_deadline"] + timedelta(days=rng.uniform(21, 60))
            if created >= now - timedelta(days=7):
                continue
            age = (now - created).days
            if age < 45:
                path = ["planning"] if rng.random() < 0.6 else ["planning", "plan_approved"]
            else:
                path = ["planning", "plan_approved", "running"]
                ending = weighted(rng, {"running": 25, "paused": 5, "completed": 30, "stopped_early": 10,
                                        "reported": 20, "planning": 5, "plan_approved": 5})
                if ending in ("planning", "plan_approved"):
                    path = path[:path.index(ending) + 1]
                elif ending == "paused":
                    path += ["paused"]
                elif ending == "completed":
                    path += ["completed"]
                elif ending == "stopped_early":
                    path += ["paused", "stopped_early"] if rng.random() < 0.3 else ["stopped_early"]
                elif ending == "reported":
                    path += [rng.choice(["completed", "completed", "completed", "stopped_early"]), "reported"]
            authority, cluster = challenge["authority"], challenge["cluster"]
            pilot = self.add(Pilot, dict(
                challenge_id=challenge["id"], proposal_id=proposal["id"], authority_id=authority["id"],
                company_id=proposal["company_id"], cluster_id=cluster["id"], status=path[-1], created_at=created,
                updated_at=created, title=f"Pilot of challenge {challenge['id']}", objectives="Learn what works.",
                start_date=None, end_date=None, budget_eur=Decimal(rng.randrange(20, 300) * 1000), funding_split=None,
                personal_data=None, legal_basis=None, dpia_done=True, consent_version="1",
                authority_agreed_at=None, company_agreed_at=None, plan_approved_at=None, conclusion=None,
                recommendation=None, authority_decision=None, authority_decision_note=None, authority_decided_at=None))
            # the path over time: each step some weeks after the previous one, never after now
            at, times = created, {}
            for previous, status in zip(path, path[1:]):
                at = min(at + timedelta(days=rng.uniform(7, 60)), now - timedelta(hours=1))
                times[status] = at
                self.add(PilotStatusChange, dict(pilot_id=pilot["id"], from_status=previous, to_status=status,
                                                 actor_id=cluster["admin_id"], at=at,
                                                 reason="Safety review." if status in ("paused", "stopped_early") else None))
            pilot["updated_at"] = at
            if "plan_approved" in times:
                pilot["plan_approved_at"] = times["plan_approved"]
                pilot["start_date"] = times.get("running", times["plan_approved"] + timedelta(days=14)).date()
                pilot["end_date"] = pilot["start_date"] + timedelta(weeks=proposal["duration_weeks"])
            if path[-1] == "reported":
                pilot["recommendation"] = weighted(rng, {"proceed": 70, "iterate": 20, "stop": 10})
                pilot["authority_decision"] = pilot["recommendation"]
            pilot["path"], pilot["times"], pilot["proposal"] = path, times, proposal
            self.pilots.append(pilot)
            self._pilot_contents(pilot)

    def _pilot_contents(self, pilot: dict) -> None:
        rng, now = self.rng, self.now
        if pilot["status"] == "planning" and rng.random() < 0.5:
            return
        criteria = []
        for position in range(rng.randint(2, 3)):
            comparison = rng.choice(["at_least", "at_most"])
            criteria.append(self.add(SuccessCriterion, dict(
                pilot_id=pilot["id"], position=position, name=f"Criterion {position + 1}", comparison=comparison,
                target=Decimal(rng.randint(10, 90)), unit="%", rated_by_users=position == 0)))
        sites = [self.add(Site, dict(pilot_id=pilot["id"], name=f"Site {n + 1}", address=None, kind="care home"))
                 for n in range(rng.randint(1, 2))]
        groups = [self.add(UserGroup, dict(pilot_id=pilot["id"], role=role, planned=rng.randint(5, 20)))
                  for role in rng.sample(["night staff", "day staff", "residents", "relatives", "teachers"], rng.randint(1, 3))]
        started = pilot["times"].get("running")
        if started is None:
            return
        ended = pilot["times"].get("completed") or pilot["times"].get("stopped_early") or now
        for group in groups:
            for number in range(round(group["planned"] * rng.uniform(0.6, 1.1))):
                enrolled = started - timedelta(days=rng.uniform(0, 10))
                withdrawn = enrolled + (ended - enrolled) * rng.uniform(0.1, 0.9) if rng.random() < 0.08 else None
                test_user = self.add(TestUser, dict(
                    pilot_id=pilot["id"], code=f"T{group['id']}-{number + 1}", group_id=group["id"],
                    site_id=rng.choice(sites)["id"], consent_on=enrolled.date(), consent_version="1",
                    enrolled_at=enrolled, withdrawn_at=withdrawn, token_hash=None, token_revoked_at=None))
                for _round in range(rng.choices([0, 1, 2], weights=[35, 45, 20])[0]):
                    answers = [rng.randint(2, 5) if index % 2 == 0 else rng.randint(1, 4) for index in range(10)]
                    self.add(Feedback, dict(
                        pilot_id=pilot["id"], test_user_id=test_user["id"],
                        submitted_at=started + (ended - started) * rng.uniform(0.1, 1.0), sus_answers=answers,
                        sus_score=sus_score(answers), what_worked=None, what_did_not=None, quoted=False))
        for criterion in criteria:
            for _ in range(rng.randint(1, 3)):
                self.add(Measurement, dict(
                    pilot_id=pilot["id"], criterion_id=criterion["id"], value=Decimal(rng.randint(0, 100)),
                    measured_on=(started + (ended - started) * rng.uniform(0.2, 1.0)).date(), source="site log",
                    entered_by_id=self._admin_of(pilot["authority_id"]), entered_at=ended))

    def _admin_of(self, organisation_id: int) -> int:
        return self.rows[Organisation.__table__][organisation_id - 1]["admin_id"]

    # ---- procurement cases -------------------------------------------------------------------------

    def _cases(self) -> None:
        rng, now = self.rng, self.now
        finished = [p for p in self.pilots if p["status"] in ("completed", "reported")]
        rng.shuffle(finished)
        from_pilots = finished[:min(len(finished), self.n_cases * 7 // 10)]
        by_id = {c["id"]: c for c in self.challenges}
        piloted = {p["challenge_id"] for p in self.pilots}
        others = [c for c in self.challenges if c["status"] in ("awarded", "archived", "no_award", "in_evaluation")
                  and c["id"] not in piloted]
        rng.shuffle(others)
        sources = [(by_id[p["challenge_id"]], p) for p in from_pilots]
        sources += [(c, None) for c in others[:max(0, self.n_cases - len(sources))]]
        companies_by_id = {c["id"]: c for c in self.companies}
        for challenge, pilot in sources:
            authority = challenge["authority"]
            if pilot is not None:
                ended = pilot["times"].get("completed") or pilot["times"].get("stopped_early") or pilot["created_at"]
                created = ended + timedelta(days=rng.uniform(10, 120))
            else:
                created = challenge["proposal_deadline"] + timedelta(days=rng.uniform(30, 200))
            if created >= now:
                created = now - timedelta(days=rng.uniform(1, 20))
            status = weighted(rng, {"planning": 10, "published": 10, "tenders_received": 5, "evaluation": 5,
                                    "awarded": 5, "contract_signed": 35, "completed": 20, "cancelled": 10})
            value = round(10 ** rng.uniform(4.5, 6.8), -3)
            above = value >= EU_THRESHOLD_EUR
            procedure = weighted(rng, PROCEDURES)
            if not above and rng.random() < 0.5:
                procedure = Procedure.BELOW_THRESHOLD
            if above and procedure == Procedure.BELOW_THRESHOLD:
                procedure = Procedure.OPEN
            if status == "planning" and rng.random() < 0.4:
                procedure = None
            was_published = status not in ("planning",) and not (status == "cancelled" and rng.random() < 0.3)
            signed = None
            if status in ("contract_signed", "completed"):
                signed = min((created + timedelta(days=rng.uniform(60, 240))).date(), now.date() - timedelta(days=1))
            supplier = None
            if status in ("awarded", "contract_signed", "completed"):
                if pilot is not None and rng.random() < 0.6:
                    supplier = companies_by_id[pilot["company_id"]]
                else:
                    supplier = rng.choice(self.companies)
            notice_sent = None
            if signed is not None and rng.random() < 0.85:
                notice_sent = min(signed + timedelta(days=rng.randint(3, 40)), now.date())
            case = self.add(ProcurementCase, dict(
                authority_id=authority["id"], created_by_id=authority["admin_id"], created_at=created,
                updated_at=created, status=status, public_reason="Withdrawn." if status == "cancelled" else None,
                was_published=was_published, subject=f"Procurement after challenge {challenge['id']}", description=None,
                contract_kind="supplies" if challenge["contract_kind"] == "works" else challenge["contract_kind"],
                authority_type=authority["authority_type"], estimated_value_eur=Decimal(value), cpv_codes=[], lots=[],
                challenge_id=challenge["id"] if pilot is None or rng.random() < 0.8 else None,
                procedure=procedure, instrument=weighted(rng, {"none": 85, "framework": 12, "dynamic_purchasing": 3}),
                framework_years=None, art_26_ground=None, art_32_ground=None, art_32_justification=None,
                partnership_phases=None, partnership_targets=None, partnership_remuneration=None,
                pcp_benefits_shared=None, pcp_not_wholly_paid=None, pin_used=False, urgent=False, urgency_reason=None,
                electronic_submission=True, agreed_with_all_candidates=False, candidates_invited=None, holidays=[],
                pin_sent_on=None, consultation_on=None,
                notice_sent_on=(created + timedelta(days=20)).date() if was_published else None, notice_reference=None,
                invitations_sent_on=None, clarification_deadline=None, requests_deadline=None,
                tenders_deadline=(created + timedelta(days=55)).date() if was_published else None,
                tenders_received=rng.randint(1, 9) if status not in ("planning", "published") else None,
                tenders_from_smes=None, tenders_from_other_states=None,
                award_decision_sent_on=signed - timedelta(days=15) if signed else None, contract_signed_on=signed,
                award_notice_sent_on=notice_sent,
                above_threshold=above if procedure is not None else None,
                award_notice_due=signed + timedelta(days=30) if signed else None,
                supplier_id=supplier["id"] if supplier else None, supplier_name=supplier["name"] if supplier else None,
                supplier_is_sme=(supplier["sme"] in ("micro", "small", "medium")) if supplier and supplier["sme"] else None,
                supplier_country=supplier["country"] if supplier else None,
                contract_value_eur=Decimal(round(value * rng.uniform(0.7, 1.0), -2)) if signed else None,
                contract_months=rng.choice([12, 24, 36, 48]) if signed else None, award_reasons=None))
            case["challenge_codes_of"] = challenge["id"]
            if pilot is not None:
                self.add(CasePilot, dict(case_id=case["id"], pilot_id=pilot["id"]))
        codes_of: dict[int, list[str]] = {}
        for row in self.rows[ChallengeCpv.__table__]:
            codes_of.setdefault(row["challenge_id"], []).append(row["code"])
        for case in self.rows[ProcurementCase.__table__]:
            case["cpv_codes"] = codes_of.get(case.pop("challenge_codes_of"), [])

    # ---- questions and answers, procurement records -----------------------------------------------

    def _questions(self) -> None:
        """Q&A on two in five published challenges: companies ask before the questions deadline; four in five
        questions are answered and published a few days later, the others wait."""
        rng, now = self.rng, self.now
        for challenge in self.challenges:
            if challenge["published_at"] is None or rng.random() >= 0.4:
                continue
            opened, closes = challenge["published_at"], min(challenge["questions_deadline"], now)
            for _ in range(rng.randint(1, 6) if closes > opened else 0):
                company = rng.choice(self.companies)
                asked = opened + (closes - opened) * rng.random()
                answered = asked + timedelta(days=rng.uniform(0.5, 5)) if rng.random() < 0.8 else None
                if answered is not None and answered >= now:
                    answered = None
                self.add(Question, dict(
                    challenge_id=challenge["id"], asked_by_id=company["admin_id"], asker_organisation_id=company["id"],
                    text="How many night staff take part, and on which shifts?", asked_at=asked,
                    published_question="How many staff take part, on which shifts?" if answered else None,
                    answer="About 30, on day and night shifts." if answered else None,
                    answered_by_id=challenge["authority"]["admin_id"] if answered else None, answered_at=answered))

    def _case_records(self) -> None:
        """Each procurement case's status history up to its status, and its tenderers (the supplier among them)."""
        rng, now = self.rng, self.now
        companies_by_id = {company["id"]: company for company in self.companies}
        for case in self.rows.get(ProcurementCase.__table__, []):
            path = CASE_PROGRESS[:CASE_PROGRESS.index(case["status"]) + 1] if case["status"] != "cancelled" else (
                CASE_PROGRESS[:rng.randint(2, 4)] if case["was_published"] else CASE_PROGRESS[:1]) + ["cancelled"]
            at = case["created_at"]
            for previous, status in zip(path, path[1:]):
                at = min(at + timedelta(days=rng.uniform(7, 45)), now - timedelta(hours=1))
                self.add(CaseStatusChange, dict(case_id=case["id"], from_status=previous, to_status=status,
                                                actor_id=case["created_by_id"], at=at,
                                                reason="Withdrawn." if status == "cancelled" else None))
            if not case["tenders_received"]:
                continue
            tenderers = rng.sample(self.companies, min(case["tenders_received"], len(self.companies)))
            supplier = companies_by_id.get(case["supplier_id"])
            if supplier is not None and supplier not in tenderers:
                tenderers[0] = supplier
            for company in tenderers:
                self.add(Tenderer, dict(
                    case_id=case["id"], organisation_id=company["id"], name=company["name"], country=company["country"],
                    is_sme=company["sme"] in ("micro", "small", "medium"), admitted=True, excluded=False))

    # ---- writing -----------------------------------------------------------------------------------

    def insert(self, connection: sa.Connection) -> dict[str, int]:
        """Every table in dependency order, with Core executemany in batches; the row counts by table."""
        counts = {}
        for table in db.metadata.sorted_tables:
            rows = self.rows.get(table)
            if not rows:
                continue
            columns = set(table.c.keys())
            for start in range(0, len(rows), BATCH):  # the columns only (rows carry links to other rows too)
                connection.execute(table.insert(), [{key: value for key, value in row.items() if key in columns}
                                                    for row in rows[start:start + BATCH]])
            counts[table.name] = len(rows)
        if connection.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in self.rows:
                if "id" in table.c and table.c.id.autoincrement:
                    connection.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"))
        return counts


