"""The indicators as last computed (`ppi.reports.cache`): kept in the database, so every app server shares them."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ppi.core.types import UTCDateTime
from ppi.extensions import db


class CachedFigures(db.Model):
    """Every table of one view of the indicators (audience, organisation, filters, language), rendered as the page
    shows it."""

    __tablename__ = "indicator_cache"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # `cache.view_key`: what the figures depend on
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    refreshing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a request is computing them again
    html: Mapped[str] = mapped_column(sa.Text)
