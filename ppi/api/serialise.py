"""Public JSON shapes of the API: what a challenge, an organisation or an indicator table says to anyone.

Only fields the web app already shows to anonymous visitors; never a user (name, e-mail), never a sealed
proposal, never a company's turnover, headcount or balance sheet (only the size class the public
organisation page shows). The shapes are described in `openapi.py`; its tests validate real responses.

Conventions: times are RFC 3339 in UTC with a `Z`, to the second; days are `YYYY-MM-DD`; amounts in euros
are decimal strings with two decimals ("50000.00"), exact as stored (`Numeric(15, 2)`).
"""
import math
from datetime import date, datetime
from decimal import Decimal
from numbers import Integral, Real

import pandas as pd
from flask import url_for

from ppi.accounts.models import Organisation, OrganisationKind
from ppi.cases.models import CaseSummary
from ppi.challenges import cpv
from ppi.challenges.models import Challenge, PublicChange, Question
from ppi.core.timeutil import as_utc
from ppi.reports.catalogue import Table


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def euros(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def reference(org: Organisation) -> dict:
    return {"id": org.id, "name": org.name}


# ---- challenges ------------------------------------------------------------------------------------

def challenge(item: Challenge, now: datetime) -> dict:
    """The fields of the public list (relationships eager-loaded by the model: no query per challenge)."""
    return {
        "id": item.id,
        "title": item.title,
        "summary": item.summary,
        "status": item.status_at(now).value,
        "published_at": instant(item.published_at),
        "questions_deadline": instant(item.questions_deadline),
        "proposal_deadline": instant(item.proposal_deadline),
        "nuts_code": item.nuts_code,
        "languages": list(item.languages or []),
        "cpv_codes": [{"code": entry.code, "title": cpv.title(entry.code)} for entry in item.cpv_codes],
        "lead_authority": reference(item.lead_authority),
        "partners": [reference(partner.organisation) for partner in item.partners],
        "cluster": reference(item.cluster),
        "pilot_budget_eur": euros(item.pilot_budget_eur),
        "estimated_contract_value_eur": euros(item.estimated_contract_value_eur),
        "contract_kind": item.contract_kind.value,
        "ipr_model": item.ipr_model.value,
        "url": url_for("challenges.detail", challenge_id=item.id, _external=True),
        "api_url": url_for("api.challenge", challenge_id=item.id, _external=True),
    }


def challenge_detail(item: Challenge, now: datetime, answers: list[Question], changes: list[PublicChange]) -> dict:
    """The list's fields and what the public page shows besides: the texts, criteria, documents, the changes
    since publication and the published answers (never who asked or who answered)."""
    return {
        **challenge(item, now),
        "description": item.description,
        "expected_benefits": item.expected_benefits,
        "test_setting": item.test_setting,
        "test_users_offered": item.test_users_offered,
        "ipr_note": item.ipr_note,
        "public_reason": item.public_reason,
        "criteria": [{"name": c.name, "description": c.description, "weight": c.weight} for c in item.criteria],
        "documents": [
            {"title": a.title, "content_type": a.file.content_type, "size": a.file.size,
             "url": url_for("challenges.download_attachment", challenge_id=item.id, attachment_id=a.id, _external=True)}
            for a in item.attachments
        ],
        "changes": [{"at": instant(c.at), "fields": list(c.fields), "note": c.note} for c in changes],
        "answers": [{"question": q.published_question or q.text, "answer": q.answer, "answered_at": instant(q.answered_at)}
                    for q in answers],
    }


# ---- organisations ---------------------------------------------------------------------------------

def organisation(org: Organisation) -> dict:
    """What the public organisation page shows (its registration number included)."""
    size = org.size_class
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind.value,
        "country": org.country,
        "nuts_code": org.nuts_code,
        "registration_number": org.registration_number,
        "website": org.website,
        "description": org.description,
        "authority_type": org.authority_type.value if org.kind == OrganisationKind.PUBLIC_AUTHORITY and org.authority_type else None,
        "size_class": size.value if size is not None else None,
        "verified_at": instant(org.verified_at),
        "url": url_for("accounts.organisation", org_id=org.id, _external=True),
        "api_url": url_for("api.organisation", org_id=org.id, _external=True),
    }


# ---- the case library -----------------------------------------------------------------------------

def month(value: date | None) -> str | None:
    return value.strftime("%Y-%m") if value else None


def case_summary(item: CaseSummary) -> dict:
    """What the library's public page shows: the authors' texts and the facts taken from the record (usability
    figures only where enough test users answered: they are not even stored otherwise)."""
    return {
        "id": item.id,
        "title": item.title,
        "outcome": item.outcome.value,
        "what_was_tried": item.what_was_tried,
        "with_whom": item.with_whom,
        "users_said": item.users_said,
        "learned": item.learned,
        "differently": item.differently,
        "challenge_title": item.challenge_title,
        "authority": item.authority_name,
        "cluster": item.cluster_name,
        "company": item.company_name,
        "nuts_code": item.nuts_code,
        "cpv_codes": [{"code": entry.code, "title": cpv.title(entry.code)} for entry in item.cpv_codes],
        "pilot_from": month(item.pilot_from),
        "pilot_until": month(item.pilot_until),
        "test_users": item.test_users,
        "sus": {"mean": float(item.sus_mean), "grade": item.sus_grade, "respondents": item.sus_respondents}
        if item.sus_mean is not None else None,
        "procedure": item.procedure.value if item.procedure else None,
        "contract_value_eur": euros(item.contract_value_eur),
        "published_at": instant(item.published_at),
        "url": url_for("cases.detail", summary_id=item.id, _external=True),
        "api_url": url_for("api.case_summary", summary_id=item.id, _external=True),
    }


# ---- indicators ------------------------------------------------------------------------------------

def indicator_table(table: Table) -> dict:
    return {
        "name": table.name,
        "title": str(table.title),
        "description": str(table.description),
        "chart": table.chart,
        "columns": [{"name": column.name, "description": str(column.description)} for column in table.columns],
        "url": url_for("api.indicator", name=table.name, _external=True),
    }


def records(frame: pd.DataFrame) -> list[dict]:
    """A DataFrame's rows as JSON objects: NaN, NA and NaT become null, numpy numbers Python ones."""
    columns = [str(column) for column in frame.columns]
    return [dict(zip(columns, map(cell, row))) for row in frame.itertuples(index=False, name=None)]


def cell(value):
    """One value of a DataFrame as JSON: null for every kind of missing (and for ±infinity)."""
    if isinstance(value, str | bool):
        return value
    if value is None or pd.api.types.is_scalar(value) and pd.isna(value):
        return None  # None, NaN, pd.NA, NaT (pandas' and numpy's)
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp | pd.Period):
        value = value.item()  # a numpy scalar as the Python one
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, datetime):  # pd.Timestamp included; a naive one as it is, without inventing a zone
        return instant(value) if value.tzinfo else value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
