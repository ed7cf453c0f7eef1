"""From a facility to a running session: the price before paying, and paying exactly once."""

import asyncio

import pytest

from mobile.driver.state.checkout import DEFAULT_DURATION, CheckoutState, duration_label
from mobile.services.errors import ApiError, network_error
from shared.schemas.drivers import PaymentMethodOut
from shared.schemas.facilities import FacilityDetail
from tests.mobile.fakes import FakeDriverApi


async def opened(api: FakeDriverApi, slug: str = "kamppi-p1") -> CheckoutState:
    """The checkout as a scanned sign opens it: default vehicle, default card, default duration."""
    vehicles, cards = await api.vehicles(), await api.payment_methods()
    plate = next(v.license_plate for v in vehicles.items if v.is_default) if vehicles.items else None
    card = next(c.id for c in cards.items if c.is_default) if cards.items else None
    checkout = CheckoutState(api)
    await checkout.open(await api.facility(slug), plate, card)
    return checkout


def kamppi(api: FakeDriverApi) -> FacilityDetail:
    return next(f for f in api.catalogue if f.slug == "kamppi-p1")


async def declining_card(api: FakeDriverApi, token: str = "tok_chargeDeclined") -> PaymentMethodOut:
    card = await api.add_payment_method(token)
    return card


@pytest.mark.parametrize(
    ("minutes", "label"), [(15, "15 min"), (60, "1 h"), (90, "1 h 30 min"), (240, "4 h")]
)
def test_durations_are_written_for_people(minutes: int, label: str) -> None:
    assert duration_label(minutes) == label


async def test_opening_quotes_at_once_with_the_price_fee_and_total(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)

    quote = checkout.quote
    assert quote is not None
    assert (quote.duration_minutes, quote.license_plate) == (DEFAULT_DURATION, "ABC-123")
    # First 15 min free, then 0.75 per 15 min: 2.25, a 2.5 % service fee of 0.06, 2.31 in all.
    assert (quote.parking_amount, quote.service_fee_amount, quote.total_amount) == (225, 6, 231)
    assert checkout.can_pay
    assert not checkout.quoting
    assert checkout.error is None
    assert ready_api.calls["quote"] == 1


async def test_a_scanned_sign_is_one_tap_from_a_running_session(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)

    session = await checkout.pay()

    assert session is not None
    assert session.status == "active"
    assert checkout.started == session
    assert ready_api.charged() == 231
    assert (session.ends_at - session.starts_at).total_seconds() == DEFAULT_DURATION * 60


