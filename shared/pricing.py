"""The tariff engine: what a stay costs under a `Tariff` (CONTRACT §3).

Rules, in the order they apply:

1. Time is real elapsed time between two timezone-aware instants, kept to the microsecond: a stay
   of 15 min 1 s is longer than 15 min. Naive datetimes, or an end before the start, raise
   `ValueError`.
2. Minimum charge: a stay longer than 0 but shorter than `min_charge_minutes` is charged as if it
   lasted `min_charge_minutes` (SBB's `minimumDuration`). A stay of exactly 0 costs nothing.
3. Increments are counted from the start: increment k covers minutes [k*inc, (k+1)*inc). Every
   increment that has started is paid, i.e. ceil(d / inc) increments for a charged duration d.
4. Each increment costs the amount of the segment in force at its start minute (the last segment
   with `from_minute` <= that minute). The ladder runs once from the start of the stay; it does not
   restart each day, so a leading free segment is free only at the start of the stay.
5. Daily cap: the stay is cut into days from its start, in the facility's local wall-clock time:
   day k starts at (local start + k calendar days), so across a DST change a day lasts 23 or 25
   real hours (in UTC, or a zone without DST, every 1440 minutes). An increment belongs to the day
   in which it starts. Each day that holds at least one increment is summed and capped at
   `daily_max_amount`. A wall-clock day start that falls in a spring-forward gap is read with the
   offset before the change (PEP 495's fold=0), one in a repeated hour as its first occurrence.
   An unknown timezone name raises `ValueError`.
6. `max_stay_minutes` is not applied by `quote`: a post-paid stay may overrun and is still priced.
   Prepaid callers call `check_max_stay` first.
7. Free period: the end of a leading run of zero-amount segments (`free_minutes`).
8. Service fee: `percent` of the parking amount rounded half-up to the minor unit, plus
   `fixed_amount`, always a separate line. A free stay (parking amount 0) has no fee at all, not even
   the fixed part: nothing was sold.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.errors import ErrorCode, ParkflowError
from shared.money import percent_of
from shared.schemas.tariff import ServiceFee, Tariff
from shared.tariff_text import format_minutes

# What `free_minutes` answers for a tariff with no paid segment at all: longer than any stay
# (about 100 years), and still small enough to add to a datetime.
ALWAYS_FREE_MINUTES = 100 * 365 * 1440

_MICROSECONDS_PER_MINUTE = 60_000_000
_ONE_MICROSECOND = timedelta(microseconds=1)


class MaxStayExceededError(ParkflowError):
    """A prepaid duration longer than the facility's `max_stay_minutes` (422)."""

    code = ErrorCode.max_stay_exceeded

    def __init__(self, max_stay_minutes: int) -> None:
        super().__init__(
            f"This facility allows at most {format_minutes(max_stay_minutes)}; choose a shorter duration."
        )
        self.max_stay_minutes = max_stay_minutes


@dataclass(frozen=True)
class DayCharge:
    """One started day of a stay: its increments, their sum, and what is charged after the cap."""

    day_index: int
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC; the next local day's start, whether or not the stay reaches it
    increments: int
    uncapped_amount: int
    amount: int

    @property
    def capped(self) -> bool:
        return self.amount < self.uncapped_amount


@dataclass(frozen=True)
class Quote:
    """The price of a stay. `charged_minutes` is `increments * increment_minutes`."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC, the real end (the minimum charge does not move it)
    parking_amount: int
    increments: int
    charged_minutes: int
    free_until: datetime | None  # UTC end of the free period; None without one or when always free
    capped_days: int
    days: tuple[DayCharge, ...]


def free_minutes(tariff: Tariff) -> int:
    """Minutes from the start that cost nothing: 0 when the first segment costs money.

    A tariff with no paid segment at all answers `ALWAYS_FREE_MINUTES`.
    """
    for segment in tariff.segments:
        if segment.amount > 0:
            return segment.from_minute
    return ALWAYS_FREE_MINUTES


def check_max_stay(tariff: Tariff, duration_minutes: int) -> None:
    """Refuse a prepaid duration beyond the tariff's `max_stay_minutes`."""
    if tariff.max_stay_minutes is not None and duration_minutes > tariff.max_stay_minutes:
        raise MaxStayExceededError(tariff.max_stay_minutes)


