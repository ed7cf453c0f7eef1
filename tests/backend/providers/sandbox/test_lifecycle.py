"""CONTRACT §6 over real HTTP, for every flavour: start, get, extend, rights, stop, and the refusals."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.backend.providers.sandbox.support import (
    BASES,
    OTHER_SECRET,
    credentials,
    passport_token,
    start_body,
    stats,
)

FLAVOURS = ["passport", "paybyphone", "easypark"]
CONNECTION = {"passport": "passport-t", "paybyphone": "paybyphone-t", "easypark": "easypark-t"}


def parse(stamp: str) -> datetime:
    assert stamp.endswith("Z"), stamp
    return datetime.fromisoformat(stamp)


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_a_session_runs_its_whole_life(http: httpx.AsyncClient, flavour: str) -> None:
    base, auth = BASES[flavour], await credentials(http, flavour)

    started = await http.post(
        f"{base}/sessions", json=start_body(receipt_email="aino@example.test"), headers=auth
    )
    assert started.status_code == 201, started.text
    session = started.json()
    assert session["status"] == "active"
    assert parse(session["end_time"]) - parse(session["start_time"]) == timedelta(minutes=60)
    assert abs(parse(session["start_time"]) - datetime.now(UTC)) < timedelta(seconds=5)
    sid = session["session_id"]
    assert started.headers["location"] == f"{base}/sessions/{sid}"

    fetched = await http.get(f"{base}/sessions/{sid}", headers=auth)
    assert fetched.status_code == 200
    assert {k: fetched.json()[k] for k in ("session_id", "start_time", "end_time", "status")} == {
        k: session[k] for k in ("session_id", "start_time", "end_time", "status")
    }

    extended = await http.post(f"{base}/sessions/{sid}/extend", json={"duration": 30}, headers=auth)
    assert extended.status_code == 200
    assert parse(extended.json()["end_time"]) == parse(session["end_time"]) + timedelta(minutes=30)
    assert extended.json()["status"] == "active"

    rights = await http.get(f"{base}/rights", params={"license_plate": "abc 123"}, headers=auth)
    assert rights.status_code == 200
    [right] = rights.json()["rights"]
    assert right["session_id"] == sid
    assert right["zone_number"] == "1234"
    assert right["status"] == "active"
    assert right["end_time"] == extended.json()["end_time"]

    stopped = await http.post(f"{base}/sessions/{sid}/stop", headers=auth)
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped"
    assert parse(stopped.json()["end_time"]) <= datetime.now(UTC)
    assert (await http.get(f"{base}/sessions/{sid}", headers=auth)).json()["status"] == "stopped"

    # Stopping again (a retried stop) is harmless; extending a stopped session is refused.
    again = await http.post(f"{base}/sessions/{sid}/stop", headers=auth)
    assert again.status_code == 200
    assert again.json() == stopped.json()
    refused = await http.post(f"{base}/sessions/{sid}/extend", json={"duration": 30}, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["code"] == "session_not_active"

    # The admin view shows who created it and the receipt address.
    [seen] = (await http.get("/_sandbox/sessions", params={"license_plate": "ABC123"})).json()["sessions"]
    assert seen["connection"] == CONNECTION[flavour]
    assert seen["receipt_email"] == "aino@example.test"
    assert seen["status"] == "stopped"


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_the_same_plate_cannot_park_twice_in_a_zone(http: httpx.AsyncClient, flavour: str) -> None:
    base, auth = BASES[flavour], await credentials(http, flavour)
    first = await http.post(f"{base}/sessions", json=start_body("abc-123"), headers=auth)
    assert first.status_code == 201

    second = await http.post(f"{base}/sessions", json=start_body("ABC 123"), headers=auth)

    assert second.status_code == 409
    assert second.json()["code"] == "already_parked"
    assert first.json()["session_id"] in second.json()["detail"]
    # Another zone is another right; after a stop the same zone is free again.
    other_zone = await http.post(f"{base}/sessions", json=start_body("ABC123", zone="2345"), headers=auth)
    assert other_zone.status_code == 201
    await http.post(f"{base}/sessions/{first.json()['session_id']}/stop", headers=auth)
    assert (await http.post(f"{base}/sessions", json=start_body("ABC123"), headers=auth)).status_code == 201


async def test_twenty_concurrent_starts_for_one_plate_create_one_session(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")

    responses = await asyncio.gather(
        *(http.post("/easypark/v1/sessions", json=start_body("RACE-1"), headers=auth) for _ in range(20))
    )

    assert sorted(r.status_code for r in responses) == [201] + [409] * 19
    counts = await stats(http, "easypark-t")
    assert counts["start"] == 20
    assert counts["sessions_created"] == 1


async def test_rights_lists_the_plates_sessions_of_this_connection_only(http: httpx.AsyncClient) -> None:
    pbp = await credentials(http, "paybyphone")
    ep = await credentials(http, "easypark")
    one = (
        await http.post("/paybyphone/v1/sessions", json=start_body("XYZ-9", zone="1234"), headers=pbp)
    ).json()
    two = (
        await http.post("/paybyphone/v1/sessions", json=start_body("XYZ-9", zone="2345"), headers=pbp)
    ).json()
    await http.post("/paybyphone/v1/sessions", json=start_body("OTHER-1"), headers=pbp)
    await http.post("/easypark/v1/sessions", json=start_body("XYZ-9"), headers=ep)
    await http.post(f"/paybyphone/v1/sessions/{one['session_id']}/stop", headers=pbp)

    rights = (await http.get("/paybyphone/v1/rights", params={"license_plate": "xyz9"}, headers=pbp)).json()

    listed = {right["session_id"]: right for right in rights["rights"]}
    assert set(listed) == {one["session_id"], two["session_id"]}
    assert listed[one["session_id"]]["status"] == "stopped"
    assert listed[two["session_id"]]["status"] == "active"
    assert set(listed[two["session_id"]]) >= {"session_id", "zone_number", "start_time", "end_time", "status"}
    empty = await http.get("/paybyphone/v1/rights", params={"license_plate": "NOBODY"}, headers=pbp)
    assert empty.json() == {"rights": []}


async def test_sessions_belong_to_the_connection_that_created_them(http: httpx.AsyncClient) -> None:
    mine = await credentials(http, "passport")
    started = await http.post("/passport/parking/v2/sessions", json=start_body(), headers=mine)
    sid = started.json()["session_id"]
    theirs = await passport_token(http, "pp-o", OTHER_SECRET)

    for method, path in [("GET", ""), ("POST", "/stop")]:
        response = await http.request(method, f"/passport/parking/v2/sessions/{sid}{path}", headers=theirs)
        assert response.status_code == 404
        assert response.json()["code"] == "session_not_found"
    rights = await http.get(
        "/passport/parking/v2/rights", params={"license_plate": "ABC-123"}, headers=theirs
    )
    assert rights.json() == {"rights": []}
    # The other connection parks the same plate in the same zone without a conflict.
    assert (
        await http.post("/passport/parking/v2/sessions", json=start_body(), headers=theirs)
    ).status_code == 201
    # A paybyphone key cannot read a passport session even with the id.
    pbp = await credentials(http, "paybyphone")
    assert (await http.get(f"/paybyphone/v1/sessions/{sid}", headers=pbp)).status_code == 404


async def test_a_session_past_its_end_time_is_expired(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "easypark")
    sid = (await http.post("/easypark/v1/sessions", json=start_body(duration=15), headers=auth)).json()[
        "session_id"
    ]

    clock = await http.post("/_sandbox/clock", json={"advance_seconds": 16 * 60})
    assert clock.status_code == 200
    assert clock.json()["offset_seconds"] == 960

    assert (await http.get(f"/easypark/v1/sessions/{sid}", headers=auth)).json()["status"] == "expired"
    stop = await http.post(f"/easypark/v1/sessions/{sid}/stop", headers=auth)
    assert stop.status_code == 409
    assert stop.json()["code"] == "session_not_active"
    # The plate is free to park again in the zone.
    assert (await http.post("/easypark/v1/sessions", json=start_body(), headers=auth)).status_code == 201


@pytest.mark.parametrize(
    ("body", "code", "mentions"),
    [
        (start_body(duration=0), "validation_error", "duration"),
        (start_body(duration=-5), "validation_error", "duration"),
        ({"zone_number": "1234", "duration": 60}, "validation_error", "license_plate is required"),
        ({"license_plate": "ABC1", "duration": 60}, "validation_error", "zone_number is required"),
        ({"zone_number": "1234", "license_plate": "ABC1"}, "validation_error", "duration is required"),
        (start_body(plate="  - "), "invalid_plate", "empty"),
        (start_body(zone="9999"), "unknown_zone", "9999"),
    ],
    ids=["zero", "negative", "no-plate", "no-zone", "no-duration", "empty-plate", "unknown-zone"],
)
async def test_bad_starts_are_422_naming_the_problem(
    http: httpx.AsyncClient, body: dict, code: str, mentions: str
) -> None:
    auth = await credentials(http, "paybyphone")  # its connection lists zones 1234 and 2345

    response = await http.post("/paybyphone/v1/sessions", json=body, headers=auth)

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert mentions in response.json()["detail"]
    assert (await stats(http, "paybyphone-t")).get("sessions_created", 0) == 0


async def test_unknown_sessions_and_bad_extends_are_refused(http: httpx.AsyncClient) -> None:
    auth = await credentials(http, "passport")
    missing = await http.get("/passport/parking/v2/sessions/pp_nope", headers=auth)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no parking session 'pp_nope'.", "code": "session_not_found"}
    sid = (await http.post("/passport/parking/v2/sessions", json=start_body(), headers=auth)).json()[
        "session_id"
    ]

    bad = await http.post(f"/passport/parking/v2/sessions/{sid}/extend", json={"duration": 0}, headers=auth)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error"
    no_plate = await http.get("/passport/parking/v2/rights", headers=auth)
    assert no_plate.status_code == 422
    assert "license_plate is required" in no_plate.json()["detail"]
    not_json = await http.post(
        "/passport/parking/v2/sessions",
        content=b"{nope",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 422
    assert not_json.json()["code"] == "validation_error"
