"""Innovation pools through the app: who sets one up, the form, eligibility, declarations, decisions, payments,
and who sees what."""
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import sqlalchemy as sa

from ppi.accounts.models import Organisation
from ppi.accounts.workflow import VerificationStatus
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.pools.models import GrantApplication, Payment, Pool
from ppi.pools.workflow import ApplicationStatus as A
from tests.pilots.helpers import add_pilot
from tests.pools.support import add_application, add_pool, text

TODAY = date.today()
POOL_FORM = {"name": "Welfare tech pool 2027", "currency": "DKK", "total_budget": "10000000", "min_grant": "400000",
             "max_grant": "1475000", "units_per_eur": "7.46", "eligibility_text": "SMEs in Southern Denmark.",
             "require_sme": "y", "regions": "DK03, dk01", "require_public_partner": "y",
             "opens_on": str(TODAY), "closes_on": str(TODAY + timedelta(days=30))}
OUTSIDERS = ["other_company_admin", "unverified_admin", "platform_admin"]


def _pools(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Pool))


def _application(app, application_id) -> GrantApplication:
    with app.app_context():
        application = db.session.get(GrantApplication, application_id)
        db.session.expunge(application)
        return application


def _error_next_to(page: str, field_id: str) -> bool:
    return f'id="{field_id}-error"' in page and re.search(rf'aria-describedby="[^"]*\b{field_id}-error"', page) is not None


# ---- setting up a pool ---------------------------------------------------------------------------

SETTERS_UP = {"cluster_admin": True, "authority_admin": True, "cluster_member": False, "authority_member": False,
              "company_admin": False, "company_member": False, "other_company_admin": False, "unverified_admin": False,
              "platform_admin": False}


def test_only_admins_of_verified_clusters_and_authorities_set_up_pools(app, world, client_as):
    created = 0
    for role, allowed in SETTERS_UP.items():
        client = client_as(role)
        assert client.get("/pools/new").status_code == (200 if allowed else 403), role
        response = client.post("/pools/new", data=POOL_FORM | {"name": f"Pool of {role}"})
        assert response.status_code == (302 if allowed else 403), (role, text(response)[:2000])
        created += allowed
        assert _pools(app) == created, role
        assert ("Set up a pool" in text(client.get("/pools/"))) is allowed, role
    with app.app_context():
        pools = {pool.name: pool for pool in db.session.scalars(sa.select(Pool))}
        assert set(pools) == {"Pool of cluster_admin", "Pool of authority_admin"}
        for role in ("cluster", "authority"):
            pool = pools[f"Pool of {role}_admin"]
            assert pool.administrator_id == world.orgs[role] and pool.created_by_id == world.users[f"{role}_admin"]
            assert pool.regions == ["DK03", "DK01"] and pool.currency == "DKK"
            assert pool.total_budget == Decimal(10_000_000) and pool.units_per_eur == Decimal("7.46")
            assert pool.require_sme and pool.require_public_partner and not pool.require_research_partner


def test_an_unverified_cluster_cannot_set_up_a_pool(app, world, client_as):
    with app.app_context():
        db.session.get(Organisation, world.orgs["cluster"]).verification_status = VerificationStatus.PENDING
        db.session.commit()
    assert client_as("cluster_admin").post("/pools/new", data=POOL_FORM).status_code == 403
    assert _pools(app) == 0


def test_anonymous_visitors_are_sent_to_sign_in(app, world, client_as):
    response = client_as(None).post("/pools/new", data=POOL_FORM)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _pools(app) == 0


