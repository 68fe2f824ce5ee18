"""Load benchmark of the main pages (`make bench`): requests per second, latency, SQL queries and memory per page.

For each size (challenges; the rest in proportion, `bench.data.Size.of`) it takes the generated database from the
cache or generates it (`bench.databases`), then:

1. in-process, with the app's test client on the same database: signs in once as a verified company's admin, and
   requests each page twice, counting the SQL statements of the second request with a `before_cursor_execute`
   event (the first warms caches; its count is kept too, as `queries_cold`);
2. serves a bare Flask "hello world" (`bench/hello.py`) with gunicorn, one sync worker per CPU, access log off,
   and drives it with wrk on loopback for `--seconds`: the ceiling for a Flask page on this machine in this run;
3. for each page: starts gunicorn on PPI (production settings, the same database) afresh, warms every worker up,
   drives the page with wrk for `--seconds` (the signed-in page with the session cookie of step 1), then reads the
   peak resident memory (VmHWM) of each worker and stops it.

It prints per page and size: requests/s, p50 and p95 latency, requests/s as a share of the bare Flask's, the SQL
queries and the peak memory per worker, then PASS/FAIL for each target of issue 8 (every page at most 8 queries;
p95 at the largest size at most 1.5 x p95 at the smallest; challenge list and detail at least 25 % of the bare Flask's
requests/s on SQLite), and writes the figures to bench/results/pages-<backend>.json.

    .venv/bin/python bench/pages.py                                   # SQLite, 1,000 / 10,000 / 100,000 challenges
    .venv/bin/python bench/pages.py --sizes 1000 --seconds 2          # a quick run
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ppi_bench .venv/bin/python bench/pages.py  # + PostgreSQL

wrk: `apt-get install -y wrk` (Debian/Ubuntu); without it a Python load generator (`bench/loadgen.py`) stands in,
which loads the server less: its figures are comparable with each other only. The load generator runs on the same
cores as the server, so absolute figures are noisy: read the ratios measured within one run.
"""
import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench import loadgen  # noqa: E402
from bench.data import PASSWORD, SEED, Size  # noqa: E402
from bench.processes import children  # noqa: E402
from bench.databases import (  # noqa: E402
    CACHE, SECRET_KEY, add_backend_arguments, bench_app, cached_postgresql, cached_sqlite, chosen_backends)
from ppi.accounts.models import Organisation, OrganisationKind, OrgRole, User  # noqa: E402
from ppi.accounts.workflow import VerificationStatus  # noqa: E402
from ppi.challenges.models import Challenge, Question  # noqa: E402
from ppi.challenges.workflow import ChallengeStatus  # noqa: E402
from ppi.core.timeutil import utcnow  # noqa: E402
from ppi.extensions import db  # noqa: E402
from ppi.procurement.models import ProcurementCase  # noqa: E402
from ppi.procurement.workflow import CaseStatus  # noqa: E402

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WRK_SCRIPT = BENCH / "report.lua"
USER_AGENT = "ppi-bench"  # the same for the sign-in and the load: Flask-Login's session protection compares it
DEFAULT_SIZES = (1_000, 10_000, 100_000)
MAX_QUERIES = 8
MAX_P95_GROWTH = 1.5
MIN_SHARE_OF_FLASK = 0.25
SHARE_PAGES = ("challenges", "challenge_detail")
REQUEST_TIMEOUT_S = 120  # a page slower than this under load is reported as timing out


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # with {challenge_id} / {case_id} filled from the database (`page_targets`)
    signed_in: bool = False


PAGES = (
    Page("home", "/"),
    Page("challenges", "/challenges/"),
    Page("challenges_search", "/challenges/?q=rehabilitation"),
    Page("challenges_filtered", "/challenges/?status=open&cpv=33&region=DK&sort=newest"),
    Page("challenge_detail", "/challenges/{challenge_id}"),
    Page("dashboard", "/dashboard", signed_in=True),
    Page("indicators", "/indicators/"),
    Page("api_challenges", "/api/v1/challenges"),
    Page("ocds_case", "/api/v1/procurement/cases/{case_id}"),
)


