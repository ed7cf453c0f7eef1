"""Every domain's routers, in the order they appear in the API docs."""

from backend.auth.endpoints import admin_router as admin_auth_router
from backend.auth.endpoints import router as auth_router
from backend.kit.services import AppServices

ROUTERS = [
    auth_router,
    admin_auth_router,
]


async def on_startup(services: AppServices) -> None:
    """Domain start-up hooks (warm caches, register gateways)."""
