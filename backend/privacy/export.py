"""`GET /api/v1/me/export`: everything held about a driver as one JSON document.

A fixed number of queries whatever the driver's history (each section is one or two queries, with
what it shows joined in). Every section but passes (a driver has a handful) is capped at
`SECTION_LIMIT` rows so one export cannot exhaust the server; a section that hit the cap is named in
`truncated`.
"""

from datetime import UTC, datetime

from backend.drivers.profile import profile_out
from backend.drivers.receipts import receipts_of
from backend.drivers.repository import PaymentMethodRepository, VehicleRepository
from backend.drivers.service import vehicle_out
from backend.models import Driver, DriverEvent
from backend.passes.listing import pass_out
from backend.passes.repository import driver_passes
from backend.stays.repository import DriverParking
from backend.stays.views import session_item, sort_key, stay_item
from shared.schemas.account import DriverExport, ExportedEvent, ExportedPaymentMethod

SECTION_LIMIT = 10_000


def filename(exported_at: datetime) -> str:
    return f"parkflow-my-data-{exported_at:%Y-%m-%d}.json"


async def export_driver(driver: Driver) -> DriverExport:
    now = datetime.now(UTC)
    truncated: list[str] = []

    def capped(section: str, rows: list) -> list:
        if len(rows) >= SECTION_LIMIT:
            truncated.append(section)
        return rows

    vehicles = await VehicleRepository(driver.id).query().order_by("created_at", "id").limit(SECTION_LIMIT)
    methods = (
        await PaymentMethodRepository(driver.id).query().order_by("created_at", "id").limit(SECTION_LIMIT)
    )
    parking = DriverParking(driver)
    stays = capped("stays", await parking.stays(active_only=False, limit=SECTION_LIMIT))
    sessions = capped("sessions", await parking.sessions(active_only=False, limit=SECTION_LIMIT, now=now))
    items = [stay_item(s, now) for s in stays] + [session_item(s) for s in sessions]
    items.sort(key=sort_key, reverse=True)
    passes = await driver_passes(driver.id)
    receipts = capped("receipts", await receipts_of(driver.id, SECTION_LIMIT))
    events = capped(
        "events", await DriverEvent.filter(driver_id=driver.id).order_by("id").limit(SECTION_LIMIT)
    )
    return DriverExport(
        exported_at=now,
        profile=profile_out(driver),
        vehicles=[vehicle_out(v) for v in capped("vehicles", vehicles)],
        payment_methods=[
            ExportedPaymentMethod(
                id=str(m.id), brand=m.brand, last4=m.last4, is_default=m.is_default, created_at=m.created_at
            )
            for m in capped("payment_methods", methods)
        ],
        parking=items,
        passes=[pass_out(row, now) for row in passes],
        receipts=receipts,
        events=[
            ExportedEvent(id=e.id, kind=e.kind, payload=e.payload, created_at=e.created_at) for e in events
        ],
        truncated=truncated,
    )
