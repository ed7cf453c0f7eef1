"""When cars come and how long they stay: the daily and weekly rhythm of the demo's history.

Arrivals per local hour follow a weekday curve (a morning commuter peak, lunch, an evening tail,
quiet nights) or a weekend curve (late, flat, lower); event garages add an evening peak. A day's
total varies by weekday, a little noise and a slight upward trend over the four weeks, so a chart
of it looks like a business rather than a sine wave. Durations are lognormal around a median that
depends on the kind of lot, with commuters' working days and the airport's multi-day stays.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_WEEKDAY = (
    0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.7, 1.6, 2.0, 1.4, 1.0, 1.0,
    1.25, 1.1, 0.9, 0.9, 1.0, 1.2, 0.9, 0.7, 0.55, 0.4, 0.25, 0.15,
)  # fmt: skip
_WEEKEND = (
    0.15, 0.1, 0.06, 0.04, 0.04, 0.08, 0.15, 0.3, 0.6, 0.9, 1.2, 1.4,
    1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.5, 0.35, 0.2,
)  # fmt: skip
_EVENING = (
    0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.3, 0.7, 0.9, 0.7, 0.6, 0.7,
    0.9, 0.8, 0.6, 0.6, 0.9, 1.8, 2.4, 1.6, 0.7, 0.5, 0.4, 0.2,
)  # fmt: skip
# Share of the cars that arrived in an hour still parked when the lot is looked at (for "inside now").
_PRESENCE = (
    0.15, 0.1, 0.08, 0.08, 0.1, 0.15, 0.3, 0.55, 0.8, 0.92, 1.0, 1.0,
    1.0, 1.0, 0.95, 0.9, 0.8, 0.62, 0.45, 0.35, 0.3, 0.25, 0.2, 0.17,
)  # fmt: skip
_DAY_FACTOR = (1.0, 1.02, 1.05, 1.08, 1.12, 0.74, 0.52)  # Monday .. Sunday


def _normalised(curve: tuple[float, ...]) -> tuple[float, ...]:
    total = sum(curve)
    return tuple(value / total for value in curve)


WEEKDAY, WEEKEND, EVENING = _normalised(_WEEKDAY), _normalised(_WEEKEND), _normalised(_EVENING)


@dataclass(frozen=True)
class LotKind:
    """How a lot is used: which arrival curve, which durations, how many arrivals a weekday."""

    name: str  # garage, event, airport, visitor, street
    daily_base: float = 0.0  # arrivals on an average weekday, before noise and trend

    def curve(self, local: datetime) -> tuple[float, ...]:
        if local.weekday() >= 5:
            return WEEKEND
        return EVENING if self.name == "event" else WEEKDAY


def lot_kind(tariff: dict, slug: str) -> str:
    """The lot's kind from its tariff: a multi-day maximum is an airport, a short one a street or
    visitor lot (a free start), a long increment (or the name) an event garage."""
    max_stay = tariff.get("max_stay_minutes") or 1440
    if max_stay > 1440:
        return "airport"
    if max_stay <= 240:
        return "visitor" if tariff["segments"][0]["amount"] == 0 else "street"
    if tariff["increment_minutes"] >= 120 or "event" in slug:
        return "event"
    return "garage"


def daily_arrivals(capacities: list[int], sessions: list[bool], cars: int) -> list[float]:
    """Each lot's weekday arrivals: the pool's cars park about 1.5 times a weekday between them,
    shared by the lots by the square root of their size (a big lot is busier, not 50 times busier)."""
    weights = [math.sqrt(max(1, c)) * (0.8 if s else 1.0) for c, s in zip(capacities, sessions, strict=True)]
    total = VISITS_PER_CAR_PER_WEEKDAY * cars
    return [total * w / sum(weights) for w in weights]


VISITS_PER_CAR_PER_WEEKDAY = 1.5


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of one hour at one lot."""
    if mean <= 0:
        return 0
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def arrivals(
    rng: random.Random, kind: LotKind, tz: ZoneInfo, start: datetime, now: datetime
) -> Iterator[datetime]:
    """Arrival moments (UTC, whole seconds) from `start` to `now`, hour by hour in local time."""
    span = (now - start).total_seconds()
    hour = start.replace(minute=0, second=0, microsecond=0)
    day_noise: dict[object, float] = {}
    while hour < now:
        local = hour.astimezone(tz)
        noise = day_noise.setdefault(local.date(), math.exp(rng.gauss(0, 0.12)))
        trend = 0.92 + 0.16 * (hour - start).total_seconds() / span
        mean = kind.daily_base * _DAY_FACTOR[local.weekday()] * noise * trend * kind.curve(local)[local.hour]
        for _ in range(poisson(rng, mean)):
            moment = hour + timedelta(seconds=rng.randrange(3600))
            if start <= moment < now:
                yield moment
        hour += timedelta(hours=1)


