"""Monitoring and evaluation indicators: one SQL query per table, read with pandas, arithmetic in pandas.

The definitions live in `catalogue.py`; this module keeps them. Every table starts from the challenges
in the audience's scope that pass the filters (`_challenges_in_scope`).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pandas as pd
import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import aliased

from ppi.accounts.models import Organisation
from ppi.accounts.sme import CEILINGS, SizeClass
from ppi.challenges import cpv
from ppi.challenges.models import Challenge, ChallengeCpv, ChallengePartner, StatusChange
from ppi.challenges.workflow import PUBLIC_STATUSES, ChallengeStatus
from ppi.core.frames import read_frame
from ppi.core.timeutil import utcnow
from ppi.pilots.models import Feedback, Measurement, Pilot, PilotStatusChange, SuccessCriterion, TestUser, UserGroup
from ppi.pilots.workflow import Comparison, PilotStatus
from ppi.procurement.directive import PROCEDURES, Procedure
from ppi.procurement.models import CasePilot, ProcurementCase
from ppi.proposals.models import Proposal, ProposalPartner
from ppi.proposals.workflow import PartnerStatus, ProposalStatus
from ppi.reports.catalogue import FUNNEL_STAGES, METRICS, TABLES, Audience

GRANULARITIES = ("month", "quarter", "year")
_FREQUENCY = {"month": "M", "quarter": "Q", "year": "Y"}
_NUTS_TO_ISO = {"EL": "GR", "UK": "GB"}


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    granularity: str = "quarter"
    region: str = ""  # a NUTS code or prefix
    cluster_id: int | None = None
    authority_id: int | None = None
    cpv_division: str = ""  # two digits


@dataclass(frozen=True)
class Scope:
    audience: Audience
    organisation_id: int | None = None  # the authority's or cluster's own organisation


@dataclass(frozen=True)
class _Window:
    """The period as aware UTC instants: [start, end); None where the filters leave it open."""

    start: datetime | None
    end: datetime | None

    @classmethod
    def of(cls, filters: Filters) -> "_Window":
        start = datetime.combine(filters.date_from, time(), timezone.utc) if filters.date_from else None
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), timezone.utc) if filters.date_to else None
        return cls(start, end)

    def contains(self, column) -> list[sa.ColumnElement]:
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column < self.end)
        return conditions

    def mask(self, series: pd.Series) -> pd.Series:
        inside = series.notna()
        if self.start is not None:
            inside &= series >= self.start
        if self.end is not None:
            inside &= series < self.end
        return inside


def table(name: str, filters: Filters, scope: Scope, now: datetime | None = None) -> pd.DataFrame:
    """The indicator table `name` (a key of catalogue.TABLES) for the audience, with the catalogue's columns."""
    definition = TABLES[name]
    if scope.audience not in definition.audiences:
        raise PermissionError(f"{name} is not shown to the {scope.audience} audience")
    frame = _BUILDERS[name](filters, scope, now or utcnow())
    return frame[definition.column_names].reset_index(drop=True)


def tables_for(audience: Audience) -> list[str]:
    return [name for name, definition in TABLES.items() if audience in definition.audiences]


# ---- scope and filters ------------------------------------------------------------------------------

