"""`POST /api/v1/passes` and `GET /api/v1/passes`: charged once, receipted, honoured by enforcement."""

import asyncio
from datetime import UTC, datetime, timedelta

from backend.models import DriverEvent, Job, ParkingPass, PassProduct, Payment, SandboxCharge
from tests.backend.enforcement.conftest import headers
from tests.backend.helpers import bearer, driver_token

PASSES = "/api/v1/passes"


def purchase(shop, **overrides) -> dict:
    body = {
        "facility": "kamppi-p1",
        "product": "monthly",
        "license_plate": "abc-123",
        "payment_method_id": shop.visa,
    }
    body.update(overrides)
    return body


async def enforcement(
    client, plate: str = "ABC123", at: datetime | None = None, facility="kamppi-p1"
) -> dict:
    params = {"facility": facility}
    if at is not None:
        params["at"] = at.isoformat()
    response = await client.get(f"/api/enforcement/check/{plate}", params=params, headers=headers())
    assert response.status_code == 200, response.text
    return response.json()


async def test_happy_path_charges_product_and_fee_and_enforcement_sees_the_pass(client, shop) -> None:
    before = datetime.now(UTC)
    response = await client.post(PASSES, json=purchase(shop), headers=shop.auth)
    assert response.status_code == 201, response.text
    body = response.json()
    # 99.00 + 2.5 % service fee (2.475 rounded half-up to 2.48)
    assert (body["parking_amount"], body["service_fee_amount"], body["total_amount"]) == (9900, 248, 10148)
    assert body["currency"] == "EUR"
    assert (body["facility"], body["facility_name"], body["product"]) == ("kamppi-p1", "Kamppi P1", "monthly")
    assert body["license_plate"] == "abc-123"
    assert body["state"] == "valid"
    valid_from = datetime.fromisoformat(body["valid_from"])
    valid_until = datetime.fromisoformat(body["valid_until"])
    assert before <= valid_from <= datetime.now(UTC)
    assert valid_until - valid_from == timedelta(days=30)

    payment = await Payment.get(id=body["payment_id"])
    assert (payment.status, payment.purpose, payment.amount) == ("captured", "pass", 10148)
    assert payment.parking_pass_id is not None  # type: ignore[attr-defined]
    assert str(payment.parking_pass_id) == body["id"]  # type: ignore[attr-defined]
    assert await SandboxCharge.filter(captured_amount=10148).count() == 1
    assert await Job.filter(kind="send_receipt", payload={"payment_id": str(payment.id)}).exists()
    event = await DriverEvent.get(kind="pass_purchased")
    assert event.payload["pass_id"] == body["id"]
    assert event.payload["amount"] == 10148

    check = await enforcement(client, "ABC 123")
    assert check["status"] == "pass_active"
    assert check["validUntil"] == body["valid_until"].replace("+00:00", "Z")
    assert check["activePasses"][0]["product"] == "monthly"
    assert check["recentPayments"][0]["amount"] == 10148
    # Only at the facility it was bought for.
    assert (await enforcement(client, facility="forum-p2"))["status"] == "not_found"

    listed = await client.get(PASSES, headers=shop.auth)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0] == body


async def test_plate_is_not_registered_as_a_vehicle(client, shop) -> None:
    assert (await client.post(PASSES, json=purchase(shop), headers=shop.auth)).status_code == 201
    vehicles = await client.get("/api/v1/me/vehicles", headers=shop.auth)
    assert vehicles.json()["count"] == 0


async def test_same_idempotency_key_and_body_answers_the_first_result(client, shop) -> None:
    key = {"Idempotency-Key": "buy-monthly-1", **shop.auth}
    first = await client.post(PASSES, json=purchase(shop), headers=key)
    again = await client.post(PASSES, json=purchase(shop), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await Payment.all().count() == 1
    assert await SandboxCharge.all().count() == 1
    assert await ParkingPass.filter(status="active").count() == 1
    assert await DriverEvent.filter(kind="pass_purchased").count() == 1
    # Another key is another purchase.
    other = await client.post(PASSES, json=purchase(shop), headers={"Idempotency-Key": "buy-2", **shop.auth})
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]


