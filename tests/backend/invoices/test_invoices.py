"""Invoices for unpaid stays: issue, list, mark paid, void, print; every transition checked."""

from datetime import datetime, timedelta

import pytest

from backend.models import AuditEntry, Invoice, Stay
from tests.backend.anpr.world import ago, driver_with_plate, iso, send
from tests.backend.records.world import ADMIN, EXIT_AT, OWED, unpaid_stay

INVOICES = f"{ADMIN}/invoices"


async def _issue(client, headers, stay_id, **body):
    return await client.post(f"{ADMIN}/stays/{stay_id}/invoice", json=body, headers=headers)


async def _issued(client, headers, stay_id, **body) -> dict:
    response = await _issue(client, headers, stay_id, **body)
    assert response.status_code == 201, response.text
    return response.json()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_issuing_numbers_invoices_and_bills_what_is_owed(client, world) -> None:
    await driver_with_plate(client, plate="XYZ-9", card=None)
    stay = await unpaid_stay(client, world, "ABC-123")
    invoice = await _issued(client, world.operator, stay.id, bill_to="Acme Oy, Mannerheimintie 1")
    assert invoice["number"] == "INV-000001"
    assert invoice["sequence"] == 1
    assert (invoice["status"], invoice["overdue"], invoice["stay_id"], invoice["plate"]) == (
        "issued",
        False,
        str(stay.id),
        "ABC-123",
    )
    assert invoice["facility"] == {"slug": "kamppi-p1", "name": "Kamppi P1", "timezone": "Europe/Helsinki"}
    assert (invoice["parking_amount"], invoice["service_fee_amount"], invoice["previously_paid_amount"]) == (
        300,
        8,
        0,
    )
    assert (invoice["amount"], invoice["currency"], invoice["bill_to"]) == (
        OWED,
        "EUR",
        "Acme Oy, Mannerheimintie 1",
    )
    assert _at(invoice["due_at"]) - _at(invoice["issued_at"]) == timedelta(days=14)
    assert (invoice["exited_at"], invoice["driver_email"]) == (EXIT_AT, None)
    entry = await AuditEntry.get(action="invoice.issued")
    assert (entry.object_id, entry.actor_label) == (invoice["id"], "operator@helsinki-parking.example.test")

    # The driver's stay is billed to them by default; numbers run on per operator.
    theirs = await unpaid_stay(
        client, world, "XYZ-9", entry="2026-04-01T10:00:00Z", exit="2026-04-01T12:00:00Z"
    )
    second = await _issued(client, world.admin, theirs.id, due_days=30)
    assert (second["number"], second["bill_to"], second["driver_email"]) == (
        "INV-000002",
        "Aino (aino@example.test)",
        "aino@example.test",
    )
    assert _at(second["due_at"]) - _at(second["issued_at"]) == timedelta(days=30)

    again = await _issue(client, world.operator, stay.id)
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert (
        again.json()["detail"]
        == "Invoice INV-000001 is already issued for this stay; void it to issue a new one."
    )


async def test_only_an_ended_stay_that_owes_something_is_invoiced(client, world) -> None:
    opened = await send(client, world.camera, "entry", iso(ago(30)), "OPEN-1")
    free = await unpaid_stay(
        client, world, "FREE-1", entry="2026-04-01T10:00:00Z", exit="2026-04-01T10:05:00Z"
    )
    inside = await _issue(client, world.operator, opened.json()["session_id"])
    assert (inside.status_code, inside.json()["detail"]) == (
        409,
        "The car has not left yet; a stay is invoiced once it has ended.",
    )
    nothing = await _issue(client, world.operator, free.id)
    assert nothing.status_code == 409
    assert nothing.json()["detail"].startswith("Nothing is owed for this stay (paid: 0.00 EUR charged")
    stay = await unpaid_stay(client, world, "ABC-123")
    for days in (0, 366):
        bad = await _issue(client, world.operator, stay.id, due_days=days)
        assert (bad.status_code, bad.json()["code"]) == (422, "validation_error")
        assert "'due_days'" in bad.json()["detail"]
    nul = await _issue(client, world.operator, stay.id, bill_to="Acme\x00Oy")
    assert (nul.status_code, nul.json()["code"]) == (422, "validation_error")
    assert not await Invoice.exists()


