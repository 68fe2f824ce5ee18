"""Reading SQL into pandas: the one way reports and exports get their data."""
import pandas as pd
import sqlalchemy as sa

from ppi.extensions import db


def read_frame(stmt: sa.Select) -> pd.DataFrame:
    """The rows of `stmt` as a DataFrame, with SQLAlchemy's column types applied (aware datetimes, enums)."""
    with db.engine.connect() as connection:
        return pd.read_sql(stmt, connection)
