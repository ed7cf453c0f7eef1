"""Enforcement and webhook throughput on PostgreSQL with 1M stays and 100k passes (issue 3 targets).

    python bench/enforcement.py            # load the data (≈1 min), then measure
    python bench/enforcement.py --reuse    # measure against the data of the last run

Needs PostgreSQL: PARKFLOW_BENCH_POSTGRES_URL, default postgres://parkflow:parkflow@127.0.0.1:5432/parkflow_bench
(created when missing; the role needs CREATEDB, as .ci/run sets it up). The API runs as
`parkflow serve --workers 2`; load comes from separate processes (wrk for the check, an open-loop
async client for the webhook), all on this machine, so the figures include the load generator's
share of the two cores.
"""

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import enforcement_data as data  # noqa: E402
from bench.enforcement_load import webhook_load  # noqa: E402

DEFAULT_URL = "postgres://parkflow:parkflow@127.0.0.1:5432/parkflow_bench"
TARGETS = {
    "check_p95_ms_10": 10.0,
    "check_rps_50": 2500.0,
    "webhook_eps": 800.0,
    "paid_plates_ms": 50.0,
    "sse_p95_ms": 100.0,
}
WRK_SCRIPT = """
math.randomseed(42)
local plates = {}
for i = 1, 5000 do plates[i] = string.format("BNC%%06d", math.random(0, 299999)) end
for i = 1, 500 do plates[#plates + 1] = string.format("PAS%%06d", math.random(1, 100000)) end
request = function()
  local plate = plates[math.random(#plates)]
  local facility = string.format("bench-p%%03d", math.random(1, 200))
  return wrk.format("GET", "/api/enforcement/check/" .. plate .. "?facility=" .. facility,
                    {["x-api-key"] = "%(key)s"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    server = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(server)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PARKFLOW_DATABASE_URL": f"{url}?maxsize=10",
        "PARKFLOW_SECRET_KEY": data.BENCH_SECRET,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--no-access-log",
        ],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the API did not start:\n{log.read_text()}")


def run_wrk(base: str, connections: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"key": data.API_KEY})
    threads = min(connections, 2)
    done = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", script.name, base],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    Path(script.name).unlink()
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    requests, duration_us, p50, p95, p99, errors, non2xx = (int(x) for x in line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": errors,
        "requests": requests,
        "non2xx": non2xx,
    }


def paid_plates(base: str, runs: int = 30) -> dict:
    times, count = [], 0
    with httpx.Client(base_url=base, headers={"x-api-key": data.API_KEY}, timeout=10) as http:
        for _ in range(runs):
            started = time.perf_counter()
            response = http.get(f"/api/enforcement/facility/{data.HOT_FACILITY}/paid-plates")
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            count = response.json()["count"]
    times.sort()
    return {"count": count, "p50_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1]}


async def exit_to_sse(base: str, rounds: int = 40) -> dict:
    """Time from sending an exit webhook to the driver's app receiving `exit_charged` over SSE."""
    email = f"sse-{int(time.time())}@bench.test"
    plate = f"SSE{int(time.time()) % 100000:05d}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        await http.post("/api/v1/auth/register", json={"email": email, "password": "bench-password-42"})
        token = await http.post(
            "/api/v1/auth/token", data={"username": email, "password": "bench-password-42"}
        )
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        await http.post("/api/v1/me/vehicles", json={"license_plate": plate}, headers=auth)
        await http.post("/api/v1/me/payment-methods", json={"token": "tok_visa"}, headers=auth)
        received: asyncio.Queue[float] = asyncio.Queue()

        async def listen() -> None:
            async with http.stream("GET", "/api/v1/me/events", headers=auth, timeout=None) as stream:
                async for line in stream.aiter_lines():
                    if line.startswith("event:") and "exit_charged" in line:
                        received.put_nowait(time.perf_counter())

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.5)
        hook = {"Authorization": f"Bearer {data.WEBHOOK_TOKEN}"}
        latencies = []
        start = datetime.now(UTC) - timedelta(days=1)
        for i in range(rounds):
            entered = start + timedelta(minutes=40 * i)
            for event, at in (("entry", entered), ("exit", entered + timedelta(minutes=30))):
                body = {
                    "event": event,
                    "plate": plate,
                    "facility_id": "bench-p002",
                    "timestamp": at.isoformat(),
                }
                sent = time.perf_counter()
                response = await http.post("/webhook", json=body, headers=hook)
                response.raise_for_status()
            try:
                latencies.append((await asyncio.wait_for(received.get(), 5) - sent) * 1000)
            except TimeoutError:
                latencies.append(5000.0)
        listener.cancel()
    latencies.sort()
    return {"p50_ms": statistics.median(latencies), "p95_ms": latencies[int(len(latencies) * 0.95) - 1]}


