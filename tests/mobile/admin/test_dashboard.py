"""The dashboard's state against the real backend: the API's figures, fullest facilities first, the
facility filter, the live refresh, roles and the super admin's preview; bravo's rows never show."""

import asyncio
from datetime import UTC, datetime, timedelta

from backend.models import Facility
from mobile.admin.state.dashboard import OCCUPANCY_SHOWN, DashboardState
from mobile.admin.state.session import Section
from tests.backend.operations import factory as f
from tests.backend.operations.factory import days_ago, local
from tests.mobile.admin.conftest import signed_in


async def seed(alpha, bravo) -> None:
    """Alpha: 13.00 EUR today (15.00 captured, 2.00 refunded), 7.00 yesterday, 9.00 eight days ago; P2
    (capacity 10) holds 9 cars, P1 (capacity 120) 3 cars and a running session; 2 open tickets and
    1 waiting; one unpaid invoice of 25.00. Bravo: a bigger payment and a car inside, never shown."""
    now = datetime.now(UTC)
    # Today's payments fall between the operator's midnight and now, whatever the hour the test runs.
    midnight = local(f.today())
    earlier_today, later_today = midnight + (now - midnight) / 3, midnight + (now - midnight) * 2 / 3
    a = alpha.tenant
    p1 = await Facility.get(slug="alpha-p1")
    p2 = await f.facility(a, "alpha-p2", "Alpha P2", capacity=10)
    for n in range(3):
        await f.stay(p1, plate=f"IN-{n}")
    for n in range(9):
        await f.stay(p2, plate=f"P2-{n}")
    await f.session(p1, now - timedelta(minutes=30), now + timedelta(minutes=30), plate="SES-1")
    paid_stay = await f.stay(p1, plate="PAID-1", status="paid", exited_at=now - timedelta(hours=1))
    await f.payment(a, 1000, earlier_today, for_stay=paid_stay)
    await f.payment(a, 500, later_today, status="partially_refunded", refunded=200, for_stay=paid_stay)
    await f.payment(a, 700, local(days_ago(1), 12), for_stay=paid_stay)
    p2_stay = await f.stay(p2, plate="OLD-2", status="paid", exited_at=local(days_ago(8), 13))
    await f.payment(a, 900, local(days_ago(8), 12), for_stay=p2_stay)
    unpaid = await f.stay(p1, plate="LATE-1", status="unpaid", exited_at=now - timedelta(days=2), total=2500)
    await f.invoice(unpaid, 2500, now + timedelta(days=10))
    await f.ticket(a, "open", now - timedelta(hours=3))
    await f.ticket(a, "open", now - timedelta(hours=1))
    await f.ticket(a, "pending", now - timedelta(days=1))
    b1 = await Facility.get(slug="bravo-p1")
    inside = await f.stay(b1, plate="BRAVO-1")
    await f.stay_event(inside, "entry", now - timedelta(minutes=1))
    await f.payment(bravo.tenant, 55555, now - timedelta(minutes=5), for_stay=inside)
    await f.ticket(bravo.tenant, "open", now - timedelta(days=3))


async def test_the_dashboard_shows_the_apis_figures(alpha_operator, alpha, bravo) -> None:
    await seed(alpha, bravo)
    state = DashboardState(alpha_operator.api)

    await state.load()

    assert state.error is None
    assert state.updated_at is not None
    revenue = state.revenue
    assert state.currency == "EUR"
    assert (revenue.today_amount, revenue.last_7_days_amount, revenue.last_30_days_amount) == (
        1300,
        2000,
        2900,
    )
    assert revenue.daily[-1].revenue_amount == 1300
    assert state.other_revenue == []
    # Fullest first: P2 is 90% full, P1 holds 3 cars and a session of 120 places.
    assert [(o.facility, o.occupied, o.capacity) for o in state.occupancy] == [
        ("alpha-p2", 9, 10),
        ("alpha-p1", 4, 120),
    ]
    assert state.occupancy_totals == (13, 130)
    assert state.occupancy_more == 0
    assert [c.slug for c in state.facilities] == ["alpha-p1", "alpha-p2"]
    support = state.dashboard.support
    assert (support.open, support.pending, support.resolved) == (2, 1, 0)
    invoices = state.dashboard.invoices
    assert (invoices.count, invoices.amount) == (1, 2500)
    plates = {item.plate for item in state.activity}
    assert "BRAVO-1" not in plates
    assert all(item.facility in {"alpha-p1", "alpha-p2", None} for item in state.activity)


