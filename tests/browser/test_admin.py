"""The operator admin view in Chromium against `parkflow demo` (its four weeks of history):
an operator's day (dashboard → a session by plate → its timeline → plate correction → CSV export),
a super admin's read-only preview, and a webhook token created, rotated and the old one refused."""

import csv
import io
import json
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import httpx
from shapely.geometry import mapping, shape

from shared.money import format_amount
from tests.browser.conftest import SHOTS, unique

OPERATOR = ("ops@helsinki.test", "parkflow-demo")
ADMIN_USER = ("admin@helsinki.test", "parkflow-demo")
ROOT = ("root@parkflow.test", "parkflow-root-demo")
DEMO_DRIVER_PLATE = "YLH-371"  # driver@parkflow.test, with a saved card


def token(stack, email: str, password: str) -> dict[str, str]:
    response = httpx.post(
        f"{stack.api}/api/v1/admin/auth/token", data={"username": email, "password": password}, timeout=15
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def open_stays_in_the_database(stack, tenant: str) -> int:
    """Cars inside now, counted straight from the demo's SQLite file (not through the API)."""
    with sqlite3.connect(stack.log.parent / "demo.sqlite3") as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM stay JOIN tenant ON tenant.id = stay.tenant_id "
            "WHERE tenant.slug = ? AND stay.exited_at IS NULL AND stay.status = 'open'",
            (tenant,),
        ).fetchone()
    return count


def test_an_operator_finds_a_session_corrects_its_plate_and_exports_csv(admin, stack) -> None:
    headers = token(stack, *OPERATOR)
    app = admin()
    app.sign_in(*OPERATOR)

    # The dashboard: its figures are the seeded history's.
    app.see("Revenue today", timeout=60_000)
    dashboard = httpx.get(f"{stack.api}/api/v1/admin/dashboard", headers=headers, timeout=30).json()
    revenue = dashboard["revenue"][0]
    app.see(format_amount(revenue["last_30_days_amount"], revenue["currency"]))
    app.see(format_amount(revenue["today_amount"], revenue["currency"]))
    inside = sum(f["vehicles_inside"] for f in dashboard["occupancy"])
    assert inside == open_stays_in_the_database(stack, "helsinki-parking")
    assert inside > 0  # the demo leaves cars inside its lots now
    occupied = sum(f["occupied"] for f in dashboard["occupancy"])
    capacity = sum(f["capacity"] for f in dashboard["occupancy"])
    app.see(f"{occupied} / {capacity}")
    app.see("Latest activity")
    app.shot("admin_dashboard")

    # An unpaid camera stay of the history (Kamppi P1 has ANPR), found by its plate: one whose plate
    # has no other record, so the search lists it alone.
    candidates = httpx.get(
        f"{stack.api}/api/v1/admin/sessions",
        params={"status": "unpaid", "kind": "stay", "facility": "kamppi-p1", "limit": 50},  # cameras
        headers=headers,
        timeout=15,
    ).json()["items"]
    unpaid = next(
        row
        for row in candidates
        if len(
            httpx.get(
                f"{stack.api}/api/v1/admin/sessions",
                params={"plate": row["plate"], "limit": 2},
                headers=headers,
                timeout=15,
            ).json()["items"]
        )
        == 1
    )
    plate = unpaid["plate"]
    app.section("Sessions")
    app.see("Export CSV")
    app.fill("Search plate", plate)
    app.page.get_by_role("textbox", name="Search plate").press("Enter")
    app.button(re.compile(f"^{re.escape(plate)}$")).first.click()
    app.see(f"Stay {plate}")
    app.see("Entry seen by camera")
    app.see(re.compile(r"^Unpaid: "))
    app.shot("admin_timeline")

    # The camera misread the demo driver's plate: correcting it is audited, re-links the stay to
    # that driver and charges their card.
    corrected = DEMO_DRIVER_PLATE
    app.tap("Correct plate")
    app.fill("Corrected plate", corrected)
    app.fill("Reason for the correction", "Camera misread the plate")
    app.tap("Save the corrected plate")
    app.see(re.compile(f"Plate corrected from {re.escape(plate)} to {corrected}"))
    app.see(re.compile("driver@parkflow.test"))
    app.shot("admin_plate_corrected")
    stay = httpx.get(f"{stack.api}/api/v1/admin/stays/{unpaid['id']}", headers=headers, timeout=15).json()
    assert stay["plate"] == corrected
    assert stay["driver_email"] == "driver@parkflow.test"
    for _ in range(40):  # the charge runs as a job, on the driver's default card
        stay = httpx.get(f"{stack.api}/api/v1/admin/stays/{unpaid['id']}", headers=headers, timeout=15).json()
        if stay["status"] == "paid":
            break
        time.sleep(0.5)
    assert (stay["status"], stay["due_amount"]) == ("paid", 0)
    audit = httpx.get(
        f"{stack.api}/api/v1/admin/audit",
        params={"object_type": "stay"},
        headers=token(stack, *ADMIN_USER),
        timeout=15,
    ).json()
    correction = next(e for e in audit["items"] if e["object_id"] == unpaid["id"])
    assert correction["actor"] == OPERATOR[0]
    assert corrected in str(correction["details"])

    # Back on the list (filtered to the corrected plate): the CSV has the header and that stay.
    app.tap("Back to the list")
    app.see("Export CSV")
    with app.page.expect_download(timeout=30_000) as download:
        app.tap("Export CSV")
    exported = download.value
    assert exported.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(exported.path().read_text(encoding="utf-8-sig"))))
    assert rows, "the export is empty"
    assert {row["plate"] for row in rows} == {corrected}
    assert next(row for row in rows if row["id"] == unpaid["id"])["status"] == "paid"
    assert unpaid["id"] in {row["id"] for row in rows}


