"""Noise sweeps: a car parked half an hour in a 40 × 40 m lot (a typical small lot: the median of the
15,741 US downtown lots is ~1,200 m²), fixes once a second at accuracies from 5 to 50 m with
matching Gaussian noise, many seeds, with and without the phone reporting its speed.

A spurious pair is any event beyond the one entry and one exit the driver expects. The bound is
1 % of runs; entry comes a dwell after parking plus a delay that grows with the noise (at the 50 m
limit a 40 m lot is barely told apart from the street beside it).
"""

from collections import Counter

import numpy as np
import pytest

from shared.geofence import EventKind, GeofenceIndex, GeofenceSettings, GeofenceTracker
from tests.shared.geofence_world import Scene, drive, run, still, track

SCENE = Scene()
INDEX = GeofenceIndex([("lot", SCENE.square(0, 0, 40))])
DEFAULTS = GeofenceSettings()
PARK_S = 1800
ARRIVE = 30  # index of the first parked fix (after 30 s of driving in at 10 m/s)
LEAVE = ARRIVE + PARK_S  # index of the first fix driving off
ACCURACIES = (5, 10, 20, 35, 50)
SEEDS = range(10)
MAX_SPURIOUS_RATE = 0.01
# Seconds after the dwell within which the entry is decided, by accuracy, with the phone's speed
# and without it (the car's arrival is then seen from noisy positions alone).
ENTRY_LATE_S = {5: (0, 5), 10: (0, 5), 20: (5, 15), 35: (10, 20), 50: (60, 90)}


def park(accuracy: float, seed: int, reports_speed: bool, where: tuple[float, float] = (0.0, 0.0)):
    rng = np.random.default_rng(seed)
    path = np.vstack(
        [drive((-300, where[1]), where, 10), still(*where, PARK_S), drive(where, (1500, where[1]), 10)]
    )
    speeds = None
    if reports_speed:
        moving = np.append(np.linalg.norm(np.diff(path, axis=0), axis=1), 0.0)
        speeds = np.abs(moving + rng.normal(0, 0.3, len(path)))  # Doppler speed is good to ~0.3 m/s
    fixes = track(SCENE, path, accuracy, rng, speeds=speeds)
    return fixes, run(GeofenceTracker(INDEX), fixes)


@pytest.mark.parametrize("reports_speed", [True, False], ids=["speed", "no-speed"])
def test_parked_half_an_hour_enters_once_on_time_and_exits_once(reports_speed):
    spurious = Counter()
    runs = 0
    for accuracy in ACCURACIES:
        late_s = ENTRY_LATE_S[accuracy][0 if reports_speed else 1]
        for seed in SEEDS:
            runs += 1
            fixes, events = park(accuracy, seed, reports_speed)
            kinds = [event.kind for _, event in events]
            assert kinds[:1] == [EventKind.enter], (accuracy, seed)
            assert EventKind.exit in kinds, (accuracy, seed)
            spurious[accuracy] += (len(events) - 2) // 2

            (i_in, enter) = events[0]
            (i_out, leave) = events[-1]
            waited = (enter.at - enter.occurred_at).total_seconds()
            assert waited >= DEFAULTS.entry_dwell_s, (accuracy, seed)
            assert DEFAULTS.entry_dwell_s - 5 <= i_in - ARRIVE <= DEFAULTS.entry_dwell_s + late_s, (
                accuracy,
                seed,
            )
            assert abs((enter.occurred_at - fixes[ARRIVE].at).total_seconds()) <= 5 + late_s / 2
            # Leaving: clearly out (accuracy + margin beyond the edge) a few seconds after driving
            # off, then the exit dwell.
            assert DEFAULTS.exit_dwell_s <= i_out - LEAVE <= DEFAULTS.exit_dwell_s + 25, (accuracy, seed)
            assert 0 <= (leave.occurred_at - fixes[LEAVE].at).total_seconds() <= 25

    assert sum(spurious.values()) / runs <= MAX_SPURIOUS_RATE, spurious


def test_parked_on_the_street_beside_a_lot_never_enters_it():
    """The car stands 10 m south of the lot's edge for half an hour."""
    for accuracy in ACCURACIES:
        for seed in range(4):
            _, events = park(accuracy, seed, reports_speed=True, where=(0.0, -30.0))
            assert events == [], (accuracy, seed)


def test_gps_wander_does_not_flap_a_parked_car():
    """Real GPS errors drift slowly rather than jump each second: noise correlated over 20 s."""
    for accuracy in (5, 10, 20):
        for seed in range(6):
            rng = np.random.default_rng(100 + seed)
            sigma = accuracy * 0.662
            keep = np.exp(-1 / 20)
            wander = np.zeros((PARK_S, 2))
            wander[0] = rng.normal(0, sigma, 2)
            for i in range(1, PARK_S):
                wander[i] = keep * wander[i - 1] + rng.normal(0, sigma * np.sqrt(1 - keep**2), 2)
            fixes = track(SCENE, still(0, 0, PARK_S) + wander, accuracy, None)
            events = run(GeofenceTracker(INDEX), fixes)
            assert [e.kind for _, e in events] == [EventKind.enter], (accuracy, seed)
            assert events[0][0] <= 4 * DEFAULTS.entry_dwell_s
