"""The enforcement decision: may this plate be parked at this facility at moment `at`? (CONTRACT §4)

Pure: no database, no clock. The repository gathers the *facts* for one plate at one facility
(passes, prepaid sessions, stays) and `decide()` applies the rules below. `summarize()` turns the
decision into the sentence the officer reads, with times in the facility's local time.

**Rights.** Every fact that allows parking gives a *right*, a closed interval [start, end]:

* a pass with status `active`: [valid_from, valid_until];
* a prepaid session that was paid (status `active`, `stopped` or `expired`; not `pending` or
  `failed`): [starts_at, ends_at], ending at `stopped_at` instead when it was stopped early;
* a stay (camera or geofence visit) with a known entry:
  - closed and settled (`paid`, or `payment_pending` — an exit charge in flight is given the benefit
    of the doubt): [entered_at, exited_at], the whole visit;
  - otherwise (open, `unpaid`, `needs_review`): [entered_at, max(free_until, paid_until)] — its free
    period and what was paid in the app — cut at `exited_at` once the car has left.

**Statuses**, the first that holds:

1. `pass_active`: an active pass with valid_from <= at <= valid_until (both inclusive).
   `validUntil` is the pass's end (the latest, when there are several).
2. `paid`: a right covers `at` (start <= at <= end); `validUntil` is the latest end among those.
   Or the latest right ended no more than `grace_minutes` before `at` (end < at <= end + grace):
   still `paid`, `in_grace` is set and the summary says it is the grace period; `validUntil` is
   that end (in the past). A pass that just ran out gets the same grace as a session.
3. `parked_unpaid`: a stay was open at `at` (entered_at <= at, not yet exited at `at`, and not
   `needs_review`, whose events do not pair up and prove nothing) and no right covers it — its
   free period is over and it is not paid up to `at`. Or the plate's latest right ended more than
   `grace_minutes` but less than 12 hours before `at`.
4. `not_found`: nothing of the above. Not proof of non-payment: other channels exist.

`should_fine` is true only for `parked_unpaid`. Rights that start after `at` (a pass valid from
tomorrow) do not count at all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.schemas.enforcement import EnforcementStatus as Status

RECENT_WINDOW = timedelta(hours=12)
PAID_SESSION_STATUSES = frozenset({"active", "stopped", "expired"})
SETTLED_STAY_STATUSES = frozenset({"paid", "payment_pending"})


class RightKind(StrEnum):
    pass_ = "pass"  # noqa: S105 (a kind of right, not a secret)
    session = "session"
    free_period = "free_period"  # a stay's free period
    stay_paid = "stay_paid"  # a stay paid in the app (paid_until) or settled at exit


@dataclass(frozen=True)
class PassFact:
    product: str
    valid_from: datetime
    valid_until: datetime
    status: str = "active"


@dataclass(frozen=True)
class SessionFact:
    status: str
    starts_at: datetime
    ends_at: datetime
    stopped_at: datetime | None = None


@dataclass(frozen=True)
class StayFact:
    status: str
    entered_at: datetime | None
    exited_at: datetime | None = None
    free_until: datetime | None = None
    paid_until: datetime | None = None


@dataclass(frozen=True)
class Facts:
    passes: tuple[PassFact, ...] = ()
    sessions: tuple[SessionFact, ...] = ()
    stays: tuple[StayFact, ...] = ()


@dataclass(frozen=True)
class Right:
    kind: RightKind
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Decision:
    status: Status
    valid_until: datetime | None = None
    right: RightKind | None = None  # what allows (or last allowed) parking
    in_grace: bool = False
    entered_at: datetime | None = None  # parked_unpaid with an open stay: since when
    ended_at: datetime | None = None  # parked_unpaid: when the last right ran out
    pass_product: str | None = None  # pass_active: the product of the pass shown

    @property
    def should_fine(self) -> bool:
        return self.status is Status.parked_unpaid


def _later(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def stay_right(stay: StayFact) -> Right | None:
    """The interval a stay allowed parking in, or None (no entry, no free period, nothing paid)."""
    if stay.entered_at is None:
        return None
    if stay.exited_at is not None and stay.status in SETTLED_STAY_STATUSES:
        return Right(RightKind.stay_paid, stay.entered_at, stay.exited_at)
    end = _later(stay.free_until, stay.paid_until)
    if end is None:
        return None
    kind = (
        RightKind.stay_paid
        if stay.paid_until is not None and stay.paid_until >= end
        else RightKind.free_period
    )
    if stay.exited_at is not None and stay.exited_at < end:
        end = stay.exited_at
    if end < stay.entered_at:
        return None
    return Right(kind, stay.entered_at, end)


def rights_of(facts: Facts) -> list[Right]:
    rights = [
        Right(RightKind.pass_, p.valid_from, p.valid_until) for p in facts.passes if p.status == "active"
    ]
    for session in facts.sessions:
        if session.status in PAID_SESSION_STATUSES:
            end = session.ends_at
            if session.stopped_at is not None and session.stopped_at < end:
                end = session.stopped_at
            rights.append(Right(RightKind.session, session.starts_at, end))
    rights.extend(r for stay in facts.stays if (r := stay_right(stay)) is not None)
    return rights


def _open_at(stay: StayFact, at: datetime) -> bool:
    return (
        stay.entered_at is not None
        and stay.entered_at <= at
        and (stay.exited_at is None or at <= stay.exited_at)
        and stay.status != "needs_review"
    )


def decide(facts: Facts, at: datetime, grace: timedelta) -> Decision:
    """Apply the status rules of the module docstring to `facts` at `at` (aware datetimes)."""
    valid_passes = [p for p in facts.passes if p.status == "active" and p.valid_from <= at <= p.valid_until]
    if valid_passes:
        best_pass = max(valid_passes, key=lambda p: p.valid_until)
        return Decision(
            Status.pass_active, best_pass.valid_until, RightKind.pass_, pass_product=best_pass.product
        )
    started = [r for r in rights_of(facts) if r.starts_at <= at]
    covering = [r for r in started if at <= r.ends_at]
    if covering:
        best = max(covering, key=lambda r: r.ends_at)
        return Decision(Status.paid, best.ends_at, best.kind)
    latest = max(started, key=lambda r: r.ends_at, default=None)
    if latest is not None and at - latest.ends_at <= grace:
        return Decision(Status.paid, latest.ends_at, latest.kind, in_grace=True)
    open_stays = [s for s in facts.stays if _open_at(s, at)]
    if open_stays:
        stay = max(open_stays, key=lambda s: s.entered_at)  # type: ignore[arg-type, return-value]
        if latest is not None and latest.ends_at >= stay.entered_at:  # type: ignore[operator]
            return Decision(
                Status.parked_unpaid, None, latest.kind, entered_at=stay.entered_at, ended_at=latest.ends_at
            )
        return Decision(Status.parked_unpaid, None, None, entered_at=stay.entered_at)
    if latest is not None and at - latest.ends_at < RECENT_WINDOW:
        return Decision(Status.parked_unpaid, None, latest.kind, ended_at=latest.ends_at)
    return Decision(Status.not_found)


NOT_FOUND_SUMMARY = "No record for this plate here — other payment channels exist; do not fine on this alone"


def _clock(moment: datetime, at: datetime, zone: ZoneInfo) -> str:
    """HH:MM in local time; with the date when it is not the day of `at` (local)."""
    local = moment.astimezone(zone)
    if local.date() == at.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60:02d} min ago"


_ENDED = {RightKind.free_period: "Free period ended at", RightKind.pass_: "Pass ended at"}


def summarize(decision: Decision, at: datetime, timezone: str, grace_minutes: int) -> str:
    """The short sentence an officer acts on; times in the facility's local time."""
    zone = ZoneInfo(timezone)
    until = decision.valid_until
    if decision.status is Status.pass_active:
        assert until is not None
        name = f"'{decision.pass_product}' " if decision.pass_product else ""
        return f"Pass {name}valid until {_clock(until, at, zone)} — do not fine"
    if decision.status is Status.paid:
        assert until is not None
        if decision.in_grace:
            what = _ENDED.get(decision.right, "Paid until")  # type: ignore[arg-type]
            return (
                f"{what} {_clock(until, at, zone)} — within the {grace_minutes}-minute grace period; "
                "do not fine"
            )
        if decision.right is RightKind.free_period:
            return f"Free period until {_clock(until, at, zone)} — do not fine"
        return f"Vehicle has paid until {_clock(until, at, zone)} — do not fine"
    if decision.status is Status.parked_unpaid:
        if decision.entered_at is not None:
            since = _clock(decision.entered_at, at, zone)
            if decision.ended_at is not None:
                what = "free period" if decision.right is RightKind.free_period else "paid time"
                return (
                    f"Parked since {since}; its {what} ended at {_clock(decision.ended_at, at, zone)} "
                    "and it is not paid — may be fined"
                )
            return f"Parked since {since} and not paid — may be fined"
        assert decision.ended_at is not None
        return (
            f"Parking ended at {_clock(decision.ended_at, at, zone)} ({_ago(at - decision.ended_at)}) "
            "and was not renewed — may be fined"
        )
    return NOT_FOUND_SUMMARY
