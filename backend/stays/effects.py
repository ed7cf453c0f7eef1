"""What a stay change tells the outside world once its transaction has committed."""

import logging
from typing import Any
from uuid import UUID

from backend.kit.services import AppServices
from backend.notifications.events import notify_driver
from shared.schemas.events import DriverEventKind, EventPayload

log = logging.getLogger("parkflow.stays")


class AfterCommit:
    """Collects driver notifications and a job wake-up inside a transaction; `run()` after commit.

    A notification that fails is logged, never raised: the change it reports has already happened
    (and the camera or the driver must get their answer).
    """

    def __init__(self) -> None:
        self._notifications: list[tuple[UUID, DriverEventKind, dict[str, Any]]] = []
        self._wake = False

    def notify(self, driver_id: UUID | None, kind: DriverEventKind, payload: EventPayload) -> None:
        if driver_id is not None:
            self._notifications.append((driver_id, kind, payload.model_dump(mode="json")))

    def wake_jobs(self) -> None:
        self._wake = True

    def clear(self) -> None:
        self._notifications.clear()
        self._wake = False

    async def run(self, services: AppServices) -> None:
        if self._wake:
            services.jobs.wake()
        for driver_id, kind, payload in self._notifications:
            try:
                await notify_driver(services, driver_id, kind, payload)
            except Exception:
                log.exception("could not notify driver %s of %s", driver_id, kind)
        self.clear()
