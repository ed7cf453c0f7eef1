"""A driver's stays and sessions. Which stays a driver may see is decided here, and only here.

A driver sees the stays charged to them (`driver_id`), and the stays of a plate they registered that
began after they registered it (or, for an exit without a recorded entry, ended after): someone who
adds a plate does not get to see where that car was before.
"""

from datetime import datetime
from uuid import UUID

from tortoise.expressions import Q

from backend.kit.errors import NotFoundError
from backend.kit.repository import parse_uuid
from backend.models import Driver, ParkingSession, Stay, Vehicle


class DriverParking:
    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self._visible: Q | None = None

    async def _stay_visibility(self) -> Q:
        if self._visible is None:
            visible = Q(driver_id=self.driver.id)
            vehicles = await Vehicle.filter(driver_id=self.driver.id).values_list(
                "plate_normalized", "created_at"
            )
            for plate_normalized, registered_at in vehicles:
                visible |= Q(plate_normalized=plate_normalized, entered_at__gte=registered_at)
                visible |= Q(plate_normalized=plate_normalized, entered_at=None, exited_at__gte=registered_at)
            self._visible = visible
        return self._visible

    async def stays(self, *, active_only: bool, limit: int) -> list[Stay]:
        query = Stay.filter(await self._stay_visibility())
        if active_only:
            query = query.filter(status="open")
        return await query.select_related("facility", "tenant").order_by("-created_at").limit(limit)

    async def sessions(self, *, active_only: bool, limit: int, now: datetime) -> list[ParkingSession]:
        query = ParkingSession.filter(driver_id=self.driver.id)
        if active_only:
            query = query.filter(status="active", ends_at__gt=now)
        return await query.select_related("facility").order_by("-starts_at").limit(limit)

    async def stay(self, stay_id: UUID) -> Stay | None:
        return (
            await Stay.filter(await self._stay_visibility())
            .filter(id=stay_id)
            .select_related("facility", "tenant")
            .first()
        )

    async def get(self, object_id: str) -> Stay | ParkingSession:
        """A stay or a session of this driver by id; anyone else's is a 404 like a missing one."""
        pk = parse_uuid(object_id, "parking session or stay")
        found: Stay | ParkingSession | None = await self.stay(pk)
        if found is None:
            found = (
                await ParkingSession.filter(id=pk, driver_id=self.driver.id)
                .select_related("facility")
                .first()
            )
        if found is None:
            raise NotFoundError(f"You have no parking session or stay with id '{object_id}'.")
        return found
