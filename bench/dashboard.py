"""How fast the operations dashboard answers over 30 days of a busy operator (issue 7).

    python bench/dashboard.py                      # a temporary SQLite file
    PARKFLOW_BENCH_POSTGRES_URL=postgres://... python bench/dashboard.py   # PostgreSQL as well

Seeds one operator (Europe/Helsinki, 10 facilities) with 200,000 payments, 100,000 stays (and one
camera event each), 20,000 prepaid sessions, 2,000 passes, 1,000 invoices and 300 tickets spread
over the last 30 days, with `bulk_create` through the ORM after the real migrations. Then times the
dashboard service call (`backend.operations.dashboard.dashboard_for`, what the endpoint runs after
its access checks) over RUNS runs after WARMUP, for all facilities and for one: *cold*, every day
read from the database, and *refresh*, the closed days cached as between two refreshes of an open
dashboard (today read live). The activity feed and the passes report are timed alongside for
information. Target: dashboard p95 <= 250 ms.

The PostgreSQL database named by PARKFLOW_BENCH_POSTGRES_URL is emptied first (its public schema
is dropped and rebuilt by the migrations): give it a database of its own.
"""

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from backend.db import apply_migrations, tortoise_config  # noqa: E402
from backend.models import (  # noqa: E402
    Facility,
    Invoice,
    ParkingPass,
    ParkingSession,
    PassProduct,
    Payment,
    Stay,
    StayEvent,
    Tenant,
    Ticket,
)
from backend.operations.activity import activity_for  # noqa: E402
from backend.operations.closed_days import ClosedDays, NoCache  # noqa: E402
from backend.operations.dashboard import dashboard_for  # noqa: E402
from backend.operations.passes_report import report_for  # noqa: E402

PAYMENTS = 200_000
STAYS = 100_000
SESSIONS = 20_000
PASSES = 2_000
INVOICES = 1_000
TICKETS = 300
FACILITIES = 10
DAYS = 30
RUNS = 20
WARMUP = 2
BATCH = 2_000
TARGET_P95_MS = 250.0
TARIFF = {
    "increment_minutes": 15,
    "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
    "daily_max_amount": 2400,
    "max_stay_minutes": 1440,
}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


