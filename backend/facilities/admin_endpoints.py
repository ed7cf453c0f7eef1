"""`/api/v1/admin/facilities`: an operator's facilities and pass products.

Every operator user may read; only tenant admins (and super admins, via X-Tenant) may change.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from backend.auth.dependencies import READ_ONLY, TenantAdmin, TenantStaff
from backend.facilities import admin_geometry, tariff_preview
from backend.facilities import admin_pass_products as products
from backend.facilities import admin_service as service
from backend.facilities.geometry_upload import read_upload
from backend.kit.openapi import errors
from backend.kit.services import Services
from shared.schemas.admin_facilities import (
    AdminFacility,
    AdminFacilityPage,
    AdminPassProduct,
    FacilityCreate,
    FacilityDefinition,
    FacilityPatch,
    PassProductCreate,
    PassProductPatch,
    TariffPreview,
    TariffPreviewRequest,
)
from shared.schemas.common import AwareDatetime

router = APIRouter(prefix="/api/v1/admin/facilities", tags=["admin: facilities"])
tariffs_router = APIRouter(prefix="/api/v1/admin/tariffs", tags=["admin: facilities"])

_NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.get("", response_model=AdminFacilityPage, responses=errors(401, 403, 422))
async def list_facilities(
    ctx: TenantStaff,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Search in name, slug and zone number", examples=["kamppi"]),
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only facilities changed at or after this time (with offset)",
            examples=["2026-03-30T14:23:00Z"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="How many to skip")] = 0,
) -> AdminFacilityPage:
    """The operator's facilities by slug, a page at a time (`total` counts all matches)."""
    return await service.list_facilities(ctx, text=q, updated_since=updated_since, limit=limit, offset=offset)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AdminFacility,
    responses=errors(400, 401, 403, 409, 422),
)
async def create_facility(ctx: TenantAdmin, body: FacilityCreate, services: Services) -> AdminFacility:
    """Create a facility, in the same shape as in the onboarding file. An invalid outline is a 422
    saying what is wrong and where; a slug used anywhere on the platform, or a zone number this
    operator already uses, is a 409."""
    return await service.create_facility(services, ctx, body)


@router.get("/{slug}", response_model=AdminFacility, responses=errors(401, 403, 404))
async def get_facility(ctx: TenantStaff, slug: str) -> AdminFacility:
    """One of the operator's facilities with its full configuration."""
    return await service.get_facility(ctx, slug)


@router.put("/{slug}", response_model=AdminFacility, responses=errors(400, 401, 403, 404, 409, 422))
async def replace_facility(
    ctx: TenantAdmin, slug: str, body: FacilityDefinition, services: Services
) -> AdminFacility:
    """Replace everything but the slug (fields left out get their defaults)."""
    return await service.replace_facility(services, ctx, slug, body)


@router.patch("/{slug}", response_model=AdminFacility, responses=errors(400, 401, 403, 404, 409, 422))
async def patch_facility(
    ctx: TenantAdmin, slug: str, body: FacilityPatch, services: Services
) -> AdminFacility:
    """Change only the fields sent, e.g. `{"capacity": 150}` or a new `tariff`."""
    return await service.patch_facility(services, ctx, slug, body)


@router.delete("/{slug}", status_code=_NO_CONTENT, responses=errors(401, 403, 404, 409))
async def delete_facility(ctx: TenantAdmin, slug: str, services: Services) -> Response:
    """Delete a facility and its pass products."""
    await service.delete_facility(services, ctx, slug)
    return Response(status_code=_NO_CONTENT)


_SQUARE = [[24.930, 60.168], [24.931, 60.168], [24.931, 60.169], [24.930, 60.169], [24.930, 60.168]]
_GEOMETRY_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["type"],
                "description": "A GeoJSON Polygon or MultiPolygon (WGS84 [lon, lat]), a Feature holding "
                "one, or a FeatureCollection of exactly one such Feature",
                "properties": {
                    "type": {
                        "type": "string",
                        "enum": ["Polygon", "MultiPolygon", "Feature", "FeatureCollection"],
                    },
                    "coordinates": {"type": "array", "items": {}},
                    "geometry": {"type": "object"},
                    "features": {"type": "array", "items": {"type": "object"}},
                },
            },
            "example": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Kamppi P1"},
                        "geometry": {"type": "Polygon", "coordinates": [_SQUARE]},
                    }
                ],
            },
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "A .geojson file"}
                },
            }
        },
    },
}


@router.put(
    "/{slug}/geometry",
    response_model=AdminFacility,
    responses=errors(400, 401, 403, 404, 422),
    openapi_extra={"requestBody": _GEOMETRY_BODY},
)
async def upload_geometry(ctx: TenantAdmin, slug: str, request: Request, services: Services) -> AdminFacility:
    """Replace the facility's outline (its geofence) with an uploaded GeoJSON outline: a Polygon or
    MultiPolygon, a Feature, or a FeatureCollection of one Feature, as the JSON body or as a file in
    the multipart field `file`. The outline is checked (closed rings, WGS84 lon/lat, no
    self-intersection, between 10 m² and 50 km²); a problem is a 422 saying what and where. The
    centre moves to a point inside the new outline, and the change is in the audit log."""
    upload = await read_upload(request)
    return await admin_geometry.replace_geometry(services, ctx, slug, upload)


@router.get("/{slug}/pass-products", response_model=list[AdminPassProduct], responses=errors(401, 403, 404))
async def list_pass_products(ctx: TenantStaff, slug: str) -> list[AdminPassProduct]:
    """The facility's pass products, on sale or not."""
    return await products.list_products(ctx, slug)


@router.post(
    "/{slug}/pass-products",
    status_code=status.HTTP_201_CREATED,
    response_model=AdminPassProduct,
    responses=errors(400, 401, 403, 404, 409, 422),
)
async def create_pass_product(ctx: TenantAdmin, slug: str, body: PassProductCreate) -> AdminPassProduct:
    """Put a pass on sale at this facility (price in the operator's currency)."""
    return await products.create_product(ctx, slug, body)


@router.patch(
    "/{slug}/pass-products/{product_slug}",
    response_model=AdminPassProduct,
    responses=errors(400, 401, 403, 404, 422),
)
async def update_pass_product(
    ctx: TenantAdmin, slug: str, product_slug: str, body: PassProductPatch
) -> AdminPassProduct:
    """Change the name, price, length or sale status. Passes already sold keep their terms."""
    return await products.update_product(ctx, slug, product_slug, body)


@router.delete(
    "/{slug}/pass-products/{product_slug}", status_code=_NO_CONTENT, responses=errors(401, 403, 404)
)
async def withdraw_pass_product(ctx: TenantAdmin, slug: str, product_slug: str) -> Response:
    """Take the product off sale (it stays listed with `is_active: false`; sold passes stay valid)."""
    await products.withdraw_product(ctx, slug, product_slug)
    return Response(status_code=_NO_CONTENT)


@tariffs_router.post(
    "/preview",
    response_model=TariffPreview,
    responses=errors(401, 403, 404, 422),
    openapi_extra=READ_ONLY,
)
async def preview_tariff(ctx: TenantStaff, body: TariffPreviewRequest) -> TariffPreview:
    """What a tariff would charge for 15 min, 1 h, 3 h and 24 h, with the operator's service fee, before
    it is saved. The tariff is checked exactly as the facility editor's save checks it (the same 422).
    Give `facility` to count daily caps in its time zone, and `start_at` to price a particular start.
    It changes nothing, so it also works in a super admin's read-only preview."""
    return await tariff_preview.preview(ctx, body)
