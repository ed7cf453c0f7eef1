"""`load_onboarding` with the demo file: what it stores, that a reload changes nothing, that an
edited file updates in place, and that secrets never land in the database in plain text."""

import httpx
from fastapi import FastAPI
from shapely import Point

from backend.auth.dependencies import EnforcementKey, WebhookCaller
from backend.kit.errors import install_error_handlers
from backend.kit.secrets import hash_secret
from backend.models import (
    ApiKey,
    Facility,
    OperatorUser,
    PassProduct,
    ProviderConnection,
    Tenant,
    WebhookToken,
)
from backend.onboarding import load_onboarding, parse_onboarding
from shared.geo import parse_lot_geometry
from tests.backend.onboarding.conftest import all_rows, facility, load, row_counts, tenant

EXPECTED = {
    "tenant": 2,
    "facility": 35,
    "operator_user": 7,
    "api_key": 4,
    "webhook_token": 2,
    "pass_product": 12,
    "provider_connection": 3,
}


def _stored_counts(counts: dict[str, int]) -> dict[str, int]:
    tables = {
        "Tenant": "tenant",
        "Facility": "facility",
        "OperatorUser": "operator_user",
        "ApiKey": "api_key",
        "WebhookToken": "webhook_token",
        "PassProduct": "pass_product",
        "ProviderConnection": "provider_connection",
    }
    return {table: counts[model] for model, table in tables.items()}


async def test_the_demo_file_loads_every_entry(services, demo) -> None:
    report = await load(demo, services)

    assert _stored_counts(await row_counts()) == EXPECTED
    assert report.total("created") == sum(EXPECTED.values()) == 65
    assert (report.total("updated"), report.total("unchanged")) == (0, 0)
    assert report.secrets == []  # the demo file gives every secret

    helsinki = await Tenant.get(slug="helsinki-parking")
    cleveland = await Tenant.get(slug="cleveland-parking")
    assert (cleveland.currency, cleveland.timezone) == ("USD", "America/New_York")
    assert (str(cleveland.service_fee_percent), cleveland.service_fee_fixed_amount) == ("2.50", 25)

    kamppi = await Facility.get(slug="kamppi-p1")
    assert kamppi.tenant_id == helsinki.id  # type: ignore[attr-defined]
    assert (kamppi.name, kamppi.name_lower, kamppi.zone_number) == ("Kamppi P1", "kamppi p1", "1234")
    assert (kamppi.detection, kamppi.timezone, kamppi.capacity) == ("anpr", "Europe/Helsinki", 120)
    assert kamppi.tariff["segments"] == [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}]
    assert kamppi.provider_connection_id is None  # type: ignore[attr-defined]
    outline = parse_lot_geometry(kamppi.geometry)
    assert outline.contains(Point(kamppi.center_lon, kamppi.center_lat))
    assert await PassProduct.filter(facility=kamppi).values_list("slug", "amount", "days") == [
        ("monthly", 9900, 30)
    ]

    root = await OperatorUser.get(email="root@parkflow.test")
    assert (root.tenant_id, root.role) == (None, "super_admin")  # type: ignore[attr-defined]
    officer = await OperatorUser.get(email="valvoja@helsinki.test")
    assert (officer.tenant_id, officer.role) == (helsinki.id, "enforcement")  # type: ignore[attr-defined]

    limited = await ApiKey.get(tenant=helsinki, name="kamppi-hietalahti")
    hietalahti = await Facility.get(slug="hietalahdentori")
    assert limited.facility_ids == [str(kamppi.id), str(hietalahti.id)]
    assert (await ApiKey.get(tenant=helsinki, name="handhelds")).facility_ids is None


