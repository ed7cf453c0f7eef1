"""Calendar days in the operator's timezone, as UTC instants the database compares against.

Payments are summed in SQL per quarter hour of UTC (`BUCKET_SECONDS`) and the buckets are put into
local days here: every timezone in use today is a whole number of quarter hours from UTC, so a
local midnight always starts a bucket and no bucket straddles two days, DST changes included (a
23- or 25-hour day simply has 92 or 100 buckets). PostgreSQL could convert in SQL (`AT TIME
ZONE`), SQLite cannot; this way both engines run the same query shape.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BUCKET_SECONDS = 900


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local `day` starts."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


@dataclass(frozen=True)
class Days:
    """`count` consecutive local days ending today, and where each starts (UTC)."""

    zone: ZoneInfo
    today: date
    count: int

    @classmethod
    def ending_today(cls, timezone: str, now: datetime, count: int) -> "Days":
        zone = ZoneInfo(timezone)
        return cls(zone, now.astimezone(zone).date(), count)

    @property
    def first(self) -> date:
        return self.today - timedelta(days=self.count - 1)

    @property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.count)]

    @property
    def since(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def today_starts(self) -> datetime:
        return local_midnight(self.today, self.zone)


class BucketDays:
    """Which of `days` a UTC bucket (its number: epoch seconds // BUCKET_SECONDS) falls on."""

    def __init__(self, days: Days) -> None:
        self.dates = days.dates
        self._starts = [int(local_midnight(d, days.zone).timestamp()) for d in self.dates]

    def day(self, bucket: int) -> date | None:
        """None for a bucket before the first day."""
        index = bisect_right(self._starts, bucket * BUCKET_SECONDS) - 1
        return self.dates[index] if index >= 0 else None
