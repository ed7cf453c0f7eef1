"""Where the phone is, when the driver allows it: used to put the nearest candidates first."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

FIX_TIMEOUT_S = 8.0


@dataclass(frozen=True)
class Fix:
    """A position in WGS84 degrees, with its accuracy radius in metres when known."""

    lat: float
    lon: float
    accuracy_m: float | None = None


class Locator(Protocol):
    """A one-shot position; None when the driver said no, or there is no fix in time."""

    async def current(self) -> Fix | None: ...


class NoLocator:
    """Where location is unavailable (and in tests that want none)."""

    async def current(self) -> Fix | None:
        return None


class GeolocatorLocator:
    """flet-geolocator: asks for permission once, then one fix with a time limit (a one-shot call may
    never return on some platforms while a stream is active)."""

    def __init__(self, geolocator: Any) -> None:
        self._geo = geolocator
        self._granted = False

    async def current(self) -> Fix | None:
        try:
            return await asyncio.wait_for(self._fix(), FIX_TIMEOUT_S)
        except Exception as exc:  # denied, unsupported or too slow: discovery works without it
            log.info("no position: %r", exc)
            return None

    async def _fix(self) -> Fix | None:
        import flet_geolocator as ftg

        if not self._granted:  # ask once; each request is a round trip to the device
            permission = await self._geo.request_permission()
            allowed = (ftg.GeolocatorPermissionStatus.ALWAYS, ftg.GeolocatorPermissionStatus.WHILE_IN_USE)
            if permission not in allowed:
                return None
            self._granted = True
        position = await self._geo.get_current_position()
        return Fix(position.latitude, position.longitude, getattr(position, "accuracy", None))
