"""Discovery with the phone's position (a zone number used by two operators, lots near me) and passes."""

import re

from tests.browser.conftest import unique

NEAR_GATEWAY_EAST = (41.4977, -81.6878)  # Cleveland, beside the demo's Gateway East garage


def test_a_shared_zone_number_lists_the_nearest_operator_first_and_a_pass_is_bought(app_at) -> None:
    app = app_at(*NEAR_GATEWAY_EAST)
    app.sign_up(f"{unique('pass')}@example.test")
    plate = unique("PS")[:8]
    app.add_vehicle_and_card(plate)

    app.fill("Zone number", "4101")
    app.tap("Find")
    app.see("Several places use this zone number. Which one are you at?")
    cleveland = app.text(re.compile(r"Gateway East \(zone 4101\)"))
    helsinki = app.text(re.compile(r"Pohjoisesplanadi \(zone 4101\)"))
    cleveland.wait_for()
    helsinki.wait_for()
    assert cleveland.bounding_box()["y"] < helsinki.bounding_box()["y"], "the nearest facility comes first"
    app.shot("12_zone_candidates")

    cleveland.click()
    app.see("Park here often?")
    app.tap(re.compile(r"^Weekly pass: 40\.00 USD for 7 days"))
    app.see("Weekly pass at Gateway East")
    app.see("Service fee")
    app.tap(re.compile(r"^Buy with Visa •••• 4242"))
    app.see(re.compile("Weekly pass · Gateway East"))
    app.see("Valid now")
    app.see(re.compile(f"Weekly pass for {plate} at Gateway East: \\d+\\.\\d{{2}} USD paid\\."))
    app.shot("13_passes")


def test_parking_near_me_lists_lots_around_the_driver(app_at) -> None:
    app = app_at(*NEAR_GATEWAY_EAST)
    app.sign_up(f"{unique('near')}@example.test")
    app.tap("Parking near me")
    app.see("Parking near you")
    app.see(re.compile(r"Gateway East \(zone 4101\)"))
    app.shot("14_parking_near_me")
