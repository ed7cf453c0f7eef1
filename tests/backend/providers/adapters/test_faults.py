"""Technical faults: bounded retries where a repeat is harmless, reconciliation where it is not.

The promise that matters: a start or extend in doubt never happens twice at the provider, and
what the adapter answers is what the provider has.
"""

import asyncio
import time
from datetime import timedelta

import httpx
import pytest

from backend.providers.base import ProviderTimeoutError, ProviderUnavailableError
from tests.backend.providers.adapters.support import EP_KEY, FAST, add_fault, stats

EP = "easypark-a"


async def _sessions(admin: httpx.AsyncClient) -> list[dict]:
    return (await admin.get("/_sandbox/sessions", params={"connection": EP})).json()["sessions"]


async def test_a_5xx_then_success_is_retried(admin, adapter) -> None:
    provider = adapter(EP)
    started = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    await add_fault(admin, connection=EP, endpoint="get", kind="status", status=503, times=2)

    assert (await provider.get(started.session_id)).session_id == started.session_id
    assert (await stats(admin, EP))["get"] == 3


async def test_a_lasting_5xx_gives_up_after_the_bounded_attempts(admin, adapter) -> None:
    await add_fault(admin, connection=EP, endpoint="rights", kind="status", status=500, times=None)
    with pytest.raises(ProviderUnavailableError) as failed:
        await adapter(EP).rights("ABC123")
    assert not isinstance(failed.value, ProviderTimeoutError)
    assert failed.value.code == "provider_unavailable"
    assert "temporarily unavailable" in failed.value.detail
    assert (await stats(admin, EP))["rights"] == FAST.max_attempts


async def test_a_429_waits_for_retry_after_then_succeeds(admin, adapter) -> None:
    await add_fault(admin, connection=EP, endpoint="rights", kind="status", status=429, retry_after=1)
    began = time.monotonic()
    assert await adapter(EP).rights("ABC123") == []
    assert time.monotonic() - began >= 0.95
    assert (await stats(admin, EP))["rights"] == 2


async def test_a_retry_after_beyond_the_cap_fails_at_once_without_retrying_early(admin, adapter) -> None:
    await add_fault(admin, connection=EP, endpoint="rights", kind="status", status=429, retry_after=60)
    began = time.monotonic()
    with pytest.raises(ProviderUnavailableError) as failed:
        await adapter(EP).rights("ABC123")
    assert time.monotonic() - began < 1
    assert "try again in 60 s" in failed.value.detail
    assert (await stats(admin, EP))["rights"] == 1


async def test_a_5xx_on_start_is_reconciled_then_retried_and_creates_one_session(admin, adapter) -> None:
    await add_fault(admin, connection=EP, endpoint="start", kind="status", status=503)

    started = await adapter(EP).start(zone_id="1234", plate="ABC123", duration_minutes=60)

    counts = await stats(admin, EP)
    assert counts["start"] == 2
    assert counts["rights"] == 1  # looked before starting again
    assert counts["sessions_created"] == 1
    assert [s["session_id"] for s in await _sessions(admin)] == [started.session_id]


async def test_a_start_that_timed_out_after_creating_returns_that_session(admin, adapter) -> None:
    await add_fault(admin, connection=EP, endpoint="start", kind="timeout_after_create", hold_seconds=10)
    began = time.monotonic()

    started = await adapter(EP).start(zone_id="1234", plate="ABC123", duration_minutes=45)

    assert time.monotonic() - began < 5
    [only] = await _sessions(admin)
    assert started.session_id == only["session_id"]
    assert started.ends_at - started.starts_at == timedelta(minutes=45)
    counts = await stats(admin, EP)
    assert counts["sessions_created"] == 1
    assert counts["start"] == 1  # found through rights, never sent again
    assert counts["rights"] == 1