def test_a_super_admin_previews_an_operator_read_only(admin) -> None:
    app = admin()
    app.sign_in(*ROOT)
    app.tap("Preview Helsinki Parking Oy")
    app.see(re.compile("^Preview: you see Helsinki Parking Oy's portal"))
    app.see("Revenue today", timeout=60_000)
    app.shot("admin_preview_dashboard")
    app.section("Keys & tokens")
    app.see(re.compile("webhook tokens let your cameras"))
    app.see(re.compile("^whk_demo_h"))
    app.see("Read-only for your role.")
    assert app.button("Create webhook token").count() == 0
    assert app.button(re.compile("^Rotate token")).count() == 0
    app.shot("admin_preview_keys")


def _secret(app) -> str:
    box = app.page.get_by_role("textbox", name="Secret (shown once)")
    box.click()  # Flet web fills the DOM input of a field when it gets the focus
    app.page.wait_for_timeout(300)
    secret = box.input_value()
    assert re.fullmatch(r"whk_[A-Za-z0-9_\-]{16,}", secret), secret
    return secret


def test_a_rotated_webhook_token_is_refused_and_the_new_one_works(admin, stack) -> None:
    app = admin()
    app.sign_in(*ADMIN_USER)
    app.section("Keys & tokens")
    name = unique("north gate ")
    app.fill("New webhook token name", name)
    app.tap("Create webhook token")
    app.see(f"New webhook token '{name}'")
    first = _secret(app)
    app.tap(f"Rotate token {name}")
    app.see(re.compile("the old one no longer works"))
    second = _secret(app)
    assert second != first
    app.shot("admin_token_rotated")

    event = {
        "event": "entry",
        "plate": unique("RT"),
        "facility_id": "kamppi-p1",
        "timestamp": datetime.now(UTC).isoformat(),
    }
    old = httpx.post(f"{stack.api}/webhook", json=event, headers={"Authorization": f"Bearer {first}"})
    assert old.status_code == 401, old.text
    new = httpx.post(f"{stack.api}/webhook", json=event, headers={"Authorization": f"Bearer {second}"})
    assert new.status_code == 202, new.text


CLEVELAND_ADMIN = ("admin@cleveland.test", "parkflow-demo")
REPO = Path(__file__).resolve().parents[2]
CLEVELAND_LOTS = REPO / "assets/polygons/fixture_cleveland_parking_lots_30.geojson"


