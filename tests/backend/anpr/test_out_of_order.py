"""Events that do not pair up, or arrive out of order (see `backend.anpr.rules`)."""

from backend.models import Facility, Stay, StayEvent
from tests.backend.anpr.world import EXIT_IMAGE, accepted, at, send


async def _stay(body: dict) -> Stay:
    return await Stay.get(id=body["session_id"])


async def test_an_entry_while_a_stay_is_open_closes_it_as_needs_review(client, operator) -> None:
    first = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    second = await accepted(await send(client, operator, "entry", "2026-03-30T12:00:00Z"))
    assert second["session_id"] != first["session_id"]
    assert second["status"] == "open"
    old = await _stay(first)
    assert old.status == "needs_review"
    assert "2026-03-30T12:00:00Z" in old.review_reason
    assert old.exited_at is None
    # The next exit closes the new stay only.
    leaving = await accepted(await send(client, operator, "exit", "2026-03-30T12:30:00Z"))
    assert leaving["session_id"] == second["session_id"]
    assert (await _stay(first)).status == "needs_review"


async def test_an_exit_without_an_entry_is_kept_for_review(client, operator) -> None:
    body = await accepted(await send(client, operator, "exit", "2026-03-30T11:00:00Z", image_url=EXIT_IMAGE))
    assert body["status"] == "needs_review"
    stay = await _stay(body)
    assert stay.entered_at is None
    assert stay.exited_at == at("2026-03-30T11:00:00Z")
    assert stay.review_reason == "Exit without a recorded entry"
    assert stay.exit_image_url == EXIT_IMAGE
    assert (stay.currency, stay.total_amount) == ("EUR", 0)


async def test_an_exit_delivered_before_its_entry_is_completed_by_the_entry(client, operator) -> None:
    leaving = await accepted(await send(client, operator, "exit", "2026-03-30T11:05:00Z"))
    assert leaving["status"] == "needs_review"
    entry = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    assert entry["session_id"] == leaving["session_id"]
    assert entry["status"] == "unpaid"
    stay = await _stay(entry)
    assert (stay.entered_at, stay.exited_at) == (at("2026-03-30T10:00:00Z"), at("2026-03-30T11:05:00Z"))
    assert (stay.total_amount, stay.review_reason, stay.failure_reason) == (
        308,
        None,
        "No driver account for this plate",
    )
    assert stay.free_until == at("2026-03-30T10:15:00Z")
    assert await Stay.all().count() == 1
    assert await StayEvent.filter(stay_id=stay.id).count() == 2


async def test_a_late_entry_does_not_pair_across_another_visit(client, operator) -> None:
    """Exit at 11:00 (no entry), then a full visit 12:00-13:00, then a stray exit at 14:00: an entry
    for 10:00 delivered last completes the 11:00 exit, not the 14:00 one."""
    early_exit = await accepted(await send(client, operator, "exit", "2026-03-30T11:00:00Z"))
    await send(client, operator, "entry", "2026-03-30T12:00:00Z")
    await send(client, operator, "exit", "2026-03-30T13:00:00Z")
    stray = await accepted(await send(client, operator, "exit", "2026-03-30T14:00:00Z"))
    assert stray["status"] == "needs_review"
    late = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    assert late["session_id"] == early_exit["session_id"]
    assert (await _stay(stray)).status == "needs_review"
    # An entry at 13:30 would cross nothing: it completes the stray exit.
    completed = await accepted(await send(client, operator, "entry", "2026-03-30T13:30:00Z"))
    assert completed["session_id"] == stray["session_id"]
    assert completed["status"] == "unpaid"


async def test_an_entry_older_than_the_open_stay_is_kept_apart(client, operator) -> None:
    newer = await accepted(await send(client, operator, "entry", "2026-03-30T12:00:00Z"))
    older = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    assert older["session_id"] != newer["session_id"]
    assert older["status"] == "needs_review"
    assert "2026-03-30T12:00:00Z" in (await _stay(older)).review_reason
    assert (await _stay(newer)).status == "open"
    # The exit between them, delivered later still, completes the older visit...
    between = await accepted(await send(client, operator, "exit", "2026-03-30T11:05:00Z"))
    assert between["session_id"] == older["session_id"]
    assert between["status"] == "unpaid"
    assert (await _stay(older)).total_amount == 308
    # ... and the newer stay is closed by its own exit.
    last = await accepted(await send(client, operator, "exit", "2026-03-30T12:10:00Z"))
    assert last == {"session_id": newer["session_id"], "status": "paid"}


async def test_an_exit_before_the_open_stays_entry_does_not_close_it(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", "2026-03-30T12:00:00Z"))
    early = await accepted(await send(client, operator, "exit", "2026-03-30T11:00:00Z"))
    assert early["session_id"] != entry["session_id"]
    assert early["status"] == "needs_review"
    assert (await _stay(entry)).status == "open"


async def test_a_second_exit_after_the_stay_closed_is_kept_for_review(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    first = await accepted(await send(client, operator, "exit", "2026-03-30T11:05:00Z"))
    again = await accepted(await send(client, operator, "exit", "2026-03-30T11:05:07Z"))
    assert first["session_id"] == entry["session_id"]
    assert again["session_id"] != entry["session_id"]
    assert again["status"] == "needs_review"
    stay = await _stay(entry)
    assert (stay.exited_at, stay.total_amount) == (at("2026-03-30T11:05:00Z"), 308)


async def test_a_stray_entry_inside_a_finished_stay_changes_nothing(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    await send(client, operator, "exit", "2026-03-30T11:05:00Z")
    stray = await accepted(await send(client, operator, "entry", "2026-03-30T10:30:00Z"))
    assert stray == {"session_id": entry["session_id"], "status": "unpaid"}
    assert await Stay.all().count() == 1
    event = await StayEvent.get(occurred_at=at("2026-03-30T10:30:00Z"))
    assert event.outcome == "inside_recorded_stay"


async def test_stays_of_one_plate_at_two_facilities_are_separate(client, operator) -> None:
    await Facility.create(
        tenant=operator.tenant,
        slug="kamppi-p2",
        name="Kamppi P2",
        name_lower="kamppi p2",
        zone_number="1235",
        timezone="Europe/Helsinki",
        detection="anpr",
        tariff=operator.facility.tariff,
    )
    here = await accepted(await send(client, operator, "entry", "2026-03-30T10:00:00Z"))
    there = await accepted(
        await send(client, operator, "entry", "2026-03-30T10:30:00Z", facility="kamppi-p2")
    )
    assert here["session_id"] != there["session_id"]
    assert (await _stay(here)).status == "open"
