"""Secrets the file leaves out are generated, work, are stored hashed, and are reported only once."""

from pathlib import Path

import pytest
import yaml

from backend.kit.secrets import hash_secret
from backend.models import ApiKey, WebhookToken
from backend.onboarding import read_onboarding_file
from backend.onboarding.loader import load_onboarding
from tests.backend.onboarding.conftest import DEMO_FILE, all_rows, load, row_counts

MINIMAL = {
    "super_admins": [{"email": "Root@Platform.Example.Test"}],
    "tenants": [
        {
            "slug": "tampere-parking",
            "name": "Tampere Parking",
            "currency": "EUR",
            "timezone": "Europe/Helsinki",
            "api_keys": [{"name": "handhelds"}],
            "users": [{"email": "boss@tampere.example.test", "role": "tenant_admin"}],
            "facilities": [
                {
                    "slug": "ratina",
                    "name": "Ratina",
                    "zone_number": "3300",
                    "tariff": {"increment_minutes": 60, "segments": [{"from_minute": 0, "amount": 250}]},
                }
            ],
        }
    ],
}


async def test_omitted_secrets_are_generated_and_reported_once(client, services) -> None:
    first = await load(MINIMAL, services)

    generated = {s.what: s for s in first.secrets}
    assert set(generated) == {
        "password of root@platform.example.test",
        "password of boss@tampere.example.test",
        "api key handhelds",
        "webhook token",
    }
    assert generated["webhook token"].owner == "tampere-parking"
    assert generated["password of root@platform.example.test"].owner == "platform"
    token, key = generated["webhook token"].value, generated["api key handhelds"].value
    assert token.startswith("whk_")
    assert key.startswith("ek_")
    assert await WebhookToken.exists(secret_hash=hash_secret(token), tenant__slug="tampere-parking")
    assert await ApiKey.exists(secret_hash=hash_secret(key), name="handhelds")
    for row in await all_rows():
        assert not any(isinstance(v, str) and s.value in v for v in row.values() for s in first.secrets)

    for email in ("boss@tampere.example.test", "root@platform.example.test"):
        password = generated[f"password of {email}"].value
        login = await client.post("/api/v1/admin/auth/token", data={"username": email, "password": password})
        assert login.status_code == 200, login.text

    second = await load(MINIMAL, services)
    assert second.secrets == []
    assert second.total("created") == second.total("updated") == 0
    assert "Generated secrets" not in "\n".join(second.lines())
    assert "Generated secrets" in "\n".join(first.lines())
    assert (await row_counts())["WebhookToken"] == 1


async def test_an_empty_webhook_token_list_generates_none(services) -> None:
    raw = {"tenants": [{**MINIMAL["tenants"][0], "webhook_tokens": [], "api_keys": [], "users": []}]}
    report = await load(raw, services)
    assert report.secrets == []
    assert (await row_counts())["WebhookToken"] == 0


@pytest.fixture
def yaml_files(demo, tmp_path: Path) -> tuple[Path, Path]:
    """The demo file as YAML, once as `.yaml` and once with no telling extension (content decides)."""
    as_yaml = tmp_path / "onboarding.yaml"
    as_yaml.write_text(yaml.safe_dump(demo, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sniffed = tmp_path / "onboarding.txt"
    sniffed.write_text(as_yaml.read_text(encoding="utf-8"), encoding="utf-8")
    return as_yaml, sniffed


async def test_yaml_loads_the_same_as_json(services, yaml_files) -> None:
    as_yaml, sniffed = yaml_files
    assert read_onboarding_file(as_yaml) == read_onboarding_file(DEMO_FILE) == read_onboarding_file(sniffed)

    first = await load_onboarding(read_onboarding_file(as_yaml), services)
    again = await load_onboarding(read_onboarding_file(DEMO_FILE), services)
    assert first.total("created") == again.total("unchanged") == 65
    assert again.total("created") == again.total("updated") == 0
