"""The driver's receipts (`shared.schemas.receipts`), built from `Payment` rows: one query a page.

Each payment the driver made that settled or was refused is a *charge* receipt (its id is the
payment's id); each payment with money given back is also a *refund* receipt (`<payment id>-refund`,
dated by the refund). Payments still in flight (`pending`, `authorized`) and released holds
(`voided`) moved no money and are not receipts. The query joins everything a receipt shows (the
operator, the facility through the stay, session or pass, the pass product, the card), so a page is
one statement whatever its size.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from backend.kit.errors import NotFoundError
from backend.kit.repository import parse_uuid
from backend.models import Payment
from backend.notifications.receipts import receipt_number
from backend.stays.sql import as_uuid, fetch_rows
from shared.schemas.receipts import (
    CardRef,
    ReceiptKind,
    ReceiptLine,
    ReceiptOut,
    ReceiptPage,
    ReceiptPurpose,
    ReceiptStatus,
)
from shared.schemas.stays import FacilityRef

REFUND_SUFFIX = "-refund"
DESCRIPTIONS = {
    "session": "Parking session",
    "extension": "Session extension",
    "stay": "Parking, charged when you left",
    "stay_prepay": "Parking, paid in the app",
    "pass": "Parking pass",
}

_MOVEMENTS = """
SELECT 'charge' AS kind, id AS payment_id, created_at AS occurred_at FROM payment
WHERE driver_id = :driver AND status IN ('captured', 'partially_refunded', 'refunded', 'failed'){only}
UNION ALL
SELECT 'refund' AS kind, id AS payment_id, COALESCE(refunded_at, updated_at) AS occurred_at FROM payment
WHERE driver_id = :driver AND refunded_amount > 0{only}
"""
_RECEIPTS = """
SELECT r.kind, r.occurred_at, p.id, p.purpose, p.status, p.currency, p.parking_amount,
       p.service_fee_amount, p.amount, p.refunded_amount, p.failure_reason, p.stay_id, p.session_id,
       p.parking_pass_id, t.name AS operator, t.timezone AS tenant_timezone, f.slug AS facility_slug,
       f.name AS facility_name, f.timezone AS facility_timezone,
       COALESCE(st.plate, se.plate, pp.plate) AS plate,
       COALESCE(p.covers_from, st.entered_at, se.starts_at, pp.valid_from) AS period_start,
       COALESCE(p.covers_until, st.exited_at, se.stopped_at, se.ends_at, pp.valid_until) AS period_end,
       se.status AS session_status, pr.name AS product_name, m.brand, m.last4
FROM ({movements}) AS r
JOIN payment p ON p.id = r.payment_id
JOIN tenant t ON t.id = p.tenant_id
LEFT JOIN stay st ON st.id = p.stay_id
LEFT JOIN parking_session se ON se.id = p.session_id
LEFT JOIN parking_pass pp ON pp.id = p.parking_pass_id
LEFT JOIN pass_product pr ON pr.id = pp.product_id
LEFT JOIN facility f ON f.id = COALESCE(st.facility_id, se.facility_id, pp.facility_id)
LEFT JOIN payment_method m ON m.id = p.payment_method_id
ORDER BY r.occurred_at DESC, r.payment_id DESC, r.kind DESC
LIMIT :limit OFFSET :offset
"""
PAGE_SQL = _RECEIPTS.format(movements=_MOVEMENTS.format(only=""))
ONE_SQL = _RECEIPTS.format(movements=_MOVEMENTS.format(only=" AND id = :payment"))


def _moment(value: Any) -> datetime | None:
    """SQLite hands timestamps back as ISO text, PostgreSQL as aware datetimes."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(UTC)


def _id(value: Any) -> str | None:
    found = as_uuid(value)
    return None if found is None else str(found)


def _charge_status(status: str) -> ReceiptStatus:
    if status == "failed":
        return ReceiptStatus.failed
    return ReceiptStatus.refunded if status == "refunded" else ReceiptStatus.captured


