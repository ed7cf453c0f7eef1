"""One tenant's history, in the order things happen: drivers, visits hour by hour, what is inside
now, passes, then the back office (invoices, tickets, the check log)."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backend.demo.history.bulk import Rows
from backend.demo.history.checks import add_checks
from backend.demo.history.people import make_fleet
from backend.demo.history.rhythm import (
    LotKind,
    arrivals,
    daily_arrivals,
    lot_kind,
    session_minutes,
    stay_minutes,
)
from backend.demo.history.sessions import add_passes, assign_session, fill_active_now
from backend.demo.history.stays import Visit, assign_stay, fill_inside_now
from backend.demo.history.support import add_invoices, add_tickets
from backend.demo.history.world import Lot, Staff, World
from backend.models import ApiKey, Facility, OperatorUser, PassProduct, ProviderConnection, Tenant


async def tenant_world(
    tenant: Tenant,
    rows: Rows,
    *,
    now: datetime,
    days: int,
    seed: int,
    media_base: str,
    password_hash: str,
    taken_emails: set[str],
    taken_plates: set[str],
    demo_driver: bool,
) -> World:
    """Load what the tenant has (lots, pass products, staff) and make its pool of drivers."""
    rng = random.Random(f"{seed}:{tenant.slug}")  # noqa: S311 - demo data, reproducible on purpose
    facilities = await Facility.filter(tenant_id=tenant.id).order_by("zone_number", "slug")
    products = await PassProduct.filter(facility__tenant_id=tenant.id, is_active=True).order_by("slug")
    kinds = dict(await ProviderConnection.filter(tenant_id=tenant.id).values_list("id", "kind"))
    lots = [
        Lot(
            facility=facility,
            kind=LotKind(lot_kind(facility.tariff, facility.slug)),
            tz=ZoneInfo(facility.timezone),
            products=[p for p in products if p.facility_id == facility.id],  # type: ignore[attr-defined]
            provider_kind=kinds.get(facility.provider_connection_id),  # type: ignore[attr-defined]
        )
        for facility in facilities
    ]
    start = now - timedelta(days=days)
    fleet = make_fleet(
        rng,
        rows,
        country="US" if tenant.currency == "USD" else "FI",
        size=40 + 2 * len(lots),
        facility_ids=[lot.id for lot in lots],
        password_hash=password_hash,
        since=start,
        taken_emails=taken_emails,
        taken_plates=taken_plates,
        demo_driver=demo_driver,
    )
    daily = daily_arrivals(
        [lot.facility.capacity for lot in lots],
        [lot.facility.detection == "none" for lot in lots],
        len(fleet.cars),
    )
    for lot, visits in zip(lots, daily, strict=True):
        lot.kind = LotKind(lot.kind.name, visits)
        lot.regulars = fleet.by_favourite(lot.id)
    return World(rng, tenant, lots, fleet, rows, now, start, media_base, await _staff(tenant))


async def _staff(tenant: Tenant) -> Staff:
    users = await OperatorUser.filter(tenant_id=tenant.id, is_active=True).order_by("email")
    ops = next((u for u in users if u.role == "operator"), users[0] if users else None)
    keys = await ApiKey.filter(tenant_id=tenant.id, revoked_at=None).order_by("created_at")
    key = next((k for k in keys if not k.facility_ids), keys[0] if keys else None)
    return Staff(
        ops_id=ops.id if ops else None,
        ops_email=ops.email if ops else "system",
        ops_name=(ops.name or ops.email) if ops else "Support",
        api_key_id=key.id if key else None,
    )


def generate(world: World) -> None:
    rng = world.rng
    visits: list[Visit] = []
    for lot in world.lots:
        sessions = lot.facility.detection == "none"
        max_stay = lot.facility.tariff.get("max_stay_minutes") or 1440
        for start in arrivals(rng, lot.kind, lot.tz, world.start, world.now):
            local = start.astimezone(lot.tz)
            if sessions:
                minutes = session_minutes(rng, local, max_stay)
                visits.append(Visit(lot, start, start + timedelta(minutes=minutes), minutes))
            else:
                visits.append(
                    Visit(lot, start, start + timedelta(minutes=stay_minutes(rng, lot.kind, local)))
                )
    visits.sort(key=lambda v: v.start)
    for visit in visits:
        if visit.minutes:
            assign_session(world, visit)
        else:
            assign_stay(world, visit)
    # Inside now: app users first where only they can be seen (geofence lots, pay-by-zone), small
    # lots first so that they reach their share; camera lots also see everyone else.
    for lot in sorted(world.lots, key=lambda lot: lot.facility.capacity):
        if lot.facility.detection == "geofence":
            fill_inside_now(world, lot, cars_only=True)
        elif lot.facility.detection == "none" and not lot.provider_kind:
            fill_active_now(world, lot)
    for lot in world.lots:
        if lot.facility.detection == "anpr":
            fill_inside_now(world, lot, cars_only=False)
        add_passes(world, lot)
    world.stats["stays"] = len(world.stays)
    invoices = add_invoices(world)
    add_tickets(world, invoices)
    add_checks(world)
