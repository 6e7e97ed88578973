"""Measure Kennisstad's page and search latency on the Leiden demo data and on a synthetic data set.

For each database it builds everything in a scratch data directory (migrate, load_demo, the search index),
serves the app on 127.0.0.1 under a real WSGI server and times sequential requests per URL; then it grows
the data SCALE times (bench/synthetic.py), rebuilds the index and measures again. Every figure is also
given as a multiple of the time to serve a static file in the same run, which makes runs on different
machines comparable. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
STATIC_URL = "/static/css/site.css"
SEARCHES = [
    ("search: huisvesting", "huisvesting"),
    ("search: GL", "GL"),
    ("search: biodiversitiet (typo)", "biodiversitiet"),
    ("search: student housing", "student housing"),
]
FACET_QUERY = "huisvesting"
FACET_LINK = re.compile(r'<a class="facet-link[^"]*" href="([^"]+)"')


@dataclass
class Measurement:
    label: str
    url: str
    samples: list[float]
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        if len(self.samples) < 2:
            return self.samples[0]
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kennisstad(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "kennisstad", *args], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"kennisstad {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def synthetic(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(REPO / "bench" / "synthetic.py"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/synthetic.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout)


# ---------------------------------------------------------------------------
# Databases


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster from scripts/_postgres.sh, alive while the shell that started it waits on stdin.

    The shell's EXIT trap stops the cluster when its stdin closes, so it goes away even if this process
    is killed.
    """
    script = 'source scripts/_postgres.sh && start_throwaway_postgres && echo "$THROWAWAY_DATABASE_URL" && read -r _'
    env = {**os.environ, "TEST_POSTGRES_PORT": str(free_port())}
    shell = subprocess.Popen(
        ["bash", "-c", script], cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        url = shell.stdout.readline().strip()
        if not url:
            raise SystemExit("could not start the throwaway PostgreSQL server (scripts/_postgres.sh)")
        yield url
    finally:
        with contextlib.suppress(BrokenPipeError):
            shell.stdin.close()
        shell.wait(timeout=60)


@contextlib.contextmanager
def scratch_database(server_url: str):
    """A new, empty database on an existing server, dropped afterwards: the bench never writes to yours."""
    import psycopg

    name = f"kennisstad_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_database():
    server_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if server_url:
        with scratch_database(server_url) as url:
            yield url, "existing server, scratch database"
        return
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        raise SystemExit(
            "PostgreSQL is not installed: apt-get install postgresql, or set BENCH_DATABASE_URL=postgres://…"
        )
    with throwaway_postgres() as url:
        yield url, "throwaway server on loopback"


# ---------------------------------------------------------------------------
# Server


def server_command(port: int) -> tuple[list[str], str]:
    gunicorn = Path(PYTHON).parent / "gunicorn"
    if gunicorn.exists():
        # One worker: requests are sequential, and a second would only add noise on a 2-core machine.
        return (
            [str(gunicorn), "kennisstad.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            "gunicorn (1 worker)",
        )
    return (
        [PYTHON, "-m", "kennisstad", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        "Django runserver --noreload, DEBUG=0 (gunicorn is not installed in the venv)",
    )


def fetch(port: int, url: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url, headers={"Accept-Language": "nl"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def running_server(env: dict, log_path: Path):
    port = free_port()
    command, _description = server_command(port)
    with open(log_path, "ab") as server_log:
        process = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            # The log is in the scratch directory, which is gone once the run ends: show it now.
            if process.poll() is not None:
                raise SystemExit(
                    f"the server exited with {process.returncode}:\n{log_path.read_text()[-3000:]}"
                )
            with contextlib.suppress(OSError):
                if fetch(port, STATIC_URL)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer within 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(port: int, label: str, url: str, *, requests: int, warmup: int, budget: float) -> Measurement:
    for _ in range(warmup):
        before = time.perf_counter()
        fetch(port, url)
        # One request warms a slow page's caches as well as several would, and costs seconds each.
        if time.perf_counter() - before > 1.0:
            break
    samples, size = [], 0
    started = time.perf_counter()
    for _ in range(requests):
        before = time.perf_counter()
        status, body = fetch(port, url)
        samples.append(time.perf_counter() - before)
        if status != 200:
            raise SystemExit(f"GET {url} answered {status}:\n{body[:2000].decode(errors='replace')}")
        size = len(body)
        # A page that takes seconds on the large data would otherwise dominate the run.
        if time.perf_counter() - started > budget and len(samples) >= 5:
            break
    return Measurement(label, url, samples, size)


def facet_url(port: int) -> str | None:
    status, body = fetch(port, f"/zoeken/?q={quote(FACET_QUERY)}")
    if status != 200:
        return None
    hrefs = [html.unescape(href) for href in FACET_LINK.findall(body.decode())]
    # A theme facet when there is one: every project has a theme, so it is there on any data set.
    href = next((h for h in hrefs if "thema=" in h), hrefs[0] if hrefs else None)
    return f"/zoeken/{href}" if href and href.startswith("?") else href


def measure_site(port: int, urls: dict, args) -> list[Measurement]:
    targets = [
        ("static file (baseline)", STATIC_URL),
        ("home", "/"),
        ("theme", urls["theme"]),
        ("project", urls["project"]),
        ("organisation", urls["organisation"]),
    ]
    targets += [(label, f"/zoeken/?q={quote(query)}") for label, query in SEARCHES]
    targets += [
        ("network", "/netwerk/"),
        ("network: theme filter", urls["network_theme"]),
        ("network: with units", "/netwerk/?afdelingen=on"),
        ("network: SVG download", "/netwerk/netwerk.svg"),
        ("network: PNG download", "/netwerk/netwerk.png"),
        ("figures dashboard", "/cijfers/"),
        ("figures: CSV download", "/cijfers/organisaties.csv"),
    ]
    faceted = facet_url(port)
    if faceted:
        targets.append((f"search: {FACET_QUERY} + facet", faceted))
    else:
        log("  (no facet link on the search page: the facet-filtered search is left out)")
    results = []
    for label, url in targets:
        results.append(
            measure(port, label, url, requests=args.requests, warmup=args.warmup, budget=args.budget)
        )
        log(f"  {label}: median {results[-1].median * 1000:.1f} ms")
    return results


@dataclass
class CommandMeasurement:
    label: str
    samples: list[float]
    peak_rss_kib: int
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def timed_command(env: dict, args: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of one ``kennisstad`` process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "kennisstad", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # wait4 reports the child's own peak memory, which RUSAGE_CHILDREN would mix with earlier children.
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kennisstad {' '.join(args)} failed:\n{error}")
    return seconds, usage.ru_maxrss


def measure_reports(env: dict, period: str, out_dir: Path, args) -> list[CommandMeasurement]:
    """The progress report in every format, each a fresh process as the command runs in practice.

    The baseline is the same command's ``--help``: starting Python and Django, which every run pays.
    """
    runs = [("report command startup (baseline)", ["report", "voortgang", "--help"], None)]
    for fmt in args.report_formats:
        out = out_dir / f"voortgang.{fmt}"
        runs.append(
            (
                f"report {fmt}",
                ["report", "voortgang", "--agenda", period, "--format", fmt, "--out", str(out)],
                out,
            )
        )
    results = []
    for label, command, out in runs:
        samples, peak = [], 0
        started = time.perf_counter()
        for _ in range(args.report_runs):
            seconds, rss = timed_command(env, command)
            samples.append(seconds)
            peak = max(peak, rss)
            # A PDF of thousands of pages takes minutes; one sample of it says enough.
            if time.perf_counter() - started > args.budget:
                break
        size = out.stat().st_size if out else 0
        results.append(CommandMeasurement(label, samples, peak, size))
        log(f"  {label}: median {results[-1].median:.2f} s, peak {peak / 1024:.0f} MiB")
    return results


# ---------------------------------------------------------------------------
# One database: build, measure, grow, measure


def run_database(database: str, args) -> list[tuple[str, dict, list[Measurement], list[CommandMeasurement]]]:
    with contextlib.ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kennisstad-bench-")))
        env = {
            **os.environ,
            "KENNISSTAD_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "kennisstad.settings",
            "DEBUG": "0",
            "KENNISSTAD_HTTPS": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("DATABASE_URL", None)
        where = f"SQLite in {data_dir}"
        if database == "postgres":
            url, where = stack.enter_context(postgres_database())
            env["DATABASE_URL"] = url
        log(f"== {database}: {where}")
        started = time.perf_counter()
        kennisstad(env, "migrate", "--noinput")
        kennisstad(env, "collectstatic", "--noinput")
        kennisstad(env, "load_demo")  # builds the search index too
        log(f"  demo data ready in {time.perf_counter() - started:.0f} s")

        phases = []
        log_path = data_dir / "server.log"
        for phase in ("Leiden demo", f"{args.scale}× synthetic"):
            if phase != "Leiden demo":
                started = time.perf_counter()
                added = synthetic(env, "generate", "--scale", str(args.scale))
                # The copies are written in bulk, past the services that keep the index current.
                kennisstad(env, "rebuild_search_index")
                log(
                    f"  grew the data by {added['projects_added']} projects in "
                    f"{time.perf_counter() - started:.0f} s (index included)"
                )
            described = synthetic(env, "describe")
            log(f"  {phase}: {described['counts']}")
            with running_server(env, log_path) as port:
                pages = measure_site(port, described["urls"], args)
            reports = measure_reports(env, described["period"], data_dir, args) if args.report_formats else []
            phases.append((phase, described, pages, reports))
        return phases


# ---------------------------------------------------------------------------
# Report


def print_report(results: dict, args, server_description: str, seconds: float) -> None:
    print()
    print(f"Kennisstad benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {seconds:.0f} s")
    print(
        f"Python {platform.python_version()} · {os.cpu_count()} cores · server: {server_description} · "
        f"up to {args.requests} sequential requests per URL after {args.warmup} warm-up "
        f"(at most ~{args.budget:.0f} s per URL)"
    )
    for database, phases in results.items():
        for phase, described, measurements, reports in phases:
            counts = described["counts"]
            print()
            print(
                f"{database} · {phase} · {counts['projects']} projects, {counts['participations']} participations, "
                f"{counts['organisations']} organisations"
            )
            baseline = measurements[0]
            header = f"{'':32} {'n':>4} {'median ms':>10} {'p95 ms':>9} {'× static':>9} {'× static p95':>13} {'KiB':>8}"
            print(header)
            print("-" * len(header))
            for m in measurements:
                print(
                    f"{m.label:32} {len(m.samples):>4} {m.median * 1000:>10.1f} {m.p95 * 1000:>9.1f} "
                    f"{m.median / baseline.median:>9.1f} {m.p95 / baseline.p95:>13.1f} {m.size / 1024:>8.1f}"
                )
            for m in measurements:
                if m.label in (
                    "theme",
                    "project",
                    "organisation",
                    "network: theme filter",
                ) or m.label.endswith("+ facet"):
                    print(f"  {m.label}: {m.url}")
            if reports:
                print_reports(reports)
    print()
    print(
        "× static: the figure divided by the static file's in the same block (median by median, p95 by p95)."
    )


def print_reports(reports: list[CommandMeasurement]) -> None:
    print()
    header = f"{'':32} {'n':>4} {'median s':>10} {'× startup':>10} {'peak MiB':>9} {'KiB':>8}"
    print(header)
    print("-" * len(header))
    baseline = reports[0]
    for m in reports:
        print(
            f"{m.label:32} {len(m.samples):>4} {m.median:>10.2f} {m.median / baseline.median:>10.1f} "
            f"{m.peak_rss_kib / 1024:>9.0f} {m.size / 1024:>8.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="which database to measure (default: both; PostgreSQL from BENCH_DATABASE_URL or "
        "TEST_DATABASE_URL, else a throwaway server from scripts/_postgres.sh)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=100,
        help="size of the synthetic data as a multiple of the demo (default 100)",
    )
    parser.add_argument("--requests", type=int, default=50, help="measured requests per URL (default 50)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests per URL first (default 3)")
    parser.add_argument(
        "--budget",
        type=float,
        default=5.0,
        help="stop measuring a URL after this many seconds, once it has 5 samples (default 5)",
    )
    parser.add_argument(
        "--report-formats",
        type=lambda text: [fmt for fmt in text.split(",") if fmt],
        default=["pdf", "docx", "xlsx", "csv"],
        help="report formats to time, comma-separated (default pdf,docx,xlsx,csv; '' skips the reports)",
    )
    parser.add_argument(
        "--report-runs", type=int, default=3, help="runs per report format within the budget (default 3)"
    )
    args = parser.parse_args(argv)
    if args.scale < 1 or args.requests < 1 or args.warmup < 0 or args.report_runs < 1:
        parser.error("--scale, --requests and --report-runs must be at least 1, --warmup at least 0")
    unknown = set(args.report_formats) - {"pdf", "docx", "xlsx", "csv"}
    if unknown:
        parser.error(f"unknown report format(s): {', '.join(sorted(unknown))}")

    # A SIGTERM (e.g. from a CI timeout) unwinds through the finally blocks that stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    _command, server_description = server_command(0)
    started = time.perf_counter()
    results = {database: run_database(database, args) for database in databases}
    print_report(results, args, server_description, time.perf_counter() - started)


if __name__ == "__main__":
    main()
