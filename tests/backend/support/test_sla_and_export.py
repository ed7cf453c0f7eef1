"""SLA figures on tickets with known timestamps, and the CSV export."""

import csv
import io
from datetime import timedelta

from backend.models import Ticket
from tests.backend.support.conftest import TICKETS, add_stay, ago, open_ticket


async def _ticket_at(
    client, alpha, aino, days_ago: float, status: str, first: float | None, done: float | None
):
    """A ticket created `days_ago`, first answered `first` minutes and resolved `done` minutes later."""
    opened = await open_ticket(client, aino, facility="alpha-p1")
    created_at = ago(days=days_ago)
    await Ticket.filter(id=opened["id"]).update(
        created_at=created_at,
        status=status,
        first_response_at=created_at + timedelta(minutes=first) if first is not None else None,
        resolved_at=created_at + timedelta(minutes=done) if done is not None else None,
    )


async def test_sla_figures_are_exact(client, alpha, bravo, aino) -> None:
    await _ticket_at(client, alpha, aino, 10, "resolved", 30, 120)
    await _ticket_at(client, alpha, aino, 9, "closed", 60, 600)
    await _ticket_at(client, alpha, aino, 8, "pending", 90, None)
    await _ticket_at(client, alpha, aino, 7, "pending", 300, None)  # answered late
    await _ticket_at(client, alpha, aino, 6, "open", None, None)  # still unanswered, long past the target
    await _ticket_at(client, alpha, aino, 1 / 24, "open", None, None)  # an hour old: not late yet
    await _ticket_at(client, alpha, aino, 40, "resolved", 1, 2)  # before the window
    await open_ticket(client, aino, facility="bravo-p1")  # another operator's

    response = await client.get(f"{TICKETS}/sla", headers=alpha.operator)

    assert response.status_code == 200, response.text
    figures = response.json()
    assert figures["days"] == 30
    assert figures["total"] == 6
    assert figures["by_status"] == {"open": 2, "pending": 2, "resolved": 1, "closed": 1}
    # 30, 60, 90, 300 minutes: median between 60 and 90; p90 at rank 2.7 = 90 + 0.7 x 210.
    assert figures["first_response"] == {"count": 4, "median_minutes": 75.0, "p90_minutes": 237.0}
    # 120 and 600 minutes: p90 = 120 + 0.9 x 480.
    assert figures["resolution"] == {"count": 2, "median_minutes": 360.0, "p90_minutes": 552.0}
    assert figures["first_response_target"] == {"target_minutes": 240, "met": 3, "missed": 2, "share": 0.6}

    recent = (await client.get(f"{TICKETS}/sla", params={"days": 5}, headers=alpha.operator)).json()
    assert recent["total"] == 1
    assert recent["first_response"] == {"count": 0, "median_minutes": None, "p90_minutes": None}
    assert recent["first_response_target"]["share"] is None


async def test_sla_target_comes_from_the_settings(client, app, alpha, aino) -> None:
    await _ticket_at(client, alpha, aino, 2, "pending", 300, None)
    settings = app.state.services.settings
    saved = settings.support_first_response_target_minutes
    settings.support_first_response_target_minutes = 360
    try:
        figures = (await client.get(f"{TICKETS}/sla", headers=alpha.operator)).json()
    finally:
        settings.support_first_response_target_minutes = saved
    assert figures["first_response_target"] == {"target_minutes": 360, "met": 1, "missed": 0, "share": 1.0}


async def test_sla_days_must_be_sensible(client, alpha) -> None:
    for days in ("0", "366", "a month"):
        response = await client.get(f"{TICKETS}/sla", params={"days": days}, headers=alpha.operator)
        assert response.status_code == 422, days
        assert "'days'" in response.json()["detail"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_the_csv_export_lists_the_filtered_tickets(client, alpha, bravo, aino) -> None:
    stay = await add_stay(alpha, "ABC-123", ago(hours=2), driver=aino.driver)
    await open_ticket(client, aino, stay_id=str(stay.id), subject='=HYPERLINK("http://evil")')
    await open_ticket(client, aino, facility="alpha-p1", subject="Opening hours, please")
    await open_ticket(client, aino, facility="bravo-p1", subject="Bravo's")
    await client.patch(f"{TICKETS}/2", json={"assign_to_me": True}, headers=alpha.operator)
    await client.post(f"{TICKETS}/2/resolve", json={"resolution": '24/7, "always".'}, headers=alpha.operator)

    response = await client.get(f"{TICKETS}/export.csv", headers=alpha.operator)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="tickets.csv"' in response.headers["content-disposition"]
    assert response.text.splitlines()[0] == (
        "number,created_at,kind,status,outcome,subject,driver_email,driver_name,plate,facility,assignee,"
        "last_message_at,first_response_at,resolved_at,resolution"
    )
    rows = _rows(response.text)
    assert [(r["number"], r["status"], r["plate"], r["facility"]) for r in rows] == [
        ("1", "open", "ABC-123", "alpha-p1"),
        ("2", "resolved", "", ""),
    ]
    assert rows[0]["subject"] == '\'=HYPERLINK("http://evil")'  # never run as a formula
    assert rows[1]["subject"] == "Opening hours, please"
    assert rows[1]["resolution"] == '24/7, "always".'
    assert rows[1]["assignee"] == "operator@alpha.example.test"
    assert (rows[1]["driver_email"], rows[1]["driver_name"]) == ("aino@example.test", "Aino")
    assert rows[1]["created_at"].endswith("Z")
    assert rows[1]["resolved_at"].endswith("Z")
    assert rows[0]["resolved_at"] == ""

    resolved = await client.get(
        f"{TICKETS}/export.csv", params={"status": "resolved"}, headers=alpha.operator
    )
    assert [r["number"] for r in _rows(resolved.text)] == ["2"]
    found = await client.get(f"{TICKETS}/export.csv", params={"q": "abc123"}, headers=alpha.operator)
    assert [r["number"] for r in _rows(found.text)] == ["1"]


async def test_the_export_streams_every_ticket_past_a_batch(client, alpha, aino, monkeypatch) -> None:
    from backend.support import export

    monkeypatch.setattr(export, "BATCH", 2)
    for _ in range(5):
        await open_ticket(client, aino, facility="alpha-p1")

    response = await client.get(f"{TICKETS}/export.csv", headers=alpha.operator)

    assert [r["number"] for r in _rows(response.text)] == ["1", "2", "3", "4", "5"]
