"""The indicator tables as files: CSV per table, and a workbook (XLSX, or a ZIP of CSVs) of them all.

The web downloads and `flask ppi report` write the same files from the same DataFrames.
"""
import io
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime

import pandas as pd

from ppi.reports import indicators
from ppi.reports.catalogue import TABLES, Audience
from ppi.reports.indicators import Filters, Scope

FORMATS = ("xlsx", "csv")


def compute(filters: Filters, scope: Scope, now: datetime, names: Iterable[str] | None = None,
            progress: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """Every table the audience may see (or `names`), in the catalogue's order."""
    frames = {}
    for name in names or indicators.tables_for(scope.audience):
        frames[name] = indicators.table(name, filters, scope, now)
        if progress:
            progress(name)
    return frames


def about(filters: Filters, scope: Scope, now: datetime, licence: str) -> pd.DataFrame:
    """What the export holds: when, for whom, with which filters, under which licence, and each table's definition."""
    rows = [
        ("generated", now.isoformat(timespec="seconds")),
        ("audience", scope.audience.value + (f" (organisation {scope.organisation_id})" if scope.organisation_id else "")),
        ("from", filters.date_from.isoformat() if filters.date_from else ""),
        ("to", filters.date_to.isoformat() if filters.date_to else ""),
        ("per", filters.granularity),
        ("region", filters.region),
        ("cluster", str(filters.cluster_id or "")),
        ("authority", str(filters.authority_id or "")),
        ("cpv_division", filters.cpv_division),
        ("licence", licence if scope.audience == Audience.PUBLIC else "not for publication: contains non-public figures"),
    ]
    rows += [(f"table {name}", f"{definition.title}: {definition.description}") for name, definition in TABLES.items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read accented names correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frames: dict[str, pd.DataFrame], about_frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        about_frame.to_excel(writer, sheet_name="about", index=False)
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def csv_zip_bytes(frames: dict[str, pd.DataFrame], about_frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.csv", csv_bytes(about_frame))
        for name, frame in frames.items():
            archive.writestr(f"{name}.csv", csv_bytes(frame))
    return buffer.getvalue()


def workbook(fmt: str, frames: dict[str, pd.DataFrame], about_frame: pd.DataFrame) -> bytes:
    return xlsx_bytes(frames, about_frame) if fmt == "xlsx" else csv_zip_bytes(frames, about_frame)
