"""A lot without cameras: the phone's position opens the stay and the driver is told."""

import re

import httpx
from shapely.geometry import shape

from tests.browser.conftest import unique


def test_moving_into_a_geofence_lot_opens_a_stay_and_tells_the_driver(app_at, stack) -> None:
    # The way out (exit → charge → "Exit paid") passes in the state tests and did pass here, but is not
    # yet reliable through the browser's position: see issue 6's note.
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
