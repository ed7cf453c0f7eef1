"""Prices of prepaid sessions: `POST /quotes`, and what an extension costs.

* The parking amount is the facility's tariff for the whole duration, evaluated in the facility's
  timezone (`shared.pricing.quote`: every started increment, the daily cap per started day).
* The service fee is the operator's (percent of the parking amount rounded half-up, plus the fixed
  part), always a separate line; a free session has no fee.
* `max_stay_minutes` refuses longer durations (422 `max_stay_exceeded`), extensions included: the
  limit applies to the whole session.
* A quote is stored and holds its price for `PARKFLOW_QUOTE_VALID_MINUTES` (5); `POST /sessions`
  charges exactly the stored amounts.
* An extension costs the price of the whole new duration minus what the session was charged (the
  daily cap therefore applies across the extension), with the service fee of the whole minus the fee
  already paid: the fixed part of the fee is charged once per session.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.config import Settings
from backend.kit.errors import NotFoundError
from backend.models import Driver, Facility, ParkingSession, Quote, Tenant
from backend.sessions.repository import utcnow
from backend.stays.pricing import service_fee_of, tariff_of
from shared.errors import ErrorCode, ParkflowError
from shared.plates import normalize_plate
from shared.pricing import check_max_stay, quote, service_fee_amount
from shared.schemas.sessions import QuoteOut, QuoteRequest
from shared.tariff_text import describe_tariff

# A quote may start a little in the past (clock skew, a slow form); further is a mistake.
PAST_TOLERANCE = timedelta(minutes=5)
MAX_ADVANCE = timedelta(days=31)


@dataclass(frozen=True)
class Price:
    parking_amount: int
    service_fee_amount: int

    @property
    def total_amount(self) -> int:
        return self.parking_amount + self.service_fee_amount


def price_of(facility: Facility, tenant: Tenant, starts_at: datetime, duration_minutes: int) -> Price:
    """The price of `duration_minutes` from `starts_at` at the facility (max stay checked)."""
    tariff = tariff_of(facility)
    check_max_stay(tariff, duration_minutes)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    parking = quote(tariff, starts_at, ends_at, facility.timezone).parking_amount
    return Price(parking, service_fee_amount(parking, service_fee_of(tenant)))


def extension_price(facility: Facility, tenant: Tenant, session: ParkingSession, extra_minutes: int) -> Price:
    """What adding `extra_minutes` to the session costs beyond what it was charged."""
    current = session.ends_at - session.starts_at
    total_minutes = int((current + timedelta(minutes=extra_minutes)).total_seconds() // 60)
    whole = price_of(facility, tenant, session.starts_at, total_minutes)
    return Price(
        max(0, whole.parking_amount - session.parking_amount),
        max(0, whole.service_fee_amount - session.service_fee_amount),
    )


def typed_plate(text: str) -> tuple[str, str]:
    """(the plate as typed, its normalised form); 422 `invalid_plate` when it is not a plate."""
    typed = text.strip()
    return typed, normalize_plate(typed)


async def facility_by_slug(slug: str) -> tuple[Facility, Tenant]:
    facility = await Facility.get_or_none(slug=slug.strip().lower()).select_related("tenant")
    if facility is None:
        raise NotFoundError(f"There is no facility '{slug}'; check the zone or facility code.")
    return facility, facility.tenant


def _starts_at(requested: datetime | None, now: datetime) -> datetime:
    if requested is None:
        return now
    if requested < now - PAST_TOLERANCE:
        raise ParkflowError(
            "'starts_at' is in the past; quote from now or a later moment.", ErrorCode.validation_error
        )
    if requested > now + MAX_ADVANCE:
        raise ParkflowError("'starts_at' is more than a month ahead.", ErrorCode.validation_error)
    return requested.replace(microsecond=0)


async def create_quote(settings: Settings, driver: Driver, body: QuoteRequest) -> QuoteOut:
    plate, plate_normalized = typed_plate(body.license_plate)
    facility, tenant = await facility_by_slug(body.facility)
    now = utcnow().replace(microsecond=0)
    starts_at = _starts_at(body.starts_at, now)
    price = price_of(facility, tenant, starts_at, body.duration_minutes)
    row = await Quote.create(
        tenant_id=tenant.id,
        facility_id=facility.id,
        driver_id=driver.id,
        purpose="session",
        plate=plate,
        plate_normalized=plate_normalized,
        duration_minutes=body.duration_minutes,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=body.duration_minutes),
        currency=tenant.currency,
        parking_amount=price.parking_amount,
        service_fee_amount=price.service_fee_amount,
        total_amount=price.total_amount,
        expires_at=now + timedelta(minutes=settings.quote_valid_minutes),
    )
    return QuoteOut(
        id=str(row.id),
        facility=facility.slug,
        facility_name=facility.name,
        facility_timezone=facility.timezone,
        tariff_text=describe_tariff(tariff_of(facility), tenant.currency),
        license_plate=plate,
        duration_minutes=row.duration_minutes,
        parking_amount=row.parking_amount,
        service_fee_amount=row.service_fee_amount,
        total_amount=row.total_amount,
        currency=row.currency,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        expires_at=row.expires_at,
    )
