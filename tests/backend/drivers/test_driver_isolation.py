"""Cross-driver matrix: every endpoint that names a driver's object (receipts, vehicles, cards,
sessions) treats another driver's as missing (404 `not_found`), changes nothing of it, and no list or
export of one driver shows the other's."""

from dataclasses import replace

import pytest

from tests.backend.helpers import bearer, driver_token
from tests.backend.sessions.conftest import add_card
from tests.backend.sessions.support import start, stop

# (method, path template, body). Templates name the other driver's objects.
SCOPED = [
    ("GET", "/api/v1/me/receipts/{charge}", None),
    ("GET", "/api/v1/me/receipts/{refund}", None),
    ("DELETE", "/api/v1/me/vehicles/{vehicle}", None),
    ("POST", "/api/v1/me/vehicles/{vehicle}/default", None),
    ("DELETE", "/api/v1/me/payment-methods/{card}", None),
    ("POST", "/api/v1/me/payment-methods/{card}/default", None),
    ("GET", "/api/v1/sessions/{running}", None),
    ("POST", "/api/v1/sessions/{running}/extend", {"duration_minutes": 15}),
    ("POST", "/api/v1/sessions/{running}/stop", None),
    ("POST", "/api/v1/sessions/{running}/pay", None),
]
SNAPSHOT = [
    "/api/v1/me",
    "/api/v1/me/receipts",
    "/api/v1/me/vehicles",
    "/api/v1/me/payment-methods",
    "/api/v1/sessions",
]


async def _snapshot(client, auth) -> dict:
    state = {}
    for path in SNAPSHOT:
        response = await client.get(path, headers=auth)
        assert response.status_code == 200, response.text
        state[path] = response.json()
    return state


@pytest.fixture
async def bo(client, lot) -> dict:
    """Another driver with a plate, a card, a session stopped early (a charge and a refund) and a
    session running; their ids by name."""
    auth = bearer(await driver_token(client, "bo@example.test"))
    card = await add_card(client, auth, "tok_mastercard")
    vehicle = await client.post("/api/v1/me/vehicles", json={"license_plate": "BO-1"}, headers=auth)
    assert vehicle.status_code == 201, vehicle.text
    as_bo = replace(lot, auth=auth, visa=card)
    ended = await start(client, as_bo, "kamppi-p1", "BO-1", 60)
    assert (await stop(client, as_bo, ended["id"])).status_code == 200
    running = await start(client, as_bo, "kamppi-p1", "BO-2", 60)
    receipts = (await client.get("/api/v1/me/receipts", headers=auth)).json()["items"]
    refund = next(r["id"] for r in receipts if r["kind"] == "refund")
    charge = next(r["id"] for r in receipts if r["kind"] == "charge")
    return {
        "auth": auth,
        "card": card,
        "vehicle": vehicle.json()["id"],
        "running": running["id"],
        "charge": charge,
        "refund": refund,
    }


async def test_another_drivers_objects_are_not_found_and_stay_untouched(client, lot, bo) -> None:
    before = await _snapshot(client, bo["auth"])
    wrong = []
    for method, template, body in SCOPED:
        path = template.format(**bo)
        response = await client.request(method, path, json=body, headers=lot.auth)
        if response.status_code != 404 or response.json().get("code") != "not_found":
            wrong.append(f"{method} {template}: {response.status_code} {response.text[:120]}")
    assert not wrong, f"another driver's object was not a 404: {wrong}"
    assert await _snapshot(client, bo["auth"]) == before


async def test_lists_and_exports_never_show_another_drivers_things(client, lot, bo) -> None:
    await start(client, lot, "kamppi-p1", "ABC-123", 60)
    theirs = {bo[name] for name in ("card", "vehicle", "running", "charge", "refund")}
    for path in (*SNAPSHOT[1:], "/api/v1/me/export", "/api/v1/passes"):
        response = await client.get(path, headers=lot.auth)
        assert response.status_code == 200, path
        leaked = [ident for ident in theirs if ident in response.text]
        assert not leaked, f"{path} shows another driver's {leaked}"
        assert "BO-1" not in response.text
        assert "bo@example.test" not in response.text