FIELD_ERRORS = [
    ({"regions": "DK03, xx-1"}, "regions", "Give NUTS codes such as DK03"),
    ({"regions": "DK03;DK01"}, "regions", "Give NUTS codes such as DK03"),
    ({"regions": "DK0312"}, "regions", "Give NUTS codes such as DK03"),
    ({"total_budget": "NaN"}, "total_budget", "Not a valid decimal value."),
    ({"min_grant": "Infinity"}, "min_grant", "Not a valid decimal value."),
    ({"max_grant": "-inf"}, "max_grant", "Not a valid decimal value."),
    ({"units_per_eur": "nan"}, "units_per_eur", "Not a valid decimal value."),
    ({"units_per_eur": "0"}, "units_per_eur", None),
    ({"total_budget": "-1"}, "total_budget", None),
    ({"total_budget": "lots"}, "total_budget", "Not a valid decimal value."),
    ({"opens_on": "2027-02-30"}, "opens_on", None),
    ({"name": ""}, "name", None),
    ({"currency": "USD"}, "currency", None),
    # the amounts and dates must fit together
    ({"min_grant": "500000", "max_grant": "400000"}, "max_grant", "from the minimum to the maximum"),  # min > max
    ({"max_grant": "20000000"}, "max_grant", "within the total budget"),  # a grant larger than the pool
    ({"opens_on": str(TODAY), "closes_on": str(TODAY - timedelta(days=1))}, "closes_on", "must close after it opens"),
]


def test_pool_form_errors_are_shown_next_to_their_fields(app, world, client_as):
    client = client_as("cluster_admin")
    for change, field_id, message in FIELD_ERRORS:
        response = client.post("/pools/new", data=POOL_FORM | change)
        page = text(response)
        assert response.status_code == 400, (change, page[:2000])
        assert _error_next_to(page, field_id), change
        other_errors = set(re.findall(r'id="([\w-]+)-error"', page)) - {field_id}
        assert not other_errors, (change, other_errors)
        if message:
            assert message in page, change
        assert 'value="Welfare tech pool 2027"' in page or "name" in change  # what was typed stays
    assert _pools(app) == 0


def test_equal_minimum_and_maximum_grants_are_fine(app, world, client_as):
    response = client_as("cluster_admin").post("/pools/new", data=POOL_FORM | {"min_grant": "500000", "max_grant": "500000"})
    assert response.status_code == 302
    assert _pools(app) == 1


# ---- applying ------------------------------------------------------------------------------------

def test_who_may_apply_from_which_pilot(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world)
        closed_pool = add_pool(world, opens_on=TODAY - timedelta(days=30), closes_on=TODAY - timedelta(days=1))
        running = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        completed = add_pilot(world, PilotStatus.COMPLETED, agreed=True)
    data = {"pilot_id": running, "requested": "600000", "co_financing": "200000", "purpose": "Sensors."}
    # the pool page offers the company its fundable pilots only
    page = text(client_as("company_member").get(f"/pools/{pool_id}"))
    assert 'id="apply"' in page and f'<option value="{running}">' in page and f'<option value="{completed}">' not in page
    for role in ("authority_admin", "cluster_admin", "other_company_admin", "unverified_admin"):
        assert 'id="apply"' not in text(client_as(role).get(f"/pools/{pool_id}")), role
        assert client_as(role).post(f"/pools/{pool_id}/apply", data=data).status_code == 403, role
    assert client_as("company_admin").post(f"/pools/{closed_pool}/apply", data=data).status_code == 403
    response = client_as("company_admin").post(f"/pools/{pool_id}/apply", data=data | {"pilot_id": completed})
    assert response.status_code == 400 and 'id="pilot_id-error"' in text(response)  # not a choice
    response = client_as("company_member").post(f"/pools/{pool_id}/apply", data=data)
    assert response.status_code == 302
    with app.app_context():
        application = db.session.scalars(sa.select(GrantApplication)).one()
        assert (application.pool_id, application.pilot_id, application.status) == (pool_id, running, A.DRAFT)
        assert application.company_id == world.orgs["company"] and application.requested == Decimal(600_000)
    # once per pilot and pool
    response = client_as("company_admin").post(f"/pools/{pool_id}/apply", data=data)
    assert response.status_code == 400 and "applied to this pool already" in text(response)


