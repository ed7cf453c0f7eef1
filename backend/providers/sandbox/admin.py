"""`/_sandbox/...`: script faults, inspect sessions and counters, reset, shift the clock.

No credentials: the sandbox binds to loopback by default and is for demos and tests only.
"""

from datetime import timedelta
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend.providers.sandbox.faults import FaultSpec
from backend.providers.sandbox.guard import SandboxError, sandbox_state
from backend.providers.sandbox.state import SandboxState, iso
from shared.plates import InvalidPlateError, normalize_plate

router = APIRouter(prefix="/_sandbox", tags=["sandbox admin"])
State = Annotated[SandboxState, Depends(sandbox_state)]


@router.get("/faults", summary="Active faults, oldest (first to fire) first")
async def list_faults(state: State) -> dict:
    return {"faults": [fault.as_dict() for fault in state.faults.faults]}


@router.post("/faults", status_code=201, summary="Add a fault")
async def add_fault(spec: FaultSpec, state: State) -> dict:
    if spec.connection is not None:
        connection = state.connections.get(spec.connection)
        if connection is None:
            known = ", ".join(state.connections)
            raise SandboxError(
                422, "unknown_connection", f"There is no connection '{spec.connection}' (known: {known})."
            )
        if spec.kind == "expire_token" and connection.layout.auth != "oauth2":
            raise SandboxError(
                422,
                "validation_error",
                f"'{spec.connection}' uses an API key, which does not expire; "
                "expire_token needs a passport (OAuth2) connection.",
            )
    return state.faults.add(spec).as_dict()


@router.delete("/faults", status_code=204, summary="Remove every fault and release stalled requests")
async def clear_faults(state: State) -> Response:
    state.faults.clear()
    state.release_stalls()
    return Response(status_code=204)


@router.delete("/faults/{fault_id}", status_code=204, summary="Remove one fault")
async def delete_fault(fault_id: str, state: State) -> Response:
    if not state.faults.remove(fault_id):
        raise SandboxError(404, "fault_not_found", f"There is no active fault '{fault_id}'.")
    return Response(status_code=204)


@router.get("/sessions", summary="Every session (all connections), optionally filtered")
async def list_sessions(
    state: State,
    connection: Annotated[str | None, Query()] = None,
    license_plate: Annotated[str | None, Query()] = None,
) -> dict:
    plate = None
    if license_plate is not None:
        try:
            plate = normalize_plate(license_plate)
        except InvalidPlateError as exc:
            raise SandboxError(422, "invalid_plate", exc.detail) from None
    now = state.now()
    sessions = sorted(state.sessions.values(), key=lambda s: (s.start_time, s.session_id))
    return {
        "sessions": [
            {**s.wire(now), "connection": s.connection, "receipt_email": s.receipt_email}
            for s in sessions
            if connection in (None, s.connection) and plate in (None, s.plate_normalized)
        ]
    }


@router.post("/reset", summary="Forget sessions, tokens and counters; faults back to the config file's")
async def reset(state: State) -> dict:
    state.reset()
    return {"status": "reset"}


@router.get("/stats", summary="Counters per connection and in total")
async def stats(state: State) -> dict:
    """Per connection: `token`, `start`, `get`, `stop`, `extend`, `rights`, `lots` (calls with valid
    credentials, whatever the answer), `tokens_issued`, `sessions_created`, `faults_fired` and
    `unauthorized` (rejected credentials; unattributable ones only in `total`)."""
    return state.stats_snapshot()


@router.delete("/stats", status_code=204, summary="Zero the counters")
async def clear_stats(state: State) -> Response:
    state.stats.clear()
    state.total.clear()
    return Response(status_code=204)


class ClockChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance_seconds: int | None = Field(default=None, examples=[3600], description="Move the clock forward")
    offset_seconds: int | None = Field(
        default=None, examples=[0], description="Set the offset from real time"
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.advance_seconds is None) == (self.offset_seconds is None):
            raise ValueError("give exactly one of advance_seconds or offset_seconds")
        return self


@router.get("/clock", summary="The sandbox clock (sessions expire by it; tokens use real time)")
async def get_clock(state: State) -> dict:
    return _clock(state)


@router.post("/clock", summary="Shift the sandbox clock")
async def set_clock(change: ClockChange, state: State) -> dict:
    if change.advance_seconds is not None:
        state.clock_offset += timedelta(seconds=change.advance_seconds)
    else:
        state.clock_offset = timedelta(seconds=change.offset_seconds or 0)
    return _clock(state)


def _clock(state: SandboxState) -> dict:
    return {"now": iso(state.now()), "offset_seconds": int(state.clock_offset.total_seconds())}


@router.get("/connections", summary="Connections with their URLs and (demo) credentials")
async def list_connections(request: Request, state: State) -> dict:
    return {"connections": connections_listing(state, str(request.base_url))}


def connections_listing(state: SandboxState, root: str) -> list[dict]:
    listing = []
    for c in state.connections.values():
        entry: dict = {"name": c.name, "flavour": c.flavour, "auth": c.layout.auth, **c.urls(root)}
        if c.flavour == "passport":
            entry |= {
                "client_id": c.client_id,
                "client_secret": c.client_secret,
                "token_expires_in": c.token_expires_in,
            }
        else:
            entry["api_key"] = c.api_key
        if c.zones is not None:
            entry["zones"] = c.zones
        listing.append(entry)
    return listing
