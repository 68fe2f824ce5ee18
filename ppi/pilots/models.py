"""Pilots: a selected proposal tried with public test users, facilitated by the challenge's cluster."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import Organisation
from ppi.challenges.models import Challenge
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db
from ppi.pilots.workflow import PilotStatus
from ppi.proposals.models import Proposal


class Pilot(db.Model):
    """Opened when the authority selects a proposal; the plan and its lifecycle are filled in from there."""

    __tablename__ = "pilots"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id"), unique=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus, 16), default=PilotStatus.PLANNING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    challenge: Mapped[Challenge] = relationship(lazy="joined")
    proposal: Mapped[Proposal] = relationship()
    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id], lazy="joined")
    company: Mapped[Organisation] = relationship(foreign_keys=[company_id], lazy="joined")
    cluster: Mapped[Organisation] = relationship(foreign_keys=[cluster_id], lazy="joined")
