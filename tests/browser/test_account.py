"""History with receipts, settings (auto-pay, reminders), export my data, delete my account."""

import json
import re

from tests.browser.conftest import App, unique


def test_history_settings_export_and_delete(app: App, tmp_path) -> None:
    email = f"{unique('acct')}@example.test"
    app.sign_up(email)
    app.add_vehicle_and_card(unique("AC")[:8])
    app.fill("Zone number", "1234")
    app.tap("Find")
    pay = app.button(re.compile(r"^Pay \d+\.\d{2} EUR"))
    pay.wait_for(timeout=20_000)
    total = re.search(r"Pay (\d+\.\d{2} EUR)", pay.inner_text()).group(1)
    pay.click()
    app.see("Need more time?")
    app.page.go_back()
    app.page.go_back()

    app.tap("History")
    app.see(re.compile(r"Parking session · Kamppi P1"), timeout=40_000)
    app.see(total)
    app.see(re.compile(r"PF-[0-9A-F]{8}"))
    app.shot("15_history")
    app.page.go_back()

    app.tap("Settings")
    app.see("Paying at camera car parks")
    app.page.get_by_role("switch", name="Auto-pay when I leave").click()
    app.see("Auto-pay is off: pay stays in the app before you leave.")
    app.tap(re.compile("^5 min before$"))
    app.see("Reminders 5 min before your parking ends.")
    app.shot("16_settings")

    with app.page.expect_download() as download:
        app.tap("Export my data")
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert email in json.dumps(exported)

    app.tap("Delete my account")
    app.fill("Password to confirm", "correct horse battery")
    app.tap("Delete my account for good")
    app.see(re.compile("active|running|stop", re.IGNORECASE))  # a running session must be stopped first
    app.shot("17_delete_refused_while_parked")

    app.page.go_back()
    app.tap("Extend or stop")
    app.tap("Stop parking")
    app.tap("Yes, stop now")
    app.see(re.compile("Parking stopped"))
    app.page.go_back()
    app.tap("Settings")
    app.tap("Delete my account")
    app.fill("Password to confirm", "correct horse battery")
    app.tap("Delete my account for good")
    app.see("Your account is deleted. Thank you for parking with Parkflow.")
    app.shot("18_account_deleted")

    app.fill("Email", email)
    app.fill("Password", "correct horse battery")
    app.tap("Sign in")
    app.see(re.compile("(incorrect|wrong|not match|invalid)", re.IGNORECASE))


def test_the_sign_in_survives_a_reload_and_sign_out_forgets_it(app: App) -> None:
    app.sign_up(f"{unique('keep')}@example.test")
    app.open("/")  # a new page load: the app starts again from its stored sign-in
    app.see("Where are you parking?")
    app.tap("Sign out")
    app.see("Sign in")
    app.open("/")
    app.see("New here? Create an account")