def _challenges_in_scope(filters: Filters, scope: Scope) -> list[sa.ColumnElement]:
    """Conditions on Challenge for the audience's scope and the filters."""
    conditions: list[sa.ColumnElement] = []
    if scope.audience == Audience.PUBLIC:
        conditions += [Challenge.status.in_(sorted(PUBLIC_STATUSES)), Challenge.published_at.is_not(None)]
    elif scope.audience == Audience.AUTHORITY:
        conditions.append(sa.or_(
            Challenge.lead_authority_id == scope.organisation_id,
            Challenge.partners.any(ChallengePartner.organisation_id == scope.organisation_id)))
    elif scope.audience == Audience.CLUSTER:
        conditions.append(Challenge.cluster_id == scope.organisation_id)
    if filters.region:
        conditions.append(Challenge.nuts_code.startswith(filters.region, autoescape=True))
    if filters.cluster_id:
        conditions.append(Challenge.cluster_id == filters.cluster_id)
    if filters.authority_id:
        conditions.append(Challenge.lead_authority_id == filters.authority_id)
    if filters.cpv_division:
        conditions.append(Challenge.cpv_codes.any(ChallengeCpv.code.startswith(filters.cpv_division, autoescape=True)))
    return conditions


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Calendar days between the UTC dates of two instants (or dates)."""
    return (_utc(later).dt.normalize() - _utc(earlier).dt.normalize()).dt.days


def _median(series: pd.Series) -> float | None:
    series = series.dropna()
    return float(series.median()) if len(series) else None


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _nullable(values: list) -> pd.Series:
    """A column that keeps ints as ints and missing figures as None (not NaN) for JSON, CSV and charts."""
    return pd.Series(values, dtype=object)


def _metric_table(name: str, values: dict[str, float | None]) -> pd.DataFrame:
    labels = METRICS[name]
    return pd.DataFrame({"metric": list(labels), "label": [str(label) for label in labels.values()],
                         "value": _nullable([values[key] for key in labels])})


# ---- pipeline -------------------------------------------------------------------------------------

def _published_challenges(filters: Filters, scope: Scope, *extra) -> pd.DataFrame:
    stmt = (sa.select(Challenge.id, Challenge.status, Challenge.published_at, Challenge.proposal_deadline, *extra)
            .where(Challenge.published_at.is_not(None), *_challenges_in_scope(filters, scope)))
    frame = read_frame(stmt)
    frame["published_at"] = _utc(frame["published_at"])
    frame["proposal_deadline"] = _utc(frame["proposal_deadline"])
    return frame


def _periods(filters: Filters, earliest: pd.Timestamp | None, now: datetime) -> pd.PeriodIndex:
    first = filters.date_from or (earliest.date() if earliest is not None and not pd.isna(earliest) else now.date())
    last = filters.date_to or now.date()
    frequency = _FREQUENCY.get(filters.granularity, "Q")
    return pd.period_range(pd.Period(first, frequency), pd.Period(last, frequency), freq=frequency)


def _period_label(period: pd.Period, granularity: str) -> str:
    if granularity == "month":
        return f"{period.year}-{period.month:02d}"
    if granularity == "year":
        return str(period.year)
    return f"{period.year}-Q{period.quarter}"


def _pipeline(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    challenges = _published_challenges(filters, scope)
    live = challenges["status"] != ChallengeStatus.CANCELLED
    rows = []
    now_ts = pd.Timestamp(now)
    for period in _periods(filters, challenges["published_at"].min() if len(challenges) else None, now):
        start = period.start_time.tz_localize("UTC")
        end = min((period + 1).start_time.tz_localize("UTC"), now_ts)
        published = challenges["published_at"].between(start, end, inclusive="left")
        closed = live & challenges["proposal_deadline"].between(start, end, inclusive="left")
        open_at_end = live & (challenges["published_at"] < end) & (challenges["proposal_deadline"] > end)
        rows.append({"period": _period_label(period, filters.granularity), "published": int(published.sum()),
                     "closed": int(closed.sum()), "open_at_end": int(open_at_end.sum())})
    return pd.DataFrame(rows, columns=TABLES["pipeline"].column_names)


def _breakdown(challenges: pd.DataFrame, filters: Filters, now: datetime, keys: list[str]) -> pd.DataFrame:
    """Published / open / closed / cancelled per key, of the challenges published in the period."""
    challenges = challenges[_Window.of(filters).mask(challenges["published_at"])]
    cancelled = challenges["status"] == ChallengeStatus.CANCELLED
    passed = challenges["proposal_deadline"] <= pd.Timestamp(now)
    counted = challenges.assign(
        published=1,
        open=(~cancelled & ~passed & (challenges["status"] == ChallengeStatus.PUBLISHED)).astype(int),
        closed=(~cancelled & passed).astype(int),
        cancelled=cancelled.astype(int),
    )
    grouped = counted.groupby(keys, as_index=False, dropna=False)[["published", "open", "closed", "cancelled"]].sum()
    return grouped.sort_values(["published", keys[-1]], ascending=[False, True], kind="stable")


def _pipeline_by_organisation(column, label: str) -> Callable:
    def build(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
        challenges = _published_challenges(
            filters, scope, sa.select(Organisation.name).where(Organisation.id == column).scalar_subquery().label(label),
            column.label("organisation_id"))
        return _breakdown(challenges, filters, now, ["organisation_id", label])
    return build


def _pipeline_by_region(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    challenges = _published_challenges(filters, scope, Challenge.nuts_code)
    challenges["region"] = challenges["nuts_code"].str[:4]
    return _breakdown(challenges, filters, now, ["region"])


def _pipeline_by_cpv(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    division = sa.func.substr(ChallengeCpv.code, 1, 2)
    stmt = (sa.select(Challenge.id, Challenge.status, Challenge.published_at, Challenge.proposal_deadline,
                      division.label("cpv_division"))
            .join(ChallengeCpv, ChallengeCpv.challenge_id == Challenge.id)
            .where(Challenge.published_at.is_not(None), *_challenges_in_scope(filters, scope))
            .group_by(Challenge.id, Challenge.status, Challenge.published_at, Challenge.proposal_deadline, division))
    challenges = read_frame(stmt)
    challenges["published_at"] = _utc(challenges["published_at"])
    challenges["proposal_deadline"] = _utc(challenges["proposal_deadline"])
    names = dict(cpv.divisions())
    grouped = _breakdown(challenges, filters, now, ["cpv_division"])
    return grouped.assign(division=grouped["cpv_division"].map(names).fillna(""))


# ---- participation --------------------------------------------------------------------------------

def _closed_challenges(filters: Filters, scope: Scope, now: datetime) -> list[sa.ColumnElement]:
    """Conditions on Challenge: in scope, published, and its proposal deadline passed in the period."""
    return [Challenge.published_at.is_not(None), Challenge.proposal_deadline <= now,
            *_Window.of(filters).contains(Challenge.proposal_deadline), *_challenges_in_scope(filters, scope)]


def _proposals_per_challenge(filters: Filters, scope: Scope, now: datetime) -> pd.Series:
    """Submitted proposals per challenge whose deadline passed in the period (zero included)."""
    submitted = sa.and_(Proposal.challenge_id == Challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
    stmt = (sa.select(Challenge.id, sa.func.count(Proposal.id).label("proposals"))
            .outerjoin(Proposal, submitted).where(*_closed_challenges(filters, scope, now)).group_by(Challenge.id))
    return read_frame(stmt).set_index("id")["proposals"]


def _proposal_groups(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    """The counted proposals grouped by the challenge's NUTS code, the company and whether a partner confirmed:
    with the company's declared figures, its first proposal counted here, and its first anywhere on the platform.

    A company proposes at most once per challenge, so grouping loses nothing the indicators need and keeps
    the rows few (thousands, not one per proposal)."""
    company = aliased(Organisation)
    submitted = Proposal.status == ProposalStatus.SUBMITTED
    confirmed = (sa.select(ProposalPartner.proposal_id).where(ProposalPartner.status == PartnerStatus.CONFIRMED)
                 .distinct().subquery())
    earlier = aliased(Challenge)
    first_anywhere = (sa.select(Proposal.company_id, sa.func.min(earlier.proposal_deadline).label("first_anywhere"))
                      .join(earlier, earlier.id == Proposal.challenge_id)
                      .where(submitted, earlier.proposal_deadline <= now)
                      .group_by(Proposal.company_id).subquery())
    consortium = confirmed.c.proposal_id.is_not(None)
    keys = (Challenge.nuts_code, Proposal.company_id, consortium, company.country, company.nuts_code,
            company.staff_headcount, company.annual_turnover_eur, company.balance_sheet_total_eur,
            first_anywhere.c.first_anywhere)
    stmt = (
        sa.select(Challenge.nuts_code.label("challenge_nuts"), Proposal.company_id, consortium.label("consortium"),
                  company.country, company.nuts_code.label("company_nuts"), company.staff_headcount,
                  company.annual_turnover_eur, company.balance_sheet_total_eur, first_anywhere.c.first_anywhere,
                  sa.func.min(Challenge.proposal_deadline).label("first_here"), sa.func.count().label("proposals"))
        .join(Proposal, sa.and_(Proposal.challenge_id == Challenge.id, submitted))
        .join(company, company.id == Proposal.company_id)
        .outerjoin(confirmed, confirmed.c.proposal_id == Proposal.id)
        .join(first_anywhere, first_anywhere.c.company_id == Proposal.company_id)
        .where(*_closed_challenges(filters, scope, now))
        .group_by(*keys)
    )
    frame = read_frame(stmt)
    frame["first_anywhere"] = _utc(frame["first_anywhere"])
    frame["first_here"] = _utc(frame["first_here"])
    frame["size_class"] = size_classes(frame["staff_headcount"], frame["annual_turnover_eur"], frame["balance_sheet_total_eur"])
    return frame


def size_classes(headcount: pd.Series, turnover: pd.Series, balance_sheet: pd.Series) -> pd.Series:
    """accounts.sme.size_class, vectorised: the first ceiling the declared figures fit."""
    headcount, turnover, balance_sheet = (pd.to_numeric(s, errors="coerce") for s in (headcount, turnover, balance_sheet))
    known = headcount.notna() & turnover.notna() & balance_sheet.notna()
    conditions = [known & (headcount < c.headcount_below)
                  & ((turnover <= float(c.turnover_max_eur)) | (balance_sheet <= float(c.balance_sheet_max_eur)))
                  for c in CEILINGS]
    classes = np.select(conditions, [c.size_class.value for c in CEILINGS], default=SizeClass.LARGE.value)
    return pd.Series(np.where(known, classes, "unknown"), index=headcount.index)


def _country_of_nuts(codes: pd.Series) -> pd.Series:
    prefix = codes.str[:2]
    return prefix.replace(_NUTS_TO_ISO)


def _participation(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    per_challenge = _proposals_per_challenge(filters, scope, now)
    groups = _proposal_groups(filters, scope, now)
    count = groups["proposals"]
    total = int(count.sum())
    known = groups["size_class"] != "unknown"
    smes = groups["size_class"].isin([c.size_class.value for c in CEILINGS])
    other_country = groups["country"] != _country_of_nuts(groups["challenge_nuts"])
    company_region = groups["company_nuts"].fillna("").str[:4]
    other_region = pd.Series(np.where(company_region != "", company_region != groups["challenge_nuts"].str[:4], other_country),
                             index=groups.index)
    consortia = int(count[groups["consortium"].astype(bool)].sum())
    companies = groups.groupby("company_id").agg(first_anywhere=("first_anywhere", "min"), first_here=("first_here", "min"))
    new_companies = int((companies["first_anywhere"] >= companies["first_here"]).sum())
    return _metric_table("participation", {
        "challenges": len(per_challenge),
        "proposals": total,
        "proposals_per_challenge_median": _median(per_challenge),
        "proposals_per_challenge_mean": float(per_challenge.mean()) if len(per_challenge) else None,
        "companies": len(companies),
        "new_companies": new_companies,
        "returning_companies": len(companies) - new_companies,
        "sme_share": _share(int(count[smes].sum()), int(count[known].sum())),
        "other_region_share": _share(int(count[other_region.astype(bool)].sum()), total),
        "other_country_share": _share(int(count[other_country].sum()), total),
        "consortia": consortia,
        "single_companies": total - consortia,
    })


def _proposals_by_size(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    groups = _proposal_groups(filters, scope, now)
    order = [size.value for size in SizeClass] + ["unknown"]
    counts = groups.groupby("size_class")["proposals"].sum().reindex(order, fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame({"size_class": order, "proposals": counts.astype(int).to_list(),
                         "share": _nullable([_share(int(count), total) for count in counts])})


# ---- pilots ---------------------------------------------------------------------------------------

def _pilot_starts() -> sa.Subquery:
    return (sa.select(PilotStatusChange.pilot_id, sa.func.min(PilotStatusChange.at).label("started_at"))
            .where(PilotStatusChange.to_status == PilotStatus.RUNNING).group_by(PilotStatusChange.pilot_id).subquery())


def _reached(status: PilotStatus) -> sa.Subquery:
    return (sa.select(PilotStatusChange.pilot_id).where(PilotStatusChange.to_status == status)
            .group_by(PilotStatusChange.pilot_id).subquery())


def _pilots_started(filters: Filters, scope: Scope, starts: sa.Subquery) -> list[sa.ColumnElement]:
    """Conditions on Pilot (joined to Challenge and the starts): started in the period, challenge in scope."""
    return [*_Window.of(filters).contains(starts.c.started_at), *_challenges_in_scope(filters, scope)]


def _latest_measurements() -> sa.Subquery:
    ranked = sa.select(
        Measurement.criterion_id, Measurement.value,
        sa.func.row_number().over(partition_by=Measurement.criterion_id,
                                  order_by=(Measurement.measured_on.desc(), Measurement.id.desc())).label("recency"),
    ).subquery()
    return sa.select(ranked.c.criterion_id, ranked.c.value).where(ranked.c.recency == 1).subquery()


def _criteria_per_pilot() -> sa.Subquery:
    latest = _latest_measurements()
    met = sa.case(
        (sa.and_(SuccessCriterion.comparison == Comparison.AT_LEAST, latest.c.value >= SuccessCriterion.target), 1),
        (sa.and_(SuccessCriterion.comparison == Comparison.AT_MOST, latest.c.value <= SuccessCriterion.target), 1),
        else_=0)
    return (sa.select(SuccessCriterion.pilot_id, sa.func.count().label("criteria_measured"), sa.func.sum(met).label("criteria_met"))
            .join(latest, latest.c.criterion_id == SuccessCriterion.id).group_by(SuccessCriterion.pilot_id).subquery())


def _pilot_frame(filters: Filters, scope: Scope) -> pd.DataFrame:
    """One row per pilot started in the period: its parties, state, test users, SUS sums and criteria."""
    starts = _pilot_starts()
    completed, stopped = _reached(PilotStatus.COMPLETED), _reached(PilotStatus.STOPPED_EARLY)
    planned = (sa.select(UserGroup.pilot_id, sa.func.sum(UserGroup.planned).label("planned"))
               .group_by(UserGroup.pilot_id).subquery())
    taking_part = (sa.select(TestUser.pilot_id, sa.func.count().label("enrolled"))
                   .where(TestUser.withdrawn_at.is_(None)).group_by(TestUser.pilot_id).subquery())
    feedback = (sa.select(Feedback.pilot_id, sa.func.count(sa.distinct(Feedback.test_user_id)).label("answered"),
                          sa.func.count().label("feedback"), sa.func.sum(Feedback.sus_score).label("sus_total"))
                .join(TestUser, TestUser.id == Feedback.test_user_id).where(TestUser.withdrawn_at.is_(None))
                .group_by(Feedback.pilot_id).subquery())
    criteria = _criteria_per_pilot()
    authority, company, cluster = aliased(Organisation), aliased(Organisation), aliased(Organisation)
    stmt = (
        sa.select(Pilot.id, Pilot.title.label("pilot"), Pilot.status, Pilot.cluster_id, starts.c.started_at,
                  authority.name.label("authority"), company.name.label("company"), cluster.name.label("cluster"),
                  completed.c.pilot_id.is_not(None).label("was_completed"),
                  stopped.c.pilot_id.is_not(None).label("was_stopped"),
                  sa.func.coalesce(planned.c.planned, 0).label("test_users_planned"),
                  sa.func.coalesce(taking_part.c.enrolled, 0).label("test_users_enrolled"),
                  sa.func.coalesce(feedback.c.answered, 0).label("test_users_answered"),
                  sa.func.coalesce(feedback.c.feedback, 0).label("feedback"), feedback.c.sus_total,
                  sa.func.coalesce(criteria.c.criteria_measured, 0).label("criteria_measured"),
                  sa.func.coalesce(criteria.c.criteria_met, 0).label("criteria_met"))
        .join(starts, starts.c.pilot_id == Pilot.id)
        .join(Challenge, Challenge.id == Pilot.challenge_id)
        .join(authority, authority.id == Pilot.authority_id)
        .join(company, company.id == Pilot.company_id)
        .join(cluster, cluster.id == Pilot.cluster_id)
        .outerjoin(completed, completed.c.pilot_id == Pilot.id)
        .outerjoin(stopped, stopped.c.pilot_id == Pilot.id)
        .outerjoin(planned, planned.c.pilot_id == Pilot.id)
        .outerjoin(taking_part, taking_part.c.pilot_id == Pilot.id)
        .outerjoin(feedback, feedback.c.pilot_id == Pilot.id)
        .outerjoin(criteria, criteria.c.pilot_id == Pilot.id)
        .where(*_pilots_started(filters, scope, starts))
        .order_by(starts.c.started_at, Pilot.id)
    )
    frame = read_frame(stmt)
    frame["started_at"] = _utc(frame["started_at"])
    frame["sus_total"] = pd.to_numeric(frame["sus_total"], errors="coerce")
    frame["mean_sus"] = frame["sus_total"] / frame["feedback"].where(frame["feedback"] > 0)
    return frame


def _pilots(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    pilots = _pilot_frame(filters, scope)
    feedback = int(pilots["feedback"].sum())
    measured, met = int(pilots["criteria_measured"].sum()), int(pilots["criteria_met"].sum())
    return _metric_table("pilots", {
        "started": len(pilots),
        "running": int(pilots["status"].isin([PilotStatus.RUNNING, PilotStatus.PAUSED]).sum()),
        "completed": int(pilots["was_completed"].astype(bool).sum()),
        "stopped_early": int(pilots["was_stopped"].astype(bool).sum()),
        "test_users_planned": int(pilots["test_users_planned"].sum()),
        "test_users_enrolled": int(pilots["test_users_enrolled"].sum()),
        "test_users_answered": int(pilots["test_users_answered"].sum()),
        "feedback": feedback,
        "mean_sus": float(pilots["sus_total"].sum()) / feedback if feedback else None,
        "mean_pilot_sus": _mean(pilots["mean_sus"]),
        "criteria_measured": measured,
        "criteria_met": met,
        "criteria_met_share": _share(met, measured),
    })


def _mean(series: pd.Series) -> float | None:
    series = series.dropna()
    return float(series.mean()) if len(series) else None


def _pilot_results(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    pilots = _pilot_frame(filters, scope)
    return pilots.assign(status=pilots["status"].map(str), started_on=pilots["started_at"].dt.date,
                         mean_sus=pilots["mean_sus"].round(1).astype(object).where(pilots["mean_sus"].notna(), None))


def _sus_distribution(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    starts = _pilot_starts()
    stmt = (sa.select(Feedback.sus_score)
            .join(TestUser, TestUser.id == Feedback.test_user_id)
            .join(Pilot, Pilot.id == Feedback.pilot_id)
            .join(starts, starts.c.pilot_id == Pilot.id)
            .join(Challenge, Challenge.id == Pilot.challenge_id)
            .where(TestUser.withdrawn_at.is_(None), *_pilots_started(filters, scope, starts)))
    scores = read_frame(stmt)["sus_score"].astype(float)
    bands = (scores // 10).clip(upper=9).astype(int) * 10
    counts = bands.value_counts().reindex(range(0, 100, 10), fill_value=0)
    return pd.DataFrame({"band": list(range(0, 100, 10)), "feedback": counts.astype(int).to_list()})


# ---- the funnel -----------------------------------------------------------------------------------

def _case_conditions(scope: Scope) -> list[sa.ColumnElement]:
    """The public sees cases that were published; the parties of a challenge see all of its cases."""
    return [ProcurementCase.was_published.is_(True)] if scope.audience == Audience.PUBLIC else []


def _cases_per_challenge(scope: Scope) -> sa.Subquery:
    """Per challenge, its procurement cases (linked to it directly or through its pilots): the first case's
    creation, the first contract, and whether a contract went to a company that piloted the challenge."""
    links = sa.union(
        sa.select(ProcurementCase.challenge_id.label("challenge_id"), ProcurementCase.id.label("case_id"))
        .where(ProcurementCase.challenge_id.is_not(None)),
        sa.select(Pilot.challenge_id.label("challenge_id"), CasePilot.case_id.label("case_id"))
        .join(Pilot, Pilot.id == CasePilot.pilot_id),
    ).subquery()
    piloting = aliased(Pilot)
    to_pilot_company = sa.and_(ProcurementCase.contract_signed_on.is_not(None), piloting.id.is_not(None))
    return (
        sa.select(links.c.challenge_id, sa.func.min(ProcurementCase.created_at).label("case_at"),
                  sa.func.min(ProcurementCase.contract_signed_on).label("contract_on"),
                  sa.func.count(piloting.id).filter(to_pilot_company).label("to_pilot_company"))
        .join(ProcurementCase, ProcurementCase.id == links.c.case_id)
        .outerjoin(piloting, sa.and_(piloting.challenge_id == links.c.challenge_id,
                                     piloting.company_id == ProcurementCase.supplier_id))
        .where(*_case_conditions(scope))
        .group_by(links.c.challenge_id).subquery()
    )


def _funnel(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    proposals = (sa.select(Proposal.challenge_id, sa.func.count().label("proposals"))
                 .where(Proposal.status == ProposalStatus.SUBMITTED).group_by(Proposal.challenge_id).subquery())
    pilots = sa.select(Pilot.challenge_id, sa.func.min(Pilot.created_at).label("pilot_at")).group_by(Pilot.challenge_id).subquery()
    cases = _cases_per_challenge(scope)
    stmt = (
        sa.select(Challenge.id, Challenge.published_at, Challenge.proposal_deadline, proposals.c.proposals,
                  pilots.c.pilot_at, cases.c.case_at, cases.c.contract_on, cases.c.to_pilot_company)
        .outerjoin(proposals, proposals.c.challenge_id == Challenge.id)
        .outerjoin(pilots, pilots.c.challenge_id == Challenge.id)
        .outerjoin(cases, cases.c.challenge_id == Challenge.id)
        .where(Challenge.published_at.is_not(None), *_Window.of(filters).contains(Challenge.published_at),
               *_challenges_in_scope(filters, scope))
    )
    frame = read_frame(stmt)
    deadline = _utc(frame["proposal_deadline"])
    reached = {
        "published": pd.Series(True, index=frame.index),
        "proposals": (frame["proposals"].fillna(0) > 0) & (deadline <= pd.Timestamp(now)),  # sealed until the deadline
        "pilot": frame["pilot_at"].notna(),
        "procurement": frame["case_at"].notna(),
        "contract": frame["contract_on"].notna(),
        "pilot_company": frame["to_pilot_company"].fillna(0) > 0,
    }
    waits = {
        "proposals": _days(deadline, frame["published_at"]),
        "pilot": _days(frame["pilot_at"], deadline),
        "procurement": _days(frame["case_at"], frame["pilot_at"]),
        "contract": _days(frame["contract_on"], frame["case_at"]),
    }
    published = len(frame)
    rows = []
    for stage, label in FUNNEL_STAGES.items():
        count = int(reached[stage].sum())
        median = _median(waits[stage][reached[stage]]) if stage in waits else None
        rows.append({"stage": stage, "label": str(label), "challenges": count, "share": _share(count, published),
                     "median_days": median})
    frame = pd.DataFrame(rows)
    return frame.assign(share=_nullable(frame["share"].to_list()), median_days=_nullable([row["median_days"] for row in rows]))


# ---- procurement ----------------------------------------------------------------------------------

def _cases(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    """The cases of the period in scope. A case follows its challenge (linked directly or through its pilot) for
    the cluster, region and CPV filters; a case without one, its authority's NUTS code and its own CPV codes."""
    authority = aliased(Organisation)
    pilot_challenge = (sa.select(Pilot.challenge_id).join(CasePilot, CasePilot.pilot_id == Pilot.id)
                       .where(CasePilot.case_id == ProcurementCase.id).order_by(Pilot.id).limit(1).scalar_subquery())
    challenge = aliased(Challenge)
    conditions = [*_case_conditions(scope), *_Window.of(filters).contains(ProcurementCase.created_at)]
    if scope.audience == Audience.AUTHORITY:
        conditions.append(ProcurementCase.authority_id == scope.organisation_id)
    elif scope.audience == Audience.CLUSTER:
        conditions.append(challenge.cluster_id == scope.organisation_id)
    if filters.authority_id:
        conditions.append(ProcurementCase.authority_id == filters.authority_id)
    if filters.cluster_id:
        conditions.append(challenge.cluster_id == filters.cluster_id)
    if filters.region:
        conditions.append(sa.func.coalesce(challenge.nuts_code, authority.nuts_code).startswith(filters.region, autoescape=True))
    in_division = (challenge.cpv_codes.any(ChallengeCpv.code.startswith(filters.cpv_division, autoescape=True))
                   if filters.cpv_division else sa.false())
    stmt = (sa.select(ProcurementCase.id, ProcurementCase.procedure, ProcurementCase.above_threshold,
                      ProcurementCase.cpv_codes, ProcurementCase.contract_signed_on, ProcurementCase.supplier_is_sme,
                      ProcurementCase.supplier_country, ProcurementCase.award_notice_due,
                      ProcurementCase.award_notice_sent_on, authority.country.label("authority_country"),
                      in_division.label("challenge_in_division"))
            .join(authority, authority.id == ProcurementCase.authority_id)
            .outerjoin(challenge, challenge.id == sa.func.coalesce(ProcurementCase.challenge_id, pilot_challenge))
            .where(*conditions))
    frame = read_frame(stmt)
    if filters.cpv_division:
        own_codes = frame["cpv_codes"].map(lambda codes: any(code.startswith(filters.cpv_division) for code in codes or []))
        frame = frame[frame["challenge_in_division"].astype(bool) | own_codes.astype(bool)]
    return frame


