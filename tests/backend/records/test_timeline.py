"""`GET /api/v1/admin/stays/{id}` and `/parking-sessions/{id}`: a record with its timeline."""

from datetime import UTC, datetime

from backend.models import Driver, Ticket
from tests.backend.anpr.world import driver_with_plate, run_jobs
from tests.backend.helpers import app_of
from tests.backend.records.world import ADMIN, ENTRY_AT, EXIT_AT, OWED, unpaid_stay

IN_IMAGE, OUT_IMAGE = "https://cam.example/in.jpg", "https://cam.example/out.jpg"


async def _enforcement_key(client, world) -> str:
    response = await client.post(f"{ADMIN}/api-keys", json={"name": "handhelds"}, headers=world.admin)
    assert response.status_code == 201, response.text
    return response.json()["key"]


async def _detail(client, world, path: str) -> dict:
    response = await client.get(f"{ADMIN}/{path}", headers=world.operator)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_declined_exit_charge_reads_top_to_bottom(client, world) -> None:
    await driver_with_plate(client, plate="ABC-123", card="tok_chargeDeclined")
    stay = await unpaid_stay(client, world, "ABC-123", entry_image=IN_IMAGE, exit_image=OUT_IMAGE)
    await run_jobs(app_of(client))
    key = await _enforcement_key(client, world)
    check = await client.get(
        "/api/enforcement/check/abc123",
        params={"facility": "Kamppi P1", "at": "2026-03-30T10:40:00Z"},
        headers={"x-api-key": key},
    )
    assert check.json()["status"] == "parked_unpaid"
    driver = await Driver.get(email="aino@example.test")
    await Ticket.create(
        tenant_id=world.camera.tenant.id,
        number=7,
        driver=driver,
        kind="dispute",
        subject="I was not there that long",
        stay_id=stay.id,
        plate="ABC-123",
        created_at=datetime.now(UTC),
    )
    invoice = await client.post(f"{ADMIN}/stays/{stay.id}/invoice", json={}, headers=world.operator)
    assert invoice.status_code == 201, invoice.text

    detail = await _detail(client, world, f"stays/{stay.id}")
    assert (detail["status"], detail["owed_amount"], detail["paid_amount"], detail["due_amount"]) == (
        "unpaid",
        OWED,
        0,
        OWED,
    )
    assert (detail["entry_image_url"], detail["exit_image_url"]) == (IN_IMAGE, OUT_IMAGE)
    assert detail["free_until"] == "2026-03-30T10:15:00Z"
    assert detail["driver_email"] == "aino@example.test"
    timeline = detail["timeline"]
    assert [(i["kind"], i["title"]) for i in timeline] == [
        ("entry", "Entry seen by camera"),
        ("free_period", "Free period until 13:15"),
        ("exit", "Exit seen by camera"),
        ("payment_failed", "Exit charge (auto-pay) declined: 3.08 EUR"),
        ("unpaid", "Unpaid: 3.08 EUR owed"),
        ("enforcement_check", "Enforcement check: parked unpaid: fine"),
        ("ticket", "Dispute #7: I was not there that long"),
        ("invoice", "Invoice INV-000001 issued: 3.08 EUR"),
    ]
    entry, free, leaving, declined, unpaid, checked, ticket, issued = timeline
    assert (entry["at"], entry["image_url"], entry["actor"]) == (ENTRY_AT, IN_IMAGE, "camera")
    assert entry["detail"] == "Plate read as ABC-123"
    assert free["detail"] == "15 minutes free"
    assert (leaving["at"], leaving["image_url"]) == (EXIT_AT, OUT_IMAGE)
    assert declined["severity"] == "error"
    assert declined["actor"] == "system"
    assert declined["detail"] == "VISA •••• 0002: The card was declined; use another payment method."
    assert "declined" in declined["detail"].lower()
    assert unpaid["severity"] == "warning"
    assert unpaid["detail"].startswith("Card declined")
    assert (checked["severity"], checked["actor"]) == ("warning", "handhelds")
    assert checked["detail"].startswith("Should fine; asked about 2026-03-30 13:40")
    assert (ticket["actor"], ticket["detail"]) == ("aino@example.test", "Status: open")
    assert issued["actor"] == "operator@helsinki-parking.example.test"
    assert issued["detail"].startswith("Due ")

    corrected = await client.post(
        f"{ADMIN}/stays/{stay.id}/plate",
        json={"plate": "ABC-128", "reason": "Misread 8 as 3"},
        headers=world.admin,
    )
    assert corrected.status_code == 200, corrected.text
    last = corrected.json()["stay"]["timeline"][-1]
    assert (last["kind"], last["title"], last["actor"]) == (
        "plate_corrected",
        "Plate corrected from ABC-123 to ABC-128",
        "tenant-admin@helsinki-parking.example.test",
    )
    assert last["detail"].startswith("Reason: Misread 8 as 3; payment: invoiced")


