"""Turning a facility definition (onboarding entry or admin request) into stored column values."""

from typing import Any
from uuid import UUID

from shared.geo import parse_lot_geometry
from shared.schemas.onboarding import FacilityEntry


def facility_values(
    entry: FacilityEntry, tenant_timezone: str, provider_connection_id: UUID | None
) -> dict[str, Any]:
    """Column values for `Facility` from a validated entry (geometry already checked by the schema).

    The centre is a point inside the outline (shapely's representative point), used for distances
    and map pins; the timezone falls back to the operator's.
    """
    values: dict[str, Any] = {
        "name": entry.name,
        "name_lower": entry.name.strip().lower(),
        "zone_number": entry.zone_number,
        "timezone": entry.timezone or tenant_timezone,
        "capacity": entry.capacity,
        "detection": entry.detection.value,
        "geometry": None,
        "center_lon": None,
        "center_lat": None,
        "tariff": entry.tariff.model_dump(mode="json", exclude_none=True),
        "grace_minutes": entry.grace_minutes,
        "early_stop": entry.early_stop.value,
        "provider_connection_id": provider_connection_id,
        "provider_zone_id": None
        if entry.provider == "native"
        else (entry.provider.zone_id or entry.zone_number),
        "address": entry.address,
        "notices": list(entry.notices),
        "rules": entry.rules,
    }
    if entry.geometry is not None:
        values.update(outline_values(entry.geometry.model_dump(mode="json")))
    return values


def outline_values(geojson: dict[str, Any]) -> dict[str, Any]:
    """The geometry columns for a valid GeoJSON outline: itself and a point inside it as the centre."""
    centre = parse_lot_geometry(geojson).representative_point()
    return {"geometry": geojson, "center_lon": centre.x, "center_lat": centre.y}
