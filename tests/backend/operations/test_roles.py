"""Who may read the operations figures: operators and tenant admins, not enforcement officers."""

import pytest

FIGURES = ["/api/v1/admin/dashboard", "/api/v1/admin/activity", "/api/v1/admin/passes/report"]


@pytest.mark.parametrize("url", FIGURES)
async def test_figures_by_role(client, tenant_a, super_admin, url) -> None:
    for headers in (tenant_a.admin, tenant_a.operator, {**super_admin, "X-Tenant": "alpha"}):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text

    officer = await client.get(url, headers=tenant_a.enforcement)
    anonymous = await client.get(url)

    assert officer.status_code == 403
    assert officer.json() == {
        "detail": "This needs one of the roles: operator, super_admin, tenant_admin.",
        "code": "forbidden",
    }
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", FIGURES[:2])
async def test_facility_filter_of_another_operator_is_not_found(client, tenant_a, tenant_b, url) -> None:
    own = await client.get(url, params={"facility": "bravo-p1"}, headers=tenant_b.operator)
    theirs = await client.get(url, params={"facility": "bravo-p1"}, headers=tenant_a.operator)

    assert own.status_code == 200
    assert theirs.status_code == 404
    assert theirs.json()["detail"] == "No facility 'bravo-p1'."