def verdict(value: float, target: float, higher_is_better: bool) -> str:
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run")
    parser.add_argument("--stays", type=int, default=1_000_000)
    parser.add_argument("--passes", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each load phase")
    parser.add_argument("--webhook-rate", type=int, default=1000, help="events/s offered to the webhook")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    url = os.environ.get("PARKFLOW_BENCH_POSTGRES_URL", DEFAULT_URL)
    asyncio.run(ensure_database(url))
    if not args.reuse:
        print(f"Loading {args.stays:,} stays, {args.passes:,} passes over 200 facilities ...", flush=True)
        counts = asyncio.run(
            data.prepare(url, stays=args.stays, passes=args.passes, facilities=200, hot_plates=10_000)
        )
        print("  rows:", ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = REPO / "var" / "bench-server.log"
    log.parent.mkdir(exist_ok=True)
    server = start_server(url, port, log)
    try:
        print("Warming up ...", flush=True)
        run_wrk(base, 10, 2)
        print(f"Check endpoint, {args.seconds} s at 10 and at 50 connections (wrk) ...", flush=True)
        check10 = run_wrk(base, 10, args.seconds)
        check50 = run_wrk(base, 50, args.seconds)
        print(f"Webhook at {args.webhook_rate} events/s offered for {args.seconds} s ...", flush=True)
        hooks = webhook_load(base, data.WEBHOOK_TOKEN, rate=args.webhook_rate, seconds=args.seconds)
        print("Paid-plates list and exit → SSE ...", flush=True)
        plates = paid_plates(base)
        sse = asyncio.run(exit_to_sse(base))
    finally:
        server.terminate()
        server.wait(timeout=20)
    rows = [
        (
            "check, 10 conn: p95",
            f"{check10['p95_ms']:.1f} ms",
            "≤ 10 ms",
            verdict(check10["p95_ms"], 10, False),
        ),
        (
            "check, 10 conn: req/s (p50 / p99)",
            f"{check10['rps']:,.0f} ({check10['p50_ms']:.1f} / {check10['p99_ms']:.1f} ms)",
            "",
            "",
        ),
        ("check, 50 conn: req/s", f"{check50['rps']:,.0f}", "≥ 2,500", verdict(check50["rps"], 2500, True)),
        (
            "check, 50 conn: p50 / p95 / p99",
            f"{check50['p50_ms']:.1f} / {check50['p95_ms']:.1f} / {check50['p99_ms']:.1f} ms",
            "",
            "",
        ),
        ("webhook: events/s accepted", f"{hooks['eps']:,.0f}", "≥ 800", verdict(hooks["eps"], 800, True)),
        (
            "webhook: p50 / p95 / p99",
            f"{hooks['p50_ms']:.1f} / {hooks['p95_ms']:.1f} / {hooks['p99_ms']:.1f} ms",
            "",
            "",
        ),
        (
            f"paid-plates ({plates['count']:,} plates): p50 / p95",
            f"{plates['p50_ms']:.1f} / {plates['p95_ms']:.1f} ms",
            "≤ 50 ms",
            verdict(plates["p95_ms"], 50, False),
        ),
        (
            "exit → SSE event: p50 / p95",
            f"{sse['p50_ms']:.1f} / {sse['p95_ms']:.1f} ms",
            "≤ 100 ms",
            verdict(sse["p95_ms"], 100, False),
        ),
    ]
    errors = check10["errors"] + check50["errors"] + hooks["errors"]
    print()
    print("| measure | result | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    non2xx = check10["non2xx"] + check50["non2xx"]
    print(f"\nerrors: {errors} (check non-2xx {non2xx}, webhook {hooks['errors']})")
    (REPO / "var" / "bench-enforcement.json").write_text(
        json.dumps(
            {"check10": check10, "check50": check50, "webhook": hooks, "paid_plates": plates, "sse": sse}
        )
    )


if __name__ == "__main__":
    main()
