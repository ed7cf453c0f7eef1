"""Detection at lots without cameras: the phone's positions become one enter and one exit event."""

import math
from datetime import UTC, datetime, timedelta

from mobile.driver.state.geofence import GeofenceState, GeofenceTuning
from mobile.services.location import Fix as Position
from shared.schemas.geometry import GeoJSONGeometry
from tests.mobile.catalogue import RUOHOLAHTI
from tests.mobile.fakes import FakeDriverApi, FakeLocator

HALF_SIDE_M = 30


def _square(lat: float, lon: float) -> dict:
    dlat = HALF_SIDE_M / 111_320
    dlon = HALF_SIDE_M / (111_320 * math.cos(math.radians(lat)))
    ring = [
        [lon - dlon, lat - dlat],
        [lon + dlon, lat - dlat],
        [lon + dlon, lat + dlat],
        [lon - dlon, lat + dlat],
        [lon - dlon, lat - dlat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def geofence_lot(api: FakeDriverApi) -> str:
    lot = next(f for f in api.catalogue if f.slug == "ruoholahti")
    geometry = GeoJSONGeometry.model_validate(_square(RUOHOLAHTI.lat, RUOHOLAHTI.lon))
    api.catalogue[api.catalogue.index(lot)] = lot.model_copy(
        update={"detection": "geofence", "geometry": geometry}
    )
    return lot.slug


async def drive(
    state: GeofenceState, locator: FakeLocator, clock: Clock, where: Position, seconds: int
) -> None:
    locator.fix = where
    for _ in range(seconds):
        await state.step()
        clock.now += timedelta(seconds=1)


async def test_parking_in_a_lot_without_cameras_reports_one_entry_and_one_exit(
    ready_api: FakeDriverApi,
) -> None:
    slug = geofence_lot(ready_api)
    clock, locator = Clock(), FakeLocator()
    state = GeofenceState(ready_api, locator, GeofenceTuning(entry_dwell_s=10, exit_dwell_s=10), clock=clock)
    state.license_plate, state.enabled = "ABC-123", True
    outside = Position(RUOHOLAHTI.lat + 0.003, RUOHOLAHTI.lon, 5)  # ~330 m north
    inside = Position(RUOHOLAHTI.lat, RUOHOLAHTI.lon, 5)

    await drive(state, locator, clock, outside, 5)
    assert "watching 1 lot" in state.status
    await drive(state, locator, clock, inside, 20)
    await drive(state, locator, clock, outside, 20)

    kinds = [(e["facility"], e["event"], e["license_plate"]) for e in ready_api.geofence_events]
    assert kinds == [(slug, "enter", "ABC-123"), (slug, "exit", "ABC-123")]
    entry = ready_api.geofence_events[0]["occurred_at"]
    assert entry <= clock.now - timedelta(seconds=20)
    assert state.error is None


async def test_driving_past_the_lot_reports_nothing(ready_api: FakeDriverApi) -> None:
    geofence_lot(ready_api)
    clock, locator = Clock(), FakeLocator()
    state = GeofenceState(ready_api, locator, GeofenceTuning(entry_dwell_s=10, exit_dwell_s=10), clock=clock)
    state.license_plate, state.enabled = "ABC-123", True
    await drive(state, locator, clock, Position(RUOHOLAHTI.lat, RUOHOLAHTI.lon, 5), 3)  # a red light
    await drive(state, locator, clock, Position(RUOHOLAHTI.lat + 0.003, RUOHOLAHTI.lon, 5), 20)
    assert ready_api.geofence_events == []


async def test_without_location_permission_the_driver_is_told_how_to_allow_it(
    ready_api: FakeDriverApi,
) -> None:
    state = GeofenceState(ready_api, FakeLocator(None))
    state.license_plate, state.enabled = "ABC-123", True
    await state.step()
    assert state.error is not None
    assert "Allow location" in state.error


async def test_turning_it_on_without_a_vehicle_says_why(api: FakeDriverApi) -> None:
    state = GeofenceState(api, FakeLocator(None))
    await state.enable(None)
    assert not state.enabled
    assert state.error == "Add your vehicle first: the stay is opened for its plate."


async def _asking_state(api: FakeDriverApi) -> tuple[GeofenceState, FakeLocator, Clock]:
    geofence_lot(api)
    clock, locator = Clock(), FakeLocator()
    state = GeofenceState(api, locator, GeofenceTuning(entry_dwell_s=10, exit_dwell_s=10), clock=clock)
    state.license_plate, state.enabled = "ABC-123", True
    state.set_ask_first(True)
    return state, locator, clock


INSIDE = Position(RUOHOLAHTI.lat, RUOHOLAHTI.lon, 5)
OUTSIDE = Position(RUOHOLAHTI.lat + 0.003, RUOHOLAHTI.lon, 5)


async def test_asking_first_holds_the_entry_until_the_driver_says_yes(ready_api: FakeDriverApi) -> None:
    state, locator, clock = await _asking_state(ready_api)
    await drive(state, locator, clock, OUTSIDE, 3)
    await drive(state, locator, clock, INSIDE, 20)
    assert ready_api.geofence_events == []
    assert state.pending_entry is not None
    assert "Start parking here?" in state.status
    arrived = state.pending_entry.occurred_at

    await state.confirm_entry()
    assert [(e["event"], e["occurred_at"]) for e in ready_api.geofence_events] == [("enter", arrived)]
    assert state.pending_entry is None
    await drive(state, locator, clock, OUTSIDE, 20)
    assert [e["event"] for e in ready_api.geofence_events] == ["enter", "exit"]


async def test_a_declined_entry_reports_neither_entry_nor_exit(ready_api: FakeDriverApi) -> None:
    state, locator, clock = await _asking_state(ready_api)
    await drive(state, locator, clock, INSIDE, 20)
    state.decline_entry()
    await drive(state, locator, clock, OUTSIDE, 20)
    assert ready_api.geofence_events == []
    assert state.error is None
    # The next visit asks again.
    await drive(state, locator, clock, INSIDE, 20)
    assert state.pending_entry is not None


async def test_leaving_before_answering_drops_the_question(ready_api: FakeDriverApi) -> None:
    state, locator, clock = await _asking_state(ready_api)
    await drive(state, locator, clock, INSIDE, 20)
    await drive(state, locator, clock, OUTSIDE, 20)
    assert state.pending_entry is None
    assert ready_api.geofence_events == []
    assert "without parking there" in state.status
