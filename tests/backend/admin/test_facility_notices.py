"""Driver notices, lot rules and the grace period: set by the operator (admin API or onboarding
file), checked, and shown to drivers on the facility page."""

import pytest

from backend.onboarding import LoadReport, load_onboarding, parse_onboarding
from backend.onboarding.problems import OnboardingError
from tests.backend.admin.conftest import ADMIN, TARIFF, Operator, created, facility_body, square
from tests.backend.helpers import app_of

NOTICES = ["Height limit 2.1 m", "Closed 1-5 am for cleaning"]
RULES = "Park within the marked bays.\nVehicles over 3.5 t are not allowed."


async def test_notices_and_rules_are_created_read_and_shown_to_drivers(client, tenant_a: Operator) -> None:
    body = facility_body("alpha-p2", "2345", notices=NOTICES, rules=RULES, grace_minutes=5)
    made = await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))
    assert (made["notices"], made["rules"], made["grace_minutes"]) == (NOTICES, RULES, 5)

    fetched = await client.get(f"{ADMIN}/facilities/alpha-p2", headers=tenant_a.operator)
    assert (fetched.json()["notices"], fetched.json()["rules"]) == (NOTICES, RULES)

    page = await client.get("/api/v1/facilities/alpha-p2")
    assert page.status_code == 200
    assert (page.json()["notices"], page.json()["rules"], page.json()["grace_minutes"]) == (NOTICES, RULES, 5)


async def test_a_facility_without_them_has_none(client, tenant_a: Operator) -> None:
    fetched = await client.get(f"{ADMIN}/facilities/{tenant_a.facility}", headers=tenant_a.admin)
    assert (fetched.json()["notices"], fetched.json()["rules"]) == ([], "")
    page = await client.get(f"/api/v1/facilities/{tenant_a.facility}")
    assert (page.json()["notices"], page.json()["rules"]) == ([], "")


async def test_patch_changes_only_notices_rules_or_grace(client, tenant_a: Operator) -> None:
    url = f"{ADMIN}/facilities/{tenant_a.facility}"
    response = await client.patch(
        url, json={"notices": ["  EV chargers on level 2  "]}, headers=tenant_a.admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["notices"] == ["EV chargers on level 2"]  # trimmed
    assert response.json()["rules"] == ""

    response = await client.patch(url, json={"rules": RULES, "grace_minutes": 120}, headers=tenant_a.admin)
    assert (response.json()["notices"], response.json()["rules"]) == (["EV chargers on level 2"], RULES)
    assert response.json()["grace_minutes"] == 120
    assert response.json()["capacity"] == 120  # untouched

    cleared = await client.patch(url, json={"notices": [], "rules": ""}, headers=tenant_a.admin)
    assert (cleared.json()["notices"], cleared.json()["rules"]) == ([], "")
    page = await client.get(f"/api/v1/facilities/{tenant_a.facility}")
    assert (page.json()["notices"], page.json()["rules"], page.json()["grace_minutes"]) == ([], "", 120)


async def test_put_replaces_them_and_leaving_them_out_clears_them(client, tenant_a: Operator) -> None:
    url = f"{ADMIN}/facilities/{tenant_a.facility}"
    full = {k: v for k, v in facility_body("x", "1234", notices=NOTICES, rules=RULES).items() if k != "slug"}
    response = await client.put(url, json=full, headers=tenant_a.admin)
    assert (response.json()["notices"], response.json()["rules"]) == (NOTICES, RULES)
    without = {k: v for k, v in full.items() if k not in ("notices", "rules", "grace_minutes")}
    response = await client.put(url, json=without, headers=tenant_a.admin)
    assert (response.json()["notices"], response.json()["rules"], response.json()["grace_minutes"]) == (
        [],
        "",
        15,
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"notices": [f"notice {n}" for n in range(11)]}, "notices", "at most 10 items"),
        ({"notices": ["ok", "x" * 121]}, "notices.1", "at most 120 characters"),
        ({"notices": ["   "]}, "notices.0", "at least 1 character"),
        ({"rules": "x" * 4001}, "rules", "at most 4000 characters"),
        ({"grace_minutes": 121}, "grace_minutes", "less than or equal to 120"),
        ({"grace_minutes": -1}, "grace_minutes", "greater than or equal to 0"),
    ],
)
async def test_bad_values_are_a_422_naming_the_field(
    client, tenant_a: Operator, change, field, message
) -> None:
    url = f"{ADMIN}/facilities/{tenant_a.facility}"
    before = (await client.get(url, headers=tenant_a.admin)).json()
    for method, body in (
        ("PATCH", change),
        ("POST", facility_body("alpha-p9", "9999", **change)),
    ):
        target = url if method == "PATCH" else f"{ADMIN}/facilities"
        response = await client.request(method, target, json=body, headers=tenant_a.admin)
        assert response.status_code == 422, (method, response.text)
        assert response.json()["code"] == "validation_error"
        assert response.json()["detail"].startswith(f"'{field}'"), response.json()["detail"]
        assert message in response.json()["detail"]
    assert (await client.get(url, headers=tenant_a.admin)).json() == before


