"""The OpenAPI page is the integrators' manual: every endpoint of the foundation is listed,
documented, and shows examples for what a client sends."""

import pytest

from backend.main import create_app
from tests.backend.conftest import make_settings

EXPECTED = [
    ("get", "/health"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/me/vehicles"),
    ("get", "/api/v1/me/vehicles"),
    ("delete", "/api/v1/me/vehicles/{vehicle_id}"),
    ("post", "/api/v1/me/payment-methods"),
    ("get", "/api/v1/me/payment-methods"),
    ("get", "/api/v1/facilities"),
    ("get", "/api/v1/facilities/nearby"),
    ("get", "/api/v1/facilities/{slug}"),
    ("post", "/api/v1/qr/resolve"),
    ("post", "/api/v1/admin/auth/token"),
    ("get", "/api/v1/admin/tenants"),
    ("post", "/api/v1/admin/tenants"),
    ("get", "/api/v1/admin/users"),
    ("post", "/api/v1/admin/api-keys"),
    ("post", "/api/v1/admin/webhook-tokens"),
    ("get", "/api/v1/admin/facilities"),
    ("post", "/api/v1/admin/facilities"),
    ("patch", "/api/v1/admin/facilities/{slug}"),
    ("post", "/api/v1/admin/facilities/{slug}/pass-products"),
    ("get", "/api/v1/admin/facilities/{slug}/sign.png"),
    ("get", "/api/v1/admin/facilities/{slug}/sign.svg"),
    ("put", "/api/v1/admin/facilities/{slug}/geometry"),
    ("post", "/api/v1/admin/tariffs/preview"),
    ("patch", "/api/v1/admin/tenants/{slug}"),
    ("post", "/api/v1/admin/api-keys/{key_id}/rotate"),
    ("post", "/api/v1/admin/webhook-tokens/{token_id}/rotate"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/api/v1/admin/dashboard"),
    ("get", "/api/v1/admin/activity"),
    ("get", "/api/v1/admin/passes/report"),
    ("get", "/api/v1/admin/enforcement/check/{plate}"),
    ("get", "/api/v1/admin/sessions"),
    ("get", "/api/v1/admin/sessions/export.csv"),
    ("get", "/api/v1/admin/stays/{stay_id}"),
    ("get", "/api/v1/admin/parking-sessions/{session_id}"),
    ("post", "/api/v1/admin/stays/{stay_id}/plate"),
    ("post", "/api/v1/admin/stays/{stay_id}/invoice"),
    ("get", "/api/v1/admin/invoices"),
    ("post", "/api/v1/admin/invoices/{invoice_id}/mark-paid"),
    ("post", "/api/v1/admin/invoices/{invoice_id}/void"),
    ("get", "/api/v1/admin/invoices/{invoice_id}/print"),
    ("get", "/api/v1/admin/tickets"),
    ("get", "/api/v1/admin/tickets/sla"),
    ("get", "/api/v1/admin/tickets/export.csv"),
    ("post", "/api/v1/admin/tickets/{number}/messages"),
    ("post", "/api/v1/admin/tickets/{number}/resolve"),
    ("get", "/api/v1/admin/customers"),
    ("get", "/api/v1/admin/customers/{driver_id}"),
    ("get", "/api/v1/admin/customers/plates/{plate}"),
    ("get", "/api/v1/me/tickets"),
    ("post", "/api/v1/me/tickets"),
    ("post", "/api/v1/me/tickets/{ticket_id}/messages"),
    ("post", "/webhook"),
    ("post", "/api/v1/geofence/events"),
    ("get", "/api/enforcement/check/{plate}"),
    ("get", "/api/enforcement/facility/{facility}/paid-plates"),
    ("get", "/api/v1/sessions"),
    ("get", "/api/v1/sessions/{session_id}"),
    ("post", "/api/v1/sessions/{session_id}/pay"),
    ("post", "/api/v1/passes"),
    ("get", "/api/v1/passes"),
    ("get", "/api/v1/me/events"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("delete", "/api/v1/me"),
    ("get", "/api/v1/me/export"),
    ("get", "/api/v1/me/receipts"),
    ("get", "/api/v1/me/receipts/{receipt_id}"),
]


@pytest.fixture(scope="module")
def spec() -> dict:
    return create_app(make_settings("sqlite://:memory:")).openapi()


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_foundation_endpoint_is_listed(spec: dict) -> None:
    listed = {(method, path) for path, method, _ in _operations(spec)}
    missing = [f"{m.upper()} {p}" for m, p in EXPECTED if (m, p) not in listed]
    assert not missing, f"not in the OpenAPI page: {missing}"


def test_every_endpoint_says_what_it_does(spec: dict) -> None:
    undocumented = [
        f"{method.upper()} {path}"
        for path, method, op in _operations(spec)
        if not (op.get("description") or "").strip()
    ]
    assert not undocumented, f"endpoints without a description (docstring): {undocumented}"


BROWSER_PAGES = {"/api/v1/invoices/print"}


def test_every_documented_error_uses_the_contract_error_body(spec: dict) -> None:
    wrong = []
    for path, method, op in _operations(spec):
        for status, response in op.get("responses", {}).items():
            # /health answers load balancers with its own small body.
            if status.startswith(("4", "5")) and path != "/health":
                content = response.get("content", {})
                if set(content) == {"text/html"} and path in BROWSER_PAGES:
                    continue  # a link people open in a browser answers with a page
                schema = content.get("application/json", {}).get("schema", {})
                if schema.get("$ref", "").rsplit("/", 1)[-1] not in ("ErrorBody",):
                    wrong.append(f"{method.upper()} {path} {status}")
    assert not wrong, f"error responses not documented as {{detail, code}}: {wrong}"


def test_request_bodies_show_examples(spec: dict) -> None:
    """Each JSON request body shows an example value for its fields, so the page can be tried."""
    lacking = []
    for path, method, op in _operations(spec):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        schema = _resolve(spec, content["application/json"]["schema"])
        for name, prop in schema.get("properties", {}).items():
            prop = _resolve(spec, prop) if "$ref" in prop else prop
            variants = [prop, *(_resolve(spec, p) for p in prop.get("anyOf", []))]
            has_example = (
                any(
                    "examples" in v
                    or "example" in v
                    or "enum" in v
                    or "const" in v
                    or v.get("type") in ("boolean", "null", "object", "array")
                    or "properties" in v
                    for v in variants
                )
                or "default" in prop
            )
            if not has_example:
                lacking.append(f"{method.upper()} {path}: {name}")
    assert not lacking, f"request fields without an example: {lacking}"
