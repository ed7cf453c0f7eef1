"""Open-loop webhook load: events are sent on a fixed schedule whatever the answers take, so a slow
server shows up as latency and a lower accepted rate rather than as politely fewer requests."""

import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import httpx


async def _run(base: str, token: str, rate: int, seconds: int) -> dict:
    rng = random.Random(7)
    total = rate * seconds
    start_at = datetime.now(UTC) - timedelta(days=2)
    events = []
    for i in range(total // 2):
        plate = f"WHK{i:06d}"
        facility = f"bench-p{rng.randint(1, 200):03d}"
        entered = start_at + timedelta(seconds=i)
        events.append((plate, facility, "entry", entered))
        events.append((plate, facility, "exit", entered + timedelta(minutes=rng.randint(5, 300))))
    # Entries first for each plate, interleaved across plates: pairs (i, i+1) stay ordered.
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10, headers=headers) as http:

        async def send(plate: str, facility: str, event: str, at: datetime) -> None:
            nonlocal failures
            body = {"event": event, "plate": plate, "facility_id": facility, "timestamp": at.isoformat()}
            sent = time.perf_counter()
            try:
                response = await http.post("/webhook", json=body)
                ok = response.status_code == 202
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append((time.perf_counter() - sent) * 1000)
            else:
                failures += 1

        tasks = []
        began = time.perf_counter()
        for n, event in enumerate(events):
            due = began + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(*event)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] if latencies else float("nan")

    return {
        "eps": len(latencies) / elapsed,
        "offered": rate,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "errors": failures,
    }


def webhook_load(base: str, token: str, *, rate: int, seconds: int) -> dict:
    return asyncio.run(_run(base, token, rate, seconds))
