"""One stay or prepaid session of the operator, with its timeline."""

from datetime import UTC, datetime

from backend.auth.dependencies import OperatorContext
from backend.models import ParkingSession, Stay
from backend.records import views
from backend.records.repository import SessionRepository, StayRepository
from backend.records.session_timeline import session_timeline
from backend.records.stay_timeline import stay_timeline
from shared.schemas.admin_records import SessionDetail, StayDetail


async def stay_detail_of(stay: Stay, now: datetime | None = None) -> StayDetail:
    """`stay` with its facility (and the facility's tenant) and driver loaded."""
    now = now or datetime.now(UTC)
    email = stay.driver.email if stay.driver else None
    return StayDetail(
        **views.stay_fields(stay, stay.facility, email, now),
        free_until=stay.free_until,
        paid_until=stay.paid_until,
        parking_amount=stay.parking_amount,
        service_fee_amount=stay.service_fee_amount,
        entry_image_url=stay.entry_image_url,
        exit_image_url=stay.exit_image_url,
        failure_reason=stay.failure_reason,
        review_reason=stay.review_reason,
        timeline=await stay_timeline(stay, now),
    )


async def stay_detail(ctx: OperatorContext, stay_id: str) -> StayDetail:
    return await stay_detail_of(await StayRepository(ctx.tenant_id).detail(stay_id))


async def session_detail_of(session: ParkingSession, now: datetime | None = None) -> SessionDetail:
    now = now or datetime.now(UTC)
    email = session.driver.email if session.driver else None
    return SessionDetail(
        **views.session_fields(session, session.facility, email),
        paid_until=session.ends_at,
        stopped_at=session.stopped_at,
        parking_amount=session.parking_amount,
        service_fee_amount=session.service_fee_amount,
        refunded_amount=session.refunded_amount,
        provider_session_id=session.provider_session_id,
        failure_reason=session.failure_reason,
        timeline=await session_timeline(session, now),
    )


async def session_detail(ctx: OperatorContext, session_id: str) -> SessionDetail:
    return await session_detail_of(await SessionRepository(ctx.tenant_id).detail(session_id))