async def test_one_facility_narrows_the_figures_and_keeps_the_choice_list(
    alpha_operator, alpha, bravo
) -> None:
    await seed(alpha, bravo)
    state = DashboardState(alpha_operator.api)
    await state.load()

    await state.choose_facility("alpha-p2")

    assert state.error is None
    assert [o.facility for o in state.occupancy] == ["alpha-p2"]
    assert state.revenue.today_amount == 0
    assert state.revenue.last_30_days_amount == 900
    assert [c.slug for c in state.facilities] == ["alpha-p1", "alpha-p2"]  # still offered
    assert all(item.facility == "alpha-p2" for item in state.activity)

    await state.choose_facility(None)
    assert len(state.occupancy) == 2


async def test_bravos_facility_is_not_found(alpha_operator, alpha, bravo) -> None:
    state = DashboardState(alpha_operator.api)

    await state.choose_facility("bravo-p1")

    assert state.dashboard is None
    assert state.error  # a sentence, not bravo's figures


async def test_many_facilities_show_the_fullest_and_count_the_rest(alpha_operator, alpha) -> None:
    for n in range(OCCUPANCY_SHOWN + 3):
        lot = await f.facility(alpha.tenant, f"lot-{n:02d}", f"Lot {n:02d}", capacity=100)
        for car in range(n):
            await f.stay(lot, plate=f"L{n}-{car}")
    state = DashboardState(alpha_operator.api)

    await state.load()

    shown = state.occupancy_shown
    assert len(shown) == OCCUPANCY_SHOWN
    assert shown[0].name == f"Lot {OCCUPANCY_SHOWN + 2:02d}"
    assert state.occupancy_more == len(state.occupancy) - OCCUPANCY_SHOWN == 4  # alpha-p1 too


async def test_live_refresh_picks_up_a_new_payment_and_stops_when_left(alpha_operator, alpha) -> None:
    state = DashboardState(alpha_operator.api)
    state.start_live(every_seconds=0.05)
    await _until(lambda: state.dashboard is not None)
    assert state.revenue.today_amount == 0

    p1 = await Facility.get(slug="alpha-p1")
    visit = await f.stay(p1, plate="NEW-1", status="paid", exited_at=datetime.now(UTC))
    await f.payment(alpha.tenant, 450, datetime.now(UTC), for_stay=visit)
    await _until(lambda: state.revenue.today_amount == 450)

    state.stop_live()
    await asyncio.sleep(0)
    assert not state.live


async def test_enforcement_officers_have_no_dashboard(client, alpha) -> None:
    officer = await signed_in(client, "enforcement@alpha.example.test")
    assert Section.dashboard not in officer.sections
    state = DashboardState(officer.api)

    await state.load()

    assert state.dashboard is None
    assert state.error


async def test_a_preview_shows_the_operators_figures_read_only(platform_admin, alpha, bravo) -> None:
    await seed(alpha, bravo)
    await platform_admin.switch("bravo", preview=True)
    state = DashboardState(platform_admin.api)

    await state.load()

    assert state.error is None
    assert state.revenue.today_amount == 55555
    assert [o.facility for o in state.occupancy] == ["bravo-p1"]

    await platform_admin.switch("alpha", preview=True)
    await state.load()
    assert state.revenue.today_amount == 1300
    assert "bravo-p1" not in {c.slug for c in state.facilities}


async def _until(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the state never got there")


async def test_switching_operator_drops_the_last_figures_and_filter(platform_admin, alpha, bravo) -> None:
    await seed(alpha, bravo)
    await platform_admin.switch("alpha")
    state = DashboardState(platform_admin.api)
    state.show_operator("alpha")
    await state.choose_facility("alpha-p2")

    await platform_admin.switch("bravo")
    state.show_operator("bravo")
    assert (state.dashboard, state.facility, state.facilities, state.activity) == (None, None, [], [])
    await state.load()

    assert state.error is None
    assert [o.facility for o in state.occupancy] == ["bravo-p1"]
