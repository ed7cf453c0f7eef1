"""`ProviderRegistry`: the `ParkingProvider` for a facility, built from its provider connection.

Built once in the app's lifespan (`install_providers`) with ONE shared httpx connection pool; the
adapter of a connection is kept (with its OAuth2 token) and rebuilt only when the connection row
changes (URLs, auth, client id, or the stored secrets). Facilities without a connection, or with a
`native` one, get the `NativeProvider`. Endpoints take it as the `Providers` dependency; jobs read
`services.extras[EXTRAS_KEY]`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import Depends

from backend.kit.services import AppServices, Services
from backend.models import Facility, ProviderConnection
from backend.providers.base import ParkingProvider, ProviderUnavailableError
from backend.providers.common.adapter import AdapterContext
from backend.providers.common.connection import misconfigured
from backend.providers.easypark.adapter import EasyParkProvider
from backend.providers.http import SharedHttp
from backend.providers.native import NativeProvider
from backend.providers.passport.adapter import PassportProvider
from backend.providers.paybyphone.adapter import PayByPhoneProvider

if TYPE_CHECKING:
    from backend.providers.common.adapter import SessionApiProvider

log = logging.getLogger("parkflow.providers")

EXTRAS_KEY = "providers"


ADAPTERS: dict[str, type[SessionApiProvider]] = {
    adapter.kind: adapter for adapter in (PassportProvider, PayByPhoneProvider, EasyParkProvider)
}


def provider_zone(facility: Facility) -> str:
    """The zone id to start sessions in at the facility's provider (its own zone number by default)."""
    return facility.provider_zone_id or facility.zone_number


def _fingerprint(connection: ProviderConnection) -> tuple:
    return (
        connection.kind,
        connection.auth,
        connection.base_url,
        connection.token_url,
        connection.client_id,
        connection.client_secret_encrypted,
        connection.api_key_encrypted,
    )


class ProviderRegistry:
    def __init__(self, context: AdapterContext) -> None:
        self.context = context
        self._adapters: dict[UUID, tuple[tuple, SessionApiProvider]] = {}

    async def for_facility(self, facility: Facility) -> ParkingProvider:
        """The provider that runs sessions at `facility` (native when it has no provider connection)."""
        connection_id = facility.provider_connection_id  # type: ignore[attr-defined]
        if connection_id is None:
            return NativeProvider(facility)
        connection = await ProviderConnection.get_or_none(id=connection_id)
        if connection is None:
            log.error(
                "facility %s names provider connection %s, which does not exist", facility.slug, connection_id
            )
            raise ProviderUnavailableError(
                "This facility's parking provider is not set up correctly; the operator has to fix it."
            )
        if connection.kind == "native":
            return NativeProvider(facility)
        return self.for_connection(connection)

    def for_connection(self, connection: ProviderConnection) -> SessionApiProvider:
        """The (cached) adapter of a vendor connection; rebuilt when the row changed."""
        fingerprint = _fingerprint(connection)
        cached = self._adapters.get(connection.id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        adapter_class = ADAPTERS.get(connection.kind)
        if adapter_class is None:
            raise misconfigured(connection, f"no adapter for provider kind '{connection.kind}'")
        adapter = adapter_class.from_connection(connection, self.context)
        self._adapters[connection.id] = (fingerprint, adapter)
        return adapter

    async def aclose(self) -> None:
        adapters = [adapter for _, adapter in self._adapters.values()]
        self._adapters.clear()
        for adapter in adapters:
            await adapter.aclose()


def build_provider_registry(services: AppServices, shared: SharedHttp) -> ProviderRegistry:
    settings = services.settings
    return ProviderRegistry(
        AdapterContext(
            shared=shared,
            policy=shared.policy,
            token_leeway_seconds=settings.provider_token_leeway_seconds,
            open_secret=services.secret_box.open,
        )
    )


def get_provider_registry(services: Services) -> ProviderRegistry:
    return services.extras[EXTRAS_KEY]


Providers = Annotated[ProviderRegistry, Depends(get_provider_registry)]
