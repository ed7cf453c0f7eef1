"""Scripted faults over real HTTP: latency, error statuses, Retry-After, stalls, token expiry."""

import asyncio
import time

import httpx
import pytest

from tests.backend.providers.sandbox.support import (
    PASSPORT_SECRET,
    add_fault,
    credentials,
    passport_token,
    start_body,
    stats,
)


async def test_latency_delays_the_answer_but_not_the_work(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")
    await add_fault(http, connection="easypark-t", endpoint="start", kind="latency", latency_ms=300)

    began = time.monotonic()
    slow = await http.post("/easypark/v1/sessions", json=start_body(), headers=auth)
    slow_seconds = time.monotonic() - began
    began = time.monotonic()
    fast = await http.get("/easypark/v1/rights", params={"license_plate": "ABC-123"}, headers=auth)

    assert slow.status_code == 201
    assert slow_seconds >= 0.3
    assert time.monotonic() - began < 0.25
    assert fast.json()["rights"][0]["session_id"] == slow.json()["session_id"]


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_an_error_status_does_nothing_and_the_retry_succeeds(
    http: httpx.AsyncClient, status: int
) -> None:
    auth = await credentials(http, "paybyphone")
    await add_fault(http, connection="paybyphone-t", endpoint="start", kind="status", status=status)

    failed = await http.post("/paybyphone/v1/sessions", json=start_body(), headers=auth)
    assert failed.status_code == status
    assert set(failed.json()) == {"detail", "code"}
    assert (await http.get("/_sandbox/sessions")).json() == {"sessions": []}

    retried = await http.post("/paybyphone/v1/sessions", json=start_body(), headers=auth)
    assert retried.status_code == 201
    counts = await stats(http, "paybyphone-t")
    assert (counts["start"], counts["sessions_created"], counts["faults_fired"]) == (2, 1, 1)


async def test_a_scripted_409_looks_like_already_parked(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")
    await add_fault(http, endpoint="start", kind="status", status=409)

    refused = await http.post("/easypark/v1/sessions", json=start_body(), headers=auth)

    assert refused.status_code == 409
    assert refused.json()["code"] == "already_parked"
    assert (await http.get("/_sandbox/sessions")).json() == {"sessions": []}


async def test_429_and_503_carry_retry_after(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")
    await add_fault(http, endpoint="get", kind="status", status=429)
    await add_fault(http, endpoint="rights", kind="status", status=429, retry_after=2)
    await add_fault(http, endpoint="rights", kind="status", status=503, retry_after=3)

    limited = await http.get("/easypark/v1/sessions/ep_x", headers=auth)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert limited.json()["code"] == "rate_limited"
    told = await http.get("/easypark/v1/rights", params={"license_plate": "A1"}, headers=auth)
    assert (told.status_code, told.headers["retry-after"]) == (429, "2")
    busy = await http.get("/easypark/v1/rights", params={"license_plate": "A1"}, headers=auth)
    assert (busy.status_code, busy.headers["retry-after"]) == (503, "3")
    assert (
        await http.get("/easypark/v1/rights", params={"license_plate": "A1"}, headers=auth)
    ).status_code == 200


async def test_faults_hit_only_their_connection_and_endpoint_for_the_given_times(
    http: httpx.AsyncClient,
) -> None:
    pbp, ep = await credentials(http, "paybyphone"), await credentials(http, "easypark")
    fault = await add_fault(
        http, connection="paybyphone-t", endpoint="rights", kind="status", status=503, times=2
    )
    assert fault["remaining"] == 2

    assert (
        await http.get("/easypark/v1/rights", params={"license_plate": "A1"}, headers=ep)
    ).status_code == 200
    assert (await http.post("/paybyphone/v1/sessions", json=start_body(), headers=pbp)).status_code == 201
    codes = [
        (await http.get("/paybyphone/v1/rights", params={"license_plate": "A1"}, headers=pbp)).status_code
        for _ in range(3)
    ]

    assert codes == [503, 503, 200]
    assert (await http.get("/_sandbox/faults")).json() == {"faults": []}


async def test_an_unlimited_fault_lasts_until_deleted(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")
    fault = await add_fault(http, connection="easypark-t", kind="status", status=500, times=None)

    for _ in range(3):
        assert (
            await http.get("/easypark/v1/rights", params={"license_plate": "A"}, headers=auth)
        ).status_code == 500
    listed = (await http.get("/_sandbox/faults")).json()["faults"]
    assert [(f["id"], f["fired"], f["remaining"]) for f in listed] == [(fault["id"], 3, None)]

    assert (await http.delete(f"/_sandbox/faults/{fault['id']}")).status_code == 204
    assert (
        await http.get("/easypark/v1/rights", params={"license_plate": "A"}, headers=auth)
    ).status_code == 200
    missing = await http.delete(f"/_sandbox/faults/{fault['id']}")
    assert (missing.status_code, missing.json()["code"]) == (404, "fault_not_found")


async def test_a_fault_on_the_token_endpoint_answers_an_oauth2_error(http: httpx.AsyncClient) -> None:
    await add_fault(http, connection="passport-t", endpoint="token", kind="status", status=503, retry_after=1)
    grant = {"grant_type": "client_credentials", "client_id": "pp-t", "client_secret": PASSPORT_SECRET}

    failed = await http.post("/passport/oauth/token", data=grant)

    assert failed.status_code == 503
    assert failed.json()["error"] == "service_unavailable"
    assert failed.headers["retry-after"] == "1"
    assert (await http.post("/passport/oauth/token", data=grant)).status_code == 200
    counts = await stats(http, "passport-t")
    assert (counts["token"], counts["tokens_issued"]) == (2, 1)


async def test_a_timeout_after_create_leaves_a_session_to_reconcile(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "passport")
    await add_fault(
        http, connection="passport-t", endpoint="start", kind="timeout_after_create", hold_seconds=20
    )

    with pytest.raises(httpx.ReadTimeout):
        await http.post("/passport/parking/v2/sessions", json=start_body(), headers=auth, timeout=0.5)

    # The client never heard back, but the provider has the session: rights shows it.
    rights = await http.get("/passport/parking/v2/rights", params={"license_plate": "ABC-123"}, headers=auth)
    [right] = rights.json()["rights"]
    assert right["status"] == "active"
    retry = await http.post("/passport/parking/v2/sessions", json=start_body(), headers=auth)
    assert retry.status_code == 409
    assert (await http.get("/_sandbox/stats")).json()["stalled"] == 1
    assert (await http.delete("/_sandbox/faults")).status_code == 204  # releases the stalled request
    await asyncio.sleep(0.1)
    assert (await http.get("/_sandbox/stats")).json()["stalled"] == 0
    assert (await stats(http, "passport-t"))["sessions_created"] == 1


async def test_a_stalled_extend_still_extends(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")
    session = (await http.post("/easypark/v1/sessions", json=start_body(), headers=auth)).json()
    await add_fault(http, endpoint="extend", kind="timeout_after_create", hold_seconds=10)

    with pytest.raises(httpx.ReadTimeout):
        await http.post(
            f"/easypark/v1/sessions/{session['session_id']}/extend",
            json={"duration": 30},
            headers=auth,
            timeout=0.3,
        )

    now = (await http.get(f"/easypark/v1/sessions/{session['session_id']}", headers=auth)).json()
    assert now["end_time"] > session["end_time"]


async def test_an_expired_token_mid_flight_is_401_and_a_new_token_works(http: httpx.AsyncClient) -> None:
    auth = await passport_token(http)
    started = await http.post("/passport/parking/v2/sessions", json=start_body(), headers=auth)
    sid = started.json()["session_id"]
    await add_fault(http, connection="passport-t", endpoint="get", kind="expire_token")

    rejected = await http.get(f"/passport/parking/v2/sessions/{sid}", headers=auth)
    assert rejected.status_code == 401
    assert rejected.json()["code"] == "invalid_token"
    # The old token stays dead for every endpoint; a new one works.
    still = await http.get("/passport/parking/v2/rights", params={"license_plate": "A"}, headers=auth)
    assert still.status_code == 401
    fresh = await passport_token(http)
    assert (await http.get(f"/passport/parking/v2/sessions/{sid}", headers=fresh)).status_code == 200
    counts = await stats(http, "passport-t")
    assert (counts["token"], counts["unauthorized"]) == (2, 2)


@pytest.mark.parametrize(
    ("fault", "mentions"),
    [
        ({"kind": "status"}, "status"),
        ({"kind": "latency"}, "latency_ms"),
        ({"kind": "status", "status": 200}, "status"),
        ({"kind": "explode"}, "kind"),
        ({"kind": "status", "status": 503, "endpoint": "teleport"}, "endpoint"),
        ({"kind": "status", "status": 503, "times": 0}, "times"),
        ({"kind": "expire_token", "endpoint": "token"}, "expire_token"),
        ({"kind": "status", "status": 503, "connection": "nope"}, "nope"),
        ({"kind": "expire_token", "connection": "easypark-t"}, "API key"),
    ],
)
async def test_bad_faults_are_refused(http: httpx.AsyncClient, fault: dict, mentions: str) -> None:
    response = await http.post("/_sandbox/faults", json=fault)

    assert response.status_code == 422
    assert response.json()["code"] in ("validation_error", "unknown_connection")
    assert mentions in response.json()["detail"]
    assert (await http.get("/_sandbox/faults")).json() == {"faults": []}


async def test_reset_forgets_sessions_tokens_counters_and_the_clock(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "passport")
    await http.post("/passport/parking/v2/sessions", json=start_body(), headers=auth)
    await add_fault(http, kind="latency", latency_ms=1, times=None)
    await http.post("/_sandbox/clock", json={"advance_seconds": 60})

    assert (await http.post("/_sandbox/reset")).json() == {"status": "reset"}

    assert (await http.get("/_sandbox/sessions")).json() == {"sessions": []}
    assert (await http.get("/_sandbox/faults")).json() == {"faults": []}
    assert (await http.get("/_sandbox/stats")).json() == {"total": {}, "connections": {}, "stalled": 0}
    assert (await http.get("/_sandbox/clock")).json()["offset_seconds"] == 0
    assert (
        await http.get("/passport/parking/v2/rights", params={"license_plate": "A"}, headers=auth)
    ).status_code == 401
