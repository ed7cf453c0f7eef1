"""`GET /api/v1/sessions` and `GET /api/v1/sessions/{id}`: the driver's stays and prepaid sessions."""

from datetime import UTC, datetime, timedelta

from backend.models import Driver, Facility, ParkingSession, Vehicle
from tests.backend.anpr.world import ENTRY_IMAGE, accepted, ago, driver_with_plate, iso, run_jobs, send
from tests.backend.helpers import app_of

SESSIONS = "/api/v1/sessions"


async def _list(client, headers, status: str = "all") -> list[dict]:
    response = await client.get(SESSIONS, params={"status": status}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["items"])
    return body["items"]


async def test_an_open_stay_shows_free_period_and_running_amount(client, operator) -> None:
    headers = await driver_with_plate(client)
    entered = ago(40)
    entry = await accepted(await send(client, operator, "entry", entered, image_url=ENTRY_IMAGE))
    [item] = await _list(client, headers, "active")
    assert item["id"] == entry["session_id"]
    assert item["kind"] == "stay"
    assert item["status"] == "open"
    assert item["facility"] == {"slug": "kamppi-p1", "name": "Kamppi P1", "timezone": "Europe/Helsinki"}
    assert item["license_plate"] == "ABC-123"
    assert item["starts_at"] == iso(entered)
    assert item["ends_at"] is None
    assert item["free_until"] == iso(entered + timedelta(minutes=15))
    # 40 minutes: three started increments, the first free: 1.50 + 2.5 % fee (0.0375 -> 0.04).
    assert item["running_amount"] == 154
    assert item["amount_due"] == 154
    assert (item["total_amount"], item["paid_amount"], item["currency"]) == (None, 0, "EUR")
    assert item["entry_image_url"] == ENTRY_IMAGE
    detail = await client.get(f"{SESSIONS}/{entry['session_id']}", headers=headers)
    assert detail.status_code == 200
    assert detail.json()["running_amount"] == 154


async def test_an_ended_stay_leaves_the_active_list(client, operator) -> None:
    headers = await driver_with_plate(client)
    entered = ago(70)
    await send(client, operator, "entry", entered)
    leaving = await accepted(await send(client, operator, "exit", entered + timedelta(minutes=65)))
    await run_jobs(app_of(client))
    assert await _list(client, headers, "active") == []
    [item] = await _list(client, headers)
    assert item["id"] == leaving["session_id"]
    assert item["status"] == "paid"
    assert (item["total_amount"], item["paid_amount"], item["amount_due"]) == (308, 308, 0)
    assert item["running_amount"] is None
    assert item["ends_at"] == iso(entered + timedelta(minutes=65))


async def test_an_unpaid_stay_shows_what_is_owed_and_why(client, operator) -> None:
    headers = await driver_with_plate(client, card=None)
    entered = ago(70)
    await send(client, operator, "entry", entered)
    await send(client, operator, "exit", entered + timedelta(minutes=65))
    [item] = await _list(client, headers)
    assert (item["status"], item["amount_due"], item["failure_reason"]) == (
        "unpaid",
        308,
        "No payment method",
    )


async def test_stays_and_sessions_come_together_newest_first(client, operator) -> None:
    headers = await driver_with_plate(client)
    driver = await Driver.get(email="aino@example.test")
    now = datetime.now(UTC)
    await send(client, operator, "entry", ago(120))
    await send(client, operator, "exit", ago(100))
    session = await ParkingSession.create(
        tenant=operator.tenant,
        facility=operator.facility,
        driver=driver,
        plate="ABC-123",
        plate_normalized="ABC123",
        status="active",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=30),
        currency="EUR",
        parking_amount=300,
        service_fee_amount=8,
        total_amount=308,
    )
    open_stay = await accepted(await send(client, operator, "entry", ago(10)))
    items = await _list(client, headers)
    assert [i["kind"] for i in items] == ["stay", "session", "stay"]
    assert items[0]["id"] == open_stay["session_id"]
    assert items[1]["id"] == str(session.id)
    assert items[1]["paid_until"] == iso(session.ends_at)
    assert (items[1]["total_amount"], items[1]["paid_amount"], items[1]["amount_due"]) == (308, 308, 0)
    active = await _list(client, headers, "active")
    assert {i["id"] for i in active} == {open_stay["session_id"], str(session.id)}
    limited = await client.get(SESSIONS, params={"limit": 1}, headers=headers)
    assert [i["id"] for i in limited.json()["items"]] == [open_stay["session_id"]]
    detail = await client.get(f"{SESSIONS}/{session.id}", headers=headers)
    assert detail.status_code == 200
    assert detail.json()["kind"] == "session"


async def test_another_drivers_stay_is_invisible(client, operator) -> None:
    await driver_with_plate(client)
    other = await driver_with_plate(client, email="other@example.test", plate="XYZ-999")
    entry = await accepted(await send(client, operator, "entry", ago(20)))
    assert await _list(client, other) == []
    response = await client.get(f"{SESSIONS}/{entry['session_id']}", headers=other)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_a_plate_shows_only_stays_since_it_was_registered(client, operator) -> None:
    owner = await driver_with_plate(client)
    before = await accepted(await send(client, operator, "entry", ago(60)))
    await send(client, operator, "exit", ago(50))
    # A second driver registers the same plate 30 minutes ago (a shared car, or a new owner).
    newcomer = await driver_with_plate(client, email="newcomer@example.test", card=None)
    newcomer_id = (await Driver.get(email="newcomer@example.test")).id
    await Vehicle.filter(driver_id=newcomer_id).update(created_at=ago(30))
    after = await accepted(await send(client, operator, "entry", ago(20)))
    assert [i["id"] for i in await _list(client, newcomer)] == [after["session_id"]]
    hidden = await client.get(f"{SESSIONS}/{before['session_id']}", headers=newcomer)
    assert hidden.status_code == 404
    assert {i["id"] for i in await _list(client, owner)} == {before["session_id"], after["session_id"]}


async def test_an_exit_without_entry_of_my_plate_is_listed(client, operator) -> None:
    headers = await driver_with_plate(client)
    body = await accepted(await send(client, operator, "exit", ago(1)))
    [item] = await _list(client, headers)
    assert (item["id"], item["status"], item["starts_at"]) == (body["session_id"], "needs_review", None)


async def test_unknown_ids_are_404(client, operator) -> None:
    headers = await driver_with_plate(client)
    for unknown in ["not-a-uuid", "0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"]:
        response = await client.get(f"{SESSIONS}/{unknown}", headers=headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


async def test_the_list_needs_a_driver_token_and_a_known_filter(client, operator) -> None:
    response = await client.get(SESSIONS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    headers = await driver_with_plate(client)
    bad = await client.get(SESSIONS, params={"status": "recent"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error"


async def test_stays_at_every_operator_are_listed(client, operator, other_operator) -> None:
    headers = await driver_with_plate(client)
    await send(client, operator, "entry", ago(30))
    await send(client, other_operator, "entry", ago(20))
    items = await _list(client, headers)
    assert [i["facility"]["slug"] for i in items] == ["tampere-p1", "kamppi-p1"]
    assert await Facility.all().count() == 2
