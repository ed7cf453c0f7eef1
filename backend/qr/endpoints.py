"""`POST /api/v1/qr/resolve` for drivers; `GET /api/v1/admin/facilities/{slug}/sign.png|svg` for operators."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from backend.auth.dependencies import TenantStaff
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.qr import render, service
from shared.schemas.qr import QrResolution, QrResolveRequest

router = APIRouter(prefix="/api/v1/qr", tags=["facilities"])
admin_router = APIRouter(prefix="/api/v1/admin/facilities", tags=["admin: facilities"])


def _image(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": description}}


def _download(slug: str, extension: str) -> dict[str, str]:
    # Signs change when the zone number or the signing key does: never serve a stale one from a cache.
    return {
        "Content-Disposition": f'inline; filename="sign-{slug}.{extension}"',
        "Cache-Control": "no-store",
    }


@router.post("/resolve", response_model=QrResolution, responses=errors(404, 422))
async def resolve(body: QrResolveRequest, services: Services) -> QrResolution:
    """The facility a scanned sign points to, with the zone number printed on it. No sign-in needed.

    A code not signed by Parkflow (a sticker over the sign, another site's address, plain text) is a
    422 `qr_not_signed` whose message warns the driver not to pay through it; a genuine sign whose
    facility is gone is a 404."""
    return await service.resolve(services.settings, body.payload)


@admin_router.get(
    "/{slug}/sign.png",
    response_class=Response,
    responses={**_image("image/png", "The sign, ready to print"), **errors(401, 403, 404, 422)},
)
async def sign_png(
    ctx: TenantStaff,
    slug: str,
    services: Services,
    size: Annotated[
        int,
        Query(ge=render.MIN_PNG_SIZE, le=render.MAX_PNG_SIZE, description="Width in pixels (300 dpi)"),
    ] = render.DEFAULT_PNG_SIZE,
) -> Response:
    """The facility's sign as a PNG to print: the signed QR code, the zone number large under it and
    the facility's name. 1200 px wide by default (10 cm at 300 dpi)."""
    facility = await service.operator_facility(ctx, slug)
    payload = service.sign_payload(services.settings, facility)
    png = await asyncio.to_thread(render.render_png, payload, facility.zone_number, facility.name, size)
    return Response(png, media_type="image/png", headers=_download(facility.slug, "png"))


@admin_router.get(
    "/{slug}/sign.svg",
    response_class=Response,
    responses={**_image("image/svg+xml", "The sign as a vector image"), **errors(401, 403, 404)},
)
async def sign_svg(ctx: TenantStaff, slug: str, services: Services) -> Response:
    """The facility's sign as an SVG that scales to any print size, with the zone number and name."""
    facility = await service.operator_facility(ctx, slug)
    payload = service.sign_payload(services.settings, facility)
    svg = render.render_svg(payload, facility.zone_number, facility.name)
    return Response(svg, media_type="image/svg+xml", headers=_download(facility.slug, "svg"))