async def test_marking_paid_settles_the_stay_and_cannot_be_undone(client, world) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    invoice = await _issued(client, world.operator, stay.id)
    paid = await client.post(
        f"{INVOICES}/{invoice['id']}/mark-paid", json={"reference": "RF18 5390"}, headers=world.operator
    )
    assert paid.status_code == 200, paid.text
    body = paid.json()
    assert (body["status"], body["paid_reference"], body["overdue"]) == ("paid", "RF18 5390", False)
    assert body["paid_at"] is not None
    stay = await Stay.get(id=stay.id)
    assert (stay.status, stay.paid_amount, stay.failure_reason) == ("paid", OWED, None)
    audit = await AuditEntry.get(action="invoice.paid")
    assert audit.details == {"number": "INV-000001", "reference": "RF18 5390", "amount": OWED}

    twice = await client.post(
        f"{INVOICES}/{invoice['id']}/mark-paid", json={"reference": "x"}, headers=world.operator
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "conflict")
    void = await client.post(
        f"{INVOICES}/{invoice['id']}/void", json={"reason": "Oops"}, headers=world.operator
    )
    assert void.status_code == 409
    assert void.json()["detail"] == (
        "Invoice INV-000001 is already paid (reference RF18 5390); it cannot be voided. "
        "Refund the payer outside Parkflow if it was wrong."
    )
    assert (await Stay.get(id=stay.id)).paid_amount == OWED
    timeline = (await client.get(f"{ADMIN}/stays/{stay.id}", headers=world.operator)).json()["timeline"]
    assert [i["title"] for i in timeline if i["kind"] == "invoice"] == [
        "Invoice INV-000001 issued: 3.08 EUR",
        "Invoice INV-000001 marked paid",
    ]


async def test_a_stay_paid_meanwhile_is_not_paid_twice(client, world) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    invoice = await _issued(client, world.operator, stay.id)
    await Stay.filter(id=stay.id).update(status="paid", paid_amount=OWED)  # paid in the app meanwhile
    response = await client.post(
        f"{INVOICES}/{invoice['id']}/mark-paid", json={"reference": "x"}, headers=world.operator
    )
    assert response.status_code == 409
    assert "void invoice INV-000001 instead" in response.json()["detail"]
    assert (await Stay.get(id=stay.id)).paid_amount == OWED
    assert (await Invoice.get(id=invoice["id"])).status == "issued"


async def test_voiding_frees_the_stay_for_a_new_invoice(client, world) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    first = await _issued(client, world.operator, stay.id)
    voided = await client.post(
        f"{INVOICES}/{first['id']}/void", json={"reason": "Issued to the wrong plate"}, headers=world.operator
    )
    assert voided.status_code == 200, voided.text
    assert (voided.json()["status"], voided.json()["void_reason"]) == ("void", "Issued to the wrong plate")
    assert (await Invoice.get(id=first["id"])).live_slot is None
    assert (await AuditEntry.get(action="invoice.voided")).details["reason"] == "Issued to the wrong plate"
    assert (await Stay.get(id=stay.id)).status == "unpaid"

    second = await _issued(client, world.operator, stay.id)
    assert second["number"] == "INV-000002"
    again = await client.post(
        f"{INVOICES}/{first['id']}/void", json={"reason": "Again"}, headers=world.operator
    )
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "Invoice INV-000001 is void; it cannot be voided. Issue a new one for the stay.",
    )
    pay_void = await client.post(
        f"{INVOICES}/{first['id']}/mark-paid", json={"reference": "x"}, headers=world.operator
    )
    assert pay_void.status_code == 409
    short = await client.post(f"{INVOICES}/{second['id']}/void", json={"reason": ""}, headers=world.operator)
    assert (short.status_code, short.json()["code"]) == (422, "validation_error")