def test_apply_form_errors_are_shown_next_to_fields(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world)
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
    response = client_as("company_admin").post(f"/pools/{pool_id}/apply", data={
        "pilot_id": pilot_id, "requested": "NaN", "co_financing": "", "purpose": ""})
    page = text(response)
    assert response.status_code == 400
    for field_id in ("requested", "co_financing", "purpose"):
        assert _error_next_to(page, field_id), field_id
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GrantApplication)) == 0


def _ready_draft(app, world, **pool_extra) -> tuple[int, int, int]:
    """A draft application with the benefit confirmed and de minimis declared: only eligibility can stop it."""
    with app.app_context():
        pool_id = add_pool(world, **pool_extra)
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        application_id = add_application(world, pool_id, pilot_id, benefit=True, declared=True)
    return pool_id, pilot_id, application_id


def _submit(client, application_id):
    return client.post(f"/pools/applications/{application_id}/submit")


def test_a_company_that_is_not_an_sme_cannot_submit(app, world, client_as):
    _pool, _pilot, application_id = _ready_draft(app, world)
    with app.app_context():
        db.session.get(Organisation, world.orgs["company"]).staff_headcount = 300  # large
        db.session.commit()
    company = client_as("company_admin")
    assert "must be an SME" in text(company.get(f"/pools/applications/{application_id}"))
    response = _submit(company, application_id)
    assert response.status_code == 400 and "The applicant must be an SME" in text(response)
    assert _application(app, application_id).status == A.DRAFT
    # large by turnover and balance sheet together, with few staff
    with app.app_context():
        company_org = db.session.get(Organisation, world.orgs["company"])
        company_org.staff_headcount, company_org.annual_turnover_eur = 40, Decimal(60_000_000)
        company_org.balance_sheet_total_eur = Decimal(50_000_000)
        db.session.commit()
    assert _submit(company, application_id).status_code == 400
    # back to an SME: it goes through
    with app.app_context():
        company_org = db.session.get(Organisation, world.orgs["company"])
        company_org.annual_turnover_eur = Decimal(40_000_000)
        db.session.commit()
    assert _submit(company, application_id).status_code == 302
    assert _application(app, application_id).status == A.SUBMITTED


def test_a_pool_without_the_sme_rule_takes_a_large_company(app, world, client_as):
    _pool, _pilot, application_id = _ready_draft(app, world, require_sme=False)
    with app.app_context():
        db.session.get(Organisation, world.orgs["company"]).staff_headcount = 300
        db.session.commit()
    assert _submit(client_as("company_admin"), application_id).status_code == 302


def test_a_company_outside_the_pools_regions_cannot_submit(app, world, client_as):
    _pool, _pilot, application_id = _ready_draft(app, world)
    company = client_as("company_admin")
    for nuts in ("DE212", "DK04", None):
        with app.app_context():
            db.session.get(Organisation, world.orgs["company"]).nuts_code = nuts
            db.session.commit()
        response = _submit(company, application_id)
        assert response.status_code == 400 and "registered in one of the pool's regions" in unescape(text(response)), nuts
    with app.app_context():
        db.session.get(Organisation, world.orgs["company"]).nuts_code = "DK032"  # inside DK03
        db.session.commit()
    assert _submit(company, application_id).status_code == 302


def test_a_research_partner_is_required_when_the_pool_says_so(app, world, client_as):
    _pool, pilot_id, application_id = _ready_draft(app, world, require_research_partner=True)
    company = client_as("company_admin")
    response = _submit(company, application_id)
    assert response.status_code == 400 and "A research partner is required" in text(response)
    with app.app_context():
        db.session.get(Pilot, pilot_id).proposal.research_partners = "   "
        db.session.commit()
    assert _submit(company, application_id).status_code == 400  # blank is not a partner
    with app.app_context():
        db.session.get(Pilot, pilot_id).proposal.research_partners = "University of Southern Denmark"
        db.session.commit()
    assert _submit(company, application_id).status_code == 302


