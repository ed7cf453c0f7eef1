"""A driver's money history made the way the apps and cameras make it: a session started, extended
and stopped early (two refunds), a declined start, a pass, a stay charged at the exit and one paid
in the app. Every payment goes through the real endpoints, the sandbox gateway and the job runner."""

from dataclasses import dataclass
from datetime import timedelta

import httpx

from backend.models import ParkingSession, Payment
from tests.backend.anpr.world import accepted, ago, send
from tests.backend.anpr.world import run_jobs as run_camera_jobs
from tests.backend.drivers.conftest import Lots
from tests.backend.helpers import app_of
from tests.backend.sessions.support import extend, pay, quote, start, stop


@dataclass
class History:
    session_id: str
    pass_id: str
    exit_stay_id: str
    prepaid_stay_id: str


async def age_session(session_id: str, minutes: int) -> None:
    """As if the session had been started and paid `minutes` ago (what stopping it refunds depends
    on it)."""
    shift = timedelta(minutes=minutes)
    session = await ParkingSession.get(id=session_id)
    await ParkingSession.filter(id=session_id).update(
        starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
    )
    for payment in await Payment.filter(session_id=session_id):
        await Payment.filter(id=payment.id).update(
            created_at=payment.created_at - shift,
            covers_from=payment.covers_from - shift,
            covers_until=payment.covers_until - shift,
        )


async def make_history(client: httpx.AsyncClient, lots: Lots) -> History:
    lot = lots.lot
    started = await start(client, lot, "kamppi-p1", "ABC-123", 60)  # 231
    assert (await extend(client, lot, started["id"], 30)).status_code == 200  # +153
    await age_session(started["id"], 40)
    stopped = await stop(client, lot, started["id"])  # 230 back: 153 of the extension, 77 of the start
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["refunded_amount"] == 230

    offer = await quote(client, lot, "forum-p2", "ABC-123", 30)
    declined = await pay(client, lot, offer["id"], lot.declined)
    assert declined.status_code == 402, declined.text

    body = {
        "facility": "kamppi-p1",
        "product": "monthly",
        "license_plate": "ABC-123",
        "payment_method_id": lot.visa,
    }
    bought = await client.post("/api/v1/passes", json=body, headers=lot.auth)
    assert bought.status_code == 201, bought.text

    await accepted(await send(client, lots.camera, "entry", ago(130)))
    left = await accepted(await send(client, lots.camera, "exit", ago(70)))
    assert left["status"] == "payment_pending"
    await run_camera_jobs(app_of(client))

    entry = await accepted(await send(client, lots.camera, "entry", ago(40)))
    paid = await client.post(f"/api/v1/sessions/{entry['session_id']}/pay", headers=lot.auth)
    assert paid.status_code == 200, paid.text
    return History(started["id"], bought.json()["id"], left["session_id"], entry["session_id"])
