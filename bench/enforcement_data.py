"""Bench data for bench/enforcement.py: 200 facilities, 1,000,000 stays, 100,000 passes on PostgreSQL.

The operator, its facilities and its keys go through `parkflow load` (as an operator would onboard);
the history is generated inside PostgreSQL with generate_series (seconds instead of minutes of
round trips). Deterministic: the same plates and times on every run.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg

REPO = Path(__file__).resolve().parents[1]
TENANT = "bench-parking"
API_KEY = "ek_bench_0123456789abcdef0123"
WEBHOOK_TOKEN = "whk_bench_0123456789abcdef0123"  # noqa: S105 - bench data
BENCH_SECRET = "bench-secret-0123456789abcdef"  # noqa: S105 - bench data
HOT_FACILITY = "bench-p001"  # the facility with 10,000 current rights (paid-plates)
PLATES = 300_000  # distinct plates in the history: BNC000000 .. BNC299999


def onboarding(facilities: int) -> dict:
    tariff = {
        "increment_minutes": 15,
        "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
        "daily_max_amount": 2400,
        "max_stay_minutes": 1440,
    }
    return {
        "tenants": [
            {
                "slug": TENANT,
                "name": "Bench Parking",
                "currency": "EUR",
                "timezone": "Europe/Helsinki",
                "service_fee": {"percent": "2.5", "fixed_amount": 0},
                "webhook_tokens": [WEBHOOK_TOKEN],
                "api_keys": [{"name": "bench", "key": API_KEY}],
                "users": [
                    {"email": "admin@bench.test", "password": "bench-password-42", "role": "tenant_admin"}
                ],
                "facilities": [
                    {
                        "slug": f"bench-p{i:03d}",
                        "name": f"Bench P{i:03d}",
                        "zone_number": str(9000 + i),
                        "capacity": 500,
                        "detection": "anpr",
                        "tariff": tariff,
                        "grace_minutes": 15,
                        "pass_products": [{"slug": "monthly", "name": "Monthly", "amount": 9900, "days": 30}],
                    }
                    for i in range(1, facilities + 1)
                ],
            }
        ]
    }


def _cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"parkflow {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


HISTORY_SQL = """
WITH f AS (SELECT array_agg(id ORDER BY slug) AS ids FROM facility WHERE tenant_id = $1)
INSERT INTO stay (id, tenant_id, facility_id, plate, plate_normalized, source, status, entered_at, exited_at,
                  free_until, currency, parking_amount, service_fee_amount, total_amount, paid_amount,
                  created_at, updated_at)
SELECT gen_random_uuid(), $1, f.ids[1 + (g * 7919 + g / 100) % array_length(f.ids, 1)],
       'BNC' || lpad(((g * 104729) % $3)::text, 6, '0'), 'BNC' || lpad(((g * 104729) % $3)::text, 6, '0'),
       'anpr', CASE WHEN g % 100 = 0 THEN 'open' ELSE 'paid' END,
       e.entered,
       CASE WHEN g % 100 = 0 THEN NULL ELSE e.entered + interval '2 hours' END,
       e.entered + interval '15 minutes',
       'EUR', 525, 13, 538, CASE WHEN g % 100 = 0 THEN 0 ELSE 538 END, now(), now()
FROM generate_series(1, $2::bigint) AS g, f,
     -- every 100th stay is a car parked now (entered in the last 12 h); the rest are history
     LATERAL (SELECT CASE WHEN g % 100 = 0 THEN now() - make_interval(secs => g % 43200)
                          ELSE now() - make_interval(secs => (g * 7) % (90 * 86400)) END AS entered) AS e
"""

PASSES_SQL = """
WITH f AS (SELECT array_agg(id ORDER BY slug) AS ids FROM facility WHERE tenant_id = $1),
     p AS (SELECT facility_id, id FROM pass_product)
INSERT INTO parking_pass (id, tenant_id, facility_id, product_id, plate, plate_normalized, valid_from,
                          valid_until, status, amount, currency, created_at)
SELECT gen_random_uuid(), $1, fid, (SELECT id FROM p WHERE p.facility_id = fid),
       'PAS' || lpad(g::text, 6, '0'), 'PAS' || lpad(g::text, 6, '0'),
       now() - make_interval(days => (g % 60)), now() - make_interval(days => (g % 60)) + interval '30 days',
       'active', 9900, 'EUR', now()
FROM generate_series(1, $2) AS g, f, LATERAL (SELECT f.ids[1 + g % array_length(f.ids, 1)] AS fid) AS pick
"""

HOT_SQL = """
INSERT INTO parking_session (id, tenant_id, facility_id, plate, plate_normalized, status, starts_at,
                             ends_at, currency, parking_amount, service_fee_amount, total_amount,
                             created_at, updated_at)
SELECT gen_random_uuid(), $1, (SELECT id FROM facility WHERE slug = $3),
       'HOT' || lpad(g::text, 5, '0'), 'HOT' || lpad(g::text, 5, '0'), 'active',
       now() - interval '30 minutes', now() + interval '3 hours', 'EUR', 900, 23, 923, now(), now()
FROM generate_series(1, $2) AS g
"""


async def prepare(url: str, *, stays: int, passes: int, facilities: int, hot_plates: int, log=print) -> dict:
    """Recreate the bench database from scratch and fill it; returns row counts."""
    admin_url = url.replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
    env = {**os.environ, "PARKFLOW_DATABASE_URL": url, "PARKFLOW_SECRET_KEY": BENCH_SECRET}
    _cli(env, "migrate")
    spec = REPO / "var" / "bench-onboarding.json"
    spec.parent.mkdir(exist_ok=True)
    spec.write_text(json.dumps(onboarding(facilities)))
    _cli(env, "load", str(spec))
    conn = await asyncpg.connect(admin_url)
    try:
        tenant_id = await conn.fetchval("SELECT id FROM tenant WHERE slug = $1", TENANT)
        for label, sql, args in (
            (f"{stays:,} stays", HISTORY_SQL, (tenant_id, stays, PLATES)),
            (f"{passes:,} passes", PASSES_SQL, (tenant_id, passes)),
            (
                f"{hot_plates:,} current sessions at {HOT_FACILITY}",
                HOT_SQL,
                (tenant_id, hot_plates, HOT_FACILITY),
            ),
        ):
            started = time.perf_counter()
            await conn.execute(sql, *args)
            log(f"  loaded {label} in {time.perf_counter() - started:.1f} s")
        await conn.execute("ANALYZE")
        counts = {
            table: await conn.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            for table in ("facility", "stay", "parking_pass", "parking_session")
        }
    finally:
        await conn.close()
    return counts
