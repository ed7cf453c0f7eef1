"""Resolving a scanned sign, and the signed payload an operator's sign carries."""

import logging

from backend.auth.dependencies import OperatorContext
from backend.config import Settings
from backend.facilities import discovery
from backend.facilities.repository import FacilityRepository
from backend.kit.errors import NotFoundError
from backend.models import Facility
from shared.errors import ErrorCode, ParkflowError
from shared.qr import ParseError, make_sign_payload, parse_sign_payload, verify
from shared.schemas.qr import QrResolution

log = logging.getLogger("parkflow.qr")

NOT_SIGNED = (
    "This QR code was not made by Parkflow. It may be a sticker a scammer put over the sign: "
    "do not pay through it or type card details into the page it opens. "
    "Type the zone number printed on the sign instead."
)
FACILITY_GONE = (
    "This sign's parking facility is no longer on Parkflow. "
    "Type the zone number printed on the sign to find where to pay."
)


class QrNotSignedError(ParkflowError):
    code = ErrorCode.qr_not_signed

    def __init__(self) -> None:
        super().__init__(NOT_SIGNED)


def sign_payload(settings: Settings, facility: Facility) -> str:
    """The URL the facility's sign carries, signed with the current signing key."""
    key_id, key = next(iter(settings.qr_keys.items()))
    return make_sign_payload(settings.public_app_url, facility.slug, facility.zone_number, key_id, key)


async def resolve(settings: Settings, payload: str) -> QrResolution:
    """The facility a genuine sign points to. Anything not signed by us is refused with a warning,
    whatever the reason (the reason is logged, not shown: it only helps a forger)."""
    try:
        parsed = parse_sign_payload(payload, app_url=settings.public_app_url)
    except ParseError as exc:
        log.info("scanned code refused: %s", exc)
        raise QrNotSignedError() from None
    if not verify(parsed, settings.qr_keys):
        log.warning("scanned code with a bad signature for facility %r (key %r)", parsed.slug, parsed.key_id)
        raise QrNotSignedError()
    try:
        facility = await discovery.detail(parsed.slug)
    except NotFoundError:
        raise NotFoundError(FACILITY_GONE) from None
    return QrResolution(
        facility=facility,
        zone_number=parsed.zone_number,
        sign_outdated=facility.zone_number != parsed.zone_number,
    )


async def operator_facility(ctx: OperatorContext, slug: str) -> Facility:
    """One of the operator's facilities (another operator's is a 404; a super admin picks with X-Tenant)."""
    return await FacilityRepository(ctx.tenant_id).by_slug(slug)
