"""A small backend served by uvicorn on 127.0.0.1 for the app's HTTP transport and event stream:
the token endpoints with rotation, the contract's error bodies, a non-JSON 500, and `/me/events`
answering one scripted batch of events per connection."""

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse

V1 = "/api/v1"
SseBatch = list[str] | int  # the SSE text blocks of one connection, or an HTTP status to answer instead


@dataclass
class Wire:
    """What the backend accepts and what it saw; tests change it between calls."""

    access: str = "access-1"
    refresh: str = "rt-1"
    generation: int = 1
    refresh_ok: bool = True
    refresh_delay_s: float = 0.0
    refresh_calls: int = 0
    batches: deque[SseBatch] = field(default_factory=deque)
    event_requests: list[dict[str, str | None]] = field(default_factory=list)
    seen: list[dict[str, Any]] = field(default_factory=list)


def sse(event_id: int | None, kind: str, data: Any) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"event: {kind}", f"data: {json.dumps(data)}"]
    return "\n".join(lines) + "\n\n"


def _unauthorized() -> JSONResponse:
    return JSONResponse({"detail": "Sign in to continue.", "code": "not_authenticated"}, status_code=401)


def build_app(wire_of: Any) -> FastAPI:
    """`wire_of()` answers the current test's `Wire`."""
    app = FastAPI()

    def authorized(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {wire_of().access}"

    @app.post(f"{V1}/auth/refresh")
    async def refresh(request: Request) -> Response:
        wire = wire_of()
        wire.refresh_calls += 1
        body = await request.json()
        await asyncio.sleep(wire.refresh_delay_s)
        if not wire.refresh_ok or body.get("refresh_token") != wire.refresh:
            detail = {"detail": "Your sign-in has expired; sign in again.", "code": "token_expired"}
            return JSONResponse(detail, status_code=401)
        wire.generation += 1
        wire.access, wire.refresh = f"access-{wire.generation}", f"rt-{wire.generation}"
        tokens = {"access_token": wire.access, "refresh_token": wire.refresh, "expires_in": 900}
        return JSONResponse(tokens)

    @app.get(f"{V1}/auth/me")
    async def me(request: Request) -> Response:
        if not authorized(request):
            return _unauthorized()
        return JSONResponse({"id": "d-1", "email": "aino@example.test", "name": "Aino"})

    @app.api_route(f"{V1}/echo", methods=["GET", "POST"])
    async def echo(request: Request) -> Response:
        body = await request.body()
        seen = {
            "method": request.method,
            "params": dict(request.query_params),
            "authorization": request.headers.get("authorization"),
            "idempotency_key": request.headers.get("idempotency-key"),
            "content_type": request.headers.get("content-type"),
            "body": body.decode(),
        }
        wire_of().seen.append(seen)
        return JSONResponse(seen)

    @app.get(f"{V1}/always-401")
    async def always_401() -> Response:
        return _unauthorized()

    @app.get(f"{V1}/fail/contract")
    async def fail_contract() -> Response:
        body = {"detail": "ABC-123 is already one of your vehicles.", "code": "duplicate_vehicle"}
        return JSONResponse(body, status_code=409)

    @app.get(f"{V1}/fail/html")
    async def fail_html() -> Response:
        return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>", status_code=500)

    @app.get(f"{V1}/fail/teapot")
    async def fail_teapot() -> Response:
        return PlainTextResponse("I'm a teapot", status_code=418)

    @app.get(f"{V1}/fail/no-code")
    async def fail_no_code() -> Response:
        return JSONResponse({"detail": "Not Found"}, status_code=404)

    @app.get(f"{V1}/me/events")
    async def events(request: Request) -> Response:
        wire = wire_of()
        wire.event_requests.append(
            {
                "authorization": request.headers.get("authorization"),
                "last_event_id": request.headers.get("last-event-id"),
                "accept": request.headers.get("accept"),
            }
        )
        if not authorized(request):
            return _unauthorized()
        batch = wire.batches.popleft() if wire.batches else []
        if isinstance(batch, int):
            return PlainTextResponse("unavailable", status_code=batch)

        async def body() -> AsyncIterator[str]:
            for block in batch:
                yield block
                await asyncio.sleep(0)

        return StreamingResponse(body(), media_type="text/event-stream")

    return app
