"""Enforcement use cases: check one plate, list the paid plates of a facility."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from backend.auth.dependencies import EnforcementKeyContext
from backend.enforcement import repository
from backend.enforcement.checklog import CheckLog, CheckLogRow
from backend.enforcement.decision import decide, summarize
from backend.enforcement.repository import CheckFacts, FacilityRef, KeyRef
from backend.kit.errors import AuthenticationError, NotFoundError
from backend.kit.services import AppServices
from shared.errors import ErrorCode, ParkflowError
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.enforcement import ActivePass, EnforcementCheckResult, PaidPlates, RecentPayment

EXTRAS_KEY = "enforcement"
MAX_FACILITY_TEXT = 200
KEY_TOUCH_INTERVAL = timedelta(minutes=1)  # ApiKey.last_used_at resolution, as EnforcementKey keeps it
# The facts query looks back from `at` (days); a moment near year 1 would overflow (a 500) instead.
EARLIEST_AT = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class EnforcementRuntime:
    """Per-app state of the hot path: the group-committed check log, when keys were last touched."""

    log: CheckLog = field(default_factory=CheckLog)
    touched: dict[UUID, datetime] = field(default_factory=dict)


def runtime(services: AppServices) -> EnforcementRuntime:
    found = services.extras.get(EXTRAS_KEY)
    if found is None:
        found = services.extras[EXTRAS_KEY] = EnforcementRuntime()
    return found


def _invalid_key() -> AuthenticationError:
    return AuthenticationError(
        "This API key is not valid (unknown or revoked).", ErrorCode.invalid_credentials
    )


def _unknown_facility(facility: str, whose: str = "for this key") -> NotFoundError:
    return NotFoundError(
        f"No facility '{facility.strip()[:MAX_FACILITY_TEXT]}' {whose}; "
        "give its slug or its name as the operator lists it."
    )


def _allowed(key: EnforcementKeyContext, facility: FacilityRef | None, asked: str) -> FacilityRef:
    # Another operator's facility, or one the key is not limited to: the same 404 as an unknown one.
    if facility is None or not key.allows(UUID(facility.id)):
        raise _unknown_facility(asked)
    return facility


def _too_early(at: datetime | None) -> ParkflowError | None:
    if at is None or at >= EARLIEST_AT:
        return None
    return ParkflowError("'at': the moment to judge must be after 1970-01-01.", ErrorCode.validation_error)


def _usable(facility: str) -> bool:
    return bool(facility.strip()) and "\x00" not in facility and len(facility) <= MAX_FACILITY_TEXT


def _display_plate(found: CheckFacts, typed: str) -> str:
    """As first registered (a driver's vehicle), else as first recorded here, else as typed."""
    return found.registered_plate or found.seen_plate or typed.strip()


def _result(found: CheckFacts, facility: FacilityRef, typed: str, at: datetime) -> EnforcementCheckResult:
    decision = decide(found.facts, at, timedelta(minutes=facility.grace_minutes))
    passes = sorted(
        (p for p in found.facts.passes if p.status == "active" and p.valid_from <= at <= p.valid_until),
        key=lambda p: p.valid_until,
    )
    payments = sorted(found.payments, key=lambda p: p.paid_at, reverse=True)
    return EnforcementCheckResult(
        plate=_display_plate(found, typed),
        status=decision.status,
        shouldFine=decision.should_fine,
        summary=summarize(decision, at, facility.timezone, facility.grace_minutes),
        validUntil=decision.valid_until,
        recentPayments=[
            RecentPayment(amount=p.amount, currency=p.currency, paidAt=p.paid_at, coversUntil=p.covers_until)
            for p in payments
        ],
        activePasses=[
            ActivePass(product=p.product, validFrom=p.valid_from, validUntil=p.valid_until) for p in passes
        ],
    )


async def _touch(services: AppServices, key: KeyRef, now: datetime) -> None:
    """Keep `last_used_at` to the minute, with at most one write a minute per key and process."""
    touches = runtime(services).touched
    last = max(filter(None, (key.last_used_at, touches.get(key.context.key_id))), default=None)
    if last is None or now - last > KEY_TOUCH_INTERVAL:
        touches[key.context.key_id] = now
        await repository.touch_key(key.context.key_id, now)


async def _require_key(key_hash: str) -> KeyRef:
    key = await repository.find_key(key_hash)
    if key is None:
        raise _invalid_key()
    return key


async def check_plate(
    services: AppServices, key_hash: str, plate: str, facility: str, at: datetime | None
) -> EnforcementCheckResult:
    """May `plate` be parked at `facility` at `at` (default now)? Logged for disputes.

    The key is verified inside the facts query (one round trip for the whole check), with the
    rules of `EnforcementKey`: known by its SHA-256, not revoked, limited to its facilities.
    """
    try:
        normalized = normalize_plate(plate)
    except InvalidPlateError:
        await _require_key(key_hash)  # a bad key is a 401 before any 422
        raise
    if not _usable(facility):
        await _require_key(key_hash)
        raise _unknown_facility(facility)
    if problem := _too_early(at):
        await _require_key(key_hash)
        raise problem
    checked_at = datetime.now(UTC)
    at = at or checked_at
    found = await repository.load_facts(key_hash, facility, normalized, at)
    if found.key is None:
        raise _invalid_key()
    await _touch(services, found.key, checked_at)
    key = found.key.context
    facility_ref = _allowed(key, found.facility, facility)
    return await _judged_and_logged(
        services,
        found,
        facility_ref,
        tenant_id=key.tenant_id,
        key_id=key.key_id,
        plate=plate,
        normalized=normalized,
        at=at,
        checked_at=checked_at,
    )


async def check_plate_for_operator(
    services: AppServices, tenant_id: UUID, plate: str, facility: str, at: datetime | None
) -> EnforcementCheckResult:
    """`check_plate` for an operator user acting for `tenant_id` (the admin's plate check screen):
    the same facts, decision and answer, any facility of the tenant, logged with no key."""
    normalized = normalize_plate(plate)  # a plate that cannot be one is a 422 before anything is read
    if not _usable(facility):
        raise _unknown_facility(facility, "of this operator")
    if problem := _too_early(at):
        raise problem
    checked_at = datetime.now(UTC)
    at = at or checked_at
    found = await repository.load_facts_for_tenant(tenant_id, facility, normalized, at)
    if found.facility is None:  # another operator's facility is the same 404 as an unknown one
        raise _unknown_facility(facility, "of this operator")
    return await _judged_and_logged(
        services,
        found,
        found.facility,
        tenant_id=tenant_id,
        key_id=None,
        plate=plate,
        normalized=normalized,
        at=at,
        checked_at=checked_at,
    )


async def _judged_and_logged(
    services: AppServices,
    found: CheckFacts,
    facility: FacilityRef,
    *,
    tenant_id: UUID,
    key_id: UUID | None,  # None: an operator user's check
    plate: str,
    normalized: str,
    at: datetime,
    checked_at: datetime,
) -> EnforcementCheckResult:
    """Decide, log the check (a response means its log row is committed) and answer."""
    result = _result(found, facility, plate, at)
    await runtime(services).log.write(
        CheckLogRow(
            tenant_id=tenant_id,
            key_id=key_id,
            facility_id=facility.id,
            plate=plate.strip(),
            plate_normalized=normalized,
            at=at,
            status=result.status.value,
            should_fine=result.shouldFine,
            checked_at=checked_at,
        )
    )
    return result


async def list_paid_plates(key: EnforcementKeyContext, facility: str) -> PaidPlates:
    """Every plate that is `paid` or `pass_active` at the facility now (grace included)."""
    if not _usable(facility):
        raise _unknown_facility(facility)
    facility_ref = _allowed(key, await repository.find_facility(key.tenant_id, facility), facility)
    now = datetime.now(UTC)
    plates = await repository.paid_plates(facility_ref.id, now, timedelta(minutes=facility_ref.grace_minutes))
    return PaidPlates(facility=facility_ref.name, paidPlates=plates, count=len(plates), generatedAt=now)
