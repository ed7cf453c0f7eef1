"""Prepaid sessions at pay-by-zone lots, and passes, priced and charged as the app's flows do.

A session is priced with `backend.sessions.quotes.price_of` and charged up front (`session:<id>`);
some are extended (`extension:<id>`, priced as the whole minus what was charged), some stopped early
(refunded per the lot's `early_stop`, as `backend.sessions.stop` computes it), ~3 % declined
(`failed`). Sessions still running now are `active` with their expiry job scheduled, as a started
session has. Passes come from the lots' pass products (`pass:<driver>:<key>`).
"""

from datetime import datetime, timedelta

from backend.demo.history.people import Car
from backend.demo.history.rhythm import occupancy_target, session_minutes
from backend.demo.history.stays import Visit
from backend.demo.history.world import FAILURE_SHARE, Lot, World
from backend.models import Job, ParkingPass, ParkingSession
from backend.sessions.followups import EXPIRE
from backend.sessions.quotes import price_of
from backend.stays.pricing import service_fee_of, tariff_of
from shared.pricing import quote, service_fee_amount


def assign_session(world: World, visit: Visit) -> None:
    lot = visit.lot
    car = world.fleet.take(world.rng, lot.id, visit.start, visit.end, lot.regulars, world.now)
    if car is not None:
        add_session(world, lot, car, visit.start, visit.minutes)


def add_session(world: World, lot: Lot, car: Car, starts_at: datetime, minutes: int) -> dict:
    rng, now, facility = world.rng, world.now, lot.facility
    price = price_of(facility, world.tenant, starts_at, minutes)
    ends_at = starts_at + timedelta(minutes=minutes)
    sid = world.new_id()
    row = world.rows.add(
        ParkingSession,
        {
            "id": sid,
            "tenant_id": world.tenant.id,
            "facility_id": facility.id,
            "driver_id": car.driver_id,
            "plate": car.plate,
            "plate_normalized": car.plate_normalized,
            "status": "expired",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "currency": world.tenant.currency,
            "parking_amount": price.parking_amount,
            "service_fee_amount": price.service_fee_amount,
            "total_amount": price.total_amount,
            "created_at": starts_at,
            "updated_at": min(now, ends_at),
        },
    )
    world.sessions.append(row)
    if lot.provider_kind:
        row.update(provider_session_id=f"{lot.provider_kind}-{sid.hex[:16]}", provider_checked_at=starts_at)
    failure = world.decline() if price.total_amount and rng.random() < FAILURE_SHARE else None
    if price.total_amount:
        row["_payment"] = world.payment(
            purpose="session",
            key=f"session:{sid}",
            driver_id=car.driver_id,
            method_id=car.method_id,
            parking=price.parking_amount,
            fee=price.service_fee_amount,
            at=starts_at,
            failure=failure,
            session_id=sid,
            facility_id=row["facility_id"],
            covers_from=starts_at,
            covers_until=ends_at,
        )
    if failure:
        row.update(status="failed", failure_code=failure[0], failure_reason=failure[1], updated_at=starts_at)
        return row
    if ends_at > now:
        _running(world, row)
    elif rng.random() < 0.12:
        _stopped(world, lot, row)
    elif rng.random() < 0.17:
        _extended(world, lot, car, row)
    if lot.provider_kind:
        row["provider_status"] = row["status"]
    world.stats["sessions"] += 1
    return row


def _running(world: World, row: dict) -> None:
    """Active now: its live slot held and its expiry job due at its end, as after a real start."""
    row.update(status="active", live_slot="live", updated_at=row["starts_at"])
    end = row["ends_at"].isoformat()
    world.rows.add(
        Job,
        {
            "kind": EXPIRE,
            "payload": {"session_id": str(row["id"]), "ends_at": end},
            "status": "pending",
            "run_at": row["ends_at"],
            "dedupe_key": f"session-expire:{row['id']}:{end}",
            "created_at": row["starts_at"],
        },
    )
    world.stats["active now"] += 1


def _stopped(world: World, lot: Lot, row: dict) -> None:
    """Stopped early: the unused whole increments (and their fee) refunded under `refund_unused`."""
    rng, facility = world.rng, lot.facility
    span = row["ends_at"] - row["starts_at"]
    stopped_at = (row["starts_at"] + span * rng.uniform(0.25, 0.85)).replace(microsecond=0)
    refund = 0
    if facility.early_stop == "refund_unused":
        used = quote(tariff_of(facility), row["starts_at"], stopped_at, facility.timezone).parking_amount
        kept = used + service_fee_amount(used, service_fee_of(world.tenant))
        refund = max(0, row["total_amount"] - kept)
    row.update(status="stopped", stopped_at=stopped_at, refunded_amount=refund, updated_at=stopped_at)
    payment = row.get("_payment")
    if refund and payment:
        payment.update(
            refunded_amount=refund,
            refunded_at=world.after(stopped_at, 1, 6),
            status="refunded" if refund >= payment["amount"] else "partially_refunded",
        )
        payment["updated_at"] = payment["refunded_at"]
        payment["_charge"].update(refunded_amount=refund, status=payment["status"])


