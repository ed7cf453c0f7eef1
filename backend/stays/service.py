"""The driver's list and detail of their parking: stays of their plates and prepaid sessions."""

from datetime import UTC, datetime

from backend.models import Driver, Stay
from backend.stays.repository import DriverParking
from backend.stays.views import session_item, sort_key, stay_item
from shared.schemas.stays import ListFilter, ParkingItem, ParkingList


async def list_parking(driver: Driver, status: ListFilter, limit: int) -> ParkingList:
    """Newest first; `active`: open stays and active sessions."""
    now = datetime.now(UTC)
    parking = DriverParking(driver)
    active_only = status is ListFilter.active
    items = [stay_item(s, now) for s in await parking.stays(active_only=active_only, limit=limit)]
    items += [session_item(s) for s in await parking.sessions(active_only=active_only, limit=limit, now=now)]
    items.sort(key=sort_key, reverse=True)
    items = items[:limit]
    return ParkingList(items=items, count=len(items))


async def get_parking(driver: Driver, object_id: str) -> ParkingItem:
    found = await DriverParking(driver).get(object_id)
    if isinstance(found, Stay):
        return stay_item(found, datetime.now(UTC))
    return session_item(found)
