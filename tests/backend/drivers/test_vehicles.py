"""`/api/v1/me/vehicles`: a driver's plates."""

import asyncio
import uuid

import pytest

from tests.backend.helpers import bearer, driver_token

VEHICLES = "/api/v1/me/vehicles"


@pytest.fixture
async def auth(client) -> dict[str, str]:
    return bearer(await driver_token(client))


async def test_register_a_plate_keeps_it_as_typed(client, auth) -> None:
    response = await client.post(VEHICLES, json={"license_plate": "  abc-123 "}, headers=auth)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["license_plate"] == "abc-123"
    assert body["plate_normalized"] == "ABC123"
    assert body["is_default"] is True
    uuid.UUID(body["id"])
    assert body["created_at"].endswith("Z") or "+00:00" in body["created_at"]


async def test_nordic_letters_are_kept(client, auth) -> None:
    response = await client.post(VEHICLES, json={"license_plate": "ööa·12"}, headers=auth)
    assert response.status_code == 201
    assert response.json()["plate_normalized"] == "ÖÖA12"


async def test_only_the_first_vehicle_is_the_default_and_the_list_is_oldest_first(client, auth) -> None:
    for plate in ("ABC-123", "XYZ-9", "KLM-44"):
        assert (await client.post(VEHICLES, json={"license_plate": plate}, headers=auth)).status_code == 201
    response = await client.get(VEHICLES, headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [v["license_plate"] for v in body["items"]] == ["ABC-123", "XYZ-9", "KLM-44"]
    assert [v["is_default"] for v in body["items"]] == [True, False, False]


@pytest.mark.parametrize("second", ["ABC-123", "abc 123", " abc123 ", "A.B.C-1 2 3"])
async def test_the_same_plate_twice_is_a_conflict(client, auth, second) -> None:
    assert (await client.post(VEHICLES, json={"license_plate": "ABC-123"}, headers=auth)).status_code == 201
    response = await client.post(VEHICLES, json={"license_plate": second}, headers=auth)
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_vehicle"
    assert "already" in response.json()["detail"]
    assert (await client.get(VEHICLES, headers=auth)).json()["count"] == 1


async def test_two_drivers_may_register_the_same_plate(client, auth) -> None:
    other = bearer(await driver_token(client, "spouse@example.test"))
    assert (await client.post(VEHICLES, json={"license_plate": "ABC-123"}, headers=auth)).status_code == 201
    response = await client.post(VEHICLES, json={"license_plate": "abc 123"}, headers=other)
    assert response.status_code == 201
    assert response.json()["is_default"] is True


@pytest.mark.parametrize("plate", ["", "   ", "- . ·", "A" * 21, "ABC/123", "ABC_123", "-" * 40 + "ABC"])
async def test_invalid_plates_are_refused(client, auth, plate) -> None:
    response = await client.post(VEHICLES, json={"license_plate": plate}, headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_plate"
    assert (await client.get(VEHICLES, headers=auth)).json()["count"] == 0


@pytest.mark.parametrize(
    "body", [{}, {"license_plate": None}, {"license_plate": 123}, {"license_plate": "A1", "x": 1}]
)
async def test_malformed_bodies_name_the_field(client, auth, body) -> None:
    response = await client.post(VEHICLES, json=body, headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "'license_plate'" in response.json()["detail"] or "'x'" in response.json()["detail"]


async def test_delete_a_vehicle(client, auth) -> None:
    created = (await client.post(VEHICLES, json={"license_plate": "ABC-123"}, headers=auth)).json()
    response = await client.delete(f"{VEHICLES}/{created['id']}", headers=auth)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(VEHICLES, headers=auth)).json()["count"] == 0
    again = await client.delete(f"{VEHICLES}/{created['id']}", headers=auth)
    assert again.status_code == 404
    assert again.json()["code"] == "not_found"
    # and the plate can be registered again
    assert (await client.post(VEHICLES, json={"license_plate": "ABC-123"}, headers=auth)).status_code == 201


async def test_deleting_the_default_makes_the_oldest_remaining_the_default(client, auth) -> None:
    ids = []
    for plate in ("AAA-1", "BBB-2", "CCC-3"):
        ids.append((await client.post(VEHICLES, json={"license_plate": plate}, headers=auth)).json()["id"])
    assert (await client.delete(f"{VEHICLES}/{ids[0]}", headers=auth)).status_code == 204
    items = (await client.get(VEHICLES, headers=auth)).json()["items"]
    assert [(v["license_plate"], v["is_default"]) for v in items] == [("BBB-2", True), ("CCC-3", False)]


async def test_make_another_vehicle_the_default(client, auth) -> None:
    first = (await client.post(VEHICLES, json={"license_plate": "AAA-1"}, headers=auth)).json()
    second = (await client.post(VEHICLES, json={"license_plate": "BBB-2"}, headers=auth)).json()
    response = await client.post(f"{VEHICLES}/{second['id']}/default", headers=auth)
    assert response.status_code == 200
    assert response.json()["is_default"] is True
    items = {v["id"]: v["is_default"] for v in (await client.get(VEHICLES, headers=auth)).json()["items"]}
    assert items == {first["id"]: False, second["id"]: True}
    # making the default the default again changes nothing
    assert (await client.post(f"{VEHICLES}/{second['id']}/default", headers=auth)).status_code == 200
    items = (await client.get(VEHICLES, headers=auth)).json()["items"]
    assert [v["is_default"] for v in items] == [False, True]


@pytest.mark.parametrize("method", ["DELETE", "POST"])
async def test_another_drivers_vehicle_is_not_found(client, auth, method) -> None:
    created = (await client.post(VEHICLES, json={"license_plate": "ABC-123"}, headers=auth)).json()
    intruder = bearer(await driver_token(client, "intruder@example.test"))
    path = f"{VEHICLES}/{created['id']}" + ("/default" if method == "POST" else "")
    response = await client.request(method, path, headers=intruder)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (await client.get(VEHICLES, headers=intruder)).json()["items"] == []
    items = (await client.get(VEHICLES, headers=auth)).json()["items"]
    assert [(v["id"], v["is_default"]) for v in items] == [(created["id"], True)]


@pytest.mark.parametrize("vehicle_id", ["not-a-uuid", "123", str(uuid.uuid4())])
async def test_unknown_or_malformed_ids_are_not_found(client, auth, vehicle_id) -> None:
    response = await client.delete(f"{VEHICLES}/{vehicle_id}", headers=auth)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", VEHICLES),
        ("POST", VEHICLES),
        ("DELETE", f"{VEHICLES}/{uuid.uuid4()}"),
        ("POST", f"{VEHICLES}/{uuid.uuid4()}/default"),
    ],
)
async def test_vehicles_need_a_signed_in_driver(client, method, path) -> None:
    response = await client.request(method, path, json={"license_plate": "ABC-123"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    garbage = await client.request(method, path, json={"license_plate": "ABC-123"}, headers=bearer("nope"))
    assert garbage.status_code == 401
    assert garbage.json()["code"] == "invalid_token"


async def test_the_same_plate_added_twice_at_once_is_saved_once(client, auth) -> None:
    responses = await asyncio.gather(
        *(client.post(VEHICLES, json={"license_plate": p}, headers=auth) for p in ("ABC-123", "abc 123"))
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert (await client.get(VEHICLES, headers=auth)).json()["count"] == 1