def _extended(world: World, lot: Lot, car: Car, row: dict) -> None:
    """Extended shortly before its end by 30 or 60 minutes, charged the difference."""
    rng, facility = world.rng, lot.facility
    extra = rng.choice((30, 60))
    minutes = int((row["ends_at"] - row["starts_at"]).total_seconds() // 60) + extra
    max_stay = facility.tariff.get("max_stay_minutes")
    if max_stay and minutes > max_stay:
        return
    new_end = row["starts_at"] + timedelta(minutes=minutes)
    if new_end > world.now:
        return
    asked_at = row["ends_at"] - timedelta(minutes=rng.randrange(2, 12), seconds=rng.randrange(60))
    whole = price_of(facility, world.tenant, row["starts_at"], minutes)
    parking = max(0, whole.parking_amount - row["parking_amount"])
    fee = max(0, whole.service_fee_amount - row["service_fee_amount"])
    if parking + fee:
        world.payment(
            purpose="extension",
            key=f"extension:{world.new_id()}",
            driver_id=car.driver_id,
            method_id=car.method_id,
            parking=parking,
            fee=fee,
            at=asked_at,
            session_id=row["id"],
            facility_id=row["facility_id"],
            covers_from=row["ends_at"],
            covers_until=new_end,
        )
    row.update(
        ends_at=new_end,
        parking_amount=row["parking_amount"] + parking,
        service_fee_amount=row["service_fee_amount"] + fee,
        total_amount=row["total_amount"] + parking + fee,
        updated_at=new_end,
    )
    car.busy_until = new_end  # the car stays: the fleet hands it out again only after this
    world.stats["extensions"] += 1


def fill_active_now(world: World, lot: Lot) -> int:
    """Sessions running now, up to the lot's occupancy target as far as free pool cars allow."""
    rng, now = world.rng, world.now
    target = round(lot.facility.capacity * occupancy_target(rng, lot.kind, now.astimezone(lot.tz)))
    active = sum(1 for s in world.sessions if s["facility_id"] == lot.id and s["status"] == "active")
    added = misses = 0
    max_stay = lot.facility.tariff.get("max_stay_minutes") or 1440
    while active + added < target and misses < 5:
        minutes = session_minutes(rng, now.astimezone(lot.tz), max_stay)
        starts_at = (now - timedelta(minutes=minutes * rng.uniform(0.05, 0.9))).replace(microsecond=0)
        car = world.fleet.take(rng, lot.id, starts_at, now + timedelta(days=30), lot.regulars, now)
        if car is None:
            misses += 1
            continue
        add_session(world, lot, car, starts_at, minutes)
        added += 1
    return added


def add_passes(world: World, lot: Lot) -> None:
    """Passes bought over the four weeks (weekly ones more often), by the lot's regulars first."""
    rng, tenant = world.rng, world.tenant
    fee_rule = service_fee_of(tenant)
    buyers = lot.regulars or world.fleet.cars
    demo = [car for car in world.fleet.cars if car.is_demo]
    for product in lot.products:
        days = (world.now - world.start).days
        for _ in range(rng.randrange(3, 8) if product.days >= 28 else rng.randrange(5, 13)):
            car = rng.choice(buyers)
            if demo and not world.stats["passes"]:  # the demo driver shows a pass in the app
                car = demo[0]
            bought = world.start + timedelta(seconds=rng.randrange(days * 86400))
            bought = bought.replace(hour=rng.randrange(7, 22), microsecond=0)
            if bought >= world.now:
                continue
            pid = world.new_id()
            failure = world.decline() if rng.random() < FAILURE_SHARE else None
            row = world.rows.add(
                ParkingPass,
                {
                    "id": pid,
                    "tenant_id": tenant.id,
                    "facility_id": lot.id,
                    "product_id": product.id,
                    "driver_id": car.driver_id,
                    "plate": car.plate,
                    "plate_normalized": car.plate_normalized,
                    "valid_from": bought,
                    "valid_until": bought + timedelta(days=product.days),
                    "status": "failed" if failure else "active",
                    "amount": product.amount,
                    "currency": tenant.currency,
                    "created_at": bought,
                },
            )
            world.payment(
                purpose="pass",
                key=f"pass:{car.driver_id}:{pid.hex}",
                driver_id=car.driver_id,
                method_id=car.method_id,
                parking=product.amount,
                fee=service_fee_amount(product.amount, fee_rule),
                at=world.after(bought, 1, 3),
                failure=failure,
                parking_pass_id=pid,
                facility_id=lot.id,
                covers_from=bought,
                covers_until=row["valid_until"],
            )
            if not failure:
                world.passes.append(row)
                world.stats["passes"] += 1
