"""`decide()` and `summarize()` on their own: the rules of CONTRACT §4 as a pure function."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.enforcement.decision import (
    NOT_FOUND_SUMMARY,
    Facts,
    PassFact,
    RightKind,
    SessionFact,
    StayFact,
    decide,
    summarize,
)
from shared.schemas.enforcement import EnforcementStatus as Status

T = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # 14:00 in Helsinki (EET, +02:00)
GRACE = timedelta(minutes=15)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def session(start, end, status="active", stopped_at=None) -> Facts:
    return Facts(sessions=(SessionFact(status, start, end, stopped_at),))


@pytest.mark.parametrize(
    ("at", "status", "in_grace"),
    [
        (T - timedelta(microseconds=1), Status.not_found, False),
        (T, Status.paid, False),
        (T + 2 * H, Status.paid, False),
        (T + 2 * H + GRACE, Status.paid, True),
        (T + 2 * H + GRACE + timedelta(microseconds=1), Status.parked_unpaid, False),
        (T + 2 * H + 12 * H - timedelta(seconds=1), Status.parked_unpaid, False),
        (T + 2 * H + 12 * H, Status.not_found, False),
    ],
)
def test_session_timeline(at, status, in_grace) -> None:
    decision = decide(session(T, T + 2 * H), at, GRACE)
    assert decision.status is status
    assert decision.in_grace is in_grace
    assert decision.should_fine is (status is Status.parked_unpaid)


def test_only_paid_session_statuses_count() -> None:
    for status in ("pending", "failed"):
        assert decide(session(T, T + 2 * H, status), T + H, GRACE).status is Status.not_found
    for status in ("active", "stopped", "expired"):
        assert decide(session(T, T + 2 * H, status), T + H, GRACE).status is Status.paid


def test_latest_right_wins_for_valid_until() -> None:
    facts = Facts(
        sessions=(SessionFact("active", T, T + H), SessionFact("active", T + 30 * M, T + 3 * H)),
    )
    decision = decide(facts, T + 45 * M, GRACE)
    assert decision.valid_until == T + 3 * H


def test_pass_first_even_over_an_unpaid_open_stay() -> None:
    facts = Facts(
        passes=(PassFact("monthly", T - 24 * H, T + 24 * H),),
        stays=(StayFact("open", T - 5 * H, free_until=T - 5 * H + GRACE),),
    )
    decision = decide(facts, T, GRACE)
    assert decision.status is Status.pass_active
    assert (decision.valid_until, decision.pass_product) == (T + 24 * H, "monthly")


def test_future_and_cancelled_passes_do_not_count() -> None:
    facts = Facts(
        passes=(PassFact("monthly", T + H, T + 30 * 24 * H), PassFact("weekly", T - H, T + H, "cancelled"))
    )
    assert decide(facts, T, GRACE).status is Status.not_found


def test_pass_that_just_ran_out_gets_the_grace_period() -> None:
    facts = Facts(passes=(PassFact("monthly", T - 30 * 24 * H, T),))
    decision = decide(facts, T + 10 * M, GRACE)
    assert (decision.status, decision.in_grace, decision.right) == (Status.paid, True, RightKind.pass_)
    assert decide(facts, T + 5 * H, GRACE).status is Status.parked_unpaid


def test_open_stay_free_period_then_unpaid_however_long_ago() -> None:
    facts = Facts(stays=(StayFact("open", T, free_until=T + 15 * M),))
    assert decide(facts, T + 15 * M, GRACE).right is RightKind.free_period
    decision = decide(facts, T + 3 * 24 * H, GRACE)
    assert decision.status is Status.parked_unpaid
    assert decision.entered_at == T


def test_open_stay_paid_in_the_app() -> None:
    facts = Facts(stays=(StayFact("open", T, free_until=T + 15 * M, paid_until=T + 4 * H),))
    decision = decide(facts, T + 4 * H, GRACE)
    assert (decision.status, decision.right, decision.valid_until) == (
        Status.paid,
        RightKind.stay_paid,
        T + 4 * H,
    )


def test_settled_stays_cover_the_visit_unpaid_ones_only_their_free_period() -> None:
    for status in ("paid", "payment_pending"):
        paid = Facts(stays=(StayFact(status, T, T + 3 * H, T + 15 * M),))
        assert decide(paid, T + 2 * H, GRACE).status is Status.paid
    unpaid = Facts(stays=(StayFact("unpaid", T, T + 3 * H, T + 15 * M),))
    assert decide(unpaid, T + 2 * H, GRACE).status is Status.parked_unpaid


def test_needs_review_stays_prove_no_presence() -> None:
    facts = Facts(stays=(StayFact("needs_review", T, T + 20 * H, T + 15 * M),))
    assert decide(facts, T + 14 * H, GRACE).status is Status.not_found
    exit_only = Facts(stays=(StayFact("needs_review", None, T),))
    assert decide(exit_only, T, GRACE).status is Status.not_found


def test_free_period_ends_at_exit() -> None:
    facts = Facts(stays=(StayFact("paid", T, T + 10 * M, T + 15 * M),))
    decision = decide(facts, T + 12 * M, GRACE)
    assert (decision.status, decision.in_grace, decision.valid_until) == (Status.paid, True, T + 10 * M)


def test_zero_grace() -> None:
    facts = session(T, T + H)
    assert decide(facts, T + H, timedelta(0)).status is Status.paid
    assert decide(facts, T + H + timedelta(microseconds=1), timedelta(0)).status is Status.parked_unpaid


def test_summaries_in_local_time() -> None:
    zone = "Europe/Helsinki"
    paid = decide(session(T, T + 2 * H), T + H, GRACE)
    assert summarize(paid, T + H, zone, 15) == "Vehicle has paid until 16:00 — do not fine"
    grace = decide(session(T, T + 2 * H), T + 2 * H + 5 * M, GRACE)
    assert (
        summarize(grace, T, zone, 15) == "Paid until 16:00 — within the 15-minute grace period; do not fine"
    )
    expired = decide(session(T, T + 2 * H), T + 7 * H + 30 * M, GRACE)
    assert summarize(expired, T + 7 * H + 30 * M, zone, 15) == (
        "Parking ended at 16:00 (5 h 30 min ago) and was not renewed — may be fined"
    )
    assert summarize(decide(Facts(), T, GRACE), T, zone, 15) == NOT_FOUND_SUMMARY
    monthly = decide(Facts(passes=(PassFact("monthly", T, T + 30 * 24 * H),)), T, GRACE)
    assert summarize(monthly, T, zone, 15) == "Pass 'monthly' valid until 2026-02-14 14:00 — do not fine"
