"""The driver's app hears about a phone-detected stay as it would about a camera's: over the real
event stream (`GET /api/v1/me/events` served by uvicorn on loopback)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.backend.anpr.world import run_jobs
from tests.backend.geofence.world import ago, lot, report
from tests.backend.helpers import app_of
from tests.backend.notifications.test_events import Stream

HIETALAHDENTORI = lot("helsinki-parking", "hietalahdentori")


@pytest.fixture
async def live(live_url) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_url, timeout=10) as http:
        yield http


async def test_entry_detected_and_exit_charged_reach_the_stream(client, live, helsinki, aino) -> None:
    token = aino["Authorization"].removeprefix("Bearer ")
    async with Stream(live, token) as stream:
        entered = await report(live, aino, HIETALAHDENTORI, "enter", ago(8))
        assert entered.status_code == 202, entered.text
        stay_id = entered.json()["session_id"]
        entry = await stream.next()
        assert entry["event"] == "entry_detected"
        assert entry["data"]["stay_id"] == stay_id
        assert (entry["data"]["facility"], entry["data"]["license_plate"]) == ("hietalahdentori", "ABC-123")

        left = await report(live, aino, HIETALAHDENTORI, "exit", ago(1))
        assert left.json() == {"session_id": stay_id, "status": "payment_pending"}
        await run_jobs(app_of(client))
        charged = await stream.next()
        assert charged["event"] == "exit_charged"
        assert charged["data"]["stay_id"] == stay_id
        assert (charged["data"]["total_amount"], charged["data"]["currency"]) == (77, "EUR")
        assert (await stream.next())["event"] == "receipt_sent"
        await stream.nothing_more()