async def test_no_secret_is_stored_in_plain_text(services, demo) -> None:
    helsinki = tenant(demo, "helsinki-parking")
    helsinki["providers"] = [
        {
            "slug": "passport",
            "kind": "passport",
            "auth": "oauth2",
            "base_url": "http://127.0.0.1:9100/parking/v2",
            "token_url": "http://127.0.0.1:9100/oauth/token",
            "client_id": "helsinki-client",
            "client_secret": "cs_very_secret_provider_value",
        },
        {
            "slug": "easypark",
            "kind": "easypark",
            "auth": "x-api-key",
            "base_url": "http://127.0.0.1:9101/v1",
            "api_key": "pk_easypark_secret_value_123",
        },
    ]
    facility(demo, "katajanokanlaituri")["provider"] = {"connection": "passport", "zone_id": "HEL-1260"}
    await load(demo, services)

    plaintexts = {"cs_very_secret_provider_value", "pk_easypark_secret_value_123"}
    plaintexts |= {a["password"] for a in demo["super_admins"]}
    for t in demo["tenants"]:
        plaintexts |= {u["password"] for u in t["users"]}
        plaintexts |= set(t["webhook_tokens"]) | {k["key"] for k in t["api_keys"]}
    for row in await all_rows():
        for column, value in row.items():
            assert not (isinstance(value, str) and any(secret in value for secret in plaintexts)), column

    passport = await ProviderConnection.get(slug="passport", tenant__slug="helsinki-parking")
    assert services.secret_box.open(passport.client_secret_encrypted) == "cs_very_secret_provider_value"
    easypark = await ProviderConnection.get(slug="easypark", tenant__slug="helsinki-parking")
    assert services.secret_box.open(easypark.api_key_encrypted) == "pk_easypark_secret_value_123"
    kata = await Facility.get(slug="katajanokanlaituri")
    assert kata.provider_connection_id == passport.id  # type: ignore[attr-defined]
    assert kata.provider_zone_id == "HEL-1260"

    again = await load(demo, services)
    assert dict(again.counts["providers"]) == {"unchanged": 3}  # these two and Cleveland's paybyphone
    helsinki["providers"][0]["client_secret"] = "cs_rotated_provider_value"
    helsinki["providers"][1].pop("api_key")  # omitted: the stored one is kept
    rotated = await load(demo, services)
    assert dict(rotated.counts["providers"]) == {"updated": 1, "unchanged": 2}
    passport = await ProviderConnection.get(slug="passport", tenant__slug="helsinki-parking")
    assert services.secret_box.open(passport.client_secret_encrypted) == "cs_rotated_provider_value"
    easypark = await ProviderConnection.get(slug="easypark", tenant__slug="helsinki-parking")
    assert services.secret_box.open(easypark.api_key_encrypted) == "pk_easypark_secret_value_123"


def _probe_app() -> FastAPI:
    """A tiny app using the real auth dependencies: does a stored token or key authenticate?"""
    probe = FastAPI()
    install_error_handlers(probe)

    @probe.get("/webhook-caller")
    async def webhook_caller(tenant_id: WebhookCaller) -> dict:
        return {"tenant_id": str(tenant_id)}

    @probe.get("/enforcement-key")
    async def enforcement_key(key: EnforcementKey) -> dict:
        facilities = None if key.facility_ids is None else sorted(str(i) for i in key.facility_ids)
        return {"tenant_id": str(key.tenant_id), "facilities": facilities}

    return probe