async def test_concurrent_duplicates_charge_once(client, shop) -> None:
    key = {"Idempotency-Key": "double-tap", **shop.auth}
    responses = await asyncio.gather(
        *(client.post(PASSES, json=purchase(shop), headers=key) for _ in range(4))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await SandboxCharge.all().count() == 1
    assert await ParkingPass.all().count() == 1
    assert await DriverEvent.filter(kind="pass_purchased").count() == 1


async def test_same_key_different_body_is_409(client, shop) -> None:
    key = {"Idempotency-Key": "buy-monthly-1", **shop.auth}
    assert (await client.post(PASSES, json=purchase(shop), headers=key)).status_code == 201
    for change in (
        {"license_plate": "XYZ-987"},
        {"facility": "forum-p2"},
        {"payment_method_id": shop.no_funds},
    ):
        response = await client.post(PASSES, json=purchase(shop, **change), headers=key)
        assert response.status_code == 409, change
        assert response.json()["code"] == "conflict"
    assert await Payment.all().count() == 1


async def test_keys_are_per_driver(client, shop) -> None:
    key = {"Idempotency-Key": "shared-key"}
    assert (await client.post(PASSES, json=purchase(shop), headers={**key, **shop.auth})).status_code == 201
    other = bearer(await driver_token(client, "eino@example.test"))
    card = await client.post("/api/v1/me/payment-methods", json={"token": "tok_visa"}, headers=other)
    body = purchase(shop, payment_method_id=card.json()["id"])
    response = await client.post(PASSES, json=body, headers={**key, **other})
    assert response.status_code == 201
    assert await Payment.filter(status="captured").count() == 2


async def test_declined_card_is_402_and_no_pass(client, shop) -> None:
    for method, code in ((shop.declined, "payment_declined"), (shop.no_funds, "insufficient_funds")):
        response = await client.post(PASSES, json=purchase(shop, payment_method_id=method), headers=shop.auth)
        assert response.status_code == 402, response.text
        assert response.json()["code"] == code
        assert response.json()["detail"]
    assert await ParkingPass.filter(status="active").count() == 0
    assert not await Job.filter(kind="send_receipt").exists()
    assert (await client.get(PASSES, headers=shop.auth)).json()["count"] == 0
    assert (await enforcement(client))["status"] == "not_found"
    # A retry with the same key gets the same refusal, without a second attempt at the card.
    key = {"Idempotency-Key": "declined-1", **shop.auth}
    body = purchase(shop, payment_method_id=shop.declined)
    first = await client.post(PASSES, json=body, headers=key)
    again = await client.post(PASSES, json=body, headers=key)
    assert (first.status_code, again.status_code) == (402, 402)
    assert await Payment.filter(idempotency_key__endswith=":declined-1").count() == 1


async def test_pass_from_tomorrow_counts_only_from_then(client, shop) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    local = tomorrow.astimezone(datetime.now(UTC).astimezone().tzinfo)
    response = await client.post(PASSES, json=purchase(shop, valid_from=local.isoformat()), headers=shop.auth)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "upcoming"
    assert datetime.fromisoformat(body["valid_from"]) == tomorrow
    assert datetime.fromisoformat(body["valid_until"]) == tomorrow + timedelta(days=30)
    assert (await enforcement(client))["status"] == "not_found"
    assert (await enforcement(client, at=tomorrow - timedelta(seconds=1)))["status"] == "not_found"
    assert (await enforcement(client, at=tomorrow))["status"] == "pass_active"
    assert (await enforcement(client, at=tomorrow + timedelta(days=30)))["status"] == "pass_active"


async def test_bad_input(client, shop) -> None:
    other = bearer(await driver_token(client, "eino@example.test"))
    other_card = (
        await client.post("/api/v1/me/payment-methods", json={"token": "tok_visa"}, headers=other)
    ).json()["id"]
    await PassProduct.filter(slug="monthly", facility_id=shop.other_facility.id).update(is_active=False)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    cases = [
        ({"license_plate": " - "}, 422, "invalid_plate"),
        ({"license_plate": "ABC_123"}, 422, "invalid_plate"),
        ({"facility": "kamppi-p9"}, 404, "not_found"),
        ({"product": "yearly"}, 404, "not_found"),
        ({"facility": "forum-p2"}, 422, "validation_error"),  # off sale there
        ({"payment_method_id": other_card}, 404, "not_found"),
        ({"payment_method_id": "not-a-uuid"}, 404, "not_found"),
        ({"valid_from": "2026-04-01T00:00:00"}, 422, "naive_timestamp"),
        ({"valid_from": past}, 422, "validation_error"),
        ({"colour": "red"}, 422, "validation_error"),
    ]
    for change, status, code in cases:
        response = await client.post(PASSES, json=purchase(shop, **change), headers=shop.auth)
        assert (response.status_code, response.json()["code"]) == (status, code), (change, response.text)
    assert await Payment.all().count() == 0
    assert await ParkingPass.all().count() == 0


async def test_needs_a_signed_in_driver(client, shop) -> None:
    for response in (await client.post(PASSES, json=purchase(shop)), await client.get(PASSES)):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


async def test_list_shows_only_my_bought_passes_newest_first(client, shop) -> None:
    first = await client.post(PASSES, json=purchase(shop), headers=shop.auth)
    await client.post(PASSES, json=purchase(shop, payment_method_id=shop.declined), headers=shop.auth)
    second = await client.post(PASSES, json=purchase(shop, license_plate="XYZ-987"), headers=shop.auth)
    other = bearer(await driver_token(client, "eino@example.test"))
    assert (await client.get(PASSES, headers=other)).json() == {"items": [], "count": 0}
    mine = (await client.get(PASSES, headers=shop.auth)).json()
    assert [p["id"] for p in mine["items"]] == [second.json()["id"], first.json()["id"]]


async def test_free_product_issues_a_pass_without_a_charge(client, shop) -> None:
    await PassProduct.create(
        facility=shop.facility, slug="resident", name="Resident permit", amount=0, days=365
    )
    response = await client.post(PASSES, json=purchase(shop, product="resident"), headers=shop.auth)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["total_amount"], body["service_fee_amount"], body["payment_id"]) == (0, 0, None)
    assert await Payment.all().count() == 0
    assert (await enforcement(client))["status"] == "pass_active"


async def test_retry_answers_the_first_result_even_once_off_sale(client, shop) -> None:
    key = {"Idempotency-Key": "before-the-change", **shop.auth}
    first = await client.post(PASSES, json=purchase(shop), headers=key)
    await PassProduct.filter(id=shop.monthly.id).update(is_active=False)
    again = await client.post(PASSES, json=purchase(shop), headers=key)
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    fresh = await client.post(PASSES, json=purchase(shop), headers={"Idempotency-Key": "after", **shop.auth})
    assert (fresh.status_code, fresh.json()["code"]) == (422, "validation_error")
