"""What each indicator table means: the definitions policy makers read on the dashboard and the open-data
page, and the contract the computations in `indicators.py` and their tests keep.

Every table starts from the set of challenges in scope (`Scope`) that pass the filters (`Filters`):
public: challenges that were published (published_at set, a public status); authority: challenges its
organisation leads or partners in, in every state; cluster: challenges it facilitates; platform: all.
Filters: region = the challenge's NUTS code starts with the given code; cpv_division = one of the
challenge's CPV codes starts with the two digits; authority = lead authority; cluster = facilitating
cluster. The period [date_from, date_to] (days in UTC, both included) applies to each table's own
reference date, named in its description. Proposals count only once their challenge's proposal deadline
has passed (sealed until then, in every scope).
"""
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Audience(StrEnum):
    PUBLIC = "public"
    AUTHORITY = "authority"
    CLUSTER = "cluster"
    PLATFORM = "platform"


@dataclass(frozen=True)
class Column:
    name: str
    description: object  # a lazy string


@dataclass(frozen=True)
class Table:
    name: str
    title: object
    description: object
    columns: tuple[Column, ...]
    chart: str | None = None  # "bar", "line", "funnel" or "histogram"; None for a table only
    audiences: frozenset[Audience] = frozenset(Audience)  # who may see it

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


C = Column
NOT_PUBLIC = frozenset({Audience.AUTHORITY, Audience.CLUSTER, Audience.PLATFORM})
_METRIC_COLUMNS = (C("metric", _l("What is counted (a stable key)")), C("label", _l("What is counted, in words")),
                   C("value", _l("The figure (a count, a share between 0 and 1, or days)")))
_BREAKDOWN_COLUMNS = (
    C("published", _l("Challenges published in the period (by published_at)")),
    C("open", _l("Of those, open for proposals now (published, deadline not passed)")),
    C("closed", _l("Of those, closed: the proposal deadline has passed and the challenge was not cancelled")),
    C("cancelled", _l("Of those, cancelled")),
)

TABLES: dict[str, Table] = {table.name: table for table in (
    Table("pipeline", _l("Challenges over time"),
          _l("Per month, quarter or year of the period: challenges published in it (by published_at), "
             "challenges whose proposal deadline passed in it (not cancelled), and challenges open at its end "
             "(published by then, deadline after it, not cancelled). Periods without any are shown with zeros; "
             "a period still running ends now."),
          (C("period", _l("The month (2026-03), quarter (2026-Q1) or year (2026)")),
           C("published", _l("Challenges published in the period")),
           C("closed", _l("Challenges whose proposal deadline passed in the period")),
           C("open_at_end", _l("Challenges open for proposals at the end of the period"))), chart="line"),
    Table("pipeline_by_authority", _l("Challenges per authority"),
          _l("Challenges published in the period, per lead authority."),
          (C("authority", _l("The lead authority")),) + _BREAKDOWN_COLUMNS, chart="bar"),
    Table("pipeline_by_region", _l("Challenges per region"),
          _l("Challenges published in the period, per NUTS 2 region of the challenge (the first four "
             "characters of its NUTS code; shorter codes as given)."),
          (C("region", _l("NUTS 2 code")),) + _BREAKDOWN_COLUMNS, chart="bar"),
    Table("pipeline_by_cpv", _l("Challenges per CPV division"),
          _l("Challenges published in the period, per CPV division (first two digits) of their CPV codes; a "
             "challenge with codes in two divisions counts in both."),
          (C("cpv_division", _l("CPV division (two digits)")), C("division", _l("The division's name"))) + _BREAKDOWN_COLUMNS,
          chart="bar"),
    Table("pipeline_by_cluster", _l("Challenges per cluster"),
          _l("Challenges published in the period, per facilitating cluster."),
          (C("cluster", _l("The facilitating cluster")),) + _BREAKDOWN_COLUMNS, chart="bar"),
    Table("participation", _l("Participation"),
          _l("Submitted proposals (not withdrawn) to the challenges whose proposal deadline passed in the period. "
             "Other region: the company's NUTS 2 region differs from the challenge's (companies without a NUTS "
             "code compare by country). Other country: the company's country differs from the challenge's. "
             "Consortium: at least one partner confirmed. A new company had no proposal to a challenge with an "
             "earlier deadline than its first one counted here, anywhere on the platform; the others are returning."),
          _METRIC_COLUMNS),
    Table("proposals_by_size", _l("Proposals by company size"),
          _l("The proposals of the participation table by the company's size class under the EU SME definition "
             "(Recommendation 2003/361/EC), from the figures the company declares; 'unknown' while any figure "
             "is missing."),
          (C("size_class", _l("micro, small, medium, large or unknown")), C("proposals", _l("Proposals")),
           C("share", _l("Share of all proposals (0–1)"))), chart="bar"),
    Table("pilots", _l("Pilots"),
          _l("Pilots of the challenges in scope that started in the period (first moved to running). Completed "
             "and stopped early count pilots that reached those states (a reported pilot keeps how it ended). "
             "Test users: planned in the plan's groups, enrolled (not withdrawn), answered (gave feedback at "
             "least once). SUS: the mean of every feedback's score, and the mean of the pilots' means. "
             "Criteria met: success criteria whose latest measurement meets the target, of all criteria with a "
             "measurement."),
          _METRIC_COLUMNS),
    Table("pilot_results", _l("Pilot results"),
          _l("One row per pilot of the pilots table."),
          (C("pilot", _l("The pilot's title")), C("authority", _l("The authority")), C("company", _l("The company")),
           C("cluster", _l("The cluster")), C("status", _l("Status now")), C("started_on", _l("Day it started (UTC)")),
           C("test_users_planned", _l("Test users planned")), C("test_users_enrolled", _l("Enrolled, not withdrawn")),
           C("test_users_answered", _l("Enrolled and answered")), C("mean_sus", _l("Mean SUS score")),
           C("criteria_measured", _l("Success criteria with a measurement")),
           C("criteria_met", _l("Of those, met"))),
          audiences=NOT_PUBLIC),
    Table("sus_distribution", _l("SUS scores"),
          _l("Feedback of test users (not withdrawn) in the pilots table, by SUS score in bands of ten points "
             "(0–9.9, 10–19.9, …, 90–100)."),
          (C("band", _l("The lowest score of the band")), C("feedback", _l("Feedback in the band"))),
          chart="histogram"),
    Table("funnel", _l("From challenge to contract"),
          _l("Challenges published in the period and how far they went: at least one proposal, a pilot, a "
             "procurement case (linked to the challenge or to its pilot), a contract signed, the contract going to "
             "a company that piloted it. Median days (between UTC calendar dates), over the challenges that reached the stage: from publication to the proposal deadline, from the deadline "
             "to the pilot's creation, from the pilot to the case, from the case to the contract."),
          (C("stage", _l("The stage (a stable key)")), C("label", _l("The stage, in words")),
           C("challenges", _l("Challenges that reached the stage")),
           C("share", _l("Share of the published challenges (0–1)")),
           C("median_days", _l("Median days from the previous stage (empty for the first and last)"))),
          chart="funnel"),
    Table("procurement", _l("Procurement"),
          _l("Procurement cases created in the period (public: cases that were published; an authority: its own "
             "cases; a cluster: the cases of the challenges it facilitates). A case follows its challenge (linked "
             "directly or through its pilot) for the cluster, region and CPV division filters; a case without one "
             "follows its authority's NUTS code and its own CPV codes. Awards are cases with a contract signed; SME share and cross-border awards (supplier "
             "country differs from the authority's) are of awards. Overdue: award notices due before today and "
             "not sent (Art 50)."),
          _METRIC_COLUMNS),
    Table("procurement_routes", _l("Procurement routes"),
          _l("The cases of the procurement table per procedure under Directive 2014/24/EU, pre-commercial "
             "procurement or a national procedure below the threshold; 'not chosen' before the route is set."),
          (C("route", _l("The procedure (a stable key)")), C("label", _l("The procedure, in words")),
           C("cases", _l("Cases")), C("above_threshold", _l("Of those, at or above the EU threshold")),
           C("below_threshold", _l("Of those, below it")), C("awarded", _l("Of those, with a contract signed"))),
          chart="bar"),
    Table("clusters", _l("Cluster activity"),
          _l("Per facilitating cluster: challenges it moderated in the period (first approved for publication in "
             "it), the median days (between UTC calendar dates) from its latest submission to that approval, and the pilots of its challenges that "
             "started in the period with how they stand."),
          (C("cluster", _l("The cluster")), C("challenges_moderated", _l("Challenges approved in the period")),
           C("median_moderation_days", _l("Median days from submission to approval")),
           C("pilots", _l("Pilots started in the period")), C("pilots_running", _l("Of those, running or paused")),
           C("pilots_completed", _l("Of those, completed")), C("pilots_stopped_early", _l("Of those, stopped early"))),
          chart="bar"),
)}