async def reset_postgres(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def plate(rng: random.Random) -> str:
    return f"BEN{rng.randrange(60_000):05d}"


async def seed(rng: random.Random, now: datetime, log=print) -> Tenant:
    """Fill the database (migrated, empty) and return the operator."""
    started = time.perf_counter()
    window = DAYS * 86400

    def moment() -> datetime:
        return now - timedelta(seconds=rng.randrange(window))

    tenant = await Tenant.create(
        slug="bench-ops", name="Bench Ops", currency="EUR", timezone="Europe/Helsinki"
    )
    facilities = [
        Facility(
            id=uuid4(),
            tenant=tenant,
            slug=f"bench-ops-p{i:02d}",
            name=f"Bench P{i:02d}",
            name_lower=f"bench p{i:02d}",
            zone_number=str(7000 + i),
            timezone="Europe/Helsinki",
            capacity=400,
            detection="anpr",
            tariff=TARIFF,
        )
        for i in range(1, FACILITIES + 1)
    ]
    await Facility.bulk_create(facilities)
    products = [
        PassProduct(id=uuid4(), facility_id=f.id, slug="monthly", name="Monthly", amount=9900, days=30)
        for f in facilities
    ]
    await PassProduct.bulk_create(products)

    stays, events = [], []
    for i in range(STAYS):
        facility = facilities[i % FACILITIES]
        entered = moment()
        inside = i % 100 == 0 and entered > now - timedelta(hours=12)
        text = plate(rng)
        status = "open" if inside else rng.choices(("paid", "unpaid", "needs_review"), (90, 8, 2))[0]
        stay = Stay(
            id=uuid4(),
            tenant=tenant,
            facility_id=facility.id,
            plate=text,
            plate_normalized=text,
            status=status,
            entered_at=entered,
            exited_at=None if inside else min(entered + timedelta(minutes=rng.randrange(10, 600)), now),
            currency="EUR",
            total_amount=538,
            paid_amount=538 if status == "paid" else 0,
        )
        stays.append(stay)
        events.append(
            StayEvent(
                id=uuid4(),
                tenant=tenant,
                facility_id=facility.id,
                stay_id=stay.id,
                event="entry",
                plate=text,
                plate_normalized=text,
                occurred_at=entered,
                outcome="opened",
            )
        )
    await Stay.bulk_create(stays, batch_size=BATCH)
    await StayEvent.bulk_create(events, batch_size=BATCH)
    log(f"  {STAYS:,} stays and their entry events in {time.perf_counter() - started:.1f} s")

    sessions = []
    for _ in range(SESSIONS):
        starts = moment()
        text = plate(rng)
        sessions.append(
            ParkingSession(
                id=uuid4(),
                tenant=tenant,
                facility_id=rng.choice(facilities).id,
                plate=text,
                plate_normalized=text,
                status="active" if starts > now - timedelta(hours=2) else "expired",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                currency="EUR",
                total_amount=923,
            )
        )
    await ParkingSession.bulk_create(sessions, batch_size=BATCH)
    passes = []
    for i in range(PASSES):
        sold = moment()
        text = f"PAS{i:05d}"
        product = rng.choice(products)
        passes.append(
            ParkingPass(
                id=uuid4(),
                tenant=tenant,
                facility_id=product.facility_id,  # type: ignore[attr-defined]
                product_id=product.id,
                plate=text,
                plate_normalized=text,
                valid_from=sold,
                valid_until=sold + timedelta(days=30),
                amount=9900,
                currency="EUR",
                created_at=sold,
            )
        )
    await ParkingPass.bulk_create(passes, batch_size=BATCH)

    payments = []
    for i in range(PAYMENTS):
        status = rng.choices(
            ("captured", "partially_refunded", "refunded", "failed", "voided"), (85, 5, 3, 5, 2)
        )[0]
        paid_for = rng.choices(("stay", "session", "pass", "none"), (60, 30, 5, 5))[0]
        amount = rng.randrange(100, 3000)
        paid = {"stay": stays, "session": sessions, "pass": passes}.get(paid_for)
        item = rng.choice(paid) if paid else None
        payments.append(
            Payment(
                id=uuid4(),
                tenant=tenant,
                purpose=paid_for if paid_for != "none" else "stay",
                stay_id=item.id if paid_for == "stay" else None,
                session_id=item.id if paid_for == "session" else None,
                parking_pass_id=item.id if paid_for == "pass" else None,
                facility_id=item.facility_id if item else None,  # bulk inserts skip Payment.save
                idempotency_key=f"bench-{i}",
                gateway="sandbox",
                currency="EUR",
                amount=amount,
                refunded_amount={"partially_refunded": amount // 3, "refunded": amount}.get(status, 0),
                status=status,
                created_at=moment(),
            )
        )
    await Payment.bulk_create(payments, batch_size=BATCH)
    elapsed = time.perf_counter() - started
    log(f"  + {PAYMENTS:,} payments, {SESSIONS:,} sessions, {PASSES:,} passes: {elapsed:.1f} s")

    unpaid = [s for s in stays if s.status == "unpaid"][:INVOICES]
    await Invoice.bulk_create(
        [
            Invoice(
                id=uuid4(),
                tenant=tenant,
                stay_id=s.id,
                number=n,
                plate=s.plate,
                currency="EUR",
                amount=s.total_amount,
                status=rng.choice(("issued", "issued", "paid")),
                issued_at=s.exited_at,
                due_at=s.exited_at + timedelta(days=14),  # type: ignore[operator]
            )
            for n, s in enumerate(unpaid, 1)
        ],
        batch_size=BATCH,
    )
    await Ticket.bulk_create(
        [
            Ticket(
                id=uuid4(),
                tenant=tenant,
                number=n,
                subject="Charged twice?",
                status=rng.choice(("open", "pending", "resolved", "closed")),
                created_at=moment(),
            )
            for n in range(1, TICKETS + 1)
        ],
        batch_size=BATCH,
    )
    log(f"  seeded in {time.perf_counter() - started:.1f} s")
    return tenant


async def timed(call: Callable[[], Awaitable[object]]) -> dict[str, float]:
    for _ in range(WARMUP):
        await call()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1) + 0.5)],
        "max": times[-1],
    }


