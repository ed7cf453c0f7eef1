"""Parking at lots without cameras: the phone's position, fed to the shared tracker, starts and ends
stays through `POST /geofence/events`.

With `ask_first` on, an entry is held until the driver confirms it (`confirm_entry`) or declines it
(`decline_entry`, after which leaving that lot reports nothing).

Sampling adapts to the battery's interest: every `near_interval_s` when a geofence lot is close (or the
car is inside one), every `far_interval_s` otherwise. In web mode and in the foreground app this is
the one-shot position of flet-geolocator; background location is the platform's business (README).
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import flet as ft

from mobile.services.driver_api import DriverApi
from mobile.services.errors import ApiError
from mobile.services.location import Fix as Position
from mobile.services.location import Locator
from shared.geo import distance_m
from shared.geofence import EventKind, Fix, GeofenceEvent, GeofenceIndex, GeofenceSettings, GeofenceTracker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GeofenceTuning:
    """How often to sample and how long to dwell; the tracker's other thresholds keep their defaults."""

    near_interval_s: float = 5.0
    far_interval_s: float = 30.0
    near_m: float = 500.0
    reload_after_m: float = 1000.0
    search_radius_m: int = 3000
    entry_dwell_s: float = 60.0
    exit_dwell_s: float = 45.0


@ft.observable
@dataclass
class GeofenceState:
    """Whether detection is on, what it is doing, and the lots it watches."""

    api: DriverApi
    locator: Locator
    tuning: GeofenceTuning = field(default_factory=GeofenceTuning)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    enabled: bool = False
    status: str = "Off. Turn it on to start and stop parking automatically at lots without cameras."
    error: str | None = None
    license_plate: str | None = None
    ask_first: bool = False
    pending_entry: GeofenceEvent | None = None
    _declined: set[str] = field(default_factory=set)
    _tracker: GeofenceTracker | None = None
    _names: dict[str, str] = field(default_factory=dict)
    _lots: dict[str, object] = field(default_factory=dict)
    _loaded_at: Position | None = None
    _task: asyncio.Task | None = None
    _index: GeofenceIndex | None = None

    def settings(self) -> GeofenceSettings:
        return GeofenceSettings(
            entry_dwell_s=self.tuning.entry_dwell_s, exit_dwell_s=self.tuning.exit_dwell_s
        )

    async def enable(self, license_plate: str | None) -> None:
        if not license_plate:
            self.error = "Add your vehicle first: the stay is opened for its plate."
            return
        self.license_plate, self.enabled, self.error = license_plate, True, None
        self.status = "Looking for lots without cameras near you…"
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run())

    async def disable(self) -> None:
        self.enabled = False
        self.status = "Off. Turn it on to start and stop parking automatically at lots without cameras."
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def run(self) -> None:
        while self.enabled:
            try:
                interval = await self.step()
            except Exception:  # one bad sample must not end detection for the visit
                log.exception("geofence sample failed")
                self.error = "Automatic parking detection hit a problem; it keeps trying."
                interval = self.tuning.far_interval_s
            await asyncio.sleep(interval)

    async def step(self) -> float:
        """One sample: read the position, (re)load nearby lots, feed the tracker, report events."""
        position = await self.locator.current()
        if position is None:
            self.error = (
                "Parkflow can't see where you are. Allow location for this app (in the browser: the "
                "location icon in the address bar; on phones: Settings › Parkflow › Location)."
            )
            self.status = "Waiting for location permission."
            # A fix that timed out near a lot is tried again soon: an exit must not wait half a minute.
            return self.tuning.near_interval_s if self._lots else self.tuning.far_interval_s
        self.error = None
        moved = (
            distance_m(self._loaded_at.lon, self._loaded_at.lat, position.lon, position.lat)
            if self._loaded_at
            else None
        )
        if moved is None or moved > self.tuning.reload_after_m:
            await self._load_lots(position)
        if self._tracker is None:
            return self.tuning.far_interval_s
        fix = Fix(position.lat, position.lon, max(position.accuracy_m or 10.0, 1.0), self.clock())
        for event in self._tracker.feed(fix):
            await self._report(event)
        return self._interval(position)

    def _interval(self, position: Position) -> float:
        if self._tracker is not None and self._tracker.inside:
            return self.tuning.near_interval_s
        if self._index is None:
            return self.tuning.far_interval_s
        near = any(
            self._index.edge_distance_m(slug, position.lon, position.lat) < self.tuning.near_m
            for slug in self._lots
        )
        return self.tuning.near_interval_s if near else self.tuning.far_interval_s

    async def _load_lots(self, position: Position) -> None:
        try:
            nearby = await self.api.nearby(position.lat, position.lon, self.tuning.search_radius_m)
            slugs = [f.slug for f in nearby.items if f.detection == "geofence" and f.slug]
            details = await asyncio.gather(*(self.api.facility(slug) for slug in slugs))
        except ApiError as exc:
            self.error = exc.message
            return
        lots = {d.slug: d.geometry.model_dump(mode="json") for d in details if d.geometry is not None}
        inside = self._tracker.inside if self._tracker else []
        self._index = GeofenceIndex(lots.items())
        self._tracker = GeofenceTracker(
            self._index, self.settings(), inside=[s for s in inside if s in self._index]
        )
        self._lots, self._names = lots, {d.slug: d.name for d in details}
        self._loaded_at = position
        self.status = (
            f"On: watching {len(lots)} lot{'s' if len(lots) != 1 else ''} without cameras near you."
            if lots
            else "On: no lots without cameras near you right now."
        )

    @property
    def pending_name(self) -> str:
        event = self.pending_entry
        return self._names.get(event.facility_id, event.facility_id) if event else ""

    def set_ask_first(self, ask: bool) -> None:
        self.ask_first = ask

    async def confirm_entry(self) -> None:
        """The driver said yes: the stay starts at the moment the phone saw the car arrive."""
        event, self.pending_entry = self.pending_entry, None
        if event is not None:
            await self._send(event)

    def decline_entry(self) -> None:
        """The driver said no (a passenger, a drop-off): nothing is reported for this visit."""
        event, self.pending_entry = self.pending_entry, None
        if event is not None:
            self._declined.add(event.facility_id)
            self.status = f"Not parking at {self._names.get(event.facility_id, event.facility_id)}."

    async def _report(self, event: GeofenceEvent) -> None:
        name = self._names.get(event.facility_id, event.facility_id)
        if event.kind is EventKind.enter and self.ask_first:
            self.pending_entry = event
            self.status = f"You are at {name}. Start parking here?"
            return
        if event.kind is EventKind.exit:
            if self.pending_entry is not None and self.pending_entry.facility_id == event.facility_id:
                self.pending_entry = None
                self.status = f"Left {name} without parking there."
                return
            if event.facility_id in self._declined:
                self._declined.discard(event.facility_id)
                self.status = f"Left {name}."
                return
        await self._send(event)

    async def _send(self, event: GeofenceEvent) -> None:
        kind = "enter" if event.kind is EventKind.enter else "exit"
        try:
            await self.api.geofence_event(
                facility=event.facility_id,
                event=kind,
                license_plate=self.license_plate or "",
                lat=event.lat,
                lon=event.lon,
                accuracy_m=event.accuracy_m,
                occurred_at=event.occurred_at,
            )
        except ApiError as exc:
            self.error = exc.message
            return
        name = self._names.get(event.facility_id, event.facility_id)
        self.status = f"Parked at {name}." if kind == "enter" else f"Left {name}: the stay is closed."