def service_fee_amount(parking_amount: int, fee: ServiceFee) -> int:
    """The service fee line for `parking_amount` minor units; 0 for a free stay."""
    if parking_amount < 0:
        raise ValueError("parking_amount cannot be negative")
    if parking_amount == 0:
        return 0
    return percent_of(parking_amount, fee.percent) + fee.fixed_amount


def quote(tariff: Tariff, start: datetime, end: datetime, timezone: str | ZoneInfo = "UTC") -> Quote:
    """Price the stay from `start` to `end` under `tariff`, days counted in `timezone`."""
    starts_at = _as_utc(start, "start")
    ends_at = _as_utc(end, "end")
    if ends_at < starts_at:
        raise ValueError("end is before start")
    zone = timezone if isinstance(timezone, ZoneInfo) else _zone(timezone)

    increment_us = tariff.increment_minutes * _MICROSECONDS_PER_MINUTE
    charged_us = (ends_at - starts_at) // _ONE_MICROSECOND
    if charged_us > 0 and tariff.min_charge_minutes:
        charged_us = max(charged_us, tariff.min_charge_minutes * _MICROSECONDS_PER_MINUTE)
    increments = _ceil_div(charged_us, increment_us)

    # Each segment as the half-open range of increment indices that start inside it.
    segment_ranges = []
    for index, segment in enumerate(tariff.segments):
        first = _ceil_div(segment.from_minute, tariff.increment_minutes)
        if index + 1 < len(tariff.segments):
            stop = _ceil_div(tariff.segments[index + 1].from_minute, tariff.increment_minutes)
        else:
            stop = increments
        if stop > first:
            segment_ranges.append((first, stop, segment.amount))

    days: list[DayCharge] = []
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    day_starts_at = starts_at
    first_increment = 0
    while first_increment < increments:
        day_index = len(days)
        day_ends_at = (local_start + timedelta(days=day_index + 1)).replace(tzinfo=zone, fold=0)
        day_ends_at = day_ends_at.astimezone(UTC)
        stop_increment = min(
            increments, _ceil_div((day_ends_at - starts_at) // _ONE_MICROSECOND, increment_us)
        )
        uncapped = 0
        for seg_first, seg_stop, amount in segment_ranges:
            overlap = min(seg_stop, stop_increment) - max(seg_first, first_increment)
            if overlap > 0:
                uncapped += overlap * amount
        cap = tariff.daily_max_amount
        # A day can hold no increment start at all when increments are nearly a day long and the
        # day is a 23 h one; it is dropped below.
        days.append(
            DayCharge(
                day_index=day_index,
                starts_at=day_starts_at,
                ends_at=day_ends_at,
                increments=stop_increment - first_increment,
                uncapped_amount=uncapped,
                amount=uncapped if cap is None else min(uncapped, cap),
            )
        )
        day_starts_at = day_ends_at
        first_increment = stop_increment

    free = free_minutes(tariff)
    free_until = None if free in (0, ALWAYS_FREE_MINUTES) else starts_at + timedelta(minutes=free)
    started_days = tuple(day for day in days if day.increments > 0)
    return Quote(
        starts_at=starts_at,
        ends_at=ends_at,
        parking_amount=sum(day.amount for day in started_days),
        increments=increments,
        charged_minutes=increments * tariff.increment_minutes,
        free_until=free_until,
        capped_days=sum(1 for day in started_days if day.capped),
        days=started_days,
    )


def _as_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


def _zone(key: str) -> ZoneInfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {key!r}") from exc


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)
