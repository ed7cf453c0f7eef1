"""The plate check screen's state: the officer's only screen, the enforcement API's verdict in plain
words, this session's recent checks, and nothing of another operator."""

from datetime import UTC, datetime, timedelta

from backend.models import Facility, PassProduct
from mobile.admin.state.plate_check import PlateCheckState
from mobile.admin.state.session import Section
from tests.backend.operations import factory as f
from tests.mobile.admin.conftest import signed_in


async def seed(alpha, bravo) -> None:
    now = datetime.now(UTC)
    p1 = await Facility.get(slug="alpha-p1")
    session = await f.session(p1, now - timedelta(minutes=30), now + timedelta(minutes=30), plate="PAID-1")
    await f.payment(alpha.tenant, 615, now - timedelta(minutes=30), purpose="session", for_session=session)
    await f.stay(p1, plate="LATE-1", entered_at=now - timedelta(hours=2))
    await f.parking_pass(await PassProduct.get(slug="alpha-monthly"), now - timedelta(days=1), plate="PASS-1")
    await f.parking_pass(
        await PassProduct.get(slug="bravo-monthly"), now - timedelta(days=1), plate="BRAVO-9"
    )


async def test_an_officer_sees_only_plate_check_and_gets_verdicts(client, alpha, bravo) -> None:
    await seed(alpha, bravo)
    officer = await signed_in(client, "enforcement@alpha.example.test")
    assert officer.sections == [Section.plate_check]
    state = PlateCheckState(officer.api)

    await state.load()
    assert [x.slug for x in state.facilities] == ["alpha-p1"]  # bravo's are not offered
    assert state.facility == "alpha-p1"  # the only one, chosen

    assert await state.check("paid 1")
    assert (state.last.result.status, state.last.verdict, state.last.fine_text) == (
        "paid",
        "Paid",
        "Fine: no",
    )
    assert state.last.result.validUntil is not None
    assert state.last.result.recentPayments[0].amount == 615

    await state.check("late-1")
    assert (state.last.verdict, state.last.fine_text) == ("Parked without paying", "Fine: yes")

    await state.check("PASS-1")
    assert (state.last.verdict, state.last.fine_text) == ("Valid pass", "Fine: no")
    assert state.last.result.activePasses[0].product == "alpha-monthly"

    await state.check("BRAVO-9")  # a pass at bravo means nothing at alpha
    assert (state.last.verdict, state.last.fine_text) == ("No parking found", "Fine: no")

    assert [c.result.plate for c in state.recent][:2] == ["BRAVO-9", "PASS-1"]
    assert len(state.recent) == 4


async def test_missing_or_impossible_input_is_a_sentence(client, alpha) -> None:
    await f.facility(alpha.tenant, "alpha-p2", "Alpha P2")
    state = PlateCheckState((await signed_in(client, "enforcement@alpha.example.test")).api)
    await state.load()
    assert state.facility is None  # two facilities: the officer chooses

    await state.check("ABC-123")
    assert state.error == "Choose the facility where the car is parked."
    state.choose_facility("alpha-p2")
    await state.check("   ")
    assert state.error == "Type the plate as you read it from the car."
    assert not await state.check("!!!")
    assert state.error
    assert state.last is None
    assert state.recent == []


async def test_a_preview_may_check_a_plate(platform_admin, alpha, bravo) -> None:
    await seed(alpha, bravo)
    await platform_admin.switch("bravo", preview=True)
    state = PlateCheckState(platform_admin.api)
    await state.load()

    await state.check("BRAVO-9")

    assert state.error is None
    assert state.last.verdict == "Valid pass"
    assert [x.slug for x in state.facilities] == ["bravo-p1"]


async def test_another_operators_checks_are_not_shown_after_a_switch(platform_admin, alpha, bravo) -> None:
    await seed(alpha, bravo)
    await platform_admin.switch("alpha")
    state = PlateCheckState(platform_admin.api)
    state.show_operator("alpha")
    await state.load()
    assert await state.check("PASS-1")

    await platform_admin.switch("bravo")
    state.show_operator("bravo")
    await state.load()

    assert (state.last, state.recent) == (None, [])
    assert [x.slug for x in state.facilities] == ["bravo-p1"]