def test_submission_waits_for_the_benefit_confirmation_and_the_de_minimis_declaration(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world)
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        application_id = add_application(world, pool_id, pilot_id)
    company, authority = client_as("company_admin"), client_as("authority_member")
    path = f"/pools/applications/{application_id}"
    response = _submit(company, application_id)
    assert response.status_code == 400
    assert "has not yet confirmed the declaration of expected benefit" in text(response)
    assert "Make the de minimis declaration." in text(response)

    # the declaration must be confirmed, and be a number
    response = company.post(f"{path}/de-minimis", data={"received_eur": "250000"})
    assert response.status_code == 400 and _error_next_to(text(response), "confirm")
    response = company.post(f"{path}/de-minimis", data={"received_eur": "NaN", "confirm": "y"})
    assert response.status_code == 400 and _error_next_to(text(response), "received_eur")
    assert _application(app, application_id).de_minimis_declared_at is None
    assert company.post(f"{path}/de-minimis", data={"received_eur": "200000", "confirm": "y"}).status_code == 302
    response = _submit(company, application_id)
    assert response.status_code == 400 and "expected benefit" in text(response) and "Make the de minimis" not in text(response)
    assert _application(app, application_id).status == A.DRAFT

    response = authority.post(f"{path}/benefit", data={"statement": "Fewer long lies.", "confirm": ""})
    assert response.status_code == 400 and _error_next_to(text(response), "confirm")
    assert authority.post(f"{path}/benefit", data={"statement": "  Fewer long lies.  ", "confirm": "y"}).status_code == 302
    application = _application(app, application_id)
    assert application.benefit_statement == "Fewer long lies." and application.benefit_confirmed_by_id == world.users["authority_member"]
    assert _submit(company, application_id).status_code == 302
    application = _application(app, application_id)
    assert application.status == A.SUBMITTED and application.submitted_at is not None
    # a submitted application is no longer edited or declared
    assert company.post(f"{path}/edit", data={"requested": "700000", "co_financing": "1", "purpose": "x"}).status_code == 403
    assert company.post(f"{path}/de-minimis", data={"received_eur": "0", "confirm": "y"}).status_code == 403
    assert _submit(company, application_id).status_code == 403


def test_the_amount_must_be_within_the_pools_grants_to_submit(app, world, client_as):
    _pool, _pilot, application_id = _ready_draft(app, world)
    company = client_as("company_admin")
    path = f"/pools/applications/{application_id}"
    for requested, message in (("399999.99", "below the pool's minimum"), ("1475000.01", "above the pool's maximum")):
        assert company.post(f"{path}/edit", data={"requested": requested, "co_financing": "0", "purpose": "Sensors."}).status_code == 302
        response = _submit(company, application_id)
        assert response.status_code == 400 and message in unescape(text(response)), requested
    assert company.post(f"{path}/edit", data={"requested": "1475000", "co_financing": "0", "purpose": "Sensors."}).status_code == 302
    # the edit withdrew both declarations: they are made again for the amount now requested
    assert company.post(f"{path}/de-minimis", data={"received_eur": "0", "confirm": "y"}).status_code == 302
    assert client_as("authority_admin").post(f"{path}/benefit", data={"statement": "Fewer falls.", "confirm": "y"}).status_code == 302
    assert _submit(company, application_id).status_code == 302


def test_the_de_minimis_warning_at_the_ceiling(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world, min_grant=Decimal(1), max_grant=Decimal(1_000_000))
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        application_id = add_application(world, pool_id, pilot_id, requested=Decimal(373_000))
    company = client_as("company_admin")
    path = f"/pools/applications/{application_id}"
    # 250,000 EUR + 373,000 DKK / 7.46 = exactly 300,000 EUR: no warning
    response = company.post(f"{path}/de-minimis", data={"received_eur": "250000", "confirm": "y"})
    assert response.status_code == 302
    page = text(company.get(response.headers["Location"]))
    assert "de-minimis-warning" not in page and "would exceed EUR 300,000" not in page
    # one cent more: a warning (not a refusal)
    response = company.post(f"{path}/de-minimis", data={"received_eur": "250000.01", "confirm": "y"})
    assert response.status_code == 302
    page = text(company.get(response.headers["Location"]))
    assert "de-minimis-warning" in page and "would exceed EUR 300,000" in page
    assert _application(app, application_id).de_minimis_received_eur == Decimal("250000.01")


