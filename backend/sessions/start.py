"""`POST /sessions`: pay a quote and start the session, here or at the facility's provider.

Order of work, so a driver is never parked twice nor charged for parking they did not get:

1. The quote must be the driver's, unexpired and unused, and for now (not a later start).
2. A `pending` session is written first, in one transaction with the quote's claim and the
   `session_reconcile` safety-net job. Two unique keys guard it: (driver, Idempotency-Key) — a
   repeated request finds the first session — and (facility, plate, live slot) — a plate has one
   pending or active session per facility; a second one is a 409 `already_parked` telling the
   driver to extend the first.
3. The payment is authorized (`charge(capture=False)`, key `session:<session id>`) outside any
   transaction. Declined: the session is `failed`, 402.
4. The provider starts the session (`ParkingProvider.start`; the native provider for facilities
   without a connection). Confirmed: capture, `active` with the provider's id and times, receipt,
   `session_started`. Refused (409 already parked, 422): void, `failed`, the provider's reason.
   Unavailable: void, `failed`, 503. Timed out: reconciled through `rights` (see `reconcile.py`).

Idempotency-Key: optional. With it, the same key and body answer the first result (201, the same
session; the same error when it failed) and nothing runs twice; the same key with another body is
a 409 `idempotency_conflict`. Concurrent requests with one key wait for the first to finish. Without
it every request is a new attempt (the quote, claimed by the first, still prevents a double start).
"""

