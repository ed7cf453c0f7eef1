"""Doing what a driver's app does: quote, pay and start, extend, stop; and letting time pass for jobs."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx

from backend.models import DriverEvent, Job, ParkingSession, Payment
from tests.backend.helpers import app_of
from tests.backend.sessions.conftest import Lot

# TARIFF (enforcement conftest): 15 min free, then 75 per 15 min, at most 2400 a day, 24 h max stay.
# 60 min = 4 increments, the first free: 225; the 2.5 % fee is 5.625 -> 6 (half up); total 231.
PRICE_60 = (225, 6, 231)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def quote(
    client: httpx.AsyncClient,
    lot: Lot,
    facility: str = "kamppi-p1",
    plate: str = "ABC-123",
    minutes: int = 60,
) -> dict:
    body = {"facility": facility, "license_plate": plate, "duration_minutes": minutes}
    response = await client.post("/api/v1/quotes", json=body, headers=lot.auth)
    assert response.status_code == 201, response.text
    return response.json()


async def pay(
    client: httpx.AsyncClient, lot: Lot, quote_id: str, method: str | None = None, key: str | None = None
) -> httpx.Response:
    headers = dict(lot.auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"quote_id": quote_id, "payment_method_id": method or lot.visa}
    return await client.post("/api/v1/sessions", json=body, headers=headers)


async def start(
    client: httpx.AsyncClient,
    lot: Lot,
    facility: str = "kamppi-p1",
    plate: str = "ABC-123",
    minutes: int = 60,
) -> dict:
    offer = await quote(client, lot, facility, plate, minutes)
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 201, response.text
    return response.json()


async def extend(
    client: httpx.AsyncClient, lot: Lot, session_id: str, minutes: int, key: str | None = None
) -> httpx.Response:
    headers = dict(lot.auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post(
        f"/api/v1/sessions/{session_id}/extend", json={"duration_minutes": minutes}, headers=headers
    )


async def stop(client: httpx.AsyncClient, lot: Lot, session_id: str) -> httpx.Response:
    return await client.post(f"/api/v1/sessions/{session_id}/stop", headers=lot.auth)


async def run_jobs(client: httpx.AsyncClient, *kinds: str) -> None:
    """Make the pending jobs of these kinds due now (as if their time had come) and run what is due."""
    now = datetime.now(UTC) - timedelta(seconds=1)
    if kinds:
        await Job.filter(status="pending", kind__in=list(kinds)).update(run_at=now)
    await app_of(client).state.services.jobs.drain()


async def payments_of(session_id: str) -> list[Payment]:
    return await Payment.filter(session_id=UUID(session_id)).order_by("created_at")


async def events(kind: str) -> list[dict]:
    return [e.payload for e in await DriverEvent.filter(kind=kind).order_by("id")]


async def row(session_id: str) -> ParkingSession:
    return await ParkingSession.get(id=UUID(session_id))
