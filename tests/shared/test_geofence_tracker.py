"""What a driver notices of the geofence tracker: when a stay starts and ends, and when it must not."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from shared.geo import distance_to_geometry_m
from shared.geofence import (
    EventKind,
    Fix,
    GeofenceIndex,
    GeofenceSettings,
    GeofenceTracker,
    LotState,
)
from tests.shared.geofence_world import START, Scene, drive, kinds, run, still, track

SCENE = Scene()
LOT = SCENE.square(0, 0, 40)
DEFAULTS = GeofenceSettings()
DWELL = DEFAULTS.entry_dwell_s
EXIT_DWELL = DEFAULTS.exit_dwell_s


def lot_index(**lots) -> GeofenceIndex:
    return GeofenceIndex(lots.items() or [("lot", LOT)])


def park_and_leave(park_s: int = 600) -> np.ndarray:
    """Drive in from 300 m west at 10 m/s, park in the middle of the lot, drive off east for 2 min."""
    return np.vstack([drive((-300, 0), (0, 0), 10), still(0, 0, park_s), drive((0, 0), (1200, 0), 10)])


def phone_speeds(path: np.ndarray) -> np.ndarray:
    """The speed a phone reports along a 1 Hz path."""
    return np.append(np.linalg.norm(np.diff(path, axis=0), axis=1), 0.0)


def fix_at(x: float, y: float, seconds: float, accuracy_m: float = 5.0, **extra) -> Fix:
    (lon, lat), *_ = SCENE.lonlat([x], [y]).tolist()
    return Fix(lat=lat, lon=lon, accuracy_m=accuracy_m, at=START + timedelta(seconds=seconds), **extra)


@pytest.mark.parametrize("reports_speed", [True, False])
def test_parking_starts_a_stay_after_the_dwell_and_leaving_ends_it(reports_speed):
    path = park_and_leave()
    speeds = phone_speeds(path) if reports_speed else None
    fixes = track(SCENE, path, 5.0, np.random.default_rng(1), speeds=speeds)
    tracker = GeofenceTracker(lot_index())
    events = run(tracker, fixes)

    (i_in, enter), (i_out, leave) = events
    assert (enter.kind, leave.kind) == (EventKind.enter, EventKind.exit)
    assert enter.facility_id == leave.facility_id == "lot"
    assert enter.at == fixes[i_in].at
    assert enter.fix is fixes[i_in]
    # The car stops at fix 30 and drives off after fix 629. Without the phone's speed, driving is
    # seen from the positions alone, a few seconds late.
    late = 0 if reports_speed else 5
    assert 30 + DWELL <= i_in <= 30 + DWELL + late
    assert fixes[30].at <= enter.occurred_at <= fixes[30 + late].at
    assert (enter.at - enter.occurred_at).total_seconds() >= DWELL
    assert 630 + EXIT_DWELL <= i_out <= 630 + EXIT_DWELL + 10
    assert fixes[630].at <= leave.occurred_at <= fixes[640].at
    assert tracker.inside == []


def test_event_positions_pass_the_check_a_backend_makes():
    """An entry reports a place inside the lot, an exit the last place at the lot, within accuracy."""
    for seed in range(5):
        fixes = track(SCENE, park_and_leave(), 30.0, np.random.default_rng(seed), speeds=None)
        (_, enter), (_, leave) = run(GeofenceTracker(lot_index()), fixes)
        assert distance_to_geometry_m(enter.lon, enter.lat, LOT) == 0
        assert enter.accuracy_m < 30
        assert distance_to_geometry_m(leave.lon, leave.lat, LOT) <= leave.accuracy_m


def test_driving_through_a_lot_never_enters_it():
    rng = np.random.default_rng(2)
    for accuracy in (5, 20, 50):
        for speeds in (None, np.full(120, 10.0)):
            path = drive((-600, 0), (600, 0), 10)
            assert run(GeofenceTracker(lot_index()), track(SCENE, path, accuracy, rng, speeds=speeds)) == []
    # Even at walking pace (3 m/s, below driving speed) the lot is crossed long before the dwell.
    crawl = track(SCENE, drive((-300, 0), (300, 0), 3), 5.0, rng)
    assert run(GeofenceTracker(lot_index()), crawl) == []


def test_waiting_at_a_red_light_in_a_lot_is_not_parking():
    path = np.vstack([drive((-300, 0), (0, 0), 10), still(0, 0, 45), drive((0, 0), (600, 0), 10)])
    tracker = GeofenceTracker(lot_index())
    for fix in track(SCENE, path, 5.0, np.random.default_rng(3))[:75]:
        assert tracker.feed(fix) == []
    assert tracker.state("lot") is LotState.candidate


def test_a_phone_reporting_driving_speed_inside_the_lot_does_not_enter():
    path = still(0, 0, 300)
    speeds = np.full(300, 8.0)  # stuck in the lot's drive-through lane's GPS shadow, moving
    assert run(GeofenceTracker(lot_index()), track(SCENE, path, 5.0, None, speeds=speeds)) == []
    # Negative speed means unknown (iOS): the phone is judged by its positions, and it stands.
    unknown = track(SCENE, path, 5.0, None, speeds=np.full(300, -1.0))
    assert kinds(run(GeofenceTracker(lot_index()), unknown)) == [("enter", "lot")]


def test_a_car_parked_three_metres_inside_the_edge_does_not_flap():
    for accuracy in (5, 10, 20, 35, 50):
        for seed in range(3):
            path = np.vstack([drive((-300, 17), (0, 17), 10), still(0, 17, 1800)])
            fixes = track(SCENE, path, accuracy, np.random.default_rng(seed))
            events = kinds(run(GeofenceTracker(lot_index()), fixes))
            assert events in ([], [("enter", "lot")]), (accuracy, seed, events)
            if accuracy <= 20:
                assert events == [("enter", "lot")], (accuracy, seed)


def test_fixes_less_accurate_than_the_limit_are_ignored():
    limit = DEFAULTS.max_accuracy_m
    parked = track(SCENE, still(0, 0, 600), limit + 1, np.random.default_rng(4))
    assert run(GeofenceTracker(lot_index()), parked) == []

    # A good stream with poor fixes far away slipped in between gives exactly the same events.
    good = track(SCENE, park_and_leave(), 5.0, np.random.default_rng(5))
    mixed = []
    for fix in good:
        mixed.append(fix)
        far = fix_at(400, 400, (fix.at - START).total_seconds() + 0.5, accuracy_m=limit + 30)
        mixed.append(far)
    expected = [(e.kind, e.at, e.occurred_at) for _, e in run(GeofenceTracker(lot_index()), good)]
    assert [(e.kind, e.at, e.occurred_at) for _, e in run(GeofenceTracker(lot_index()), mixed)] == expected
    assert len(expected) == 2


def test_after_a_ten_minute_gap_outside_the_exit_takes_a_full_exit_dwell():
    tracker = GeofenceTracker(lot_index())
    fixes = track(SCENE, still(0, 0, 120), 5.0, np.random.default_rng(6))
    assert kinds(run(tracker, fixes)) == [("enter", "lot")]
    # Ten minutes of silence (phone in a pocket in a garage), then the car is 500 m away.
    after = 120 + 600
    away = [fix_at(500, 0, after + s) for s in range(60)]
    events = run(tracker, away)
    ((i, leave),) = events
    assert leave.kind is EventKind.exit
    assert leave.occurred_at == away[0].at
    assert i == EXIT_DWELL


def test_a_gap_while_parked_keeps_the_stay_and_a_gap_restarts_the_entry_dwell():
    tracker = GeofenceTracker(lot_index())
    parked = track(SCENE, still(0, 0, 120), 5.0, np.random.default_rng(7))
    assert kinds(run(tracker, parked)) == [("enter", "lot")]
    later = track(
        SCENE, still(0, 0, 300), 5.0, np.random.default_rng(8), start=parked[-1].at + timedelta(hours=3)
    )
    assert run(tracker, later) == []
    assert tracker.inside == ["lot"]

    # 50 s in the lot, silence for 10 minutes, back in the lot: the dwell counts from the return.
    tracker = GeofenceTracker(lot_index())
    before = track(SCENE, still(0, 0, 50), 5.0, np.random.default_rng(9))
    back = track(
        SCENE, still(0, 0, 120), 5.0, np.random.default_rng(10), start=START + timedelta(seconds=650)
    )
    assert run(tracker, before) == []
    ((i, enter),) = run(tracker, back)
    assert i == DWELL
    assert enter.occurred_at == back[0].at


def test_fixes_older_than_the_newest_are_ignored():
    fixes = track(SCENE, park_and_leave(), 5.0, np.random.default_rng(11))
    expected = [(e.kind, e.at) for _, e in run(GeofenceTracker(lot_index()), fixes)]
    # Every tenth fix is followed by a stale one from a minute earlier, 500 m away, and a repeat.
    shuffled = []
    for i, fix in enumerate(fixes):
        shuffled.append(fix)
        if i % 10 == 0 and i > 60:
            shuffled.append(fix_at(500, 0, (fix.at - START).total_seconds() - 60))
            shuffled.append(fix)
    assert [(e.kind, e.at) for _, e in run(GeofenceTracker(lot_index()), shuffled)] == expected
    assert len(expected) == 2


def test_a_gps_jump_while_parked_neither_leaves_nor_enters():
    other = SCENE.square(470, 0, 40)
    index = lot_index(lot=LOT, other=other)
    tracker = GeofenceTracker(index)
    assert kinds(run(tracker, track(SCENE, still(0, 0, 90), 5.0, np.random.default_rng(12)))) == [
        ("enter", "lot")
    ]
    t = 90
    for jumped in (1, 3, DEFAULTS.jump_confirm_fixes - 1):
        for _ in range(jumped):
            assert tracker.feed(fix_at(470, 0, t)) == []
            t += 1
        for _ in range(120):
            assert tracker.feed(fix_at(0, 0, t)) == []
            t += 1
    assert tracker.inside == ["lot"]
    assert tracker.state("other") is LotState.outside


def test_moving_to_an_adjacent_lot_exits_the_first_when_entering_the_second():
    east = SCENE.rectangle(20, -20, 60, 20)  # shares the lot's east edge
    index = lot_index(lot=LOT, east=east)
    # Parked 10 m past the shared edge: too close to the first lot to be clearly out of it.
    path = np.vstack([still(0, 0, 120), drive((0, 0), (30, 0), 2), still(30, 0, 120)])
    events = run(GeofenceTracker(index), track(SCENE, path, 5.0, np.random.default_rng(13)))
    assert kinds(events) == [("enter", "lot"), ("exit", "lot"), ("enter", "east")]
    (_, _), (i_out, leave), (i_in, enter) = events
    assert i_out == i_in
    assert leave.occurred_at <= enter.occurred_at


def test_a_lot_inside_a_larger_one_is_entered_and_exited_with_it():
    campus = SCENE.square(0, 0, 200)
    index = lot_index(campus=campus, lot=LOT)
    events = run(GeofenceTracker(index), track(SCENE, park_and_leave(), 5.0, np.random.default_rng(14)))
    assert sorted(kinds(events)[:2]) == [("enter", "campus"), ("enter", "lot")]
    assert sorted(kinds(events)[2:]) == [("exit", "campus"), ("exit", "lot")]


def test_a_tracker_restarted_inside_a_lot_still_sees_the_car_leave():
    tracker = GeofenceTracker(lot_index(), inside=["lot"])
    assert tracker.inside == ["lot"]
    events = run(tracker, [fix_at(800, 0, s) for s in range(60)])
    assert kinds(events) == [("exit", "lot")]
    with pytest.raises(KeyError, match="nowhere"):
        GeofenceTracker(lot_index(), inside=["nowhere"])


def test_fix_values_are_checked():
    at = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        Fix(lat=48.1, lon=11.5, accuracy_m=5, at=datetime(2026, 3, 30, 8, 0))
    with pytest.raises(ValueError, match="lat"):
        Fix(lat=91.0, lon=11.5, accuracy_m=5, at=at)
    with pytest.raises(ValueError, match="lon"):
        Fix(lat=48.1, lon=float("nan"), accuracy_m=5, at=at)
    with pytest.raises(ValueError, match="accuracy_m"):
        Fix(lat=48.1, lon=11.5, accuracy_m=float("inf"), at=at)
    with pytest.raises(ValueError, match="speed_mps"):
        Fix(lat=48.1, lon=11.5, accuracy_m=5, at=at, speed_mps=float("nan"))
    assert Fix(lat=48.1, lon=11.5, accuracy_m=5, at=at, speed_mps=-1).speed_mps is None


def test_settings_are_checked():
    with pytest.raises(ValueError, match="exit_dwell_s"):
        GeofenceSettings(exit_dwell_s=-1)
    with pytest.raises(ValueError, match="entry_min_fixes"):
        GeofenceSettings(entry_min_fixes=2.5)
    with pytest.raises(ValueError, match="max_accuracy_m"):
        GeofenceSettings(max_accuracy_m=0)
    with pytest.raises(ValueError, match="gap_reset_s"):
        GeofenceSettings(gap_reset_s=float("inf"))
