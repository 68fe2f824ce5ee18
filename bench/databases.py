"""The benchmarks' databases: migrated as `flask db upgrade` does, filled by `bench.data`, kept between runs.

A generated database is cached under its key: the number of each thing generated, the seed, and the source of the
migrations and of `bench/data.py`, so a change to any of them generates it again. SQLite files go to PPI_BENCH_CACHE
(default: <temp dir>/ppi-bench-cache), `ppi-<challenges>-<key>.sqlite` with the generation's report beside it in
`.json`; a PostgreSQL database keeps its key and report in its comment (COMMENT ON DATABASE). Since the data is
generated relative to the day it was made (deadlines ahead and behind), a cached database older than MAX_AGE is
generated again. Delete the folder (or the databases) to force it, or pass `--regenerate`.
"""
import argparse
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from flask import Flask

from bench.data import SEED, Size, generate
from config import database_url
from ppi import ROOT, create_app
from ppi.extensions import db

CACHE = Path(os.environ.get("PPI_BENCH_CACHE") or Path(tempfile.gettempdir()) / "ppi-bench-cache")
MAX_AGE = timedelta(days=7)
SECRET_KEY = "benchmark-only-secret"  # the benchmarks' own databases, on loopback only


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default=None,
                        help="default: sqlite, and postgresql too when DATABASE_URL is set")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL URL (default: DATABASE_URL); its database name must contain 'bench'")


def chosen_backends(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The backends to run on (`--backend`; by default SQLite, and PostgreSQL too when a PostgreSQL URL is given),
    with `args.database_url` normalised; a usage error when PostgreSQL lacks a URL or a name containing "bench" (the
    benchmarks drop and create their databases, and DATABASE_URL is also what the app itself reads)."""
    postgres = (args.database_url or "").startswith("postgres")
    backends = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite", "postgresql"],
                None: ["sqlite"] + (["postgresql"] if postgres else [])}[args.backend]
    if "postgresql" in backends:
        if not postgres:
            parser.error("PostgreSQL needs DATABASE_URL (or --database-url) with a postgresql:// URL")
        args.database_url = database_url(args.database_url)
        name = sa.make_url(args.database_url).database or ""
        if "bench" not in name:
            parser.error(f"DATABASE_URL names the database {name!r}: the benchmarks drop and create their databases, "
                         "so they only use names containing 'bench' (e.g. .../ppi_bench)")
    return backends


def bench_app(url: str) -> Flask:
    """The app as production runs it, on the benchmark's database."""
    return create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY,
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})


def prepare_postgresql(url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database (its name must say "bench")."""
    parsed = sa.make_url(url)
    if "bench" not in (parsed.database or ""):
        raise ValueError(f"refusing to drop {parsed.database!r}: a benchmark database's name contains 'bench'")
    with _maintenance(url) as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))


def fill(url: str, size: Size, seed: int = SEED, now: datetime | None = None) -> dict:
    """Migrate the empty database at `url` and generate the data into it, in one transaction: the timings and rows."""
    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        logging.disable(logging.INFO)  # Alembic's env.py configures its own INFO logging: one line per migration
        try:
            flask_migrate.upgrade()
        finally:
            logging.disable(logging.NOTSET)
        migrated = time.perf_counter()
        with db.engine.begin() as connection:
            dataset = generate(connection, size.challenges, seed=seed, now=now, proposals=size.proposals,
                               organisations=size.organisations, pilots=size.pilots, cases=size.cases)
        inserted = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))  # what autovacuum does shortly after a bulk load
        analysed = time.perf_counter()
        db.engine.dispose()
    return {"generated_at": dataset.now.isoformat(), "migrate_s": migrated - started,
            "generate_and_insert_s": inserted - migrated, "analyze_s": analysed - inserted,
            "total_s": analysed - started, "rows": dataset.counts}


def cache_key(size: Size, seed: int) -> str:
    """What the data depends on: the counts, the seed, the migrations (their files: the head's id is in one, and
    Alembic cannot list revisions outside a migration context here) and the generator's source."""
    digest = hashlib.sha256(json.dumps([size.__dict__, seed], sort_keys=True).encode())
    for source in [Path(__file__).with_name("data.py"), *sorted((ROOT / "migrations" / "versions").glob("*.py"))]:
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:16]


def cached_sqlite(size: Size, seed: int = SEED, regenerate: bool = False) -> tuple[str, dict]:
    """The SQLite database of `size` (generated unless cached and fresh): its URL and the generation's report."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"ppi-{size.challenges}-{cache_key(size, seed)}.sqlite"
    report_path = path.with_suffix(".json")
    if not regenerate and path.exists() and report_path.exists():
        report = json.loads(report_path.read_text())
        if _fresh(report):
            return f"sqlite:///{path}", report | {"cached": True}
    for stale in CACHE.glob(f"ppi-{size.challenges}-*"):  # older keys of this size, and any half-written file
        stale.unlink()
    building = path.with_suffix(".building")
    report = fill(f"sqlite:///{building}", size, seed)
    building.rename(path)
    report_path.write_text(json.dumps(report, indent=1) + "\n")
    return f"sqlite:///{path}", report | {"cached": False}


def cached_postgresql(base_url: str, size: Size, seed: int = SEED, regenerate: bool = False) -> tuple[str, dict]:
    """The PostgreSQL database `<base name>_<challenges>` on the server of `base_url` (generated unless its comment
    shows the same key and a fresh date): its URL and the generation's report."""
    parsed = sa.make_url(base_url)
    url = parsed.set(database=f"{parsed.database}_{size.challenges}").render_as_string(hide_password=False)
    name, key = sa.make_url(url).database, cache_key(size, seed)
    with _maintenance(url) as connection:
        comment = connection.scalar(sa.text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"), {"name": name})
    report = json.loads(comment) if comment and comment.startswith("{") else {}
    if not regenerate and report.get("key") == key and _fresh(report):
        return url, report | {"cached": True}
    prepare_postgresql(url)
    report = fill(url, size, seed) | {"key": key}
    with _maintenance(url) as connection:
        connection.execute(sa.text(f'COMMENT ON DATABASE "{name}" IS {_quoted(json.dumps(report))}'))
    return url, report | {"cached": False}


def _fresh(report: dict) -> bool:
    generated = datetime.fromisoformat(report["generated_at"])
    return datetime.now(timezone.utc) - generated < MAX_AGE


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def _maintenance(url: str) -> Iterator[sa.Connection]:
    """An AUTOCOMMIT connection to the `postgres` database of the server of `url` (CREATE/DROP/COMMENT DATABASE)."""
    engine = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