# The rows of the metric tables, in order: key -> label.
METRICS: dict[str, dict[str, object]] = {
    "participation": {
        "challenges": _l("Challenges whose proposal deadline passed"),
        "proposals": _l("Proposals submitted"),
        "proposals_per_challenge_median": _l("Proposals per challenge (median)"),
        "proposals_per_challenge_mean": _l("Proposals per challenge (mean)"),
        "companies": _l("Companies that proposed"),
        "new_companies": _l("New companies"),
        "returning_companies": _l("Returning companies"),
        "sme_share": _l("Share of proposals from SMEs (of those with a known size)"),
        "other_region_share": _l("Share of proposals from other regions"),
        "other_country_share": _l("Share of proposals from other countries"),
        "consortia": _l("Proposals by consortia"),
        "single_companies": _l("Proposals by single companies"),
    },
    "pilots": {
        "started": _l("Pilots started"),
        "running": _l("Running or paused now"),
        "completed": _l("Completed"),
        "stopped_early": _l("Stopped early"),
        "test_users_planned": _l("Test users planned"),
        "test_users_enrolled": _l("Test users enrolled"),
        "test_users_answered": _l("Test users who answered"),
        "feedback": _l("Feedback given"),
        "mean_sus": _l("Mean SUS score (all feedback)"),
        "mean_pilot_sus": _l("Mean SUS score (mean of the pilots' means)"),
        "criteria_measured": _l("Success criteria measured"),
        "criteria_met": _l("Success criteria met"),
        "criteria_met_share": _l("Share of measured success criteria met"),
    },
    "procurement": {
        "cases": _l("Procurement cases"),
        "above_threshold": _l("At or above the EU threshold"),
        "below_threshold": _l("Below the EU threshold"),
        "awards": _l("Contracts signed"),
        "awards_to_smes": _l("Contracts signed with SMEs"),
        "sme_share_of_awards": _l("SME share of contracts signed"),
        "cross_border_awards": _l("Contracts signed with a supplier from another country"),
        "overdue_award_notices": _l("Award notices overdue"),
    },
}

FUNNEL_STAGES: dict[str, object] = {
    "published": _l("Challenge published"),
    "proposals": _l("At least one proposal"),
    "pilot": _l("Pilot"),
    "procurement": _l("Procurement case"),
    "contract": _l("Contract signed"),
    "pilot_company": _l("Contract with a company that piloted it"),
}