async def test_a_stay_paid_at_the_exit_and_one_left_in_the_free_period(client, world) -> None:
    await driver_with_plate(client, plate="ABC-123")
    paid = await unpaid_stay(client, world, "ABC-123")
    await run_jobs(app_of(client))
    free = await unpaid_stay(
        client, world, "FREE-1", entry="2026-04-01T10:00:00Z", exit="2026-04-01T10:10:00Z"
    )

    timeline = (await _detail(client, world, f"stays/{paid.id}"))["timeline"]
    charged = next(i for i in timeline if i["kind"] == "payment")
    assert (charged["title"], charged["severity"]) == ("Exit charge (auto-pay): 3.08 EUR", "success")
    assert charged["detail"] == "VISA •••• 4242"
    assert not [i for i in timeline if i["kind"] == "unpaid"]

    detail = await _detail(client, world, f"stays/{free.id}")
    assert (detail["status"], detail["owed_amount"]) == ("paid", 0)
    assert [i["kind"] for i in detail["timeline"]] == ["entry", "free_period", "exit"]
    assert detail["timeline"][1]["detail"] == "15 minutes free; left within it"


async def test_a_prepaid_session_timeline(client, world) -> None:
    headers = await driver_with_plate(client, plate="SES-1")
    offer = await client.post(
        "/api/v1/quotes",
        json={"facility": "kamppi-p1", "license_plate": "SES-1", "duration_minutes": 60},
        headers=headers,
    )
    method = (await client.get("/api/v1/me/payment-methods", headers=headers)).json()
    method_id = method["items"][0]["id"] if isinstance(method, dict) else method[0]["id"]
    started = await client.post(
        "/api/v1/sessions",
        json={"quote_id": offer.json()["id"], "payment_method_id": method_id},
        headers=headers,
    )
    assert started.status_code == 201, started.text
    session_id = started.json()["id"]
    stopped = await client.post(f"/api/v1/sessions/{session_id}/stop", headers=headers)
    assert stopped.status_code == 200, stopped.text

    detail = await _detail(client, world, f"parking-sessions/{session_id}")
    assert (detail["kind"], detail["status"], detail["source"]) == ("session", "stopped", "app")
    # Stopped inside the free quarter hour: everything refunded (refund_unused).
    assert (detail["refunded_amount"], detail["owed_amount"], detail["paid_amount"]) == (231, 0, 0)
    kinds = [i["kind"] for i in detail["timeline"]]
    assert sorted(kinds) == sorted(
        ["session_requested", "payment", "session_started", "session_stopped", "refund"]
    )
    assert kinds.index("session_stopped") > kinds.index("session_started")
    assert kinds.index("refund") > kinds.index("payment")
    by_kind = {i["kind"]: i for i in detail["timeline"]}
    assert by_kind["session_requested"]["title"] == "Session requested: 60 minutes"
    assert by_kind["session_requested"]["actor"] == "aino@example.test"
    assert by_kind["payment"]["title"] == "Payment: 2.31 EUR"
    assert by_kind["refund"]["title"] == "Refunded 2.31 EUR"
    assert by_kind["session_stopped"]["title"].startswith("Stopped early at ")


async def test_another_operators_record_is_a_404_and_enforcement_is_refused(client, world, other) -> None:
    theirs = await unpaid_stay(client, other, "ABC-123")
    mine = await unpaid_stay(client, world, "ABC-123")
    for path in (f"stays/{theirs.id}", f"parking-sessions/{theirs.id}", "stays/not-a-uuid"):
        response = await client.get(f"{ADMIN}/{path}", headers=world.operator)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    refused = await client.get(f"{ADMIN}/stays/{mine.id}", headers=world.enforcement)
    assert refused.status_code == 403
    assert (await client.get(f"{ADMIN}/stays/{mine.id}", headers=world.admin)).status_code == 200
    assert (await client.get(f"{ADMIN}/parking-sessions/{mine.id}", headers=world.admin)).status_code == 404
