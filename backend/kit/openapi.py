"""OpenAPI helpers: every documented error answers the contract's error body."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.schemas.common import ErrorBody

_DESCRIPTIONS = {
    400: ("Malformed request", "malformed_json", "The request body is not valid JSON."),
    401: (
        "No or bad credentials",
        "not_authenticated",
        "The access token is missing; send it in the Authorization header.",
    ),
    402: ("Payment declined", "payment_declined", "The card was declined; use another payment method."),
    403: ("Not allowed", "forbidden", "This needs one of the roles: super_admin, tenant_admin."),
    404: ("Unknown (or another operator's) object", "not_found", "No facility 'kamppi-p9'."),
    409: ("Conflict", "conflict", "An account with this e-mail already exists; log in instead."),
    422: ("Invalid input", "validation_error", "'license_plate': The licence plate is empty."),
    429: (
        "Rate limited (see Retry-After)",
        "rate_limited",
        "Too many login attempts; wait 42 seconds and try again.",
    ),
    502: ("Upstream failed", "payment_failed", "The payment processor did not answer; you were not charged."),
    503: (
        "Upstream unavailable",
        "provider_unavailable",
        "The parking provider is not answering; try again shortly.",
    ),
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "model": ErrorBody,
            "description": _DESCRIPTIONS[status][0],
            "content": {
                "application/json": {
                    "example": {"detail": _DESCRIPTIONS[status][2], "code": _DESCRIPTIONS[status][1]}
                }
            },
        }
        for status in statuses
    }


def contract_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI documents its own 422 body; ours is the contract's error body, so say that."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        spec.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = (
            ErrorBody.model_json_schema()
        )
        invalid = errors(422)[422]
        for item in spec.get("paths", {}).values():
            for operation in item.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": invalid["description"],
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorBody"},
                                "example": invalid["content"]["application/json"]["example"],
                            }
                        },
                    }
        for unused in ("HTTPValidationError", "ValidationError"):
            spec["components"]["schemas"].pop(unused, None)
        app.openapi_schema = spec
        return spec

    return build
