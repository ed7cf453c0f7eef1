"""Cross-tenant matrix: every tenant-scoped admin endpoint treats another operator's object as
missing (404 `not_found`), changes nothing of it, and never lists it."""

import re
from uuid import uuid4

import httpx
import pytest

from tests.backend.admin.conftest import ADMIN, TARIFF, Operator, facility_body, square

# (method, path template, body). Templates name the other operator's objects.
SCOPED = [
    ("PATCH", "/users/{user}", {"name": "Taken over"}),
    ("DELETE", "/users/{user}", None),
    ("POST", "/api-keys/{key}/revoke", None),
    ("POST", "/api-keys/{key}/rotate", None),
    ("DELETE", "/api-keys/{key}", None),
    ("POST", "/webhook-tokens/{token}/revoke", None),
    ("POST", "/webhook-tokens/{token}/rotate", None),
    ("DELETE", "/webhook-tokens/{token}", None),
    ("GET", "/facilities/{facility}", None),
    ("PUT", "/facilities/{facility}", {k: v for k, v in facility_body("x", "9999").items() if k != "slug"}),
    ("PATCH", "/facilities/{facility}", {"capacity": 1}),
    ("DELETE", "/facilities/{facility}", None),
    ("PUT", "/facilities/{facility}/geometry", square(24.95, 60.17)),
    ("GET", "/facilities/{facility}/pass-products", None),
    ("POST", "/facilities/{facility}/pass-products", {"slug": "weekly", "name": "W", "amount": 1, "days": 7}),
    ("PATCH", "/facilities/{facility}/pass-products/{product}", {"amount": 1}),
    ("DELETE", "/facilities/{facility}/pass-products/{product}", None),
    ("GET", "/facilities/{facility}/sign.png", None),
    ("GET", "/facilities/{facility}/sign.svg", None),
]
# Operators themselves: scoped for tenant users; a super admin may see every operator.
TENANT_ENDPOINTS = [
    ("GET", "/tenants/{tenant}", None),
    ("PATCH", "/tenants/{tenant}", {"name": "Taken over", "service_fee": {"percent": "0"}}),
]
LISTS = [
    "/tenants",
    "/users",
    "/api-keys",
    "/webhook-tokens",
    "/facilities",
    "/facilities?q=bravo",
    "/facilities?q=1234",
]


def _id(case: tuple) -> str:
    return f"{case[0]} {case[1]}"


async def snapshot(client: httpx.AsyncClient, owner: Operator) -> dict:
    """Everything the owner's admin can read about their objects."""
    paths = [
        f"/tenants/{owner.tenant.slug}",
        "/users",
        "/api-keys",
        "/webhook-tokens",
        f"/facilities/{owner.facility}",
        f"/facilities/{owner.facility}/pass-products",
    ]
    state = {}
    for path in paths:
        response = await client.get(ADMIN + path, headers=owner.admin)
        assert response.status_code == 200, response.text
        state[path] = response.json()
    return state


async def _call(client: httpx.AsyncClient, method: str, path: str, body, headers) -> httpx.Response:
    return await client.request(method, ADMIN + path, json=body, headers=headers)


MISSING = {
    "tenant": "zulu",
    "facility": "zulu-p1",
    "product": "zulu-monthly",
    "user": str(uuid4()),
    "key": str(uuid4()),
    "token": str(uuid4()),
}


def _neutral(detail: str, ids: dict[str, str]) -> str:
    for value in ids.values():
        detail = detail.replace(value, "<id>")
    return detail


async def _assert_hidden(client, case, other: Operator, headers) -> None:
    method, template, body = case
    before = await snapshot(client, other)
    response = await _call(client, method, template.format(**other.ids), body, headers)
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "not_found"
    assert await snapshot(client, other) == before
    # Word for word what a missing object gets: the answer reveals nothing about the other operator.
    missing = await _call(client, method, template.format(**MISSING), body, headers)
    assert missing.status_code == 404
    assert _neutral(response.json()["detail"], other.ids) == _neutral(missing.json()["detail"], MISSING)


