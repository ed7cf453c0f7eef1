"""The support desk against the real backend: drivers open tickets through the driver API (the phone
app's own client), the operator's screen numbers, filters and answers them, shows the SLA figures and
the dispute evidence, and resolves disputes with their effect on the invoice and the refund."""

from datetime import UTC, datetime, timedelta

import httpx

from backend.models import Invoice
from backend.support.refunds import DISPUTE_REFUND
from mobile.admin.state.support import SupportState, minutes_text, refundable, upholding_effect
from mobile.services.driver_api import HttpDriverApi
from mobile.services.http import HttpTransport
from mobile.services.tokens import MemoryTokenStore
from shared.schemas.support import DisputeOutcome, MessageAuthor, TicketKind, TicketStatus
from tests.backend.anpr.world import run_jobs
from tests.backend.helpers import DRIVER_PASSWORD, app_of
from tests.backend.support.conftest import (
    Person,
    add_payment,
    add_session,
    add_stay,
    ago,
    charged_payment,
    enforcement_key,
    make_person,
    set_times,
)
from tests.mobile.admin.conftest import signed_in


async def phone(client: httpx.AsyncClient, person: Person) -> HttpDriverApi:
    """The driver app's HTTP client, signed in as `person`."""
    api = HttpDriverApi(HttpTransport(str(client.base_url), MemoryTokenStore(), client=client))
    await api.sign_in(person.driver.email, DRIVER_PASSWORD)
    return api


async def desk(session) -> SupportState:
    state = SupportState(session.api)
    await state.load()
    return state


async def two_questions(client, alpha):
    aino = await make_person(client, "aino.virtanen@example.test", "ABC-123")
    bo = await make_person(client, "bo.berg@example.test", "XYZ-987")
    stay = await add_stay(
        alpha, "ABC-123", ago(hours=3), driver=aino.driver, exited_at=ago(hours=2), total=615
    )
    session = await add_session(alpha, "XYZ-987", ago(hours=1), 60, driver=bo.driver)
    aino_phone, bo_phone = await phone(client, aino), await phone(client, bo)
    first = await aino_phone.open_ticket(
        "Exit barrier did not open", "I waited 10 minutes.", stay_id=str(stay.id)
    )
    second = await bo_phone.open_ticket(
        "Receipt missing", "Please send it again.", session_id=str(session.id)
    )
    return aino_phone, bo_phone, first, second


async def test_tickets_are_numbered_and_filtered_by_status_search_and_assignee(
    client, alpha, alpha_operator
) -> None:
    _, _, first, second = await two_questions(client, alpha)
    assert (first.number, second.number) == (1, 2)

    state = await desk(alpha_operator)
    assert state.status_filter == "active"
    assert [r.number for r in state.rows] == [2, 1]
    assert state.total == 2
    row = state.rows[1]
    assert (row.subject, row.plate, row.driver_name, row.facility) == (
        "Exit barrier did not open",
        "ABC-123",
        "Aino Virtanen",
        "alpha-p1",
    )

    await state.open(1)
    assert await state.reply("The barrier is fixed; sorry for the wait.")
    await state.filter_status("needs answer")
    assert [r.number for r in state.rows] == [2]
    await state.filter_status("waiting for driver")
    assert [r.number for r in state.rows] == [1]

    await state.filter_status("all")
    await state.search("XYZ")
    assert [r.number for r in state.rows] == [2]
    await state.search("#1")
    assert [r.number for r in state.rows] == [1]
    await state.search("")

    await state.open(2)
    await state.assign_to_me()
    assert state.ticket is not None
    assert state.ticket.assignee == "operator@alpha.example.test"
    assert state.notice == "Ticket #2 is assigned to you."
    await state.filter_assignee("mine")
    assert [r.number for r in state.rows] == [2]
    await state.filter_assignee("unassigned")
    assert [r.number for r in state.rows] == [1]
    await state.filter_kind(TicketKind.dispute)
    assert state.rows == []


