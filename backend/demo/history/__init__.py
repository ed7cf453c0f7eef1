"""A few weeks of realistic history for the demo's operators, so the admin view's charts have shape.

`load_history` generates, for each demo tenant that has none yet, the last 28 days up to now in each
facility's local time: drivers with cars and cards, camera and geofence stays with their events and
photos, prepaid sessions, passes, payments (a few declined), invoices, support tickets, the
enforcement check log and a few audited plate corrections; and, right now, cars inside every lot.
It is deterministic (seeded) for a given `now`, runs in one transaction, and is written with one
`executemany` per table. A tenant's history is marked by an audit entry (`demo.history_loaded`,
by the system) written in the same transaction, so a restarted demo never adds it twice.
"""

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from backend.auth.passwords import PasswordHasher
from backend.demo.build_onboarding import DEMO_PASSWORD
from backend.demo.history.bulk import Rows
from backend.demo.history.generate import generate, tenant_world
from backend.demo.history.people import DEMO_DRIVER_EMAIL
from backend.models import (
    AuditEntry,
    Driver,
    EnforcementCheck,
    Facility,
    Invoice,
    Job,
    ParkingPass,
    ParkingSession,
    Payment,
    PaymentMethod,
    SandboxCharge,
    Stay,
    StayEvent,
    Tenant,
    TenantCounter,
    Ticket,
    TicketMessage,
    Vehicle,
)

__all__ = ["DEMO_DRIVER_EMAIL", "HISTORY_MARKER", "HistoryReport", "load_history"]

HISTORY_MARKER = "demo.history_loaded"
DAYS = 28
SEED = 20260330
WRITE_ORDER = (
    Driver,
    PaymentMethod,
    Vehicle,
    Stay,
    StayEvent,
    ParkingSession,
    ParkingPass,
    Payment,
    SandboxCharge,
    Job,
    Invoice,
    Ticket,
    TicketMessage,
    EnforcementCheck,
    AuditEntry,
)


@dataclass
class HistoryReport:
    days: int
    tenants: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        c = self.counts
        return (
            f"History ({', '.join(self.tenants)}): {self.days} days, {c['stays']:,} stays "
            f"({c['inside now']:,} inside now), {c['sessions']:,} prepaid sessions "
            f"({c['active now']:,} running), "
            f"{c['passes']:,} passes, {c['payments']:,} payments, {c['invoices']:,} invoices, "
            f"{c['tickets']:,} tickets, {c['enforcement checks']:,} enforcement checks; "
            f"made in {self.seconds:.1f} s."
        )


async def load_history(
    tenant_slugs: Iterable[str],
    *,
    passwords: PasswordHasher,
    media_base: str,
    now: datetime | None = None,
    days: int = DAYS,
    seed: int = SEED,
) -> HistoryReport | None:
    """Generate the history of every listed tenant that has none yet (None: all had it).

    `media_base` is the API's public address: stays' camera photos point at
    `<media_base>/media/anpr/...`, which the demo serves (backend.demo.anpr_images).
    """
    began = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    report = HistoryReport(days)
    async with in_transaction():
        tenants = [t for t in await Tenant.filter(slug__in=list(tenant_slugs)).order_by("slug")]
        done = set(
            await AuditEntry.filter(action=HISTORY_MARKER, tenant_id__in=[t.id for t in tenants]).values_list(
                "tenant_id", flat=True
            )
        )
        tenants = [t for t in tenants if t.id not in done]
        if not tenants:
            return None
        password_hash = await passwords.hash(DEMO_PASSWORD)
        taken_emails = set(await Driver.all().values_list("email", flat=True))
        taken_plates = set(await Vehicle.all().values_list("plate_normalized", flat=True))
        demo_tenant = await _demo_driver_tenant(tenants) if DEMO_DRIVER_EMAIL not in taken_emails else None
        rows = Rows()
        counters: list[tuple[Tenant, dict[str, int]]] = []
        for tenant in tenants:
            world = await tenant_world(
                tenant,
                rows,
                now=now,
                days=days,
                seed=seed,
                media_base=media_base.rstrip("/"),
                password_hash=password_hash,
                taken_emails=taken_emails,
                taken_plates=taken_plates,
                demo_driver=tenant is demo_tenant,
            )
            world.counters = dict(
                await TenantCounter.filter(tenant_id=tenant.id).values_list("name", "value")  # type: ignore[arg-type]
            )
            generate(world)
            counters.append(
                (
                    tenant,
                    {
                        "invoice": world.counters.get("invoice", 0) + world.stats["invoices"],
                        "ticket": world.counters.get("ticket", 0) + world.stats["tickets"],
                    },
                )
            )
            rows.add(
                AuditEntry,
                {
                    "tenant_id": tenant.id,
                    "actor_id": None,
                    "actor_label": "system",
                    "action": HISTORY_MARKER,
                    "object_type": "tenant",
                    "object_id": str(tenant.id),
                    "details": {"days": days, **{k: v for k, v in sorted(world.stats.items())}},
                    "created_at": now,
                },
            )
            report.tenants.append(tenant.slug)
            report.counts.update(world.stats)
        rows.by_model[AuditEntry].sort(key=lambda r: r["created_at"])  # the log reads in time order
        await rows.write(WRITE_ORDER)
        for tenant, values in counters:
            await _set_counters(tenant, values)
    report.seconds = time.perf_counter() - began
    return report


async def _demo_driver_tenant(tenants: list[Tenant]) -> Tenant:
    """The demo driver parks with the operator of the contract's example zone (1234) if listed."""
    example = await Facility.filter(zone_number="1234", tenant_id__in=[t.id for t in tenants]).first()
    if example is not None:
        return next(t for t in tenants if t.id == example.tenant_id)  # type: ignore[attr-defined]
    return tenants[0]


async def _set_counters(tenant: Tenant, values: dict[str, int]) -> None:
    """Leave each counter at the last number used, so `next_number` continues after it."""
    for name, value in values.items():
        if not value:
            continue
        if not await TenantCounter.filter(tenant_id=tenant.id, name=name).update(value=value):
            await TenantCounter.create(tenant_id=tenant.id, name=name, value=value)
