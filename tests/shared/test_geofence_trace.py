"""The geofence tracker on a real 20-minute drive through Munich (barefoot's BMW trace, 1 Hz).

The car's receiver pins its position while the car stands, so a stop shows as fixes that do not
move. The trace has six stops of 31–73 s (red lights, and 33 s frozen in a tunnel that ends in a
~470 m jump when the receiver finds the sky again). Lots are drawn as 40 × 40 m squares around the
stops; lots along the rest of the route are passed without stopping.

The file has no accuracy column: the fixes are given 5 m, a car receiver under open sky.
"""

import csv
from datetime import datetime
from functools import cache

import numpy as np
import pytest
from pyproj import Geod

from shared.geofence import EventKind, Fix, GeofenceEvent, GeofenceIndex, GeofenceSettings, GeofenceTracker
from tests.shared.geofence_world import Scene, run
from tests.shared_data import require_data

TRACE = "gps/barefoot_munich_bmw_trace_1hz.csv"
TRACE_ACCURACY_M = 5.0
WGS84 = Geod(ellps="WGS84")
STANDING_M = 1.0  # a fix less than this from the one before (1–2 s earlier) is standing still
MIN_STOP_S = 20
JUMP_M = 400.0
# The stops stand for parked cars here, so the dwell must be shorter than the shortest (31 s).
STOPS_AS_PARKING = GeofenceSettings(entry_dwell_s=20)


@cache
def load() -> tuple[Fix, ...]:
    with require_data(TRACE).open(newline="") as file:
        return tuple(
            Fix(
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                accuracy_m=TRACE_ACCURACY_M,
                at=datetime.strptime(row["time"], "%Y-%m-%d %H:%M:%S%z"),
            )
            for row in csv.DictReader(file)
        )


def steps_m(fixes: tuple[Fix, ...]) -> np.ndarray:
    """Geodesic metres from each fix to the next."""
    lons, lats = np.array([f.lon for f in fixes]), np.array([f.lat for f in fixes])
    return np.asarray(WGS84.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])[2])


def find_stops(fixes: tuple[Fix, ...]) -> list[tuple[int, int]]:
    """``(first, end)`` fix indices of each stretch of at least MIN_STOP_S standing fixes."""
    standing = steps_m(fixes) < STANDING_M
    stops, first = [], None
    for i, still in enumerate([*standing.tolist(), False]):
        if still and first is None:
            first = i
        elif not still and first is not None:
            if (fixes[i].at - fixes[first].at).total_seconds() >= MIN_STOP_S:
                stops.append((first, i + 1))
            first = None
    return stops


def seconds(fixes: tuple[Fix, ...], first: int, end: int) -> float:
    return (fixes[end - 1].at - fixes[first].at).total_seconds()


def square_around(fix: Fix, east_m: float = 0.0, north_m: float = 0.0):
    return Scene(centre=(fix.lon, fix.lat)).square(east_m, north_m, 40.0)


