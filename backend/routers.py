"""Every domain's routers, in the order they appear in the API docs."""

from backend.auth.endpoints import admin_router as admin_auth_router
from backend.auth.endpoints import router as auth_router
from backend.drivers.endpoints import router as drivers_router
from backend.facilities.admin_endpoints import router as admin_facilities_router
from backend.facilities.endpoints import router as facilities_router
from backend.identities.endpoints import router as admin_identities_router
from backend.kit.services import AppServices
from backend.payments.gateways.registry import EXTRAS_KEY as GATEWAYS_KEY
from backend.payments.gateways.registry import build_gateway_registry
from backend.tenants.endpoints import router as admin_tenants_router

ROUTERS = [
    auth_router,
    admin_auth_router,
    drivers_router,
    facilities_router,
    admin_tenants_router,
    admin_identities_router,
    admin_facilities_router,
]


async def on_startup(services: AppServices) -> None:
    """Domain start-up hooks (warm caches, register gateways)."""
    services.extras[GATEWAYS_KEY] = build_gateway_registry(services)
