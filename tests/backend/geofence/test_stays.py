"""Entering and leaving a geofence lot by phone: the same stays, prices, charges and receipts as a
camera's, with the phone recorded as the source."""

from datetime import timedelta

from backend.kit.secrets import display_prefix, generate_secret, hash_secret
from backend.models import Driver, DriverEvent, Job, Payment, Stay, StayEvent, WebhookToken
from tests.backend.anpr.world import driver_with_plate, iso, run_jobs
from tests.backend.geofence.world import ago, load_demo_tenant, lot, report
from tests.backend.helpers import app_of, bearer

HIETALAHDENTORI = lot("helsinki-parking", "hietalahdentori")  # 0.25 per 5 min, at least 15 min
HAKANIEMENTORI = lot("helsinki-parking", "hakaniementori")  # first 30 min free
MUNI_LOT = lot("cleveland-parking", "muni-lot")  # another operator: 2.00 USD per started hour
# Hietalahdentori for under 15 minutes: the 15-minute minimum, 3 x 0.25, plus 2.5 % (0.01875 -> 0.02).
SHORT_STAY_TOTAL = 77


async def test_enter_opens_a_stay_with_its_free_period(client, helsinki, aino) -> None:
    entered = ago(6)
    response = await report(client, aino, HAKANIEMENTORI, "enter", entered)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "open"
    stay = await Stay.get(id=body["session_id"])
    assert stay.facility_id == helsinki["hakaniementori"].id
    assert (stay.source, stay.status, stay.plate) == ("geofence", "open", "ABC-123")
    assert stay.entered_at == entered
    assert stay.free_until == stay.entered_at + timedelta(minutes=30)
    assert stay.driver_id == (await Driver.get(email="aino@example.test")).id
    assert stay.entry_image_url is None
    [event] = await StayEvent.filter(stay_id=stay.id).values("event", "source", "outcome")
    assert event == {"event": "entry", "source": "geofence", "outcome": "opened"}


async def test_the_stay_shows_in_the_drivers_list_like_a_camera_stay(client, helsinki, aino) -> None:
    entered = ago(8)
    opened = (await report(client, aino, HIETALAHDENTORI, "enter", entered)).json()
    listed = await client.get("/api/v1/sessions", params={"status": "active"}, headers=aino)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["id"] == opened["session_id"]
    assert (item["kind"], item["status"], item["license_plate"]) == ("stay", "open", "ABC-123")
    assert item["facility"]["slug"] == "hietalahdentori"
    assert item["starts_at"] == iso(entered)
    assert item["free_until"] is None  # hietalahdentori charges from the first minute
    assert (item["running_amount"], item["amount_due"], item["currency"]) == (SHORT_STAY_TOTAL, 77, "EUR")
    detail = await client.get(f"/api/v1/sessions/{opened['session_id']}", headers=aino)
    assert detail.status_code == 200
    assert detail.json()["running_amount"] == SHORT_STAY_TOTAL


async def test_exit_charges_the_card_and_sends_a_receipt(client, helsinki, aino) -> None:
    opened = (await report(client, aino, HIETALAHDENTORI, "enter", ago(8))).json()
    response = await report(client, aino, HIETALAHDENTORI, "exit", ago(1))
    assert response.status_code == 202, response.text
    assert response.json() == {"session_id": opened["session_id"], "status": "payment_pending"}

    await run_jobs(app_of(client))
    stay = await Stay.get(id=opened["session_id"])
    assert (stay.status, stay.total_amount, stay.paid_amount) == ("paid", SHORT_STAY_TOTAL, SHORT_STAY_TOTAL)
    payment = await Payment.get(stay_id=stay.id)
    assert (payment.status, payment.amount, payment.parking_amount) == ("captured", 77, 75)
    assert payment.idempotency_key == f"stay-exit:{stay.id}"
    assert payment.receipt_sent_at is not None
    driver = await Driver.get(email="aino@example.test")
    kinds = await DriverEvent.filter(driver_id=driver.id).order_by("id").values_list("kind", flat=True)
    assert kinds == ["entry_detected", "exit_charged", "receipt_sent"]
    timeline = await StayEvent.filter(stay_id=stay.id).order_by("occurred_at").values_list("event", "source")
    assert timeline == [("entry", "geofence"), ("exit", "geofence")]

    listed = (await client.get("/api/v1/sessions", headers=aino)).json()["items"]
    assert [(i["id"], i["status"], i["amount_due"]) for i in listed] == [(opened["session_id"], "paid", 0)]


