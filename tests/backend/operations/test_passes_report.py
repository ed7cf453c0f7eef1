"""Passes sold and their revenue by facility and product, and the passes valid now."""

from datetime import UTC, datetime, timedelta

from backend.models import Facility, PassProduct
from tests.backend.operations import factory as f
from tests.backend.operations.factory import days_ago, local

URL = "/api/v1/admin/passes/report"


async def seed(tenant_a, tenant_b) -> None:
    now = datetime.now(UTC)
    a = tenant_a.tenant
    monthly = await PassProduct.get(slug="alpha-monthly")  # at alpha-p1, made by the fixture
    p2 = await f.facility(a, "alpha-p2", "Alpha P2")
    weekly = await PassProduct.create(facility=p2, slug="weekly", name="Weekly pass", amount=2900, days=7)
    await PassProduct.create(facility=p2, slug="resident", name="Resident permit", amount=0, days=365)
    sold = await f.parking_pass(monthly, now - timedelta(days=2), plate="M-1")
    await f.payment(a, 9900, now - timedelta(days=2), purpose="pass", for_pass=sold)
    refunded_in_part = await f.parking_pass(monthly, local(days_ago(29)), plate="M-2")
    await f.payment(
        a, 9900, local(days_ago(29)), status="partially_refunded", refunded=1000, for_pass=refunded_in_part
    )
    cancelled = await f.parking_pass(monthly, now - timedelta(days=3), plate="M-3", status="cancelled")
    await f.payment(a, 9900, now - timedelta(days=3), status="refunded", refunded=9900, for_pass=cancelled)
    declined = await f.parking_pass(monthly, now - timedelta(hours=1), plate="M-4", status="failed")
    await f.payment(a, 9900, now - timedelta(hours=1), status="failed", for_pass=declined)
    await f.parking_pass(monthly, now - timedelta(minutes=1), plate="M-5", status="pending")
    # Sold before the window (valid now all the same) and one that ran out.
    await f.parking_pass(monthly, local(days_ago(30), 23, 30), plate="M-6", days=60)
    await f.parking_pass(monthly, now - timedelta(days=40), plate="M-7", days=30)
    # A week at P2 starting tomorrow: sold, not valid yet.
    an_hour_ago = now - timedelta(hours=1)
    weekly_pass = await f.parking_pass(weekly, an_hour_ago, valid_from=now + timedelta(days=1), days=7)
    await f.payment(a, 2900, an_hour_ago, for_pass=weekly_pass)
    bravo_monthly = await PassProduct.get(slug="bravo-monthly")
    b_pass = await f.parking_pass(bravo_monthly, now - timedelta(days=1), plate="B-1")
    await f.payment(tenant_b.tenant, 9900, now - timedelta(days=1), for_pass=b_pass)
    assert await Facility.filter(tenant_id=a.id).count() == 2


async def test_sales_by_facility_and_product(client, tenant_a, tenant_b) -> None:
    await seed(tenant_a, tenant_b)

    response = await client.get(URL, headers=tenant_a.operator)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["days"], body["currency"]) == (30, "EUR")
    assert datetime.fromisoformat(body["since"]) == local(days_ago(29))
    # Sold: M-1, M-2, M-3 (cancelled after the sale) at P1; the weekly pass at P2.
    assert (body["sold_count"], body["revenue_amount"], body["active_now"]) == (4, 9900 + 8900 + 0 + 2900, 3)
    figures = ("facility", "sold_count", "revenue_amount", "active_now")
    assert [tuple(row[k] for k in figures) for row in body["by_facility"]] == [
        ("alpha-p1", 3, 18800, 3),
        ("alpha-p2", 1, 2900, 0),
    ]
    assert [row["name"] for row in body["by_facility"]] == ["Alpha P1", "Alpha P2"]
    assert body["by_product"] == [
        {
            "facility": "alpha-p1",
            "product": "alpha-monthly",
            "product_name": "Monthly pass",
            "sold_count": 3,
            "revenue_amount": 18800,
        },
        {
            "facility": "alpha-p2",
            "product": "resident",
            "product_name": "Resident permit",
            "sold_count": 0,
            "revenue_amount": 0,
        },
        {
            "facility": "alpha-p2",
            "product": "weekly",
            "product_name": "Weekly pass",
            "sold_count": 1,
            "revenue_amount": 2900,
        },
    ]


async def test_shorter_window(client, tenant_a, tenant_b) -> None:
    await seed(tenant_a, tenant_b)

    body = (await client.get(URL, params={"days": 2}, headers=tenant_a.operator)).json()

    assert datetime.fromisoformat(body["since"]) == local(days_ago(1))
    # The weekly pass (an hour ago) falls in yesterday or today; M-1 (48 h ago) before yesterday,
    # unless a DST change in between moved it across yesterday's midnight.
    m1_counts = (datetime.now(UTC) - timedelta(days=2)) >= local(days_ago(1))
    assert body["sold_count"] == 1 + int(m1_counts)


async def test_bad_window(client, tenant_a) -> None:
    for days in (0, 367, "week"):
        response = await client.get(URL, params={"days": days}, headers=tenant_a.operator)
        assert response.status_code == 422, days
        assert "'days'" in response.json()["detail"]


async def test_other_operator_sees_its_own(client, tenant_a, tenant_b) -> None:
    await seed(tenant_a, tenant_b)

    body = (await client.get(URL, headers=tenant_b.admin)).json()

    assert (body["sold_count"], body["revenue_amount"], body["active_now"]) == (1, 9900, 1)
    assert [p["product"] for p in body["by_product"]] == ["bravo-monthly"]
