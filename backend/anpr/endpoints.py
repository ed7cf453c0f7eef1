"""`POST /webhook`: camera and barrier events from the operators' ANPR systems (CONTRACT §4)."""

from fastapi import APIRouter, status

from backend.anpr import intake
from backend.auth.dependencies import WebhookCaller
from backend.kit.openapi import errors
from backend.kit.services import Services
from shared.schemas.webhook import WebhookAccepted, WebhookEvent

router = APIRouter(tags=["webhook"])


@router.post(
    "/webhook",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookAccepted,
    responses=errors(400, 401, 404, 422),
)
async def receive_camera_event(
    body: WebhookEvent, tenant_id: WebhookCaller, services: Services
) -> WebhookAccepted:
    """A camera saw a plate enter or leave a facility (`Authorization: Bearer <webhook token>`).

    An **entry** opens a stay. An **exit** closes it and prices it with the facility's tariff (in the
    facility's local time); when the plate belongs to a driver with auto-pay on and a default card,
    the card is charged in the background (status `payment_pending`, then `paid`, with a receipt by
    e-mail and a notification in the app); otherwise the stay is `unpaid` for the invoice workflow.
    Nothing due (free period, or paid in the app) makes it `paid` at once.

    The same event delivered again (same facility, plate, event and timestamp) changes nothing and
    answers the same `session_id`. An entry while a stay is open closes the old one as
    `needs_review`; an exit without an open stay is kept as `needs_review`. Events may arrive out of
    order: an entry delivered after its exit completes that stay.

    `facility_id` is the facility's slug; an unknown facility, or another operator's, is a 404. A
    timestamp without an offset is a 422 `naive_timestamp`; an unreadable plate a 422 `invalid_plate`;
    a body that is not JSON a 400 `malformed_json`.
    """
    return await intake.receive(services, tenant_id, body)
