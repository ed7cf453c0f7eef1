"""What every sandbox request goes through: credentials, counters, then the fault it fires."""

import asyncio
import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote_plus

from fastapi import Request

from backend.providers.sandbox.config import LAYOUTS, ConnectionConfig
from backend.providers.sandbox.faults import Endpoint, FaultSpec, injected_error
from backend.providers.sandbox.state import SandboxState


class SandboxError(Exception):
    """Rendered as `{"detail", "code"}`, or as an OAuth2 error body at the token endpoint."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        headers: dict[str, str] | None = None,
        *,
        oauth: bool = False,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers, self.oauth = status, code, detail, headers, oauth

    def body(self) -> dict:
        if self.oauth:
            return {"error": self.code, "error_description": self.detail}
        return {"detail": self.detail, "code": self.code}


def sandbox_state(request: Request) -> SandboxState:
    return request.app.state.sandbox


@dataclass
class Call:
    """An authenticated request and the fault it fired (only `timeout_after_create` is left to do)."""

    state: SandboxState
    connection: ConnectionConfig
    fault: FaultSpec | None

    async def finish(self) -> None:
        """Stall after the work is done when a `timeout_after_create` fault fired."""
        if self.fault is not None and self.fault.kind == "timeout_after_create":
            await self.state.stall(self.fault.hold_seconds)


def _unauthorized(code: str, detail: str, challenge: str) -> SandboxError:
    return SandboxError(401, code, detail, {"WWW-Authenticate": challenge})


def authenticate(state: SandboxState, request: Request, flavour: str) -> ConnectionConfig:
    """The connection whose credentials the request carries, or a 401 naming what is wrong."""
    auth = LAYOUTS[flavour].auth
    if auth == "x-api-key":
        key = request.headers.get("x-api-key", "").strip()
        if not key:
            state.count(None, "unauthorized")
            raise _unauthorized("missing_credentials", "Send your API key in the X-Api-Key header.", "ApiKey")
        return _by_api_key(state, flavour, key, "ApiKey")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        what = "access token" if auth == "oauth2" else "API key"
        state.count(None, "unauthorized")
        raise _unauthorized(
            "missing_credentials", f"Send your {what} as 'Authorization: Bearer <{what}>'.", "Bearer"
        )
    if auth == "bearer":
        return _by_api_key(state, flavour, value, 'Bearer error="invalid_token"')
    owner, valid = state.token_owner(value)
    connection = state.connections.get(owner) if owner else None
    if not valid or connection is None or connection.flavour != flavour:
        state.count(owner, "unauthorized")
        raise _unauthorized(
            "invalid_token",
            "The access token is unknown, expired or revoked; fetch a new one at the token URL.",
            'Bearer error="invalid_token"',
        )
    return connection


def _by_api_key(state: SandboxState, flavour: str, key: str, challenge: str) -> ConnectionConfig:
    for connection in state.connections.values():
        if connection.flavour == flavour and secrets.compare_digest(
            (connection.api_key or "").encode(), key.encode()
        ):
            return connection
    state.count(None, "unauthorized")
    raise _unauthorized("invalid_api_key", "The API key is not valid for this provider.", challenge)


async def enter(state: SandboxState, connection: ConnectionConfig, endpoint: Endpoint) -> FaultSpec | None:
    """Count the call and apply the fault it fires; returns a fault still to apply after the work."""
    state.count(connection.name, endpoint)
    spec = state.faults.take(connection.name, endpoint, oauth=connection.layout.auth == "oauth2")
    if spec is None:
        return None
    state.count(connection.name, "faults_fired")
    if spec.kind == "latency":
        await asyncio.sleep((spec.latency_ms or 0) / 1000)
        return None
    if spec.kind == "status":
        status, code, detail, headers = injected_error(spec)
        raise SandboxError(status, code, detail, headers, oauth=endpoint == "token")
    if spec.kind == "expire_token":
        state.revoke_tokens(connection.name)
        state.count(connection.name, "unauthorized")
        raise _unauthorized(
            "invalid_token",
            "The access token expired; fetch a new one at the token URL.",
            'Bearer error="invalid_token"',
        )
    return spec


def guard(flavour: str, endpoint: Endpoint) -> Callable[[Request], Awaitable[Call]]:
    """A dependency: authenticate for `flavour`, count `endpoint`, fire its fault."""

    async def dependency(request: Request) -> Call:
        state = sandbox_state(request)
        connection = authenticate(state, request, flavour)
        return Call(state, connection, await enter(state, connection, endpoint))

    return dependency


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(client_id, client_secret) from an `Authorization: Basic ...` header (RFC 6749 §2.3.1)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(client_id), unquote_plus(client_secret)
