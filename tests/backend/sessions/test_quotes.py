"""`POST /api/v1/quotes`: the tariff in the facility's timezone, the service fee as its own line, the
maximum stay, and what a quote can and cannot be used for."""

from datetime import UTC, datetime, timedelta

from backend.models import Quote, Tenant
from tests.backend.helpers import bearer, driver_token
from tests.backend.sessions.support import PRICE_60, iso, pay, quote


async def test_a_quote_prices_parking_and_fee_as_separate_lines(client, lot) -> None:
    before = datetime.now(UTC)
    offer = await quote(client, lot, minutes=60)
    assert (offer["parking_amount"], offer["service_fee_amount"], offer["total_amount"]) == PRICE_60
    assert offer["currency"] == "EUR"
    assert offer["facility"] == "kamppi-p1"
    assert offer["facility_name"] == "Kamppi P1"
    assert offer["license_plate"] == "ABC-123"
    assert "0.75" in offer["tariff_text"]
    starts_at = datetime.fromisoformat(offer["starts_at"])
    assert before - timedelta(seconds=1) <= starts_at <= datetime.now(UTC)
    assert datetime.fromisoformat(offer["ends_at"]) - starts_at == timedelta(minutes=60)
    assert datetime.fromisoformat(offer["expires_at"]) - starts_at == timedelta(minutes=5)
    assert await Quote.filter(id=offer["id"]).count() == 1


async def test_free_period_costs_nothing_and_has_no_fee(client, lot) -> None:
    offer = await quote(client, lot, minutes=15)
    assert (offer["parking_amount"], offer["service_fee_amount"], offer["total_amount"]) == (0, 0, 0)


async def test_the_operators_fee_rule_rounds_half_up_and_adds_the_fixed_part(client, lot) -> None:
    await Tenant.filter(id=lot.tenant.id).update(service_fee_percent=10, service_fee_fixed_amount=20)
    offer = await quote(client, lot, minutes=30)  # one paid increment: 75; 10 % = 7.5 -> 8; + 20
    assert (offer["parking_amount"], offer["service_fee_amount"], offer["total_amount"]) == (75, 28, 103)


async def test_the_daily_cap_applies(client, lot) -> None:
    offer = await quote(client, lot, minutes=24 * 60)  # 95 paid increments * 75 = 7125, capped at 2400
    assert offer["parking_amount"] == 2400
    assert offer["service_fee_amount"] == 60


async def test_longer_than_the_maximum_stay_is_refused(client, lot) -> None:
    body = {"facility": "kamppi-p1", "license_plate": "ABC-123", "duration_minutes": 24 * 60 + 1}
    response = await client.post("/api/v1/quotes", json=body, headers=lot.auth)
    assert response.status_code == 422
    assert response.json()["code"] == "max_stay_exceeded"
    assert "at most" in response.json()["detail"]


async def test_bad_input(client, lot) -> None:
    cases = [
        ({"facility": "nowhere", "license_plate": "ABC-123", "duration_minutes": 60}, 404, "not_found"),
        ({"facility": "kamppi-p1", "license_plate": " - ", "duration_minutes": 60}, 422, "invalid_plate"),
        (
            {"facility": "kamppi-p1", "license_plate": "ABC-123", "duration_minutes": 0},
            422,
            "validation_error",
        ),
        (
            {
                "facility": "kamppi-p1",
                "license_plate": "ABC-123",
                "duration_minutes": 60,
                "starts_at": "2026-03-30T14:23:00",
            },
            422,
            "naive_timestamp",
        ),
        (
            {
                "facility": "kamppi-p1",
                "license_plate": "ABC-123",
                "duration_minutes": 60,
                "starts_at": iso(datetime.now(UTC) - timedelta(hours=1)),
            },
            422,
            "validation_error",
        ),
    ]
    for body, status, code in cases:
        response = await client.post("/api/v1/quotes", json=body, headers=lot.auth)
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code, body
    assert (await client.post("/api/v1/quotes", json=cases[0][0])).status_code == 401


async def test_an_expired_quote_cannot_be_paid(client, lot) -> None:
    offer = await quote(client, lot)
    await Quote.filter(id=offer["id"]).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 422
    assert response.json()["code"] == "quote_expired"
    assert "new quote" in response.json()["detail"]


async def test_a_quote_for_later_is_a_preview_only(client, lot) -> None:
    later = datetime.now(UTC) + timedelta(hours=3)
    body = {
        "facility": "kamppi-p1",
        "license_plate": "ABC-123",
        "duration_minutes": 60,
        "starts_at": iso(later),
    }
    response = await client.post("/api/v1/quotes", json=body, headers=lot.auth)
    assert response.status_code == 201
    assert response.json()["starts_at"] == iso(later.replace(microsecond=0))
    started = await pay(client, lot, response.json()["id"])
    assert started.status_code == 422
    assert started.json()["code"] == "validation_error"


async def test_another_drivers_quote_is_unknown(client, lot) -> None:
    offer = await quote(client, lot)
    other = bearer(await driver_token(client, "other@example.test"))
    response = await client.post(
        "/api/v1/sessions", json={"quote_id": offer["id"], "payment_method_id": lot.visa}, headers=other
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_a_quote_starts_one_session_only(client, lot) -> None:
    offer = await quote(client, lot)
    assert (await pay(client, lot, offer["id"])).status_code == 201
    again = await pay(client, lot, offer["id"])
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "new quote" in again.json()["detail"]
