"""A ticket's whole life as the driver and the operator see it: opened from a stay, answered,
answered back, resolved; the driver hears each operator step on their event stream."""

from collections.abc import AsyncIterator

import httpx
import pytest

from backend.models import AuditEntry
from tests.backend.notifications.conftest import live_url  # noqa: F401 (a fixture)
from tests.backend.notifications.test_events import Stream
from tests.backend.support.conftest import ME, TICKETS, add_session, add_stay, ago, open_ticket


@pytest.fixture
async def live(live_url) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_url, timeout=10) as http:
        yield http


async def test_the_whole_life_of_a_ticket(client, live, alpha, aino) -> None:
    stay = await add_stay(
        alpha, "ABC-123", ago(hours=3), driver=aino.driver, exited_at=ago(hours=1), status="unpaid", total=615
    )
    token = aino.headers["Authorization"].removeprefix("Bearer ")

    opened = await open_ticket(
        client, aino, stay_id=str(stay.id), subject="Why unpaid?", body="My card was valid."
    )
    assert opened["number"] == 1
    assert opened["status"] == "open"
    assert opened["kind"] == "question"
    assert opened["operator"] == "Alpha Parking Ltd"
    assert opened["facility"]["slug"] == "alpha-p1"
    assert opened["license_plate"] == "ABC-123"
    assert opened["stay_id"] == str(stay.id)
    assert [(m["author"], m["author_name"], m["body"]) for m in opened["messages"]] == [
        ("driver", "Aino", "My card was valid.")
    ]
    assert "assignee" not in opened
    assert "first_response_at" not in opened

    listed = (await client.get(TICKETS, headers=alpha.operator)).json()
    assert listed["total"] == 1
    row = listed["items"][0]
    assert (row["number"], row["subject"], row["status"], row["driver_email"], row["driver_name"]) == (
        1,
        "Why unpaid?",
        "open",
        "aino@example.test",
        "Aino",
    )
    assert (row["plate"], row["facility"], row["assignee"], row["first_response_at"]) == (
        "ABC-123",
        "alpha-p1",
        None,
        None,
    )

    async with Stream(live, token) as stream:
        answered = await client.post(
            f"{TICKETS}/1/messages", json={"body": "Your card was declined."}, headers=alpha.operator
        )
        assert answered.status_code == 200, answered.text
        assert answered.json()["status"] == "pending"
        assert answered.json()["first_response_at"] is not None
        event = await stream.next()
    assert event["event"] == "ticket_reply"
    assert event["data"]["ticket_id"] == opened["id"]
    assert event["data"]["number"] == 1
    assert event["data"]["message"] == "Your card was declined."
    assert event["data"]["status"] == "pending"

    seen = (await client.get(f"{ME}/{opened['id']}", headers=aino.headers)).json()
    assert seen["status"] == "pending"
    assert [(m["author"], m["body"]) for m in seen["messages"]] == [
        ("driver", "My card was valid."),
        ("operator", "Your card was declined."),
    ]
    assert seen["messages"][1]["author_name"] == "Operator"  # the operator user's name, never their e-mail

    back = await client.post(
        f"{ME}/{opened['id']}/messages", json={"body": "I paid it now."}, headers=aino.headers
    )
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "open"
    first_response_at = answered.json()["first_response_at"]

    again = await client.post(
        f"{TICKETS}/1/messages", json={"body": "Thanks, we see it."}, headers=alpha.operator
    )
    assert again.json()["first_response_at"] == first_response_at  # set once

    async with Stream(live, token) as stream:
        resolved = await client.post(
            f"{TICKETS}/1/resolve", json={"resolution": "Paid in the app."}, headers=alpha.operator
        )
        assert resolved.status_code == 200, resolved.text
        event = await stream.next()
    assert event["event"] == "ticket_resolved"
    assert event["data"]["message"] == "Paid in the app."
    body = resolved.json()
    assert body["ticket"]["status"] == "resolved"
    assert body["ticket"]["resolution"] == "Paid in the app."
    assert body["ticket"]["resolved_at"] is not None
    assert (body["voided_invoice"], body["refund_due"], body["next_step"]) == (None, None, None)

    mine = (await client.get(ME, headers=aino.headers)).json()["items"]
    assert [(t["number"], t["status"]) for t in mine] == [(1, "resolved")]
    detail = (await client.get(f"{ME}/{opened['id']}", headers=aino.headers)).json()
    assert detail["resolution"] == "Paid in the app."
    assert detail["messages"][-1]["author"] == "system"
    assert detail["messages"][-1]["body"] == "Resolved: Paid in the app."

    entry = await AuditEntry.get(action="ticket.resolved")
    assert entry.actor_label == "operator@alpha.example.test"
    assert entry.details["number"] == 1
    assert entry.details["resolution"] == "Paid in the app."