def _lognormal_minutes(rng: random.Random, median: float, sigma: float, low: float, high: float) -> int:
    return int(min(high, max(low, rng.lognormvariate(math.log(median), sigma))))


def stay_minutes(rng: random.Random, kind: LotKind, local_arrival: datetime) -> int:
    """How long a car that arrived at `local_arrival` stays (post-paid: camera or geofence lots)."""
    hour, weekday = local_arrival.hour, local_arrival.weekday() < 5
    if kind.name == "airport":
        return _lognormal_minutes(rng, 2 * 1440, 0.7, 120, 13 * 1440)
    if kind.name == "visitor":
        return _lognormal_minutes(rng, 70, 0.55, 6, 300)
    if weekday and 6 <= hour < 10 and rng.random() < 0.55:
        return int(min(660, max(240, rng.gauss(510, 50))))  # a working day
    if kind.name == "event" and hour >= 16:
        return _lognormal_minutes(rng, 200, 0.3, 60, 420)
    return _lognormal_minutes(rng, 105, 0.75, 5, 14 * 60)


SESSION_PRESETS = (30, 60, 60, 60, 90, 120, 120, 180, 240)


def session_minutes(rng: random.Random, local_start: datetime, max_stay: int) -> int:
    """A prepaid duration as drivers pick them in the app (presets), within the lot's maximum."""
    if local_start.weekday() < 5 and 6 <= local_start.hour < 10 and max_stay >= 480 and rng.random() < 0.4:
        minutes = 480
    else:
        minutes = rng.choice(SESSION_PRESETS)
    return min(minutes, max_stay)


def occupancy_target(rng: random.Random, kind: LotKind, local_now: datetime) -> float:
    """The share of spaces taken right now: 30 % at night, up to 80 % on a weekday midday."""
    if kind.name == "airport":
        share = 0.55 + 0.2 * rng.random()
    else:
        presence = _PRESENCE[local_now.hour] * (0.7 if local_now.weekday() >= 5 else 1.0)
        share = 0.3 + 0.5 * presence + rng.uniform(-0.04, 0.04)
    return min(0.8, max(0.3, share))


def parked_for(rng: random.Random, kind: LotKind, weights: list[float]) -> timedelta:
    """How long ago a car that is inside now arrived (`weights` from `inside_weights`)."""
    if kind.name == "airport":
        return timedelta(minutes=rng.randrange(30, 10 * 1440))
    back = rng.choices(range(len(weights)), weights=weights)[0]
    return timedelta(hours=back, seconds=rng.randrange(60, 3600))


def inside_weights(kind: LotKind, tz: ZoneInfo, now: datetime) -> list[float]:
    """Per hour back from now, how likely a car inside now arrived then: recent arrivals are likelier
    (they have not left yet), weighted by the arrival curve; some have been there since yesterday."""
    weights = []
    for back in range(36):
        local = (now - timedelta(hours=back)).astimezone(tz)
        survival = math.exp(-back / 4.5) + 0.12 * math.exp(-back / 24)
        weights.append(kind.curve(local)[local.hour] * survival)
    return weights