def muni_lot_outline(folder: Path) -> tuple[Path, int]:
    """Muni Lot's real OSM outline, simplified (fewer corners than the demo's) and saved as a Feature."""
    features = json.loads(CLEVELAND_LOTS.read_text())["features"]
    lot = next(f for f in features if f["id"] == "way-99653020")
    simpler = shape(lot["geometry"]).simplify(0.00003)
    assert len(simpler.exterior.coords) < len(lot["geometry"]["coordinates"][0])
    path = folder / "muni-lot.geojson"
    feature = {"type": "Feature", "properties": {"name": "Muni Lot"}, "geometry": mapping(simpler)}
    path.write_text(json.dumps(feature))
    return path, len(simpler.exterior.coords)


def test_a_tenant_admin_edits_rates_uploads_an_outline_and_downloads_the_sign(admin, stack, tmp_path) -> None:
    headers = token(stack, *CLEVELAND_ADMIN)
    facility_url = f"{stack.api}/api/v1/admin/facilities/muni-lot"
    before = httpx.get(facility_url, headers=headers, timeout=15).json()
    app = admin()
    app.sign_in(*CLEVELAND_ADMIN)
    app.section("Facilities")
    app.tap(re.compile(r"^Edit Muni Lot$"))

    # The price preview is the API's for the saved rates ...
    app.see("Price preview")
    preview = httpx.post(
        f"{stack.api}/api/v1/admin/tariffs/preview",
        json={"tariff": before["tariff"], "facility": "muni-lot"},
        headers=headers,
        timeout=15,
    ).json()
    app.see(preview["tariff_text"])
    # ... and follows the rates as they are typed, before anything is saved.
    rate = app.page.get_by_role("textbox", name="USD per increment").first
    app.fill_box(rate, "3.10")
    draft = json.loads(json.dumps(before["tariff"]))
    draft["segments"][0]["amount"] = 310
    expected = httpx.post(
        f"{stack.api}/api/v1/admin/tariffs/preview",
        json={"tariff": draft, "facility": "muni-lot"},
        headers=headers,
        timeout=15,
    ).json()
    assert expected["tariff_text"] != preview["tariff_text"]
    app.see(expected["tariff_text"])
    hour = next(p for p in expected["prices"] if p["duration_minutes"] == 60)
    app.see(format_amount(hour["total_amount"], hour["currency"]))
    app.tap("Save rates")
    app.see(re.compile("Rates saved"))
    saved = httpx.get(facility_url, headers=headers, timeout=15).json()
    assert saved["tariff"]["segments"][0]["amount"] == 310

    # The geofence outline from a GeoJSON file.
    outline, corners = muni_lot_outline(tmp_path)
    with app.page.expect_file_chooser() as chooser:
        app.tap("Upload GeoJSON outline")
    chooser.value.set_files(str(outline))
    app.see(re.compile("Outline from muni-lot.geojson saved"))
    geometry = httpx.get(facility_url, headers=headers, timeout=15).json()["geometry"]
    assert geometry["type"] == "Polygon"
    assert len(geometry["coordinates"][0]) == corners
    app.shot("admin_facility_editor")

    # The sign to print: a QR code that opens this lot in the driver app.
    with app.page.expect_download() as download:
        app.tap("Download sign (PNG)")
    sign = tmp_path / "sign.png"
    download.value.save_as(sign)
    payload, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(sign)))
    assert payload, "the downloaded sign holds no readable QR code"
    resolved = httpx.post(f"{stack.api}/api/v1/qr/resolve", json={"payload": payload}, timeout=15)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["facility"]["slug"] == "muni-lot"


def test_an_invoice_opens_in_a_new_tab_to_print(admin) -> None:
    app = admin()
    app.sign_in(*OPERATOR)
    app.section("Invoices")
    first = app.button(re.compile(r"^Print INV-\d{6}$")).first
    first.wait_for(timeout=30_000)
    number = first.get_attribute("aria-label") or first.inner_text()
    number = re.search(r"INV-\d{6}", number).group(0)
    with app.page.context.expect_page(timeout=30_000) as opened:
        first.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert "/api/v1/invoices/print?token=" in tab.url
    assert tab.get_by_text(f"Invoice {number}", exact=True).count() == 1
    assert tab.get_by_role("heading", name="Helsinki Parking").count() == 1
    assert tab.get_by_role("button", name="Print").count() == 1
    tab.screenshot(path=str(SHOTS / "admin_invoice_print.png"))
    app.see(re.compile(f"Invoice {number} opened in a new tab"))
    tab.close()