import asyncio
import hashlib
import logging
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.drivers.repository import PaymentMethodRepository
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Driver, Facility, ParkingSession, Payment, PaymentMethod, Quote
from backend.payments.charging import ChargeRequest
from backend.providers.base import (
    ParkingProvider,
    ProviderRejectedError,
    ProviderSession,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from backend.providers.registry import ProviderRegistry, provider_zone
from backend.sessions import reconcile
from backend.sessions.followups import schedule_reconcile
from backend.sessions.holds import hold
from backend.sessions.repository import LIVE, driver_quote, expire_if_over, live_session, utcnow
from backend.sessions.views import session_out
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.sessions import SessionOut, SessionStart

log = logging.getLogger("parkflow.sessions")

MAX_KEY_LENGTH = 100
# A quote for a later start is a price preview: a session starts when it is paid.
START_TOLERANCE = timedelta(minutes=5)
REPLAY_WAIT_SECONDS = 30.0
REPLAY_POLL_SECONDS = 0.05


class _QuoteTakenError(Exception):
    pass


def clean_key(idempotency_key: str | None) -> str | None:
    if idempotency_key is None:
        return None
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ParkflowError(
            f"The Idempotency-Key header must hold 1 to {MAX_KEY_LENGTH} characters.",
            ErrorCode.validation_error,
        )
    return key


def idempotency_conflict(what: str) -> ParkflowError:
    return ParkflowError(
        f"This Idempotency-Key was already used for a different {what}; send a new key for a new request.",
        ErrorCode.idempotency_conflict,
    )


def stored_error(code: str | None, reason: str | None) -> ParkflowError:
    """The error a failed request answered, answered again to a retry with its key."""
    try:
        error_code = ErrorCode(code or ErrorCode.provider_unavailable)
    except ValueError:
        error_code = ErrorCode.provider_unavailable
    return ParkflowError(reason or "The session could not be started; you were not charged.", error_code)


def _fingerprint(quote_id: object, method_id: object) -> str:
    return hashlib.sha256(f"{quote_id}|{method_id}".encode()).hexdigest()


def _check_quote(quote: Quote) -> None:
    now = utcnow()
    if quote.expires_at <= now:
        raise ParkflowError(
            "This quote has expired (quotes hold their price for a few minutes); ask for a new quote.",
            ErrorCode.quote_expired,
        )
    if quote.session_id is not None:  # type: ignore[attr-defined]
        raise ConflictError("This quote was already used to start a session; ask for a new quote.")
    if quote.starts_at > now + START_TOLERANCE:
        raise ParkflowError(
            "This quote is for a later start; sessions start when paid, so ask for a quote from now.",
            ErrorCode.validation_error,
        )


def _already_parked(live: ParkingSession, driver: Driver, facility: Facility) -> ParkflowError:
    if live.status == "pending":
        detail = (
            f"A session for {live.plate} at {facility.name} is being started right now; "
            "look at your sessions in a moment."
        )
    elif live.driver_id == driver.id:  # type: ignore[attr-defined]
        detail = (
            f"{live.plate} already has an active session at {facility.name} until "
            f"{live.ends_at:%H:%M} UTC; extend that session instead of starting a new one."
        )
    else:
        detail = (
            f"{live.plate} already has an active session at {facility.name}; "
            "extend it from the account that started it instead of starting a new one."
        )
    return ParkflowError(detail, ErrorCode.already_parked)


async def start_session(
    services: AppServices,
    providers: ProviderRegistry,
    driver: Driver,
    body: SessionStart,
    idempotency_key: str | None,
) -> SessionOut:
    key = clean_key(idempotency_key)
    quote = await driver_quote(driver, body.quote_id)
    method = await PaymentMethodRepository(driver.id).get(body.payment_method_id)
    fingerprint = _fingerprint(quote.id, method.id)
    if key is not None:
        first = await ParkingSession.get_or_none(driver_id=driver.id, idempotency_key=key)
        if first is not None:
            return await replay(services, first, fingerprint)
    _check_quote(quote)
    facility = await Facility.get(id=quote.facility_id)  # type: ignore[attr-defined]
    provider = await providers.for_facility(facility)

    session = await _open(services, driver, quote, facility, key, fingerprint)
    if not isinstance(session, ParkingSession):
        return session  # a concurrent request with the same key opened it: its answer
    payment = await _authorize(services, driver, method, session) if session.total_amount > 0 else None
    duration = quote.duration_minutes
    try:
        started = await provider.start(
            zone_id=provider_zone(facility),
            plate=session.plate,
            duration_minutes=duration,
            receipt_email=driver.email,
        )
    except ProviderTimeoutError:
        log.warning("session %s: the start timed out; reconciling through rights", session.id)
        started = await _reconcile_timeout(services, provider, facility, session)
    except ProviderRejectedError as exc:
        await reconcile.abandon(services, session, exc.code, exc.detail)
        raise
    except ProviderUnavailableError as exc:
        await reconcile.abandon(services, session, exc.code, _unavailable(facility))
        raise ProviderUnavailableError(_unavailable(facility)) from exc
    await reconcile.activate(services, session, started, payment)
    await session.refresh_from_db()
    if session.status == "failed":  # settled by someone else meanwhile (it cannot happen while we hold it)
        raise stored_error(session.failure_code, session.failure_reason)
    return await session_out(session)


def _unavailable(facility: Facility) -> str:
    return (
        f"{facility.name}'s parking provider is not answering, so the session was not started and you "
        "were not charged; try again in a few minutes."
    )


async def _reconcile_timeout(
    services: AppServices, provider: ParkingProvider, facility: Facility, session: ParkingSession
) -> ProviderSession:
    try:
        found = await reconcile.match_started(provider, facility, session)
    except ProviderUnavailableError as exc:
        # Unknown: keep the authorization (not captured) and let the reconcile job decide.
        await ParkingSession.filter(id=session.id, status="pending").update(busy_until=None)
        raise ProviderUnavailableError(
            f"{facility.name}'s parking provider did not confirm the start in time. We keep checking "
            "with it: you are charged only if the session started. Look at your sessions in a minute."
        ) from exc
    if found is None:
        await reconcile.abandon(services, session, ErrorCode.provider_unavailable, _unavailable(facility))
        raise ProviderUnavailableError(_unavailable(facility))
    return found


async def _open(
    services: AppServices, driver: Driver, quote: Quote, facility: Facility, key: str | None, fingerprint: str
) -> ParkingSession | SessionOut:
    """The pending session (see the module doc, step 2), or the answer of the request that holds
    the same Idempotency-Key."""
    for _ in range(2):
        live = await live_session(facility.id, quote.plate_normalized)
        if live is not None and not await expire_if_over(live.id):
            if key is not None and live.driver_id == driver.id and live.idempotency_key == key:  # type: ignore[attr-defined]
                return await replay(services, live, fingerprint)  # our own key, committed a moment ago
            raise _already_parked(live, driver, facility)
        now = utcnow().replace(microsecond=0)
        try:
            async with in_transaction():
                session = await ParkingSession.create(
                    tenant_id=quote.tenant_id,  # type: ignore[attr-defined]
                    facility_id=facility.id,
                    driver_id=driver.id,
                    plate=quote.plate,
                    plate_normalized=quote.plate_normalized,
                    status="pending",
                    starts_at=now,
                    ends_at=now + timedelta(minutes=quote.duration_minutes),
                    currency=quote.currency,
                    parking_amount=quote.parking_amount,
                    service_fee_amount=quote.service_fee_amount,
                    total_amount=quote.total_amount,
                    idempotency_key=key,
                    request_hash=fingerprint,
                    live_slot=LIVE,
                    busy_until=now + timedelta(seconds=reconcile.LEASE_SECONDS),
                )
                if not await Quote.filter(id=quote.id, session_id=None).update(session_id=session.id):
                    raise _QuoteTakenError
                await schedule_reconcile(session.id, services.settings)
            return session
        except _QuoteTakenError:
            raise ConflictError(
                "This quote was already used to start a session; ask for a new quote."
            ) from None
        except IntegrityError:
            if key is not None:
                first = await ParkingSession.get_or_none(driver_id=driver.id, idempotency_key=key)
                if first is not None:
                    return await replay(services, first, fingerprint)
            # Another session took the plate's live slot meanwhile: look again (it may be over).
    live = await live_session(facility.id, quote.plate_normalized)
    if live is not None:
        if key is not None and live.driver_id == driver.id and live.idempotency_key == key:  # type: ignore[attr-defined]
            return await replay(services, live, fingerprint)
        raise _already_parked(live, driver, facility)
    raise ConflictError("The session could not be opened because of a concurrent change; try again.")


async def _authorize(
    services: AppServices, driver: Driver, method: PaymentMethod, session: ParkingSession
) -> Payment:
    request = ChargeRequest(
        tenant_id=session.tenant_id,  # type: ignore[attr-defined]
        driver_id=driver.id,
        method=method,
        purpose="session",
        idempotency_key=f"session:{session.id}",
        parking_amount=session.parking_amount,
        service_fee_amount=session.service_fee_amount,
        currency=session.currency,
        session_id=session.id,
        covers_from=session.starts_at,
        covers_until=session.ends_at,
    )

    async def abandon(code: str, detail: str) -> None:
        await reconcile.abandon(services, session, code, detail)

    return await hold(services, request, abandon)


async def replay(services: AppServices, first: ParkingSession, fingerprint: str) -> SessionOut:
    """The first answer for a repeated Idempotency-Key (waiting while the first request runs)."""
    if first.request_hash != fingerprint:
        raise idempotency_conflict("session start")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLAY_WAIT_SECONDS
    session = first
    while session.status == "pending" and loop.time() < deadline:
        if session.busy_until is None or session.busy_until < utcnow():
            # Nobody is working on it (the first request died, or left it undecided): decide now.
            try:
                await reconcile.settle_pending(services, session)
            except (reconcile.SessionBusyError, ProviderUnavailableError) as exc:
                log.info("replay of session %s: still undecided (%s)", session.id, exc)
                break
        else:
            await asyncio.sleep(REPLAY_POLL_SECONDS)
        await session.refresh_from_db()
    if session.status == "pending":
        raise ConflictError(
            "The session of this Idempotency-Key is still being started; look again in a few seconds "
            "(you are charged only once, and only if it starts)."
        )
    if session.status == "failed":
        raise stored_error(session.failure_code, session.failure_reason)
    return await session_out(session)