async def test_the_list_filters_and_pages(client, world, other) -> None:
    ids = []
    for n, plate in enumerate(("ABC-123", "ABC-124", "XYZ-1")):
        stay = await unpaid_stay(
            client, world, plate, entry=f"2026-04-0{n + 1}T10:00:00Z", exit=f"2026-04-0{n + 1}T11:05:00Z"
        )
        ids.append((await _issued(client, world.operator, stay.id))["id"])
    await client.post(f"{INVOICES}/{ids[1]}/mark-paid", json={"reference": "cash"}, headers=world.operator)
    await Invoice.filter(id=ids[0]).update(due_at=datetime.fromisoformat("2026-04-20T00:00:00+00:00"))
    theirs = await unpaid_stay(client, other, "ABC-123")
    foreign = await _issued(client, other.operator, theirs.id)
    assert foreign["number"] == "INV-000001"

    async def listed(**params) -> dict:
        response = await client.get(INVOICES, params=params, headers=world.operator)
        assert response.status_code == 200, response.text
        return response.json()

    everything = await listed()
    assert [i["number"] for i in everything["items"]] == ["INV-000003", "INV-000002", "INV-000001"]
    assert everything["total"] == 3
    assert [i["plate"] for i in (await listed(status="issued"))["items"]] == ["XYZ-1", "ABC-123"]
    assert [i["plate"] for i in (await listed(plate="abc"))["items"]] == ["ABC-124", "ABC-123"]
    overdue = await listed(overdue="true")
    assert [(i["number"], i["overdue"]) for i in overdue["items"]] == [("INV-000001", True)]
    page = await listed(limit=1, offset=1)
    assert ([i["number"] for i in page["items"]], page["total"]) == (["INV-000002"], 3)
    bad = await client.get(INVOICES, params={"status": "lost"}, headers=world.operator)
    assert bad.status_code == 422
    beyond = await client.get(INVOICES, params={"offset": 2**63}, headers=world.operator)
    assert (beyond.status_code, beyond.json()["code"]) == (422, "validation_error")

    one = await client.get(f"{INVOICES}/{ids[2]}", headers=world.operator)
    assert (one.status_code, one.json()["number"]) == (200, "INV-000003")
    for path in (f"{INVOICES}/{foreign['id']}", f"{INVOICES}/{foreign['id']}/print", f"{INVOICES}/nope"):
        missing = await client.get(path, headers=world.operator)
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found"), path
    for action, body in (("mark-paid", {"reference": "x"}), ("void", {"reason": "Not ours"})):
        response = await client.post(
            f"{INVOICES}/{foreign['id']}/{action}", json=body, headers=world.operator
        )
        assert response.status_code == 404
    assert (await _issue(client, world.operator, theirs.id)).status_code == 404
    assert (await Invoice.get(id=foreign["id"])).status == "issued"


async def test_the_printable_page(client, world) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    invoice = await _issued(client, world.operator, stay.id, bill_to="<script>alert(1)</script> Acme")
    page = await client.get(f"{INVOICES}/{invoice['id']}/print", headers=world.operator)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    for expected in (
        "Helsinki Parking",
        "Invoice INV-000001",
        "ABC-123",
        "Kamppi P1",
        "2026-03-30 13:00",  # entry, Helsinki time
        "2026-03-30 14:05",  # exit
        "3.00",
        "0.08",
        "Total (VAT-free)",
        "3.08",
        "&lt;script&gt;alert(1)&lt;/script&gt; Acme",
        "@media print",
    ):
        assert expected in html, expected
    assert "<script>" not in html
    assert 'class="watermark' not in html

    await client.post(
        f"{INVOICES}/{invoice['id']}/mark-paid", json={"reference": "RF1"}, headers=world.operator
    )
    paid = (await client.get(f"{INVOICES}/{invoice['id']}/print", headers=world.operator)).text
    assert '<div class="watermark paid" aria-hidden="true">PAID</div>' in paid
    assert "reference RF1" in paid


@pytest.mark.parametrize("role", ["admin", "operator"])
async def test_operators_and_admins_may_invoice(client, world, role) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    await _issued(client, getattr(world, role), stay.id)


async def test_enforcement_users_and_previews_are_refused(client, world, super_admin) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    invoice = await _issued(client, world.operator, stay.id)
    for method, path, body in (
        ("post", f"{ADMIN}/stays/{stay.id}/invoice", {}),
        ("get", INVOICES, None),
        ("get", f"{INVOICES}/{invoice['id']}", None),
        ("get", f"{INVOICES}/{invoice['id']}/print", None),
        ("post", f"{INVOICES}/{invoice['id']}/mark-paid", {"reference": "x"}),
        ("post", f"{INVOICES}/{invoice['id']}/void", {"reason": "xyz"}),
    ):
        kwargs = {"json": body} if body is not None else {}
        response = await client.request(method, path, headers=world.enforcement, **kwargs)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden"), path
    preview = {**super_admin, "X-Tenant": "helsinki-parking", "X-Preview": "true"}
    assert (await client.get(INVOICES, headers=preview)).status_code == 200
    refused = await client.post(f"{INVOICES}/{invoice['id']}/void", json={"reason": "xyz"}, headers=preview)
    assert (refused.status_code, refused.json()["code"]) == (403, "read_only_preview")
    assert (await Invoice.get(id=invoice["id"])).status == "issued"
