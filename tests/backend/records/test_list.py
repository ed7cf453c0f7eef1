"""`GET /api/v1/admin/sessions`: stays and prepaid sessions in one list, newest first, keyset pages."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.models import Facility, ParkingSession, Stay
from shared.plates import normalize_plate
from tests.backend.anpr.world import ago, driver_with_plate, iso, run_jobs, send
from tests.backend.helpers import app_of
from tests.backend.records.world import ADMIN, ENTRY_AT, EXIT_AT, OWED, unpaid_stay

LIST = f"{ADMIN}/sessions"


async def _start_session(client, headers: dict[str, str], plate: str = "SES-1", minutes: int = 60) -> dict:
    body = {"facility": "kamppi-p1", "license_plate": plate, "duration_minutes": minutes}
    offer = await client.post("/api/v1/quotes", json=body, headers=headers)
    assert offer.status_code == 201, offer.text
    methods = (await client.get("/api/v1/me/payment-methods", headers=headers)).json()
    method = methods["items"][0]["id"] if isinstance(methods, dict) else methods[0]["id"]
    started = await client.post(
        "/api/v1/sessions",
        json={"quote_id": offer.json()["id"], "payment_method_id": method},
        headers=headers,
    )
    assert started.status_code == 201, started.text
    return started.json()


async def _page(client, headers, **params) -> dict:
    response = await client.get(LIST, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _stay_row(stay: Stay, **fields) -> dict:
    return {"kind": "stay", "id": str(stay.id), **fields}


async def test_stays_and_sessions_in_one_list_newest_first(client, world) -> None:
    unpaid = await unpaid_stay(client, world, "ABC-123", entry_image="https://cam.example/in.jpg")
    aino = await driver_with_plate(client, plate="XYZ-9")
    await send(client, world.camera, "entry", "2026-03-30T10:30:00Z", "XYZ-9")
    await send(client, world.camera, "exit", EXIT_AT, "XYZ-9")
    await run_jobs(app_of(client))
    inside_since = ago(20)
    await send(client, world.camera, "entry", inside_since, "OPEN-1")
    session = await _start_session(client, aino, "XYZ-9")

    page = await _page(client, world.operator)
    assert page["next_cursor"] is None
    items = page["items"]
    assert [(i["kind"], i["plate"]) for i in items] == [
        ("session", "XYZ-9"),
        ("stay", "OPEN-1"),
        ("stay", "XYZ-9"),
        ("stay", "ABC-123"),
    ]
    facility = {"slug": "kamppi-p1", "name": "Kamppi P1", "timezone": "Europe/Helsinki"}
    assert items[3] == {
        "kind": "stay",
        "id": str(unpaid.id),
        "plate": "ABC-123",
        "facility": facility,
        "status": "unpaid",
        "started_at": ENTRY_AT,
        "ended_at": EXIT_AT,
        "owed_amount": OWED,
        "paid_amount": 0,
        "due_amount": OWED,
        "currency": "EUR",
        "driver_email": None,
        "has_photos": True,
        "source": "anpr",
    }
    # 35 minutes: 15 free, 2 started increments (1.50) and a 2.5 % fee of 0.04, charged at the exit.
    paid = items[2]
    assert (paid["status"], paid["owed_amount"], paid["paid_amount"], paid["due_amount"]) == (
        "paid",
        154,
        154,
        0,
    )
    assert (paid["driver_email"], paid["has_photos"]) == ("aino@example.test", False)
    # Inside for 20 minutes: leaving now would cost one increment (0.75 + 0.02 fee), none paid yet.
    inside = items[1]
    assert (inside["status"], inside["ended_at"], inside["owed_amount"], inside["due_amount"]) == (
        "open",
        None,
        77,
        77,
    )
    # 60 minutes prepaid: 2.25 + 0.06 fee, paid when it started; a session is never owed after.
    assert items[0] == {
        "kind": "session",
        "id": session["id"],
        "plate": "XYZ-9",
        "facility": facility,
        "status": "active",
        "started_at": session["starts_at"],
        "ended_at": session["ends_at"],
        "owed_amount": 231,
        "paid_amount": 231,
        "due_amount": 0,
        "currency": "EUR",
        "driver_email": "aino@example.test",
        "has_photos": False,
        "source": "app",
    }


async def _bulk(world, count: int, start: datetime, *, same_start_every: int = 3) -> list[str]:
    """`count` stays and sessions; every `same_start_every`-th shares its start with the one before."""
    facility: Facility = world.camera.facility
    stays, sessions = [], []
    moment = start
    for n in range(count):
        if n % same_start_every:
            moment -= timedelta(minutes=7)
        plate = f"BLK{n:04d}"
        if n % 4 == 0:
            sessions.append(
                ParkingSession(
                    tenant_id=world.camera.tenant.id,
                    facility_id=facility.id,
                    plate=plate,
                    plate_normalized=plate,
                    status="expired",
                    starts_at=moment,
                    ends_at=moment + timedelta(hours=1),
                    currency="EUR",
                    total_amount=231,
                )
            )
        else:
            stays.append(
                Stay(
                    tenant_id=world.camera.tenant.id,
                    facility_id=facility.id,
                    plate=plate,
                    plate_normalized=plate,
                    status="unpaid",
                    entered_at=moment,
                    exited_at=moment + timedelta(minutes=65),
                    currency="EUR",
                    total_amount=OWED,
                )
            )
    await Stay.bulk_create(stays)
    await ParkingSession.bulk_create(sessions)
    return [s.plate for s in stays] + [s.plate for s in sessions]


async def test_pages_follow_each_other_without_gaps_or_repeats(client, world) -> None:
    await _bulk(world, 23, datetime(2026, 5, 1, 12, tzinfo=UTC), same_start_every=2)
    # An exit without an entry sorts by its exit, in between the others.
    await send(client, world.camera, "exit", "2026-05-01T11:00:00Z", "LONE-1")
    everything = (await _page(client, world.operator, limit=200))["items"]
    assert len(everything) == 24
    assert "LONE-1" in [i["plate"] for i in everything]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = await _page(client, world.operator, **params)
        pages += 1
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert [(i["kind"], i["id"]) for i in seen] == [(i["kind"], i["id"]) for i in everything]
    starts = [i["started_at"] or i["ended_at"] for i in seen]
    assert starts == sorted(starts, reverse=True)


async def test_a_page_that_fills_exactly_says_there_is_no_next_page(client, world) -> None:
    await _bulk(world, 4, datetime(2026, 5, 1, 12, tzinfo=UTC))
    first = await _page(client, world.operator, limit=2)
    second = await _page(client, world.operator, limit=2, cursor=first["next_cursor"])
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None


async def test_filters_narrow_the_list(client, world) -> None:
    await _bulk(world, 8, datetime(2026, 5, 1, 12, tzinfo=UTC))  # BLK0000..BLK0007; 0 and 4 are sessions
    second = await Facility.create(
        tenant=world.camera.tenant,
        slug="kamppi-p2",
        name="Kamppi P2",
        name_lower="kamppi p2",
        zone_number="1235",
        timezone="Europe/Helsinki",
        detection="anpr",
        tariff=world.camera.facility.tariff,
    )
    await send(client, world.camera, "entry", "2026-06-01T08:00:00Z", "ABC-123", facility="kamppi-p2")

    def plates(page: dict) -> list[str]:
        return [i["plate"] for i in page["items"]]

    await send(client, world.camera, "exit", "2026-05-31T08:00:00Z", "LONE-9", facility="kamppi-p2")
    assert plates(await _page(client, world.operator, facility="kamppi-p2")) == ["ABC-123", "LONE-9"]
    assert plates(await _page(client, world.operator, plate="lone")) == ["LONE-9"]
    assert plates(await _page(client, world.operator, facility="kamppi-p2", plate="LONE-9")) == ["LONE-9"]
    assert plates(await _page(client, world.operator, kind="session")) == ["BLK0000", "BLK0004"]
    assert plates(await _page(client, world.operator, status="open")) == ["ABC-123"]
    assert plates(await _page(client, world.operator, status="expired", kind="stay")) == []
    assert len((await _page(client, world.operator, status="unpaid"))["items"]) == 6
    assert plates(await _page(client, world.operator, plate="blk-000 7")) == ["BLK0007"]
    assert plates(await _page(client, world.operator, plate="abc")) == ["ABC-123"]
    assert len((await _page(client, world.operator, plate="BLK"))["items"]) == 8  # a short prefix
    assert len((await _page(client, world.operator, plate="BLK00"))["items"]) == 8  # a longer one
    assert plates(await _page(client, world.operator, plate="blk0004")) == ["BLK0004"]  # a session
    assert plates(await _page(client, world.operator, q="c-12")) == ["ABC-123"]
    # BLK0000 starts at 12:00; each next one 7 minutes earlier except every third (same start).
    window = await _page(
        client, world.operator, **{"from": "2026-05-01T11:46:00+00:00", "to": "2026-05-01T15:00:01+03:00"}
    )
    assert sorted(plates(window)) == ["BLK0000", "BLK0001", "BLK0002", "BLK0003"]
    before_noon = await _page(
        client, world.operator, **{"from": "2026-05-01T11:46:00Z", "to": "2026-05-01T12:00:00Z"}
    )
    assert sorted(plates(before_noon)) == ["BLK0001", "BLK0002", "BLK0003"]
    assert second.slug == "kamppi-p2"


async def test_a_plate_prefix_ending_in_z_or_a_letter_beyond_ascii_still_matches(client, world) -> None:
    for plate in ("AZ-1", "AZZ-2", "ÅÄÖ-3", "B-1"):
        await send(client, world.camera, "entry", iso(ago(30)), plate)
    page = await _page(client, world.operator, plate="az")
    assert sorted(i["plate"] for i in page["items"]) == ["AZ-1", "AZZ-2"]
    page = await _page(client, world.operator, plate="åä")
    assert [i["plate"] for i in page["items"]] == ["ÅÄÖ-3"]
    assert normalize_plate("åä") == "ÅÄ"


@pytest.mark.parametrize(
    ("params", "status", "code", "needle"),
    [
        ({"from": "2026-03-30T10:00:00"}, 422, "naive_timestamp", "'from'"),
        ({"cursor": "not-a-cursor"}, 422, "validation_error", "'cursor'"),
        ({"plate": "--"}, 422, "invalid_plate", "'plate'"),
        ({"q": "a*b"}, 422, "invalid_plate", "'q'"),
        ({"status": "lost"}, 422, "validation_error", "'status'"),
        ({"limit": 201}, 422, "validation_error", "'limit'"),
        ({"facility": "nowhere"}, 404, "not_found", "nowhere"),
        ({"facility": "kamppi\x00p1"}, 422, "validation_error", "'facility'"),
    ],
)
async def test_bad_filters_are_refused_clearly(client, world, params, status, code, needle) -> None:
    response = await client.get(LIST, params=params, headers=world.operator)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert needle in response.json()["detail"]


async def test_another_operators_records_are_never_listed(client, world, other) -> None:
    mine = await unpaid_stay(client, world, "ABC-123")
    await unpaid_stay(client, other, "ABC-123")
    page = await _page(client, world.operator)
    assert [i["id"] for i in page["items"]] == [str(mine.id)]
    response = await client.get(LIST, params={"facility": other.slug}, headers=world.operator)
    assert response.status_code == 404


async def test_roles(client, world, super_admin) -> None:
    await unpaid_stay(client, world)
    assert (await client.get(LIST, headers=world.admin)).status_code == 200
    assert (await client.get(LIST, headers=world.operator)).status_code == 200
    refused = await client.get(LIST, headers=world.enforcement)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert (await client.get(LIST)).status_code == 401
    as_tenant = await client.get(LIST, headers={**super_admin, "X-Tenant": "helsinki-parking"})
    assert len(as_tenant.json()["items"]) == 1
    no_tenant = await client.get(LIST, headers=super_admin)
    assert no_tenant.status_code == 403
    assert "X-Tenant" in no_tenant.json()["detail"]
