"""The dashboard's figures against seeded rows whose totals are known (tenant B's rows never count)."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.models import Facility, Payment, Tenant
from backend.operations.closed_days import EXTRAS_KEY, ClosedDays
from tests.backend.helpers import app_of
from tests.backend.operations import factory as f
from tests.backend.operations.factory import days_ago, local

URL = "/api/v1/admin/dashboard"


async def seed_revenue(a: Tenant, b: Tenant) -> None:
    """Alpha: 1300 today, 700 yesterday, 0 six days ago (refunded), 900 + 100 earlier in the 30 days,
    2050 in the 30 days before; noise that must not count."""
    p1 = await Facility.get(slug="alpha-p1")
    p2 = await f.facility(a, "alpha-p2", "Alpha P2", capacity=0)
    at_p1 = await f.stay(p1, status="paid", exited_at=local(days_ago(1), 12))
    at_p2 = await f.stay(p2, status="paid", exited_at=local(days_ago(1), 12))
    midnight = local(days_ago(0))  # local 00:00 today: 21:00 or 22:00 UTC *yesterday*
    await f.payment(a, 1000, midnight, for_stay=at_p1)
    await f.payment(a, 500, midnight, status="partially_refunded", refunded=200, for_stay=at_p1)
    await f.payment(a, 700, local(days_ago(1), 23, 30), for_stay=at_p1)  # yesterday, not today
    await f.payment(a, 400, local(days_ago(6), 12), status="refunded", refunded=400, for_stay=at_p1)
    await f.payment(a, 900, local(days_ago(7), 12), for_stay=at_p2)  # 30 days, not 7
    await f.payment(a, 100, local(days_ago(29)))  # the 30th day back; paid for nothing known
    await f.payment(a, 2000, local(days_ago(30), 23, 59), for_stay=at_p1)  # previous 30 days
    await f.payment(a, 50, local(days_ago(59)), for_stay=at_p1)  # previous 30 days, first day
    await f.payment(a, 9999, local(days_ago(60), 23), for_stay=at_p1)  # before both windows
    await f.payment(a, 8888, midnight, status="failed", for_stay=at_p1)
    await f.payment(a, 7777, midnight, status="pending", for_stay=at_p1)
    await f.payment(a, 6666, midnight, status="voided", for_stay=at_p1)
    await f.payment(a, 300, midnight, currency="SEK")  # reported apart, never added to EUR
    b1 = await Facility.get(slug="bravo-p1")
    await f.payment(b, 5555, midnight, for_stay=await f.stay(b1, status="paid"))


async def test_revenue_per_window_in_the_operators_days(client, tenant_a, tenant_b) -> None:
    await seed_revenue(tenant_a.tenant, tenant_b.tenant)

    response = await client.get(URL, headers=tenant_a.operator)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["timezone"] == "Europe/Helsinki"
    assert body["today"] == days_ago(0).isoformat()
    eur, sek = body["revenue"]
    assert (eur["currency"], sek["currency"]) == ("EUR", "SEK")
    assert eur["today_amount"] == 1300
    assert eur["last_7_days_amount"] == 2000
    assert eur["last_30_days_amount"] == 3000
    assert eur["previous_30_days_amount"] == 2050
    daily = {d["date"]: (d["revenue_amount"], d["payments_count"]) for d in eur["daily"]}
    assert len(eur["daily"]) == 30
    assert [d["date"] for d in eur["daily"]] == sorted(daily)
    assert eur["daily"][0]["date"] == days_ago(29).isoformat()
    assert daily[days_ago(0).isoformat()] == (1300, 2)
    assert daily[days_ago(1).isoformat()] == (700, 1)
    assert daily[days_ago(6).isoformat()] == (0, 1)  # fully refunded: a payment, no revenue
    assert daily[days_ago(7).isoformat()] == (900, 1)
    assert daily[days_ago(29).isoformat()] == (100, 1)
    assert daily[days_ago(2).isoformat()] == (0, 0)
    assert sek["today_amount"] == 300
    assert sek["last_30_days_amount"] == 300


async def test_revenue_of_one_facility(client, tenant_a, tenant_b) -> None:
    await seed_revenue(tenant_a.tenant, tenant_b.tenant)

    p1 = (await client.get(URL, params={"facility": "alpha-p1"}, headers=tenant_a.operator)).json()
    p2 = (await client.get(URL, params={"facility": "ALPHA-P2"}, headers=tenant_a.operator)).json()

    assert p1["facility"] == "alpha-p1"
    eur = p1["revenue"][0]
    # The 900 was for a stay at P2; the 100 and the SEK payment paid for nothing at a facility.
    assert (eur["today_amount"], eur["last_7_days_amount"], eur["last_30_days_amount"]) == (1300, 2000, 2000)
    assert eur["previous_30_days_amount"] == 2050
    assert [r["currency"] for r in p1["revenue"]] == ["EUR"]
    assert p2["revenue"][0]["last_30_days_amount"] == 900
    assert [o["facility"] for o in p2["occupancy"]] == ["alpha-p2"]


async def test_days_follow_a_half_hour_timezone(client, tenant_a) -> None:
    zone = "Asia/Kolkata"  # UTC+05:30: local days start at 18:30 UTC
    await Tenant.filter(id=tenant_a.tenant.id).update(timezone=zone)
    a = tenant_a.tenant
    await f.payment(a, 100, local(days_ago(0, zone), zone=zone))
    await f.payment(a, 20, local(days_ago(1, zone), 23, 45, zone=zone))
    await f.payment(a, 3, local(days_ago(1, zone), 0, 14, zone=zone))

    body = (await client.get(URL, headers=tenant_a.operator)).json()

    assert body["today"] == days_ago(0, zone).isoformat()
    daily = {d["date"]: d["revenue_amount"] for d in body["revenue"][0]["daily"]}
    assert body["revenue"][0]["today_amount"] == 100
    assert daily[days_ago(1, zone).isoformat()] == 23


async def test_no_payments_give_zeros_in_the_operators_currency(client, tenant_a) -> None:
    body = (await client.get(URL, headers=tenant_a.admin)).json()

    assert body["revenue"] == [
        {
            "currency": "EUR",
            "today_amount": 0,
            "last_7_days_amount": 0,
            "last_30_days_amount": 0,
            "previous_30_days_amount": 0,
            "daily": [
                {"date": days_ago(n).isoformat(), "revenue_amount": 0, "payments_count": 0}
                for n in range(29, -1, -1)
            ],
        }
    ]
    assert body["collection"] == {
        "currency": "EUR",
        "stays_count": 0,
        "owed_amount": 0,
        "paid_amount": 0,
        "rate": None,
        "unpaid_stays_count": 0,
    }
    assert body["support"]["oldest_open_at"] is None
    assert body["invoices"]["count"] == 0


async def test_collection_rate_of_stays_that_ended_in_30_days(client, tenant_a, tenant_b) -> None:
    p1 = await Facility.get(slug="alpha-p1")
    p2 = await f.facility(tenant_a.tenant, "alpha-p2", "Alpha P2")
    await f.stay(p1, status="paid", exited_at=local(days_ago(0)), total=100, paid=100)  # today
    await f.stay(p1, status="paid", exited_at=local(days_ago(1), 9), total=1000, paid=1000)
    await f.stay(p1, status="unpaid", exited_at=local(days_ago(3), 9), total=600, paid=0)
    await f.stay(p2, status="unpaid", exited_at=local(days_ago(29)), total=400, paid=200)
    await f.stay(p1, status="unpaid", exited_at=local(days_ago(30), 23, 50), total=5000)  # too early
    await f.stay(p1, status="open", total=0)  # still inside
    b1 = await Facility.get(slug="bravo-p1")
    await f.stay(b1, status="unpaid", exited_at=local(days_ago(1)), total=3000)

    body = (await client.get(URL, headers=tenant_a.operator)).json()
    only_p1 = (await client.get(URL, params={"facility": "alpha-p1"}, headers=tenant_a.operator)).json()

    assert body["collection"] == {
        "currency": "EUR",
        "stays_count": 4,
        "owed_amount": 2100,
        "paid_amount": 1300,
        "rate": 0.619,
        "unpaid_stays_count": 2,
    }
    assert only_p1["collection"]["owed_amount"] == 1700
    assert only_p1["collection"]["paid_amount"] == 1100
    assert only_p1["collection"]["rate"] == pytest.approx(0.6471)


async def test_live_occupancy_per_facility(client, tenant_a, tenant_b) -> None:
    now = datetime.now(UTC)
    p1 = await Facility.get(slug="alpha-p1")  # capacity 120
    p2 = await f.facility(tenant_a.tenant, "alpha-p2", "Alpha P2", capacity=0)
    await f.stay(p1, plate="IN-1")  # inside
    await f.stay(p1, plate="IN-2", status="needs_review")  # no exit, but its events do not pair up
    await f.stay(p1, plate="OUT-1", status="paid", exited_at=now - timedelta(minutes=5))
    await f.session(p1, now - timedelta(minutes=30), now + timedelta(minutes=30))  # running
    await f.session(p1, now - timedelta(hours=2), now - timedelta(hours=1), status="expired")
    await f.session(p1, now - timedelta(hours=2), now - timedelta(minutes=1))  # ended, not yet expired
    await f.session(p1, now + timedelta(hours=1), now + timedelta(hours=2))  # starts later
    await f.stay(p2, plate="IN-3")
    await f.stay(await Facility.get(slug="bravo-p1"), plate="IN-4")

    body = (await client.get(URL, headers=tenant_a.operator)).json()

    assert body["occupancy"] == [
        {
            "facility": "alpha-p1",
            "name": "Alpha P1",
            "capacity": 120,
            "vehicles_inside": 1,
            "active_sessions": 1,
            "occupied": 2,
            "percent": 1.7,
        },
        {
            "facility": "alpha-p2",
            "name": "Alpha P2",
            "capacity": 0,
            "vehicles_inside": 1,
            "active_sessions": 0,
            "occupied": 1,
            "percent": None,
        },
    ]


async def test_support_pipeline(client, tenant_a, tenant_b) -> None:
    now = datetime.now(UTC)
    a = tenant_a.tenant
    oldest = now - timedelta(hours=3)
    await f.ticket(a, "open", oldest)
    await f.ticket(a, "open", now - timedelta(hours=1))
    await f.ticket(a, "pending", now - timedelta(days=2))
    await f.ticket(a, "resolved", now - timedelta(days=9))
    await f.ticket(tenant_b.tenant, "open", now - timedelta(days=30))

    body = (await client.get(URL, headers=tenant_a.operator)).json()

    support = body["support"]
    assert {k: support[k] for k in ("open", "pending", "resolved", "closed")} == {
        "open": 2,
        "pending": 1,
        "resolved": 1,
        "closed": 0,
    }
    assert datetime.fromisoformat(support["oldest_open_at"]) == oldest
    assert support["oldest_open_age_minutes"] == 180


async def test_unpaid_and_overdue_invoices(client, tenant_a, tenant_b) -> None:
    now = datetime.now(UTC)
    p1 = await Facility.get(slug="alpha-p1")
    p2 = await f.facility(tenant_a.tenant, "alpha-p2", "Alpha P2")

    async def unpaid(at: Facility) -> object:
        return await f.stay(at, status="unpaid", exited_at=now - timedelta(days=20), total=600)

    await f.invoice(await unpaid(p1), 600, now - timedelta(hours=1))  # overdue
    await f.invoice(await unpaid(p1), 400, now + timedelta(days=5))
    await f.invoice(await unpaid(p2), 250, now - timedelta(days=3))  # overdue, at P2
    await f.invoice(await unpaid(p1), 1000, now - timedelta(days=3), status="paid")
    await f.invoice(await unpaid(p1), 900, now - timedelta(days=3), status="void")
    await f.invoice(await unpaid(await Facility.get(slug="bravo-p1")), 7000, now - timedelta(days=3))

    body = (await client.get(URL, headers=tenant_a.operator)).json()
    only_p1 = (await client.get(URL, params={"facility": "alpha-p1"}, headers=tenant_a.operator)).json()

    assert body["invoices"] == {
        "currency": "EUR",
        "count": 3,
        "amount": 1250,
        "overdue_count": 2,
        "overdue_amount": 850,
    }
    assert only_p1["invoices"] == {
        "currency": "EUR",
        "count": 2,
        "amount": 1000,
        "overdue_count": 1,
        "overdue_amount": 600,
    }


async def test_another_operators_facility_is_not_found(client, tenant_a, tenant_b) -> None:
    response = await client.get(URL, params={"facility": "bravo-p1"}, headers=tenant_a.operator)

    assert response.status_code == 404
    assert response.json() == {"detail": "No facility 'bravo-p1'.", "code": "not_found"}


async def test_super_admin_sees_the_chosen_operators_figures(client, tenant_a, tenant_b, super_admin) -> None:
    await seed_revenue(tenant_a.tenant, tenant_b.tenant)

    as_b = await client.get(URL, headers={**super_admin, "X-Tenant": "bravo", "X-Preview": "true"})
    unchosen = await client.get(URL, headers=super_admin)

    assert as_b.status_code == 200
    assert as_b.json()["revenue"][0]["today_amount"] == 5555
    assert [o["facility"] for o in as_b.json()["occupancy"]] == ["bravo-p1"]
    assert unchosen.status_code == 403
    assert "X-Tenant" in unchosen.json()["detail"]


async def test_today_is_live_and_earlier_days_lag_at_most_the_cache_time(
    client, tenant_a, monkeypatch
) -> None:
    clock = [0.0]
    cache = ClosedDays(ttl_seconds=300, clock=lambda: clock[0])
    monkeypatch.setitem(app_of(client).state.services.extras, EXTRAS_KEY, cache)
    a = tenant_a.tenant
    p1 = await Facility.get(slug="alpha-p1")
    earlier = await f.payment(a, 1000, local(days_ago(3), 12))
    await f.payment(a, 200, local(days_ago(0)))
    await f.stay(p1, status="unpaid", exited_at=local(days_ago(3), 13), total=500)

    def figures(body: dict) -> tuple[int, int, int]:
        return (
            body["revenue"][0]["today_amount"],
            body["revenue"][0]["last_7_days_amount"],
            body["collection"]["owed_amount"],
        )

    first = (await client.get(URL, headers=tenant_a.operator)).json()
    await f.payment(a, 50, local(days_ago(0)))  # today: shows at once
    await f.stay(p1, status="paid", exited_at=local(days_ago(0)), total=70, paid=70)
    await Payment.filter(id=earlier.id).update(status="partially_refunded", refunded_amount=400)
    clock[0] = 299.0
    cached = (await client.get(URL, headers=tenant_a.operator)).json()
    clock[0] = 301.0
    expired = (await client.get(URL, headers=tenant_a.operator)).json()

    assert figures(first) == (200, 1200, 500)
    assert figures(cached) == (250, 1250, 570)  # the refund three days ago not yet
    assert figures(expired) == (250, 850, 570)
