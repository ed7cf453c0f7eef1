"""Users and roles: guards that keep an operator manageable, and role changes that apply at once."""

from backend.models import OperatorUser
from tests.backend.admin.conftest import ADMIN, Operator, created
from tests.backend.helpers import bearer, operator_token

PASSWORD = "a long passphrase 7"


async def _my_id(client, headers) -> str:
    return (await client.get("/api/v1/admin/auth/me", headers=headers)).json()["id"]


async def test_the_last_active_tenant_admin_stays_one(client, tenant_a: Operator, super_admin) -> None:
    acting = {**super_admin, "X-Tenant": "alpha"}
    admin_id = await _my_id(client, tenant_a.admin)
    for method, body in (("PATCH", {"role": "operator"}), ("PATCH", {"is_active": False}), ("DELETE", None)):
        response = await client.request(method, f"{ADMIN}/users/{admin_id}", json=body, headers=acting)
        assert response.status_code == 409, (method, body, response.text)
        assert response.json() == {
            "detail": "tenant-admin@alpha.example.test is the operator's only active tenant admin; "
            "make another user tenant admin first.",
            "code": "conflict",
        }
    stored = await OperatorUser.get(id=admin_id)
    assert (stored.role, stored.is_active) == ("tenant_admin", True)

    # With a second tenant admin, the first may be demoted.
    promoted = await client.patch(
        f"{ADMIN}/users/{tenant_a.user_id}", json={"role": "tenant_admin"}, headers=acting
    )
    assert promoted.status_code == 200
    demoted = await client.patch(f"{ADMIN}/users/{admin_id}", json={"role": "operator"}, headers=acting)
    assert demoted.status_code == 200
    assert demoted.json()["role"] == "operator"


async def test_a_demoted_admin_loses_configuration_rights_on_the_next_request(
    client, tenant_a: Operator
) -> None:
    second = bearer(
        await operator_token(
            client, tenant=tenant_a.tenant, role="tenant_admin", email="second@alpha.example.test"
        )
    )
    assert (await client.get(f"{ADMIN}/api-keys", headers=second)).status_code == 200
    second_id = await _my_id(client, second)
    response = await client.patch(
        f"{ADMIN}/users/{second_id}", json={"role": "enforcement"}, headers=tenant_a.admin
    )
    assert response.status_code == 200, response.text
    refused = await client.get(f"{ADMIN}/api-keys", headers=second)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert (await client.get(f"{ADMIN}/facilities", headers=second)).status_code == 200


async def test_a_tenant_admin_adds_users_of_each_role_but_never_a_super_admin(
    client, tenant_a: Operator
) -> None:
    for role in ("tenant_admin", "operator", "enforcement"):
        body = {"email": f"{role}-2@alpha.example.test", "password": PASSWORD, "role": role}
        user = await created(await client.post(f"{ADMIN}/users", json=body, headers=tenant_a.admin))
        assert (user["role"], user["is_active"]) == (role, True)
    refused = await client.post(
        f"{ADMIN}/users",
        json={"email": "root@alpha.example.test", "password": PASSWORD, "role": "super_admin"},
        headers=tenant_a.admin,
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Super admins are created by onboarding, not through the operator admin API.",
        "code": "forbidden",
    }
    assert not await OperatorUser.exists(email="root@alpha.example.test")


async def test_an_admin_keeps_their_own_role_even_when_another_admin_exists(
    client, tenant_a: Operator
) -> None:
    await operator_token(
        client, tenant=tenant_a.tenant, role="tenant_admin", email="second@alpha.example.test"
    )
    my_id = await _my_id(client, tenant_a.admin)
    response = await client.patch(f"{ADMIN}/users/{my_id}", json={"role": "operator"}, headers=tenant_a.admin)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You cannot change your own role; ask another tenant admin.",
        "code": "forbidden",
    }
    same = await client.patch(f"{ADMIN}/users/{my_id}", json={"role": "tenant_admin"}, headers=tenant_a.admin)
    assert same.status_code == 200  # naming one's current role changes nothing
