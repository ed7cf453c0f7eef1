"""The driver's notifications from `GET /api/v1/me/events` (server-sent events), reconnecting with
`Last-Event-ID` so nothing is missed while the phone was between cells."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from mobile.services.errors import ApiError
from mobile.services.http import HttpTransport

log = logging.getLogger(__name__)

EVENTS_PATH = "/api/v1/me/events"
RETRY_S = 3.0


@dataclass
class DriverEvent:
    """One notification: its id in the stream, its kind and its JSON payload."""

    id: int | None
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


class EventSource(Protocol):
    """Yields the driver's events forever (until cancelled), reconnecting by itself."""

    def stream(self) -> AsyncIterator[DriverEvent]: ...


def parse_sse(lines: list[str]) -> DriverEvent | None:
    """One SSE block (the lines up to a blank line) as an event; None for comments and retry hints."""
    event_id: int | None = None
    kind = "message"
    data: list[str] = []
    for line in lines:
        if not line or line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id" and value.isdigit():
            event_id = int(value)
        elif name == "event":
            kind = value
        elif name == "data":
            data.append(value)
    if not data:
        return None
    try:
        payload = json.loads("\n".join(data))
    except ValueError:
        log.warning("ignoring an event whose data is not JSON: %r", data)
        return None
    return DriverEvent(event_id, kind, payload if isinstance(payload, dict) else {"value": payload})


class HttpEventSource:
    """SSE over the app's transport (same tokens, renewed on 401)."""

    def __init__(self, transport: HttpTransport, *, retry_s: float = RETRY_S) -> None:
        self.http = transport
        self.retry_s = retry_s
        self.last_event_id: int | None = None

    async def stream(self) -> AsyncIterator[DriverEvent]:
        while True:
            try:
                async for event in self._once():
                    yield event
            except (httpx.HTTPError, ApiError) as exc:
                log.info("event stream interrupted (%s); reconnecting", exc)
            await asyncio.sleep(self.retry_s)

    async def _once(self) -> AsyncIterator[DriverEvent]:
        if not self.http.signed_in:
            return
        headers = {**self.http.auth_headers(), "Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        timeout = httpx.Timeout(10.0, read=60.0)  # the server pings every 15 s
        async with self.http.client.stream("GET", EVENTS_PATH, headers=headers, timeout=timeout) as response:
            if response.status_code == 401:
                await self.http.request("GET", "/api/v1/auth/me")  # renews the token (or signs out)
                return
            if not response.is_success:
                return
            block: list[str] = []
            async for line in response.aiter_lines():
                if line:
                    block.append(line)
                    continue
                event = parse_sse(block)
                block = []
                if event is None:
                    continue
                if event.id is not None:
                    self.last_event_id = event.id
                yield event
