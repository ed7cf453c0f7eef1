"""The audit log: tenant admins read their own operator's entries, newest first, page by page."""

from backend.audit.service import record
from tests.backend.admin.conftest import ADMIN, Operator


async def test_the_log_pages_newest_first_and_stays_within_the_tenant(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    for n in range(3):
        await record(None, tenant_a.tenant.id, "stay.plate_corrected", "stay", f"s{n}", {"n": n})
    await record(None, tenant_b.tenant.id, "invoice.issued", "invoice", "b1")

    # The fixtures' own changes (facility, key, token created) are in the log too: look at stays only.
    first = (await client.get(f"{ADMIN}/audit?limit=2&object_type=stay", headers=tenant_a.admin)).json()
    assert [e["object_id"] for e in first["items"]] == ["s2", "s1"]
    assert first["items"][0]["actor"] == "system"
    rest = await client.get(
        f"{ADMIN}/audit?limit=2&object_type=stay&before_id={first['next_before_id']}", headers=tenant_a.admin
    )
    assert [e["object_id"] for e in rest.json()["items"]] == ["s0"]
    assert rest.json()["next_before_id"] is None
    only = await client.get(f"{ADMIN}/audit?object_type=invoice", headers=tenant_b.admin)
    assert [e["object_id"] for e in only.json()["items"]] == ["b1"]


async def test_only_tenant_admins_read_the_log(client, tenant_a: Operator) -> None:
    for role in ("operator", "enforcement"):
        response = await client.get(f"{ADMIN}/audit", headers=getattr(tenant_a, role))
        assert response.status_code == 403, role
