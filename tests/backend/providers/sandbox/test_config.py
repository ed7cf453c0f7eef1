"""Connections and start-up faults from a JSON/YAML file; the built-in demo set; refused configs."""

import json
from pathlib import Path

import httpx
import pytest

from backend.providers.sandbox import SandboxConfig, SandboxConfigError, create_sandbox_app, load_config
from backend.providers.sandbox.config import describe

YAML_CONFIG = """
connections:
  - name: city-passport
    flavour: passport
    client_id: city
    client_secret: city-secret
    token_expires_in: 2
    zones: ["100", "200"]
  - {name: city-pbp, flavour: paybyphone, api_key: city-pbp-key}
faults:
  - {connection: city-pbp, endpoint: start, kind: status, status: 503, times: 1}
"""


def client_for(config: SandboxConfig) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_sandbox_app(config)), base_url="http://sb"
    )


async def test_a_yaml_file_defines_connections_zones_and_start_up_faults(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.yaml"
    path.write_text(YAML_CONFIG)
    config = load_config(path)
    pbp = {"Authorization": "Bearer city-pbp-key"}

    async with client_for(config) as client:
        token = await client.post(
            "/passport/oauth/token",
            json={"grant_type": "client_credentials", "client_id": "city", "client_secret": "city-secret"},
        )
        assert token.json()["expires_in"] == 2
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        body = {"zone_number": "300", "license_plate": "ABC1", "duration": 30}
        unknown = await client.post("/passport/parking/v2/sessions", json=body, headers=auth)
        assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_zone")
        assert "100, 200" in unknown.json()["detail"]
        assert (
            await client.post(
                "/passport/parking/v2/sessions", json={**body, "zone_number": 100}, headers=auth
            )
        ).status_code == 201

        # The file's fault fires once, and comes back after a reset.
        assert (await client.post("/paybyphone/v1/sessions", json=body, headers=pbp)).status_code == 503
        assert (await client.post("/paybyphone/v1/sessions", json=body, headers=pbp)).status_code == 201
        assert (await client.get("/_sandbox/faults")).json() == {"faults": []}
        await client.post("/_sandbox/reset")
        [fault] = (await client.get("/_sandbox/faults")).json()["faults"]
        assert (fault["connection"], fault["endpoint"], fault["status"]) == ("city-pbp", "start", 503)

        # Only the file's connections exist: the demo credentials are refused.
        demo = await client.get(
            "/easypark/v1/rights",
            params={"license_plate": "A"},
            headers={"X-Api-Key": "ep_demo_key_0123456789"},
        )
        assert demo.status_code == 401


async def test_a_json_file_can_keep_the_demo_connections(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text(
        json.dumps(
            {
                "include_defaults": True,
                "connections": [{"name": "extra", "flavour": "easypark", "api_key": "k"}],
            }
        )
    )
    config = load_config(path)

    assert [c.name for c in config.connections] == [
        "extra",
        "passport-demo",
        "paybyphone-demo",
        "easypark-demo",
        "data-demo",
    ]
    async with client_for(config) as client:
        listed = (await client.get("/_sandbox/connections")).json()["connections"]
        assert {c["name"]: c["base_url"] for c in listed}["extra"] == "http://sb/easypark/v1"
        for key in ("k", "ep_demo_key_0123456789"):
            answer = await client.get(
                "/easypark/v1/rights", params={"license_plate": "A"}, headers={"X-Api-Key": key}
            )
            assert answer.status_code == 200


async def test_the_built_in_demo_set_works_without_a_file() -> None:
    config = load_config(None)

    async with client_for(config) as client:
        token = await client.post(
            "/passport/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("passport-demo", "pp_demo_secret_0123456789"),
        )
        assert token.status_code == 200
        assert token.json()["expires_in"] == 300
        for path, headers in [
            ("/paybyphone/v1/rights", {"Authorization": "Bearer pbp_demo_key_0123456789"}),
            ("/easypark/v1/rights", {"X-Api-Key": "ep_demo_key_0123456789"}),
        ]:
            assert (await client.get(path, params={"license_plate": "A"}, headers=headers)).status_code == 200
        index = (await client.get("/")).json()
        assert {c["name"] for c in index["connections"]} == {
            "passport-demo",
            "paybyphone-demo",
            "easypark-demo",
            "data-demo",
        }
        assert (await client.get("/health")).json() == {"status": "ok"}


def test_describe_prints_every_url_and_credential() -> None:
    text = describe(load_config(None), "http://127.0.0.1:9100")

    for expected in [
        "http://127.0.0.1:9100/passport/parking/v2",
        "http://127.0.0.1:9100/passport/oauth/token",
        "client_id     passport-demo",
        "pp_demo_secret_0123456789",
        "http://127.0.0.1:9100/paybyphone/v1",
        "pbp_demo_key_0123456789",
        "http://127.0.0.1:9100/easypark/v1",
        "ep_demo_key_0123456789",
        "http://127.0.0.1:9100/data/v1/lots",
        "data_demo_key_0123456789",
    ]:
        assert expected in text


@pytest.mark.parametrize(
    ("content", "suffix", "mentions"),
    [
        ("connections: [{name: a, flavour: passport, client_id: x}]", ".yaml", "client_secret"),
        ("connections: [{name: a, flavour: easypark}]", ".yaml", "api_key"),
        (
            "connections: [{name: a, flavour: easypark, api_key: k},"
            " {name: a, flavour: easypark, api_key: j}]",
            ".yaml",
            "connection name 'a'",
        ),
        (
            "connections: [{name: a, flavour: easypark, api_key: k},"
            " {name: b, flavour: easypark, api_key: k}]",
            ".yaml",
            "api_key 'k'",
        ),
        ("faults: [{connection: ghost, kind: status, status: 503}]", ".yaml", "ghost"),
        ("faults: [{kind: status}]", ".yaml", "status"),
        ("connections: [{name: a, flavour: teleport, api_key: k}]", ".yaml", "flavour"),
        ("{not json", ".json", "not valid JSON/YAML"),
        ("- just\n- a list\n", ".yml", "top level must be a mapping"),
    ],
)
def test_an_invalid_file_is_refused_naming_the_file_and_entry(
    tmp_path: Path, content: str, suffix: str, mentions: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)

    with pytest.raises(SandboxConfigError) as refused:
        load_config(path)

    assert str(path) in str(refused.value)
    assert mentions in str(refused.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SandboxConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml")
