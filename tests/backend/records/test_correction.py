"""`POST /api/v1/admin/stays/{id}/plate`: correcting a misread plate re-links and re-settles the stay."""

import pytest

from backend.models import AuditEntry, Driver, DriverEvent, Job, Payment, SandboxCharge, Stay
from tests.backend.anpr.world import ago, driver_with_plate, iso, run_jobs, send
from tests.backend.helpers import app_of
from tests.backend.records.world import ADMIN, OWED, unpaid_stay


async def _correct(client, headers, stay_id, plate: str, reason: str = "Camera misread the plate"):
    return await client.post(
        f"{ADMIN}/stays/{stay_id}/plate", json={"plate": plate, "reason": reason}, headers=headers
    )


async def _ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_misread_unpaid_exit_is_charged_to_the_right_driver_once(client, world) -> None:
    await driver_with_plate(client, plate="ABC-128")
    aino = await Driver.get(email="aino@example.test")
    stay = await unpaid_stay(client, world, "ABC-123")  # the camera misread 8 as 3: nobody's plate
    assert (stay.status, stay.driver_id, stay.failure_reason) == (
        "unpaid",
        None,
        "No driver account for this plate",
    )

    result = await _ok(await _correct(client, world.operator, stay.id, "abc 128", "Misread 8 as 3"))
    assert result["previous_plate"] == "ABC-123"
    assert result["payment"] == "charge_queued"
    assert (
        result["message"]
        == "The stay now belongs to aino@example.test, whose card is being charged 3.08 EUR."
    )
    assert (result["stay"]["plate"], result["stay"]["status"], result["stay"]["driver_email"]) == (
        "abc 128",
        "payment_pending",
        "aino@example.test",
    )
    await run_jobs(app_of(client))

    stay = await Stay.get(id=stay.id)
    assert (stay.status, stay.paid_amount, stay.plate_normalized, stay.driver_id) == (
        "paid",
        OWED,
        "ABC128",
        aino.id,
    )
    payment = await Payment.get(stay_id=stay.id)
    assert (payment.status, payment.amount, payment.driver_id) == ("captured", OWED, aino.id)
    charged = await DriverEvent.get(driver_id=aino.id, kind="exit_charged")
    assert charged.payload["total_amount"] == OWED

    entry = await AuditEntry.get(action="stay.plate_corrected")
    assert entry.actor_label == "operator@helsinki-parking.example.test"
    assert entry.details == {
        "from": "ABC-123",
        "to": "abc 128",
        "reason": "Misread 8 as 3",
        "driver_from": None,
        "driver_to": "aino@example.test",
        "payment": "charge_queued",
    }
    timeline = (await client.get(f"{ADMIN}/stays/{stay.id}", headers=world.operator)).json()["timeline"]
    corrected = next(i for i in timeline if i["kind"] == "plate_corrected")
    assert corrected["title"] == "Plate corrected from ABC-123 to abc 128"
    assert corrected["actor"] == "operator@helsinki-parking.example.test"
    assert [i["kind"] for i in timeline if i["kind"] in ("payment", "unpaid")] == ["payment"]

    # Corrected again (and back): a paid stay stays paid, only re-linked; nothing is charged twice.
    again = await _ok(await _correct(client, world.operator, stay.id, "ABC-123", "Wrong correction"))
    assert again["payment"] == "already_paid"
    assert again["stay"]["driver_email"] is None
    assert again["message"] == (
        "The stay was already paid; it now belongs to no driver account. It was paid by aino@example.test: "
        "refund them if that was wrong."
    )
    back = await _ok(await _correct(client, world.operator, stay.id, "ABC-128", "Back to the right plate"))
    assert (back["payment"], back["stay"]["driver_email"]) == ("already_paid", "aino@example.test")
    await run_jobs(app_of(client))
    assert await Payment.filter(stay_id=stay.id).count() == 1
    assert await SandboxCharge.all().count() == 1
    assert (await Stay.get(id=stay.id)).paid_amount == OWED
    assert await AuditEntry.filter(action="stay.plate_corrected").count() == 3


async def test_a_second_correction_while_the_charge_runs_is_refused(client, world) -> None:
    await driver_with_plate(client, plate="ABC-128")
    stay = await unpaid_stay(client, world, "ABC-123")
    await _ok(await _correct(client, world.operator, stay.id, "ABC-128"))
    busy = await _correct(client, world.operator, stay.id, "ABC-129")
    assert (busy.status_code, busy.json()["code"]) == (409, "conflict")
    assert "being charged" in busy.json()["detail"]
    await run_jobs(app_of(client))
    assert await Payment.filter(stay_id=stay.id, status="captured").count() == 1
    assert await Job.filter(kind="charge_stay_exit").count() == 1


