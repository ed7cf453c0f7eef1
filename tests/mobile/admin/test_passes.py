"""The passes report state: passes sold and revenue by facility over the chosen period; never bravo."""

from datetime import UTC, datetime, timedelta

from backend.models import PassProduct
from mobile.admin.state.passes import PassesState
from tests.backend.operations import factory as f
from tests.mobile.admin.conftest import signed_in


async def seed(alpha, bravo) -> None:
    """Alpha P1: a monthly pass 2 days ago (99.00) and one 20 days ago (99.00, 10.00 refunded);
    alpha P2: a weekly pass an hour ago (29.00). Bravo: a pass sold yesterday."""
    now = datetime.now(UTC)
    a = alpha.tenant
    monthly = await PassProduct.get(slug="alpha-monthly")
    p2 = await f.facility(a, "alpha-p2", "Alpha P2")
    weekly = await PassProduct.create(facility=p2, slug="weekly", name="Weekly pass", amount=2900, days=7)
    recent = await f.parking_pass(monthly, now - timedelta(days=2), plate="M-1")
    await f.payment(a, 9900, now - timedelta(days=2), purpose="pass", for_pass=recent)
    older = await f.parking_pass(monthly, now - timedelta(days=20), plate="M-2")
    await f.payment(
        a, 9900, now - timedelta(days=20), status="partially_refunded", refunded=1000, for_pass=older
    )
    week = await f.parking_pass(weekly, now - timedelta(hours=1), plate="W-1", days=7)
    await f.payment(a, 2900, now - timedelta(hours=1), purpose="pass", for_pass=week)
    bravo_pass = await f.parking_pass(await PassProduct.get(slug="bravo-monthly"), now - timedelta(days=1))
    await f.payment(bravo.tenant, 9900, now - timedelta(days=1), purpose="pass", for_pass=bravo_pass)


async def test_sales_by_facility_best_seller_first(alpha_operator, alpha, bravo) -> None:
    await seed(alpha, bravo)
    state = PassesState(alpha_operator.api)

    await state.load()

    report = state.report
    assert state.error is None
    assert (report.days, report.currency) == (30, "EUR")
    assert (report.sold_count, report.revenue_amount, report.active_now) == (3, 9900 + 8900 + 2900, 3)
    assert [(r.facility, r.sold_count, r.revenue_amount, r.active_now) for r in state.by_facility] == [
        ("alpha-p1", 2, 18800, 2),
        ("alpha-p2", 1, 2900, 1),
    ]
    assert [(p.product_name, p.sold_count) for p in state.products_of("alpha-p2")] == [("Weekly pass", 1)]
    assert "bravo-p1" not in {r.facility for r in state.by_facility}


async def test_a_shorter_period_counts_only_its_sales(alpha_operator, alpha, bravo) -> None:
    await seed(alpha, bravo)
    state = PassesState(alpha_operator.api)

    await state.choose_days(7)

    assert state.days == 7
    assert (state.report.days, state.report.sold_count, state.report.revenue_amount) == (7, 2, 12800)
    assert state.report.active_now == 3  # valid now, whenever sold

    await state.choose_days(5)
    assert state.error == "Choose one of the periods offered."
    assert state.days == 7


async def test_preview_reads_and_enforcement_cannot(client, platform_admin, alpha, bravo) -> None:
    await seed(alpha, bravo)
    await platform_admin.switch("bravo", preview=True)
    preview = PassesState(platform_admin.api)
    await preview.load()
    assert [(r.facility, r.sold_count) for r in preview.by_facility] == [("bravo-p1", 1)]

    officer = await signed_in(client, "enforcement@alpha.example.test")
    refused = PassesState(officer.api)
    await refused.load()
    assert refused.report is None
    assert refused.error
