"""Finding where to pay: a zone number from the sign, a scanned sign QR (or a forged one), lots nearby."""

import pytest

from mobile.driver.state.finder import NEARBY_RADIUS_M, FinderState
from mobile.services.errors import network_error
from mobile.services.location import Fix
from tests.mobile.catalogue import FORUM, KAMPPI, sign_payload
from tests.mobile.fakes import FakeDriverApi, FakeLocator

AT_FORUM = Fix(FORUM.lat, FORUM.lon, 8.0)
FORGED_KEY = b"someone-elses-key-0123456789abcd"


def finder(api: FakeDriverApi, fix: Fix | None = None, codes: list[str] | None = None) -> FinderState:
    return FinderState(api, FakeLocator(fix), lambda _image: list(codes or []))


@pytest.mark.parametrize("typed", ["", "   ", "12a4", "zone 1234", "12-34", "١٢٣٤x"])
async def test_a_zone_that_is_not_digits_is_refused_before_any_search(api: FakeDriverApi, typed: str) -> None:
    state = finder(api)

    assert await state.search_zone(typed) == []

    assert state.error == "Type the zone number printed on the parking sign (digits only)."
    assert not state.searched
    assert state.candidates == []
    assert api.calls["facilities_by_zone"] == 0


async def test_a_zone_typed_on_an_arabic_keyboard_finds_the_zone_or_is_refused(api: FakeDriverApi) -> None:
    state = finder(api)

    found = await state.search_zone("١٢٣٤")

    refused = state.error is not None and api.calls["facilities_by_zone"] == 0
    assert refused or [f.zone_number for f in found] == ["1234", "1234"]


async def test_a_zone_used_by_one_operator_gives_one_candidate(api: FakeDriverApi) -> None:
    state = finder(api)

    found = await state.search_zone(" 5678 ")

    assert [f.slug for f in found] == ["ruoholahti"]
    assert state.candidates == found
    assert state.zone == "5678"
    assert state.searched
    assert not state.loading
    assert state.error is None


async def test_a_zone_used_by_several_operators_lists_them_nearest_first(api: FakeDriverApi) -> None:
    state = finder(api, AT_FORUM)

    found = await state.search_zone("1234")

    assert [f.slug for f in found] == ["forum", "kamppi-p1"]
    assert {f.operator for f in found} == {"Citypark", "Helsinki Parking"}
    assert found[0].distance_m is not None
    assert found[1].distance_m is not None
    assert found[0].distance_m < found[1].distance_m


async def test_the_position_is_sent_when_the_driver_allowed_location(api: FakeDriverApi) -> None:
    state = finder(api, AT_FORUM)

    await state.search_zone("1234")

    assert api.positions == [(FORUM.lat, FORUM.lon)]
    assert state.position == AT_FORUM


async def test_without_location_the_search_still_works_without_a_position(api: FakeDriverApi) -> None:
    state = finder(api, None)

    found = await state.search_zone("1234")

    assert api.positions == [(None, None)]
    assert len(found) == 2
    assert all(f.distance_m is None for f in found)


async def test_the_position_is_asked_once_for_several_searches(api: FakeDriverApi) -> None:
    locator = FakeLocator(AT_FORUM)
    state = FinderState(api, locator, lambda _image: [])

    await state.search_zone("1234")
    await state.search_zone("5678")

    assert locator.asked == 1
    assert api.positions == [(FORUM.lat, FORUM.lon)] * 2


async def test_a_zone_nobody_uses_is_searched_and_empty(api: FakeDriverApi) -> None:
    state = finder(api)

    assert await state.search_zone("9999") == []

    assert state.searched
    assert state.error is None


async def test_a_failed_search_shows_why_and_no_stale_candidates(api: FakeDriverApi) -> None:
    state = finder(api)
    await state.search_zone("1234")
    api.fail("facilities_by_zone", network_error())

    assert await state.search_zone("5678") == []

    assert state.error is not None
    assert "connection" in state.error
    assert state.candidates == []
    assert not state.loading


