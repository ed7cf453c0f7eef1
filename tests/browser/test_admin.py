"""The operator admin view in Chromium against `parkflow demo` (its four weeks of history):
an operator's day (dashboard → a session by plate → its timeline → plate correction → CSV export),
a super admin's read-only preview, and a webhook token created, rotated and the old one refused."""

import csv
import io
import re
import sqlite3
import time
from datetime import UTC, datetime

import httpx

from shared.money import format_amount
from tests.browser.conftest import unique

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

    # An unpaid camera stay of the history (Kamppi P1 has ANPR), found by its plate.
    unpaid = httpx.get(
        f"{stack.api}/api/v1/admin/sessions",
        params={"status": "unpaid", "kind": "stay", "facility": "kamppi-p1", "limit": 1},  # cameras
        headers=headers,
        timeout=15,
    ).json()["items"][0]
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