async def test_leaving_within_the_free_period_costs_nothing(client, helsinki, aino) -> None:
    await report(client, aino, HAKANIEMENTORI, "enter", ago(9))
    response = await report(client, aino, HAKANIEMENTORI, "exit", ago(1))
    assert response.status_code == 202
    assert response.json()["status"] == "paid"
    assert not await Payment.exists()
    driver = await Driver.get(email="aino@example.test")
    charged = await DriverEvent.get(driver_id=driver.id, kind="exit_charged")
    assert charged.payload["total_amount"] == 0


async def test_auto_pay_off_leaves_the_stay_unpaid(client, helsinki, aino) -> None:
    await Driver.filter(email="aino@example.test").update(auto_pay=False)
    opened = (await report(client, aino, HIETALAHDENTORI, "enter", ago(8))).json()
    response = await report(client, aino, HIETALAHDENTORI, "exit", ago(1))
    assert response.json() == {"session_id": opened["session_id"], "status": "unpaid"}
    await run_jobs(app_of(client))
    stay = await Stay.get(id=opened["session_id"])
    assert (stay.status, stay.failure_reason, stay.total_amount) == ("unpaid", "Auto-pay is off", 77)
    assert not await Payment.exists()
    assert not await Job.filter(kind="charge_stay_exit").exists()
    driver = await Driver.get(email="aino@example.test")
    failed = await DriverEvent.get(driver_id=driver.id, kind="payment_failed")
    assert failed.payload["amount"] == 77
    [item] = (await client.get("/api/v1/sessions", headers=aino)).json()["items"]
    assert (item["status"], item["amount_due"]) == ("unpaid", 77)


async def test_another_operators_lot_is_fine(client, helsinki, aino) -> None:
    await load_demo_tenant("cleveland-parking")
    response = await report(client, aino, MUNI_LOT, "enter", ago(5))
    assert response.status_code == 202, response.text
    stay = await Stay.get(id=response.json()["session_id"]).select_related("tenant")
    assert (stay.tenant.slug, stay.currency, stay.source) == ("cleveland-parking", "USD", "geofence")


async def test_the_plate_is_compared_normalised_and_shown_as_registered(client, helsinki) -> None:
    headers = await driver_with_plate(client, plate="xyz-987")
    response = await report(client, headers, HAKANIEMENTORI, "enter", ago(3), plate=" XYZ 987 ")
    assert response.status_code == 202, response.text
    stay = await Stay.get(id=response.json()["session_id"])
    assert (stay.plate, stay.plate_normalized) == ("xyz-987", "XYZ987")


async def test_operators_can_tell_a_phones_stay_from_a_cameras(client, helsinki, aino) -> None:
    kamppi = helsinki["kamppi-p1"]
    token = generate_secret("whk_")
    await WebhookToken.create(
        tenant_id=kamppi.tenant_id, prefix=display_prefix(token), secret_hash=hash_secret(token)
    )
    camera = await client.post(
        "/webhook",
        json={"event": "entry", "plate": "ABC-123", "facility_id": "kamppi-p1", "timestamp": iso(ago(20))},
        headers=bearer(token),
    )
    assert camera.status_code == 202, camera.text
    phone = await report(client, aino, HAKANIEMENTORI, "enter", ago(2))
    sources = {
        str(stay_id): (stay_source, event_source)
        for stay_id, stay_source, event_source in await StayEvent.all().values_list(
            "stay_id", "stay__source", "source"
        )
    }
    assert sources == {
        camera.json()["session_id"]: ("anpr", "anpr"),
        phone.json()["session_id"]: ("geofence", "geofence"),
    }