def _procurement(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    cases = _cases(filters, scope, now)
    awards = cases[cases["contract_signed_on"].notna()]
    to_smes = int((awards["supplier_is_sme"] == True).sum())  # noqa: E712  (a nullable column)
    overdue = cases["award_notice_due"].notna() & cases["award_notice_sent_on"].isna() & (
        pd.to_datetime(cases["award_notice_due"]) < pd.Timestamp(now.date()))
    cross_border = awards["supplier_country"].notna() & (awards["supplier_country"] != awards["authority_country"])
    return _metric_table("procurement", {
        "cases": len(cases),
        "above_threshold": int((cases["above_threshold"] == True).sum()),  # noqa: E712
        "below_threshold": int((cases["above_threshold"] == False).sum()),  # noqa: E712
        "awards": len(awards),
        "awards_to_smes": to_smes,
        "sme_share_of_awards": _share(to_smes, len(awards)),
        "cross_border_awards": int(cross_border.sum()),
        "overdue_award_notices": int(overdue.sum()),
    })


def _procurement_routes(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    cases = _cases(filters, scope, now)
    cases = cases.assign(route=cases["procedure"].map(lambda value: str(value) if value is not None else "not_chosen"),
                         above=(cases["above_threshold"] == True).astype(int),  # noqa: E712
                         below=(cases["above_threshold"] == False).astype(int),  # noqa: E712
                         awarded=cases["contract_signed_on"].notna().astype(int), cases=1)
    routes = [procedure.value for procedure in Procedure] + ["not_chosen"]
    grouped = cases.groupby("route")[["cases", "above", "below", "awarded"]].sum().reindex(routes, fill_value=0)
    return pd.DataFrame({
        "route": routes, "label": [_route_label(route) for route in routes],
        "cases": grouped["cases"].astype(int).to_list(), "above_threshold": grouped["above"].astype(int).to_list(),
        "below_threshold": grouped["below"].astype(int).to_list(), "awarded": grouped["awarded"].astype(int).to_list(),
    })


# ---- clusters -------------------------------------------------------------------------------------

def _clusters(filters: Filters, scope: Scope, now: datetime) -> pd.DataFrame:
    window = _Window.of(filters)
    approvals = (sa.select(StatusChange.challenge_id, sa.func.min(StatusChange.at).label("approved_at"))
                 .where(StatusChange.from_status == ChallengeStatus.IN_MODERATION,
                        StatusChange.to_status == ChallengeStatus.PUBLISHED)
                 .group_by(StatusChange.challenge_id).subquery())
    moderated = (sa.select(Challenge.cluster_id, sa.literal("moderation").label("kind"), approvals.c.approved_at.label("at"),
                           Challenge.submitted_at.label("since"), sa.null().label("status"), sa.null().label("stopped"))
                 .join(approvals, approvals.c.challenge_id == Challenge.id)
                 .where(*window.contains(approvals.c.approved_at), *_challenges_in_scope(filters, scope)))
    starts, completed, stopped = _pilot_starts(), _reached(PilotStatus.COMPLETED), _reached(PilotStatus.STOPPED_EARLY)
    piloted = (sa.select(Pilot.cluster_id, sa.literal("pilot").label("kind"), starts.c.started_at.label("at"),
                         sa.null().label("since"), Pilot.status.label("status"),
                         sa.case((stopped.c.pilot_id.is_not(None), "stopped"), (completed.c.pilot_id.is_not(None), "completed"),
                                 else_="").label("stopped"))
               .join(starts, starts.c.pilot_id == Pilot.id)
               .join(Challenge, Challenge.id == Pilot.challenge_id)
               .outerjoin(completed, completed.c.pilot_id == Pilot.id)
               .outerjoin(stopped, stopped.c.pilot_id == Pilot.id)
               .where(*_pilots_started(filters, scope, starts)))
    events = sa.union_all(moderated, piloted).subquery()
    stmt = sa.select(events, Organisation.name.label("cluster")).join(Organisation, Organisation.id == events.c.cluster_id)
    frame = read_frame(stmt)
    frame = frame.assign(moderation=frame["kind"] == "moderation", pilot=frame["kind"] == "pilot",
                         wait=_days(frame["at"], frame["since"]).where(frame["kind"] == "moderation"))
    status = frame["status"].fillna("").map(str)
    frame = frame.assign(running=frame["pilot"] & status.isin([PilotStatus.RUNNING.value, PilotStatus.PAUSED.value]),
                         completed=frame["stopped"] == "completed", stopped_early=frame["stopped"] == "stopped")
    rows = []
    for (_cluster_id, name), events_of_cluster in frame.groupby(["cluster_id", "cluster"]):
        rows.append({
            "cluster": name, "challenges_moderated": int(events_of_cluster["moderation"].sum()),
            "median_moderation_days": _median(events_of_cluster["wait"]),
            "pilots": int(events_of_cluster["pilot"].sum()), "pilots_running": int(events_of_cluster["running"].sum()),
            "pilots_completed": int(events_of_cluster["completed"].sum()),
            "pilots_stopped_early": int(events_of_cluster["stopped_early"].sum()),
        })
    result = pd.DataFrame(rows, columns=TABLES["clusters"].column_names)
    return result.sort_values("cluster", kind="stable").astype({"median_moderation_days": object})


def _route_label(route: str) -> str:
    if route == "not_chosen":
        return str(_l("Not chosen yet"))
    facts = PROCEDURES[Procedure(route)]
    return f"{gettext(facts.name)} ({facts.article})"

_BUILDERS: dict[str, Callable[[Filters, Scope, datetime], pd.DataFrame]] = {
    "pipeline": _pipeline,
    "pipeline_by_authority": _pipeline_by_organisation(Challenge.lead_authority_id, "authority"),
    "pipeline_by_region": _pipeline_by_region,
    "pipeline_by_cpv": _pipeline_by_cpv,
    "pipeline_by_cluster": _pipeline_by_organisation(Challenge.cluster_id, "cluster"),
    "participation": _participation,
    "proposals_by_size": _proposals_by_size,
    "pilots": _pilots,
    "pilot_results": _pilot_results,
    "sus_distribution": _sus_distribution,
    "funnel": _funnel,
    "procurement": _procurement,
    "procurement_routes": _procurement_routes,
    "clusters": _clusters,
}
