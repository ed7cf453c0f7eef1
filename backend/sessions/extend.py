"""`POST /sessions/{id}/extend`: more time on an active session, charged like the start.

1. The session's lease is taken (one change at a time: two extends, or an extend and a stop, never
   interleave), then the session is read again and must be active.
2. The price is the whole new duration's minus what was charged (`quotes.extension_price`);
   `max_stay_minutes` applies to the whole session (422).
3. The request is recorded as a `Quote` of purpose `extension` (status `pending`), unique per
   (driver, Idempotency-Key): a repeated request finds it and answers what it answered.
4. Authorize (key `extension:<record id>`), `provider.extend`, capture, then the session's new end
   and amounts, the receipt, new expiry/reminder jobs and `session_extended`. Declined: 402, nothing
   changed. Refused by the provider: void, 409/422. Unavailable: void, 503. Timed out: the session
   is read at the provider — the end moved by the duration means it happened; not moved, it did not
   (void, 503); unreadable, the record stays `pending` with the authorization held and the
   `session_extension_reconcile` job decides later.
"""

import asyncio
import logging
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.drivers.repository import PaymentMethodRepository
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Driver, ParkingSession, Payment, PaymentMethod, Quote, Tenant
from backend.payments.charging import ChargeRequest
from backend.providers.base import (
    ParkingProvider,
    ProviderError,
    ProviderRejectedError,
    ProviderSession,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from backend.providers.registry import ProviderRegistry
from backend.sessions.extend_settle import END_TOLERANCE, apply_extension, fail_extension, settle_extension
from backend.sessions.followups import schedule_extension_reconcile
from backend.sessions.holds import hold
from backend.sessions.quotes import Price, extension_price
from backend.sessions.reconcile import LEASE_SECONDS, SessionBusyError
from backend.sessions.repository import (
    driver_session,
    facility_of,
    release_lease,
    take_lease,
    utcnow,
)
from backend.sessions.start import clean_key, idempotency_conflict, stored_error
from backend.sessions.views import session_out
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.sessions import SessionExtend, SessionOut

log = logging.getLogger("parkflow.sessions")

WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


def not_active(session: ParkingSession) -> ParkflowError:
    if session.status == "stopped":
        why = "was stopped"
    elif session.status in ("pending", "failed"):
        why = "never started" if session.status == "failed" else "is still starting"
    else:
        why = f"ended at {session.ends_at:%H:%M} UTC"
    return ParkflowError(
        f"This session {why}, so it cannot be changed; start a new session instead.",
        ErrorCode.session_not_active,
    )


def require_active(session: ParkingSession) -> None:
    if session.status != "active" or session.ends_at <= utcnow():
        raise not_active(session)


async def extend_session(
    services: AppServices,
    providers: ProviderRegistry,
    driver: Driver,
    session_id: str,
    body: SessionExtend,
    idempotency_key: str | None,
) -> SessionOut:
    key = clean_key(idempotency_key)
    session = await driver_session(driver, session_id)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        if key is not None:
            record = await Quote.get_or_none(driver_id=driver.id, idempotency_key=key)
            if record is not None:
                return await _replay(services, record, session, body)
        require_active(session)
        lease = await take_lease(session.id, LEASE_SECONDS, status="active")
        if lease is not None:
            break
        if loop.time() > deadline:
            raise ConflictError("Another change to this session is in progress; try again in a moment.")
        await asyncio.sleep(POLL_SECONDS)
        await session.refresh_from_db()
    try:
        await session.refresh_from_db()
        require_active(session)
        facility = await facility_of(session)
        tenant = await Tenant.get(id=facility.tenant_id)  # type: ignore[attr-defined]
        price = extension_price(facility, tenant, session, body.duration_minutes)
        method = await _method(driver, session, body.payment_method_id) if price.total_amount > 0 else None
        provider = await providers.for_facility(facility)
        record = await _record(services, driver, session, body.duration_minutes, price, key)
        if record.status != "pending" or record.session_id != session.id:  # type: ignore[attr-defined]
            return await _replay(services, record, session, body)  # the same key, raced
        payment = await _authorize(services, session, record, method) if method is not None else None
        extended = await _extend_at_provider(services, provider, session, record, payment)
        await apply_extension(services, session, record, extended, payment)
    finally:
        await release_lease(session.id, lease)
    await session.refresh_from_db()
    return await session_out(session)


async def _method(driver: Driver, session: ParkingSession, method_id: str | None) -> PaymentMethod:
    if method_id is not None:
        return await PaymentMethodRepository(driver.id).get(method_id)
    first = await Payment.filter(session_id=session.id, purpose="session").first()
    if first is not None and first.payment_method_id is not None:  # type: ignore[attr-defined]
        method = await PaymentMethod.get_or_none(id=first.payment_method_id, driver_id=driver.id)  # type: ignore[attr-defined]
        if method is not None:
            return method
    method = await PaymentMethod.filter(driver_id=driver.id, is_default=True).first()
    if method is None:
        raise ParkflowError(
            "You have no saved payment method; add one, then extend again.", ErrorCode.validation_error
        )
    return method


async def _record(
    services: AppServices,
    driver: Driver,
    session: ParkingSession,
    minutes: int,
    price: Price,
    key: str | None,
) -> Quote:
    try:
        async with in_transaction():
            record = await Quote.create(
                tenant_id=session.tenant_id,  # type: ignore[attr-defined]
                facility_id=session.facility_id,  # type: ignore[attr-defined]
                driver_id=driver.id,
                session_id=session.id,
                purpose="extension",
                plate=session.plate,
                plate_normalized=session.plate_normalized,
                duration_minutes=minutes,
                starts_at=session.ends_at,
                ends_at=session.ends_at + timedelta(minutes=minutes),
                currency=session.currency,
                parking_amount=price.parking_amount,
                service_fee_amount=price.service_fee_amount,
                total_amount=price.total_amount,
                expires_at=utcnow(),
                idempotency_key=key,
                status="pending",
            )
            await schedule_extension_reconcile(record.id, services.settings)
            return record
    except IntegrityError:
        return await Quote.get(driver_id=driver.id, idempotency_key=key)


async def _authorize(
    services: AppServices, session: ParkingSession, record: Quote, method: PaymentMethod
) -> Payment:
    request = ChargeRequest(
        tenant_id=session.tenant_id,  # type: ignore[attr-defined]
        driver_id=record.driver_id,  # type: ignore[attr-defined]
        method=method,
        purpose="extension",
        idempotency_key=f"extension:{record.id}",
        parking_amount=record.parking_amount,
        service_fee_amount=record.service_fee_amount,
        currency=record.currency,
        session_id=session.id,
        covers_from=record.starts_at,
        covers_until=record.ends_at,
    )

    async def failed(code: str, detail: str) -> None:
        await fail_extension(services, record, None, code, detail)

    return await hold(services, request, failed)


async def _extend_at_provider(
    services: AppServices,
    provider: ParkingProvider,
    session: ParkingSession,
    record: Quote,
    payment: Payment | None,
) -> ProviderSession:
    unavailable = (
        "The parking provider is not answering, so the session was not extended and you were not charged."
    )
    try:
        return await provider.extend(session.provider_session_id or "", record.duration_minutes)
    except ProviderTimeoutError:
        try:
            current = await provider.get(session.provider_session_id or "")
        except ProviderError as exc:
            raise ProviderUnavailableError(
                "The parking provider did not confirm the extension in time. We keep checking with it: "
                "you are charged only if the session was extended. Look at the session in a minute."
            ) from exc
        if current.ends_at >= record.ends_at - END_TOLERANCE:
            return current
        await fail_extension(services, record, payment, ErrorCode.provider_unavailable, unavailable)
        raise ProviderUnavailableError(unavailable) from None
    except ProviderRejectedError as exc:
        await fail_extension(services, record, payment, exc.code, exc.detail)
        raise
    except ProviderUnavailableError as exc:
        await fail_extension(services, record, payment, exc.code, unavailable)
        raise ProviderUnavailableError(unavailable) from exc


async def _replay(
    services: AppServices, record: Quote, session: ParkingSession, body: SessionExtend
) -> SessionOut:
    if record.session_id != session.id or record.duration_minutes != body.duration_minutes:  # type: ignore[attr-defined]
        raise idempotency_conflict("request")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while record.status == "pending" and loop.time() < deadline:
        await session.refresh_from_db()
        if session.busy_until is None or session.busy_until < utcnow():
            try:
                await settle_extension(services, record)
            except (SessionBusyError, ProviderError) as exc:
                log.info("replay of extension %s: still undecided (%s)", record.id, exc)
                break
        else:
            await asyncio.sleep(POLL_SECONDS)
        await record.refresh_from_db()
    if record.status == "pending":
        raise ConflictError(
            "The extension of this Idempotency-Key is still being confirmed; look again shortly."
        )
    if record.status == "failed":
        raise stored_error(record.failure_code, record.failure_reason)
    await session.refresh_from_db()
    return await session_out(session)
