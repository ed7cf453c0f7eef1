"""Help and disputes on the phone: a ticket opened from a session or a stay, the chat both ways, the
operator's answer arriving through the inbox, and what the backend refuses (someone else's parking,
a second open dispute, a closed ticket)."""

import pytest

from mobile.driver.state.inbox import InboxState
from mobile.driver.state.support import SupportState, status_text
from mobile.services.events import DriverEvent
from shared.schemas.sessions import SessionOut
from shared.schemas.support import DisputeOutcome, MessageAuthor, TicketKind, TicketStatus
from tests.mobile.fakes import FakeDriverApi, FakeEventSource


async def session_of(api: FakeDriverApi) -> SessionOut:
    card = next(c for c in (await api.payment_methods()).items if c.is_default)
    quote = await api.quote("kamppi-p1", "ABC-123", 60)
    return await api.start_session(quote.id, card.id, f"start-{quote.id}")


@pytest.fixture
async def parked(ready_api: FakeDriverApi) -> tuple[FakeDriverApi, SessionOut]:
    session = await session_of(ready_api)
    ready_api.calls.clear()
    return ready_api, session


async def test_a_dispute_from_a_session_is_numbered_and_opens_as_a_chat(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.dispute, "Kamppi P1, ABC-123, 14:00", session_id=session.id)

    made = await support.send("I stopped after ten minutes but was charged the hour.")

    assert made is not None
    assert (made.number, made.kind, made.status) == (1, TicketKind.dispute, TicketStatus.open)
    assert made.subject == "Dispute: Kamppi P1, ABC-123, 14:00"
    assert made.session_id == session.id
    assert made.license_plate == "ABC-123"
    assert support.current == made
    assert support.draft is None
    assert support.notice is not None
    assert "#1" in support.notice
    assert [t.number for t in support.tickets] == [1]
    assert [(m.author, m.body) for m in made.messages] == [
        (MessageAuthor.driver, "I stopped after ten minutes but was charged the hour.")
    ]


async def test_a_question_about_a_stay_gets_the_next_number(parked) -> None:
    api, session = parked
    stay = api.add_stay("kamppi-p1", "ABC-123", amount_due=300)
    support = SupportState(api)
    support.prepare(TicketKind.question, "Kamppi P1 stay", session_id=session.id)
    await support.send("Can I extend?")
    api.advance(minutes=5)
    support.prepare(TicketKind.question, "Kamppi P1 stay", stay_id=stay.id)

    made = await support.send("Where do I pay?", subject="Paying at the exit")

    assert made is not None
    assert (made.number, made.subject, made.stay_id) == (2, "Paying at the exit", stay.id)
    assert [t.number for t in support.tickets] == [2, 1]  # latest activity first


async def test_an_empty_message_or_no_draft_is_refused_before_calling(parked) -> None:
    api, session = parked
    support = SupportState(api)

    assert await support.send("Help") is None
    assert support.error is not None
    assert "Get help" in support.error

    support.prepare(TicketKind.dispute, "Kamppi P1", session_id=session.id)
    assert await support.send("   ") is None
    assert support.error == "Tell the operator why the charge is wrong."
    assert api.calls["open_ticket"] == 0


async def test_a_second_open_dispute_of_the_same_session_is_refused_with_its_number(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.dispute, "Kamppi P1", session_id=session.id)
    await support.send("Wrong price")
    support.prepare(TicketKind.dispute, "Kamppi P1", session_id=session.id)

    assert await support.send("Still wrong") is None

    assert support.error is not None
    assert "#1" in support.error
    assert support.draft is not None  # what they typed is about the same parking: they can go to #1
    assert len(support.tickets) == 1


async def test_someone_elses_session_is_not_found(parked) -> None:
    api, _ = parked
    support = SupportState(api)
    support.prepare(TicketKind.dispute, "Forum", session_id="not-mine")

    assert await support.send("Wrong") is None
    assert support.error is not None
    assert "no parking session" in support.error


async def test_the_chat_goes_both_ways_and_the_inbox_brings_the_answer(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.question, "Kamppi P1", session_id=session.id)
    made = await support.send("Is the hour refunded if I leave early?")
    assert made is not None

    api.advance(minutes=20)
    api.operator_reply(made.id, "Yes, unused time is refunded when you stop.")
    event = DriverEvent(1, "ticket_reply", {"ticket_id": made.id, "number": 1, "subject": made.subject})
    inbox = InboxState(FakeEventSource([event]), on_ticket=support.refresh)
    await inbox.listen()

    assert support.current is not None
    assert support.current.status is TicketStatus.pending
    assert status_text(support.tickets[0]) == "The operator answered"
    assert support.answered == 1
    assert [m.author for m in support.current.messages] == [MessageAuthor.driver, MessageAuthor.operator]
    assert inbox.latest is not None
    assert "replied" in inbox.latest.title

    assert await support.reply("Thanks!")
    assert support.current.status is TicketStatus.open  # back with the operator
    assert support.current.messages[-1].body == "Thanks!"
    assert support.answered == 0


async def test_a_resolved_dispute_says_who_was_right_and_writing_reopens_it(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.dispute, "Kamppi P1", session_id=session.id)
    made = await support.send("Charged twice")
    assert made is not None
    api.operator_resolve(made.id, "We refunded the second charge.", DisputeOutcome.upheld)

    await support.refresh()

    assert support.current is not None
    assert support.current.status is TicketStatus.resolved
    assert status_text(support.tickets[0]) == "Resolved · you were right"
    assert support.current.resolution == "We refunded the second charge."

    assert await support.reply("The refund has not arrived.")
    assert support.current.status is TicketStatus.open


async def test_a_closed_ticket_refuses_a_message_and_says_to_open_a_new_one(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.question, "Kamppi P1", session_id=session.id)
    made = await support.send("Hello")
    assert made is not None
    api.operator_close(made.id)
    await support.open(made.id)

    assert not await support.reply("Anyone?")

    assert support.error is not None
    assert "open a new ticket" in support.error
    assert support.current is not None
    assert support.current.status is TicketStatus.closed


async def test_another_drivers_ticket_is_not_found(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.question, "Kamppi P1", session_id=session.id)
    made = await support.send("Hello")
    assert made is not None
    await api.sign_out()
    await api.register("bo@example.test", "another long password", "Bo")

    other = SupportState(api)
    await other.load()
    await other.open(made.id)

    assert other.tickets == []
    assert other.current is None
    assert other.error is not None
    assert "no ticket" in other.error


async def test_no_connection_keeps_the_draft_and_says_so(parked) -> None:
    api, session = parked
    support = SupportState(api)
    support.prepare(TicketKind.question, "Kamppi P1", session_id=session.id)
    api.fail("open_ticket")

    assert await support.send("Hello") is None

    assert support.error is not None
    assert "connection" in support.error
    assert support.draft is not None
    assert not support.busy
