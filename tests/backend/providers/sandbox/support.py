"""Credentials of the test sandbox and small helpers shared by its tests."""

import httpx

PASSPORT_SECRET = "pp-test-secret"
SHORT_SECRET = "pp-short-secret"
OTHER_SECRET = "pp-other-secret"
PBP_KEY = "pbp-test-key"
EP_KEY = "ep-test-key"
DATA_KEY = "data-test-key"
ZONES = ["1234", "2345"]

TEST_CONFIG = {
    "connections": [
        {"name": "passport-t", "flavour": "passport", "client_id": "pp-t", "client_secret": PASSPORT_SECRET},
        {
            "name": "passport-short",
            "flavour": "passport",
            "client_id": "pp-short",
            "client_secret": SHORT_SECRET,
            "token_expires_in": 1,
        },
        {"name": "passport-other", "flavour": "passport", "client_id": "pp-o", "client_secret": OTHER_SECRET},
        {"name": "paybyphone-t", "flavour": "paybyphone", "api_key": PBP_KEY, "zones": ZONES},
        {"name": "easypark-t", "flavour": "easypark", "api_key": EP_KEY},
        {"name": "data-t", "flavour": "data", "api_key": DATA_KEY},
    ]
}


async def passport_token(
    http: httpx.AsyncClient, client_id: str = "pp-t", secret: str = PASSPORT_SECRET
) -> dict[str, str]:
    response = await http.post(
        "/passport/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def stats(http: httpx.AsyncClient, connection: str) -> dict[str, int]:
    return (await http.get("/_sandbox/stats")).json()["connections"].get(connection, {})


BASES = {"passport": "/passport/parking/v2", "paybyphone": "/paybyphone/v1", "easypark": "/easypark/v1"}


async def credentials(http: httpx.AsyncClient, flavour: str) -> dict[str, str]:
    """Headers that authenticate as the test connection of `flavour`."""
    if flavour == "passport":
        return await passport_token(http)
    if flavour == "paybyphone":
        return {"Authorization": f"Bearer {PBP_KEY}"}
    return {"X-Api-Key": EP_KEY}


async def add_fault(http: httpx.AsyncClient, **fault: object) -> dict:
    response = await http.post("/_sandbox/faults", json=fault)
    assert response.status_code == 201, response.text
    return response.json()


def start_body(plate: str = "ABC-123", zone: str = "1234", duration: int = 60, **extra: object) -> dict:
    return {"zone_number": zone, "license_plate": plate, "duration": duration, **extra}
