"""SBB P+Rail pricing models: every facility's ladder reproduced exactly through our tariff."""

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.pricing import quote
from shared.schemas.tariff import Tariff
from shared.tariff_text import describe_tariff
from shared.tariffs_sbb import tariff_from_sbb
from tests.shared_data import find_data

# ../shared/data/tariffs beside the repository, or the in-repo copy (tests/fixtures).
SBB_PRICING = find_data("tariffs/sbb_park_and_rail_pricing.json")
assert SBB_PRICING is not None, "the SBB pricing data is missing from tests/fixtures"

DURATIONS_MINUTES = [
    1, 5, 14, 15, 16, 30, 59, 60, 61, 90, 119, 120, 121, 180, 240, 241, 300, 359, 360, 361,
    600, 660, 719, 720, 721, 1000, 1439, 1440, 1441, 2000, 2880, 2881, 4320, 10080,
]  # fmt: skip
ZURICH = "Europe/Zurich"
# A week with no DST change in Switzerland.
START_AT = datetime(2026, 6, 10, 8, 0, tzinfo=ZoneInfo(ZURICH)).astimezone(UTC)
# Zurich springs forward at 02:00 on 2026-03-29: the local day starting at 00:00 lasts 23 h.
DST_START_AT = datetime(2026, 3, 29, 0, 0, tzinfo=ZoneInfo(ZURICH)).astimezone(UTC)


@cache
def sbb_facilities() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(SBB_PRICING.read_text(encoding="utf-8"))["facilities"])


EVERY_FACILITY = [pytest.param(item, id=item["id"]) for item in sbb_facilities()]


def facility(name: str) -> dict[str, Any]:
    return next(f for f in sbb_facilities() if f["name"] == name)