async def test_the_chat_goes_both_ways(client, alpha, alpha_operator) -> None:
    aino_phone, _, first, _ = await two_questions(client, alpha)
    state = await desk(alpha_operator)
    await state.open(first.number)
    assert state.ticket is not None
    assert [(m.author, m.author_name, m.body) for m in state.ticket.messages] == [
        (MessageAuthor.driver, "Aino Virtanen", "I waited 10 minutes.")
    ]

    assert not await state.reply("  ")
    assert state.error == "Write your answer first."
    assert await state.reply("We opened it remotely at 14:05.")
    assert state.ticket.status is TicketStatus.pending
    assert state.ticket.first_response_at is not None

    seen = await aino_phone.ticket(first.id)
    assert seen.status is TicketStatus.pending
    assert [(m.author, m.body) for m in seen.messages][-1] == (
        MessageAuthor.operator,
        "We opened it remotely at 14:05.",
    )
    await aino_phone.reply_ticket(first.id, "Thanks, all good.")

    await state.open(first.number)
    assert state.ticket.status is TicketStatus.open
    assert [m.body for m in state.ticket.messages] == [
        "I waited 10 minutes.",
        "We opened it remotely at 14:05.",
        "Thanks, all good.",
    ]

    await state.set_status(TicketStatus.closed)
    assert state.ticket.status is TicketStatus.closed
    assert state.notice == "Ticket #1 is now closed."
    assert not await state.set_status(TicketStatus.pending)
    assert state.error is not None
    assert "message" in state.error


async def test_sla_figures_count_first_answers_against_the_target(client, alpha, alpha_operator) -> None:
    _, _, first, second = await two_questions(client, alpha)
    await set_times(first.number, alpha, created_at=ago(hours=10))
    await set_times(second.number, alpha, created_at=ago(hours=2))
    state = await desk(alpha_operator)
    await state.open(first.number)
    await state.reply("Answered late.")  # 10 h after it was opened: past the 4 h target

    await state.load()

    sla = state.sla
    assert sla is not None
    assert (sla.days, sla.total) == (30, 2)
    assert sla.by_status[TicketStatus.pending] == 1
    assert sla.by_status[TicketStatus.open] == 1
    assert sla.first_response.count == 1
    assert minutes_text(sla.first_response.median_minutes) == "10 h"
    assert sla.first_response_target.target_minutes == 240
    assert (sla.first_response_target.met, sla.first_response_target.missed) == (0, 1)
    assert sla.first_response_target.share == 0.0


def test_durations_read_as_minutes_hours_or_days() -> None:
    assert [minutes_text(m) for m in (None, 4.4, 59.6, 60, 95, 60 * 49)] == [
        "—",
        "4 min",
        "1 h",
        "1 h",
        "1 h 35 min",
        "2.0 days",
    ]


async def test_a_dispute_shows_the_check_log_and_upholding_voids_the_invoice(
    client, alpha, alpha_operator
) -> None:
    aino = await make_person(client, "aino.virtanen@example.test", "ABC-123")
    entered = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    stay = await add_stay(
        alpha,
        "ABC-123",
        entered,
        driver=aino.driver,
        exited_at=entered + timedelta(hours=2),
        status="unpaid",
        total=1200,
    )
    await Invoice.create(
        tenant_id=alpha.tenant.id,
        stay=stay,
        driver=aino.driver,
        number=7,
        plate="ABC-123",
        currency="EUR",
        amount=1200,
        issued_at=ago(hours=1),
        due_at=ago(days=-14),
    )
    key = await enforcement_key(client, alpha)
    checked = await client.get(
        "/api/enforcement/check/ABC-123",
        params={"facility": "alpha-p1", "at": (entered + timedelta(minutes=30)).isoformat()},
        headers={"x-api-key": key},
    )
    assert checked.status_code == 200, checked.text
    dispute = await (await phone(client, aino)).open_ticket(
        "I had a pass", "My monthly pass was valid.", TicketKind.dispute, stay_id=str(stay.id)
    )

    state = await desk(alpha_operator)
    await state.filter_kind(TicketKind.dispute)
    assert [r.number for r in state.rows] == [dispute.number]
    await state.open(dispute.number)
    ticket = state.ticket
    assert ticket is not None
    assert ticket.evidence is not None
    assert [(c.plate, c.facility, c.key_name) for c in ticket.evidence.checks] == [
        ("ABC-123", "alpha-p1", "handheld 7")
    ]
    assert ticket.evidence.stay is not None
    assert ticket.evidence.stay.invoice is not None
    assert upholding_effect(ticket) == (
        "Invoice INV-000007 (12.00 EUR) is voided: the driver owes nothing for this stay."
    )

    await state.resolve("Your pass was valid.")
    assert state.error == "Choose whether the dispute is upheld (the driver is right) or rejected."
    await state.resolve("Your pass was valid.", DisputeOutcome.upheld)

    assert state.error is None
    assert state.notice == (
        "Ticket #1 resolved: dispute upheld. Invoice INV-000007 is void. "
        "Nothing was paid, so there is nothing to refund."
    )
    assert state.ticket is not None
    assert state.ticket.status is TicketStatus.resolved
    assert (await Invoice.get(number=7, tenant_id=alpha.tenant.id)).status == "void"
    seen = await (await phone(client, aino)).ticket(dispute.id)
    assert (seen.status, seen.outcome) == (TicketStatus.resolved, DisputeOutcome.upheld)

    await state.resolve("Again", DisputeOutcome.rejected)
    assert state.error is not None
    assert "already resolved" in state.error


