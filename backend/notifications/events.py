"""What the driver's app hears about (server-sent events on `GET /api/v1/me/events`).

Kinds and payloads: `shared.schemas.events` (`entry_detected`, `free_period_ending`, `exit_charged`,
`payment_failed`, `stay_paid`, `pass_purchased`, `receipt_sent`; later `session_started`,
`expiring_soon`, `expired`).
"""

from typing import Any
from uuid import UUID

from tortoise import connections

from backend.kit.services import AppServices
from backend.models import DriverEvent
from backend.notifications.broker import CHANNEL, EXTRAS_KEY


async def notify_driver(
    services: AppServices, driver_id: UUID, kind: str, payload: dict[str, Any]
) -> DriverEvent:
    """Record an event for the driver and wake their open event streams.

    Call it after the change it reports has committed (or outside a transaction): a stream woken
    before the commit would not see the row until its next periodic look. The payload must be JSON
    (ids and timestamps as strings: `str(uuid)`, `dt.isoformat()`).
    """
    event = await DriverEvent.create(driver_id=driver_id, kind=kind, payload=payload)
    broker = services.extras.get(EXTRAS_KEY)
    if broker is not None:
        broker.wake(driver_id)
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        # Other processes (uvicorn workers, `parkflow worker`) hear it at once (see broker.py).
        await connection.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, str(driver_id)])
    return event
