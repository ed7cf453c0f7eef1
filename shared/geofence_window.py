"""A sliding time window of fixes with their accuracy-weighted mean position, kept in O(1) per fix."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from datetime import datetime

# (time in s, longitude, latitude, accuracy in m): a fix the tracker accepted.
Sample = tuple[float, float, float, float]


class PositionWindow:
    """The fixes of the last ``span_s`` seconds and their inverse-variance weighted mean.

    Each fix weighs 1/accuracy²; the mean's accuracy (same 68 % meaning as a fix's) is
    1/sqrt(Σ weights), widened by sqrt(n / max_independent) once more than ``max_independent``
    fixes are averaged, since GPS errors are correlated over tens of seconds. Positions are summed
    relative to the first fix of the window, so the running sums stay small and exact enough.
    """

    __slots__ = ("_lat0", "_lon0", "_max_independent", "_samples", "_span_s", "_w", "_x", "_y")

    def __init__(self, span_s: float, max_independent: int) -> None:
        self._span_s = span_s
        self._max_independent = max_independent
        self._samples: deque[tuple[float, float, float, float, datetime]] = deque()
        self.clear()

    def __len__(self) -> int:
        return len(self._samples)

    def clear(self) -> None:
        self._samples.clear()
        self._w = self._x = self._y = 0.0
        self._lon0 = self._lat0 = 0.0

    def add(self, sample: Sample, at: datetime) -> None:
        """Add a fix measured ``at`` (newer than every fix in the window); drop those older than the span."""
        t, lon, lat, accuracy = sample
        samples = self._samples
        oldest_kept = t - self._span_s
        while samples and samples[0][0] <= oldest_kept:
            _, w, x, y, _ = samples.popleft()
            self._w -= w
            self._x -= w * x
            self._y -= w * y
        if not samples:
            self._w = self._x = self._y = 0.0
            self._lon0, self._lat0 = lon, lat
        w = 1.0 / (accuracy * accuracy)
        x = (lon - self._lon0 + 180.0) % 360.0 - 180.0
        y = lat - self._lat0
        samples.append((t, w, x, y, at))
        self._w += w
        self._x += w * x
        self._y += w * y

    def mean(self) -> tuple[float, float, float]:
        """``(lon, lat, accuracy_m)`` of the window's mean position; the window must not be empty."""
        lon = (self._lon0 + self._x / self._w + 180.0) % 360.0 - 180.0
        lat = self._lat0 + self._y / self._w
        widening = max(1.0, len(self._samples) / self._max_independent)
        return lon, lat, math.sqrt(widening / self._w)

    def newest_mean(self, target_accuracy_m: float) -> tuple[float, float, float]:
        """Like ``mean``, over only as many of the newest fixes as it takes for the mean to be
        accurate to ``target_accuracy_m`` (all of them if that is never reached): a good fix is its
        own mean and lags nothing, poor ones are averaged over the whole span."""
        enough = 1.0 / (target_accuracy_m * target_accuracy_m)
        w_sum = x_sum = y_sum = 0.0
        count = 0
        for _, w, x, y, _ in reversed(self._samples):
            w_sum += w
            x_sum += w * x
            y_sum += w * y
            count += 1
            if w_sum >= enough:
                break
        lon = (self._lon0 + x_sum / w_sum + 180.0) % 360.0 - 180.0
        widening = max(1.0, count / self._max_independent)
        return lon, self._lat0 + y_sum / w_sum, math.sqrt(widening / w_sum)

    def positions(self) -> Iterator[tuple[datetime, float, float]]:
        """``(at, lon, lat)`` of each fix in the window, oldest first."""
        for _, _, x, y, at in self._samples:
            yield at, (self._lon0 + x + 180.0) % 360.0 - 180.0, self._lat0 + y