# ---- what the pages show ---------------------------------------------------------------------------

def page_targets(app: Flask) -> dict[str, object]:
    """The objects the pages show, chosen the same way at every size: the open challenge with the most published
    answers, the first public procurement case that reached a contract, the first verified company's admin."""
    answered = sa.and_(Question.challenge_id == Challenge.id, Question.answered_at.is_not(None))
    queries = {
        "challenge_id": sa.select(Challenge.id).outerjoin(Question, answered)
        .where(Challenge.status == ChallengeStatus.PUBLISHED, Challenge.proposal_deadline > utcnow())
        .group_by(Challenge.id).order_by(sa.func.count(Question.id).desc(), Challenge.id),
        "case_id": sa.select(ProcurementCase.id).where(ProcurementCase.was_published.is_(True)).order_by(
            ProcurementCase.status.not_in([CaseStatus.CONTRACT_SIGNED, CaseStatus.COMPLETED]), ProcurementCase.id),
        "email": sa.select(User.email).join(Organisation, Organisation.id == User.organisation_id).where(
            Organisation.kind == OrganisationKind.COMPANY, Organisation.verification_status == VerificationStatus.VERIFIED,
            User.org_role == OrgRole.ADMIN).order_by(Organisation.id, User.id),
    }
    with app.app_context():
        targets = {name: db.session.scalar(query.limit(1)) for name, query in queries.items()}
        db.session.remove()
    missing = [name for name, value in targets.items() if value is None]
    if missing:
        raise RuntimeError(f"the generated data has nothing to show for: {', '.join(missing)}")
    return targets


def page_path(page: Page, targets: dict) -> str:
    return page.path.format(**targets)


# ---- in-process: sign-in, query counts, profiles ---------------------------------------------------

@contextmanager
def counting_queries(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements sent to the database while the block runs."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def signed_in_client(app: Flask, email: str, password: str = PASSWORD):
    """A test client signed in through the login form, over https so that the Secure session cookie is kept (and so with
    the Referer that CSRF protection checks on https)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    form = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"email": email, "password": password, **({"csrf_token": token[1]} if token else {})})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed: HTTP {response.status_code}")
    return client


def in_process(app: Flask, targets: dict, profile_dir: Path | None = None) -> tuple[dict, str]:
    """Each page requested twice in-process: {page: status, queries, queries_cold, statements}, and the session
    cookie to send with the signed-in pages."""
    anonymous = app.test_client()
    anonymous.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    signed_in = signed_in_client(app, targets["email"])
    cookie = signed_in.get_cookie("session", domain="localhost").value
    figures = {}
    with app.app_context():
        engine = db.engine
    for page in PAGES:
        client = signed_in if page.signed_in else anonymous
        path = page_path(page, targets)
        with counting_queries(engine) as cold:
            client.get(path, base_url="https://localhost")
        with counting_queries(engine) as warm:
            status = client.get(path, base_url="https://localhost").status_code
        figures[page.name] = {"path": path, "status": status, "queries": len(warm), "queries_cold": len(cold),
                              "statements": [" ".join(statement.split())[:300] for statement in warm]}
        if profile_dir is not None:
            write_profile(client, path, profile_dir / f"{page.name}.txt")
    return figures, cookie


def write_profile(client, path: str, target: Path, requests: int = 5) -> None:
    """The functions that took the most time (cumulative) over a few in-process requests of `path`."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path, base_url="https://localhost")
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"{requests} requests of {path}\n{text.getvalue()}")