async def test_a_driver_answer_reopens_a_resolved_ticket_and_the_resolution_clock_restarts(
    client, alpha, aino
) -> None:
    stay = await add_stay(alpha, "ABC-123", ago(hours=2), driver=aino.driver)
    opened = await open_ticket(client, aino, stay_id=str(stay.id))
    await client.post(f"{TICKETS}/1/resolve", json={"resolution": "Done."}, headers=alpha.operator)

    back = await client.post(
        f"{ME}/{opened['id']}/messages", json={"body": "Not done!"}, headers=aino.headers
    )

    assert back.json()["status"] == "open"
    assert back.json()["resolved_at"] is None
    row = (await client.get(f"{TICKETS}/1", headers=alpha.operator)).json()
    assert row["status"] == "open"
    assert row["first_response_at"] is not None  # the resolution answered the driver


async def test_a_ticket_about_a_session_and_about_a_facility(client, alpha, aino) -> None:
    session = await add_session(alpha, "ABC-123", ago(hours=1), 60, driver=aino.driver)

    about_session = await open_ticket(client, aino, session_id=str(session.id), body="Extend failed")
    about_place = await open_ticket(client, aino, facility="ALPHA-P1", subject="Height limit?", body="2.1 m?")

    assert (about_session["number"], about_session["facility"]["slug"]) == (1, "alpha-p1")
    assert about_session["session_id"] == str(session.id)
    assert about_place["number"] == 2
    assert [(m["author"], m["body"]) for m in about_place["messages"]] == [
        ("system", "About the facility Alpha P1 (alpha-p1)."),
        ("driver", "2.1 m?"),
    ]
    rows = (await client.get(TICKETS, headers=alpha.operator)).json()["items"]
    assert [r["number"] for r in rows] == [2, 1]


async def test_numbers_run_per_operator(client, alpha, bravo, aino) -> None:
    a1 = await open_ticket(client, aino, facility="alpha-p1")
    b1 = await open_ticket(client, aino, facility="bravo-p1")
    a2 = await open_ticket(client, aino, facility="alpha-p1")

    assert (a1["number"], b1["number"], a2["number"]) == (1, 1, 2)
    assert (a1["operator"], b1["operator"]) == ("Alpha Parking Ltd", "Bravo Parking Ltd")
    assert [r["number"] for r in (await client.get(TICKETS, headers=bravo.operator)).json()["items"]] == [1]
    mine = (await client.get(ME, headers=aino.headers)).json()["items"]
    assert [(t["operator"], t["number"]) for t in mine] == [
        ("Alpha Parking Ltd", 2),
        ("Bravo Parking Ltd", 1),
        ("Alpha Parking Ltd", 1),
    ]


async def test_a_closed_ticket_takes_no_driver_message(client, alpha, aino) -> None:
    opened = await open_ticket(client, aino, facility="alpha-p1")
    closed = await client.patch(f"{TICKETS}/1", json={"status": "closed"}, headers=alpha.operator)
    assert closed.json()["status"] == "closed"

    response = await client.post(
        f"{ME}/{opened['id']}/messages", json={"body": "Hello?"}, headers=aino.headers
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "open a new ticket" in response.json()["detail"]
