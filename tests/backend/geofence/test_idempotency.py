"""Phones repeat themselves (retries, restarts, flaky networks): repeats answer the same stay and
change nothing, also when they arrive at the same moment."""

import asyncio

from backend.models import Payment, Stay, StayEvent
from tests.backend.anpr.world import run_jobs
from tests.backend.geofence.world import EVENTS, ago, event_body, lot, refused, report
from tests.backend.helpers import app_of

HIETALAHDENTORI = lot("helsinki-parking", "hietalahdentori")


async def test_the_same_enter_twice_answers_the_same_stay(client, helsinki, aino) -> None:
    entered = ago(4)
    first = await report(client, aino, HIETALAHDENTORI, "enter", entered)
    again = await report(client, aino, HIETALAHDENTORI, "enter", entered)
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == first.json()
    assert await Stay.all().count() == 1
    assert await StayEvent.all().count() == 1


async def test_enter_while_the_stay_is_open_changes_nothing(client, helsinki, aino) -> None:
    entered = ago(6)
    first = (await report(client, aino, HIETALAHDENTORI, "enter", entered)).json()
    later = await report(client, aino, HIETALAHDENTORI, "enter", ago(2))
    assert later.status_code == 200
    assert later.json() == {"session_id": first["session_id"], "status": "open"}
    stay = await Stay.get(id=first["session_id"])
    assert (stay.status, stay.entered_at, stay.review_reason) == ("open", entered, None)
    assert await Stay.all().count() == 1


async def test_enter_at_a_moment_inside_an_ended_stay_changes_nothing(client, helsinki, aino) -> None:
    opened = (await report(client, aino, HIETALAHDENTORI, "enter", ago(8))).json()
    await report(client, aino, HIETALAHDENTORI, "exit", ago(2))
    inside = await report(client, aino, HIETALAHDENTORI, "enter", ago(5))
    assert inside.status_code == 200
    assert inside.json()["session_id"] == opened["session_id"]
    assert inside.json()["status"] != "open"
    assert await Stay.all().count() == 1


async def test_the_same_exit_twice_charges_once(client, helsinki, aino) -> None:
    opened = (await report(client, aino, HIETALAHDENTORI, "enter", ago(8))).json()
    left = ago(1)
    first = await report(client, aino, HIETALAHDENTORI, "exit", left)
    assert first.status_code == 202
    await run_jobs(app_of(client))
    again = await report(client, aino, HIETALAHDENTORI, "exit", left)
    assert again.status_code == 200
    assert again.json() == {"session_id": opened["session_id"], "status": "paid"}
    await run_jobs(app_of(client))
    assert await Payment.all().count() == 1
    assert await StayEvent.filter(event="exit").count() == 1


async def test_a_repeat_is_answered_even_once_too_old_to_be_new(client, helsinki, aino, monkeypatch) -> None:
    await report(client, aino, HIETALAHDENTORI, "enter", ago(8))
    left = ago(2)
    first = (await report(client, aino, HIETALAHDENTORI, "exit", left)).json()
    # The phone was offline: by the time it retries, the exit is older than events may be.
    settings = app_of(client).state.services.settings
    monkeypatch.setattr(settings, "geofence_max_event_age_minutes", 1.0)
    again = await report(client, aino, HIETALAHDENTORI, "exit", left)
    assert again.status_code == 200, again.text
    assert again.json()["session_id"] == first["session_id"]
    refused(await report(client, aino, HIETALAHDENTORI, "enter", ago(1.5)), 422, "event_too_old")


async def test_ten_identical_enters_at_once_open_one_stay(client, helsinki, aino) -> None:
    body = event_body(HIETALAHDENTORI, "enter", ago(3))
    responses = await asyncio.gather(*(client.post(EVENTS, json=body, headers=aino) for _ in range(10)))
    assert sorted(r.status_code for r in responses) == [200] * 9 + [202], [r.text for r in responses]
    assert len({r.json()["session_id"] for r in responses}) == 1
    assert await Stay.all().count() == 1
    assert await StayEvent.all().count() == 1


async def test_enters_at_different_moments_at_once_open_one_stay(client, helsinki, aino) -> None:
    bodies = [event_body(HIETALAHDENTORI, "enter", ago(3 + n / 10)) for n in range(10)]
    responses = await asyncio.gather(*(client.post(EVENTS, json=b, headers=aino) for b in bodies))
    assert sorted(r.status_code for r in responses) == [200] * 9 + [202], [r.text for r in responses]
    assert len({r.json()["session_id"] for r in responses}) == 1
    assert await Stay.filter(status="open").count() == 1
    assert await Stay.all().count() == 1


async def test_ten_identical_exits_at_once_charge_once(client, helsinki, aino) -> None:
    opened = (await report(client, aino, HIETALAHDENTORI, "enter", ago(8))).json()
    body = event_body(HIETALAHDENTORI, "exit", ago(1))
    responses = await asyncio.gather(*(client.post(EVENTS, json=body, headers=aino) for _ in range(10)))
    assert sorted(r.status_code for r in responses) == [200] * 9 + [202], [r.text for r in responses]
    assert {r.json()["session_id"] for r in responses} == {opened["session_id"]}
    await run_jobs(app_of(client))
    assert (await Stay.get(id=opened["session_id"])).status == "paid"
    assert await Payment.all().count() == 1