def test_only_the_pilots_authority_confirms_the_benefit(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world)
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        application_id = add_application(world, pool_id, pilot_id)
    path = f"/pools/applications/{application_id}/benefit"
    data = {"statement": "We gain a lot.", "confirm": "y"}
    for role in ("company_admin", "company_member", "cluster_admin", "cluster_member"):
        assert client_as(role).post(path, data=data).status_code == 403, role
    for role in OUTSIDERS:
        assert client_as(role).post(path, data=data).status_code == 404, role
    assert _application(app, application_id).benefit_confirmed_at is None
    assert client_as("authority_admin").post(path, data=data).status_code == 302
    # once
    assert client_as("authority_member").post(path, data={"statement": "Changed.", "confirm": "y"}).status_code == 403
    assert _application(app, application_id).benefit_statement == "We gain a lot."


# ---- deciding ------------------------------------------------------------------------------------

def _submitted(app, world, pool_id=None, requested=Decimal(600_000), **pool_extra) -> tuple[int, int]:
    with app.app_context():
        pool_id = pool_id or add_pool(world, **pool_extra)
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        return pool_id, add_application(world, pool_id, pilot_id, A.SUBMITTED, requested=requested, benefit=True, declared=True)


def test_only_the_administering_organisation_decides(app, world, client_as):
    _pool, application_id = _submitted(app, world)
    path = f"/pools/applications/{application_id}/decision"
    data = {"decision": "approve", "amount": "500000", "reason": "Strong case."}
    for role in ("authority_admin", "authority_member", "company_admin", "company_member"):
        assert client_as(role).post(path, data=data).status_code == 403, role
        assert "Record the decision" not in text(client_as(role).get(f"/pools/applications/{application_id}"))
    for role in OUTSIDERS:
        assert client_as(role).post(path, data=data).status_code == 404, role
    assert _application(app, application_id).status == A.SUBMITTED
    assert "Record the decision" in text(client_as("cluster_member").get(f"/pools/applications/{application_id}"))
    assert client_as("cluster_member").post(path, data=data).status_code == 302
    application = _application(app, application_id)
    assert (application.status, application.approved_amount, application.decision_reason) == (A.APPROVED, Decimal(500_000), "Strong case.")
    assert application.decided_by_id == world.users["cluster_member"]
    # decided once
    assert client_as("cluster_admin").post(path, data={"decision": "reject", "reason": "No."}).status_code == 403


def test_an_authority_administered_pool_is_decided_by_the_authority(app, world, client_as):
    _pool, application_id = _submitted(app, world, administrator="authority")
    path = f"/pools/applications/{application_id}/decision"
    assert client_as("cluster_admin").get(f"/pools/applications/{application_id}").status_code == 404  # not its pool
    assert client_as("cluster_admin").post(path, data={"decision": "reject", "reason": "No."}).status_code == 404
    assert client_as("authority_admin").post(path, data={"decision": "reject", "reason": "Out of scope."}).status_code == 302
    application = _application(app, application_id)
    assert application.status == A.REJECTED and application.approved_amount is None


