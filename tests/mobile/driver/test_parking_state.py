"""The running session: a countdown from the server's end time, extend (charged once), stop with refund,
and stays at camera lots paid in the app."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from mobile.driver.state.parking import ParkingState, countdown_text, progress, remaining
from mobile.services.errors import ApiError, network_error
from shared.schemas.sessions import SessionOut
from shared.schemas.stays import ParkingKind
from tests.mobile.fakes import FakeDriverApi

T0 = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


async def running(api: FakeDriverApi, slug: str = "kamppi-p1", minutes: int = 60) -> SessionOut:
    """A session the driver started a moment ago with the default card."""
    card = next(c for c in (await api.payment_methods()).items if c.is_default)
    quote = await api.quote(slug, "ABC-123", minutes)
    session = await api.start_session(quote.id, card.id, f"start-{quote.id}")
    api.calls.clear()
    return session


def parking(api: FakeDriverApi) -> ParkingState:
    return ParkingState(api, clock=lambda: api.now)


# -- the countdown --------------------------------------------------------------------------------


def test_time_left_counts_from_the_end_and_never_goes_negative() -> None:
    ends = T0 + timedelta(minutes=30)

    assert remaining(ends, T0) == timedelta(minutes=30)
    assert remaining(ends, T0 + timedelta(minutes=29, seconds=59)) == timedelta(seconds=1)
    assert remaining(ends, ends) == timedelta(0)
    assert remaining(ends, ends + timedelta(hours=3)) == timedelta(0)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(0), "00:00"),
        (timedelta(seconds=7), "00:07"),
        (timedelta(minutes=5, seconds=7), "05:07"),
        (timedelta(minutes=59, seconds=59), "59:59"),
        (timedelta(hours=1), "1:00:00"),
        (timedelta(hours=1, minutes=2, seconds=3), "1:02:03"),
        (timedelta(hours=25, seconds=1), "25:00:01"),
        (timedelta(seconds=59, microseconds=999_999), "00:59"),
    ],
)
def test_the_countdown_reads_like_a_clock(left: timedelta, text: str) -> None:
    assert countdown_text(left) == text


def test_the_countdown_decreases_as_the_clock_moves() -> None:
    ends = T0 + timedelta(minutes=10)
    shown = [countdown_text(remaining(ends, T0 + timedelta(seconds=s))) for s in (0, 1, 60, 599, 600, 700)]

    assert shown == ["10:00", "09:59", "09:00", "00:01", "00:00", "00:00"]


def test_progress_is_the_share_of_paid_time_used_clamped_to_0_and_1() -> None:
    ends = T0 + timedelta(hours=1)

    assert progress(T0, ends, T0) == 0.0
    assert progress(T0, ends, T0 + timedelta(minutes=15)) == pytest.approx(0.25)
    assert progress(T0, ends, ends) == 1.0
    assert progress(T0, ends, T0 - timedelta(minutes=5)) == 0.0  # a clock a bit behind the server
    assert progress(T0, ends, ends + timedelta(hours=2)) == 1.0
    assert progress(T0, T0, T0) == 1.0  # no paid time at all is "used up", not a division by zero


# -- the list -------------------------------------------------------------------------------------


async def test_refresh_separates_running_sessions_from_stays(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    ready_api.add_stay("forum", "ABC-123", amount_due=300)
    state = parking(ready_api)

    await state.refresh()

    assert state.loaded
    assert not state.loading
    assert state.error is None
    assert [i.id for i in state.running] == [session.id]
    assert [i.kind for i in state.stays] == [ParkingKind.stay]
    assert state.stays[0].facility.name == "Forum"


async def test_an_expired_session_leaves_the_active_list(ready_api: FakeDriverApi) -> None:
    await running(ready_api, minutes=30)
    state = parking(ready_api)
    ready_api.advance(minutes=31)

    await state.refresh()

    assert state.running == []


async def test_a_failed_refresh_keeps_what_was_shown(ready_api: FakeDriverApi) -> None:
    await running(ready_api)
    state = parking(ready_api)
    await state.refresh()
    ready_api.fail("parking")

    await state.refresh()

    assert len(state.running) == 1
    assert state.error is not None
    assert "connection" in state.error
    assert not state.loading


async def test_opening_a_session_reads_the_server_end(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)

    opened = await state.open_session(session.id)

    assert opened == session
    assert state.sessions[session.id].ends_at == T0 + timedelta(hours=1)
    assert await state.open_session("no-such-session") is None
    assert state.error == "That session does not exist."


# -- extend ---------------------------------------------------------------------------------------


async def test_extending_moves_the_end_and_says_until_when(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)

    extended = await state.extend(session.id, 30)

    assert extended is not None
    assert extended.ends_at == session.ends_at + timedelta(minutes=30)
    assert state.sessions[session.id] == extended
    assert state.notice is not None
    assert state.notice.startswith("Extended by 30 min, until ")
    assert re.search(rf"\d\d:{extended.ends_at.minute:02d}\.$", state.notice)
    assert ready_api.charged("extension") == 153  # two more quarters (1.50) and their fee
    assert ready_api.calls["parking"] == 1  # the list is refreshed
    assert not state.busy
    assert state.error is None


async def test_a_retry_after_a_lost_answer_reuses_the_key_and_charges_once(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)
    ready_api.fail("extend_session", network_error(), after=True)

    assert await state.extend(session.id, 30) is None
    assert state.error is not None
    assert "connection" in state.error
    extended = await state.extend(session.id, 30)

    first, second = ready_api.keys["extend_session"]
    assert first == second
    assert extended is not None
    assert extended.ends_at == session.ends_at + timedelta(minutes=30)
    assert len([c for c in ready_api.charges if c.purpose == "extension"]) == 1


async def test_another_choice_after_a_failure_is_a_new_extension(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)
    ready_api.fail("extend_session", network_error())

    await state.extend(session.id, 30)
    await state.extend(session.id, 60)

    first, second = ready_api.keys["extend_session"]
    assert first != second


async def test_extending_again_after_a_success_is_a_second_extension(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)

    await state.extend(session.id, 15)
    twice = await state.extend(session.id, 15)

    first, second = ready_api.keys["extend_session"]
    assert first != second
    assert twice is not None
    assert twice.ends_at == session.ends_at + timedelta(minutes=30)
    assert len([c for c in ready_api.charges if c.purpose == "extension"]) == 2


async def test_extending_again_after_topping_up_a_declined_card_works(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    card = ready_api.session_cards[session.id]
    ready_api.run_dry(card)
    state = parking(ready_api)
    assert await state.extend(session.id, 30) is None
    assert state.error == "The card has insufficient funds."

    ready_api.top_up(card)
    extended = await state.extend(session.id, 30)

    assert extended is not None, state.error


async def test_extending_an_ended_session_explains_why_not(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api, minutes=15)
    state = parking(ready_api)
    ready_api.advance(minutes=20)

    assert await state.extend(session.id, 30) is None

    assert state.error == "This parking is expired, not running."
    assert state.notice is None
    assert not state.busy
    assert ready_api.charged("extension") == 0


# -- stop -----------------------------------------------------------------------------------------


async def test_stopping_early_shows_the_refund(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)  # 2.31 EUR for an hour at Kamppi P1
    state = parking(ready_api)
    ready_api.advance(minutes=20)  # the free quarter and one paid quarter (0.75 + 0.02 fee) used

    stopped = await state.stop(session.id)

    assert stopped is not None
    assert stopped.status == "stopped"
    assert state.notice == "Parking stopped. 1.54 EUR is refunded to your card."
    assert ready_api.refunds == [(session.id, 154)]
    assert state.running == []  # the list is refreshed without it


async def test_stopping_inside_the_free_period_refunds_everything(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)
    ready_api.advance(minutes=10)

    await state.stop(session.id)

    assert state.notice == "Parking stopped. 2.31 EUR is refunded to your card."


async def test_stopping_where_unused_time_is_not_refunded_says_so(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api, slug="ruoholahti")
    state = parking(ready_api)
    ready_api.advance(minutes=5)

    stopped = await state.stop(session.id)

    assert stopped is not None
    assert stopped.refunded_amount == 0
    assert state.notice == "Parking stopped. This facility does not refund unused time."
    assert ready_api.refunds == []


async def test_a_failed_stop_shows_why_and_clears_the_last_notice(ready_api: FakeDriverApi) -> None:
    session = await running(ready_api)
    state = parking(ready_api)
    await state.extend(session.id, 15)
    ready_api.fail("stop_session", ApiError("provider_unavailable", "The operator is not answering.", 503))

    assert await state.stop(session.id) is None

    assert state.error == "The operator is not answering."
    assert state.notice is None
    assert not state.busy


# -- stays ----------------------------------------------------------------------------------------


async def test_paying_a_stay_says_how_much_and_where(ready_api: FakeDriverApi) -> None:
    stay = ready_api.add_stay("kamppi-p1", "ABC-123", amount_due=300, status="unpaid")
    state = parking(ready_api)
    await state.refresh()

    paid = await state.pay_stay(stay.id, None)

    assert paid is not None
    assert paid.status == "paid"
    assert state.notice == "Paid 3.00 EUR for Kamppi P1."
    assert ready_api.charged("stay") == 300
    assert state.stays == []  # a paid stay is no longer active


async def test_a_declined_stay_payment_is_explained(api: FakeDriverApi) -> None:
    await api.add_payment_method("tok_chargeDeclined")
    stay = api.add_stay("kamppi-p1", "ABC-123", amount_due=300)
    state = parking(api)

    assert await state.pay_stay(stay.id, None) is None

    assert state.error == "The card was declined; use another payment method."
    assert state.notice is None
    assert not state.busy
    assert api.charges == []


async def test_paying_a_stay_again_after_a_lost_answer_gets_the_first_answer(
    ready_api: FakeDriverApi,
) -> None:
    stay = ready_api.add_stay("kamppi-p1", "ABC-123", amount_due=300)
    state = parking(ready_api)
    ready_api.fail("pay_stay", network_error(), after=True)

    assert await state.pay_stay(stay.id, None) is None
    paid = await state.pay_stay(stay.id, None)

    assert paid is not None, state.error
    first, second = ready_api.keys["pay_stay"]
    assert first == second
