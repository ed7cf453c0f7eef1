"""The API application: `create_app()` builds it; the lifespan opens the database and the clients."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from tortoise import connections
from tortoise.contrib.fastapi import RegisterTortoise

from backend.config import Settings, get_settings
from backend.db import tortoise_config
from backend.health import router as health_router
from backend.kit.errors import install_error_handlers
from backend.kit.openapi import contract_openapi
from backend.kit.services import build_services
from backend.routers import ROUTERS, on_startup

DESCRIPTION = """
Parkflow: pay for parking anywhere, and a mobile layer for parking operators.

* **Drivers** (`/api/v1`): accounts, vehicles, payment methods, zone lookup and discovery.
* **Operators** (`/api/v1/admin`): tenants, users, enforcement keys, webhook tokens, facilities.
* Errors are always `{"detail": "...", "code": "snake_case"}`; money is integer minor units;
  timestamps carry an offset.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = build_services(settings)
        async with RegisterTortoise(
            app, config=tortoise_config(settings.database_url), use_tz=True, timezone="UTC"
        ):
            services = app.state.services
            await on_startup(services)
            if settings.run_jobs_in_process:
                services.jobs.start()
            try:
                yield
            finally:
                await services.jobs.stop()
                await services.shutdown()
        await connections.close_all(discard=True)

    app = FastAPI(
        title="Parkflow API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.openapi = contract_openapi(app)  # type: ignore[method-assign]
    app.include_router(health_router)
    for router in ROUTERS:
        app.include_router(router)
    return app
