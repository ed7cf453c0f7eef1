"""Who may do what: enforcement reads facilities only, operators read everything but keys and
users, tenant admins configure, super admins act for the operator named in X-Tenant."""

import pytest

from tests.backend.admin.conftest import ADMIN, TARIFF, Operator, facility_body, square

NEW_FACILITY = facility_body("alpha-p2", "2345")
# (method, path, body); paths name tenant A's own objects.
READS_OF_FACILITIES = [
    ("GET", "/facilities", None),
    ("GET", "/facilities/{facility}", None),
    ("GET", "/facilities/{facility}/pass-products", None),
    ("POST", "/tariffs/preview", {"tariff": TARIFF, "facility": "alpha-p1"}),
]
OTHER_READS = [("GET", "/tenants", None), ("GET", "/tenants/{tenant}", None)]
KEY_AND_USER_READS = [
    ("GET", "/users", None),
    ("GET", "/api-keys", None),
    ("GET", "/webhook-tokens", None),
]
WRITES = [
    ("POST", "/facilities", NEW_FACILITY),
    ("PATCH", "/facilities/{facility}", {"capacity": 5}),
    ("PUT", "/facilities/{facility}", {k: v for k, v in NEW_FACILITY.items() if k != "slug"}),
    ("DELETE", "/facilities/{facility}", None),
    ("PUT", "/facilities/{facility}/geometry", square(24.95, 60.17)),
    (
        "POST",
        "/facilities/{facility}/pass-products",
        {"slug": "day", "name": "Day", "amount": 900, "days": 1},
    ),
    ("PATCH", "/facilities/{facility}/pass-products/{product}", {"amount": 1}),
    ("DELETE", "/facilities/{facility}/pass-products/{product}", None),
    ("PATCH", "/tenants/{tenant}", {"name": "Renamed"}),
    ("POST", "/users", {"email": "new@alpha.example.test", "password": "a long passphrase 7"}),
    ("PATCH", "/users/{user}", {"name": "Renamed"}),
    ("DELETE", "/users/{user}", None),
    ("POST", "/api-keys", {"name": "new"}),
    ("POST", "/api-keys/{key}/revoke", None),
    ("POST", "/api-keys/{key}/rotate", None),
    ("DELETE", "/api-keys/{key}", None),
    ("POST", "/webhook-tokens", {"name": "new"}),
    ("POST", "/webhook-tokens/{token}/revoke", None),
    ("POST", "/webhook-tokens/{token}/rotate", None),
    ("DELETE", "/webhook-tokens/{token}", None),
]
ALLOWED = {
    "enforcement": READS_OF_FACILITIES,
    "operator": READS_OF_FACILITIES + OTHER_READS,
}
CASES = [
    (role, case, case in ALLOWED[role])
    for role in ("enforcement", "operator")
    for case in READS_OF_FACILITIES + OTHER_READS + KEY_AND_USER_READS + WRITES
]


@pytest.mark.parametrize(
    ("role", "case", "allowed"),
    CASES,
    ids=[f"{role}-{case[0]} {case[1]}" for role, case, _ in CASES],
)
async def test_role_matrix(client, tenant_a: Operator, role, case, allowed) -> None:
    method, template, body = case
    headers = getattr(tenant_a, role)
    response = await client.request(
        method, ADMIN + template.format(**tenant_a.ids), json=body, headers=headers
    )
    if allowed:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "forbidden"
        assert "tenant_admin" in response.json()["detail"]


@pytest.mark.parametrize("case", WRITES, ids=[f"{c[0]} {c[1]}" for c in WRITES])
async def test_tenant_admins_may_configure_everything_of_their_own(client, tenant_a: Operator, case) -> None:
    method, template, body = case
    response = await client.request(
        method, ADMIN + template.format(**tenant_a.ids), json=body, headers=tenant_a.admin
    )
    assert response.status_code in (200, 201, 204), response.text


async def test_enforcement_users_cannot_create_facilities(client, tenant_a: Operator) -> None:
    response = await client.post(f"{ADMIN}/facilities", json=NEW_FACILITY, headers=tenant_a.enforcement)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This needs one of the roles: super_admin, tenant_admin.",
        "code": "forbidden",
    }


async def test_operators_cannot_create_api_keys(client, tenant_a: Operator) -> None:
    response = await client.post(f"{ADMIN}/api-keys", json={"name": "mine"}, headers=tenant_a.operator)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_a_super_admin_must_choose_an_operator_for_tenant_scoped_endpoints(
    client, tenant_a: Operator, super_admin
) -> None:
    response = await client.get(f"{ADMIN}/facilities", headers=super_admin)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "X-Tenant" in response.json()["detail"]

    chosen = await client.get(f"{ADMIN}/facilities", headers={**super_admin, "X-Tenant": "alpha"})
    assert chosen.status_code == 200
    assert [f["slug"] for f in chosen.json()["items"]] == ["alpha-p1"]


async def test_an_unknown_operator_in_x_tenant_is_a_404(client, super_admin) -> None:
    response = await client.get(f"{ADMIN}/facilities", headers={**super_admin, "X-Tenant": "nowhere"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_x_tenant_is_ignored_for_tenant_users(client, tenant_a: Operator, tenant_b: Operator) -> None:
    response = await client.get(f"{ADMIN}/facilities", headers={**tenant_a.admin, "X-Tenant": "bravo"})
    assert response.status_code == 200
    assert [f["slug"] for f in response.json()["items"]] == ["alpha-p1"]


async def test_without_a_token_admin_endpoints_answer_401(client) -> None:
    response = await client.get(f"{ADMIN}/facilities")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