async def test_tokens_keys_and_passwords_in_the_file_authenticate(client, services, demo) -> None:
    await load(demo, services)
    helsinki = await Tenant.get(slug="helsinki-parking")
    token = tenant(demo, "helsinki-parking")["webhook_tokens"][0]
    stored = await WebhookToken.get(secret_hash=hash_secret(token))
    assert (stored.tenant_id, stored.prefix) == (helsinki.id, token[:10])  # type: ignore[attr-defined]

    transport = httpx.ASGITransport(app=_probe_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as probe:
        caller = await probe.get("/webhook-caller", headers={"Authorization": f"Bearer {token}"})
        assert caller.json() == {"tenant_id": str(helsinki.id)}
        wrong = await probe.get("/webhook-caller", headers={"Authorization": f"Bearer {token}x"})
        assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")
        key = await probe.get("/enforcement-key", headers={"x-api-key": "ek_demo_helsinki_kamppi_0123456789"})
        kamppi, hietalahti = await Facility.get(slug="kamppi-p1"), await Facility.get(slug="hietalahdentori")
        assert key.json() == {
            "tenant_id": str(helsinki.id),
            "facilities": sorted([str(kamppi.id), str(hietalahti.id)]),
        }

    login = await client.post(
        "/api/v1/admin/auth/token", data={"username": "admin@helsinki.test", "password": "parkflow-demo"}
    )
    assert login.status_code == 200, login.text
    root = await client.post(
        "/api/v1/admin/auth/token", data={"username": "root@parkflow.test", "password": "parkflow-root-demo"}
    )
    assert root.status_code == 200, root.text


async def test_loading_the_same_file_twice_changes_nothing(services, demo) -> None:
    first = await load(demo, services)
    before = await all_rows()

    second = await load(demo, services)

    assert second.total("created") == second.total("updated") == 0
    assert second.total("unchanged") == first.total("created")
    assert second.secrets == []
    assert sorted(map(repr, await all_rows())) == sorted(map(repr, before))  # not even a new hash


async def test_an_edited_file_updates_what_changed(client, services, demo) -> None:
    await load(demo, services)
    kamppi_before = await Facility.get(slug="kamppi-p1")
    facility(demo, "kamppi-p1")["name"] = "Kamppi P1 (Renovated)"
    facility(demo, "kamppi-p1")["tariff"]["daily_max_amount"] = 2000
    facility(demo, "kamppi-p1")["pass_products"][0]["amount"] = 8900
    helsinki = tenant(demo, "helsinki-parking")
    helsinki["name"] = "Helsinki Parking Ltd"
    helsinki["users"][1]["password"] = "a-brand-new-password"
    helsinki["api_keys"][0]["key"] = "ek_rotated_helsinki_key_000000"

    report = await load(demo, services)

    assert {k: dict(c) for k, c in report.counts.items() if c["updated"]} == {
        "tenants": {"updated": 1, "unchanged": 1},
        "users": {"updated": 1, "unchanged": 5},
        "api keys": {"updated": 1, "unchanged": 3},
        "facilities": {"updated": 1, "unchanged": 34},
        "pass products": {"updated": 1, "unchanged": 11},
    }
    assert report.total("created") == 0
    kamppi = await Facility.get(slug="kamppi-p1")
    assert (kamppi.id, kamppi.name, kamppi.name_lower) == (
        kamppi_before.id,
        "Kamppi P1 (Renovated)",
        "kamppi p1 (renovated)",
    )
    assert kamppi.tariff["daily_max_amount"] == 2000
    assert kamppi.updated_at > kamppi_before.updated_at
    assert (await Facility.get(slug="hietalahdentori")).updated_at < kamppi.updated_at
    assert (await PassProduct.get(facility=kamppi, slug="monthly")).amount == 8900
    assert (await Tenant.get(slug="helsinki-parking")).name == "Helsinki Parking Ltd"
    assert await ApiKey.exists(secret_hash=hash_secret("ek_rotated_helsinki_key_000000"), name="handhelds")
    assert not await ApiKey.exists(secret_hash=hash_secret("ek_demo_helsinki_0123456789abcdef"))

    old = await client.post(
        "/api/v1/admin/auth/token", data={"username": "ops@helsinki.test", "password": "parkflow-demo"}
    )
    assert (old.status_code, old.json()["code"]) == (401, "invalid_credentials")
    new = await client.post(
        "/api/v1/admin/auth/token", data={"username": "ops@helsinki.test", "password": "a-brand-new-password"}
    )
    assert new.status_code == 200, new.text


async def test_a_file_with_only_new_entries_keeps_the_rest(services, demo) -> None:
    """Loading is an upsert: entries missing from a later file are left alone, never deleted."""
    await load(demo, services)
    helsinki = tenant(demo, "helsinki-parking")
    helsinki["facilities"] = [
        {
            "slug": "ruoholahti-p2",
            "name": "Ruoholahti P2",
            "zone_number": "1270",
            "tariff": {"increment_minutes": 60, "segments": [{"from_minute": 0, "amount": 300}]},
        }
    ]
    helsinki["api_keys"].append({"name": "ruoholahti", "facilities": ["ruoholahti-p2", "kamppi-p1"]})
    report = await load({"tenants": [helsinki]}, services)

    assert report.counts["facilities"]["created"] == 1
    assert [s.what for s in report.secrets] == ["api key ruoholahti"]
    assert await Facility.filter(tenant__slug="helsinki-parking").count() == 6
    assert await Facility.all().count() == 36
    added = await Facility.get(slug="ruoholahti-p2")
    assert (added.timezone, added.detection, added.geometry) == ("Europe/Helsinki", "none", None)


async def test_large_files_report_progress(services) -> None:
    facilities = [
        {
            "slug": f"lot-{n}",
            "name": f"Lot {n}",
            "zone_number": str(5000 + n),
            "tariff": {"increment_minutes": 60, "segments": [{"from_minute": 0, "amount": 100}]},
        }
        for n in range(250)
    ]
    raw = {
        "tenants": [
            {
                "slug": "big-parking",
                "name": "Big Parking",
                "currency": "USD",
                "timezone": "America/Chicago",
                "webhook_tokens": [],
                "facilities": facilities,
            }
        ]
    }
    said: list[str] = []
    report = await load_onboarding(parse_onboarding(raw), services, progress=said.append)
    assert said == [
        "tenant big-parking: 250 facilities, 0 users, 0 api keys, 0 providers",
        "  facilities 100/250",
        "  facilities 200/250",
        "  facilities 250/250",
    ]
    assert report.counts["facilities"]["created"] == 250
