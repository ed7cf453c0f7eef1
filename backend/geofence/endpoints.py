"""`POST /api/v1/geofence/events`: entry and exit at geofence lots, reported by the driver's phone."""

from fastapi import APIRouter, Response, status

from backend.auth.dependencies import CurrentDriver
from backend.geofence import service
from backend.kit.openapi import errors
from backend.kit.services import Services
from shared.schemas.geofence import GeofenceAccepted, GeofenceEvent

router = APIRouter(prefix="/api/v1/geofence", tags=["geofence"], responses=errors(401))

_UNCHANGED = {
    "model": GeofenceAccepted,
    "description": "Nothing changed: the same event again, or an enter while the stay is already open",
}


@router.post(
    "/events",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=GeofenceAccepted,
    responses={200: _UNCHANGED, **errors(403, 404, 409, 422)},
)
async def report_geofence_event(
    body: GeofenceEvent, driver: CurrentDriver, services: Services, response: Response
) -> GeofenceAccepted:
    """Your phone saw one of your vehicles enter or leave a facility with `detection: geofence`.

    An **enter** opens a stay, exactly as a camera's entry would: free period, running amount and
    "entry detected" notification included (`GET /api/v1/sessions` shows it). An **exit** ends it:
    it is priced with the facility's tariff and, with auto-pay on and a default card, charged in the
    background (status `payment_pending`, then `paid`, a receipt and an "exit charged"
    notification); otherwise it is left `unpaid` to pay in the app. Answers 202 with the stay.

    Answers 200 with the stay, changing nothing, for the same event sent again (same facility,
    plate, event and `occurred_at`) and for an enter while the stay is already open.

    Refused, with nothing changed: an unknown facility (404 `not_found`; any operator's facility
    is fine); a facility with cameras or paid by zone (409 `not_a_geofence_facility`); a plate that
    is not one of your vehicles (403 `plate_not_yours`); an exit with no open stay to end (409
    `no_open_stay`); a position accurate to worse than 100 m (422 `position_inaccurate`) or farther
    outside the facility's outline than its accuracy plus 10 m (422 `position_outside_facility`);
    an `occurred_at` more than a minute ahead (422 `event_in_future`), over 10 minutes old (422
    `event_too_old`) or without an offset (422 `naive_timestamp`). The limits are platform settings
    (`PARKFLOW_GEOFENCE_*`); these are their defaults.
    """
    applied = await service.record_event(services, driver, body)
    if not applied.changed:
        response.status_code = status.HTTP_200_OK
    return GeofenceAccepted(session_id=applied.session_id, status=applied.status)
