"""The registry gives each facility its provider: native, or the vendor adapter of its connection."""

import pytest

from backend.kit.services import build_services
from backend.models import Facility, ProviderConnection
from backend.providers.base import ProviderUnavailableError
from backend.providers.data.client import EXTRAS_KEY as PARKING_DATA_KEY
from backend.providers.data.client import ParkingDataClient
from backend.providers.easypark.adapter import EasyParkProvider
from backend.providers.native import NativeProvider
from backend.providers.passport.adapter import PassportProvider
from backend.providers.registry import EXTRAS_KEY, ProviderRegistry, get_provider_registry, provider_zone
from backend.providers.setup import install_providers
from tests.backend.conftest import make_settings
from tests.backend.facilities.conftest import seed_facilities_from_demo
from tests.backend.helpers import app_of
from tests.backend.providers.adapters.support import EP_KEY, PASSPORT_SECRET


@pytest.fixture
async def setup(client, adapter_sandbox):
    tenants = await seed_facilities_from_demo()
    services = app_of(client).state.services
    box = services.secret_box
    tenant = tenants["helsinki-parking"]
    passport = await ProviderConnection.create(
        tenant=tenant,
        slug="passport-a",
        kind="passport",
        auth="oauth2",
        client_id="pp-a",
        client_secret_encrypted=box.seal(PASSPORT_SECRET),
        **adapter_sandbox.urls("passport-a"),
    )
    easypark = await ProviderConnection.create(
        tenant=tenant,
        slug="easypark-a",
        kind="easypark",
        auth="x-api-key",
        api_key_encrypted=box.seal(EP_KEY),
        **adapter_sandbox.urls("easypark-a"),
    )
    await Facility.filter(slug="hietalahdentori").update(
        provider_connection_id=passport.id, provider_zone_id="P-77"
    )
    await Facility.filter(slug="hakaniementori").update(provider_connection_id=easypark.id)
    return services.extras[EXTRAS_KEY], passport, easypark


async def test_each_facility_gets_its_provider(client, admin, setup) -> None:
    registry, _, _ = setup
    assert isinstance(registry, ProviderRegistry)
    kamppi = await Facility.get(slug="kamppi-p1")
    hietalahti = await Facility.get(slug="hietalahdentori")
    hakaniemi = await Facility.get(slug="hakaniementori")

    assert isinstance(await registry.for_facility(kamppi), NativeProvider)
    passport = await registry.for_facility(hietalahti)
    assert isinstance(passport, PassportProvider)
    assert isinstance(await registry.for_facility(hakaniemi), EasyParkProvider)
    assert provider_zone(hietalahti) == "P-77"
    assert provider_zone(kamppi) == kamppi.zone_number

    started = await passport.start(zone_id=provider_zone(hietalahti), plate="ABC123", duration_minutes=30)
    assert started.zone_number == "P-77"


async def test_an_adapter_is_kept_with_its_token_until_its_connection_changes(client, admin, setup) -> None:
    registry, passport_row, _ = setup
    hietalahti = await Facility.get(slug="hietalahdentori")
    first = await registry.for_facility(hietalahti)
    assert await registry.for_facility(hietalahti) is first

    box = app_of(client).state.services.secret_box
    await ProviderConnection.filter(id=passport_row.id).update(client_secret_encrypted=box.seal("rotated"))
    rebuilt = await registry.for_facility(hietalahti)
    assert rebuilt is not first
    with pytest.raises(ProviderUnavailableError):  # the sandbox does not know the rotated secret
        await rebuilt.rights("ABC123")


async def test_a_native_connection_and_a_misconfigured_one(client, setup, caplog) -> None:
    registry, passport_row, _ = setup
    tenant_id = passport_row.tenant_id
    native = await ProviderConnection.create(tenant_id=tenant_id, slug="ours", kind="native")
    broken = await ProviderConnection.create(
        tenant_id=tenant_id, slug="broken", kind="easypark", auth="x-api-key"
    )
    unknown = await ProviderConnection.create(
        tenant_id=tenant_id, slug="parkmobile", kind="parkmobile", base_url="http://127.0.0.1:9"
    )
    kamppi = await Facility.get(slug="kamppi-p1")

    await Facility.filter(id=kamppi.id).update(provider_connection_id=native.id)
    assert isinstance(await registry.for_facility(await Facility.get(id=kamppi.id)), NativeProvider)

    for row, why in ((broken, "base_url is not set"), (unknown, "no adapter for provider kind 'parkmobile'")):
        await Facility.filter(id=kamppi.id).update(provider_connection_id=row.id)
        with pytest.raises(ProviderUnavailableError) as failed:
            await registry.for_facility(await Facility.get(id=kamppi.id))
        assert failed.value.code == "provider_unavailable"
        assert "not set up correctly" in failed.value.detail
        assert why in caplog.text


async def test_the_dependency_and_the_start_up_hook(client) -> None:
    services = app_of(client).state.services
    assert get_provider_registry(services) is services.extras[EXTRAS_KEY]
    assert PARKING_DATA_KEY not in services.extras  # no data API configured in the test settings

    configured = build_services(
        make_settings(
            "sqlite://:memory:",
            parking_data_url="http://127.0.0.1:9100/data/v1",
            parking_data_key="data_demo_key_0123456789",
        )
    )
    install_providers(configured)
    assert isinstance(configured.extras[PARKING_DATA_KEY], ParkingDataClient)
    registry = configured.extras[EXTRAS_KEY]
    await configured.shutdown()
    assert EXTRAS_KEY not in configured.extras
    assert PARKING_DATA_KEY not in configured.extras
    assert registry.context.shared.client.is_closed
