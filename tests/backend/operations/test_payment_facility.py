"""A payment carries the facility of what it paid for, so per-facility revenue reads one index."""

from datetime import UTC, datetime, timedelta
from importlib import import_module

from tortoise import connections
from tortoise.migrations import operations as ops

from backend.models import Facility, PassProduct, Payment
from tests.backend.operations import factory as f


async def test_a_new_payment_takes_the_facility_of_what_it_paid_for(client, tenant_a) -> None:
    tenant = tenant_a.tenant
    p1 = await Facility.get(slug="alpha-p1")
    p2 = await f.facility(tenant, "alpha-p2", "Alpha P2")
    now = datetime.now(UTC)
    stay = await f.stay(p2, entered_at=now - timedelta(hours=2), exited_at=now, status="paid", total=500)
    session = await f.session(p1, now - timedelta(hours=1), now + timedelta(hours=1))
    product = await PassProduct.create(facility=p2, slug="monthly", name="Monthly", amount=9900, days=30)
    parking_pass = await f.parking_pass(product, now)

    for_stay = await f.payment(tenant, 500, now, for_stay=stay)
    for_session = await f.payment(tenant, 615, now, purpose="session", for_session=session)
    for_pass = await f.payment(tenant, 9900, now, purpose="pass", for_pass=parking_pass)
    for_nothing = await f.payment(tenant, 100, now)

    facilities = dict(
        await Payment.filter(id__in=[for_stay.id, for_session.id, for_pass.id, for_nothing.id]).values_list(
            "id", "facility_id"
        )
    )
    assert facilities == {for_stay.id: p2.id, for_session.id: p1.id, for_pass.id: p2.id, for_nothing.id: None}

    for_stay.status = "refunded"
    await for_stay.save()  # a later change keeps it
    assert (await Payment.get(id=for_stay.id)).facility_id == p2.id  # type: ignore[attr-defined]


async def test_the_migration_fills_the_facility_of_earlier_payments(client, tenant_a) -> None:
    """Migration 0007's backfill on this engine: payments made before it get their facility."""
    migration = import_module("backend.migrations.0007_payment_facility").Migration
    (backfill,) = [op for op in migration.operations if isinstance(op, ops.RunSQL)]
    tenant = tenant_a.tenant
    p1 = await Facility.get(slug="alpha-p1")
    now = datetime.now(UTC)
    stay = await f.stay(p1, entered_at=now - timedelta(hours=2), exited_at=now, status="paid", total=500)
    session = await f.session(p1, now - timedelta(hours=1), now + timedelta(hours=1))
    paid = [
        await f.payment(tenant, 500, now, for_stay=stay),
        await f.payment(tenant, 615, now, purpose="session", for_session=session),
    ]
    unlinked = await f.payment(tenant, 100, now)
    await Payment.all().update(facility_id=None)  # as they were before the migration

    await connections.get("default").execute_script(backfill.sql)

    for payment in paid:
        assert (await Payment.get(id=payment.id)).facility_id == p1.id  # type: ignore[attr-defined]
    assert (await Payment.get(id=unlinked.id)).facility_id is None  # type: ignore[attr-defined]