def stop_lots(fixes: tuple[Fix, ...], stops: list[tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {f"stop-{first}": (first, end) for first, end in stops}


def events_by_lot(events: list[tuple[int, GeofenceEvent]]) -> dict[str, list[tuple[int, GeofenceEvent]]]:
    grouped: dict[str, list[tuple[int, GeofenceEvent]]] = {}
    for i, event in events:
        grouped.setdefault(event.facility_id, []).append((i, event))
    return grouped


@pytest.fixture(scope="module")
def trace() -> tuple[Fix, ...]:
    return load()


@pytest.fixture(scope="module")
def stops(trace) -> list[tuple[int, int]]:
    return find_stops(trace)


@pytest.fixture(scope="module")
def jump(trace) -> int:
    """Index of the fix that lands ~470 m from the one before."""
    (index,) = np.flatnonzero(steps_m(trace) > JUMP_M) + 1
    return int(index)


def test_the_trace_has_six_short_stops_and_one_jump(trace, stops, jump):
    assert len(trace) == 1194
    assert [round(seconds(trace, *stop)) for stop in stops] == [41, 37, 31, 65, 33, 73]
    tunnel = stops[4]
    assert tunnel[1] == jump  # the frozen stretch ends where the jump lands
    assert steps_m(trace)[jump - 1] == pytest.approx(470, abs=5)


def test_each_stop_in_a_lot_is_entered_once_and_exited_once(trace, stops):
    lots = stop_lots(trace, stops)
    index = GeofenceIndex((name, square_around(trace[first])) for name, (first, _) in lots.items())
    events = run(GeofenceTracker(index, STOPS_AS_PARKING), trace)

    grouped = events_by_lot(events)
    assert set(grouped) == set(lots)
    for name, (first, end) in lots.items():
        (i_in, enter), (i_out, leave) = grouped[name]
        assert (enter.kind, leave.kind) == (EventKind.enter, EventKind.exit)
        # Entered while standing there, a dwell after arriving; exited once the car had driven off.
        assert i_in < end
        assert abs((enter.occurred_at - trace[first].at).total_seconds()) <= 8
        assert (enter.at - enter.occurred_at).total_seconds() >= STOPS_AS_PARKING.entry_dwell_s
        assert i_out >= end - 1
        left_s = (leave.occurred_at - trace[end - 1].at).total_seconds()
        assert 0 <= left_s <= 15

    # One lot at a time: every exit comes before the next entry.
    inside: set[str] = set()
    for _, event in events:
        if event.kind is EventKind.enter:
            assert inside == set()
            inside.add(event.facility_id)
        else:
            inside.remove(event.facility_id)


def test_the_jump_out_of_the_tunnel_decides_nothing(trace, stops, jump):
    tunnel_first, _ = stops[4]
    landing = trace[jump]
    index = GeofenceIndex(
        [("tunnel", square_around(trace[tunnel_first])), ("landing", square_around(landing))]
    )
    tracker = GeofenceTracker(index, STOPS_AS_PARKING)
    events = run(tracker, trace[:jump])
    assert [(e.kind, e.facility_id) for _, e in events] == [(EventKind.enter, "tunnel")]

    # The jumped fix and the next few, which agree with it, are ignored: the car stays in the lot.
    for i in range(jump, jump + STOPS_AS_PARKING.jump_confirm_fixes - 1):
        assert tracker.feed(trace[i]) == []
        assert tracker.inside == ["tunnel"]
    rest = run(tracker, trace[jump + STOPS_AS_PARKING.jump_confirm_fixes - 1 :])
    (_, leave), *more = rest
    assert more == []
    assert (leave.kind, leave.facility_id) == (EventKind.exit, "tunnel")
    # Left from the first fix after the tunnel, not before, and after a full exit dwell.
    confirmed = trace[jump + STOPS_AS_PARKING.jump_confirm_fixes - 1]
    assert leave.occurred_at == confirmed.at
    assert (leave.at - confirmed.at).total_seconds() >= STOPS_AS_PARKING.exit_dwell_s
    # The exit reports where the car was last seen at the lot: the frozen position, not the jump.
    assert (leave.lat, leave.lon) == (trace[jump - 1].lat, trace[jump - 1].lon)


def test_lots_along_the_route_where_the_car_never_stopped_are_not_entered(trace, stops):
    centres = [trace[first] for first, _ in stops]
    lons, lats = np.array([f.lon for f in trace]), np.array([f.lat for f in trace])
    lots = {}
    for i in range(10, len(trace) - 10, 15):
        fix = trace[i]
        if min(WGS84.inv(fix.lon, fix.lat, c.lon, c.lat)[2] for c in centres) < 150:
            continue
        # Only places the car passes, under 15 s within 40 m of the lot's centre: the trace also
        # crawls through queues at walking pace, which a lot there could rightly take for a stop.
        distances = WGS84.inv(np.full(len(trace), fix.lon), np.full(len(trace), fix.lat), lons, lats)[2]
        if np.count_nonzero(distances < 40) >= 15:
            continue
        lots[f"on-route-{i}"] = square_around(fix)
        lots[f"beside-route-{i}"] = square_around(fix, east_m=30.0)
    assert len(lots) >= 70

    index = GeofenceIndex(lots.items())
    for settings in (STOPS_AS_PARKING, GeofenceSettings()):
        assert run(GeofenceTracker(index, settings), trace) == []


def test_with_the_default_dwell_red_lights_do_not_count_but_minute_long_stops_do(trace, stops):
    lots = stop_lots(trace, stops)
    index = GeofenceIndex((name, square_around(trace[first])) for name, (first, _) in lots.items())
    settings = GeofenceSettings()
    grouped = events_by_lot(run(GeofenceTracker(index, settings), trace))

    short = {name for name, stop in lots.items() if seconds(trace, *stop) < settings.entry_dwell_s}
    long = {name for name, stop in lots.items() if seconds(trace, *stop) >= settings.entry_dwell_s + 5}
    assert short | long == set(lots)
    assert len(short) == 4
    assert set(grouped) == long
    for name in long:
        assert [e.kind for _, e in grouped[name]] == [EventKind.enter, EventKind.exit]
