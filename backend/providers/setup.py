"""Start-up of the providers domain: the shared HTTP pool, the adapter registry, the parking data client.

Called from `backend.routers.on_startup`; everything built here is closed by a shutdown hook.
"""

from __future__ import annotations

import logging

from backend.kit.services import AppServices
from backend.providers.data.client import EXTRAS_KEY as PARKING_DATA_KEY
from backend.providers.data.client import ParkingDataClient
from backend.providers.http import HttpPolicy, SharedHttp
from backend.providers.registry import EXTRAS_KEY as PROVIDERS_KEY
from backend.providers.registry import build_provider_registry

log = logging.getLogger("parkflow.providers")


def install_providers(services: AppServices) -> None:
    settings = services.settings
    shared = SharedHttp(HttpPolicy.from_settings(settings))
    registry = build_provider_registry(services, shared)
    services.extras[PROVIDERS_KEY] = registry
    if settings.parking_data_url and settings.parking_data_key:
        services.extras[PARKING_DATA_KEY] = ParkingDataClient(
            http=shared.client,
            base_url=settings.parking_data_url,
            api_key=settings.parking_data_key.get_secret_value(),
            timeout_seconds=settings.parking_data_timeout_seconds,
            cache_seconds=settings.parking_data_cache_seconds,
        )
    elif settings.parking_data_url or settings.parking_data_key:
        log.warning(
            "PARKFLOW_PARKING_DATA_URL and PARKFLOW_PARKING_DATA_KEY go together; parking data is off"
        )

    async def close() -> None:
        services.extras.pop(PARKING_DATA_KEY, None)
        services.extras.pop(PROVIDERS_KEY, None)
        await registry.aclose()
        await shared.aclose()

    services.on_shutdown(close)
