"""The in-process event broker behind `GET /api/v1/me/events`.

The `driver_event` table is the source of truth: a stream reads the driver's rows with an id above
the last one it sent, in id order. So the order is the table's, a reconnecting app replays what it
missed (`Last-Event-ID`), and events written by another process (`parkflow worker`, another uvicorn
worker) are delivered too. The broker only decides *when* a stream reads:

* at once when this process wrote the event (`notify_driver` calls `wake(driver_id)`);
* on PostgreSQL, from any process at once: `notify_driver` sends `NOTIFY parkflow_driver_events`
  with the driver id, and each process with open streams LISTENs on one dedicated connection;
* otherwise (SQLite with a `parkflow worker`, or a lost notification) within `poll_seconds`: one
  shared poller per process reads `max(id)` (a primary-key lookup) while any stream is open and
  wakes only the drivers with new rows.

On PostgreSQL an id is taken at insert and becomes visible at commit, so two events of *one* driver
committed within the same instant by two processes could become visible out of id order; events are
written in their own short autocommit insert (`notify_driver`), which keeps that window tiny.

A stream holds no database connection while it waits. It is cancelled when the client goes away
(Starlette watches for the disconnect) and unregisters itself; the poller ends within a second of
the last stream.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from backend.models import DriverEvent

log = logging.getLogger("parkflow.events")

EXTRAS_KEY = "event_broker"
BATCH = 100
CHANNEL = "parkflow_driver_events"


async def latest_event_id(driver_id: UUID | None = None) -> int:
    """The newest event id (of one driver, or of everyone); 0 when there is none."""
    query = DriverEvent.all() if driver_id is None else DriverEvent.filter(driver_id=driver_id)
    ids = await query.order_by("-id").limit(1).values_list("id", flat=True)
    return ids[0] if ids else 0


class EventBroker:
    def __init__(self, poll_seconds: float = 1.0, postgres_dsn: str | None = None) -> None:
        self._poll_seconds = poll_seconds
        self._postgres_dsn = postgres_dsn
        self._listener: Any = None  # the asyncpg connection that LISTENs (PostgreSQL only)
        self._listen_task: asyncio.Task | None = None
        self._signals: dict[UUID, set[asyncio.Event]] = {}
        self._poller: asyncio.Task | None = None
        self._seen_id = 0

    @property
    def open_streams(self) -> int:
        return sum(len(signals) for signals in self._signals.values())

    @property
    def polling(self) -> bool:
        return self._poller is not None and not self._poller.done()

    async def start_after(self, driver_id: UUID, last_event_id: int | None) -> int:
        """Where a new stream starts: after the id the app last saw, or (none given) after the
        driver's newest event, so only new events come. An id from before the database was emptied
        (above every id there is) also starts from now."""
        if last_event_id is not None and last_event_id <= await latest_event_id():
            return last_event_id
        return await latest_event_id(driver_id)

    def wake(self, driver_id: UUID | str) -> None:
        """Make the driver's open streams read now (after the event's row has committed)."""
        if not isinstance(driver_id, UUID):
            driver_id = UUID(str(driver_id))
        for signal in self._signals.get(driver_id, ()):
            signal.set()

    async def stream(self, driver_id: UUID, after_id: int) -> AsyncIterator[DriverEvent]:
        """The driver's events with an id above `after_id`, oldest first, then each new one as it
        comes, until the caller stops iterating (or is cancelled)."""
        signal = asyncio.Event()
        self._signals.setdefault(driver_id, set()).add(signal)
        self._ensure_poller()
        try:
            while True:
                signal.clear()  # before reading: a wake during the read is not lost
                events = await (
                    DriverEvent.filter(driver_id=driver_id, id__gt=after_id).order_by("id").limit(BATCH)
                )
                for event in events:
                    after_id = event.id
                    yield event
                if len(events) < BATCH:
                    await signal.wait()
        finally:
            signals = self._signals.get(driver_id)
            if signals is not None:
                signals.discard(signal)
                if not signals:
                    del self._signals[driver_id]

    def _ensure_listener(self) -> None:
        if self._postgres_dsn and self._listen_task is None:
            self._listen_task = asyncio.create_task(self._listen(), name="parkflow-event-listener")

    async def _listen(self) -> None:
        import asyncpg

        try:
            dsn = self._postgres_dsn.replace("postgres://", "postgresql://", 1).split("?", 1)[0]
            self._listener = await asyncpg.connect(dsn)
            await self._listener.add_listener(CHANNEL, lambda _c, _p, _ch, payload: self.wake(payload))
        except Exception:  # the poller still delivers, only later
            log.exception("could not LISTEN for driver events; falling back to polling")
            self._listen_task = None

    async def close(self) -> None:
        if self._listen_task is not None:
            await asyncio.gather(self._listen_task, return_exceptions=True)
            self._listen_task = None
        if self._listener is not None:
            await self._listener.close()
            self._listener = None

    def _ensure_poller(self) -> None:
        self._ensure_listener()
        if not self.polling:
            # Start from 0: the first look wakes every connected driver that has any event once
            # (a cheap re-read), so a row written just before the poller started is never missed.
            self._seen_id = 0
            self._poller = asyncio.create_task(self._poll(), name="parkflow-event-poller")

    async def _poll(self) -> None:
        # Ends by itself once no stream is left (never cancelled mid-query).
        while self._signals:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self._look()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away; keep the streams alive
                log.exception("driver event poll failed; retrying")

    async def _look(self) -> None:
        top = await latest_event_id()
        if top < self._seen_id:
            self._seen_id = 0  # the table was emptied (ids restarted): look at everything again
        if top == self._seen_id or not self._signals:
            return
        drivers = (
            await DriverEvent.filter(id__gt=self._seen_id, id__lte=top, driver_id__in=list(self._signals))
            .distinct()
            .values_list("driver_id", flat=True)
        )
        self._seen_id = top
        for driver_id in drivers:
            self.wake(driver_id)