def sbb_reference_price(pricing_model: dict[str, Any], minutes: int) -> int:
    """The SBB ladder read straight from its fields, independent of our Tariff and engine."""
    charged = max(minutes, pricing_model["minimumDuration"] or 0)
    increment = pricing_model["viableIncrement"]
    count = -(-charged // increment)
    ladder = sorted((s["startingFrom"], s["price"]) for s in pricing_model["priceSegments"])
    per_day: dict[int, int] = {}
    for index in range(count):
        start_minute = index * increment
        price = [p for starting_from, p in ladder if starting_from <= start_minute][-1]
        per_day[start_minute // 1440] = per_day.get(start_minute // 1440, 0) + price
    cap = pricing_model["maximumDayPrice"]
    return sum(amount if cap is None else min(amount, cap) for amount in per_day.values())


def test_the_data_holds_649_facilities() -> None:
    assert len(sbb_facilities()) == 649
    assert len({f["id"] for f in sbb_facilities()}) == 649


@pytest.mark.parametrize("item", EVERY_FACILITY)
def test_every_facility_reproduces_its_ladder(item: dict[str, Any]) -> None:
    pricing_model = item["pricingModel"]
    tariff = tariff_from_sbb(pricing_model)
    durations = [d for d in DURATIONS_MINUTES if d <= pricing_model["maximumDuration"]]
    assert durations
    mismatches = []
    for minutes in durations:
        expected = sbb_reference_price(pricing_model, minutes)
        got = quote(tariff, START_AT, START_AT + timedelta(minutes=minutes), ZURICH).parking_amount
        if got != expected:
            mismatches.append(f"{minutes} min: got {got}, SBB ladder {expected}")
        # Within one local day, a start on the short DST day changes nothing.
        if minutes <= 23 * 60:
            on_dst_day = quote(tariff, DST_START_AT, DST_START_AT + timedelta(minutes=minutes), ZURICH)
            if on_dst_day.parking_amount != expected:
                mismatches.append(f"{minutes} min from the DST day: got {on_dst_day.parking_amount}")
    assert not mismatches, f"{item['name']} ({item['id']}): " + "; ".join(mismatches)


def test_a_23_hour_local_day_starts_the_second_cap_early() -> None:
    tariff = tariff_from_sbb(facility("Suhr")["pricingModel"])  # first 15 min free, 25 / 15 min, cap 500
    stay = timedelta(hours=23, minutes=15)
    assert quote(tariff, START_AT, START_AT + stay, ZURICH).parking_amount == 500
    # On 29 March the local day ends after 23 h: the last 15 min open a second day.
    assert quote(tariff, DST_START_AT, DST_START_AT + stay, ZURICH).parking_amount == 525


def test_converts_the_typical_free_quarter_hour() -> None:
    tariff = tariff_from_sbb(facility("Suhr")["pricingModel"])
    assert tariff == Tariff(
        increment_minutes=15,
        segments=[{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 25}],
        daily_max_amount=500,
        max_stay_minutes=1440,
        min_charge_minutes=None,  # 15 min is one increment, charged anyway
    )


def test_converts_a_free_middle_segment() -> None:
    tariff = tariff_from_sbb(facility("St. Gallen Haggen (SOB)")["pricingModel"])
    assert [(s.from_minute, s.amount) for s in tariff.segments] == [(0, 100), (180, 0), (300, 100)]
    assert (tariff.increment_minutes, tariff.daily_max_amount, tariff.max_stay_minutes) == (60, 500, 10080)

    def price(hours: int) -> int:
        return quote(tariff, START_AT, START_AT + timedelta(hours=hours), ZURICH).parking_amount

    assert [price(h) for h in range(8)] == [0, 100, 200, 300, 300, 300, 400, 500]
    assert price(9) == 500  # capped


def test_merges_equal_neighbours_and_keeps_the_minimum() -> None:
    ruti = tariff_from_sbb(facility("Rüti ZH")["pricingModel"])  # (0, 50), (60, 50) per 30 min
    assert [(s.from_minute, s.amount) for s in ruti.segments] == [(0, 50)]
    long_minimum = next(
        f["pricingModel"] for f in sbb_facilities() if f["pricingModel"]["minimumDuration"] == 240
    )
    assert tariff_from_sbb(long_minimum).min_charge_minutes == 240


def test_free_facilities_have_no_cap() -> None:
    free = next(f["pricingModel"] for f in sbb_facilities() if f["pricingModel"]["maximumDayPrice"] is None)
    tariff = tariff_from_sbb(free)
    assert (tariff.daily_max_amount, tariff.max_stay_minutes) == (None, 1000)
    assert describe_tariff(tariff, "CHF") == "Free, stays up to 16 h 40 min"


def test_unsorted_segments_are_sorted() -> None:
    tariff = tariff_from_sbb(
        {
            "viableIncrement": 60,
            "priceSegments": [{"startingFrom": 60, "price": 50}, {"startingFrom": 0, "price": 100}],
            "maximumDayPrice": None,
            "maximumDuration": None,
            "minimumDuration": None,
        }
    )
    assert [(s.from_minute, s.amount) for s in tariff.segments] == [(0, 100), (60, 50)]
    assert (tariff.daily_max_amount, tariff.max_stay_minutes, tariff.min_charge_minutes) == (None, None, None)


@pytest.mark.parametrize(
    "pricing_model",
    [
        {"priceSegments": [{"startingFrom": 0, "price": 100}]},
        {"viableIncrement": 60, "priceSegments": [{"startingFrom": 0}]},
        {"viableIncrement": 60, "priceSegments": [{"startingFrom": 30, "price": 100}]},
        {"viableIncrement": 60, "priceSegments": [{"startingFrom": 0, "price": -5}]},
    ],
)
def test_broken_models_are_refused(pricing_model: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the field
        tariff_from_sbb(pricing_model)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Suhr", "First 15 min free, then 0.25 per 15 min, max 5.00 a day, stays up to 24 h"),
        (
            "St. Gallen Haggen (SOB)",
            "1.00 per hour for the first 3 h, free from 3 h to 5 h, then 1.00 per hour, "
            "max 5.00 a day, stays up to 7 days",
        ),
        (
            "Herisau (SOB)",
            "1.00 per hour for the first 3 h, free from 3 h to 4 h, then 1.00 per hour up to 6 h, "
            "free from 6 h to 11 h, then 1.00 per hour, max 8.00 a day, stays up to 7 days",
        ),
        (
            "Rapperswil SBB P+Rail",
            "1.00 per hour for the first hour, then 1.50 per hour up to 2 h, then 2.50 per hour, "
            "max 10.00 a day, stays up to 7 days",
        ),
        ("Mörel (MGB)", "First hour free, then 1.00 per hour, max 7.00 a day, stays up to 7 days"),
    ],
)
def test_describes_sbb_tariffs(name: str, text: str) -> None:
    assert describe_tariff(tariff_from_sbb(facility(name)["pricingModel"]), "CHF") == text


def test_describes_a_minimum_charge() -> None:
    pricing_model = next(
        f["pricingModel"]
        for f in sbb_facilities()
        if f["pricingModel"]["minimumDuration"] == 240 and f["pricingModel"]["maximumDayPrice"] == 800
    )
    assert describe_tariff(tariff_from_sbb(pricing_model), "CHF") == (
        "1.00 per hour, minimum 4 h, max 8.00 a day, stays up to 7 days"
    )
