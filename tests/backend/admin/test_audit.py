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


async def test_the_log_filters_by_who_and_when(client, tenant_a: Operator) -> None:
    from datetime import UTC, datetime, timedelta

    from backend.models import AuditEntry

    await record(None, tenant_a.tenant.id, "stay.plate_corrected", "stay", "old")
    await AuditEntry.filter(object_id="old").update(created_at=datetime(2026, 1, 10, 12, tzinfo=UTC))
    await record(None, tenant_a.tenant.id, "stay.plate_corrected", "stay", "new")
    url = f"{ADMIN}/audit"

    by_admin = await client.get(
        url, params={"actor": "TENANT-ADMIN@alpha.example.test"}, headers=tenant_a.admin
    )
    actions = {e["action"] for e in by_admin.json()["items"]}
    assert actions == {"facility.created", "api_key.created", "webhook_token.created"}
    by_system = (await client.get(url, params={"actor": "system"}, headers=tenant_a.admin)).json()
    assert [e["object_id"] for e in by_system["items"]] == ["new", "old"]

    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    window = {"actor": "system", "since": "2026-01-10T00:00:00Z", "until": "2026-01-11T00:00:00+00:00"}
    assert [
        e["object_id"] for e in (await client.get(url, params=window, headers=tenant_a.admin)).json()["items"]
    ] == ["old"]
    recent = (
        await client.get(url, params={"actor": "system", "since": since}, headers=tenant_a.admin)
    ).json()
    assert [e["object_id"] for e in recent["items"]] == ["new"]
    naive = await client.get(url, params={"since": "2026-01-10T00:00:00"}, headers=tenant_a.admin)
    assert naive.status_code == 422


async def test_a_page_mark_beyond_any_id_is_a_clear_error(client, tenant_a: Operator) -> None:
    """Found by the fuzzer: 2**63 overflowed the database integer (a 500)."""
    response = await client.get(f"{ADMIN}/audit?before_id={2**63}", headers=tenant_a.admin)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    largest = await client.get(f"{ADMIN}/audit?before_id={2**63 - 1}", headers=tenant_a.admin)
    assert largest.status_code == 200
