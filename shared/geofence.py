"""Entry into and exit from geofence lots, decided on the driver's phone from its GPS fixes.

One ``GeofenceTracker`` per phone turns a stream of ``Fix`` es into ``GeofenceEvent`` s. Each lot
near the phone runs through outside → candidate → inside → leaving → outside, with hysteresis so
the noise of a parked phone never flaps a stay open and shut:

* a fix less accurate than ``max_accuracy_m``, not newer than the newest fix seen (out of order or
  repeated), or implying a jump faster than ``max_jump_speed_mps`` is ignored;
* the phone's *smoothed position* is the accuracy-weighted mean of its newest fixes (as many as it
  takes to be accurate to ``smoothing_target_m``, none from before it last drove);
* a lot is a *candidate* from the first fix the smoothed position lies in it while the phone is
  not driving, until the phone drives or the position is clearly outside (by the fix's accuracy
  plus ``exit_margin_m``); it is *entered* once it has been a candidate for ``entry_dwell_s`` and
  the mean of the fixes of that time lies inside it by ``entry_confidence_sigmas`` of its error;
* an entered lot is *leaving* while the smoothed position is clearly outside it, back *inside*
  when the position returns into it, and *exited* after ``exit_dwell_s`` of leaving; entering a
  lot also exits those the car was in that do not cover its new place;
* a gap longer than ``gap_reset_s`` restarts every dwell timer (entered lots stay entered).

Everything is decided from the fixes' own times (no wall clock), so the same fixes always give the
same events. ``GeofenceSettings`` names every threshold with its default and reason. Lots come from
a ``GeofenceIndex`` (``shared.geofence_index``); fixes and events are in ``shared.geofence_model``
and are re-exported here, so ``from shared.geofence import ...`` is all a caller needs.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Generic, TypeVar

from shared.geofence_index import GeofenceIndex, metres_between
from shared.geofence_model import EventKind, Fix, GeofenceEvent, LotState
from shared.geofence_settings import ACCURACY_TO_SIGMA, GeofenceSettings
from shared.geofence_window import PositionWindow, Sample

__all__ = [
    "ACCURACY_TO_SIGMA",
    "EventKind",
    "Fix",
    "GeofenceEvent",
    "GeofenceIndex",
    "GeofenceSettings",
    "GeofenceTracker",
    "LotState",
]

K = TypeVar("K", bound=Hashable)


class _Track:
    """One lot that is not simply outside: its state and the fixes that timed it."""

    __slots__ = ("last_at_lot", "leaving_from", "leaving_since", "since", "since_t", "state")

    def __init__(self, state: LotState, since: datetime | None = None, since_t: float = 0.0) -> None:
        self.state = state
        # A candidate's first fix (time and seconds); once entered, the entry's occurred_at.
        self.since = since
        self.since_t = since_t
        self.leaving_since: float | None = None
        self.leaving_from: datetime | None = None
        self.last_at_lot: Fix | None = None


class GeofenceTracker(Generic[K]):
    """Enter/exit decisions for one phone over the lots of ``index``.

    ``inside`` lists lots the car is already in (open stays after an app restart), so their exits
    are still detected. ``feed`` fixes in time order; each returns the events it decided (exits
    before entries), usually none.
    """

    def __init__(
        self,
        index: GeofenceIndex[K],
        settings: GeofenceSettings | None = None,
        *,
        inside: Iterable[K] = (),
    ) -> None:
        self._index = index
        self._settings = s = settings or GeofenceSettings()
        self._tracks: dict[K, _Track] = {}
        for key in inside:
            if key not in index:
                raise KeyError(f"Facility {key!r} is not in the geofence index")
            self._tracks[key] = _Track(LotState.inside)
        self._seen: float | None = None  # time of the newest fix fed, used or not
        self._last: Sample | None = None  # the newest accepted fix
        self._jumped: list[Sample] = []  # consecutive fixes ignored as jumps, agreeing with each other
        self._recent: deque[Sample] = deque()  # accepted fixes of about the last speed_baseline_s
        self._short = PositionWindow(s.smoothing_window_s, s.max_averaged_fixes)
        self._dwell = PositionWindow(s.entry_dwell_s, s.max_averaged_fixes)
        self._driving = False

    def state(self, facility_id: K) -> LotState:
        track = self._tracks.get(facility_id)
        return LotState.outside if track is None else track.state

    @property
    def inside(self) -> list[K]:
        """Lots entered and not yet exited (inside or leaving)."""
        return [key for key, track in self._tracks.items() if track.state is not LotState.candidate]

    def feed(self, fix: Fix) -> list[GeofenceEvent[K]]:
        """Take the phone's next fix; return the entries and exits it decides."""
        t = fix.at.timestamp()
        if self._seen is not None and t <= self._seen:
            return []
        self._seen = t
        s = self._settings
        if fix.accuracy_m > s.max_accuracy_m:
            return []
        sample = (t, fix.lon, fix.lat, max(fix.accuracy_m, s.accuracy_floor_m))
        last = self._last
        if last is None:
            self._restart()
        elif self._implausible(last, sample):
            if not self._relocated(sample):
                return []
            self._restart()
        else:
            self._jumped.clear()
            if t - last[0] > s.gap_reset_s:
                self._restart()
        speed = self._speed(fix, sample)
        self._last = sample
        self._recent.append(sample)
        driving = speed >= s.driving_speed_mps
        if driving or self._driving:
            # Positions from before a drive say nothing about where the car is now.
            self._short.clear()
            self._dwell.clear()
        self._driving = driving
        self._short.add(sample, fix.at)
        if not driving:
            self._dwell.add(sample, fix.at)
        lon, lat, _ = self._short.newest_mean(s.smoothing_target_m)
        events = self._decide_exits(fix, sample, lon, lat)
        if driving:
            self._drop_candidates()
        else:
            self._decide_entries(fix, sample, lon, lat, events)
        return events

    def _implausible(self, before: Sample, after: Sample) -> bool:
        moved = metres_between(before[1], before[2], after[1], after[2]) - before[3] - after[3]
        return moved > self._settings.max_jump_speed_mps * (after[0] - before[0])

    def _relocated(self, sample: Sample) -> bool:
        """Whether the jumped fixes so far (this one included) agree that the phone really moved."""
        jumped = self._jumped
        if jumped and self._implausible(jumped[-1], sample):
            jumped.clear()
        jumped.append(sample)
        if len(jumped) < self._settings.jump_confirm_fixes:
            return False
        jumped.clear()
        return True

    def _restart(self) -> None:
        """After a gap or a confirmed relocation: dwell timers start again, entered lots stay entered."""
        self._recent.clear()
        self._short.clear()
        self._dwell.clear()
        self._driving = False
        self._drop_candidates()
        for track in self._tracks.values():
            if track.state is LotState.leaving:
                track.state = LotState.inside
                track.leaving_since = track.leaving_from = None

    def _speed(self, fix: Fix, sample: Sample) -> float:
        """The fix's own speed, else a lower bound of the speed since ~speed_baseline_s ago."""
        if fix.speed_mps is not None:
            return fix.speed_mps
        s = self._settings
        recent = self._recent
        t = sample[0]
        while len(recent) >= 2 and recent[1][0] <= t - s.speed_baseline_s:
            recent.popleft()
        if not recent:
            return 0.0
        before = recent[0]
        noise = s.speed_noise_sigmas * ACCURACY_TO_SIGMA * math.hypot(before[3], sample[3])
        moved = metres_between(before[1], before[2], sample[1], sample[2]) - noise
        return max(0.0, moved) / (t - before[0])

    def _decide_exits(self, fix: Fix, sample: Sample, lon: float, lat: float) -> list[GeofenceEvent[K]]:
        """Entered lots follow the smoothed position ``lon``/``lat``: inside, leaving, then exited."""
        events: list[GeofenceEvent[K]] = []
        entered = [
            (key, track) for key, track in self._tracks.items() if track.state is not LotState.candidate
        ]
        if not entered:
            return events
        t, accuracy = sample[0], sample[3]
        exit_beyond = accuracy + self._settings.exit_margin_m
        for key, track in entered:
            outside_m = self._index.edge_distance_m(key, lon, lat)
            if self._index.edge_distance_m(key, fix.lon, fix.lat) <= accuracy:
                track.last_at_lot = fix
            if outside_m <= 0:
                track.state = LotState.inside
                track.leaving_since = track.leaving_from = None
            elif outside_m > exit_beyond:
                if track.leaving_since is None:
                    track.state = LotState.leaving
                    track.leaving_since, track.leaving_from = t, fix.at
                elif t - track.leaving_since >= self._settings.exit_dwell_s:
                    events.append(self._exit(key, track, fix))
        return events

    def _decide_entries(
        self, fix: Fix, sample: Sample, lon: float, lat: float, events: list[GeofenceEvent[K]]
    ) -> None:
        """Candidates come and go with the smoothed position; entry needs the dwell's mean as well."""
        s, index, tracks = self._settings, self._index, self._tracks
        t, accuracy = sample[0], sample[3]
        covering = index.containing(lon, lat)
        for key, track in list(tracks.items()):
            if (
                track.state is LotState.candidate
                and key not in covering
                and index.edge_distance_m(key, lon, lat) > accuracy + s.exit_margin_m
            ):
                del tracks[key]
        for key in covering:
            if key not in tracks:
                tracks[key] = _Track(LotState.candidate, fix.at, t)
        if len(self._dwell) < s.entry_min_fixes:
            return
        mean_lon, mean_lat, mean_accuracy = self._dwell.mean()
        needed_depth = s.entry_confidence_sigmas * ACCURACY_TO_SIGMA * mean_accuracy
        for key, track in list(tracks.items()):
            if (
                track.state is not LotState.candidate
                or t - track.since_t < s.entry_dwell_s
                or -index.edge_distance_m(key, mean_lon, mean_lat) < needed_depth
            ):
                continue
            arrived = self._arrival(key, track.since or fix.at)
            # Parked in this lot now: a lot the car was in that is not here too was left on arrival.
            for other, other_track in list(tracks.items()):
                if (
                    other_track.state is not LotState.candidate
                    and index.edge_distance_m(other, mean_lon, mean_lat) > 0
                ):
                    events.append(self._exit(other, other_track, fix, arrived))
            events.append(
                GeofenceEvent(EventKind.enter, key, fix.at, arrived, mean_lat, mean_lon, mean_accuracy, fix)
            )
            track.state = LotState.inside
            track.since = arrived

    def _arrival(self, key: K, candidate_since: datetime) -> datetime:
        """When the car stopped in the lot: the first fix of the dwell inside it, or when the lot became
        a candidate if that is earlier (the smoothed position trails the car by a few seconds)."""
        for at, lon, lat in self._dwell.positions():
            if self._index.edge_distance_m(key, lon, lat) <= 0:
                return min(at, candidate_since)
        return candidate_since

    def _drop_candidates(self) -> None:
        for key in [key for key, track in self._tracks.items() if track.state is LotState.candidate]:
            del self._tracks[key]

    def _exit(self, key: K, track: _Track, fix: Fix, left_by: datetime | None = None) -> GeofenceEvent[K]:
        del self._tracks[key]
        left = track.leaving_from or fix.at
        if left_by is not None:
            left = min(left, left_by)
        if track.since is not None:
            left = max(left, track.since)
        at_lot = track.last_at_lot or fix
        return GeofenceEvent(
            EventKind.exit,
            key,
            fix.at,
            left,
            at_lot.lat,
            at_lot.lon,
            at_lot.accuracy_m,
            fix,
        )