def receipt_from_row(row: dict[str, Any]) -> ReceiptOut:
    payment_id = as_uuid(row["id"])
    assert payment_id is not None
    purpose = row["purpose"]
    refunded = row["refunded_amount"]
    description = DESCRIPTIONS.get(purpose, "Parking")
    if purpose == "pass" and row["product_name"]:
        description = f"Parking pass: {row['product_name']}"
    if row["kind"] == ReceiptKind.refund:
        kind, status, total = ReceiptKind.refund, ReceiptStatus.refunded, -refunded
        stopped = row["session_status"] == "stopped"
        description = f"Refund: {'session stopped early' if stopped else description}"
        lines = [ReceiptLine(label="Refund", amount=total), ReceiptLine(label="Total", amount=total)]
        receipt_id, number = f"{payment_id}{REFUND_SUFFIX}", f"{receipt_number(payment_id)}-R"
    else:
        kind, status, total = ReceiptKind.charge, _charge_status(row["status"]), row["amount"]
        first = (row["product_name"] or "Pass") if purpose == "pass" else "Parking"
        lines = [
            ReceiptLine(label=first, amount=row["parking_amount"]),
            ReceiptLine(label="Service fee", amount=row["service_fee_amount"]),
            ReceiptLine(label="Total", amount=total),
        ]
        receipt_id, number = str(payment_id), receipt_number(payment_id)
    facility = None
    if row["facility_slug"] is not None:
        facility = FacilityRef(
            slug=row["facility_slug"], name=row["facility_name"], timezone=row["facility_timezone"]
        )
    return ReceiptOut(
        id=receipt_id,
        number=number,
        kind=kind,
        purpose=ReceiptPurpose(purpose),
        description=description,
        status=status,
        occurred_at=_moment(row["occurred_at"]),
        operator=row["operator"],
        facility=facility,
        timezone=row["facility_timezone"] or row["tenant_timezone"],
        license_plate=row["plate"],
        period_start=_moment(row["period_start"]),
        period_end=_moment(row["period_end"]),
        lines=lines,
        total_amount=total,
        refunded_amount=refunded,
        currency=row["currency"],
        card=CardRef(brand=row["brand"], last4=row["last4"]) if row["brand"] else None,
        session_id=_id(row["session_id"]),
        stay_id=_id(row["stay_id"]),
        pass_id=_id(row["parking_pass_id"]),
        failure_reason=row["failure_reason"] if status is ReceiptStatus.failed else None,
    )


async def receipts_of(driver_id: UUID, limit: int, offset: int = 0) -> list[ReceiptOut]:
    """Up to `limit` receipts, newest first, after skipping `offset` (one query)."""
    rows = await fetch_rows(Payment, PAGE_SQL, driver=driver_id, limit=limit, offset=offset)
    return [receipt_from_row(row) for row in rows]


async def receipt_page(driver_id: UUID, limit: int, offset: int) -> ReceiptPage:
    found = await receipts_of(driver_id, limit + 1, offset)  # one more tells whether a next page exists
    more = len(found) > limit
    return ReceiptPage(
        items=found[:limit], limit=limit, offset=offset, next_offset=offset + limit if more else None
    )


async def receipt(driver_id: UUID, receipt_id: str) -> ReceiptOut:
    """One receipt of this driver; anyone else's (or an unknown id) is a 404."""
    kind = ReceiptKind.refund if receipt_id.endswith(REFUND_SUFFIX) else ReceiptKind.charge
    payment_id = parse_uuid(receipt_id.removesuffix(REFUND_SUFFIX), "receipt")
    rows = await fetch_rows(Payment, ONE_SQL, driver=driver_id, payment=payment_id, limit=2, offset=0)
    for row in rows:
        if row["kind"] == kind:
            return receipt_from_row(row)
    raise NotFoundError(f"You have no receipt with id '{receipt_id}'.")
