"""Enforcement (CONTRACT §4) sees sessions started through the driver API: paid while they run, the
grace period after a stop or the end, then `parked_unpaid` and later `not_found`; never a session
that did not start."""

from datetime import datetime, timedelta
from urllib.parse import quote as urlquote

import pytest

from tests.backend.enforcement.conftest import headers
from tests.backend.sessions.support import iso, pay, quote, start, stop

FACILITIES = {"native": "kamppi-p1", "provider": "forum-p2"}


async def check(client, plate: str, facility: str, at: datetime | None = None) -> dict:
    params = {"facility": facility}
    if at is not None:
        params["at"] = iso(at)
    response = await client.get(f"/api/enforcement/check/{urlquote(plate)}", params=params, headers=headers())
    assert response.status_code == 200, response.text
    return response.json()


async def paid_plates(client, facility: str) -> list[str]:
    response = await client.get(f"/api/enforcement/facility/{facility}/paid-plates", headers=headers())
    assert response.status_code == 200, response.text
    return response.json()["paidPlates"]


@pytest.mark.parametrize("where", list(FACILITIES))
async def test_a_running_session_is_paid_and_listed(client, lot, where: str) -> None:
    facility = FACILITIES[where]
    started = await start(client, lot, facility, "ABC-123", 60)
    ends_at = datetime.fromisoformat(started["ends_at"])
    now = await check(client, "abc 123", facility)
    assert (now["status"], now["shouldFine"]) == ("paid", False)
    assert now["validUntil"] == iso(ends_at)
    assert [p["amount"] for p in now["recentPayments"]] == [231]
    assert await paid_plates(client, facility) == ["ABC-123"]
    # At the end and within the grace period: paid; later: unpaid, and after 12 hours unknown.
    assert (await check(client, "ABC-123", facility, ends_at))["status"] == "paid"
    assert (await check(client, "ABC-123", facility, ends_at + timedelta(minutes=15)))["status"] == "paid"
    late = await check(client, "ABC-123", facility, ends_at + timedelta(minutes=16))
    assert (late["status"], late["shouldFine"]) == ("parked_unpaid", True)
    assert (await check(client, "ABC-123", facility, ends_at + timedelta(hours=13)))["status"] == "not_found"


@pytest.mark.parametrize("where", list(FACILITIES))
async def test_a_stopped_session_ends_at_its_stop(client, lot, where: str) -> None:
    facility = FACILITIES[where]
    started = await start(client, lot, facility, "ABC-123", 60)
    stopped = (await stop(client, lot, started["id"])).json()
    stopped_at = datetime.fromisoformat(stopped["stopped_at"])
    grace = await check(client, "ABC-123", facility)
    assert grace["status"] == "paid"
    assert "grace" in grace["summary"]
    assert grace["validUntil"] == iso(stopped_at)
    assert await paid_plates(client, facility) == ["ABC-123"]  # within the grace period
    # Still before the session's paid end, but it was stopped: no longer covered.
    after = await check(client, "ABC-123", facility, stopped_at + timedelta(minutes=16))
    assert after["status"] == "parked_unpaid"


async def test_a_session_that_failed_to_start_is_no_right(client, lot) -> None:
    offer = await quote(client, lot, "kamppi-p1", "ABC-123")
    assert (await pay(client, lot, offer["id"], lot.declined)).status_code == 402
    assert (await check(client, "ABC-123", "kamppi-p1"))["status"] == "not_found"
    assert await paid_plates(client, "kamppi-p1") == []
