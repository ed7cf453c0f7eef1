"""Properties of `quote` and `service_fee_amount` over random tariffs and stays."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.pricing import quote, service_fee_amount
from shared.schemas.tariff import ServiceFee, Tariff

START_AT = datetime(2026, 1, 5, 7, 13, 27, tzinfo=UTC)
TEN_DAYS_SECONDS = 10 * 24 * 3600


@st.composite
def tariffs(draw: st.DrawFn) -> Tariff:
    increment = draw(
        st.sampled_from([1, 5, 7, 10, 15, 30, 45, 60, 90, 120, 240, 1440]) | st.integers(1, 1440)
    )
    later_starts = draw(st.lists(st.integers(1, 3000), max_size=5, unique=True))
    starts = [0, *sorted(later_starts)]
    amounts = draw(st.lists(st.integers(0, 500), min_size=len(starts), max_size=len(starts)))
    return Tariff(
        increment_minutes=increment,
        segments=[{"from_minute": m, "amount": a} for m, a in zip(starts, amounts, strict=True)],
        daily_max_amount=draw(st.none() | st.integers(0, 5000)),
        min_charge_minutes=draw(st.none() | st.integers(0, 600)),
    )


def reference_price(tariff: Tariff, duration_seconds: int) -> int:
    """Increment by increment, days of 1440 minutes: the rules read literally, in UTC."""
    if duration_seconds == 0:
        return 0
    charged_seconds = duration_seconds
    if tariff.min_charge_minutes is not None:
        charged_seconds = max(charged_seconds, tariff.min_charge_minutes * 60)
    increment_seconds = tariff.increment_minutes * 60
    count = charged_seconds // increment_seconds
    if charged_seconds % increment_seconds:
        count += 1
    per_day: dict[int, int] = {}
    for index in range(count):
        start_minute = index * tariff.increment_minutes
        amount = 0
        for segment in tariff.segments:
            if segment.from_minute <= start_minute:
                amount = segment.amount
        day = start_minute // 1440
        per_day[day] = per_day.get(day, 0) + amount
    total = 0
    for day_amount in per_day.values():
        if tariff.daily_max_amount is not None:
            day_amount = min(day_amount, tariff.daily_max_amount)
        total += day_amount
    return total


def price(tariff: Tariff, seconds: int) -> int:
    return quote(tariff, START_AT, START_AT + timedelta(seconds=seconds), "UTC").parking_amount


@settings(max_examples=300, deadline=None)
@given(tariffs(), st.integers(0, TEN_DAYS_SECONDS))
def test_matches_the_increment_by_increment_reference(tariff: Tariff, seconds: int) -> None:
    assert price(tariff, seconds) == reference_price(tariff, seconds)


@settings(max_examples=100, deadline=None)
@given(tariffs(), st.sampled_from([0, 60, 59 * 60, 1439 * 60, 1440 * 60, 1441 * 60, 2880 * 60]))
def test_matches_the_reference_on_whole_minutes_and_day_edges(tariff: Tariff, seconds: int) -> None:
    assert price(tariff, seconds) == reference_price(tariff, seconds)


@settings(max_examples=200)
@given(tariffs(), st.integers(0, TEN_DAYS_SECONDS), st.integers(0, TEN_DAYS_SECONDS))
def test_price_never_decreases_as_the_stay_grows(tariff: Tariff, a: int, b: int) -> None:
    shorter, longer = sorted((a, b))
    assert price(tariff, shorter) <= price(tariff, longer)


@settings(max_examples=200)
@given(tariffs(), st.integers(0, TEN_DAYS_SECONDS))
def test_capped_price_never_exceeds_the_cap_per_started_day(tariff: Tariff, seconds: int) -> None:
    result = quote(tariff, START_AT, START_AT + timedelta(seconds=seconds), "Europe/Helsinki")
    if tariff.daily_max_amount is not None:
        # January: no DST, so the days are 1440 minutes from the start of the (charged) stay.
        started_days = -(-result.charged_minutes // 1440)
        assert len(result.days) <= started_days
        assert result.parking_amount <= started_days * tariff.daily_max_amount
    assert result.parking_amount == sum(day.amount for day in result.days)
    assert result.increments == sum(day.increments for day in result.days)


@given(tariffs())
def test_a_stay_of_no_time_costs_nothing(tariff: Tariff) -> None:
    result = quote(tariff, START_AT, START_AT, "Europe/Zurich")
    assert (result.parking_amount, result.increments, result.days) == (0, 0, ())


@given(
    st.integers(0, 10_000_000),
    st.decimals(min_value=0, max_value=100, places=3, allow_nan=False),
    st.integers(0, 1000),
)
def test_service_fee_is_the_rounded_percent_plus_the_fixed_amount(
    parking_amount: int, percent: Decimal, fixed_amount: int
) -> None:
    fee = service_fee_amount(parking_amount, ServiceFee(percent=percent, fixed_amount=fixed_amount))
    if parking_amount == 0:
        assert fee == 0
        return
    exact = Decimal(parking_amount) * percent / 100
    assert exact - Decimal("0.5") < fee - fixed_amount <= exact + Decimal("0.5")