def test_decision_refusals(app, world, client_as):
    _pool, application_id = _submitted(app, world)
    cluster = client_as("cluster_admin")
    path = f"/pools/applications/{application_id}/decision"
    cases = [
        ({"decision": "approve", "amount": "500000", "reason": ""}, "reason-error"),
        ({"decision": "approve", "amount": "500000", "reason": "   "}, "reason-error"),
        ({"amount": "500000", "reason": "Good."}, "decision-error"),
        ({"decision": "approve", "reason": "Good."}, "Approve an amount above zero and at most the amount requested."),
        ({"decision": "approve", "amount": "0", "reason": "Good."}, "Approve an amount above zero"),
        ({"decision": "approve", "amount": "600000.01", "reason": "Good."}, "at most the amount requested"),
        ({"decision": "approve", "amount": "NaN", "reason": "Good."}, "amount-error"),
        ({"decision": "maybe", "amount": "1", "reason": "Good."}, "decision-error"),
    ]
    for data, message in cases:
        response = cluster.post(path, data=data)
        assert response.status_code == 400, (data, response.status_code)
        assert message in text(response), data
    assert _application(app, application_id).status == A.SUBMITTED
    assert cluster.post(path, data={"decision": "approve", "amount": "600000", "reason": "Good."}).status_code == 302


def test_an_approval_above_what_is_left_is_refused(app, world, client_as):
    pool_id, first = _submitted(app, world, total_budget=Decimal(1_000_000), max_grant=Decimal(1_000_000),
                                requested=Decimal(700_000))
    _pool, second = _submitted(app, world, pool_id=pool_id, requested=Decimal(400_000))
    _pool, third = _submitted(app, world, pool_id=pool_id, requested=Decimal(400_000))
    cluster = client_as("cluster_admin")

    def decide(application_id, amount):
        return cluster.post(f"/pools/applications/{application_id}/decision",
                            data={"decision": "approve", "amount": amount, "reason": "Good."})

    assert decide(first, "700000").status_code == 302
    response = decide(second, "300000.01")
    assert response.status_code == 400 and "Not enough left in the pool" in text(response)
    assert _application(app, second).status == A.SUBMITTED
    assert decide(second, "300000").status_code == 302  # exactly what is left
    response = decide(third, "0.01")
    assert response.status_code == 400 and "Not enough left in the pool" in text(response)
    # a rejection needs no money
    assert cluster.post(f"/pools/applications/{third}/decision", data={"decision": "reject", "reason": "Pool spent."}).status_code == 302
    with app.app_context():
        approved = db.session.scalars(sa.select(GrantApplication.approved_amount).where(GrantApplication.status == A.APPROVED)).all()
    assert sum(approved) == Decimal(1_000_000)
    page = text(client_as(None).get(f"/pools/{pool_id}"))
    assert re.search(r'id="committed">DKK\s?1,000,000.00<', page) and re.search(r'id="left">DKK\s?0.00<', page)


# ---- payments ------------------------------------------------------------------------------------

def test_payments_cannot_exceed_the_approved_amount(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world)
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        other_pilot = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        milestones = [m.id for m in db.session.get(Pilot, pilot_id).milestones]
        foreign_milestone = db.session.get(Pilot, other_pilot).milestones[0].id
        approved = add_application(world, pool_id, pilot_id, A.APPROVED, benefit=True, declared=True, approved=Decimal(500_000))
        submitted = add_application(world, pool_id, other_pilot, A.SUBMITTED, benefit=True, declared=True)
    cluster = client_as("cluster_admin")
    path = f"/pools/applications/{approved}/payments"

    def pay(milestone, amount, client=cluster, application_path=path):
        return client.post(application_path, data={"milestone_id": milestone, "amount": amount, "paid_on": str(TODAY)})

    assert pay(milestones[0], "300000").status_code == 302
    response = pay(milestones[1], "200000.01")
    assert response.status_code == 400 and "Payments cannot exceed the approved grant." in text(response)
    response = pay(foreign_milestone, "1000")
    assert response.status_code == 400 and _error_next_to(text(response), "milestone_id")  # not a milestone of this pilot
    for amount in ("0", "-5", "NaN"):
        response = pay(milestones[1], amount)
        assert response.status_code == 400 and _error_next_to(text(response), "amount"), amount
    assert pay(milestones[1], "200000").status_code == 302  # exactly the rest
    assert pay(milestones[1], "0.01").status_code == 400
    # only the administering organisation pays, and only approved grants
    for role in ("company_admin", "authority_admin"):
        assert pay(milestones[1], "1", client_as(role)).status_code == 403, role
    assert pay(foreign_milestone, "1", application_path=f"/pools/applications/{submitted}/payments").status_code == 403
    with app.app_context():
        paid = db.session.scalars(sa.select(Payment.amount).where(Payment.application_id == approved)).all()
    assert sorted(paid) == [Decimal(200_000), Decimal(300_000)]
    page = text(client_as("company_member").get(f"/pools/applications/{approved}"))
    assert page.count("Sensors installed") >= 1 and 'id="payments"' in page