async def test_changing_the_duration_quotes_again(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    first = checkout.quote

    await checkout.choose_duration(120)

    assert checkout.quote is not None
    assert first is not None
    assert checkout.quote.id != first.id
    assert checkout.quote.duration_minutes == 120
    assert checkout.duration_minutes == 120
    assert checkout.quote.parking_amount == 525  # 7 paid quarters
    assert ready_api.calls["quote"] == 2


async def test_choosing_another_vehicle_quotes_for_that_plate(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)

    await checkout.choose_vehicle("XYZ-999")

    assert checkout.quote is not None
    assert checkout.quote.license_plate == "XYZ-999"


async def test_without_a_vehicle_the_driver_is_asked_to_add_one_first(api: FakeDriverApi) -> None:
    checkout = CheckoutState(api)

    await checkout.open(kamppi(api), None, None)

    assert checkout.quote is None
    assert not checkout.can_pay
    assert checkout.error_code == "no_vehicle"
    assert checkout.error is not None
    assert "plate" in checkout.error
    assert api.calls["quote"] == 0


async def test_without_a_card_the_price_is_shown_and_pay_asks_for_a_card(api: FakeDriverApi) -> None:
    await api.add_vehicle("ABC-123")
    checkout = await opened(api)
    assert checkout.quote is not None
    assert not checkout.can_pay

    assert await checkout.pay() is None

    assert checkout.error_code == "no_card"
    assert checkout.error == "Add a payment card first."
    assert api.calls["start_session"] == 0


async def test_a_duration_the_facility_does_not_allow_is_explained(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)

    await checkout.choose_duration(48 * 60)

    assert checkout.quote is None
    assert not checkout.can_pay
    assert checkout.error_code == "max_stay_exceeded"
    assert checkout.error is not None
    assert "at most 24 h" in checkout.error


async def test_a_retry_after_a_lost_answer_uses_the_same_key_and_charges_once(
    ready_api: FakeDriverApi,
) -> None:
    checkout = await opened(ready_api)
    ready_api.fail("start_session", network_error(), after=True)  # paid, but the answer never came

    assert await checkout.pay() is None
    assert checkout.error is not None
    assert "connection" in checkout.error
    session = await checkout.pay()

    assert session is not None
    assert checkout.error is None
    first, second = ready_api.keys["start_session"]
    assert first == second
    assert len(ready_api.charges) == 1
    assert ready_api.charged() == 231
    assert len(ready_api.sessions) == 1


async def test_a_double_tap_on_pay_charges_once(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    ready_api.slow("start_session", 0.02, 0.0)

    results = await asyncio.gather(checkout.pay(), checkout.pay())

    assert sum(r is not None for r in results) == 1  # the second tap is ignored while paying
    assert len(ready_api.charges) == 1


async def test_a_new_quote_gets_a_new_key(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    ready_api.fail("start_session", network_error())  # never reached the backend

    await checkout.pay()
    await checkout.choose_duration(30)
    session = await checkout.pay()

    assert session is not None
    first, second = ready_api.keys["start_session"]
    assert first != second
    assert ready_api.charged() == 77  # 30 min: one paid quarter and its fee


async def test_another_card_gets_a_new_key(ready_api: FakeDriverApi) -> None:
    other = await ready_api.add_payment_method("tok_mastercard")
    checkout = await opened(ready_api)
    ready_api.fail("start_session", network_error())

    await checkout.pay()
    checkout.choose_card(other.id)
    session = await checkout.pay()

    assert session is not None
    first, second = ready_api.keys["start_session"]
    assert first != second
    assert [c.card_id for c in ready_api.charges] == [other.id]


async def test_a_declined_card_says_nothing_was_charged_and_starts_nothing(api: FakeDriverApi) -> None:
    await api.add_vehicle("ABC-123")
    await declining_card(api)
    checkout = await opened(api)

    assert await checkout.pay() is None

    assert checkout.error_code == "payment_declined"
    assert checkout.error is not None
    assert "declined" in checkout.error
    assert checkout.error.endswith("Nothing was charged.")
    assert checkout.started is None
    assert api.charges == []
    assert api.sessions == {}
    assert checkout.quote is not None  # the price stays, to pay with another card


async def test_a_declined_card_then_another_card_pays(api: FakeDriverApi) -> None:
    await api.add_vehicle("ABC-123")
    await declining_card(api)
    good = await api.add_payment_method("tok_visa")
    checkout = await opened(api)
    await checkout.pay()

    checkout.choose_card(good.id)
    session = await checkout.pay()

    assert session is not None
    assert checkout.error is None
    assert [c.card_id for c in api.charges] == [good.id]


async def test_paying_again_after_topping_up_the_declined_card_works(api: FakeDriverApi) -> None:
    await api.add_vehicle("ABC-123")
    card = await declining_card(api, "tok_insufficientFunds")
    checkout = await opened(api)
    assert await checkout.pay() is None

    api.top_up(card.id)
    session = await checkout.pay()

    assert session is not None, checkout.error


async def test_an_expired_quote_is_renewed_and_nothing_is_charged(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    stale = checkout.quote
    ready_api.advance(minutes=10)  # the driver looked at the price for a while

    assert await checkout.pay() is None

    assert stale is not None
    assert checkout.quote is not None
    assert checkout.quote.id != stale.id
    assert checkout.quote.starts_at == ready_api.now
    assert ready_api.charges == []
    assert checkout.started is None
    assert await checkout.pay() is not None  # the next tap pays the fresh price
    assert ready_api.charged() == 231


async def test_an_expired_quote_tells_the_driver_why_nothing_started(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    ready_api.advance(minutes=10)

    await checkout.pay()

    assert checkout.error is not None


async def test_a_failed_quote_shows_why_and_disables_pay(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    ready_api.fail("quote", ApiError("server", "Something went wrong on our side. Please try again.", 500))

    await checkout.choose_duration(30)

    assert checkout.quote is None
    assert not checkout.can_pay
    assert not checkout.quoting
    assert checkout.error == "Something went wrong on our side. Please try again."


async def test_quickly_changing_the_duration_pays_for_the_last_choice(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    ready_api.slow("quote", 0.05, 0.0)  # the 30-min answer is slower than the 120-min one

    await asyncio.gather(checkout.choose_duration(30), checkout.choose_duration(120))

    assert checkout.duration_minutes == 120
    assert checkout.quote is not None
    assert checkout.quote.duration_minutes == 120


async def test_opening_another_facility_forgets_the_previous_outcome(ready_api: FakeDriverApi) -> None:
    checkout = await opened(ready_api)
    await checkout.choose_duration(30)
    await checkout.pay()

    await checkout.open(await ready_api.facility("ruoholahti"), "ABC-123", checkout.payment_method_id)

    assert checkout.started is None
    assert checkout.error is None
    assert checkout.duration_minutes == DEFAULT_DURATION
    assert checkout.quote is not None
    assert checkout.quote.facility == "ruoholahti"