# ---- serving and loading ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving `app_spec` on a free loopback port with `workers` sync workers, access log off."""

    def __init__(self, app_spec: str, env: dict[str, str], workers: int, log: Path):
        self.port = free_port()
        self.workers = workers
        with log.open("a") as output:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--no-control-socket", "--chdir", str(ROOT), "--workers", str(workers),
                 "--bind", f"127.0.0.1:{self.port}", "--timeout", str(REQUEST_TIMEOUT_S + 30), "--log-level", "warning",
                 app_spec],
                # Started in bench/, not next to the production gunicorn.conf.py, which gunicorn would read from its
                # working directory (access log on, workers restarted every 1,000 requests): these flags are all.
                cwd=BENCH, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT)
        self._wait_until_listening(log)

    def _wait_until_listening(self, log: Path, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped (exit {self.process.returncode}); see {log}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not listen within {seconds} s; see {log}")

    def peak_memory_mb(self) -> float | None:
        """The largest peak resident set (VmHWM) among the workers, in MiB (None where /proc has no such line)."""
        peaks = []
        for pid in children(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(int(match[1]) / 1024)
        return round(max(peaks), 1) if peaks else None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def serving(app_spec: str, env: dict[str, str], workers: int, log: Path) -> Iterator[Server]:
    server = Server(app_spec, env, workers, log)
    try:
        yield server
    finally:
        server.stop()


def warm_up(server: Server, path: str, headers: dict[str, str]) -> int:
    """Requests from as many threads as there are workers, twice, so that every worker has served the page once
    before it is timed (imports, template compilation, caches): the status of the last one."""
    statuses: list[int] = []

    def fetch() -> None:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        answer = b""
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT_S) as connection:
                request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{head}\r\n"
                connection.sendall(request.encode())
                while chunk := connection.recv(65536):
                    answer += chunk
        except OSError:  # a worker that died (say, the app failed to import): no status
            pass
        statuses.append(int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0)

    for _ in range(2):
        threads = [threading.Thread(target=fetch) for _ in range(server.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return statuses[-1] if statuses else 0


def load(server: Server, path: str, headers: dict[str, str], args) -> dict:
    """Drive `path` for `args.seconds`: wrk when installed, else the Python load generator."""
    if args.wrk:
        command = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s",
                   "--timeout", f"{REQUEST_TIMEOUT_S}s", "-s", str(WRK_SCRIPT)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(command + [f"http://127.0.0.1:{server.port}{path}"], capture_output=True, text=True,
                                check=True).stdout
        line = next(line for line in output.splitlines() if line.startswith("PPI-BENCH "))
        figures = json.loads(line.removeprefix("PPI-BENCH "))
    else:
        figures = loadgen.run("127.0.0.1", server.port, path, headers, args.seconds, args.connections,
                              REQUEST_TIMEOUT_S)
    ok = figures["requests"] - figures["non_2xx"]
    seconds = figures["duration_us"] / 1e6
    return {"requests": figures["requests"], "non_2xx": figures["non_2xx"], "errors": figures["errors"],
            "timeouts": figures["timeouts"], "rps": round(ok / seconds, 1) if seconds else 0.0,
            "p50_ms": round(figures["p50_us"] / 1000, 2) if ok else None,
            "p95_ms": round(figures["p95_us"] / 1000, 2) if ok else None,
            "p99_ms": round(figures["p99_us"] / 1000, 2) if ok else None}


def measure(app_spec: str, env: dict, path: str, headers: dict, args, log: Path) -> dict:
    """One page under load on a fresh gunicorn: the load figures, the warm-up's status, the workers' peak memory.
    A page that does not answer 200 to the warm-up is not loaded; one whose server fails is recorded as failed."""
    try:
        with serving(app_spec, env, args.workers, log) as server:
            status = warm_up(server, path, headers)
            if status != 200:
                return not_measured(status, f"HTTP {status} before the load (see {log})")
            return load(server, path, headers, args) | {"warm_up_status": status,
                                                         "peak_memory_mb": server.peak_memory_mb()}
    except (RuntimeError, subprocess.CalledProcessError) as error:
        return not_measured(0, str(error))


def not_measured(status: int, error: str) -> dict:
    return {"requests": 0, "non_2xx": 0, "errors": 0, "timeouts": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None,
            "p99_ms": None, "warm_up_status": status, "peak_memory_mb": None, "error": error}


# ---- one size -----------------------------------------------------------------------------------------

def bench_size(url: str, args, log: Path, profile_dir: Path | None) -> dict:
    app = bench_app(url)
    targets = page_targets(app)
    counted, cookie = in_process(app, targets, profile_dir)
    with app.app_context():
        db.engine.dispose()
    env = {"DATABASE_URL": url, "PPI_CONFIG": "production", "SECRET_KEY": SECRET_KEY, "PPI_LOG_LEVEL": "WARNING",
           "RATELIMIT_STORAGE_URI": "memory://"}
    load_before = os.getloadavg()[0]
    hello = measure("bench.hello:app", env, "/", {"User-Agent": USER_AGENT}, args, log)
    print(f"  {'bare Flask':<22}" + row(hello, hello["rps"], None), flush=True)
    pages = {}
    for page in PAGES:
        headers = {"User-Agent": USER_AGENT} | ({"Cookie": f"session={cookie}"} if page.signed_in else {})
        figures = measure("wsgi:app", env, counted[page.name]["path"], headers, args, log)
        pages[page.name] = figures | counted[page.name] | {
            "share_of_flask": round(figures["rps"] / hello["rps"], 3) if hello["rps"] else None}
        print(f"  {page.name:<22}" + row(pages[page.name], hello["rps"], counted[page.name]["queries"]), flush=True)
    return {"targets": targets, "hello": hello, "pages": pages,
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


HEADER = f"  {'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}{'queries':>9}{'MB/worker':>11}  notes"


def row(figures: dict, flask_rps: float, queries: int | None) -> str:
    def number(value, digits=1):
        return "—" if value is None else f"{value:,.{digits}f}"

    notes = [figures["error"]] if figures.get("error") else []
    if figures.get("status", 200) != 200:
        notes.append(f"in-process: HTTP {figures['status']}")
    if figures["non_2xx"] or figures["errors"]:
        notes.append(f"{figures['non_2xx']} non-2xx, {figures['errors']} errors ({figures['timeouts']} timeouts)")
    if figures["requests"] == 0 and not figures.get("error"):
        notes.append("no request finished in the time")
    ratio = figures["rps"] / flask_rps if flask_rps else None
    return (f"{number(figures['rps']):>9}{number(figures['p50_ms']):>9}{number(figures['p95_ms']):>9}"
            f"{number(ratio, 2):>8}{'—' if queries is None else queries:>9}{number(figures['peak_memory_mb'], 0):>11}"
            f"  {'; '.join(notes)}")


# ---- the targets -----------------------------------------------------------------------------------

def verdicts(backend: str, sizes: dict[int, dict]) -> list[dict]:
    """PASS/FAIL of each target of issue 8 on the measured sizes (a target needing two sizes needs two)."""
    results = []
    over = [(size, name, page["queries"]) for size, run in sizes.items() for name, page in run["pages"].items()
            if page["queries"] > MAX_QUERIES]
    failed = [(size, name) for size, run in sizes.items() for name, page in run["pages"].items()
              if page["status"] != 200 or page["warm_up_status"] != 200 or page["non_2xx"]]
    results.append({"target": "every page answers 200", "pass": not failed,
                    "detail": ", ".join(f"{name} at {size:,}" for size, name in failed) or "all"})
    results.append({"target": f"every page at most {MAX_QUERIES} SQL queries", "pass": not over,
                    "detail": ", ".join(f"{name} at {size:,}: {count}" for size, name, count in over) or "all"})
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        slower = []
        for name, page in sizes[large]["pages"].items():
            base, p95 = sizes[small]["pages"][name]["p95_ms"], page["p95_ms"]
            if base is None or p95 is None or p95 > MAX_P95_GROWTH * base:
                slower.append(f"{name} {_ms(base)} -> {_ms(p95)}")
        results.append({"target": f"p95 at {large:,} at most {MAX_P95_GROWTH} x p95 at {small:,}", "pass": not slower,
                        "detail": ", ".join(slower) or "all"})
    if backend == "sqlite":
        short = [f"{name} at {size:,}: {page['share_of_flask']:.0%}" if page["share_of_flask"] is not None
                 else f"{name} at {size:,}: —"
                 for size, run in sizes.items() for name, page in run["pages"].items()
                 if name in SHARE_PAGES and (page["share_of_flask"] or 0) < MIN_SHARE_OF_FLASK]
        results.append({"target": f"challenge list and detail at least {MIN_SHARE_OF_FLASK:.0%} of bare Flask req/s",
                        "pass": not short, "detail": ", ".join(short) or "all"})
    return results


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


# ---- the run ---------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="numbers of challenges, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--seconds", type=int, default=5, help="load per page, in seconds (default 5)")
    parser.add_argument("--connections", type=int, default=None, help="open connections (default: 2 per worker)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="gunicorn workers (default: one per CPU)")
    parser.add_argument("--seed", type=int, default=SEED)
    add_backend_arguments(parser)  # on PostgreSQL, the databases <name>_<challenges> on that server
    parser.add_argument("--regenerate", action="store_true", help="generate the databases even when cached")
    parser.add_argument("--profile", action="store_true",
                        help="write a cProfile of 5 in-process requests per page to bench/results/profiles/")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk is there")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    args.connections = args.connections or 2 * args.workers
    args.wrk = None if args.python_load else shutil.which("wrk")
    args.backends = chosen_backends(parser, args)
    return args


def run_backend(backend: str, args, log: Path) -> dict:
    sizes = {}
    for challenges in args.sizes:
        size = Size.of(challenges)
        started = time.perf_counter()
        if backend == "sqlite":
            url, generation = cached_sqlite(size, args.seed, args.regenerate)
        else:
            url, generation = cached_postgresql(args.database_url, size, args.seed, args.regenerate)
        rows = sum(generation["rows"].values())
        how = "cached" if generation["cached"] else f"generated in {time.perf_counter() - started:.0f} s"
        print(f"\n== {backend}, {challenges:,} challenges ({rows:,} rows, {how}; {generation['generated_at'][:10]})",
              flush=True)
        print(HEADER, flush=True)
        profile_dir = RESULTS / "profiles" / f"{backend}-{challenges}" if args.profile else None
        sizes[challenges] = bench_size(url, args, log, profile_dir) | {"size": size.__dict__, "generation": generation}
    results = verdicts(backend, sizes)
    print(f"\nTargets ({backend}):")
    for result in results:
        print(f"  {'PASS' if result['pass'] else 'FAIL'}  {result['target']}: {result['detail']}")
    return {"sizes": {str(size): run for size, run in sizes.items()}, "targets": results}


def main(argv=None) -> int:
    args = parse_args(argv)
    warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")  # SQLite stores Numeric as REAL
    if not args.wrk:
        print("wrk is not installed (Debian/Ubuntu: apt-get install -y wrk): using the Python load generator, "
              "which loads the server less.", flush=True)
    RESULTS.mkdir(exist_ok=True)
    log = Path(tempfile.gettempdir()) / f"ppi-bench-gunicorn-{os.getpid()}.log"
    print(f"{args.workers} gunicorn workers, {args.connections} connections, {args.seconds} s per page, "
          f"{'wrk' if args.wrk else 'Python load generator'}; databases cached in {CACHE}; gunicorn's log: {log}")
    for backend in args.backends:
        started = datetime.now(timezone.utc)
        document = {
            "backend": backend, "started_at": started.isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "parameters": {"sizes": args.sizes, "seconds": args.seconds, "connections": args.connections,
                           "workers": args.workers, "load_generator": "wrk" if args.wrk else "python",
                           "seed": args.seed},
            "limits": {"max_queries": MAX_QUERIES, "max_p95_growth": MAX_P95_GROWTH,
                       "min_share_of_flask": MIN_SHARE_OF_FLASK},
        } | run_backend(backend, args, log)
        target = RESULTS / f"pages-{backend}.json"
        target.write_text(json.dumps(document, indent=1) + "\n")
        print(f"Written: {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
