"""A super admin previews an operator's portal exactly as its admin sees it, and changes nothing."""

from tests.backend.admin.conftest import ADMIN, Operator


async def test_a_preview_reads_what_the_tenant_admin_reads(client, tenant_a: Operator, super_admin) -> None:
    preview = {**super_admin, "X-Tenant": "alpha", "X-Preview": "true"}
    for path in ("/facilities", "/users", "/api-keys", "/webhook-tokens", "/audit"):
        as_admin = await client.get(ADMIN + path, headers=tenant_a.admin)
        previewed = await client.get(ADMIN + path, headers=preview)
        assert previewed.status_code == 200, previewed.text
        assert previewed.json() == as_admin.json(), path


async def test_a_preview_refuses_every_change_and_says_why(client, tenant_a: Operator, super_admin) -> None:
    preview = {**super_admin, "X-Tenant": "alpha", "X-Preview": "true"}
    response = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}", json={"capacity": 5}, headers=preview
    )
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_preview"
    assert "read-only preview" in response.json()["detail"]
    created = await client.post(f"{ADMIN}/api-keys", json={"name": "sneaky"}, headers=preview)
    assert created.status_code == 403
    facility = await client.get(f"{ADMIN}/facilities/{tenant_a.facility}", headers=tenant_a.admin)
    assert facility.json()["capacity"] == 120
    keys = await client.get(f"{ADMIN}/api-keys", headers=tenant_a.admin)
    assert [k["name"] for k in keys.json()] == ["handhelds"]


async def test_without_preview_a_super_admin_acts_for_the_tenant(
    client, tenant_a: Operator, super_admin
) -> None:
    acting = {**super_admin, "X-Tenant": "alpha"}
    response = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}", json={"capacity": 5}, headers=acting
    )
    assert response.status_code == 200, response.text
    assert response.json()["capacity"] == 5


async def test_a_preview_needs_a_tenant_and_only_super_admins_have_one(
    client, tenant_a: Operator, super_admin
) -> None:
    response = await client.get(f"{ADMIN}/facilities", headers={**super_admin, "X-Preview": "true"})
    assert response.status_code == 403
    assert "X-Tenant" in response.json()["detail"]
    # A tenant admin's X-Preview changes nothing: they act on their own operator as always.
    own = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}",
        json={"capacity": 7},
        headers={**tenant_a.admin, "X-Preview": "true"},
    )
    assert own.status_code == 200, own.text
