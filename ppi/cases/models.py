"""Case summaries: what a reported pilot or a closed procurement case taught, published for other regions.

The authors' texts are written by the parties; the facts are copied from the record into typed columns each time a
draft is saved and no longer change once published, so a later edit of the pilot or the case cannot change what
the public read. Nothing of a proposal but the chosen company's name, and nothing about a person, is copied.
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.cases.workflow import Outcome, Party, SummaryStatus
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db
from ppi.procurement.directive import Procedure

AUTHOR_FIELDS = ("title", "what_was_tried", "with_whom", "users_said", "learned", "differently")


class CaseSummary(db.Model):
    __tablename__ = "case_summaries"
    __table_args__ = (
        sa.CheckConstraint("pilot_id IS NOT NULL OR procurement_case_id IS NOT NULL", name="source"),
        # The library's page: published summaries, newest first, read in order from the index.
        sa.Index("ix_case_summaries_status_published", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pilots.id"), unique=True)
    procurement_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procurement_cases.id"), unique=True)
    status: Mapped[SummaryStatus] = mapped_column(enum_column(SummaryStatus, 16), default=SummaryStatus.DRAFT)
    revision: Mapped[int] = mapped_column(default=1)  # raised by every save: an approval names the revision it saw
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)  # public
    authority_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    authority_approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cluster_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cluster_approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # written by the authors (public once published)
    title: Mapped[str] = mapped_column(sa.String(200))
    what_was_tried: Mapped[str] = mapped_column(sa.Text)
    with_whom: Mapped[str] = mapped_column(sa.Text)
    users_said: Mapped[str | None] = mapped_column(sa.Text)
    learned: Mapped[str] = mapped_column(sa.Text)
    differently: Mapped[str | None] = mapped_column(sa.Text)
    # taken from the record when the draft is saved
    challenge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    challenge_title: Mapped[str | None] = mapped_column(sa.String(200))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    authority_name: Mapped[str] = mapped_column(sa.String(200))
    cluster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    cluster_name: Mapped[str | None] = mapped_column(sa.String(200))
    company_name: Mapped[str | None] = mapped_column(sa.String(200))  # the pilot's company, or the contract's supplier
    nuts_code: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    pilot_from: Mapped[date | None]  # the first day of the month: the library shows months only
    pilot_until: Mapped[date | None]
    test_users: Mapped[int | None]  # enrolled and not withdrawn
    sus_mean: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))  # only with workflow.MIN_SUS_RESPONDENTS or more
    sus_grade: Mapped[str | None] = mapped_column(sa.String(2))
    sus_respondents: Mapped[int | None]
    procedure: Mapped[Procedure | None] = mapped_column(enum_column(Procedure, 40))
    contract_value_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))  # completed contracts only (Art 50)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, 24), index=True)

    cpv_codes: Mapped[list["CaseSummaryCpv"]] = relationship(
        back_populates="summary", cascade="all, delete-orphan", lazy="selectin", order_by="CaseSummaryCpv.code")

    @property
    def codes(self) -> list[str]:
        return [item.code for item in self.cpv_codes]

    @property
    def has_cluster(self) -> bool:
        return self.cluster_id is not None

    @property
    def approvals(self) -> set[Party]:
        return {party for party, at in ((Party.AUTHORITY, self.authority_approved_at),
                                        (Party.CLUSTER, self.cluster_approved_at)) if at is not None}

    def __repr__(self) -> str:
        return f"<CaseSummary {self.id} {self.status}>"


class CaseSummaryCpv(db.Model):
    """The summary's CPV codes, one row each, so that the library filters on a division or group prefix in SQL."""

    __tablename__ = "case_summary_cpv"

    summary_id: Mapped[int] = mapped_column(sa.ForeignKey("case_summaries.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True, index=True)

    summary: Mapped[CaseSummary] = relationship(back_populates="cpv_codes")
