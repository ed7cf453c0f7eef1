"""An operator world for the records and invoices tests: the camera world of `tests.backend.anpr`
(an operator, its facility, a webhook token) plus the operator's users of every role."""

from dataclasses import dataclass

import httpx

from backend.models import Stay
from tests.backend.anpr.world import Operator, accepted, make_operator, send
from tests.backend.helpers import bearer, operator_token

ADMIN = "/api/v1/admin"
ENTRY_AT = "2026-03-30T10:00:00Z"  # 13:00 in Helsinki (EEST)
EXIT_AT = "2026-03-30T11:05:00Z"  # 65 minutes: 15 free, 4 started increments of 0.75, fee 0.08
OWED = 308


@dataclass
class World:
    camera: Operator
    admin: dict[str, str]
    operator: dict[str, str]
    enforcement: dict[str, str]

    @property
    def slug(self) -> str:
        return self.camera.facility.slug


async def make_world(client: httpx.AsyncClient, tenant_slug: str, facility_slug: str) -> World:
    camera = await make_operator(tenant_slug, facility_slug)
    tenant = camera.tenant
    return World(
        camera=camera,
        admin=bearer(await operator_token(client, tenant=tenant, role="tenant_admin")),
        operator=bearer(await operator_token(client, tenant=tenant, role="operator")),
        enforcement=bearer(await operator_token(client, tenant=tenant, role="enforcement")),
    )


async def unpaid_stay(
    client: httpx.AsyncClient,
    world: World,
    plate: str = "ABC-123",
    entry: str = ENTRY_AT,
    exit: str = EXIT_AT,
    **images: str,
) -> Stay:
    """A stay seen entering and leaving by the cameras (unpaid unless the plate has a driver)."""
    await accepted(
        await send(client, world.camera, "entry", entry, plate, image_url=images.get("entry_image"))
    )
    left = await accepted(
        await send(client, world.camera, "exit", exit, plate, image_url=images.get("exit_image"))
    )
    return await Stay.get(id=left["session_id"])
