"""`parkflow worker`: the job runner on its own, against PARKFLOW_DATABASE_URL."""

import asyncio
import contextlib

from tortoise import Tortoise

from backend.config import Settings
from backend.db import tortoise_config
from backend.kit.services import build_services


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    from backend.routers import on_startup

    await Tortoise.init(config=tortoise_config(settings.database_url))
    services = build_services(settings)
    await on_startup(services)
    services.jobs.start()
    try:
        if stop is None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.Event().wait()
        else:
            await stop.wait()
    finally:
        await services.jobs.stop()
        await services.shutdown()
        await Tortoise.close_connections()