async def test_a_start_that_timed_out_without_a_trace_is_a_timeout_not_a_second_start(admin, adapter) -> None:
    # The provider is slower than our timeout and creates the session only after we looked.
    await add_fault(admin, connection=EP, endpoint="start", kind="latency", latency_ms=1600)

    with pytest.raises(ProviderTimeoutError) as failed:
        await adapter(EP).start(zone_id="1234", plate="ABC123", duration_minutes=60)

    assert failed.value.code == "provider_unavailable"
    assert "Check the session's status" in failed.value.detail
    counts = await stats(admin, EP)
    assert counts["start"] == 1
    assert counts["rights"] == 1
    # Later, the caller's reconciliation through rights finds it — and only one.
    await asyncio.sleep(1.0)
    assert len(await adapter(EP).rights("ABC123")) == 1


async def test_a_409_to_a_retry_after_a_doubt_is_recognised_as_our_own_session(admin, adapter) -> None:
    # The first attempt fails with a 5xx and rights shows nothing yet; the session then appears
    # (as a slow first attempt's would) before the retry, which the provider answers with 409.
    await add_fault(admin, connection=EP, endpoint="start", kind="status", status=502)
    await add_fault(admin, connection=EP, endpoint="start", kind="latency", latency_ms=700)

    async def first_attempt_lands_late() -> dict:
        await asyncio.sleep(0.35)  # while the retry waits in the provider
        response = await admin.post(
            "/easypark/v1/sessions",
            json={"zone_number": "1234", "license_plate": "ABC123", "duration": 60},
            headers={"X-Api-Key": EP_KEY},
        )
        assert response.status_code == 201, response.text
        return response.json()

    started, landed = await asyncio.gather(
        adapter(EP).start(zone_id="1234", plate="ABC123", duration_minutes=60), first_attempt_lands_late()
    )

    assert started.session_id == landed["session_id"]
    counts = await stats(admin, EP)
    assert counts["sessions_created"] == 1
    assert counts["rights"] == 2


async def test_an_extend_in_doubt_is_checked_and_applied_once(admin, adapter) -> None:
    provider = adapter(EP)
    started = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    await add_fault(admin, connection=EP, endpoint="extend", kind="timeout_after_create", hold_seconds=10)

    extended = await provider.extend(started.session_id, 30)

    assert extended.ends_at == started.ends_at + timedelta(minutes=30)
    [only] = await _sessions(admin)
    assert only["end_time"].startswith(extended.ends_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert (await stats(admin, EP))["extend"] == 1


async def test_a_5xx_on_extend_is_checked_then_retried_and_applied_once(admin, adapter) -> None:
    provider = adapter(EP)
    started = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    await add_fault(admin, connection=EP, endpoint="extend", kind="status", status=500)

    extended = await provider.extend(started.session_id, 30)

    assert extended.ends_at == started.ends_at + timedelta(minutes=30)
    assert (await provider.get(started.session_id)).ends_at == extended.ends_at
    assert (await stats(admin, EP))["extend"] == 2


async def test_a_stop_that_timed_out_is_simply_sent_again(admin, adapter) -> None:
    provider = adapter(EP)
    started = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    await add_fault(admin, connection=EP, endpoint="stop", kind="timeout_after_create", hold_seconds=10)

    stopped = await provider.stop(started.session_id)

    assert stopped.status == "stopped"
    assert (await stats(admin, EP))["stop"] == 2


async def test_a_provider_that_cannot_be_reached_is_unavailable_not_in_doubt(admin, adapter) -> None:
    closed = httpx.URL("http://127.0.0.1:9/easypark/v1")  # discard port: nothing listens
    provider = adapter(EP, base_url=str(closed))
    with pytest.raises(ProviderUnavailableError) as failed:
        await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    assert not isinstance(failed.value, ProviderTimeoutError)
    assert "cannot be reached" in failed.value.detail


async def test_a_start_in_doubt_that_cannot_be_checked_is_a_timeout(admin, adapter) -> None:
    await add_fault(admin, connection=EP, endpoint="start", kind="timeout_after_create", hold_seconds=10)
    await add_fault(admin, connection=EP, endpoint="rights", kind="status", status=503, times=None)

    with pytest.raises(ProviderTimeoutError) as failed:
        await adapter(EP).start(zone_id="1234", plate="ABC123", duration_minutes=60)

    assert "could not be asked" in failed.value.detail
    counts = await stats(admin, EP)
    assert counts["start"] == 1
    assert counts["sessions_created"] == 1
