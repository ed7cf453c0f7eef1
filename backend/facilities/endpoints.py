"""Driver-facing facility lookup (public: drivers browse before they sign in)."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.facilities import discovery
from backend.kit.errors import ParkflowError
from backend.kit.openapi import errors
from backend.kit.services import Services
from shared.errors import ErrorCode
from shared.schemas.facilities import FacilityDetail, FacilityList

router = APIRouter(prefix="/api/v1/facilities", tags=["facilities"])

Latitude = Annotated[float, Query(ge=-90, le=90, description="WGS84 latitude", examples=[60.1688])]
Longitude = Annotated[float, Query(ge=-180, le=180, description="WGS84 longitude", examples=[24.9313])]


@router.get("", response_model=FacilityList, responses=errors(422))
async def find_by_zone(
    zone_number: Annotated[
        str, Query(min_length=1, max_length=20, description="The zone number on the sign", examples=["1234"])
    ],
    lat: Annotated[
        float | None, Query(ge=-90, le=90, description="Optional position, to sort nearest first")
    ] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> FacilityList:
    """Facilities with this zone number. Several operators may use the same number: all are
    returned, nearest first when `lat`/`lon` are given."""
    if (lat is None) != (lon is None):
        raise ParkflowError("Give both 'lat' and 'lon', or neither.", ErrorCode.validation_error)
    items = await discovery.by_zone_number(zone_number, lat, lon)
    return FacilityList(items=items, count=len(items))


@router.get("/nearby", response_model=FacilityList, responses=errors(422))
async def nearby(
    services: Services,
    lat: Latitude,
    lon: Longitude,
    radius_m: Annotated[float, Query(gt=0, description="Search radius in metres", examples=[500])] = 1000,
    limit: Annotated[int, Query(ge=1, le=discovery.MAX_RESULTS)] = 20,
) -> FacilityList:
    """Facilities within `radius_m` metres of the position, nearest first (distance to the lot's
    edge, 0 when inside it)."""
    maximum = services.settings.nearby_max_radius_m
    if radius_m > maximum:
        raise ParkflowError(f"'radius_m' may be at most {maximum} metres.", ErrorCode.validation_error)
    items = await discovery.nearby(services, lat, lon, radius_m, limit)
    return FacilityList(items=items, count=len(items))


@router.get("/{slug}", response_model=FacilityDetail, responses=errors(404))
async def facility(slug: str) -> FacilityDetail:
    """A facility's page: tariff (and in words), service fee, outline, passes on sale."""
    return await discovery.detail(slug)
