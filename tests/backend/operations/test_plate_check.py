"""The admin's plate check: the enforcement API's answer, for any operator user, logged without a key."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.models import EnforcementCheck, Facility, PassProduct
from tests.backend.operations import factory as f

URL = "/api/v1/admin/enforcement/check"
KEY = "ek_alpha_ops_0123456789abcdef"


async def seed(tenant_a) -> datetime:
    now = datetime.now(UTC)
    p1 = await Facility.get(slug="alpha-p1")
    session = await f.session(p1, now - timedelta(minutes=30), now + timedelta(minutes=30), plate="PAID-1")
    await f.payment(tenant_a.tenant, 615, now - timedelta(minutes=30), purpose="session", for_session=session)
    await f.stay(p1, plate="LATE-1", entered_at=now - timedelta(hours=2))  # free period long over
    await f.parking_pass(await PassProduct.get(slug="alpha-monthly"), now - timedelta(days=1), plate="PASS-1")
    await f.api_key(tenant_a.tenant, KEY)
    return now


@pytest.mark.parametrize(
    ("plate", "status"),
    [("paid-1", "paid"), ("LATE 1", "parked_unpaid"), ("PASS-1", "pass_active"), ("NONE-1", "not_found")],
)
async def test_same_answer_as_the_enforcement_api(client, tenant_a, plate, status) -> None:
    now = await seed(tenant_a)
    at = (now + timedelta(seconds=1)).isoformat()
    params = {"facility": "Alpha P1", "at": at}  # by name, as officers type it

    officer = await client.get(f"{URL}/{plate}", params=params, headers=tenant_a.enforcement)
    handheld = await client.get(f"/api/enforcement/check/{plate}", params=params, headers={"x-api-key": KEY})

    assert officer.status_code == 200, officer.text
    assert officer.json()["status"] == status
    assert officer.json() == handheld.json()


async def test_checks_are_logged_without_a_key(client, tenant_a) -> None:
    await seed(tenant_a)

    response = await client.get(f"{URL}/late-1", params={"facility": "alpha-p1"}, headers=tenant_a.operator)

    assert response.status_code == 200
    assert response.json()["shouldFine"] is True
    logged = await EnforcementCheck.filter(tenant_id=tenant_a.tenant.id).values(
        "api_key_id", "facility_id", "plate", "plate_normalized", "status", "should_fine"
    )
    p1 = await Facility.get(slug="alpha-p1")
    assert logged == [
        {
            "api_key_id": None,
            "facility_id": p1.id,
            "plate": "late-1",
            "plate_normalized": "LATE1",
            "status": "parked_unpaid",
            "should_fine": True,
        }
    ]


async def test_every_role_may_check(client, tenant_a, super_admin) -> None:
    await seed(tenant_a)
    params = {"facility": "alpha-p1"}
    chosen = {**super_admin, "X-Tenant": "alpha"}

    for headers in (tenant_a.admin, tenant_a.operator, tenant_a.enforcement, chosen):
        response = await client.get(f"{URL}/PAID-1", params=params, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "paid"
    unchosen = await client.get(f"{URL}/PAID-1", params=params, headers=super_admin)
    anonymous = await client.get(f"{URL}/PAID-1", params=params)

    assert unchosen.status_code == 403
    assert anonymous.status_code == 401


async def test_only_the_operators_own_facilities(client, tenant_a, tenant_b) -> None:
    await seed(tenant_a)

    for facility in ("bravo-p1", "Bravo P1", "nowhere"):
        params = {"facility": facility}
        response = await client.get(f"{URL}/PAID-1", params=params, headers=tenant_a.enforcement)
        assert response.status_code == 404, facility
        assert response.json() == {
            "detail": f"No facility '{facility}' of this operator; "
            "give its slug or its name as the operator lists it.",
            "code": "not_found",
        }
    assert await EnforcementCheck.all().count() == 0


async def test_bad_input(client, tenant_a) -> None:
    await seed(tenant_a)
    headers = tenant_a.enforcement

    naive = await client.get(
        f"{URL}/PAID-1", params={"facility": "alpha-p1", "at": "2026-03-30T14:23:00"}, headers=headers
    )
    no_plate = await client.get(f"{URL}/%20-%20", params={"facility": "alpha-p1"}, headers=headers)
    no_facility = await client.get(f"{URL}/PAID-1", headers=headers)

    assert naive.status_code == 422
    assert naive.json()["code"] == "naive_timestamp"
    assert "'at'" in naive.json()["detail"]
    assert no_plate.status_code == 422
    assert no_plate.json()["code"] == "invalid_plate"
    assert no_facility.status_code == 422
    assert no_facility.json()["detail"] == "'facility' is required."


async def test_at_judges_a_past_moment(client, tenant_a) -> None:
    now = await seed(tenant_a)
    before = (now - timedelta(hours=3)).isoformat()  # before the session and the stay

    response = await client.get(
        f"{URL}/PAID-1", params={"facility": "alpha-p1", "at": before}, headers=tenant_a.enforcement
    )

    assert response.json()["status"] == "not_found"
    assert response.json()["shouldFine"] is False


async def test_a_moment_out_of_range_is_refused(client, tenant_a) -> None:
    await seed(tenant_a)
    params = {"facility": "alpha-p1", "at": "0001-01-01T00:00:00Z"}

    officer = await client.get(f"{URL}/PAID-1", params=params, headers=tenant_a.enforcement)
    handheld = await client.get("/api/enforcement/check/PAID-1", params=params, headers={"x-api-key": KEY})

    assert officer.status_code == handheld.status_code == 422
    assert officer.json() == handheld.json()
    assert officer.json() == {
        "detail": "'at': the moment to judge must be after 1970-01-01.",
        "code": "validation_error",
    }