def _driver_with_a_paid_stay(stack) -> tuple[dict[str, str], str, str]:
    """A driver (card on file) whose car the Kamppi cameras saw for two hours and charged on exit:
    their headers, the stay id and the plate."""
    email, plate = f"{unique('dispute')}@example.test", unique("DS")[:8]
    body = {"email": email, "password": "correct horse battery", "name": "Dora Lindqvist"}
    assert httpx.post(f"{stack.api}/api/v1/auth/register", json=body, timeout=15).status_code == 201
    login = {"username": email, "password": body["password"]}
    access = httpx.post(f"{stack.api}/api/v1/auth/token", data=login, timeout=15).json()["access_token"]
    driver = {"Authorization": f"Bearer {access}"}
    for path, payload in (("vehicles", {"license_plate": plate}), ("payment-methods", {"token": "tok_visa"})):
        added = httpx.post(f"{stack.api}/api/v1/me/{path}", json=payload, headers=driver, timeout=15)
        assert added.status_code == 201, added.text
    gate = {"Authorization": "Bearer whk_demo_helsinki_0123456789abcdef"}
    left = datetime.now(UTC).replace(microsecond=0)
    for event, at in (("entry", left - timedelta(hours=2)), ("exit", left)):
        event_body = {"event": event, "plate": plate, "facility_id": "kamppi-p1", "timestamp": at.isoformat()}
        seen = httpx.post(f"{stack.api}/webhook", json=event_body, headers=gate, timeout=15)
        assert seen.status_code == 202, seen.text
    stay_id = seen.json()["session_id"]
    for _ in range(60):  # the exit is charged by a job: wait for the receipt
        receipts = httpx.get(f"{stack.api}/api/v1/me/receipts", headers=driver, timeout=15).json()
        if any(r.get("stay_id") == stay_id and r["kind"] == "charge" for r in receipts["items"]):
            return driver, stay_id, plate
        time.sleep(0.5)
    raise AssertionError(f"the exit of {plate} was not charged")


def test_an_upheld_dispute_is_refunded_to_the_drivers_card(admin, stack) -> None:
    driver, stay_id, _ = _driver_with_a_paid_stay(stack)
    ticket = {
        "kind": "dispute",
        "stay_id": stay_id,
        "subject": "Charged twice?",
        "body": "The gate was open.",
    }
    opened = httpx.post(f"{stack.api}/api/v1/me/tickets", json=ticket, headers=driver, timeout=15)
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]

    app = admin()
    app.sign_in(*OPERATOR)
    app.section("Support")
    app.tap(re.compile(f"^#{number}$"))
    app.see("Chat with Dora Lindqvist")
    app.tap("Uphold: the driver is right")
    refund = app.page.get_by_role(
        "checkbox", name=re.compile(r"^Refund \d+\.\d{2} EUR to the driver's card$")
    )
    refund.wait_for(timeout=20_000)
    assert refund.is_checked()
    app.fill("Resolution note for the driver", "The barrier was stuck open; your money goes back.")
    app.tap("Resolve dispute")
    app.see(re.compile(r"Refunding \d+\.\d{2} EUR to the driver's card"))
    app.shot("admin_dispute_refunded")

    for _ in range(60):  # the refund job, then the ticket's message
        seen = httpx.get(
            f"{stack.api}/api/v1/me/tickets/{opened.json()['id']}", headers=driver, timeout=15
        ).json()
        if seen["messages"][-1]["body"].startswith("Refunded"):
            break
        time.sleep(0.5)
    assert re.match(r"Refunded \d+\.\d{2} EUR to Visa •••• 4242\.", seen["messages"][-1]["body"])
    receipts = httpx.get(f"{stack.api}/api/v1/me/receipts", headers=driver, timeout=15).json()["items"]
    paid = next(r for r in receipts if r.get("stay_id") == stay_id and r["kind"] == "charge")
    assert paid["refunded_amount"] == paid["total_amount"] > 0
