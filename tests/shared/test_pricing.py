"""Worked examples of the pricing rules (CONTRACT §3), DST days, fees and the max-stay check."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from time import perf_counter
from zoneinfo import ZoneInfo

import pytest

from shared.errors import ErrorCode, ParkflowError
from shared.pricing import (
    ALWAYS_FREE_MINUTES,
    MaxStayExceededError,
    check_max_stay,
    free_minutes,
    quote,
    service_fee_amount,
)
from shared.schemas.tariff import ServiceFee, Tariff

HELSINKI = "Europe/Helsinki"


def make_tariff(increment: int, *segments: tuple[int, int], **extra: int | None) -> Tariff:
    return Tariff(
        increment_minutes=increment,
        segments=[{"from_minute": m, "amount": a} for m, a in segments],
        **extra,
    )


KAMPPI = make_tariff(15, (0, 0), (15, 75), daily_max_amount=2400, max_stay_minutes=1440)
START_AT = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def kamppi_price(duration: timedelta, start_at: datetime = START_AT, tz: str = HELSINKI) -> int:
    return quote(KAMPPI, start_at, start_at + duration, tz).parking_amount


@pytest.mark.parametrize(
    ("duration", "expected_amount"),
    [
        (timedelta(0), 0),
        (timedelta(minutes=10), 0),
        (timedelta(minutes=15), 0),  # the free increment, exactly
        (timedelta(minutes=15, seconds=1), 75),  # the second increment has started
        (timedelta(minutes=30), 75),
        (timedelta(minutes=30, microseconds=1), 150),
        (timedelta(hours=1), 225),  # 4 increments, the first free
        (timedelta(hours=8, minutes=30), 2400),  # 33 * 75 = 2475, capped
        (timedelta(hours=23), 2400),
        (timedelta(hours=24), 2400),  # 96 increments, all in day 1
        # Day 2's first increment is at minute 1440, in the 75 segment: no second free period.
        (timedelta(hours=24, minutes=1), 2475),
        (timedelta(hours=48), 4800),
        (timedelta(hours=48, seconds=1), 4875),
    ],
)
def test_kamppi_examples(duration: timedelta, expected_amount: int) -> None:
    assert kamppi_price(duration) == expected_amount


def test_quote_details() -> None:
    result = quote(KAMPPI, START_AT, START_AT + timedelta(hours=24, minutes=1), HELSINKI)
    assert result.increments == 97
    assert result.charged_minutes == 97 * 15
    assert result.free_until == START_AT + timedelta(minutes=15)
    assert result.capped_days == 1
    assert [(d.day_index, d.increments, d.uncapped_amount, d.amount) for d in result.days] == [
        (0, 96, 95 * 75, 2400),
        (1, 1, 75, 75),
    ]
    assert result.days[0].capped
    assert not result.days[1].capped
    assert result.days[1].starts_at == START_AT + timedelta(days=1)
    assert result.starts_at == START_AT
    assert result.ends_at == START_AT + timedelta(hours=24, minutes=1)


def test_zero_stay_has_no_days() -> None:
    result = quote(KAMPPI, START_AT, START_AT, HELSINKI)
    assert (result.parking_amount, result.increments, result.charged_minutes, result.days) == (0, 0, 0, ())


def test_offsets_and_zone_objects_are_equivalent() -> None:
    local_start = START_AT.astimezone(ZoneInfo(HELSINKI))
    offset_end = (START_AT + timedelta(hours=3)).astimezone(timezone(timedelta(hours=-5)))
    assert quote(KAMPPI, local_start, offset_end, ZoneInfo(HELSINKI)).parking_amount == 11 * 75
    # Same tzinfo on both ends must still measure real time, not wall-clock time.
    fall_back_start = datetime(2026, 10, 25, 2, 0, tzinfo=ZoneInfo(HELSINKI))  # EEST, 23:00 UTC
    fall_back_end = datetime(2026, 10, 25, 4, 0, tzinfo=ZoneInfo(HELSINKI))  # EET, 02:00 UTC: 3 h
    assert quote(KAMPPI, fall_back_start, fall_back_end, HELSINKI).increments == 12


def test_several_paid_segments() -> None:
    tariff = make_tariff(60, (0, 100), (120, 50), (240, 0), (300, 200))
    prices = [quote(tariff, START_AT, START_AT + timedelta(hours=h)).parking_amount for h in range(0, 8)]
    assert prices == [0, 100, 200, 250, 300, 300, 500, 700]


def test_segment_boundary_inside_an_increment_uses_the_increment_start() -> None:
    # The increment [15, 30) starts at minute 15, before the 20-minute segment begins.
    tariff = make_tariff(15, (0, 10), (20, 1000))
    assert quote(tariff, START_AT, START_AT + timedelta(minutes=30)).parking_amount == 20
    assert quote(tariff, START_AT, START_AT + timedelta(minutes=31)).parking_amount == 1020


def test_minimum_charge() -> None:
    tariff = make_tariff(60, (0, 100), min_charge_minutes=240, daily_max_amount=800)
    assert quote(tariff, START_AT, START_AT).parking_amount == 0
    assert quote(tariff, START_AT, START_AT + timedelta(seconds=1)).parking_amount == 400
    assert quote(tariff, START_AT, START_AT + timedelta(hours=4)).parking_amount == 400
    assert quote(tariff, START_AT, START_AT + timedelta(hours=4, seconds=1)).parking_amount == 500
    short = quote(tariff, START_AT, START_AT + timedelta(minutes=5))
    assert (short.increments, short.charged_minutes, short.ends_at) == (
        4,
        240,
        START_AT + timedelta(minutes=5),
    )


def test_uncapped_and_always_free_tariffs() -> None:
    uncapped = make_tariff(60, (0, 100))
    assert quote(uncapped, START_AT, START_AT + timedelta(days=3)).parking_amount == 7200
    always_free = make_tariff(5, (0, 0), max_stay_minutes=1000)
    result = quote(always_free, START_AT, START_AT + timedelta(hours=5))
    assert (result.parking_amount, result.free_until, result.increments) == (0, None, 60)


def test_free_minutes() -> None:
    assert free_minutes(KAMPPI) == 15
    assert free_minutes(make_tariff(60, (0, 100), (60, 0))) == 0
    assert free_minutes(make_tariff(15, (0, 0), (30, 0), (60, 100))) == 60
    assert free_minutes(make_tariff(15, (0, 0))) == ALWAYS_FREE_MINUTES
    assert quote(make_tariff(60, (0, 100)), START_AT, START_AT + timedelta(hours=1)).free_until is None


def test_free_until_is_reported_even_when_the_stay_ends_inside_it() -> None:
    assert quote(KAMPPI, START_AT, START_AT + timedelta(minutes=5)).free_until == START_AT + timedelta(
        minutes=15
    )


class TestDaylightSaving:
    """Helsinki: 2026-03-29 03:00 EET -> 04:00 EEST, 2026-10-25 04:00 EEST -> 03:00 EET."""

    def test_spring_forward_day_lasts_23_hours(self) -> None:
        # Adding a timedelta to a zoned datetime is wall-clock arithmetic, so work from UTC.
        start_at = datetime(2026, 3, 29, 0, 0, tzinfo=ZoneInfo(HELSINKI)).astimezone(UTC)
        assert start_at == datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
        result = quote(KAMPPI, start_at, start_at + timedelta(hours=23, minutes=30), HELSINKI)
        # Day 1 is the local 29 March: 23 real hours, 92 increments (capped at 2400); the last two
        # increments start on the local 30 March and make a second, uncapped day.
        assert [(d.increments, d.amount) for d in result.days] == [(92, 2400), (2, 150)]
        assert result.days[0].ends_at == datetime(2026, 3, 29, 21, 0, tzinfo=UTC)
        assert result.parking_amount == 2550
        # Counted in UTC the same stay is a single day.
        assert kamppi_price(timedelta(hours=23, minutes=30), start_at, "UTC") == 2400

    def test_fall_back_day_lasts_25_hours(self) -> None:
        start_at = datetime(2026, 10, 25, 0, 0, tzinfo=ZoneInfo(HELSINKI)).astimezone(UTC)
        assert start_at == datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
        result = quote(KAMPPI, start_at, start_at + timedelta(hours=24, minutes=30), HELSINKI)
        # The local 25 October lasts 25 real hours, so the whole stay is one capped day.
        assert [(d.increments, d.amount) for d in result.days] == [(98, 2400)]
        assert result.parking_amount == 2400
        assert kamppi_price(timedelta(hours=24, minutes=30), start_at, "UTC") == 2550
        # Past the 25th hour a second day starts.
        assert kamppi_price(timedelta(hours=25, minutes=1), start_at) == 2475

    def test_day_starting_in_the_spring_gap_is_read_with_the_earlier_offset(self) -> None:
        # Local start 2026-03-28 03:30 EET. 2026-03-29 03:30 does not exist; read with the EET
        # offset it is 01:30 UTC (04:30 EEST), so day 1 lasts 24 h and day 2 the short 23 h.
        start_at = datetime(2026, 3, 28, 1, 30, tzinfo=UTC)
        result = quote(KAMPPI, start_at, start_at + timedelta(days=3), HELSINKI)
        spans = [day.ends_at - day.starts_at for day in result.days[:3]]
        assert spans == [timedelta(hours=24), timedelta(hours=23), timedelta(hours=24)]
        assert [day.increments for day in result.days] == [96, 92, 96, 4]
        assert result.parking_amount == 3 * 2400 + 4 * 75


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 6, 10, 9, 0)
    with pytest.raises(ValueError, match="start must be a timezone-aware"):
        quote(KAMPPI, naive, START_AT)
    with pytest.raises(ValueError, match="end must be a timezone-aware"):
        quote(KAMPPI, START_AT, naive)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="end is before start"):
        quote(KAMPPI, START_AT, START_AT - timedelta(seconds=1))


def test_unknown_timezone_is_refused() -> None:
    with pytest.raises(ValueError, match="Nowhere"):
        quote(KAMPPI, START_AT, START_AT + timedelta(hours=1), "Europe/Nowhere")


@pytest.mark.parametrize(
    ("parking_amount", "percent", "fixed_amount", "expected_fee"),
    [
        (150, "2.5", 0, 4),  # 3.75 rounds up
        (130, "2.5", 0, 3),  # 3.25 rounds down
        (100, "2.5", 0, 3),  # 2.5 is a half: up
        (20, "2.5", 0, 1),  # 0.5: up
        (19, "2.5", 0, 0),  # 0.475
        (150, "2.5", 30, 34),
        (2400, "0", 50, 50),
        (0, "2.5", 30, 0),  # a free stay has no fee, not even the fixed part
        (1, "100", 0, 1),
    ],
)
def test_service_fee(parking_amount: int, percent: str, fixed_amount: int, expected_fee: int) -> None:
    fee = ServiceFee(percent=Decimal(percent), fixed_amount=fixed_amount)
    assert service_fee_amount(parking_amount, fee) == expected_fee


def test_service_fee_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        service_fee_amount(-1, ServiceFee())


def test_check_max_stay() -> None:
    check_max_stay(KAMPPI, 1440)
    check_max_stay(make_tariff(60, (0, 100)), 100_000)
    with pytest.raises(MaxStayExceededError) as caught:
        check_max_stay(KAMPPI, 1441)
    error = caught.value
    assert isinstance(error, ParkflowError)
    assert error.code == ErrorCode.max_stay_exceeded
    assert error.detail == "This facility allows at most 24 h; choose a shorter duration."
    assert error.max_stay_minutes == 1440
    week = make_tariff(60, (0, 100), max_stay_minutes=10080)
    with pytest.raises(MaxStayExceededError, match="at most 7 days"):
        check_max_stay(week, 10081)


def test_a_month_long_stay_prices_fast() -> None:
    tariff = make_tariff(15, (0, 0), (15, 75), (120, 100), (480, 50), daily_max_amount=2400)
    end_at = START_AT + timedelta(days=30, minutes=7)
    quote(tariff, START_AT, end_at, HELSINKI)
    rounds = 200
    began = perf_counter()
    for _ in range(rounds):
        quote(tariff, START_AT, end_at, HELSINKI)
    per_quote_seconds = (perf_counter() - began) / rounds
    # Generous so a loaded CI box passes; a minute-by-minute loop would take ~10 ms.
    assert per_quote_seconds < 0.002
