"""The sessions filter's days picked from a calendar (Flutter's date picker) rather than typed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.browser.test_admin import OPERATOR, token

HELSINKI = ZoneInfo("Europe/Helsinki")  # the demo operator's time zone: its days


def test_days_picked_from_the_calendar_filter_the_sessions(admin, stack) -> None:
    today = datetime.now(HELSINKI).date()
    day = today - timedelta(days=min(2, today.day - 1))  # in this month: the calendar opens on it
    app = admin()
    app.sign_in(*OPERATOR)
    app.section("Sessions")
    app.see("Page 1", timeout=30_000)
    for button in ("Pick first day", "Pick last day"):
        app.tap(button)
        app.tap(f"{day.day}, {day:%A}, {day:%B} {day.day}, {day.year}")
        app.tap("OK")
        app.page.wait_for_timeout(500)
    first = app.page.get_by_role("textbox", name="From day")
    first.click()
    assert first.input_value() == day.isoformat()

    # The list is the API's for that day in the operator's time zone, newest first.
    since = datetime.combine(day, time(), HELSINKI)
    params = {"from": since.isoformat(), "to": (since + timedelta(days=1)).isoformat(), "limit": 25}
    page = httpx.get(f"{stack.api}/api/v1/admin/sessions", params=params, headers=token(stack, *OPERATOR))
    items = page.json()["items"]
    assert items, f"the demo has no stays or sessions on {day}"
    for row in items[:3]:
        app.button(row["plate"]).first.wait_for(timeout=20_000)
    older = httpx.get(
        f"{stack.api}/api/v1/admin/sessions",
        params={"to": since.isoformat(), "limit": 1},
        headers=token(stack, *OPERATOR),
    ).json()["items"]
    if older and older[0]["plate"] not in {r["plate"] for r in items}:
        assert app.button(older[0]["plate"]).count() == 0  # the day before is filtered out
    app.shot("admin_sessions_by_day")
