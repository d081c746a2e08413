"""Tracker benchmark: list+filter p95 with 5,000 applications, and a 10,000-row import.

Run: .venv/bin/python tests/bench/bench_tracker.py [--no-postgres]
SQLite always; PostgreSQL from REBOUND_TEST_POSTGRES_URL, a local server, or a container.
Times are measured around the Flask test client call (so they include a little client overhead).
"""
from __future__ import annotations

import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from services.tracker.api import create_app  # noqa: E402
from shared.auth import HEADER, sign_user_token  # noqa: E402
from shared.runtime import Runtime  # noqa: E402
from rebound.migrations import migrate_service  # noqa: E402
from support import make_settings, start_postgres  # noqa: E402

COMPANIES = ["Acme", "Globex", "Initech", "Hooli", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne"]
ROLES = ["Backend Engineer", "Data Analyst", "Product Manager", "Designer", "SRE", "QA Engineer"]
STATUSES = ["Applied", "Applied", "Applied", "Screening", "Interviewing", "Rejected", "Ghosted", "Offer"]
SOURCES = ["LinkedIn", "Referral", "Indeed", "Company site", "Recruiter"]
QUERIES = [
    "/applications?limit=50",
    "/applications?stage=applied&limit=50",
    "/applications?q=engineer&limit=50",
    "/applications?source=linkedin&sort=-applied_on&limit=50",
    "/applications?company=glob&applied_from=2025-03-01&applied_to=2025-09-30&limit=50",
    "/applications?tag=remote&sort=company&limit=50",
]


def csv_rows(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["Company,Role,Status,Date Applied,URL,Source,Notes,Tags"]
    for i in range(count):
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines.append(f"{rng.choice(COMPANIES)} {i},{rng.choice(ROLES)},{rng.choice(STATUSES)},{day},"
                     f"https://jobs.example/{seed}/{i},{rng.choice(SOURCES)},note {i},"
                     f"\"{rng.choice(['remote', 'onsite', 'dream'])}\"")
    return ("\n".join(lines) + "\n").encode()


def upload(client, headers, data: bytes) -> float:
    started = time.perf_counter()
    response = client.post("/applications/import", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "bench.csv")})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_json()
    return elapsed


def bench(label: str, database_url: str | None, folder: Path, rows: int = 5000, rounds: int = 60,
          import_rows: int = 10_000) -> dict[str, float]:
    """List+filter p95 (ms) with `rows` applications, and the seconds an import of `import_rows` took."""
    settings = make_settings(folder, database_url=database_url,
                             env={"IMPORT_MAX_BYTES": str(50 * 1024 * 1024)})
    migrate_service("tracker", settings)
    runtime = Runtime.build("tracker", settings)
    client = create_app(runtime=runtime).test_client()
    alice = {HEADER: sign_user_token(settings.internal_secret, "alice")}
    bob = {HEADER: sign_user_token(settings.internal_secret, "bob")}
    upload(client, alice, csv_rows(rows, seed=1))
    upload(client, bob, csv_rows(2000, seed=2))  # another user's rows the queries must skip
    for query in QUERIES:  # warm up
        client.get(query, headers=alice)
    timings = {q: [] for q in QUERIES}
    for _ in range(rounds):
        alice = {HEADER: sign_user_token(settings.internal_secret, "alice")}  # tokens are short-lived
        for query in QUERIES:
            started = time.perf_counter()
            response = client.get(query, headers=alice)
            timings[query].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (query, response.get_json())
    trivial = []  # the baseline: the same client and app answering /healthz
    for _ in range(rounds * len(QUERIES)):
        started = time.perf_counter()
        client.get("/healthz")
        trivial.append((time.perf_counter() - started) * 1000)
    trivial.sort()
    every = sorted(t for ts in timings.values() for t in ts)
    p95 = every[int(len(every) * 0.95) - 1]
    print(f"[{label}] list+filter, {rows:,} applications: p95 {p95:.1f} ms, median {statistics.median(every):.1f} ms "
          f"over {len(every)} requests")
    for query, ts in timings.items():
        ts.sort()
        print(f"    {query:<85} p95 {ts[int(len(ts) * 0.95) - 1]:6.1f} ms")
    seconds = upload(client, {HEADER: sign_user_token(settings.internal_secret, "carol")}, csv_rows(import_rows, seed=3))
    print(f"[{label}] import of {import_rows:,} rows (one transaction, with events): {seconds:.2f} s")
    runtime.engine.dispose()
    return {"p95": p95, "import_s": seconds, "healthz_p95": trivial[int(len(trivial) * 0.95) - 1]}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench("sqlite", None, Path(folder) / "sqlite")
        if "--no-postgres" in sys.argv:
            return
        server = start_postgres()
        if server is None:
            print("[postgres] skipped: no PostgreSQL answers")
            return
        url = server.create_database("rebound_bench_")
        try:
            bench("postgres", url, Path(folder) / "pg")
        finally:
            server.drop_database(url)
            server.stop()


if __name__ == "__main__":
    main()