# ---- who sees what -------------------------------------------------------------------------------

def test_applications_are_seen_by_the_administrator_the_company_and_the_public_partner(app, world, client_as):
    with app.app_context():
        pool_id = add_pool(world)
        draft_pilot = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        granted_pilot = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        db.session.get(Pilot, granted_pilot).title = "Granted pilot"
        db.session.commit()
        draft = add_application(world, pool_id, draft_pilot)
        granted = add_application(world, pool_id, granted_pilot, A.APPROVED, benefit=True, declared=True,
                                  approved=Decimal(550_000))
    for application_id in (draft, granted):
        path = f"/pools/applications/{application_id}"
        for role in ("cluster_admin", "cluster_member", "company_admin", "company_member", "authority_admin", "authority_member"):
            assert client_as(role).get(path).status_code == 200, (role, application_id)
        for role in OUTSIDERS:
            assert client_as(role).get(path).status_code == 404, (role, application_id)
            for action in ("edit", "de-minimis", "benefit", "submit", "decision", "payments"):
                assert client_as(role).post(f"{path}/{action}", data={}).status_code == 404, (role, action)
        response = client_as(None).get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # the pool and its awarded grants are public; drafts are not
    for role in (None, "other_company_admin"):
        page = text(client_as(role).get(f"/pools/{pool_id}"))
        assert "Granted pilot" in page and re.search(r"DKK\s?550,000.00", page)
        assert "NightWatch pilot" not in page and f"/pools/applications/{draft}" not in page
        assert 'id="applications-heading"' not in page
        index = text(client_as(role).get("/pools/"))
        assert "Welfare tech pool" in index and re.search(r"DKK\s?9,450,000.00", index)
    page = text(client_as("authority_member").get(f"/pools/{pool_id}"))
    assert f"/pools/applications/{draft}" in page and f"/pools/applications/{granted}" in page
    assert client_as(None).get("/pools/999999").status_code == 404


def test_changing_the_application_withdraws_both_declarations(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        pool_id = add_pool(world)
        application_id = add_application(world, pool_id, pilot_id)
    company, authority = client_as("company_admin"), client_as("authority_admin")
    path = f"/pools/applications/{application_id}"
    assert company.post(f"{path}/de-minimis", data={"received_eur": "1000", "confirm": "y"}).status_code == 302
    assert authority.post(f"{path}/benefit", data={"statement": "Fewer falls.", "confirm": "y"}).status_code == 302
    with app.app_context():
        application = db.session.get(GrantApplication, application_id)
        unchanged = {"requested": str(application.requested), "co_financing": str(application.co_financing),
                     "purpose": application.purpose}
    assert company.post(f"{path}/edit", data=unchanged).status_code == 302
    with app.app_context():
        application = db.session.get(GrantApplication, application_id)
        assert application.benefit_confirmed_at is not None and application.de_minimis_declared_at is not None
    assert company.post(f"{path}/edit", data=unchanged | {"requested": "900000"}).status_code == 302
    with app.app_context():
        application = db.session.get(GrantApplication, application_id)
        assert application.benefit_confirmed_at is None and application.de_minimis_declared_at is None
