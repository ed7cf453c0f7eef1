"""Properties of the geofence tracker over arbitrary fix streams: stops, drives, noise, poor fixes,
repeats, fixes out of order, gaps and jumps around adjacent, nested and separate lots."""

import math
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.geofence import EventKind, Fix, GeofenceIndex, GeofenceSettings, GeofenceTracker
from tests.shared.geofence_world import START, Scene

SCENE = Scene()
INDEX = GeofenceIndex(
    [
        ("west", SCENE.square(0, 0, 40)),
        ("east", SCENE.rectangle(20, -20, 60, 20)),  # shares an edge with "west"
        ("campus", SCENE.square(0, 0, 200)),  # holds both
        ("far", SCENE.square(500, 0, 40)),
    ]
)
# Short dwells so that streams of a few hundred fixes enter and leave lots often.
QUICK = GeofenceSettings(entry_dwell_s=8, exit_dwell_s=5, smoothing_window_s=5, gap_reset_s=30)

segment = st.tuples(
    st.sampled_from([0.0, 10.0, 40.0, 90.0, 150.0, 500.0, 980.0]),  # x: in, between and beyond lots
    st.sampled_from([0.0, 15.0, -30.0, 120.0]),  # y
    st.integers(min_value=1, max_value=80),  # fixes at this place
    st.sampled_from([1.0, 1.0, 1.0, 0.0, -3.0, 2.5, 45.0]),  # seconds between fixes (0, < 0: repeats)
    st.sampled_from([3.0, 10.0, 30.0, 80.0]),  # accuracy
    st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 2.0, 12.0])),  # reported speed
    st.floats(min_value=0.0, max_value=25.0),  # jitter in metres
)


def stream(segments) -> list[Fix]:
    fixes, t = [], 0.0
    for x, y, count, step_s, accuracy, speed, jitter in segments:
        xs = [x + jitter * math.sin(1.7 * i) for i in range(count)]
        ys = [y + jitter * math.cos(2.3 * i) for i in range(count)]
        for lon, lat in SCENE.lonlat(xs, ys).tolist():
            t += step_s
            fixes.append(
                Fix(lat=lat, lon=lon, accuracy_m=accuracy, at=START + timedelta(seconds=t), speed_mps=speed)
            )
        t += 1.0
    return fixes


def feed_all(tracker: GeofenceTracker, fixes: list[Fix]):
    return [event for fix in fixes for event in tracker.feed(fix)]


streams = st.lists(segment, min_size=1, max_size=25).map(stream)
property_settings = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@property_settings
@given(fixes=streams, quick=st.booleans())
def test_feeding_the_same_fixes_again_adds_no_events(fixes, quick):
    options = QUICK if quick else GeofenceSettings()
    tracker = GeofenceTracker(INDEX, options)
    first = feed_all(tracker, fixes)
    assert feed_all(tracker, fixes) == []
    # Each fix delivered twice in a row gives what each delivered once gives.
    doubled = [fix for fix in fixes for fix in (fix, fix)]
    assert feed_all(GeofenceTracker(INDEX, options), doubled) == first
    # And the same stream always gives the same events (no clock but the fixes').
    assert feed_all(GeofenceTracker(INDEX, options), fixes) == first


@property_settings
@given(fixes=streams, quick=st.booleans())
def test_events_alternate_enter_exit_per_lot_in_time_order(fixes, quick):
    tracker = GeofenceTracker(INDEX, QUICK if quick else GeofenceSettings())
    entered: dict[str, object] = {}
    last_at = None
    for fix in fixes:
        for event in tracker.feed(fix):
            assert event.fix is fix
            assert event.at == fix.at
            assert last_at is None or event.at >= last_at
            last_at = event.at
            assert event.occurred_at <= event.at
            if event.kind is EventKind.enter:
                assert event.facility_id not in entered
                entered[event.facility_id] = event
            else:
                enter = entered.pop(event.facility_id)
                assert event.occurred_at >= enter.occurred_at
        assert sorted(tracker.inside) == sorted(entered)