async def test_a_signed_sign_opens_its_facility(api: FakeDriverApi) -> None:
    state = finder(api)

    facility = await state.resolve_payload(sign_payload("kamppi-p1", "1234"))

    assert facility is not None
    assert facility.slug == "kamppi-p1"
    assert state.error is None
    assert state.qr_warning is None
    assert not state.loading


async def test_a_forged_sign_warns_and_is_not_an_error(api: FakeDriverApi) -> None:
    state = finder(api)

    facility = await state.resolve_payload(sign_payload("kamppi-p1", "1234", key=FORGED_KEY))

    assert facility is None
    assert state.qr_warning is not None
    assert "not issued by Parkflow" in state.qr_warning
    assert state.error is None


async def test_any_other_qr_code_gets_the_warning_too(api: FakeDriverApi) -> None:
    state = finder(api)

    assert await state.resolve_payload("https://pay-parking-here.example/kamppi") is None

    assert state.qr_warning is not None
    assert state.error is None


async def test_a_network_failure_while_checking_a_sign_is_an_error_not_a_warning(api: FakeDriverApi) -> None:
    state = finder(api)
    api.fail("resolve_qr", network_error())

    assert await state.resolve_payload(sign_payload("kamppi-p1", "1234")) is None

    assert state.error is not None
    assert "connection" in state.error
    assert state.qr_warning is None


async def test_a_photo_of_a_sign_is_decoded_and_resolved(api: FakeDriverApi) -> None:
    state = finder(api, codes=[sign_payload("ruoholahti", "5678")])

    facility = await state.resolve_image(b"jpeg bytes")

    assert facility is not None
    assert facility.slug == "ruoholahti"


async def test_a_picture_without_a_qr_code_says_so_clearly(api: FakeDriverApi) -> None:
    state = finder(api, codes=[])
    await state.resolve_payload(sign_payload("kamppi-p1", "1234", key=FORGED_KEY))

    assert await state.resolve_image(b"a photo of a cat") is None

    assert state.error is not None
    assert state.error.startswith("No QR code found in that picture.")
    assert state.qr_warning is None  # the old warning does not linger
    assert api.calls["resolve_qr"] == 1


async def test_a_new_zone_search_clears_the_forged_sign_warning(api: FakeDriverApi) -> None:
    state = finder(api)
    await state.resolve_payload("not a sign")

    await state.search_zone("1234")

    assert state.qr_warning is None


async def test_lots_nearby_need_the_position(api: FakeDriverApi) -> None:
    state = finder(api, None)

    await state.load_nearby()

    assert state.nearby == []
    assert state.error == "Allow location to see parking near you, or type the zone number."
    assert api.calls["nearby"] == 0
    assert not state.loading


async def test_lots_nearby_come_nearest_first_within_the_radius(api: FakeDriverApi) -> None:
    state = finder(api, Fix(KAMPPI.lat, KAMPPI.lon))

    await state.load_nearby()

    names = [f.name for f in state.nearby]
    assert names[0] == "Kamppi P1"
    assert "Some other garage" in names  # a parking data lot, shown to compare
    assert all((f.distance_m or 0) <= NEARBY_RADIUS_M for f in state.nearby)
    distances = [f.distance_m for f in state.nearby]
    assert distances == sorted(distances)


async def test_clear_forgets_the_search(api: FakeDriverApi) -> None:
    state = finder(api)
    await state.search_zone("1234")
    await state.resolve_payload("not a sign")

    state.clear()

    assert state.candidates == []
    assert not state.searched
    assert state.error is None
    assert state.qr_warning is None


async def test_a_genuine_sign_with_an_old_zone_number_still_pays_and_says_so(api: FakeDriverApi) -> None:
    state = finder(api)
    facility = await state.resolve_payload(sign_payload("kamppi-p1", "9999"))

    assert facility is not None
    assert facility.slug == "kamppi-p1"
    assert state.qr_warning is None
    assert state.sign_notice is not None
    assert "zone 9999" in state.sign_notice
    assert f"zone {facility.zone_number} now" in state.sign_notice

    await state.resolve_payload(sign_payload("kamppi-p1", facility.zone_number))
    assert state.sign_notice is None
