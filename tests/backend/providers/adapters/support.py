"""The adapters' test sandbox (its own connections), and building adapters the way the registry does."""

from types import SimpleNamespace
from uuid import uuid4

import httpx

from backend.kit.secrets import SecretBox
from backend.providers.common.adapter import AdapterContext
from backend.providers.http import HttpPolicy, SharedHttp
from backend.providers.registry import ProviderRegistry

PASSPORT_SECRET = "pp-adapter-secret"
SHORT_SECRET = "pp-short-adapter-secret"
PBP_KEY = "pbp-adapter-key"
EP_KEY = "ep-adapter-key"
DATA_KEY = "data-adapter-key"
TOKEN_SECONDS = 2

CONFIG = {
    "connections": [
        {"name": "passport-a", "flavour": "passport", "client_id": "pp-a", "client_secret": PASSPORT_SECRET},
        {
            "name": "passport-short",
            "flavour": "passport",
            "client_id": "pp-short",
            "client_secret": SHORT_SECRET,
            "token_expires_in": TOKEN_SECONDS,
        },
        {"name": "paybyphone-a", "flavour": "paybyphone", "api_key": PBP_KEY, "zones": ["1234", "2345"]},
        {"name": "easypark-a", "flavour": "easypark", "api_key": EP_KEY},
        {"name": "data-a", "flavour": "data", "api_key": DATA_KEY},
    ]
}

KIND = {
    "passport-a": "passport",
    "passport-short": "passport",
    "paybyphone-a": "paybyphone",
    "easypark-a": "easypark",
}
AUTH = {"passport": "oauth2", "paybyphone": "bearer", "easypark": "x-api-key"}
CREDENTIALS = {
    "passport-a": {"client_id": "pp-a", "client_secret": PASSPORT_SECRET},
    "passport-short": {"client_id": "pp-short", "client_secret": SHORT_SECRET},
    "paybyphone-a": {"api_key": PBP_KEY},
    "easypark-a": {"api_key": EP_KEY},
}

# Short enough to keep the suite quick, long enough for loopback calls on a busy CI machine.
FAST = HttpPolicy(
    timeout_seconds=1.0,
    connect_timeout_seconds=1.0,
    max_attempts=3,
    backoff_initial_seconds=0.01,
    backoff_max_seconds=0.05,
    retry_after_max_seconds=2.0,
)
BOX = SecretBox("adapter-tests-secret-0123456789abcdef")


def connection_row(name: str, urls: dict[str, str], **overrides: object) -> SimpleNamespace:
    """What a ProviderConnection row holds for the sandbox connection `name` (secrets sealed)."""
    kind = KIND[name]
    credentials = CREDENTIALS[name]
    row = {
        "id": uuid4(),
        "slug": name,
        "kind": kind,
        "auth": AUTH[kind],
        "base_url": urls["base_url"],
        "token_url": urls.get("token_url"),
        "client_id": credentials.get("client_id"),
        "client_secret_encrypted": BOX.seal(credentials["client_secret"])
        if "client_secret" in credentials
        else None,
        "api_key_encrypted": BOX.seal(credentials["api_key"]) if "api_key" in credentials else None,
    }
    row.update(overrides)
    return SimpleNamespace(**row)


def registry_for(shared: SharedHttp, leeway_seconds: float = 30.0) -> ProviderRegistry:
    return ProviderRegistry(
        AdapterContext(
            shared=shared, policy=shared.policy, token_leeway_seconds=leeway_seconds, open_secret=BOX.open
        )
    )


async def stats(admin: httpx.AsyncClient, connection: str) -> dict[str, int]:
    return (await admin.get("/_sandbox/stats")).json()["connections"].get(connection, {})


async def add_fault(admin: httpx.AsyncClient, **fault: object) -> None:
    response = await admin.post("/_sandbox/faults", json=fault)
    assert response.status_code == 201, response.text
