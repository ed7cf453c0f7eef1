"""What a stay costs at a given moment: the facility's tariff in the facility's timezone, plus the
operator's service fee (both from `shared.pricing`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.models import Facility, Tenant
from shared.pricing import ALWAYS_FREE_MINUTES, free_minutes, quote, service_fee_amount
from shared.schemas.tariff import ServiceFee, Tariff


@dataclass(frozen=True)
class StayAmounts:
    parking_amount: int
    service_fee_amount: int
    charged_until: datetime  # the end of the last started increment (the minimum charge included)

    @property
    def total_amount(self) -> int:
        return self.parking_amount + self.service_fee_amount


def tariff_of(facility: Facility) -> Tariff:
    return Tariff.model_validate(facility.tariff)


def service_fee_of(tenant: Tenant) -> ServiceFee:
    return ServiceFee(percent=tenant.service_fee_percent, fixed_amount=tenant.service_fee_fixed_amount)


def free_until(facility: Facility, entered_at: datetime) -> datetime | None:
    """The end of the free period of a stay entering at `entered_at` (None: no free period; a
    tariff that is free throughout answers None too, as `shared.pricing.quote` does)."""
    minutes = free_minutes(tariff_of(facility))
    if minutes in (0, ALWAYS_FREE_MINUTES):
        return None
    return entered_at + timedelta(minutes=minutes)


def amounts(facility: Facility, tenant: Tenant, entered_at: datetime, until: datetime) -> StayAmounts:
    """The price of the stay from `entered_at` to `until` (every started increment counts)."""
    priced = quote(tariff_of(facility), entered_at, max(until, entered_at), facility.timezone)
    fee = service_fee_amount(priced.parking_amount, service_fee_of(tenant))
    return StayAmounts(
        parking_amount=priced.parking_amount,
        service_fee_amount=fee,
        charged_until=priced.starts_at + timedelta(minutes=priced.charged_minutes),
    )


def split_due(total: StayAmounts, paid_parking: int, paid_total: int) -> tuple[int, int]:
    """The amount still due as (parking, service fee) lines, given what earlier payments covered.

    The service fee of the whole stay is at least the fee of any part of it (the fee grows with the
    parking amount), so both lines are never negative.
    """
    due = max(0, total.total_amount - paid_total)
    parking = min(due, max(0, total.parking_amount - paid_parking))
    return parking, due - parking
