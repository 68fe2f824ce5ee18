"""The list of procurement cases: its filters (route, status, authority, threshold, overdue award notice) and its
CSV, parsed; a case in planning is only ever listed for its own authority."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.procurement.directive import ContractKind, Procedure
from ppi.procurement.workflow import CaseStatus as S
from tests.procurement.support import add_authority, client_for, make_case, text

TODAY = utcnow().date()


@pytest.fixture
def cases(app, world):
    """Five cases of the world's authority and two of another; one of the other's is in planning."""
    other_id, other_session = add_authority(app, "Other Municipality")
    with app.app_context():
        other_user = db.session.scalars(sa.select(User).where(User.organisation_id == other_id)).one().id
    me = world.users["authority_admin"]
    ids = {
        "Open above": make_case(app, me, "Open above", value=500_000, status=S.PUBLISHED, procedure=Procedure.OPEN,
                                notice_sent_on=date(2026, 3, 2)),
        "Restricted below": make_case(app, me, "Restricted below", value=100_000, status=S.EVALUATION,
                                      procedure=Procedure.RESTRICTED, notice_sent_on=date(2026, 3, 2)),
        "Signed, notice late": make_case(app, me, "Signed, notice late", value=400_000, status=S.CONTRACT_SIGNED,
                                         procedure=Procedure.OPEN, notice_sent_on=date(2026, 1, 5),
                                         contract_signed_on=TODAY - timedelta(days=31)),
        "Signed, notice sent": make_case(app, me, "Signed, notice sent", value=400_000, status=S.CONTRACT_SIGNED,
                                         procedure=Procedure.OPEN, notice_sent_on=date(2026, 1, 5),
                                         contract_signed_on=TODAY - timedelta(days=60), award_notice_sent_on=TODAY - timedelta(days=40)),
        "Signed, notice due today": make_case(app, me, "Signed, notice due today", value=400_000, status=S.CONTRACT_SIGNED,
                                              procedure=Procedure.OPEN, notice_sent_on=date(2026, 1, 5),
                                              contract_signed_on=TODAY - timedelta(days=30)),
        "Our plan": make_case(app, me, "Our plan", value=300_000),
        "Partnership elsewhere": make_case(app, other_user, "Partnership elsewhere", value=2_000_000, kind=ContractKind.SERVICES,
                                           status=S.PUBLISHED, procedure=Procedure.INNOVATION_PARTNERSHIP,
                                           notice_sent_on=date(2026, 2, 2)),
        "Their secret plan": make_case(app, other_user, "Their secret plan", value=900_000, procedure=Procedure.OPEN,
                                       notice_sent_on=date(2026, 2, 2)),
    }
    return {"ids": ids, "other_id": other_id, "other": client_for(app, other_session)}


def _listed(client, query: str = "") -> set[str]:
    page = text(client.get("/procurement/" + query))
    return set(re.findall(r'<a href="/procurement/\d+">([^<]+)</a>', page))


def _csv(client, query: str = "") -> pd.DataFrame:
    response = client.get("/procurement/cases.csv" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="procurement-cases.csv"'
    return pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype={"supplier_country": str})


PUBLIC = {"Open above", "Restricted below", "Signed, notice late", "Signed, notice sent", "Signed, notice due today",
          "Partnership elsewhere"}


def test_the_list_shows_public_cases_and_the_viewers_own_plans(app, world, client_as, cases):
    assert _listed(client_as(None)) == PUBLIC
    assert _listed(client_as("company_admin")) == PUBLIC
    assert _listed(client_as("platform_admin")) == PUBLIC
    assert _listed(client_as("authority_member")) == PUBLIC | {"Our plan"}
    assert _listed(cases["other"]) == PUBLIC | {"Their secret plan"}


@pytest.mark.parametrize("query, expected", [
    ("?procedure=open", {"Open above", "Signed, notice late", "Signed, notice sent", "Signed, notice due today"}),
    ("?procedure=innovation_partnership", {"Partnership elsewhere"}),
    ("?procedure=competitive_dialogue", set()),
    ("?status=evaluation", {"Restricted below"}),
    ("?status=contract_signed&procedure=open", {"Signed, notice late", "Signed, notice sent", "Signed, notice due today"}),
    ("?status=planning", set()),
    ("?threshold=above", PUBLIC - {"Restricted below"}),
    ("?threshold=below", {"Restricted below"}),
    ("?overdue=1", {"Signed, notice late"}),
])
def test_art_50_1_and_art_4_list_filters(app, world, client_as, cases, query, expected):
    assert _listed(client_as(None), query) == expected
    assert set(_csv(client_as(None), query)["subject"]) == expected


def test_the_authority_filter(app, world, client_as, cases):
    anonymous = client_as(None)
    assert _listed(anonymous, f"?authority={cases['other_id']}") == {"Partnership elsewhere"}
    assert _listed(anonymous, f"?authority={world.orgs['authority']}") == PUBLIC - {"Partnership elsewhere"}
    assert _listed(client_as("authority_admin"), f"?authority={cases['other_id']}") == {"Partnership elsewhere"}
    assert _listed(cases["other"], f"?authority={cases['other_id']}") == {"Partnership elsewhere", "Their secret plan"}
    page = text(anonymous.get("/procurement/"))
    assert f'<option value="{cases["other_id"]}"' in page and "Other Municipality" in page


def test_a_planning_case_of_another_authority_never_appears_in_the_csv(app, world, client_as, cases):
    for client in (client_as(None), client_as("authority_admin"), client_as("company_admin"), client_as("platform_admin")):
        for query in ("", "?status=planning", f"?authority={cases['other_id']}", "?procedure=open", "?threshold=above"):
            frame = _csv(client, query)
            assert "Their secret plan" not in set(frame["subject"]), query
            assert cases["ids"]["Their secret plan"] not in set(frame["id"]), query
    assert "Their secret plan" in set(_csv(cases["other"], "?status=planning")["subject"])
    assert set(_csv(client_as("authority_admin"), "?status=planning")["subject"]) == {"Our plan"}


def test_the_csv_holds_each_case_once_with_its_facts(app, world, client_as, cases):
    frame = _csv(client_as(None))
    assert len(frame) == len(PUBLIC) and frame["id"].is_unique
    assert list(frame["id"]) == sorted(frame["id"])
    row = frame.set_index("subject").loc["Open above"]
    assert row["authority"] == "Test Region" and row["procedure"] == "open" and row["status"] == "published"
    assert row["contract_kind"] == "supplies" and Decimal(str(row["estimated_value_eur"])) == 500_000
    assert str(row["above_threshold"]).lower() in ("true", "1") and row["notice_sent_on"] == "2026-03-02"
    late = frame.set_index("subject").loc["Signed, notice late"]
    assert late["award_notice_due"] == (TODAY - timedelta(days=1)).isoformat()
    assert pd.isna(late["award_notice_sent_on"])
    partnership = frame.set_index("subject").loc["Partnership elsewhere"]
    assert partnership["authority"] == "Other Municipality" and partnership["procedure"] == "innovation_partnership"


def test_the_list_marks_the_overdue_award_notice(app, world, client_as, cases):
    page = text(client_as(None).get("/procurement/"))
    rows = {subject: row for row in page.split("<tr>") for subject in PUBLIC if f">{subject}</a>" in row}
    assert "award notice overdue" in rows["Signed, notice late"]
    assert all("award notice overdue" not in rows[s] for s in PUBLIC - {"Signed, notice late"})
    assert "(below threshold)" in rows["Restricted below"] and "(above threshold)" in rows["Open above"]


def test_the_csv_link_keeps_the_filters(app, world, client_as, cases):
    page = text(client_as(None).get("/procurement/?procedure=open&status=published&page=1"))
    link = re.search(r'href="(/procurement/cases\.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "procedure=open" in link and "status=published" in link and "page=" not in link
    assert set(_csv(client_as(None), link.removeprefix("/procurement/cases.csv"))["subject"]) == {"Open above"}
