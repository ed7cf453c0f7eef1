"""What goes into the geofence tracker and what comes out: fixes, events, per-lot states."""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Fix:
    """One position from the phone: WGS84 degrees, the reported accuracy (68 % radius, metres), the
    time it was measured (timezone-aware) and the speed over ground if the phone gave one.

    A negative speed counts as unknown (iOS reports -1 when it has none).
    """

    lat: float
    lon: float
    accuracy_m: float
    at: datetime
    speed_mps: float | None = None

    def __post_init__(self) -> None:
        for name, value, limit in (("lat", self.lat, 90.0), ("lon", self.lon, 180.0)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not abs(value) <= limit:
                raise ValueError(f"Fix.{name} must be a number within ±{limit:g}, got {value!r}")
        accuracy = self.accuracy_m
        if (
            isinstance(accuracy, bool)
            or not isinstance(accuracy, int | float)
            or not 0 <= accuracy < math.inf
        ):
            raise ValueError(f"Fix.accuracy_m must be a finite number >= 0, got {accuracy!r}")
        if not isinstance(self.at, datetime) or self.at.utcoffset() is None:
            raise ValueError(f"Fix.at must be a timezone-aware datetime, got {self.at!r}")
        speed = self.speed_mps
        if speed is not None:
            if isinstance(speed, bool) or not isinstance(speed, int | float) or math.isnan(speed):
                raise ValueError(f"Fix.speed_mps must be a number or None, got {speed!r}")
            if speed < 0:
                object.__setattr__(self, "speed_mps", None)


class LotState(StrEnum):
    outside = "outside"
    candidate = "candidate"
    inside = "inside"
    leaving = "leaving"


class EventKind(StrEnum):
    enter = "enter"
    exit = "exit"


@dataclass(frozen=True, slots=True)
class GeofenceEvent(Generic[K]):
    """An entry or exit decided by the tracker.

    ``at`` is the time of ``fix``, the fix that decided it. ``occurred_at`` is when it happened as
    far as the fixes tell: for an entry the first fix of the stop in the lot, for an exit the first
    fix clearly outside. ``lat``/``lon``/``accuracy_m`` are the position to report with it, one that
    lies at the lot: for an entry the mean position of the dwell (inside the lot) and its accuracy,
    for an exit the last fix that was within its accuracy of the lot (the deciding fix if there is none).
    """

    kind: EventKind
    facility_id: K
    at: datetime
    occurred_at: datetime
    lat: float
    lon: float
    accuracy_m: float
    fix: Fix
