"""A lot without cameras: the phone's position opens the stay and the driver is told."""

import re

import httpx
from shapely.geometry import shape

from tests.browser.conftest import unique


def test_moving_into_and_out_of_a_geofence_lot_opens_and_charges_a_stay(app_at, stack) -> None:
    lot = httpx.get(f"{stack.api}/api/v1/facilities/hietalahdentori", timeout=10).json()
    assert lot["detection"] == "geofence"
    inside = shape(lot["geometry"]).representative_point()
    outside = (inside.y + 0.004, inside.x)  # ~450 m north, clearly out

    app = app_at(*outside)
    app.sign_up(f"{unique('geo')}@example.test")
    plate = unique("GF")[:8]
    app.add_vehicle_and_card(plate)
    app.page.get_by_role("switch", name="Detect my parking at lots without cameras").click()
    app.see(re.compile(r"On: watching \d+ lots? without cameras near you"), timeout=30_000)
    app.shot("19_geofence_on")

    app.page.context.set_geolocation({"latitude": inside.y, "longitude": inside.x, "accuracy": 5})
    app.see("Entry detected", timeout=40_000)
    app.shot("20_geofence_entry")
    app.see(re.compile(rf"{plate} parked at Hietalahdentori since \d{{2}}:\d{{2}}"))

    app.page.context.set_geolocation({"latitude": outside[0], "longitude": outside[1], "accuracy": 5})
    app.see(re.compile(r"Left Hietalahdentori: the stay is closed"), timeout=40_000)
    app.see(re.compile(r"Exit paid"), timeout=30_000)
    app.shot("21_geofence_exit")
