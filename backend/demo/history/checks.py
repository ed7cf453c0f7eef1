"""The enforcement check log: officers' plate checks over the four weeks, answers matching the data.

Each check looks at something the history holds at that lot and moment, so the log agrees with the
rules of `backend.enforcement.decision`: a running session or a settled stay is `paid`, a valid pass
`pass_active`, a session that ran out beyond the grace period or a stranger's stay after its free
period `parked_unpaid` (the only answer with `should_fine`), and a plate we know nothing of
`not_found`. Most checks are about the moment they were made; some were looked up days later for a
dispute.
"""

from datetime import datetime, timedelta

from backend.demo.history.rhythm import poisson
from backend.demo.history.world import Lot, World
from backend.models import EnforcementCheck
from shared.plates import normalize_plate

CHECKS_PER_DAY = 1.2  # per lot, on weekdays


def add_checks(world: World) -> None:
    rng, now = world.rng, world.now
    by_lot: dict[object, dict[str, list[dict]]] = {
        lot.id: {"sessions": [], "stays": [], "passes": []} for lot in world.lots
    }
    for session in world.sessions:
        if session["status"] != "failed":
            by_lot[session["facility_id"]]["sessions"].append(session)
    for stay in world.stays:
        if stay["entered_at"] is not None:
            by_lot[stay["facility_id"]]["stays"].append(stay)
    for pass_row in world.passes:
        by_lot[pass_row["facility_id"]]["passes"].append(pass_row)
    # Officers walk the lots without cameras (the pay-by-zone and geofence ones) far more often.
    weights = [(1 if lot.facility.detection == "anpr" else 4) for lot in world.lots]
    day = world.start
    while day < now:
        local = day.astimezone(world.lots[0].tz)
        mean = CHECKS_PER_DAY * len(world.lots) * (0.5 if local.weekday() >= 5 else 1.0)
        for _ in range(poisson(rng, mean)):
            lot = rng.choices(world.lots, weights=weights)[0]
            check = _check(world, lot, by_lot[lot.id], day, min(now, day + timedelta(days=1)))
            if check is not None:
                world.rows.add(EnforcementCheck, check)
                world.stats["enforcement checks"] += 1
        day += timedelta(days=1)


def _check(
    world: World, lot: Lot, facts: dict[str, list[dict]], day: datetime, day_end: datetime
) -> dict | None:
    rng, grace = world.rng, timedelta(minutes=lot.facility.grace_minutes)
    scenario = rng.random()
    plate, at, status = None, None, "not_found"
    if scenario < 0.5:
        plate, at = _during(world, facts, day, day_end)
        status = "paid"
    elif scenario < 0.62 and facts["passes"]:
        valid = [p for p in facts["passes"] if p["valid_from"] < day_end and p["valid_until"] > day]
        if valid:
            chosen = rng.choice(valid)
            plate, at = chosen["plate"], _between(world, max(day, chosen["valid_from"]), day_end)
            status = "pass_active"
    elif scenario < 0.8:
        plate, at = _overstayed(world, facts, day, day_end, grace)
        status = "parked_unpaid"
    if plate is None or at is None:
        plate, at, status = world.fleet.stranger(rng, day, day), _between(world, day, day_end), "not_found"
    if at is None:
        return None
    checked_at = at
    if rng.random() < 0.1:  # looked up later, for a dispute
        checked_at = min(world.now, at + timedelta(days=rng.uniform(1, 5)))
    return {
        "tenant_id": world.tenant.id,
        "api_key_id": world.staff.api_key_id,
        "facility_id": lot.id,
        "plate": plate,
        "plate_normalized": normalize_plate(plate),
        "at": at,
        "status": status,
        "should_fine": status == "parked_unpaid",
        "checked_at": checked_at,
    }


def _between(world: World, low: datetime, high: datetime) -> datetime | None:
    high = min(high, world.now)
    if high <= low:
        return None
    return (low + (high - low) * world.rng.random()).replace(microsecond=0)


def _during(world: World, facts: dict[str, list[dict]], day: datetime, day_end: datetime) -> tuple:
    """A plate with a right at a moment of that day: a running session, or a settled stay."""
    rows = [s for s in facts["sessions"] if s["starts_at"] < day_end and s["ends_at"] > day]
    if not rows:
        rows = [
            s
            for s in facts["stays"]
            if s["status"] == "paid" and s["entered_at"] < day_end and s["exited_at"] > day
        ]
    if not rows:
        return None, None
    row = world.rng.choice(rows)
    start = row.get("starts_at") or row["entered_at"]
    end = row.get("stopped_at") or row.get("ends_at") or row["exited_at"]
    return row["plate"], _between(world, max(day, start), min(day_end, end))


def _overstayed(
    world: World, facts: dict[str, list[dict]], day: datetime, day_end: datetime, grace: timedelta
) -> tuple:
    """A session that ran out past its grace (the car still there), or a stranger after the free
    period."""
    rng = world.rng
    ended = [s for s in facts["sessions"] if day <= s["ends_at"] < day_end and s["status"] == "expired"]
    if ended:
        row = rng.choice(ended)
        late = row["ends_at"] + grace + timedelta(minutes=rng.randrange(5, 120))
        return (row["plate"], late) if late < min(day_end, world.now) else (None, None)
    unpaid = [
        s
        for s in facts["stays"]
        if s["_car"] is None
        and s["status"] in ("open", "unpaid")
        and s["entered_at"] < day_end
        and (s["exited_at"] or world.now) > day
    ]
    if not unpaid:
        return None, None
    row = rng.choice(unpaid)
    start = max(day, row["free_until"] or row["entered_at"])
    return row["plate"], _between(world, start, min(day_end, row["exited_at"] or world.now))
