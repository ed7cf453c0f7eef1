"""The provider API of CONTRACT §6, served once per flavour under its base path, and the token endpoint."""

import json
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field

from backend.providers.sandbox.config import ConnectionConfig
from backend.providers.sandbox.guard import (
    Call,
    SandboxError,
    basic_credentials,
    enter,
    guard,
    sandbox_state,
)
from backend.providers.sandbox.state import Session
from shared.plates import InvalidPlateError, normalize_plate

MAX_DURATION_MINUTES = 30 * 24 * 60


def _number_as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class StartBody(BaseModel):
    zone_number: Annotated[str, BeforeValidator(_number_as_text), Field(min_length=1, max_length=50)] = Field(
        examples=["1234"]
    )
    license_plate: str = Field(min_length=1, max_length=40, examples=["ABC-123"])
    duration: int = Field(gt=0, le=MAX_DURATION_MINUTES, description="Minutes", examples=[60])
    receipt_email: str | None = Field(default=None, max_length=254, examples=["driver@example.test"])


class ExtendBody(BaseModel):
    duration: int = Field(gt=0, le=MAX_DURATION_MINUTES, description="Minutes to add", examples=[30])


def _plate(raw: str) -> str:
    try:
        return normalize_plate(raw)
    except InvalidPlateError as exc:
        raise SandboxError(422, "invalid_plate", exc.detail) from None


def _owned(call: Call, session_id: str) -> Session:
    session = call.state.sessions.get(session_id)
    if session is None or session.connection != call.connection.name:
        raise SandboxError(404, "session_not_found", f"There is no parking session '{session_id}'.")
    return session


def sessions_router(flavour: str) -> APIRouter:
    """The session endpoints of one flavour; mount it at that flavour's base path."""
    router = APIRouter(tags=[f"{flavour} provider API"])

    # Each endpoint authenticates for this flavour, is counted and may fire a fault before its body is read.
    start_call = Annotated[Call, Depends(guard(flavour, "start"))]
    get_call = Annotated[Call, Depends(guard(flavour, "get"))]
    stop_call = Annotated[Call, Depends(guard(flavour, "stop"))]
    extend_call = Annotated[Call, Depends(guard(flavour, "extend"))]
    rights_call = Annotated[Call, Depends(guard(flavour, "rights"))]

    @router.post("/sessions", status_code=201, summary="Start a parking session")
    async def start(body: StartBody, call: start_call) -> JSONResponse:
        state, connection = call.state, call.connection
        plate = _plate(body.license_plate)
        if connection.zones is not None and body.zone_number not in connection.zones:
            raise SandboxError(
                422,
                "unknown_zone",
                f"Zone {body.zone_number} is not a zone of this operator "
                f"(zones: {', '.join(connection.zones)}).",
            )
        existing = state.active_session(connection.name, body.zone_number, plate)
        if existing is not None:
            raise SandboxError(
                409,
                "already_parked",
                f"Vehicle {body.license_plate} is already parked in zone {body.zone_number} "
                f"(session {existing.session_id}); extend that session instead.",
            )
        now = state.now()
        session = Session(
            session_id=state.new_session_id(connection),
            connection=connection.name,
            zone_number=body.zone_number,
            license_plate=body.license_plate.strip(),
            plate_normalized=plate,
            receipt_email=body.receipt_email,
            start_time=now,
            end_time=now + timedelta(minutes=body.duration),
        )
        state.sessions[session.session_id] = session
        state.count(connection.name, "sessions_created")
        await call.finish()
        return JSONResponse(
            session.wire(state.now()),
            status_code=201,
            headers={"Location": f"{connection.layout.base_path}/sessions/{session.session_id}"},
        )

    @router.get("/sessions/{session_id}", summary="A parking session")
    async def get(session_id: str, call: get_call) -> dict:
        session = _owned(call, session_id)
        await call.finish()
        return session.wire(call.state.now())

    @router.post("/sessions/{session_id}/stop", summary="Stop a session now (stopping twice is harmless)")
    async def stop(session_id: str, call: stop_call) -> dict:
        session = _owned(call, session_id)
        now = call.state.now()
        status = session.status(now)
        if status == "expired":
            raise SandboxError(
                409,
                "session_not_active",
                f"Session {session_id} already ended at its end time; nothing to stop.",
            )
        if status == "active":
            session.stopped = True
            session.end_time = now
        await call.finish()
        return session.wire(call.state.now())

    @router.post("/sessions/{session_id}/extend", summary="Add minutes to an active session")
    async def extend(session_id: str, body: ExtendBody, call: extend_call) -> dict:
        session = _owned(call, session_id)
        if session.status(call.state.now()) != "active":
            raise SandboxError(
                409, "session_not_active", f"Session {session_id} is no longer active; start a new session."
            )
        session.end_time += timedelta(minutes=body.duration)
        await call.finish()
        return session.wire(call.state.now())

    @router.get("/rights", summary="A vehicle's active and recent (24 h) sessions")
    async def rights(
        call: rights_call,
        license_plate: Annotated[str, Query(min_length=1, max_length=40, examples=["ABC-123"])],
    ) -> dict:
        sessions = call.state.rights(call.connection.name, _plate(license_plate))
        await call.finish()
        now = call.state.now()
        return {"rights": [session.wire(now) for session in sessions]}

    return router


token_router = APIRouter(tags=["passport OAuth2"])


@token_router.post(
    "/passport/oauth/token",
    summary="OAuth2 client credentials (form or JSON body, or HTTP Basic for the client)",
)
async def token(request: Request) -> JSONResponse:
    state = sandbox_state(request)
    fields = await _token_fields(request)
    if fields.get("grant_type") != "client_credentials":
        raise SandboxError(
            400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.", oauth=True
        )
    basic = basic_credentials(request.headers.get("authorization", ""))
    client_id, client_secret = basic or (fields.get("client_id"), fields.get("client_secret"))
    if not client_id or not client_secret:
        raise SandboxError(
            400,
            "invalid_request",
            "Send client_id and client_secret (in the body or as HTTP Basic).",
            oauth=True,
        )
    connection = _passport_client(state.connections.values(), client_id)
    if connection is None or not secrets.compare_digest(
        (connection.client_secret or "").encode(), client_secret.encode()
    ):
        state.count(connection.name if connection else None, "unauthorized")
        raise SandboxError(
            401,
            "invalid_client",
            "The client_id or client_secret is wrong.",
            {"WWW-Authenticate": 'Basic realm="provider-sandbox"'},
            oauth=True,
        )
    call = Call(state, connection, await enter(state, connection, "token"))
    access_token = state.issue_token(connection)
    state.count(connection.name, "tokens_issued")
    await call.finish()
    return JSONResponse(
        {"access_token": access_token, "token_type": "bearer", "expires_in": connection.token_expires_in},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _passport_client(connections, client_id: str) -> ConnectionConfig | None:
    return next((c for c in connections if c.flavour == "passport" and c.client_id == client_id), None)


async def _token_fields(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
        try:
            raw = json.loads(await request.body() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SandboxError(400, "invalid_request", "The body is not valid JSON.", oauth=True) from None
        if not isinstance(raw, dict):
            raise SandboxError(400, "invalid_request", "The body must be a JSON object.", oauth=True)
        return {key: value for key, value in raw.items() if isinstance(value, str)}
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}
