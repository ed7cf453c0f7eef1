"""`DELETE /api/v1/me`: erase a driver's account and personal data, keep the bookkeeping.

The account row is deleted, not kept as an anonymised tombstone: what stays behind then holds no id
that would tie the kept records to one another or to the person. The foreign keys do the rest in the
same statement (declared in the models, created by the migrations, enforced on both engines):

* deleted with the account (`CASCADE`): vehicles, saved cards (the processor's tokens), refresh
  tokens (every login ends; an access token is refused once its account is gone), the app's
  notifications, price quotes;
* kept and unlinked (`SET NULL`): payments, prepaid sessions, stays and passes. Operators must keep
  their accounting records for years, and the plate-level records answer enforcement checks and
  disputes (a pass already paid for stays valid for its plate until it ends). They keep the plate,
  times, amounts, the operator and the processor's charge id; no name, e-mail, card or account.

Receipt e-mails in the outbox keep their subject (receipt number, facility, total) and lose the
address and body (name, plate, card). Out of reach from here, and said so in the endpoint's docs:
e-mails already delivered, the receipt address given to an external parking provider when a
session started there, and the card at the payment processor (the gateway Protocol has no way to
detach a token yet; a processor that has one would be called here).
"""

from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from backend.kit.errors import ConflictError, ForbiddenError
from backend.kit.services import AppServices
from backend.models import Driver, OutboundEmail, ParkingSession, Stay
from backend.stays.repository import DriverParking
from shared.errors import ErrorCode

ERASED_ADDRESS = "erased@erased.invalid"
ERASED_BODY = "The recipient's account was deleted; this message's content was erased."


async def check_password(services: AppServices, driver: Driver, password: str, address: str) -> None:
    """The driver's own password, rate-limited like a login (a stolen access token alone cannot
    delete an account, nor guess the password quickly)."""
    await services.login_limiter.hit("driver-erase", driver.email, address)
    if not await services.passwords.verify(password, driver.password_hash):
        raise ForbiddenError("The password is wrong; your account was not deleted.")


async def refuse_while_parked(driver: Driver) -> None:
    """A 409 `parking_in_progress` while money may still move for the driver: a prepaid session
    starting or running, a stay of their plate still open, or an exit charge in progress."""
    now = datetime.now(UTC)
    session = (
        await ParkingSession.filter(
            Q(status="pending") | Q(status="active", ends_at__gt=now), driver_id=driver.id
        )
        .select_related("facility")
        .first()
    )
    if session is not None:
        raise ConflictError(
            f"Your parking session for {session.plate} at {session.facility.name} is still running; stop "
            "it first, then delete your account.",
            ErrorCode.parking_in_progress,
        )
    open_stays = await DriverParking(driver).stays(active_only=True, limit=1)
    if open_stays:
        stay = open_stays[0]
        raise ConflictError(
            f"Your car {stay.plate} is still parked at {stay.facility.name}; delete your account once it "
            "has left and the stay is paid.",
            ErrorCode.parking_in_progress,
        )
    charging = (
        await Stay.filter(driver_id=driver.id, status="payment_pending").select_related("facility").first()
    )
    if charging is not None:
        raise ConflictError(
            f"The charge for your stay at {charging.facility.name} is still being made; try again in a "
            "minute.",
            ErrorCode.parking_in_progress,
        )


async def erase_driver(driver: Driver) -> None:
    """Delete the account and its personal data (see the module doc); one transaction."""
    async with in_transaction():
        await OutboundEmail.filter(to_address=driver.email).update(
            to_address=ERASED_ADDRESS, body_text=ERASED_BODY, body_html=None, last_error=None
        )
        await Driver.filter(id=driver.id).delete()