async def measure(
    engine: str, url: str, reuse: bool = False
) -> list[tuple[str, dict[str, float], bool | None]]:
    print(f"\n{engine}: {'reusing the data of a previous run' if reuse else 'migrating and seeding'} ...")
    if not reuse:
        await apply_migrations(url)
    # Tortoise caches INSERT statements per connection name, not per dialect: SQLite's '?'
    # placeholders would reach PostgreSQL in the second half.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        if reuse:
            tenant = await Tenant.get(slug="bench-ops")
        else:
            tenant = await seed(random.Random(42), datetime.now(UTC))
        if engine == "postgres":
            await connections.get("default").execute_script("ANALYZE")
        one = await Facility.filter(tenant_id=tenant.id).order_by("slug").first()
        assert one is not None
        figures = await dashboard_for(tenant, None, NoCache())
        revenue = figures.revenue[0]
        print(
            f"  check: 30-day revenue {revenue.last_30_days_amount / 100:,.2f} EUR over "
            f"{sum(d.payments_count for d in revenue.daily):,} payments; collection rate "
            f"{figures.collection.rate}; {sum(o.occupied for o in figures.occupancy):,} inside now"
        )
        cold, warm = NoCache(), ClosedDays()
        rows = [
            ("dashboard, all facilities, cold", await timed(lambda: dashboard_for(tenant, None, cold)), True),
            (
                "dashboard, all facilities, refresh",
                await timed(lambda: dashboard_for(tenant, None, warm)),
                True,
            ),
            ("dashboard, one facility, cold", await timed(lambda: dashboard_for(tenant, one.id, cold)), True),
            (
                "dashboard, one facility, refresh",
                await timed(lambda: dashboard_for(tenant, one.id, warm)),
                True,
            ),
            ("activity feed, 50 items", await timed(lambda: activity_for(tenant.id, None, 50)), None),
            ("passes report, 30 days", await timed(lambda: report_for(tenant, 30)), None),
        ]
        return [
            (f"{engine}: {label}", t, None if target is None else t["p95"] <= TARGET_P95_MS)
            for label, t, target in rows
        ]
    finally:
        await Tortoise.close_connections()


async def run(postgres_url: str | None, sqlite_file: Path | None, reuse: bool) -> None:
    results = []
    if sqlite_file is not None:
        results += await measure("sqlite", f"sqlite://{sqlite_file}", reuse=reuse)
    else:
        with tempfile.TemporaryDirectory(prefix="parkflow-bench-") as tmp:
            results += await measure("sqlite", f"sqlite://{Path(tmp) / 'dashboard.sqlite3'}")
    if postgres_url:
        await reset_postgres(postgres_url)
        results += await measure("postgres", postgres_url)
    print(
        f"\n{RUNS} runs each after {WARMUP} warm-up runs; target: dashboard p95 <= {TARGET_P95_MS:.0f} ms\n"
    )
    print("| measure | p50 ms | p95 ms | max ms | |")
    print("|---|---|---|---|---|")
    for label, t, ok in results:
        mark = "" if ok is None else verdict(ok)
        print(f"| {label} | {t['p50']:.1f} | {t['p95']:.1f} | {t['max']:.1f} | {mark} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="keep the SQLite data in this file (seeded when missing, reused when present)",
    )
    args = parser.parse_args()
    reuse = args.sqlite_file is not None and args.sqlite_file.exists()
    asyncio.run(run(os.environ.get("PARKFLOW_BENCH_POSTGRES_URL"), args.sqlite_file, reuse))


if __name__ == "__main__":
    main()