@pytest.mark.parametrize("case", SCOPED + TENANT_ENDPOINTS, ids=_id)
async def test_a_tenant_admin_cannot_reach_another_operators_objects(
    client, tenant_a: Operator, tenant_b: Operator, case
) -> None:
    await _assert_hidden(client, case, tenant_b, tenant_a.admin)


@pytest.mark.parametrize("case", SCOPED, ids=_id)
async def test_a_super_admin_acting_for_one_operator_cannot_reach_anothers_objects(
    client, tenant_a: Operator, tenant_b: Operator, super_admin, case
) -> None:
    await _assert_hidden(client, case, tenant_b, {**super_admin, "X-Tenant": tenant_a.tenant.slug})


@pytest.mark.parametrize("case", SCOPED, ids=_id)
async def test_the_same_request_works_on_the_callers_own_objects(
    client, tenant_a: Operator, tenant_b: Operator, case
) -> None:
    """The matrix is only meaningful if each request would have succeeded on an object of one's own."""
    method, template, body = case
    response = await _call(client, method, template.format(**tenant_a.ids), body, tenant_a.admin)
    assert response.status_code in (200, 201, 204), response.text


LIST_CASES = [("tenant_admin", path) for path in LISTS] + [
    # Super admins list every operator by design; everything else is scoped to X-Tenant.
    ("super_admin_for_a", path)
    for path in LISTS
    if path != "/tenants"
]


@pytest.mark.parametrize(("who", "path"), LIST_CASES)
async def test_lists_never_include_another_operators_objects(
    client, tenant_a: Operator, tenant_b: Operator, super_admin, who, path
) -> None:
    headers = tenant_a.admin if who == "tenant_admin" else {**super_admin, "X-Tenant": "alpha"}
    response = await client.get(ADMIN + path, headers=headers)
    assert response.status_code == 200, response.text
    for other_id in (tenant_b.user_id, tenant_b.key_id, tenant_b.token_id, tenant_b.facility, "bravo"):
        assert other_id not in response.text
    items = response.json()["items"] if path.startswith("/facilities") else response.json()
    assert len(items) == (0 if path.endswith("q=bravo") else 1 if path != "/users" else 3)


# Route families this matrix owns; new admin routes under them must join the matrix.
MATRIX_PREFIXES = ("/tenants", "/users", "/api-keys", "/webhook-tokens", "/facilities")


def test_the_matrix_covers_every_admin_route_that_addresses_an_object(app) -> None:
    covered = {(method, _template(path)) for method, path, _ in SCOPED + TENANT_ENDPOINTS}
    routes = {
        (method.upper(), _template(path.removeprefix(ADMIN)))
        for path, operations in app.openapi()["paths"].items()
        if path.startswith(ADMIN) and "{" in path
        for method in operations
    }
    owned = {r for r in routes if r[1].startswith(MATRIX_PREFIXES)}
    assert len(owned) == len(covered)
    assert owned - covered == set(), "add these routes to SCOPED or TENANT_ENDPOINTS"


def _template(path: str) -> str:
    """Path parameters by position, whatever their names: /facilities/{}/pass-products/{}."""
    return re.sub(r"\{[^}]+\}", "{}", path)


async def test_another_operators_facility_in_an_api_key_is_refused_like_a_missing_one(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    results = []
    for slug in (tenant_b.facility, "nowhere-p9"):
        response = await client.post(
            f"{ADMIN}/api-keys", json={"name": "sneaky", "facilities": [slug]}, headers=tenant_a.admin
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
        assert slug in response.json()["detail"]
        results.append(response.json()["detail"].replace(slug, "<slug>"))
    assert results[0] == results[1]


async def test_a_pass_product_of_another_operator_is_not_found_under_ones_own_facility(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    response = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}/pass-products/{tenant_b.product}",
        json={"amount": 1},
        headers=tenant_a.admin,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_facility_slugs_are_platform_wide_but_the_conflict_does_not_name_the_owner(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    body = facility_body(tenant_b.facility, "7777", tariff=TARIFF)
    response = await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin)
    assert response.status_code == 409
    assert response.json() == {"detail": "This slug is taken; choose another.", "code": "conflict"}
