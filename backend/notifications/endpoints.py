"""`GET /api/v1/me/events`: the driver's notifications as server-sent events."""

from collections.abc import AsyncIterable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent

from backend.auth.dependencies import CurrentDriver
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.notifications.broker import EXTRAS_KEY, EventBroker

router = APIRouter(prefix="/api/v1/me", tags=["notifications"])

RECONNECT_MS = 3000


def _json_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    # With `model=`, FastAPI would document the error body under the route's own media type
    # (text/event-stream); errors are JSON like everywhere else.
    documented = errors(*statuses)
    for doc in documented.values():
        doc.pop("model")
        doc["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/ErrorBody"}
    return documented


@router.get(
    "/events",
    summary="Your notifications (server-sent events)",
    response_class=EventSourceResponse,
    responses=_json_errors(401, 422),
)
async def driver_events(
    driver: CurrentDriver,
    services: Services,
    last_event_id: Annotated[
        int | None,
        Header(
            alias="Last-Event-ID",
            ge=0,
            description="The id of the last event the app received: replay everything after it. "
            "Browsers send it by themselves when they reconnect.",
            examples=[1042],
        ),
    ] = None,
    since: Annotated[
        int | None,
        Query(
            ge=0,
            description="Same as `Last-Event-ID`, for clients that cannot set headers. The header wins "
            "when both are sent (a reconnecting browser sends a newer id in it).",
            examples=[1042],
        ),
    ] = None,
) -> AsyncIterable[ServerSentEvent]:
    """Your notifications as they happen (`text/event-stream`).

    Each event is `id: <event id>`, `event: <kind>`, `data: <JSON payload>`. Without `Last-Event-ID`
    (or `since`) only events from now on come: load the current state with the other endpoints
    first. With it, every event after that id is replayed first, in order, then new ones follow. The
    stream opens with a `: connected` comment and `retry: 3000`, and sends a `: ping` comment when
    idle for 15 s (keeps proxies from closing it). Events reach an open stream within 100 ms when
    raised in the same API process, and within about a second from another process.

    Kinds (`data` fields; amounts in minor units beside `currency`, times UTC ISO 8601):

    * `entry_detected`: a camera saw your plate enter: `stay_id`, `facility`, `facility_name`,
      `license_plate`, `entered_at`, `free_until` (null: no free period).
    * `free_period_ending`: the free period of an open, unpaid stay ends soon (5 minutes before by
      default): `stay_id`, `facility`, `facility_name`, `license_plate`, `free_until`, `minutes_left`.
    * `exit_charged`: you left and your card was charged: `stay_id`, `facility`, `facility_name`,
      `license_plate`, `exited_at`, `payment_id`, `parking_amount`, `service_fee_amount`,
      `total_amount`, `currency`.
    * `payment_failed`: a charge did not go through (the stay stays unpaid): `payment_id`, `stay_id`,
      `facility`, `license_plate`, `amount`, `currency`, `reason` (a sentence to show).
    * `stay_paid`: you paid an open stay in the app: `stay_id`, `facility`, `license_plate`,
      `payment_id`, `paid_until`, `amount`, `currency`.
    * `pass_purchased`: `pass_id`, `payment_id`, `facility`, `product`, `license_plate`,
      `valid_from`, `valid_until`, `amount`, `currency`.
    * `receipt_sent`: the receipt e-mail went out: `payment_id`, `receipt_number`, `email`.

    The models are in `shared.schemas.events`; apps must ignore fields they do not know.
    """
    broker: EventBroker = services.extras[EXTRAS_KEY]
    after_id = await broker.start_after(driver.id, last_event_id if last_event_id is not None else since)
    yield ServerSentEvent(comment="connected", retry=RECONNECT_MS)
    async for event in broker.stream(driver.id, after_id):
        yield ServerSentEvent(id=str(event.id), event=event.kind, data=event.payload)
