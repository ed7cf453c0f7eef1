"""Replacing a facility's outline with an uploaded GeoJSON file (the geofence editor's upload)."""

from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.facilities.admin_service import operator_tenant, to_admin
from backend.facilities.geometry_upload import Upload, outline_from_upload
from backend.facilities.index import invalidate_facility_index
from backend.facilities.repository import FacilityRepository
from backend.facilities.values import outline_values
from backend.kit.services import AppServices
from shared.schemas.admin_facilities import AdminFacility


def _centre(lon: float | None, lat: float | None) -> list[float] | None:
    return None if lon is None or lat is None else [round(lon, 7), round(lat, 7)]


async def replace_geometry(
    services: AppServices, ctx: OperatorContext, slug: str, upload: Upload
) -> AdminFacility:
    """Validate the uploaded outline, store it with its new centre, and say so in the audit log."""
    tenant = operator_tenant(ctx)
    facility = await FacilityRepository(tenant.id).by_slug(slug)
    outline = outline_from_upload(upload.document)
    before = _centre(facility.center_lon, facility.center_lat)
    had_outline = facility.geometry is not None
    async with in_transaction():
        await facility.update_from_dict(outline_values(outline.geojson)).save()
        await record(
            ctx,
            tenant.id,
            "facility.geometry_replaced",
            "facility",
            facility.id,
            {
                "slug": facility.slug,
                "source": upload.source,
                "type": outline.geojson["type"],
                "area_m2": round(outline.area_m2, 1),
                "had_outline": had_outline,
                "center_before": before,
                "center_after": _centre(facility.center_lon, facility.center_lat),
            },
        )
    # Lookups by position (discovery, geofencing) must see the new outline at once.
    invalidate_facility_index(services)
    return await to_admin(facility, tenant)
