"""Each vendor adapter runs a whole session against the sandbox over real HTTP, and maps refusals."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.providers.base import (
    AlreadyParkedError,
    ParkingProvider,
    ProviderRejectedError,
    ProviderSessionNotFoundError,
    ProviderUnavailableError,
)
from backend.providers.easypark.adapter import EasyParkProvider
from backend.providers.passport.adapter import PassportProvider
from backend.providers.paybyphone.adapter import PayByPhoneProvider
from tests.backend.providers.adapters.support import stats

CONNECTIONS = {"passport": "passport-a", "paybyphone": "paybyphone-a", "easypark": "easypark-a"}
CLASSES = {"passport": PassportProvider, "paybyphone": PayByPhoneProvider, "easypark": EasyParkProvider}


@pytest.mark.parametrize("kind", list(CONNECTIONS))
async def test_a_session_runs_its_whole_life_through_the_adapter(admin, adapter, kind: str) -> None:
    provider = adapter(CONNECTIONS[kind])
    assert isinstance(provider, CLASSES[kind])
    assert isinstance(provider, ParkingProvider)
    assert provider.kind == kind

    started = await provider.start(
        zone_id="1234", plate="abc-123", duration_minutes=60, receipt_email="aino@example.test"
    )
    assert started.status == "active"
    assert started.zone_number == "1234"
    assert started.starts_at.tzinfo is not None
    assert started.ends_at - started.starts_at == timedelta(minutes=60)
    assert abs(started.starts_at - datetime.now(UTC)) < timedelta(seconds=5)

    assert await provider.get(started.session_id) == started

    extended = await provider.extend(started.session_id, 30)
    assert extended.ends_at == started.ends_at + timedelta(minutes=30)
    assert extended.status == "active"

    [right] = await provider.rights("ABC 123")
    assert right.session_id == started.session_id
    assert right.ends_at == extended.ends_at
    assert right.status == "active"

    stopped = await provider.stop(started.session_id)
    assert stopped.status == "stopped"
    assert stopped.ends_at <= datetime.now(UTC)
    assert (await provider.get(started.session_id)).status == "stopped"
    assert await provider.stop(started.session_id) == stopped  # a repeated stop is harmless

    with pytest.raises(ProviderRejectedError) as refused:
        await provider.extend(started.session_id, 30)
    assert refused.value.code == "session_not_active"
    assert "no longer active" in refused.value.detail

    counts = await stats(admin, CONNECTIONS[kind])
    assert counts["sessions_created"] == 1
    assert counts.get("unauthorized", 0) == 0
    if kind == "passport":
        assert counts["tokens_issued"] == 1  # one token for the whole life, reused

    [seen] = (await admin.get("/_sandbox/sessions", params={"license_plate": "ABC123"})).json()["sessions"]
    assert seen["receipt_email"] == "aino@example.test"


@pytest.mark.parametrize("kind", list(CONNECTIONS))
async def test_already_parked_is_a_rejection_and_is_not_retried(admin, adapter, kind: str) -> None:
    provider = adapter(CONNECTIONS[kind])
    first = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    await admin.delete("/_sandbox/stats")

    with pytest.raises(AlreadyParkedError) as refused:
        await provider.start(zone_id="1234", plate="abc 123", duration_minutes=30)

    assert refused.value.code == "already_parked"
    assert first.session_id in refused.value.detail  # the provider's own sentence reaches the driver
    counts = await stats(admin, CONNECTIONS[kind])
    assert counts["start"] == 1
    assert counts.get("rights", 0) == 0
    assert counts.get("sessions_created", 0) == 0


async def test_an_injected_409_on_start_is_already_parked_without_retry(admin, adapter) -> None:
    await admin.post(
        "/_sandbox/faults",
        json={"connection": "easypark-a", "endpoint": "start", "kind": "status", "status": 409},
    )
    with pytest.raises(AlreadyParkedError):
        await adapter("easypark-a").start(zone_id="1234", plate="ABC123", duration_minutes=60)
    assert (await stats(admin, "easypark-a"))["start"] == 1


async def test_a_422_is_rejected_with_the_providers_message(admin, adapter) -> None:
    provider = adapter("paybyphone-a")  # accepts zones 1234 and 2345 only
    with pytest.raises(ProviderRejectedError) as refused:
        await provider.start(zone_id="9999", plate="ABC123", duration_minutes=60)
    assert refused.value.code == "provider_rejected"
    assert "Zone 9999 is not a zone of this operator" in refused.value.detail
    assert (await stats(admin, "paybyphone-a"))["start"] == 1

    await admin.post(
        "/_sandbox/faults",
        json={"connection": "paybyphone-a", "endpoint": "start", "kind": "status", "status": 422},
    )
    with pytest.raises(ProviderRejectedError):
        await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    assert (await stats(admin, "paybyphone-a"))["start"] == 2


async def test_an_unknown_session_is_not_found(admin, adapter) -> None:
    provider = adapter("passport-a")
    with pytest.raises(ProviderSessionNotFoundError) as missing:
        await provider.get("pp_does_not_exist")
    assert missing.value.code == "not_found"
    with pytest.raises(ProviderSessionNotFoundError):
        await provider.stop("pp_does_not_exist")
    assert (await stats(admin, "passport-a"))["stop"] == 1


async def test_another_connections_session_is_not_found(admin, adapter) -> None:
    mine = await adapter("easypark-a").start(zone_id="1234", plate="ABC123", duration_minutes=60)
    with pytest.raises(ProviderSessionNotFoundError):
        await adapter("paybyphone-a").get(mine.session_id)


@pytest.mark.parametrize("kind", ["paybyphone", "easypark"])
async def test_a_wrong_api_key_is_unavailable_at_once_and_logged(admin, adapter, caplog, kind: str) -> None:
    from tests.backend.providers.adapters.support import BOX

    provider = adapter(CONNECTIONS[kind], api_key_encrypted=BOX.seal("not-the-key"))
    with pytest.raises(ProviderUnavailableError) as failed:
        await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    assert failed.value.code == "provider_unavailable"
    assert "credentials" in failed.value.detail
    assert "refused the credentials of provider connection" in caplog.text
    assert (await admin.get("/_sandbox/stats")).json()["total"]["unauthorized"] == 1  # not retried


async def test_every_adapter_borrows_the_one_shared_pool(admin, adapter, registry, shared) -> None:
    passport = adapter("passport-a")
    easypark = adapter("easypark-a")
    await passport.rights("ABC123")
    assert easypark.client.http is shared.client
    assert passport.client.oauth._client._transport._inner is shared.transport

    await registry.aclose()  # closing adapters (and their OAuth2 clients) leaves the pool open
    assert not shared.client.is_closed
    assert await adapter("easypark-a").rights("ABC123") == []
