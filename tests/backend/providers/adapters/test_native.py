"""The native provider: sessions in our own database, answered through the same Protocol.

The sessions service persists what a provider returns; these tests play that part with
`_persist`, as the service will, and check that the provider reads its answers back from the rows.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from backend.models import Facility, ParkingSession
from backend.providers.base import (
    AlreadyParkedError,
    ParkingProvider,
    ProviderRejectedError,
    ProviderSession,
    ProviderSessionNotFoundError,
)
from backend.providers.native import NativeProvider
from backend.providers.registry import EXTRAS_KEY, ProviderRegistry
from tests.backend.facilities.conftest import seed_facilities_from_demo
from tests.backend.helpers import app_of


@pytest.fixture
async def kamppi(client) -> Facility:
    await seed_facilities_from_demo()
    return await Facility.get(slug="kamppi-p1")


@pytest.fixture
async def native(client, kamppi: Facility) -> NativeProvider:
    registry: ProviderRegistry = app_of(client).state.services.extras[EXTRAS_KEY]
    provider = await registry.for_facility(kamppi)
    assert isinstance(provider, NativeProvider)
    return provider


async def _persist(facility: Facility, plate: str, session: ProviderSession) -> ParkingSession:
    """What the sessions service does with a provider's answer: the row holds the session."""
    row = await ParkingSession.get_or_none(provider_session_id=session.session_id)
    values = {"starts_at": session.starts_at, "ends_at": session.ends_at, "status": session.status}
    if session.status == "stopped":
        values["stopped_at"] = session.ends_at
    if row is None:
        return await ParkingSession.create(
            tenant_id=facility.tenant_id,  # type: ignore[attr-defined]
            facility=facility,
            plate=plate,
            plate_normalized=plate.replace("-", "").upper(),
            currency="EUR",
            provider_session_id=session.session_id,
            **values,
        )
    await ParkingSession.filter(id=row.id).update(**values)
    return await ParkingSession.get(id=row.id)


async def test_a_native_session_runs_its_whole_life(client, kamppi, native) -> None:
    assert isinstance(native, ParkingProvider)
    assert native.kind == "native"

    started = await native.start(zone_id=kamppi.zone_number, plate="abc-123", duration_minutes=60)
    assert started.session_id.startswith("native_")
    assert started.status == "active"
    assert started.zone_number == kamppi.zone_number
    assert started.ends_at - started.starts_at == timedelta(minutes=60)
    assert abs(started.starts_at - datetime.now(UTC)) < timedelta(seconds=5)
    with pytest.raises(ProviderSessionNotFoundError):
        await native.get(started.session_id)  # not ours until the service has stored it
    await _persist(kamppi, "ABC-123", started)

    assert await native.get(started.session_id) == started

    extended = await native.extend(started.session_id, 30)
    assert extended.ends_at == started.ends_at + timedelta(minutes=30)
    assert await native.get(started.session_id) == started  # nothing written by the provider
    await _persist(kamppi, "ABC-123", extended)
    assert (await native.get(started.session_id)).ends_at == extended.ends_at

    [right] = await native.rights("ABC 123")
    assert right == extended

    with pytest.raises(AlreadyParkedError) as parked:
        await native.start(zone_id=kamppi.zone_number, plate="ABC123", duration_minutes=15)
    assert parked.value.code == "already_parked"
    assert "extend that session instead" in parked.value.detail

    stopped = await native.stop(started.session_id)
    assert stopped.status == "stopped"
    assert stopped.ends_at <= datetime.now(UTC)
    await _persist(kamppi, "ABC-123", stopped)
    assert await native.stop(started.session_id) == stopped  # stopping twice is harmless

    with pytest.raises(ProviderRejectedError) as over:
        await native.extend(started.session_id, 30)
    assert over.value.code == "session_not_active"

    again = await native.start(zone_id=kamppi.zone_number, plate="ABC123", duration_minutes=15)
    assert again.session_id != started.session_id  # the plate may park again once stopped


async def test_an_expired_session_cannot_be_stopped_or_extended(client, kamppi, native) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    ended = ProviderSession(
        "native_old", kamppi.zone_number, now - timedelta(hours=2), now - timedelta(hours=1), "active"
    )
    await _persist(kamppi, "XYZ-9", ended)

    assert (await native.get("native_old")).status == "expired"
    with pytest.raises(ProviderRejectedError) as refused:
        await native.stop("native_old")
    assert refused.value.code == "session_not_active"
    with pytest.raises(ProviderRejectedError):
        await native.extend("native_old", 10)
    assert [s.status for s in await native.rights("xyz9")] == ["expired"]
    # An expired session does not block a new one.
    assert (
        await native.start(zone_id=kamppi.zone_number, plate="XYZ9", duration_minutes=5)
    ).status == "active"


async def test_rights_are_per_facility_and_leave_out_sessions_that_never_started(
    client, kamppi, native
) -> None:
    other = await Facility.get(slug="hietalahdentori")
    now = datetime.now(UTC).replace(microsecond=0)
    session = ProviderSession("native_elsewhere", other.zone_number, now, now + timedelta(hours=1), "active")
    await _persist(other, "ABC-123", session)
    pending = await _persist(kamppi, "ABC-123", replace(session, session_id="native_pending"))
    await ParkingSession.filter(id=pending.id).update(status="pending")

    assert await native.rights("ABC123") == []
    with pytest.raises(ProviderSessionNotFoundError):
        await native.get("native_elsewhere")
    with pytest.raises(ProviderSessionNotFoundError):
        await native.get("native_pending")


async def test_bad_requests_are_rejected_with_a_reason(client, kamppi, native) -> None:
    with pytest.raises(ProviderRejectedError) as zone:
        await native.start(zone_id="9999", plate="ABC123", duration_minutes=60)
    assert "Zone 9999" in zone.value.detail
    with pytest.raises(ProviderRejectedError) as plate:
        await native.start(zone_id=kamppi.zone_number, plate="  ", duration_minutes=60)
    assert plate.value.code == "invalid_plate"
    with pytest.raises(ProviderRejectedError) as duration:
        await native.start(zone_id=kamppi.zone_number, plate="ABC123", duration_minutes=0)
    assert "at least one minute" in duration.value.detail
    with pytest.raises(ProviderSessionNotFoundError) as missing:
        await native.stop("native_nope")
    assert missing.value.code == "not_found"
