"""`GET /api/enforcement/check/{plate}`: the status order, boundaries, grace, the 12 h rule,
plate spellings, passes, disputes, the check log, and what one operator's key must never see."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from backend.models import EnforcementCheck
from tests.backend.enforcement.conftest import (
    KEY_A_P2,
    KEY_B,
    KEY_REVOKED,
    T,
    add_pass,
    add_payment,
    add_session,
    add_stay,
    headers,
)

CHECK = "/api/enforcement/check"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def check(client, plate: str, at: datetime | None = None, facility: str = "kamppi-p1", key=None):
    params = {"facility": facility}
    if at is not None:
        params["at"] = iso(at)
    response = await client.get(f"{CHECK}/{quote(plate)}", params=params, headers=headers(*(key or ())))
    assert response.status_code == 200, response.text
    return response.json()


async def test_session_covers_its_start_and_end_inclusive(client, world) -> None:
    await add_session(world.p1, "ABC-123", T, T + timedelta(hours=2))
    for at in (T, T + timedelta(hours=1), T + timedelta(hours=2)):
        body = await check(client, "ABC-123", at)
        assert body["status"] == "paid", (at, body)
        assert body["shouldFine"] is False
        assert body["validUntil"] == "2026-06-10T14:00:00Z"
        assert body["summary"] == "Vehicle has paid until 17:00 — do not fine"  # Helsinki time
    before = await check(client, "ABC-123", T - timedelta(seconds=1))
    assert before["status"] == "not_found"
    assert before["validUntil"] is None


async def test_response_has_exactly_the_contract_fields(client, world) -> None:
    await add_session(world.p1, "ABC-123", T, T + timedelta(hours=2))
    body = await check(client, "ABC-123", T)
    assert set(body) == {
        "plate",
        "status",
        "shouldFine",
        "summary",
        "validUntil",
        "recentPayments",
        "activePasses",
    }
    assert body["plate"] == "ABC-123"


async def test_grace_just_inside_and_just_outside(client, world) -> None:
    await add_session(world.p1, "ABC-123", T, T + timedelta(hours=2))
    end = T + timedelta(hours=2)
    inside = await check(client, "ABC-123", end + timedelta(minutes=15))
    assert inside["status"] == "paid"
    assert inside["shouldFine"] is False
    assert inside["validUntil"] == iso(end)
    assert inside["summary"] == "Paid until 17:00 — within the 15-minute grace period; do not fine"
    outside = await check(client, "ABC-123", end + timedelta(minutes=15, seconds=1))
    assert outside["status"] == "parked_unpaid"
    assert outside["shouldFine"] is True
    assert outside["validUntil"] is None
    assert "17:00" in outside["summary"]
    assert "may be fined" in outside["summary"]


async def test_expired_five_hours_ago_is_unpaid_thirteen_hours_ago_not_found(client, world) -> None:
    await add_session(world.p1, "ABC-123", T - timedelta(hours=1), T, status="expired")
    five = await check(client, "ABC-123", T + timedelta(hours=5))
    assert (five["status"], five["shouldFine"]) == ("parked_unpaid", True)
    assert "5 h 00 min ago" in five["summary"]
    thirteen = await check(client, "ABC-123", T + timedelta(hours=13))
    assert (thirteen["status"], thirteen["shouldFine"]) == ("not_found", False)
    assert thirteen["summary"] == (
        "No record for this plate here — other payment channels exist; do not fine on this alone"
    )


async def test_open_stay_inside_and_past_its_free_period(client, world) -> None:
    await add_stay(world.p1, "ABC-123", T, free_minutes=15)
    inside = await check(client, "ABC-123", T + timedelta(minutes=10))
    assert inside["status"] == "paid"
    assert inside["validUntil"] == iso(T + timedelta(minutes=15))
    assert inside["summary"] == "Free period until 15:15 — do not fine"
    grace = await check(client, "ABC-123", T + timedelta(minutes=25))
    assert grace["status"] == "paid"
    assert "grace period" in grace["summary"]
    assert "Free period ended at 15:15" in grace["summary"]
    past = await check(client, "ABC-123", T + timedelta(minutes=31))
    assert (past["status"], past["shouldFine"]) == ("parked_unpaid", True)
    assert past["summary"].startswith("Parked since 15:00")
    # Still inside a day later: still parked and unpaid (the 12 h rule is for rights that ended).
    day = await check(client, "ABC-123", T + timedelta(hours=30))
    assert day["status"] == "parked_unpaid"


async def test_open_stay_without_a_free_period_is_unpaid_at_once(client, world) -> None:
    await add_stay(world.p1, "ABC-123", T, free_minutes=None)
    body = await check(client, "ABC-123", T + timedelta(minutes=1))
    assert (body["status"], body["shouldFine"]) == ("parked_unpaid", True)
    assert body["summary"] == "Parked since 15:00 and not paid — may be fined"


async def test_stay_paid_in_the_app(client, world) -> None:
    stay = await add_stay(world.p1, "ABC-123", T, paid_until=T + timedelta(hours=3))
    await add_payment(
        world.tenant_a.id,
        615,
        T + timedelta(minutes=5),
        stay=stay,
        covers_until=T + timedelta(hours=3),
        key="p1",
    )
    body = await check(client, "ABC-123", T + timedelta(hours=2))
    assert body["status"] == "paid"
    assert body["validUntil"] == iso(T + timedelta(hours=3))
    assert body["summary"] == "Vehicle has paid until 18:00 — do not fine"
    assert body["recentPayments"] == [
        {
            "amount": 615,
            "currency": "EUR",
            "paidAt": iso(T + timedelta(minutes=5)),
            "coversUntil": iso(T + timedelta(hours=3)),
        }
    ]
    late = await check(client, "ABC-123", T + timedelta(hours=4))
    assert late["status"] == "parked_unpaid"
    assert "paid time ended at 18:00" in late["summary"]


async def test_closed_paid_stay_covers_its_visit(client, world) -> None:
    await add_stay(world.p1, "ABC-123", T, exited_at=T + timedelta(hours=2), status="paid")
    assert (await check(client, "ABC-123", T + timedelta(hours=1)))["status"] == "paid"
    # An unpaid visit is covered only by its free period.
    await add_stay(world.p1, "XYZ-987", T, exited_at=T + timedelta(hours=2), status="unpaid")
    unpaid = await check(client, "XYZ-987", T + timedelta(hours=1))
    assert (unpaid["status"], unpaid["shouldFine"]) == ("parked_unpaid", True)


async def test_plate_written_with_spaces_dashes_and_lower_case(client, world) -> None:
    await add_session(world.p1, "ABC-123", T, T + timedelta(hours=2))
    for typed in ("abc 123", "a-b-c-1-2-3", "Abc123", " ABC 123 ", "abc.123"):
        body = await check(client, typed, T + timedelta(minutes=30))
        assert body["status"] == "paid", typed
        assert body["plate"] == "ABC-123", typed  # as first recorded, not as typed


async def test_plate_shown_as_the_driver_first_registered_it(client, world) -> None:
    from tests.backend.helpers import driver_token

    token = await driver_token(client)
    added = await client.post(
        "/api/v1/me/vehicles", json={"license_plate": "abc-123"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert added.status_code == 201
    await add_session(world.p1, "ABC 123", T, T + timedelta(hours=2))
    assert (await check(client, "ABC123", T))["plate"] == "abc-123"
    # Nothing recorded anywhere: as typed.
    assert (await check(client, " qwe 12 ", T))["plate"] == "qwe 12"


async def test_pass_valid_only_from_tomorrow(client, world) -> None:
    tomorrow = T + timedelta(days=1)
    await add_pass(world.p1, world.monthly_p1, "ABC-123", tomorrow, days=30)
    today = await check(client, "ABC-123", T)
    assert today["status"] == "not_found"
    assert today["activePasses"] == []
    at_start = await check(client, "ABC-123", tomorrow)
    assert at_start["status"] == "pass_active"
    assert at_start["shouldFine"] is False
    assert at_start["validUntil"] == iso(tomorrow + timedelta(days=30))
    assert at_start["activePasses"] == [
        {"product": "monthly", "validFrom": iso(tomorrow), "validUntil": iso(tomorrow + timedelta(days=30))}
    ]
    assert at_start["summary"] == "Pass 'monthly' valid until 2026-07-11 15:00 — do not fine"
    last = await check(client, "ABC-123", tomorrow + timedelta(days=30))
    assert last["status"] == "pass_active"


async def test_pass_beats_an_unpaid_open_stay(client, world) -> None:
    await add_stay(world.p1, "ABC-123", T - timedelta(hours=5))
    await add_pass(world.p1, world.monthly_p1, "ABC-123", T - timedelta(days=1))
    assert (await check(client, "ABC-123", T))["status"] == "pass_active"


async def test_pass_for_another_facility_does_not_count(client, world) -> None:
    await add_pass(world.p2, world.monthly_p2, "ABC-123", T - timedelta(days=1))
    assert (await check(client, "ABC-123", T))["status"] == "not_found"
    assert (await check(client, "ABC-123", T, facility="forum-p2"))["status"] == "pass_active"


async def test_cancelled_pass_and_unpaid_sessions_do_not_count(client, world) -> None:
    await add_pass(world.p1, world.monthly_p1, "ABC-123", T - timedelta(days=1), status="cancelled")
    await add_session(world.p1, "ABC-123", T - timedelta(hours=1), T + timedelta(hours=1), status="pending")
    await add_session(world.p1, "ABC-123", T - timedelta(hours=1), T + timedelta(hours=1), status="failed")
    assert (await check(client, "ABC-123", T))["status"] == "not_found"


async def test_session_stopped_early_ends_when_stopped(client, world) -> None:
    await add_session(
        world.p1, "ABC-123", T, T + timedelta(hours=4), status="stopped", stopped_at=T + timedelta(hours=1)
    )
    assert (await check(client, "ABC-123", T + timedelta(minutes=50)))["status"] == "paid"
    stopped = await check(client, "ABC-123", T + timedelta(hours=2))
    assert stopped["status"] == "parked_unpaid"


async def test_another_tenants_data_is_invisible(client, world) -> None:
    # B has a facility with the same name and a session for the same plate.
    await add_session(world.b1, "ABC-123", T, T + timedelta(hours=2))
    await add_pass(world.b1, world.monthly_b1, "ABC-123", T - timedelta(days=1))
    mine = await check(client, "ABC-123", T + timedelta(minutes=30), facility="Kamppi P1")
    assert mine["status"] == "not_found"
    assert mine["activePasses"] == []
    response = await client.get(f"{CHECK}/ABC-123", params={"facility": "bravo-p1"}, headers=headers())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs = await check(client, "ABC-123", T + timedelta(minutes=30), facility="Kamppi P1", key=(KEY_B,))
    assert theirs["status"] == "pass_active"


async def test_key_limited_to_other_facilities_gets_404(client, world) -> None:
    response = await client.get(
        f"{CHECK}/ABC-123", params={"facility": "kamppi-p1"}, headers=headers(KEY_A_P2)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (await check(client, "ABC-123", T, facility="forum-p2", key=(KEY_A_P2,)))["status"] == "not_found"


async def test_unknown_facility_is_404(client, world) -> None:
    response = await client.get(f"{CHECK}/ABC-123", params={"facility": "kamppi-p9"}, headers=headers())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "kamppi-p9" in response.json()["detail"]
    assert await EnforcementCheck.all().count() == 0


async def test_facility_by_name_in_any_case_and_plus_encoding(client, world) -> None:
    await add_session(world.p1, "ABC-123", T, T + timedelta(hours=2))
    at = quote(iso(T))
    for facility in ("kAMPPI+p1", "KAMPPI%20P1", "Kamppi P1", "KAMPPI-P1"):
        response = await client.get(f"{CHECK}/ABC-123?facility={facility}&at={at}", headers=headers())
        assert response.status_code == 200, (facility, response.text)
        assert response.json()["status"] == "paid"


async def test_at_in_the_past_for_a_dispute(client, world) -> None:
    now = datetime.now(UTC)
    yesterday = now - timedelta(days=1)
    await add_session(world.p1, "ABC-123", yesterday - timedelta(hours=1), yesterday + timedelta(hours=1))
    assert (await check(client, "ABC-123", yesterday))["status"] == "paid"
    assert (await check(client, "ABC-123"))["status"] == "not_found"  # default: now
    # An offset other than Z, and its '+' left unencoded in the URL (read as a space).
    local = yesterday.astimezone(datetime.now().astimezone().tzinfo).replace(microsecond=0)
    plus = local.isoformat()
    response = await client.get(f"{CHECK}/ABC-123?facility=kamppi-p1&at={plus}", headers=headers())
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "paid"


async def test_at_without_offset_is_422_naive_timestamp(client, world) -> None:
    response = await client.get(
        f"{CHECK}/ABC-123", params={"facility": "kamppi-p1", "at": "2026-06-10T12:00:00"}, headers=headers()
    )
    assert response.status_code == 422
    assert response.json()["code"] == "naive_timestamp"
    assert "'at'" in response.json()["detail"]
    garbage = await client.get(
        f"{CHECK}/ABC-123", params={"facility": "kamppi-p1", "at": "yesterday"}, headers=headers()
    )
    assert garbage.status_code == 422
    assert garbage.json()["code"] == "validation_error"


async def test_invalid_plate_is_422(client, world) -> None:
    for plate in ("%20-%20", "ABC_123", "A" * 21):
        response = await client.get(f"{CHECK}/{plate}", params={"facility": "kamppi-p1"}, headers=headers())
        assert response.status_code == 422, plate
        assert response.json()["code"] == "invalid_plate"


async def test_missing_unknown_and_revoked_keys_are_401(client, world) -> None:
    url = f"{CHECK}/ABC-123"
    missing = await client.get(url, params={"facility": "kamppi-p1"})
    assert (missing.status_code, missing.json()["code"]) == (401, "not_authenticated")
    for key in ("ek_nobody_knows_this_one", KEY_REVOKED):
        response = await client.get(url, params={"facility": "kamppi-p1"}, headers=headers(key))
        assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")


async def test_every_check_is_logged_with_its_answer(client, world) -> None:
    await add_stay(world.p1, "ABC-123", T)
    await check(client, "abc 123", T + timedelta(minutes=5))
    await check(client, "abc-123", T + timedelta(hours=1))
    await check(client, "NOPE-1", T, facility="Forum P2")
    rows = await EnforcementCheck.all().order_by("id")
    assert [(r.plate, r.plate_normalized, r.status, r.should_fine) for r in rows] == [
        ("abc 123", "ABC123", "paid", False),
        ("abc-123", "ABC123", "parked_unpaid", True),
        ("NOPE-1", "NOPE1", "not_found", False),
    ]
    assert [r.at for r in rows] == [T + timedelta(minutes=5), T + timedelta(hours=1), T]
    assert {r.tenant_id for r in rows} == {world.tenant_a.id}  # type: ignore[attr-defined]
    assert {r.api_key_id for r in rows} == {world.key_a.id}  # type: ignore[attr-defined]
    assert [r.facility_id for r in rows] == [world.p1.id, world.p1.id, world.p2.id]  # type: ignore[attr-defined]
    assert all(r.checked_at is not None for r in rows)


async def test_recent_payments_of_the_last_24_hours_at_this_facility(client, world) -> None:
    session = await add_session(world.p1, "ABC-123", T - timedelta(hours=1), T + timedelta(hours=2))
    await add_payment(world.tenant_a.id, 615, T - timedelta(hours=1), session=session, key="s1")
    old_stay = await add_stay(
        world.p1, "ABC-123", T - timedelta(hours=30), exited_at=T - timedelta(hours=28), status="paid"
    )
    await add_payment(world.tenant_a.id, 300, T - timedelta(hours=28), stay=old_stay, key="old")
    fresh_pass = await add_pass(world.p1, world.monthly_p1, "ABC-123", T + timedelta(days=2))
    await add_payment(world.tenant_a.id, 10148, T - timedelta(hours=3), parking_pass=fresh_pass, key="pass")
    await add_payment(
        world.tenant_a.id, 615, T - timedelta(minutes=5), session=session, key="x", status="failed"
    )
    other = await add_session(world.p2, "ABC-123", T - timedelta(hours=1), T + timedelta(hours=2))
    await add_payment(world.tenant_a.id, 999, T - timedelta(hours=1), session=other, key="p2")
    body = await check(client, "ABC-123", T)
    assert body["recentPayments"] == [
        {
            "amount": 615,
            "currency": "EUR",
            "paidAt": iso(T - timedelta(hours=1)),
            "coversUntil": iso(T + timedelta(hours=2)),
        },
        {
            "amount": 10148,
            "currency": "EUR",
            "paidAt": iso(T - timedelta(hours=3)),
            "coversUntil": iso(T + timedelta(days=32)),
        },
    ]


async def test_a_bad_key_is_401_before_a_bad_plate_or_facility(client, world) -> None:
    for plate, facility in (("ABC_123", "kamppi-p1"), ("ABC-123", "kamppi-p9"), ("ABC-123", "x\x00")):
        response = await client.get(
            f"{CHECK}/{quote(plate)}", params={"facility": facility}, headers=headers("ek_wrong_key_0123")
        )
        assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials"), plate


async def test_key_use_is_recorded_once_a_minute(client, world) -> None:
    from backend.models import ApiKey

    assert world.key_a.last_used_at is None
    await check(client, "ABC-123", T)
    first = (await ApiKey.get(id=world.key_a.id)).last_used_at
    assert first is not None
    assert abs(first - datetime.now(UTC)) < timedelta(minutes=1)
    await check(client, "ABC-123", T)
    assert (await ApiKey.get(id=world.key_a.id)).last_used_at == first


async def test_concurrent_checks_are_each_logged(client, world) -> None:
    import asyncio

    await add_session(world.p1, "ABC-123", T, T + timedelta(hours=2))
    plates = [f"ABC-{i:03d}" for i in range(40)] + ["ABC-123"] * 10
    answers = await asyncio.gather(*(check(client, plate, T + timedelta(minutes=5)) for plate in plates))
    assert [a["status"] for a in answers].count("paid") == 10
    rows = await EnforcementCheck.all()
    assert len(rows) == len(plates)
    assert sorted(r.plate for r in rows) == sorted(plates)
    assert {r.status for r in rows if r.plate == "ABC-123"} == {"paid"}
