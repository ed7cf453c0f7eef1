"""The CONTRACT §6 wire format: request bodies, the session shape, and what each error status means.

All three sandbox flavours speak it. A real vendor whose payloads differ gets its own `WireFormat`
subclass in its folder (see each adapter's docstring), so vendor payloads never leak out of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_args

import httpx

from backend.providers.base import (
    AlreadyParkedError,
    ProviderRejectedError,
    ProviderSession,
    ProviderSessionNotFoundError,
    SessionStatus,
)
from shared.errors import ErrorCode

STATUSES = frozenset(get_args(SessionStatus))


class MalformedResponseError(Exception):
    """The provider answered 2xx with something that is not the documented shape."""


class WireFormat:
    """CONTRACT §6, as the sandbox serves it."""

    sessions_path = "/sessions"
    rights_path = "/rights"

    def session_path(self, session_id: str) -> str:
        return f"/sessions/{session_id}"

    def start_body(
        self, *, zone_id: str, plate: str, duration_minutes: int, receipt_email: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "zone_number": zone_id,
            "license_plate": plate.strip(),
            "duration": duration_minutes,
        }
        if receipt_email:
            body["receipt_email"] = receipt_email
        return body

    def extend_body(self, duration_minutes: int) -> dict[str, Any]:
        return {"duration": duration_minutes}

    def rights_params(self, plate: str) -> dict[str, str]:
        return {"license_plate": plate.strip()}

    def parse_session(self, body: object) -> ProviderSession:
        if not isinstance(body, dict):
            raise MalformedResponseError("a session must be a JSON object")
        session_id = body.get("session_id")
        if not isinstance(session_id, str) or not session_id:
            raise MalformedResponseError("the session has no session_id")
        status = body.get("status")
        if status not in STATUSES:
            raise MalformedResponseError(f"unknown session status {status!r}")
        zone = body.get("zone_number")
        return ProviderSession(
            session_id=session_id,
            zone_number=None if zone is None else str(zone),
            starts_at=_timestamp(body, "start_time"),
            ends_at=_timestamp(body, "end_time"),
            status=status,
        )

    def parse_rights(self, body: object) -> list[ProviderSession]:
        rights = body.get("rights") if isinstance(body, dict) else None
        if not isinstance(rights, list):
            raise MalformedResponseError("the rights answer has no 'rights' list")
        return [self.parse_session(entry) for entry in rights]

    def error_detail(self, response: httpx.Response) -> str:
        """The provider's own sentence for a refusal, for the driver."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            for key in ("detail", "message", "error_description", "error"):
                if isinstance(body.get(key), str) and body[key].strip():
                    return body[key].strip()
        return f"The provider refused the request (HTTP {response.status_code})."

    def error_code(self, response: httpx.Response) -> str | None:
        try:
            body = response.json()
        except ValueError:
            return None
        code = body.get("code") if isinstance(body, dict) else None
        return code if isinstance(code, str) else None

    def rejection(self, response: httpx.Response, *, starting: bool) -> ProviderRejectedError | None:
        """The rejection a 4xx answer means (never retried), or None for other statuses.

        A 409 to a start is "already parked"; to a stop or extend, "that session is over".
        """
        status, detail = response.status_code, self.error_detail(response)
        if status == 404:
            return ProviderSessionNotFoundError(detail)
        if status == 409:
            if starting and self.error_code(response) != "session_not_active":
                return AlreadyParkedError(detail)
            return ProviderRejectedError(detail, ErrorCode.session_not_active)
        if status in (400, 422):
            return ProviderRejectedError(detail)
        return None


def _timestamp(body: dict, field: str) -> datetime:
    raw = body.get(field)
    if not isinstance(raw, str):
        raise MalformedResponseError(f"{field} is missing")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise MalformedResponseError(f"{field} {raw!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MalformedResponseError(f"{field} {raw!r} has no UTC offset")
    return moment


CONTRACT_WIRE = WireFormat()