async def test_null_is_not_a_way_to_clear_them(client, tenant_a: Operator) -> None:
    for field in ("notices", "rules", "grace_minutes"):
        response = await client.patch(
            f"{ADMIN}/facilities/{tenant_a.facility}", json={field: None}, headers=tenant_a.admin
        )
        assert response.status_code == 422
        assert response.json() == {
            "detail": f"'{field}' cannot be null; leave it out to keep the current value.",
            "code": "validation_error",
        }


async def test_ten_notices_of_120_characters_are_fine(client, tenant_a: Operator) -> None:
    notices = [f"{n}" + "x" * 119 for n in range(10)]
    response = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}",
        json={"notices": notices, "rules": "r" * 4000, "grace_minutes": 0},
        headers=tenant_a.admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["notices"] == notices
    assert response.json()["grace_minutes"] == 0


def _onboarding(**facility_fields) -> dict:
    facility = {
        "slug": "kamppi-p1",
        "name": "Kamppi P1",
        "zone_number": "1234",
        "geometry": square(24.93, 60.168),
        "tariff": TARIFF,
        **facility_fields,
    }
    tenant = {
        "slug": "helsinki-parking",
        "name": "Helsinki Parking Oy",
        "currency": "EUR",
        "timezone": "Europe/Helsinki",
        "facilities": [facility],
    }
    return {"tenants": [tenant]}


async def test_the_onboarding_file_sets_them_and_a_reload_changes_nothing(client) -> None:
    services = app_of(client).state.services
    raw = _onboarding(notices=NOTICES, rules=RULES, grace_minutes=10)
    await load_onboarding(parse_onboarding(raw), services)
    page = await client.get("/api/v1/facilities/kamppi-p1")
    assert (page.json()["notices"], page.json()["rules"], page.json()["grace_minutes"]) == (
        NOTICES,
        RULES,
        10,
    )

    again: LoadReport = await load_onboarding(parse_onboarding(raw), services)
    assert not again.changed
    assert again.counts["facilities"] == {"unchanged": 1}

    await load_onboarding(parse_onboarding(_onboarding()), services)
    page = await client.get("/api/v1/facilities/kamppi-p1")
    assert (page.json()["notices"], page.json()["rules"], page.json()["grace_minutes"]) == ([], "", 15)


async def test_the_onboarding_file_checks_them_like_the_admin_api(client) -> None:
    with pytest.raises(OnboardingError) as refused:
        parse_onboarding(_onboarding(notices=["x" * 121], grace_minutes=240))
    problems = refused.value.problems
    assert len(problems) == 2, problems
    assert any("notices" in p and "at most 120 characters" in p for p in problems), problems
    assert any("grace_minutes" in p and "less than or equal to 120" in p for p in problems), problems
