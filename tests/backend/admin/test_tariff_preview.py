"""`POST /admin/tariffs/preview`: the tariff editor's live prices for 15 min, 1 h, 3 h and 24 h."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.backend.admin.conftest import ADMIN, TARIFF, Operator, facility_body

PREVIEW = f"{ADMIN}/tariffs/preview"
# A Saturday afternoon with no clock change within a day of it.
START = "2026-03-21T12:00:00Z"
# Helsinki's clocks go forward at 04:00 local on 29 March 2026: that local day has 23 hours.
BEFORE_SPRING_FORWARD = "2026-03-29T00:00:00+02:00"


def _prices(body: dict) -> list[tuple]:
    return [
        (
            p["label"],
            p["duration_minutes"],
            p["parking_amount"],
            p["service_fee_amount"],
            p["total_amount"],
            p["currency"],
            p["exceeds_max_stay"],
        )
        for p in body["prices"]
    ]


async def test_the_seeded_tariff_priced_with_the_operators_fee(client, tenant_a: Operator) -> None:
    response = await client.post(PREVIEW, json={"tariff": TARIFF, "start_at": START}, headers=tenant_a.admin)
    assert response.status_code == 200, response.text
    body = response.json()
    # 15 min free, then 0.75 per started 15 min, at most 24.00 a day; a 2.5 % service fee, none on free.
    assert _prices(body) == [
        ("15 min", 15, 0, 0, 0, "EUR", False),
        ("1 h", 60, 225, 6, 231, "EUR", False),
        ("3 h", 180, 825, 21, 846, "EUR", False),
        ("24 h", 1440, 2400, 60, 2460, "EUR", False),
    ]
    assert body["tariff_text"] == "First 15 min free, then 0.75 per 15 min, max 24.00 a day, stays up to 24 h"
    assert (body["currency"], body["timezone"]) == ("EUR", "Europe/Helsinki")
    assert body["start_at"] in ("2026-03-21T12:00:00Z", "2026-03-21T12:00:00+00:00")


async def test_a_changed_service_fee_shows_at_once(client, tenant_a: Operator) -> None:
    fee = {"service_fee": {"percent": "10", "fixed_amount": 30}}
    assert (await client.patch(f"{ADMIN}/tenants/alpha", json=fee, headers=tenant_a.admin)).status_code == 200
    response = await client.post(
        PREVIEW, json={"tariff": TARIFF, "start_at": START}, headers=tenant_a.operator
    )
    # 10 % of 2.25 is 0.225, rounded half-up to 0.23, plus 0.30; a free stay has no fee at all.
    assert [
        (p["parking_amount"], p["service_fee_amount"], p["total_amount"]) for p in response.json()["prices"]
    ] == [
        (0, 0, 0),
        (225, 53, 278),
        (825, 113, 938),
        (2400, 270, 2670),
    ]


async def test_max_stay_is_flagged_not_refused(client, tenant_a: Operator) -> None:
    tariff = {**TARIFF, "max_stay_minutes": 180}
    response = await client.post(PREVIEW, json={"tariff": tariff, "start_at": START}, headers=tenant_a.admin)
    assert [p["exceeds_max_stay"] for p in response.json()["prices"]] == [False, False, False, True]
    assert response.json()["prices"][3]["parking_amount"] == 2400  # still priced: stays may overrun


async def test_daily_caps_follow_local_days_in_the_facilitys_time_zone(client, tenant_a: Operator) -> None:
    body = {"tariff": TARIFF, "start_at": BEFORE_SPRING_FORWARD}
    helsinki = (await client.post(PREVIEW, json=body, headers=tenant_a.admin)).json()
    # The first local day lasts 23 h (capped at 24.00); the last hour is a new day: 4 x 0.75.
    assert helsinki["timezone"] == "Europe/Helsinki"
    assert helsinki["prices"][3]["parking_amount"] == 2700
    assert helsinki["prices"][3]["service_fee_amount"] == 68  # 2.5 % of 27.00 = 0.675, half-up

    patched = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}", json={"timezone": "UTC"}, headers=tenant_a.admin
    )
    assert patched.status_code == 200
    in_utc = (
        await client.post(PREVIEW, json={**body, "facility": "alpha-p1"}, headers=tenant_a.admin)
    ).json()
    assert in_utc["timezone"] == "UTC"
    assert in_utc["prices"][3]["parking_amount"] == 2400


async def test_without_a_start_it_prices_from_now(client, tenant_a: Operator) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    response = await client.post(PREVIEW, json={"tariff": TARIFF}, headers=tenant_a.enforcement)
    assert response.status_code == 200
    start = datetime.fromisoformat(response.json()["start_at"].replace("Z", "+00:00"))
    assert before <= start <= datetime.now(UTC)
    assert response.json()["prices"][1]["total_amount"] == 231


BAD_TARIFFS = [
    {**TARIFF, "segments": [{"from_minute": 5, "amount": 0}]},
    {**TARIFF, "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 0, "amount": 75}]},
    {**TARIFF, "increment_minutes": 0},
    {**TARIFF, "segments": []},
    {**TARIFF, "segments": [{"from_minute": 0, "amount": -75}]},
    {**TARIFF, "max_stay_minutes": 30, "min_charge_minutes": 60},
    {k: v for k, v in TARIFF.items() if k != "increment_minutes"},
]


@pytest.mark.parametrize("tariff", BAD_TARIFFS)
async def test_an_invalid_tariff_gets_exactly_the_facility_editors_422(
    client, tenant_a: Operator, tariff
) -> None:
    preview = await client.post(PREVIEW, json={"tariff": tariff}, headers=tenant_a.admin)
    full = {k: v for k, v in facility_body("x", "1234", tariff=tariff).items() if k != "slug"}
    saved = await client.put(f"{ADMIN}/facilities/{tenant_a.facility}", json=full, headers=tenant_a.admin)
    assert preview.status_code == saved.status_code == 422
    assert preview.json() == saved.json()
    assert preview.json()["code"] == "invalid_tariff"
    assert preview.json()["detail"].startswith("'tariff")


async def test_a_missing_tariff_and_bad_starts_are_422(client, tenant_a: Operator) -> None:
    missing = await client.post(PREVIEW, json={}, headers=tenant_a.admin)
    assert missing.status_code == 422
    assert missing.json() == {"detail": "'tariff' is required.", "code": "invalid_tariff"}

    naive = await client.post(
        PREVIEW, json={"tariff": TARIFF, "start_at": "2026-03-21T12:00:00"}, headers=tenant_a.admin
    )
    assert naive.status_code == 422
    assert naive.json()["code"] == "naive_timestamp"
    assert naive.json()["detail"].startswith("'start_at'")

    far = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    for start in (far, "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"):
        response = await client.post(
            PREVIEW, json={"tariff": TARIFF, "start_at": start}, headers=tenant_a.admin
        )
        assert response.status_code == 422, start
        assert response.json() == {
            "detail": "'start_at' must be within a year of now.",
            "code": "validation_error",
        }


async def test_another_operators_facility_is_not_found_like_a_missing_one(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    details = []
    for slug in (tenant_b.facility, "nowhere-p1"):
        response = await client.post(
            PREVIEW, json={"tariff": TARIFF, "facility": slug}, headers=tenant_a.admin
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        details.append(response.json()["detail"].replace(slug, "<slug>"))
    assert details[0] == details[1]


async def test_every_operator_user_may_preview(client, tenant_a: Operator) -> None:
    for role in ("admin", "operator", "enforcement"):
        response = await client.post(
            PREVIEW, json={"tariff": TARIFF, "start_at": START}, headers=getattr(tenant_a, role)
        )
        assert response.status_code == 200, role
        assert response.json()["prices"][2]["total_amount"] == 846


async def test_a_super_admin_previews_for_the_chosen_operator_even_read_only(
    client, tenant_a: Operator, super_admin
) -> None:
    body = {"tariff": TARIFF, "start_at": START, "facility": "alpha-p1"}
    unchosen = await client.post(PREVIEW, json=body, headers=super_admin)
    assert unchosen.status_code == 403
    assert "X-Tenant" in unchosen.json()["detail"]
    for extra in ({"X-Tenant": "alpha"}, {"X-Tenant": "alpha", "X-Preview": "true"}):
        response = await client.post(PREVIEW, json=body, headers={**super_admin, **extra})
        # Pricing changes nothing, so the read-only preview allows it.
        assert response.status_code == 200, response.text
        assert response.json()["prices"][1]["total_amount"] == 231


async def test_without_a_token_it_is_401(client) -> None:
    response = await client.post(PREVIEW, json={"tariff": TARIFF})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
