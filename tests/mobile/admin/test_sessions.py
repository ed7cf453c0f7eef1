"""Sessions: the list (filters, pages, plate search), a record's timeline, plate correction, invoicing
from the timeline and the CSV export, as an operator sees them, against the real backend."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from backend.models import Facility, Stay
from mobile.admin.state.sessions import PAGE_SIZE, SessionsState, duration_text, parse_day
from tests.backend.anpr.world import ago, driver_with_plate, run_jobs, send
from tests.backend.helpers import app_of, make_operator
from tests.backend.records.world import EXIT_AT, World, make_world, unpaid_stay
from tests.mobile.admin.conftest import signed_in

IN_IMAGE = "https://cam.example/in.jpg"
OUT_IMAGE = "https://cam.example/out.jpg"
OPERATOR = "operator@helsinki-parking.example.test"
ADMIN = "tenant-admin@helsinki-parking.example.test"


@pytest.fixture
async def world(client) -> World:
    return await make_world(client, "helsinki-parking", "kamppi-p1")


@pytest.fixture
async def other(client, world) -> World:
    return await make_world(client, "tampere-parking", "tampere-p1")


async def _sessions(client, email: str = OPERATOR) -> SessionsState:
    session = await signed_in(client, email)
    state = SessionsState(session.api)
    await state.load()
    assert state.error is None, state.error
    return state


async def _start_session(client, headers: dict[str, str], plate: str, minutes: int = 60) -> dict:
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


async def _seed(client, world: World) -> None:
    """An unpaid stay (ABC-123, with photos), a paid one (XYZ-9), a car inside now and a prepaid session."""
    await unpaid_stay(client, world, "ABC-123", entry_image=IN_IMAGE, exit_image=OUT_IMAGE)
    aino = await driver_with_plate(client, plate="XYZ-9")
    await send(client, world.camera, "entry", "2026-03-30T10:30:00Z", "XYZ-9")
    await send(client, world.camera, "exit", EXIT_AT, "XYZ-9")
    await run_jobs(app_of(client))
    await send(client, world.camera, "entry", ago(20), "OPEN-1")
    await _start_session(client, aino, "XYZ-9")


def _plates(state: SessionsState) -> list[tuple[str, str]]:
    return [(row.kind.value, row.plate) for row in state.rows]


async def test_the_list_filters_and_finds_a_plate(client, world) -> None:
    await _seed(client, world)
    state = await _sessions(client)
    assert [f.name for f in state.facilities] == ["Kamppi P1"]
    assert _plates(state) == [
        ("session", "XYZ-9"),
        ("stay", "OPEN-1"),
        ("stay", "XYZ-9"),
        ("stay", "ABC-123"),
    ]
    unpaid = state.rows[3]
    assert (unpaid.status, unpaid.owed_amount, unpaid.due_amount) == ("unpaid", 308, 308)
    assert duration_text(unpaid.started_at, unpaid.ended_at) == "1 h 05 min"
    assert duration_text(state.rows[1].started_at, None).endswith("min so far")
    assert not state.has_next
    assert not state.has_previous

    await state.apply(kind="stay")
    assert _plates(state) == [("stay", "OPEN-1"), ("stay", "XYZ-9"), ("stay", "ABC-123")]
    await state.apply(status="unpaid")
    assert _plates(state) == [("stay", "ABC-123")]
    await state.apply(status="paid")
    assert _plates(state) == [("stay", "XYZ-9")]
    await state.apply(kind="session")  # a stay status makes no sense for sessions: it is dropped
    assert state.filters.status is None
    assert _plates(state) == [("session", "XYZ-9")]

    await state.clear()
    await state.search("abc 1")  # normalised: spaces and dashes do not matter
    assert _plates(state) == [("stay", "ABC-123")]
    assert not state.plate_anywhere
    await state.search("123")  # no plate starts with it: plates containing it are shown, and said so
    assert _plates(state) == [("stay", "ABC-123")]
    assert state.plate_anywhere
    await state.search("QQQ")
    assert state.rows == []
    assert state.empty_message == "No stay or session has a plate with 'QQQ' for these filters."

    await state.search("", "2026-03-30", "2026-03-30")  # whole days in Helsinki time
    assert _plates(state) == [("stay", "XYZ-9"), ("stay", "ABC-123")]
    await state.search("", "30.03.2026", "")
    assert len(state.rows) == 4
    await state.search("", "31.3.", "")
    assert state.error == "Type dates as YYYY-MM-DD, for example 2026-03-30."
    await state.search("", "2026-04-02", "2026-04-01")
    assert state.error == "The 'To' date is before the 'From' date."
    assert len(state.rows) == 4  # the list stays as it was


async def test_pages_keep_their_cursors_back_and_forth(client, world) -> None:
    facility: Facility = world.camera.facility
    start = datetime(2026, 5, 1, 12, tzinfo=UTC)
    stays = [
        Stay(
            tenant_id=world.camera.tenant.id,
            facility_id=facility.id,
            plate=f"BLK{n:04d}",
            plate_normalized=f"BLK{n:04d}",
            status="unpaid",
            entered_at=start - timedelta(minutes=7 * n),
            exited_at=start - timedelta(minutes=7 * n - 65),
            currency="EUR",
            total_amount=308,
        )
        for n in range(PAGE_SIZE * 2 + 3)
    ]
    await Stay.bulk_create(stays)
    state = await _sessions(client)
    first = [r.plate for r in state.rows]
    assert (len(first), state.page_number, state.has_next) == (PAGE_SIZE, 1, True)
    await state.next_page()
    second = [r.plate for r in state.rows]
    assert second[0] == f"BLK{PAGE_SIZE:04d}"
    await state.next_page()
    assert [r.plate for r in state.rows] == [f"BLK{n:04d}" for n in range(PAGE_SIZE * 2, PAGE_SIZE * 2 + 3)]
    assert (state.page_number, state.has_next) == (3, False)
    await state.previous_page()
    assert [r.plate for r in state.rows] == second
    await state.previous_page()
    assert [r.plate for r in state.rows] == first
    assert not state.has_previous

    # A timeline opened from page 2 goes back to page 2.
    await state.next_page()
    await state.open(state.rows[0].kind, state.rows[0].id)
    assert state.detail is not None
    await state.close()
    assert state.detail is None
    assert (state.page_number, [r.plate for r in state.rows]) == (2, second)


async def test_a_stays_timeline_reads_top_to_bottom(client, world) -> None:
    await driver_with_plate(client, plate="ABC-123", card="tok_chargeDeclined")
    stay = await unpaid_stay(client, world, "ABC-123", entry_image=IN_IMAGE, exit_image=OUT_IMAGE)
    await run_jobs(app_of(client))
    state = await _sessions(client)
    await state.search("ABC-123")
    row = state.rows[0]
    await state.open(row.kind, row.id)
    detail = state.stay
    assert detail is not None
    assert detail.id == str(stay.id)
    assert (detail.entry_image_url, detail.exit_image_url) == (IN_IMAGE, OUT_IMAGE)
    assert [(i.kind.value, i.title) for i in detail.timeline] == [
        ("entry", "Entry seen by camera"),
        ("free_period", "Free period until 13:15"),
        ("exit", "Exit seen by camera"),
        ("payment_failed", "Exit charge (auto-pay) declined: 3.08 EUR"),
        ("unpaid", "Unpaid: 3.08 EUR owed"),
    ]
    assert detail.timeline[0].actor == "camera"
    assert detail.timeline[0].image_url == IN_IMAGE
    assert state.can_invoice
    assert not state.invoiced

    # Issued from the timeline: the invoice shows in it, and a second one is not offered.
    assert await state.issue_invoice("", 14)
    assert state.notice.startswith("Invoice INV-000001 issued to ")
    assert "3.08 EUR, due " in state.notice
    assert state.invoiced
    assert not state.can_invoice
    assert state.stay.timeline[-1].title == "Invoice INV-000001 issued: 3.08 EUR"
    state.invoice = None
    assert not await state.issue_invoice("Someone", 14)  # the API refuses a second live invoice
    assert state.error

    await state.close()
    assert state.filters.plate == "ABC-123"  # the list is as the operator left it
    assert _plates(state) == [("stay", "ABC-123")]


async def test_a_prepaid_sessions_timeline(client, world) -> None:
    aino = await driver_with_plate(client, plate="SES-1")
    await _start_session(client, aino, "SES-1")
    state = await _sessions(client)
    await state.open(state.rows[0].kind, state.rows[0].id)
    assert state.stay is None
    assert state.detail is not None
    kinds = [i.kind.value for i in state.detail.timeline]
    assert {"session_requested", "session_started"} <= set(kinds)
    assert not state.can_invoice


async def test_correcting_a_misread_plate_relinks_and_charges(client, world) -> None:
    await driver_with_plate(client, plate="ABC-128")
    stay = await unpaid_stay(client, world, "ABC-123")
    state = await _sessions(client)
    await state.search("ABC-123")
    await state.open("stay", str(stay.id))
    assert state.stay.driver_email is None

    assert not await state.correct_plate("ABC-128", "x")
    assert state.error == "Say why the plate is corrected (it is kept in the audit log)."
    assert not await state.correct_plate("ABC-123", "Camera misread the plate")
    assert state.error
    assert state.error.startswith("The stay already has the plate ABC-123")
    assert not await state.correct_plate("!!!", "Camera misread the plate")
    assert state.error
    assert "plate" in state.error.lower()

    assert await state.correct_plate("abc 128", "Misread 8 as 3")
    assert state.error is None
    result = state.correction
    assert (result.previous_plate, result.payment.value) == ("ABC-123", "charge_queued")
    assert state.notice == "Plate corrected from ABC-123 to abc 128."
    assert result.message == (
        "The stay now belongs to aino@example.test, whose card is being charged 3.08 EUR."
    )
    assert (state.stay.plate, state.stay.driver_email, state.stay.status) == (
        "abc 128",
        "aino@example.test",
        "payment_pending",
    )
    corrected = next(i for i in state.stay.timeline if i.kind == "plate_corrected")
    assert corrected.title == "Plate corrected from ABC-123 to abc 128"
    assert corrected.actor == OPERATOR

    await state.close()  # the list searched for the misread plate now shows the corrected one
    assert state.filters.plate == "abc 128"
    assert _plates(state) == [("stay", "abc 128")]

    await run_jobs(app_of(client))
    await state.open("stay", str(stay.id))
    assert (state.stay.status, state.stay.paid_amount, state.stay.due_amount) == ("paid", 308, 0)
    assert [i.kind.value for i in state.stay.timeline if i.kind in ("payment", "unpaid")] == ["payment"]
    assert not state.can_invoice


async def test_the_csv_export_takes_the_filters(client, world) -> None:
    await _seed(client, world)
    state = await _sessions(client)
    await state.apply(kind="stay", status="unpaid")
    made = await state.export("helsinki-parking")
    assert made is not None
    name, data = made
    assert name.startswith("parkflow-sessions-helsinki-parking-")
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [(r["kind"], r["plate"], r["status"], r["due"]) for r in rows] == [
        ("stay", "ABC-123", "unpaid", "3.08")
    ]
    assert state.notice == f"Exported 1 record to {name}."

    await state.clear()
    _, everything = await state.export("helsinki-parking")
    lines = everything.decode("utf-8").splitlines()
    assert lines[0].startswith("kind,id,plate,facility")
    assert len(lines) == 5


async def test_roles_preview_and_another_operators_stay(client, world, other) -> None:
    theirs = await unpaid_stay(client, other, "ABC-123")
    mine = await unpaid_stay(client, world, "ABC-123")

    state = await _sessions(client)
    assert [r.id for r in state.rows] == [str(mine.id)]  # never the other operator's
    await state.open("stay", str(theirs.id))
    assert state.detail is None
    assert state.error
    assert state.error == "This stay was not found here."

    admin = await _sessions(client, ADMIN)  # tenant admins may do what operators do
    await admin.open("stay", str(mine.id))
    assert await admin.correct_plate("ABC-124", "Camera misread 4 as 3")

    await make_operator(client, role="super_admin")
    root = await signed_in(client, "super-admin@platform.example.test")
    await root.switch("helsinki-parking", preview=True)
    preview = SessionsState(root.api)
    await preview.load()
    assert [r.plate for r in preview.rows] == ["ABC-124"]
    await preview.open("stay", str(mine.id))
    assert preview.stay is not None  # reading is fine
    assert not await preview.correct_plate("ABC-125", "Trying in a preview")
    assert preview.error
    assert "preview" in preview.error.lower()
    assert not await preview.issue_invoice()
    assert (await Stay.get(id=mine.id)).plate == "ABC-124"

    enforcement = await signed_in(client, "enforcement@helsinki-parking.example.test")
    refused = SessionsState(enforcement.api)
    await refused.load()
    assert refused.error
    assert refused.rows == []


def test_days_are_read_as_typed() -> None:
    assert str(parse_day("2026-03-30")) == "2026-03-30"
    assert str(parse_day(" 30.3.2026 ")) == "2026-03-30"
    assert parse_day("30/03/2026") is None
    assert parse_day("2026-02-30") is None
    assert duration_text(None, None) == "—"
    start = datetime(2026, 3, 30, 10, tzinfo=UTC)
    assert duration_text(start, start + timedelta(minutes=42)) == "42 min"
    assert duration_text(start, start + timedelta(days=2, hours=3)) == "2 d 3 h"
