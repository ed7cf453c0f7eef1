"""What a tariff would charge, for the facility editor's live preview (before the tariff is saved).

Priced by the same rules as quotes and stays: `shared.pricing.quote` counting daily caps in the
facility's time zone (the operator's without a facility) and the operator's service fee
(`backend.stays.pricing.service_fee_of`), so the preview is what drivers will be charged.
"""

from datetime import UTC, datetime, timedelta

from backend.auth.dependencies import OperatorContext
from backend.facilities.admin_service import operator_tenant
from backend.facilities.repository import FacilityRepository
from backend.stays.pricing import service_fee_of
from shared.errors import ErrorCode, ParkflowError
from shared.pricing import MaxStayExceededError, check_max_stay, quote, service_fee_amount
from shared.schemas.admin_facilities import PreviewPrice, TariffPreview, TariffPreviewRequest
from shared.schemas.tariff import Tariff
from shared.tariff_text import describe_tariff, format_minutes

PREVIEW_MINUTES = (15, 60, 180, 1440)
# Far enough for "next summer's prices"; bounded so no date arithmetic can overflow.
MAX_START_DISTANCE = timedelta(days=366)


def _exceeds_max_stay(tariff: Tariff, minutes: int) -> bool:
    try:
        check_max_stay(tariff, minutes)
    except MaxStayExceededError:
        return True
    return False


async def preview(ctx: OperatorContext, body: TariffPreviewRequest) -> TariffPreview:
    tenant = operator_tenant(ctx)
    timezone = tenant.timezone
    if body.facility is not None:
        timezone = (await FacilityRepository(tenant.id).by_slug(body.facility)).timezone
    now = datetime.now(UTC).replace(microsecond=0)
    start_at = body.start_at or now
    if abs(start_at - now) > MAX_START_DISTANCE:
        raise ParkflowError("'start_at' must be within a year of now.", ErrorCode.validation_error)
    fee = service_fee_of(tenant)
    prices = []
    for minutes in PREVIEW_MINUTES:
        parking = quote(body.tariff, start_at, start_at + timedelta(minutes=minutes), timezone).parking_amount
        fee_amount = service_fee_amount(parking, fee)
        prices.append(
            PreviewPrice(
                duration_minutes=minutes,
                label=format_minutes(minutes),
                parking_amount=parking,
                service_fee_amount=fee_amount,
                total_amount=parking + fee_amount,
                currency=tenant.currency,
                exceeds_max_stay=_exceeds_max_stay(body.tariff, minutes),
            )
        )
    return TariffPreview(
        tariff_text=describe_tariff(body.tariff, tenant.currency),
        currency=tenant.currency,
        timezone=timezone,
        start_at=start_at,
        prices=prices,
    )
