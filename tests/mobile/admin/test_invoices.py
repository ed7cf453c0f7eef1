"""Invoices: issued from a stay's timeline, listed and filtered, marked paid, voided, printed; roles,
the super admin's preview and another operator's invoices, against the real backend."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from backend.models import Invoice, Stay
from mobile.admin.state.invoices import InvoicesState
from mobile.admin.state.sessions import SessionsState
from tests.backend.helpers import make_operator
from tests.backend.records.world import World, make_world, unpaid_stay
from tests.mobile.admin.conftest import signed_in

OPERATOR = "operator@helsinki-parking.example.test"


@pytest.fixture
async def world(client) -> World:
    return await make_world(client, "helsinki-parking", "kamppi-p1")


@pytest.fixture
async def other(client, world) -> World:
    return await make_world(client, "tampere-parking", "tampere-p1")


async def _invoice(client, stay: Stay, email: str = OPERATOR, bill_to: str = "", due_days: int = 14) -> None:
    """Issue an invoice the way an operator does: from the stay's timeline."""
    session = await signed_in(client, email)
    sessions = SessionsState(session.api)
    await sessions.open("stay", str(stay.id))
    assert sessions.can_invoice
    assert await sessions.issue_invoice(bill_to, due_days), sessions.error


async def _invoices(client, email: str = OPERATOR) -> InvoicesState:
    session = await signed_in(client, email)
    state = InvoicesState(session.api)
    await state.load()
    return state


def _listed(state: InvoicesState) -> list[tuple[str, str, str]]:
    return [(i.number, i.plate, i.status.value) for i in state.items]


async def test_an_invoice_is_issued_paid_and_cannot_be_voided_after(client, world) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    await _invoice(client, stay, bill_to="Aino Virtanen, Mannerheimintie 1, Helsinki")
    state = await _invoices(client)
    assert state.error is None
    assert _listed(state) == [("INV-000001", "ABC-123", "issued")]
    invoice = state.items[0]
    assert (invoice.amount, invoice.currency, invoice.bill_to) == (
        308,
        "EUR",
        "Aino Virtanen, Mannerheimintie 1, Helsinki",
    )
    assert state.showing == "1–1 of 1"

    assert not await state.mark_paid(invoice, "  ")
    assert state.error == "Type the bank transfer's reference or the receipt number."
    assert await state.mark_paid(invoice, "RF18 5390 0754 7034")
    assert state.notice == "Invoice INV-000001 marked paid (3.08 EUR); the stay of ABC-123 is paid."
    assert _listed(state) == [("INV-000001", "ABC-123", "paid")]
    assert state.items[0].paid_reference == "RF18 5390 0754 7034"
    assert (await Stay.get(id=stay.id)).status == "paid"

    assert not await state.void(state.items[0], "Too late")
    assert state.error  # a paid invoice cannot be voided: said as a sentence
    assert _listed(state) == [("INV-000001", "ABC-123", "paid")]

    url = await state.print_link(state.items[0])
    assert url is not None
    parts = urlsplit(url)
    page = await client.get(f"{parts.path}?{parts.query}")  # the new tab: no sign-in
    assert page.status_code == 200
    assert "Invoice INV-000001" in page.text
    assert "ABC-123" in page.text
    assert state.notice.startswith("Invoice INV-000001 opened in a new tab: print it there")


async def test_voiding_frees_the_stay_for_a_new_invoice(client, world) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    await _invoice(client, stay)
    state = await _invoices(client)
    assert not await state.void(state.items[0], "x")
    assert state.error == "Say why the invoice is voided (it is kept in the audit log)."
    assert await state.void(state.items[0], "Issued to the wrong plate")
    assert state.notice == "Invoice INV-000001 voided; the stay of ABC-123 can be invoiced again."
    assert _listed(state) == [("INV-000001", "ABC-123", "void")]
    assert (await Stay.get(id=stay.id)).status == "unpaid"

    await _invoice(client, stay)  # offered again on the timeline
    await state.load()
    assert _listed(state) == [("INV-000002", "ABC-123", "issued"), ("INV-000001", "ABC-123", "void")]


async def test_the_list_filters_by_status_overdue_and_plate(client, world) -> None:
    stays = [
        await unpaid_stay(
            client, world, plate, entry=f"2026-03-{day}T10:00:00Z", exit=f"2026-03-{day}T11:05:00Z"
        )
        for day, plate in (("20", "AAA-1"), ("21", "BBB-2"), ("22", "CCC-3"))
    ]
    for stay in stays:
        await _invoice(client, stay)
    await Invoice.filter(stay_id=stays[0].id).update(due_at=datetime.now(UTC) - timedelta(days=2))
    state = await _invoices(client)
    await state.mark_paid(next(i for i in state.items if i.plate == "BBB-2"), "cash")

    await state.set_status("overdue")
    assert _listed(state) == [("INV-000001", "AAA-1", "issued")]
    assert state.items[0].overdue
    await state.set_status("issued")
    assert [i.plate for i in state.items] == ["CCC-3", "AAA-1"]
    await state.set_status("paid")
    assert [i.plate for i in state.items] == ["BBB-2"]
    await state.set_status("void")
    assert state.items == []
    assert state.empty_message == "No invoices match these filters."
    await state.set_status(None)
    await state.search("ccc")
    assert [i.plate for i in state.items] == ["CCC-3"]
    await state.search("")
    assert state.total == 3
    assert not state.has_next
    assert not state.has_previous


async def test_roles_preview_and_another_operators_invoices(client, world, other) -> None:
    mine = await unpaid_stay(client, world, "ABC-123")
    theirs = await unpaid_stay(client, other, "XYZ-9")
    await _invoice(client, mine, email="tenant-admin@helsinki-parking.example.test")  # admins may too
    await _invoice(client, theirs, email="operator@tampere-parking.example.test")

    state = await _invoices(client)
    assert _listed(state) == [("INV-000001", "ABC-123", "issued")]  # never Tampere's

    enforcement = await _invoices(client, "enforcement@helsinki-parking.example.test")
    assert enforcement.error
    assert enforcement.items == []

    await make_operator(client, role="super_admin")
    root = await signed_in(client, "super-admin@platform.example.test")
    await root.switch("helsinki-parking", preview=True)
    preview = InvoicesState(root.api)
    await preview.load()
    assert _listed(preview) == [("INV-000001", "ABC-123", "issued")]  # reading is fine
    assert not await preview.void(preview.items[0], "Trying in a preview")
    assert "preview" in preview.error.lower()
    assert not await preview.mark_paid(preview.items[0], "cash")
    assert (await Invoice.get(stay_id=mine.id)).status == "issued"
    assert await preview.print_link(preview.items[0]) is not None  # printing changes nothing
