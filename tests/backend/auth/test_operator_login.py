"""Operator users log in at `/api/v1/admin/auth/token`; super admins choose a tenant with X-Tenant."""

import pytest

from backend.models import OperatorUser
from tests.backend.helpers import (
    OPERATOR_PASSWORD,
    bearer,
    driver_token,
    make_operator,
    make_tenant,
    operator_token,
)

TOKEN = "/api/v1/admin/auth/token"
ME = "/api/v1/admin/auth/me"


async def _login(client, email: str, password: str = OPERATOR_PASSWORD):
    return await client.post(TOKEN, data={"username": email, "password": password})


async def test_a_tenant_admin_logs_in_and_sees_their_operator(client) -> None:
    tenant = await make_tenant("helsinki-parking")
    user = await make_operator(client, tenant=tenant, email="ops@example.test")
    response = await _login(client, " OPS@example.test ")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["refresh_token"] is None
    assert body["expires_in"] == 12 * 3600
    me = await client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json() == {
        "id": str(user.id),
        "email": "ops@example.test",
        "name": "Tenant Admin",
        "role": "tenant_admin",
        "tenant": "helsinki-parking",
        "acting_tenant": "helsinki-parking",
        "acting_tenant_name": "Helsinki Parking",
        "branding": {
            "display_name": "Helsinki Parking",
            "primary_color": "#1F5FAD",
            "accent_color": "#F2A900",
            "logo_text": None,
        },
        "preview": False,
    }


async def test_the_operator_token_helper_works_for_each_role(client) -> None:
    tenant = await make_tenant("cleveland-parking", currency="USD", timezone="America/New_York")
    for role in ("tenant_admin", "operator", "enforcement"):
        me = await client.get(ME, headers=bearer(await operator_token(client, tenant=tenant, role=role)))
        assert (me.json()["role"], me.json()["tenant"]) == (role, "cleveland-parking")


@pytest.mark.parametrize(
    ("email", "password"), [("ops@example.test", "wrong password 123"), ("nobody@example.test", None)]
)
async def test_a_wrong_password_or_unknown_user_is_refused(client, email, password) -> None:
    await make_operator(client, tenant=await make_tenant(), email="ops@example.test")
    response = await _login(client, email, password or OPERATOR_PASSWORD)
    assert response.status_code == 401
    assert response.json() == {"detail": "The e-mail or password is wrong.", "code": "invalid_credentials"}


async def test_a_deactivated_user_cannot_log_in_and_their_token_stops_working(client) -> None:
    tenant = await make_tenant()
    token = await operator_token(client, tenant=tenant, email="ops@example.test")
    await OperatorUser.filter(email="ops@example.test").update(is_active=False)
    response = await _login(client, "ops@example.test")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    me = await client.get(ME, headers=bearer(token))
    assert me.status_code == 401
    assert me.json()["code"] == "invalid_token"


async def test_the_sixth_attempt_in_a_minute_is_rate_limited(client) -> None:
    await make_operator(client, tenant=await make_tenant(), email="ops@example.test")
    for _ in range(5):
        assert (await _login(client, "ops@example.test", "wrong password 123")).status_code == 401
    response = await _login(client, "ops@example.test")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


async def test_changing_case_or_spaces_does_not_dodge_the_limit(client) -> None:
    await make_operator(client, tenant=await make_tenant(), email="ops@example.test")
    for variant in (
        "ops@example.test",
        "OPS@example.test",
        " ops@example.test",
        "Ops@Example.Test ",
        "ops@EXAMPLE.test",
    ):
        assert (await _login(client, variant, "wrong password 123")).status_code == 401
    response = await _login(client, "  ops@example.test")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


async def test_me_needs_an_operator_token(client) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    driver = await client.get(ME, headers=bearer(await driver_token(client)))
    assert driver.status_code == 401
    assert driver.json()["code"] == "invalid_token"
    garbage = await client.get(ME, headers=bearer("garbage"))
    assert garbage.status_code == 401
    assert garbage.json()["code"] == "invalid_token"


async def test_an_operator_token_is_refused_by_driver_endpoints(client) -> None:
    token = await operator_token(client)
    response = await client.get("/api/v1/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


async def test_a_super_admin_acts_for_the_tenant_named_in_x_tenant(client) -> None:
    await make_tenant("helsinki-parking")
    token = await operator_token(client, role="super_admin", email="root@example.test")
    plain = await client.get(ME, headers=bearer(token))
    assert plain.status_code == 200
    assert (plain.json()["role"], plain.json()["tenant"], plain.json()["acting_tenant"]) == (
        "super_admin",
        None,
        None,
    )
    acting = await client.get(ME, headers={**bearer(token), "X-Tenant": " Helsinki-Parking "})
    assert acting.status_code == 200
    assert acting.json()["acting_tenant"] == "helsinki-parking"


async def test_a_super_admin_naming_an_unknown_tenant_gets_a_404(client) -> None:
    token = await operator_token(client, role="super_admin")
    response = await client.get(ME, headers={**bearer(token), "X-Tenant": "no-such-operator"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "no-such-operator" in response.json()["detail"]


async def test_x_tenant_does_not_let_a_tenant_admin_switch_operator(client) -> None:
    own = await make_tenant("helsinki-parking")
    await make_tenant("cleveland-parking", currency="USD", timezone="America/New_York")
    token = await operator_token(client, tenant=own)
    response = await client.get(ME, headers={**bearer(token), "X-Tenant": "cleveland-parking"})
    assert response.status_code == 200
    assert response.json()["acting_tenant"] == "helsinki-parking"
