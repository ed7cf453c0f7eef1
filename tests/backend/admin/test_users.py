"""An operator's users: tenant admins add, change and deactivate them."""

from backend.models import OperatorUser
from tests.backend.admin.conftest import ADMIN, Operator
from tests.backend.helpers import bearer

PASSWORD = "a long passphrase 7"


async def _login(client, email: str, password: str = PASSWORD):
    return await client.post("/api/v1/admin/auth/token", data={"username": email, "password": password})


async def test_a_tenant_admin_adds_a_user_who_can_then_log_in(client, tenant_a: Operator) -> None:
    body = {"email": "Kalle@Alpha.example.test", "password": PASSWORD, "name": "Kalle", "role": "enforcement"}
    response = await client.post(f"{ADMIN}/users", json=body, headers=tenant_a.admin)
    assert response.status_code == 201, response.text
    user = response.json()
    assert (user["email"], user["role"], user["is_active"]) == (
        "kalle@alpha.example.test",
        "enforcement",
        True,
    )
    assert "password" not in response.text

    stored = await OperatorUser.get(id=user["id"])
    assert PASSWORD not in stored.password_hash
    assert stored.tenant_id == tenant_a.tenant.id

    login = await _login(client, "kalle@alpha.example.test")
    assert login.status_code == 200
    listed = await client.get(f"{ADMIN}/users", headers=tenant_a.admin)
    assert "kalle@alpha.example.test" in [u["email"] for u in listed.json()]


async def test_a_weak_password_is_a_422(client, tenant_a: Operator) -> None:
    body = {"email": "weak@alpha.example.test", "password": "short"}
    response = await client.post(f"{ADMIN}/users", json=body, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert "at least 10 characters" in response.json()["detail"]


async def test_an_email_used_anywhere_on_the_platform_is_a_409(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    # The address belongs to a user of the other operator: still taken, and it is not said where.
    body = {"email": "OPERATOR@bravo.example.test", "password": PASSWORD}
    response = await client.post(f"{ADMIN}/users", json=body, headers=tenant_a.admin)
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert "bravo" not in response.json()["detail"].lower()


async def test_super_admins_cannot_be_created_or_promoted_here(
    client, tenant_a: Operator, super_admin
) -> None:
    body = {"email": "root2@alpha.example.test", "password": PASSWORD, "role": "super_admin"}
    for headers in (tenant_a.admin, {**super_admin, "X-Tenant": "alpha"}):
        response = await client.post(f"{ADMIN}/users", json=body, headers=headers)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    promote = await client.patch(
        f"{ADMIN}/users/{tenant_a.user_id}", json={"role": "super_admin"}, headers=tenant_a.admin
    )
    assert promote.status_code == 403
    assert (await OperatorUser.get(id=tenant_a.user_id)).role == "operator"


async def test_an_unknown_role_is_a_422(client, tenant_a: Operator) -> None:
    body = {"email": "x@alpha.example.test", "password": PASSWORD, "role": "janitor"}
    response = await client.post(f"{ADMIN}/users", json=body, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "'role'" in response.json()["detail"]


async def test_changing_role_and_name(client, tenant_a: Operator) -> None:
    response = await client.patch(
        f"{ADMIN}/users/{tenant_a.user_id}",
        json={"role": "tenant_admin", "name": "Promoted"},
        headers=tenant_a.admin,
    )
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["name"]) == ("tenant_admin", "Promoted")
    # The promotion takes effect on the user's next request.
    keys = await client.get(f"{ADMIN}/api-keys", headers=tenant_a.operator)
    assert keys.status_code == 200


async def test_a_deactivated_user_is_locked_out_at_once_and_can_be_reactivated(
    client, tenant_a: Operator
) -> None:
    before = await client.get(f"{ADMIN}/facilities", headers=tenant_a.operator)
    assert before.status_code == 200

    response = await client.delete(f"{ADMIN}/users/{tenant_a.user_id}", headers=tenant_a.admin)
    assert response.status_code == 204
    after = await client.get(f"{ADMIN}/facilities", headers=tenant_a.operator)
    assert after.status_code == 401
    assert after.json()["code"] == "invalid_token"
    login = await _login(client, "operator@alpha.example.test", "operator staple 42")
    assert login.status_code == 401

    listed = await client.get(f"{ADMIN}/users", headers=tenant_a.admin)
    assert {u["email"]: u["is_active"] for u in listed.json()}["operator@alpha.example.test"] is False

    again = await client.patch(
        f"{ADMIN}/users/{tenant_a.user_id}", json={"is_active": True}, headers=tenant_a.admin
    )
    assert again.json()["is_active"] is True
    assert (await client.get(f"{ADMIN}/facilities", headers=tenant_a.operator)).status_code == 200


async def test_an_admin_cannot_deactivate_or_demote_themselves(client, tenant_a: Operator) -> None:
    me = await client.get("/api/v1/admin/auth/me", headers=tenant_a.admin)
    my_id = me.json()["id"]
    for method, body in (("DELETE", None), ("PATCH", {"is_active": False}), ("PATCH", {"role": "operator"})):
        response = await client.request(method, f"{ADMIN}/users/{my_id}", json=body, headers=tenant_a.admin)
        assert response.status_code == 403, body
        assert response.json()["code"] == "forbidden"
        assert "your own" in response.json()["detail"]
    renamed = await client.patch(f"{ADMIN}/users/{my_id}", json={"name": "Me"}, headers=tenant_a.admin)
    assert renamed.status_code == 200
    assert (await client.get(f"{ADMIN}/users", headers=tenant_a.admin)).status_code == 200


async def test_an_id_that_is_not_a_uuid_is_a_404(client, tenant_a: Operator) -> None:
    response = await client.patch(f"{ADMIN}/users/not-a-uuid", json={"name": "x"}, headers=tenant_a.admin)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_a_super_admin_manages_users_of_the_chosen_operator(
    client, tenant_a: Operator, super_admin
) -> None:
    headers = {**super_admin, "X-Tenant": "alpha"}
    response = await client.post(
        f"{ADMIN}/users", json={"email": "new@alpha.example.test", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 201
    stored = await OperatorUser.get(email="new@alpha.example.test")
    assert stored.tenant_id == tenant_a.tenant.id
    token = (await _login(client, "new@alpha.example.test")).json()["access_token"]
    me = await client.get("/api/v1/admin/auth/me", headers=bearer(token))
    assert me.json()["tenant"] == "alpha"
