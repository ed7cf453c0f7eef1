"""`GET /api/v1/me/export` and `DELETE /api/v1/me` (CONTRACT §5): a driver's data, and its erasure."""

from fastapi import APIRouter, Request, Response, status

from backend.auth.dependencies import CurrentDriver
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.privacy import erase, export
from shared.schemas.account import AccountDeletion, DriverExport

router = APIRouter(prefix="/api/v1/me", tags=["account"], responses=errors(401))


@router.get("/export", response_model=DriverExport)
async def export_my_data(driver: CurrentDriver, response: Response) -> DriverExport:
    """Everything we hold about you as one JSON file (sent as an attachment,
    `parkflow-my-data-<date>.json`): your profile and settings, vehicles, cards (brand and last four
    digits only), your prepaid sessions and the stays of your plates, passes, receipts and the
    notifications sent to your app."""
    data = await export.export_driver(driver)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(data.exported_at)}"'
    return data


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 409, 422, 429),
)
async def delete_my_account(
    body: AccountDeletion, driver: CurrentDriver, services: Services, request: Request
) -> None:
    """Delete your account and your personal data. Confirm with your password in the JSON body
    (`{"password": "..."}`): a wrong one is a 403 and deletes nothing (attempts are rate-limited
    like logins).

    Refused with a 409 `parking_in_progress` while you have a prepaid session running (stop it
    first), a car still parked at a camera lot, or an exit charge in progress.

    **Deleted**: your account (e-mail, name, password, settings), vehicles, saved cards (the
    processor's tokens), every login (refresh tokens; this access token stops working at once), your
    notifications and price quotes. You can register again with the same e-mail.

    **Kept, with nothing that links it to you**: the payments (amounts, operator, date, the
    processor's charge id) because operators must keep accounting records for years; the sessions,
    stays and passes with their plate and times, because enforcement checks and disputes are about
    plates (a pass you paid for stays valid for its plate until it ends). Receipt e-mails waiting
    in our outbox lose their address and content.

    **Out of our reach**: e-mails already delivered, the receipt address a parking provider was given
    when a session started there, and the card stored at the payment processor.
    """
    await erase.check_password(
        services, driver, body.password, request.client.host if request.client else "unknown"
    )
    await erase.refuse_while_parked(driver)
    await erase.erase_driver(driver)
