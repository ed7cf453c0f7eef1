"""Sign up → vehicle and card → zone number → pay → the timer runs down → extend → stop with refund."""

import re

import httpx

from tests.browser.conftest import App, unique

ENFORCEMENT_KEY = "ek_demo_helsinki_0123456789abcdef"  # the demo operator's key (assets/demo)
TIMER = re.compile(r"Time left (?:(\d+):)?(\d{2}):(\d{2})")


def seconds_left(app: App) -> int:
    label = app.text(TIMER).inner_text()
    hours, minutes, seconds = TIMER.search(label).groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def test_a_new_driver_pays_extends_and_stops(app: App) -> None:
    app.shot("01_welcome")
    app.sign_up(f"{unique('aino')}@example.test")
    app.see("Before you park, add your vehicle.")
    app.shot("02_home_first_visit")

    plate = unique("PF")[:8]
    app.tap("Add vehicle and card")
    app.fill("Licence plate", "not a plate!")
    app.tap("Add vehicle")
    app.see(re.compile("may hold only letters and digits"))
    app.fill("Licence plate", plate.lower())
    app.tap("Add vehicle")
    app.see(f"Remove {plate}")
    app.tap(re.compile("^Add Visa ending 4242"))
    app.see(re.compile(r"Visa •••• 4242 \(default\)"))
    app.shot("03_vehicles_and_cards")
    app.page.go_back()

    app.fill("Zone number", "1234")
    app.tap("Find")
    # One facility has zone 1234: straight to paying, with the default vehicle, card and 1 h.
    app.see("Kamppi P1")
    app.see("Service fee")
    pay = app.button(re.compile(r"^Pay \d+\.\d{2} EUR"))
    pay.wait_for()
    total = re.search(r"Pay (\d+\.\d{2}) EUR", pay.inner_text()).group(1)
    app.see(re.compile(f"Total\\s*{re.escape(total)} EUR"))
    app.shot("04_checkout")
    pay.click()

    app.see("Need more time?")
    # What the driver paid for is what the parking officer's handheld sees.
    check = httpx.get(
        f"{app.stack.api}/api/enforcement/check/{plate}",
        params={"facility": "kamppi-p1"},
        headers={"x-api-key": ENFORCEMENT_KEY},
        timeout=10,
    )
    assert check.status_code == 200, check.text
    assert check.json()["status"] == "paid"
    first = seconds_left(app)
    assert 55 * 60 < first <= 60 * 60
    app.page.wait_for_timeout(2500)
    later = seconds_left(app)
    assert later < first, "the countdown must run down"
    app.shot("05_running_session")

    app.tap("Extend 30 min")
    app.see(re.compile("Extended by 30 min, until"))
    assert seconds_left(app) > later + 29 * 60
    app.see(re.compile(r"Charged\s*\d+\.\d{2} EUR"))
    app.shot("06_extended")

    app.tap("Stop parking")
    app.tap("Yes, stop now")
    app.see(re.compile(r"Parking stopped\. \d+\.\d{2} EUR is refunded to your card\."))
    app.see(re.compile("Ended at"))
    app.see("Refunded")
    app.shot("07_stopped_with_refund")