async def test_a_driver_who_cannot_be_charged_leaves_it_unpaid_and_is_told(client, world) -> None:
    await driver_with_plate(client, plate="ABC-128", card=None)
    aino = await Driver.get(email="aino@example.test")
    stay = await unpaid_stay(client, world, "ABC-123")
    result = await _ok(await _correct(client, world.operator, stay.id, "ABC-128"))
    assert result["payment"] == "no_payment_method"
    assert result["message"] == "The stay stays unpaid (3.08 EUR owed): no payment method."
    assert (result["stay"]["status"], result["stay"]["driver_email"]) == ("unpaid", "aino@example.test")
    told = await DriverEvent.get(driver_id=aino.id, kind="payment_failed")
    assert (told.payload["amount"], told.payload["stay_id"]) == (OWED, str(stay.id))
    assert not await Payment.exists()


async def test_a_plate_nobody_has_unlinks_the_stay(client, world) -> None:
    await driver_with_plate(client, plate="ABC-123", card=None)  # auto-pay cannot charge: left unpaid
    stay = await unpaid_stay(client, world, "ABC-123")
    assert stay.driver_id is not None
    result = await _ok(await _correct(client, world.operator, stay.id, "QQQ-999"))
    assert (result["payment"], result["stay"]["driver_email"]) == ("no_driver", None)
    stay = await Stay.get(id=stay.id)
    assert (stay.driver_id, stay.failure_reason) == (None, "No driver account for this plate")


async def test_an_open_stay_tells_the_new_driver_of_the_entry(client, world) -> None:
    await driver_with_plate(client, plate="ABC-128")
    aino = await Driver.get(email="aino@example.test")
    entered = ago(5)
    opened = await send(client, world.camera, "entry", iso(entered), "ABC-123")
    stay_id = opened.json()["session_id"]
    result = await _ok(await _correct(client, world.operator, stay_id, "ABC-128"))
    assert result["payment"] == "at_exit"
    assert (
        result["message"]
        == "The car is still inside; aino@example.test is charged when it leaves (the driver was told)."
    )
    entry = await DriverEvent.get(driver_id=aino.id, kind="entry_detected")
    assert (entry.payload["stay_id"], entry.payload["license_plate"]) == (stay_id, "ABC-128")
    assert await Job.filter(kind="free_period_ending", dedupe_key=f"free-ending:{stay_id}").exists()
    # Its exit (inside the free period) settles it for the right driver.
    left = await send(client, world.camera, "exit", iso(ago(0)), "ABC-128")
    assert left.json() == {"session_id": stay_id, "status": "paid"}
    assert (await Stay.get(id=stay_id)).driver_id == aino.id
    assert await DriverEvent.filter(driver_id=aino.id, kind="exit_charged").count() == 1


async def test_an_invoiced_stay_is_not_charged(client, world) -> None:
    await driver_with_plate(client, plate="ABC-128")
    stay = await unpaid_stay(client, world, "ABC-123")
    issued = await client.post(f"{ADMIN}/stays/{stay.id}/invoice", json={}, headers=world.operator)
    assert issued.status_code == 201
    result = await _ok(await _correct(client, world.operator, stay.id, "ABC-128"))
    assert result["payment"] == "invoiced"
    assert result["stay"]["status"] == "unpaid"
    await run_jobs(app_of(client))
    assert not await Payment.exists()


@pytest.mark.parametrize(
    ("body", "code", "needle"),
    [
        ({"plate": "abc 123", "reason": "Same plate"}, "validation_error", "already has the plate ABC-123"),
        ({"plate": "#!", "reason": "Nonsense"}, "invalid_plate", "'plate'"),
        ({"plate": "A" * 21, "reason": "Too long"}, "invalid_plate", "longer than 20"),
        ({"plate": "ABC-128"}, "validation_error", "'reason' is required"),
        ({"plate": "ABC-128", "reason": ""}, "validation_error", "'reason'"),
        ({"plate": "ABC-128", "reason": "nul\x00byte"}, "validation_error", "'reason'"),
    ],
)
async def test_bad_corrections_are_refused_clearly(client, world, body, code, needle) -> None:
    stay = await unpaid_stay(client, world, "ABC-123")
    response = await client.post(f"{ADMIN}/stays/{stay.id}/plate", json=body, headers=world.operator)
    assert (response.status_code, response.json()["code"]) == (422, code), response.text
    assert needle in response.json()["detail"]
    assert (await Stay.get(id=stay.id)).plate == "ABC-123"
    assert not await AuditEntry.exists()


async def test_another_operators_stay_roles_and_preview(client, world, other, super_admin) -> None:
    theirs = await unpaid_stay(client, other, "ABC-123")
    mine = await unpaid_stay(client, world, "ABC-123")
    foreign = await _correct(client, world.operator, theirs.id, "ABC-128")
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
    assert (await Stay.get(id=theirs.id)).plate == "ABC-123"
    refused = await _correct(client, world.enforcement, mine.id, "ABC-128")
    assert refused.status_code == 403
    preview = await _correct(
        client, {**super_admin, "X-Tenant": "helsinki-parking", "X-Preview": "true"}, mine.id, "ABC-128"
    )
    assert (preview.status_code, preview.json()["code"]) == (403, "read_only_preview")
    as_admin = await _correct(client, {**super_admin, "X-Tenant": "helsinki-parking"}, mine.id, "ABC-128")
    assert as_admin.status_code == 200
    assert (await AuditEntry.get()).actor_label == "super-admin@platform.example.test"
