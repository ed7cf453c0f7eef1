"""Vehicles and cards: plates checked before anything is sent, and the defaults a payment uses."""

import pytest

from mobile.driver.state.garage import GarageState
from mobile.services.errors import ApiError
from tests.mobile.fakes import FakeDriverApi


async def loaded(api: FakeDriverApi) -> GarageState:
    garage = GarageState(api)
    await garage.load()
    return garage


async def test_an_empty_garage_is_loaded_and_not_ready_to_pay(api: FakeDriverApi) -> None:
    garage = await loaded(api)

    assert garage.loaded
    assert not garage.loading
    assert garage.error is None
    assert garage.vehicles == []
    assert garage.cards == []
    assert garage.default_vehicle is None
    assert garage.default_card is None
    assert not garage.ready_to_pay


async def test_the_first_vehicle_and_card_become_the_defaults(api: FakeDriverApi) -> None:
    garage = await loaded(api)

    assert await garage.add_vehicle(" abc-123 ")
    assert await garage.add_card("tok_visa")

    assert [v.plate_normalized for v in garage.vehicles] == ["ABC123"]
    assert garage.default_vehicle is not None
    assert garage.default_vehicle.license_plate == "ABC-123"
    assert garage.default_card is not None
    assert garage.default_card.last4 == "4242"
    assert garage.ready_to_pay
    assert garage.plate_error is None
    assert garage.card_error is None


async def test_the_default_is_the_one_marked_not_the_first(ready_api: FakeDriverApi) -> None:
    second = await ready_api.add_vehicle("XYZ-999")
    await ready_api.add_payment_method("tok_mastercard")
    garage = await loaded(ready_api)

    await garage.make_default(second.id)

    assert garage.default_vehicle is not None
    assert garage.default_vehicle.id == second.id
    assert [v.is_default for v in garage.vehicles] == [False, True]
    assert garage.default_card is not None
    assert garage.default_card.brand == "Visa"


async def test_without_any_default_flag_the_first_one_is_used(ready_api: FakeDriverApi) -> None:
    garage = await loaded(ready_api)
    garage.vehicles = [v.model_copy(update={"is_default": False}) for v in garage.vehicles]
    garage.cards = [c.model_copy(update={"is_default": False}) for c in garage.cards]

    assert garage.default_vehicle is garage.vehicles[0]
    assert garage.default_card is garage.cards[0]


@pytest.mark.parametrize(
    ("plate", "says"),
    [
        ("", "empty"),
        ("  - . ", "empty"),
        ("ABCDEFGHIJ1234567890X", "longer than 20"),
        ("ABC_123!", "only letters and digits"),
    ],
)
async def test_a_bad_plate_is_explained_before_anything_is_sent(
    api: FakeDriverApi, plate: str, says: str
) -> None:
    garage = await loaded(api)

    assert not await garage.add_vehicle(plate)

    assert garage.plate_error is not None
    assert says in garage.plate_error
    assert api.calls["add_vehicle"] == 0
    assert garage.vehicles == []


async def test_the_same_plate_written_differently_is_a_duplicate(ready_api: FakeDriverApi) -> None:
    garage = await loaded(ready_api)

    assert not await garage.add_vehicle("abc 123")

    assert garage.plate_error == "ABC 123 is already one of your vehicles."
    assert ready_api.calls["add_vehicle"] == 0
    assert len(garage.vehicles) == 1


async def test_a_plate_with_nordic_letters_is_accepted(api: FakeDriverApi) -> None:
    garage = await loaded(api)

    assert await garage.add_vehicle("öäå-12")

    assert [v.license_plate for v in garage.vehicles] == ["ÖÄÅ-12"]


async def test_the_backends_refusal_of_a_plate_is_shown_and_cleared_after(api: FakeDriverApi) -> None:
    garage = await loaded(api)
    api.fail("add_vehicle", ApiError("invalid_plate", "That plate is not allowed here.", 422))

    assert not await garage.add_vehicle("ABC-123")
    assert garage.plate_error == "That plate is not allowed here."

    assert await garage.add_vehicle("ABC-123")
    assert garage.plate_error is None
    assert len(garage.vehicles) == 1


async def test_deleting_the_default_vehicle_makes_another_the_default(ready_api: FakeDriverApi) -> None:
    await ready_api.add_vehicle("XYZ-999")
    garage = await loaded(ready_api)
    first = garage.vehicles[0]

    await garage.delete_vehicle(first.id)

    assert [v.license_plate for v in garage.vehicles] == ["XYZ-999"]
    assert garage.default_vehicle is not None
    assert garage.default_vehicle.license_plate == "XYZ-999"


async def test_a_failed_change_shows_the_error_and_keeps_the_list(ready_api: FakeDriverApi) -> None:
    garage = await loaded(ready_api)

    await garage.delete_vehicle("no-such-vehicle")

    assert garage.error == "That vehicle does not exist."
    assert len(garage.vehicles) == 1


async def test_an_unknown_card_token_is_explained(api: FakeDriverApi) -> None:
    garage = await loaded(api)

    assert not await garage.add_card("tok_nonsense")

    assert garage.card_error is not None
    assert "does not know this card" in garage.card_error
    assert garage.cards == []


async def test_loading_without_network_says_so_and_keeps_what_was_shown(ready_api: FakeDriverApi) -> None:
    garage = await loaded(ready_api)
    ready_api.fail("payment_methods")

    await garage.load()

    assert garage.error is not None
    assert "connection" in garage.error
    assert not garage.loading
    assert len(garage.vehicles) == 1
    assert len(garage.cards) == 1


async def test_loading_failing_the_first_time_leaves_it_not_loaded(ready_api: FakeDriverApi) -> None:
    ready_api.fail("vehicles")

    garage = await loaded(ready_api)

    assert not garage.loaded
    assert garage.error is not None
    await garage.load()
    assert garage.loaded
    assert garage.error is None
    assert garage.ready_to_pay


async def test_another_card_becomes_the_default_for_the_next_payment(api: FakeDriverApi) -> None:
    state = GarageState(api)
    await state.add_card("tok_visa")
    await state.add_card("tok_mastercard")
    assert state.default_card.brand == "Visa"

    mastercard = next(c for c in state.cards if c.brand == "Mastercard")
    await state.make_default_card(mastercard.id)

    assert state.default_card.id == mastercard.id
    assert [c.is_default for c in state.cards].count(True) == 1