async def test_upholding_a_paid_session_dispute_names_the_refund(client, alpha, alpha_operator) -> None:
    bo = await make_person(client, "bo.berg@example.test", "XYZ-987")
    session = await add_session(alpha, "XYZ-987", ago(hours=2), 60, driver=bo.driver)
    await add_payment(alpha, 615, driver=bo.driver, session=session, key="s1")
    dispute = await (await phone(client, bo)).open_ticket(
        "Charged for nothing", "The zone was closed.", TicketKind.dispute, session_id=str(session.id)
    )
    state = await desk(alpha_operator)
    await state.open(dispute.number)
    assert state.ticket is not None
    assert "6.15 EUR was paid for the session" in upholding_effect(state.ticket)

    await state.resolve("The zone was closed; refunding.", DisputeOutcome.upheld)

    assert state.resolution is not None
    assert state.resolution.refund_due is not None
    assert state.resolution.refund_due.amount == 615
    assert state.notice is not None
    assert "Next: The driver paid 6.15 EUR" in state.notice


async def test_upholding_with_the_refund_sends_the_money_back(client, alpha, alpha_operator) -> None:
    bo = await make_person(client, "bo.berg@example.test", "XYZ-987")
    session = await add_session(alpha, "XYZ-987", ago(hours=2), 60, driver=bo.driver)
    payment = await charged_payment(client, alpha, bo, 615, "s1", session=session)
    dispute = await (await phone(client, bo)).open_ticket(
        "Charged for nothing", "The zone was closed.", TicketKind.dispute, session_id=str(session.id)
    )
    state = await desk(alpha_operator)
    await state.open(dispute.number)
    assert state.ticket is not None
    assert refundable(state.ticket) == (615, "EUR")

    await state.resolve("The zone was closed; refunding.", DisputeOutcome.upheld, refund=True)

    assert state.error is None
    assert state.notice is not None
    assert "Refunding 6.15 EUR to the driver's card" in state.notice
    await run_jobs(app_of(client), (DISPUTE_REFUND,))
    await payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", 615)
    await state.open(dispute.number)
    assert state.ticket is not None
    assert state.ticket.messages[-1].body.startswith("Refunded 6.15 EUR to Visa •••• 4242.")
    assert refundable(state.ticket) is None  # nothing left to give back


async def test_the_csv_export_has_the_filtered_tickets(client, alpha, alpha_operator) -> None:
    await two_questions(client, alpha)
    state = await desk(alpha_operator)
    await state.search("XYZ")

    data = await state.export()

    assert data is not None
    lines = data.decode().splitlines()
    assert lines[0].startswith("number,created_at,kind,status")
    assert len(lines) == 2
    assert lines[1].startswith("2,")
    assert "Receipt missing" in lines[1]


async def test_enforcement_and_previews_cannot_work_tickets_and_operators_are_isolated(
    client, alpha, bravo, alpha_operator, platform_admin
) -> None:
    await two_questions(client, alpha)

    enforcement = SupportState((await signed_in(client, "enforcement@alpha.example.test")).api)
    await enforcement.load()
    assert enforcement.rows == []
    assert enforcement.error is not None

    bravo_desk = await desk(await signed_in(client, "operator@bravo.example.test"))
    assert (bravo_desk.rows, bravo_desk.total) == ([], 0)
    await bravo_desk.open(1)
    assert bravo_desk.ticket is None
    assert bravo_desk.error is not None

    await platform_admin.switch("alpha", preview=True)
    preview = await desk(platform_admin)
    assert [r.number for r in preview.rows] == [2, 1]  # a preview sees what the admin sees
    await preview.open(1)
    assert not await preview.reply("From the preview")
    assert preview.error is not None
    await preview.assign_to_me()
    assert preview.ticket is not None
    assert preview.ticket.assignee is None

    state = await desk(alpha_operator)
    await state.open(1)
    assert state.ticket is not None
    assert len(state.ticket.messages) == 1
