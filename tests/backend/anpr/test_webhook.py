"""`POST /webhook` as a camera system sees it: auth, validation, the 202 body, idempotent delivery."""

import asyncio
import time

from backend.models import Stay, StayEvent, WebhookToken
from tests.backend.anpr.world import ENTRY_IMAGE, PLATE, accepted, send
from tests.backend.helpers import bearer

ENTRY_AT = "2026-03-30T14:23:00Z"


async def test_entry_answers_202_with_the_stay(client, operator) -> None:
    started = time.perf_counter()
    response = await send(client, operator, "entry", ENTRY_AT, image_url=ENTRY_IMAGE)
    elapsed = time.perf_counter() - started
    body = await accepted(response)
    assert set(body) == {"session_id", "status"}
    assert body["status"] == "open"
    assert elapsed < 0.5
    stay = await Stay.get(id=body["session_id"])
    assert (stay.plate, stay.plate_normalized, stay.currency) == (PLATE, "ABC123", "EUR")
    assert stay.entry_image_url == ENTRY_IMAGE
    event = await StayEvent.get(stay_id=stay.id)
    assert (event.event, event.image_url) == ("entry", ENTRY_IMAGE)


async def test_plates_are_compared_normalised(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", ENTRY_AT, plate="abc 123"))
    leaving = await accepted(await send(client, operator, "exit", "2026-03-30T14:30:00Z", plate="ABC-123"))
    assert leaving["session_id"] == entry["session_id"]
    stay = await Stay.get(id=entry["session_id"])
    assert stay.plate == "abc 123"  # shown as first read


async def test_bad_or_missing_token_is_401(client, operator) -> None:
    body = {"event": "entry", "plate": PLATE, "facility_id": "kamppi-p1", "timestamp": ENTRY_AT}
    missing = await client.post("/webhook", json=body)
    assert missing.status_code == 401
    assert missing.json()["code"] == "not_authenticated"
    wrong = await client.post("/webhook", json=body, headers=bearer("whk_not-a-token"))
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"
    await WebhookToken.filter(tenant_id=operator.tenant.id).update(revoked_at=operator.tenant.created_at)
    revoked = await client.post("/webhook", json=body, headers=operator.headers)
    assert revoked.status_code == 401
    assert await Stay.all().count() == 0


async def test_unknown_facility_is_404(client, operator) -> None:
    response = await send(client, operator, "entry", ENTRY_AT, facility="kamppi-p9")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_another_operators_facility_is_404_and_creates_nothing(
    client, operator, other_operator
) -> None:
    response = await send(client, operator, "entry", ENTRY_AT, facility=other_operator.facility.slug)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert await Stay.all().count() == 0
    assert await StayEvent.all().count() == 0


async def test_naive_timestamp_is_422_naive_timestamp(client, operator) -> None:
    response = await send(client, operator, "entry", "2026-03-30T14:23:00")
    assert response.status_code == 422
    assert response.json()["code"] == "naive_timestamp"
    assert "timestamp" in response.json()["detail"]


async def test_malformed_json_is_400(client, operator) -> None:
    response = await client.post(
        "/webhook",
        content=b'{"event": "entry", "plate": ',
        headers={**operator.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_invalid_plate_is_422_invalid_plate(client, operator) -> None:
    for plate in ["", " - ", "A" * 21, "ABC/123"]:
        response = await send(client, operator, "entry", ENTRY_AT, plate=plate)
        assert response.status_code == 422, plate
        assert response.json()["code"] == "invalid_plate", plate
    assert await Stay.all().count() == 0


async def test_unknown_event_and_missing_fields_are_422(client, operator) -> None:
    unknown = await send(client, operator, "parked", ENTRY_AT)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "validation_error"
    missing = await client.post(
        "/webhook", json={"event": "entry", "plate": PLATE, "timestamp": ENTRY_AT}, headers=operator.headers
    )
    assert missing.status_code == 422
    assert missing.json()["code"] == "validation_error"
    assert "facility_id" in missing.json()["detail"]


async def test_fields_beyond_the_contract_are_ignored(client, operator) -> None:
    body = {"event": "entry", "plate": PLATE, "facility_id": "kamppi-p1", "timestamp": ENTRY_AT, "lane": 2}
    assert (await client.post("/webhook", json=body, headers=operator.headers)).status_code == 202


async def test_the_same_entry_twice_changes_nothing(client, operator) -> None:
    first = await accepted(await send(client, operator, "entry", ENTRY_AT, image_url=ENTRY_IMAGE))
    again = await accepted(await send(client, operator, "entry", "2026-03-30T16:23:00+02:00"))
    assert again == first
    assert await Stay.all().count() == 1
    assert await StayEvent.all().count() == 1


async def test_the_same_exit_twice_answers_the_same_stay(client, operator) -> None:
    await accepted(await send(client, operator, "entry", ENTRY_AT))
    first = await accepted(await send(client, operator, "exit", "2026-03-30T15:00:00Z"))
    again = await accepted(await send(client, operator, "exit", "2026-03-30T15:00:00Z"))
    assert again == first
    assert first["status"] == "unpaid"
    assert await Stay.all().count() == 1
    assert await StayEvent.filter(event="exit").count() == 1


async def test_concurrent_duplicate_entries_make_one_stay(client, operator) -> None:
    responses = await asyncio.gather(*(send(client, operator, "entry", ENTRY_AT) for _ in range(10)))
    bodies = [await accepted(r) for r in responses]
    assert len({b["session_id"] for b in bodies}) == 1
    assert {b["status"] for b in bodies} == {"open"}
    assert await Stay.all().count() == 1
    assert await StayEvent.all().count() == 1


async def test_concurrent_duplicate_exits_close_once(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", ENTRY_AT))
    responses = await asyncio.gather(
        *(send(client, operator, "exit", "2026-03-30T15:30:00Z") for _ in range(10))
    )
    bodies = [await accepted(r) for r in responses]
    assert {b["session_id"] for b in bodies} == {entry["session_id"]}
    assert await Stay.all().count() == 1
    assert await StayEvent.filter(event="exit").count() == 1


async def test_concurrent_entry_and_exit_of_one_car_pair_up(client, operator) -> None:
    """An entry and its exit delivered at the same moment end as one stay, in either order."""
    entry, leaving = await asyncio.gather(
        send(client, operator, "entry", ENTRY_AT), send(client, operator, "exit", "2026-03-30T15:30:00Z")
    )
    assert (await accepted(entry))["session_id"] == (await accepted(leaving))["session_id"]
    stay = await Stay.get()
    assert stay.status == "unpaid"
    assert stay.entered_at is not None
    assert stay.exited_at is not None
