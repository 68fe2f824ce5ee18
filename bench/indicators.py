"""Benchmark of the monitoring and evaluation indicators (`ppi.reports`) at platform scale.

Builds a fresh database (SQLite in a temporary folder, and PostgreSQL when DATABASE_URL is given), creates
the schema the way `flask db upgrade` does, generates a realistic data set with bulk inserts and a fixed seed
(`bench.data`: the other counts in proportion to the challenges unless given), then times every indicator table
and the whole XLSX export for the platform and the public audience, with no filters and with a typical one (one
calendar year and a NUTS 2 region).

    .venv/bin/python bench/indicators.py                                   # SQLite, 10,000 challenges, 100,000 proposals
    .venv/bin/python bench/indicators.py --challenges 1000 --proposals 10000   # a quick run
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ppi_bench .venv/bin/python bench/indicators.py

The PostgreSQL database is created when missing and dropped and created again when it exists, so its name
must contain "bench" (the benchmark refuses any other: DATABASE_URL is also what the app itself reads).
Figures go to the terminal and to bench/results/indicators-<backend>.json. The targets (issue: each table
under 1 s, the whole XLSX export under 10 s at 100,000 proposals) are reported as pass/fail, not asserted.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.data import PASSWORD, SEED, Size  # noqa: E402
from bench.databases import add_backend_arguments, bench_app, chosen_backends, fill, prepare_postgresql  # noqa: E402
from ppi.extensions import db  # noqa: E402
from ppi.reports import exports, indicators  # noqa: E402
from ppi.reports.catalogue import Audience  # noqa: E402
from ppi.reports.indicators import Filters, Scope  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TABLE_TARGET_S = 1.0
EXPORT_TARGET_S = 10.0


# ---- the timings -----------------------------------------------------------------------------------

def filter_sets(now: datetime) -> dict[str, Filters]:
    last_year = now.year - 1
    return {
        "no filters": Filters(),
        f"{last_year} + DK03": Filters(date_from=date(last_year, 1, 1), date_to=date(last_year, 12, 31), region="DK03"),
    }


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def timed(function, repeat: int) -> tuple[float, list[float], object]:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs, result


def measure(app, now: datetime, repeat: int) -> list[dict]:
    results = []
    with app.app_context():
        indicators.table("pipeline", Filters(), Scope(Audience.PUBLIC), now)  # warm-up: imports, caches, connections
        for audience in (Audience.PLATFORM, Audience.PUBLIC):
            scope = Scope(audience)
            for filter_name, filters in filter_sets(now).items():
                for name in indicators.tables_for(audience):
                    seconds, runs, frame = timed(lambda: indicators.table(name, filters, scope, now), repeat)
                    results.append({"audience": audience.value, "filters": filter_name, "item": name, "kind": "table",
                                    "seconds": seconds, "min_s": min(runs), "runs": runs, "rows": len(frame), "target_s": TABLE_TARGET_S,
                                    "pass": seconds < TABLE_TARGET_S})

                def export():
                    started = time.perf_counter()
                    frames = exports.compute(filters, scope, now)
                    computed = time.perf_counter()
                    about = exports.about(filters, scope, now, app.config["PPI_OPEN_DATA_LICENCE"])
                    body = exports.xlsx_bytes(frames, about)
                    return computed - started, time.perf_counter() - computed, len(body)

                seconds, runs, (compute_s, write_s, size) = timed(export, repeat)
                results.append({"audience": audience.value, "filters": filter_name, "item": "export.xlsx", "kind": "export",
                                "seconds": seconds, "min_s": min(runs), "runs": runs, "compute_s_last": compute_s, "xlsx_s_last": write_s,
                                "bytes": size, "target_s": EXPORT_TARGET_S, "pass": seconds < EXPORT_TARGET_S})
                print(f"  measured {audience.value} / {filter_name}", flush=True)
    return results


def print_results(results: list[dict]) -> None:
    columns = list(dict.fromkeys((r["audience"], r["filters"]) for r in results))
    items = list(dict.fromkeys(r["item"] for r in results))
    by_key = {(r["item"], r["audience"], r["filters"]): r for r in results}
    headers = [f"{audience} / {filters}" for audience, filters in columns]
    width = max(len(item) for item in items) + 2
    print("\nSeconds (median of runs); target: table < 1 s, export.xlsx < 10 s; ✗ marks a miss")
    print("".ljust(width) + "".join(h.rjust(max(len(h), 12) + 2) for h in headers))
    for item in items:
        line = item.ljust(width)
        for (audience, filters), header in zip(columns, headers):
            cell = by_key.get((item, audience, filters))
            text = "—" if cell is None else f"{cell['seconds']:.3f}{'' if cell['pass'] else ' ✗'}"
            line += text.rjust(max(len(header), 12) + 2)
        print(line)
    tables = [r for r in results if r["kind"] == "table"]
    exports_ = [r for r in results if r["kind"] == "export"]
    slow = sorted((r for r in results if not r["pass"]), key=lambda r: -r["seconds"])
    print(f"\nTables under {TABLE_TARGET_S:g} s: {sum(r['pass'] for r in tables)}/{len(tables)} "
          f"({'PASS' if all(r['pass'] for r in tables) else 'FAIL'}); slowest {max(r['seconds'] for r in tables):.3f} s")
    print(f"XLSX exports under {EXPORT_TARGET_S:g} s: {sum(r['pass'] for r in exports_)}/{len(exports_)} "
          f"({'PASS' if all(r['pass'] for r in exports_) else 'FAIL'}); slowest {max(r['seconds'] for r in exports_):.3f} s")
    for r in slow:
        print(f"  over target: {r['item']} ({r['audience']} / {r['filters']}): {r['seconds']:.3f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=None, help="default: challenges x 10")
    parser.add_argument("--organisations", type=int, default=None, help="default: challenges / 20 (at least 50)")
    parser.add_argument("--pilots", type=int, default=None, help="default: challenges / 5")
    parser.add_argument("--cases", type=int, default=None, help="default: challenges / 10")
    parser.add_argument("--repeat", type=int, default=3, help="runs per item; the median is reported (default 3)")
    add_backend_arguments(parser)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and print its path")
    args = parser.parse_args(argv)
    size = Size.of(args.challenges, proposals=args.proposals, organisations=args.organisations, pilots=args.pilots,
                   cases=args.cases)
    args.now = datetime.now(timezone.utc).replace(microsecond=0)
    backends = chosen_backends(parser, args)
    warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")  # SQLite stores Numeric as REAL
    RESULTS.mkdir(exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="ppi-bench-"))
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{temp / 'bench.sqlite'}"
            else:
                url = args.database_url
                prepare_postgresql(url)
            print(f"\n== {backend}: {size.challenges:,} challenges, {size.proposals:,} proposals, "
                  f"{size.organisations:,} organisations, {size.pilots:,} pilots, {size.cases:,} procurement cases", flush=True)
            generation = fill(url, size, now=args.now)
            app = bench_app(url)
            rows = generation["rows"]
            print(f"Schema (flask db upgrade): {generation['migrate_s']:.1f} s; data generated and bulk-inserted: "
                  f"{generation['generate_and_insert_s']:.1f} s"
                  + (f"; VACUUM ANALYZE: {generation['analyze_s']:.1f} s" if backend == "postgresql" else "")
                  + f"; total {generation['total_s']:.1f} s ({sum(rows.values()):,} rows)")
            print("Rows: " + ", ".join(f"{name} {count:,}" for name, count in sorted(rows.items(), key=lambda kv: -kv[1])))
            with app.app_context():
                version = db.session.execute(sa.text("SELECT sqlite_version()" if backend == "sqlite" else "SHOW server_version")).scalar()
                db.session.remove()
            load_before = load_average()
            results = measure(app, args.now, args.repeat)
            load_after = load_average()
            print_results(results)
            print(f"Load average (1, 5, 15 min) before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs"
                  + (" — the machine was busy: figures are inflated" if max(load_before[0], load_after[0]) > (os.cpu_count() or 1)
                     else ""))
            with app.app_context():
                db.engine.dispose()
            document = {
                "backend": backend, "server_version": version, "generated_at": args.now.isoformat(),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                            "load_average_before": load_before, "load_average_after": load_after},
                "parameters": size.__dict__ | {"repeat": args.repeat, "seed": SEED},
                "filters": {name: {"from": f.date_from.isoformat() if f.date_from else None,
                                   "to": f.date_to.isoformat() if f.date_to else None, "region": f.region}
                            for name, f in filter_sets(args.now).items()},
                "targets": {"table_s": TABLE_TARGET_S, "export_xlsx_s": EXPORT_TARGET_S},
                "generation": generation, "results": results,
                "pass": {"tables": all(r["pass"] for r in results if r["kind"] == "table"),
                         "exports": all(r["pass"] for r in results if r["kind"] == "export")},
            }
            target = RESULTS / f"indicators-{backend}.json"
            target.write_text(json.dumps(document, indent=1, default=str) + "\n")
            print(f"Written: {target.relative_to(ROOT)}")
    finally:
        if args.keep and (temp / "bench.sqlite").exists():
            print(f"SQLite database kept: {temp / 'bench.sqlite'} (every account's password: {PASSWORD})")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
