"""One error base rendered by one handler into the contract's body `{"detail", "code"}`."""

import json
import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from tortoise.exceptions import DoesNotExist, IntegrityError

from shared.errors import ErrorCode, ParkflowError

log = logging.getLogger("parkflow.errors")

STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.validation_error: 422,
    ErrorCode.malformed_json: 400,
    ErrorCode.naive_timestamp: 422,
    ErrorCode.invalid_plate: 422,
    ErrorCode.invalid_geometry: 422,
    ErrorCode.invalid_tariff: 422,
    ErrorCode.max_stay_exceeded: 422,
    ErrorCode.quote_expired: 422,
    ErrorCode.not_authenticated: 401,
    ErrorCode.invalid_credentials: 401,
    ErrorCode.invalid_token: 401,
    ErrorCode.token_expired: 401,
    ErrorCode.forbidden: 403,
    ErrorCode.read_only_preview: 403,
    ErrorCode.not_found: 404,
    ErrorCode.conflict: 409,
    ErrorCode.email_taken: 409,
    ErrorCode.weak_password: 422,
    ErrorCode.duplicate_vehicle: 409,
    ErrorCode.parking_in_progress: 409,
    ErrorCode.rate_limited: 429,
    ErrorCode.payment_declined: 402,
    ErrorCode.insufficient_funds: 402,
    ErrorCode.payment_failed: 502,
    ErrorCode.unknown_payment_token: 422,
    ErrorCode.onboarding_invalid: 422,
    ErrorCode.method_not_allowed: 405,
    ErrorCode.provider_unavailable: 503,
    ErrorCode.provider_rejected: 422,
    ErrorCode.already_parked: 409,
    ErrorCode.session_not_active: 409,
    ErrorCode.idempotency_conflict: 409,
    ErrorCode.qr_not_signed: 422,
    ErrorCode.not_a_geofence_facility: 409,
    ErrorCode.position_outside_facility: 422,
    ErrorCode.position_inaccurate: 422,
    ErrorCode.event_in_future: 422,
    ErrorCode.event_too_old: 422,
    ErrorCode.plate_not_yours: 403,
    ErrorCode.no_open_stay: 409,
    ErrorCode.internal_error: 500,
}

_STATUS_CODES = {
    400: ErrorCode.malformed_json,
    401: ErrorCode.not_authenticated,
    403: ErrorCode.forbidden,
    404: ErrorCode.not_found,
    405: ErrorCode.method_not_allowed,
    409: ErrorCode.conflict,
    429: ErrorCode.rate_limited,
}


class NotFoundError(ParkflowError):
    code = ErrorCode.not_found


class ConflictError(ParkflowError):
    code = ErrorCode.conflict


class ForbiddenError(ParkflowError):
    code = ErrorCode.forbidden


class AuthenticationError(ParkflowError):
    code = ErrorCode.not_authenticated
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class RateLimitedError(ParkflowError):
    code = ErrorCode.rate_limited

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = max(1, retry_after_seconds)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


def error_response(
    status: int, detail: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"detail": detail, "code": str(code)}, status_code=status, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "cookie")]
    # pydantic adds the validator's name (e.g. "function-after[...]") to the path; drop it.
    parts = [p for p in parts if "[" not in p]
    return ".".join(parts) or str(loc[0] if loc else "request")


def _validation_detail(exc: RequestValidationError) -> tuple[str, ErrorCode, int]:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    if first.get("type") == "json_invalid":
        pos = (first.get("ctx") or {}).get("error", "")
        return (
            f"The request body is not valid JSON ({pos}).".replace(" ()", ""),
            ErrorCode.malformed_json,
            400,
        )
    where = first.get("loc", ())
    where_text = "the request" if not where else f"'{_field_path(tuple(where))}'"
    if first.get("type") == "missing":
        where_text = f"'{_field_path(tuple(where))}'"
        message = f"{where_text} is required."
    else:
        msg = str(first.get("msg", "is invalid")).removeprefix("Value error, ")
        message = f"{where_text}: {msg}"
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} in the request.)"
    fields = {str(p) for p in where}
    if "no UTC offset" in message:
        code = ErrorCode.naive_timestamp
    elif "geometry" in fields:
        code = ErrorCode.invalid_geometry
    elif "tariff" in fields:
        code = ErrorCode.invalid_tariff
    else:
        code = ErrorCode.validation_error
    return message, code, 422


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ParkflowError)
    async def _domain(_: Request, exc: ParkflowError) -> JSONResponse:
        status = STATUS_BY_CODE.get(exc.code, 400)
        return error_response(status, exc.detail, exc.code, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail, code, status = _validation_detail(exc)
        return error_response(status, detail, code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, ErrorCode.validation_error)
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is nothing at this address; check the path against the API documentation."
        if exc.status_code == 405:
            detail = "This address does not accept that HTTP method; see the API documentation."
        return error_response(exc.status_code, detail, code, getattr(exc, "headers", None))

    @app.exception_handler(DoesNotExist)
    async def _missing(_: Request, exc: DoesNotExist) -> JSONResponse:
        return error_response(404, "The requested object does not exist.", ErrorCode.not_found)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error reached the edge: %s", exc)
        return error_response(409, "This conflicts with something that already exists.", ErrorCode.conflict)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(
            500, "Something went wrong on our side; the request was not completed.", ErrorCode.internal_error
        )
