"""Operator branding: set by tenant admins with `PATCH /admin/tenants/{slug}`, read by every user of
the operator through `GET /admin/auth/me` (so the app colours itself), with defaults when unset."""

import pytest

from backend.models import AuditEntry, Tenant
from tests.backend.admin.conftest import ADMIN, Operator

ME = "/api/v1/admin/auth/me"
DEFAULTS = {"primary_color": "#1F5FAD", "accent_color": "#F2A900", "logo_text": None}
BRANDING = {
    "display_name": "AlphaPark",
    "primary_color": "#0b5fff",
    "accent_color": "#FFB300",
    "logo_text": "AP",
}
SHOWN = {**BRANDING, "primary_color": "#0B5FFF"}


async def _me(client, headers) -> dict:
    response = await client.get(ME, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_unset_branding_has_defaults_and_the_operators_name(client, tenant_a: Operator) -> None:
    me = await _me(client, tenant_a.enforcement)
    assert me["acting_tenant_name"] == "Alpha Parking Ltd"
    assert me["branding"] == {"display_name": "Alpha Parking Ltd", **DEFAULTS}
    assert me["preview"] is False
    tenant = await client.get(f"{ADMIN}/tenants/alpha", headers=tenant_a.operator)
    assert tenant.json()["branding"] == me["branding"]


async def test_a_tenant_admin_sets_it_and_every_user_of_the_operator_sees_it(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    response = await client.patch(
        f"{ADMIN}/tenants/alpha", json={"branding": BRANDING}, headers=tenant_a.admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["branding"] == SHOWN
    assert response.json()["name"] == "Alpha Parking Ltd"  # nothing else changed
    for role in ("admin", "operator", "enforcement"):
        me = await _me(client, getattr(tenant_a, role))
        assert (me["acting_tenant_name"], me["branding"]) == ("Alpha Parking Ltd", SHOWN), role
    # The other operator keeps its own (default) look.
    assert (await _me(client, tenant_b.operator))["branding"] == {
        "display_name": "Bravo Parking Ltd",
        **DEFAULTS,
    }


async def test_fields_left_out_take_the_defaults_and_null_resets(client, tenant_a: Operator) -> None:
    url = f"{ADMIN}/tenants/alpha"
    await client.patch(url, json={"branding": BRANDING}, headers=tenant_a.admin)
    partial = await client.patch(url, json={"branding": {"accent_color": "#00aa55"}}, headers=tenant_a.admin)
    assert partial.json()["branding"] == {
        "display_name": "Alpha Parking Ltd",
        "primary_color": "#1F5FAD",
        "accent_color": "#00AA55",
        "logo_text": None,
    }
    # Only what the admin chose is stored: the other fields follow the defaults.
    assert (await Tenant.get(slug="alpha")).branding == {"accent_color": "#00AA55"}

    renamed = await client.patch(url, json={"name": "Alpha Oy"}, headers=tenant_a.admin)
    assert renamed.json()["branding"]["accent_color"] == "#00AA55"  # kept when not sent
    assert renamed.json()["branding"]["display_name"] == "Alpha Oy"  # follows the name

    reset = await client.patch(url, json={"branding": None}, headers=tenant_a.admin)
    assert reset.json()["branding"] == {"display_name": "Alpha Oy", **DEFAULTS}
    assert (await Tenant.get(slug="alpha")).branding == {}


@pytest.mark.parametrize(
    ("branding", "field"),
    [
        ({"primary_color": "blue"}, "branding.primary_color"),
        ({"primary_color": "#12345"}, "branding.primary_color"),
        ({"accent_color": "#GGGGGG"}, "branding.accent_color"),
        ({"accent_color": "#1234567"}, "branding.accent_color"),
        ({"display_name": "x" * 61}, "branding.display_name"),
        ({"display_name": "  "}, "branding.display_name"),
        ({"logo_text": "much too long logo"}, "branding.logo_text"),
        ({"font": "Comic Sans"}, "branding.font"),
        ("red", "branding"),
    ],
)
async def test_bad_branding_is_a_422_naming_the_field(client, tenant_a: Operator, branding, field) -> None:
    response = await client.patch(
        f"{ADMIN}/tenants/alpha", json={"branding": branding}, headers=tenant_a.admin
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["detail"].startswith(f"'{field}'"), response.json()["detail"]
    assert (await _me(client, tenant_a.admin))["branding"]["primary_color"] == "#1F5FAD"


async def test_operators_and_enforcement_cannot_change_it(client, tenant_a: Operator) -> None:
    for role in ("operator", "enforcement"):
        response = await client.patch(
            f"{ADMIN}/tenants/alpha", json={"branding": BRANDING}, headers=getattr(tenant_a, role)
        )
        assert response.status_code == 403, role
        assert response.json()["code"] == "forbidden"
    assert (await Tenant.get(slug="alpha")).branding == {}


async def test_another_operators_branding_is_not_found(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    response = await client.patch(
        f"{ADMIN}/tenants/bravo", json={"branding": BRANDING}, headers=tenant_a.admin
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No operator with slug 'bravo'.", "code": "not_found"}
    assert (await Tenant.get(slug="bravo")).branding == {}


async def test_a_super_admin_sees_the_chosen_operators_look_and_the_preview_flag(
    client, tenant_a: Operator, tenant_b: Operator, super_admin
) -> None:
    made = await client.patch(f"{ADMIN}/tenants/bravo", json={"branding": BRANDING}, headers=super_admin)
    assert made.status_code == 200

    platform = await _me(client, super_admin)
    assert (platform["acting_tenant"], platform["acting_tenant_name"], platform["preview"]) == (
        None,
        None,
        False,
    )
    assert platform["branding"] == {**DEFAULTS, "display_name": "Parkflow", "logo_text": "P"}

    acting = await _me(client, {**super_admin, "X-Tenant": "bravo"})
    assert (acting["acting_tenant"], acting["acting_tenant_name"], acting["preview"]) == (
        "bravo",
        "Bravo Parking Ltd",
        False,
    )
    assert acting["branding"] == SHOWN

    preview = await _me(client, {**super_admin, "X-Tenant": "alpha", "X-Preview": "true"})
    assert (preview["acting_tenant"], preview["preview"]) == ("alpha", True)
    assert preview["branding"] == {"display_name": "Alpha Parking Ltd", **DEFAULTS}
    assert preview["role"] == "super_admin"

    refused = await client.patch(
        f"{ADMIN}/tenants/alpha",
        json={"branding": BRANDING},
        headers={**super_admin, "X-Tenant": "alpha", "X-Preview": "true"},
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_preview"


async def test_a_change_is_audited_and_an_unchanged_one_is_not(client, tenant_a: Operator) -> None:
    url = f"{ADMIN}/tenants/alpha"
    await client.patch(url, json={"branding": {"primary_color": "#0B5FFF"}}, headers=tenant_a.admin)
    await client.patch(url, json={"branding": {"primary_color": "#0b5fff"}}, headers=tenant_a.admin)
    entries = await AuditEntry.filter(action="tenant.updated").order_by("id")
    assert len(entries) == 1
    assert entries[0].actor_label == "tenant-admin@alpha.example.test"
    assert entries[0].details == {"changes": {"branding": {"from": {}, "to": {"primary_color": "#0B5FFF"}}}}
