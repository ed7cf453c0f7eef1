"""`GET /api/v1/me/export`: everything held about the driver as one JSON attachment, in a fixed
number of queries, with nothing of anyone else and no processor tokens."""

import re
from datetime import UTC, datetime

from backend.models import PaymentMethod
from shared.schemas.account import DriverExport
from tests.backend.drivers.conftest import counting_selects
from tests.backend.drivers.history import make_history
from tests.backend.helpers import bearer, driver_token
from tests.backend.sessions.conftest import add_card
from tests.backend.sessions.support import start

EXPORT = "/api/v1/me/export"


async def _export(client, auth) -> tuple[DriverExport, str]:
    response = await client.get(EXPORT, headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="parkflow-my-data-\d{4}-\d{2}-\d{2}\.json"', disposition)
    return DriverExport.model_validate_json(response.content), response.text


async def test_the_export_holds_the_drivers_whole_history(client, lots) -> None:
    history = await make_history(client, lots)
    await client.patch("/api/v1/me", json={"reminder_minutes": 25}, headers=lots.auth)
    data, text = await _export(client, lots.auth)

    assert abs(data.exported_at - datetime.now(UTC)).total_seconds() < 60
    assert (data.profile.email, data.profile.name, data.profile.reminder_minutes) == (
        "aino@example.test",
        "Aino",
        25,
    )
    assert [v.license_plate for v in data.vehicles] == ["ABC-123"]
    assert [(m.brand, m.last4) for m in data.payment_methods] == [("Visa", "4242"), ("Visa", "0002")]
    tokens = await PaymentMethod.all().values_list("processor_token", flat=True)
    assert tokens
    assert not any(token in text for token in tokens)  # never the processor's token

    parking = {(p.kind, p.id): p for p in data.parking}
    assert parking[("session", history.session_id)].status == "stopped"
    assert parking[("stay", history.exit_stay_id)].status == "paid"
    assert parking[("stay", history.prepaid_stay_id)].status == "open"
    assert [p.id for p in data.passes] == [history.pass_id]

    receipts = (await client.get("/api/v1/me/receipts", params={"limit": 100}, headers=lots.auth)).json()
    assert [r.model_dump(mode="json") for r in data.receipts] == receipts["items"]
    kinds = [e.kind for e in data.events]
    for kind in ("session_started", "session_extended", "session_stopped", "pass_purchased", "exit_charged"):
        assert kind in kinds
    assert [e.id for e in data.events] == sorted(e.id for e in data.events)
    assert data.truncated == []


async def test_nothing_of_another_driver_is_exported(client, lots) -> None:
    await make_history(client, lots)
    bo = bearer(await driver_token(client, "bo@example.test"))
    await client.post("/api/v1/me/vehicles", json={"license_plate": "BO-77"}, headers=bo)
    data, text = await _export(client, bo)
    assert data.profile.email == "bo@example.test"
    assert [v.license_plate for v in data.vehicles] == ["BO-77"]
    assert (data.payment_methods, data.parking, data.passes, data.receipts, data.events) == (
        [],
        [],
        [],
        [],
        [],
    )
    assert "aino@example.test" not in text
    assert "ABC-123" not in text


async def test_the_export_costs_the_same_queries_however_long_the_history(client, lots) -> None:
    await make_history(client, lots)
    with counting_selects() as short:
        await _export(client, lots.auth)
    lot = lots.lot
    for plate in ("XYZ-1", "XYZ-2", "XYZ-3"):
        await start(client, lot, "kamppi-p1", plate, 30)
        body = {
            "facility": "kamppi-p1",
            "product": "monthly",
            "license_plate": plate,
            "payment_method_id": lot.visa,
        }
        assert (await client.post("/api/v1/passes", json=body, headers=lot.auth)).status_code == 201
    await add_card(client, lot.auth, "tok_mastercard")
    with counting_selects() as long:
        data, _ = await _export(client, lots.auth)
    assert (len(data.receipts), len(data.passes), len(data.payment_methods)) == (14, 4, 3)
    assert len(long) == len(short)
    assert len(long) <= 10


async def test_the_export_needs_a_login(client) -> None:
    response = await client.get(EXPORT)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
