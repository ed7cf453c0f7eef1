"""Customer queries, hand-written where one statement answers what the ORM would need several for.

"Has anything with this operator" is a set of EXISTS probes on the driver's foreign-key indexes, run
only for the drivers the search text already matched, so the operator's millions of stays are never
scanned. Statements are constants with `:name` parameters (see backend.enforcement.sql); the search
text reaches them only as a LIKE pattern parameter with its wildcards escaped.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from backend.enforcement.sql import fetch_dicts, timestamp

_RELATED = """
(EXISTS (SELECT 1 FROM stay s WHERE s.driver_id = d.id AND s.tenant_id = :tenant)
 OR EXISTS (SELECT 1 FROM parking_session x WHERE x.driver_id = d.id AND x.tenant_id = :tenant)
 OR EXISTS (SELECT 1 FROM parking_pass pp WHERE pp.driver_id = d.id AND pp.tenant_id = :tenant)
 OR EXISTS (SELECT 1 FROM ticket t WHERE t.driver_id = d.id AND t.tenant_id = :tenant)
 OR EXISTS (SELECT 1 FROM payment y WHERE y.driver_id = d.id AND y.tenant_id = :tenant))
"""

_BY_TEXT = "lower(d.email) LIKE :text ESCAPE '\\' OR lower(d.name) LIKE :text ESCAPE '\\'"
# A plate the driver registered, or one of their visits here (a plate they have since removed).
_BY_PLATE = """
 OR d.id IN (SELECT v.driver_id FROM vehicle v WHERE v.plate_normalized LIKE :plate ESCAPE '\\')
 OR d.id IN (SELECT s.driver_id FROM stay s
             WHERE s.tenant_id = :tenant AND s.plate_normalized LIKE :plate ESCAPE '\\')
 OR d.id IN (SELECT x.driver_id FROM parking_session x
             WHERE x.tenant_id = :tenant AND x.plate_normalized LIKE :plate ESCAPE '\\')
"""
_DRIVERS = (
    "SELECT d.id, d.email, d.name FROM driver d WHERE ({match}) AND {related} ORDER BY d.email LIMIT :limit"
)
DRIVERS_BY_TEXT = _DRIVERS.format(match=_BY_TEXT, related=_RELATED)
DRIVERS_BY_TEXT_OR_PLATE = _DRIVERS.format(match=_BY_TEXT + _BY_PLATE, related=_RELATED)

RELATED_DRIVER = f"SELECT d.id FROM driver d WHERE d.id = :driver AND {_RELATED}"  # noqa: S608 (constants only)

# Plates seen here that no driver account is linked to at this operator.
UNLINKED_PLATES = """
SELECT plate_normalized, MIN(plate) AS plate, MAX(seen_at) AS last_seen_at FROM (
    SELECT plate_normalized, plate, driver_id, COALESCE(entered_at, exited_at) AS seen_at FROM stay
    WHERE tenant_id = :tenant AND plate_normalized LIKE :plate ESCAPE '\\'
    UNION ALL
    SELECT plate_normalized, plate, driver_id, starts_at FROM parking_session
    WHERE tenant_id = :tenant AND plate_normalized LIKE :plate ESCAPE '\\'
    UNION ALL
    SELECT plate_normalized, plate, driver_id, valid_from FROM parking_pass
    WHERE tenant_id = :tenant AND plate_normalized LIKE :plate ESCAPE '\\'
) AS seen
GROUP BY plate_normalized
HAVING COUNT(driver_id) = 0
ORDER BY plate_normalized
LIMIT :limit
"""

PLATE_SEEN = """
SELECT MIN(plate) AS plate FROM (
    SELECT plate FROM stay WHERE tenant_id = :tenant AND plate_normalized = :plate
    UNION ALL SELECT plate FROM parking_session WHERE tenant_id = :tenant AND plate_normalized = :plate
    UNION ALL SELECT plate FROM parking_pass WHERE tenant_id = :tenant AND plate_normalized = :plate
) AS seen
"""

PLATE_DRIVERS = """
SELECT driver_id FROM stay WHERE tenant_id = :tenant AND plate_normalized = :plate AND driver_id IS NOT NULL
UNION SELECT driver_id FROM parking_session
      WHERE tenant_id = :tenant AND plate_normalized = :plate AND driver_id IS NOT NULL
UNION SELECT driver_id FROM parking_pass
      WHERE tenant_id = :tenant AND plate_normalized = :plate AND driver_id IS NOT NULL
"""

# What is owed: per stay, the invoice that counts (issued: its amount; paid: nothing), else an unpaid
# stay's total less what was paid on it. A stay waived by an upheld dispute owes nothing.
_OWED = """
SELECT COALESCE(SUM(CASE
    WHEN i.status = 'paid' THEN 0
    WHEN i.status = 'issued' THEN i.amount
    WHEN s.total_amount > s.paid_amount THEN s.total_amount - s.paid_amount
    ELSE 0 END), 0) AS owed
FROM stay s LEFT JOIN invoice i ON i.stay_id = s.id AND i.live_slot = 'live'
WHERE s.tenant_id = :tenant AND {who}
  AND (s.status = 'unpaid' OR i.id IS NOT NULL)
  AND NOT EXISTS (
      SELECT 1 FROM ticket t WHERE t.stay_id = s.id AND t.kind = 'dispute' AND t.outcome = 'upheld'
  )
"""
OWED_BY_DRIVER = _OWED.format(who="s.driver_id = :who")
OWED_BY_PLATE = _OWED.format(who="s.plate_normalized = :who")

_KEPT = "('captured', 'partially_refunded', 'refunded')"
PAID_BY_DRIVER = f"""
SELECT COALESCE(SUM(amount - refunded_amount), 0) AS paid FROM payment
WHERE tenant_id = :tenant AND driver_id = :who AND status IN {_KEPT}
"""  # noqa: S608 (constants only)
PAID_BY_PLATE = f"""
SELECT COALESCE(SUM(p.amount - p.refunded_amount), 0) AS paid FROM payment p
LEFT JOIN stay s ON s.id = p.stay_id
LEFT JOIN parking_session x ON x.id = p.session_id
LEFT JOIN parking_pass pp ON pp.id = p.parking_pass_id
WHERE p.tenant_id = :tenant AND p.status IN {_KEPT}
  AND (s.plate_normalized = :who OR x.plate_normalized = :who OR pp.plate_normalized = :who)
"""  # noqa: S608 (constants only)


def like_pattern(text: str, *, prefix: bool) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


def _text(value: Any) -> str:
    return str(value)


async def matching_drivers(tenant_id: UUID, text: str, plate: str | None, limit: int) -> list[dict[str, Any]]:
    params = {"tenant": str(tenant_id), "text": like_pattern(text.lower(), prefix=False), "limit": limit}
    if plate is None:
        return await fetch_dicts(DRIVERS_BY_TEXT, params)
    return await fetch_dicts(DRIVERS_BY_TEXT_OR_PLATE, {**params, "plate": like_pattern(plate, prefix=True)})


async def unlinked_plates(tenant_id: UUID, plate: str, limit: int) -> list[tuple[str, datetime | None]]:
    rows = await fetch_dicts(
        UNLINKED_PLATES, {"tenant": str(tenant_id), "plate": like_pattern(plate, prefix=True), "limit": limit}
    )
    return [(row["plate"], timestamp(row["last_seen_at"])) for row in rows]


async def is_related(tenant_id: UUID, driver_id: UUID) -> bool:
    return bool(await fetch_dicts(RELATED_DRIVER, {"tenant": str(tenant_id), "driver": str(driver_id)}))


async def plate_seen(tenant_id: UUID, plate: str) -> str | None:
    """The plate as written on one of its records here (None: never seen here)."""
    rows = await fetch_dicts(PLATE_SEEN, {"tenant": str(tenant_id), "plate": plate})
    return rows[0]["plate"] if rows else None


async def plate_driver_ids(tenant_id: UUID, plate: str) -> list[str]:
    rows = await fetch_dicts(PLATE_DRIVERS, {"tenant": str(tenant_id), "plate": plate})
    return [_text(row["driver_id"]) for row in rows]


async def balance(
    tenant_id: UUID, *, driver_id: UUID | None = None, plate: str | None = None
) -> tuple[int, int]:
    """(owed, paid) of a driver or a plate at this operator."""
    if driver_id is not None:
        params = {"tenant": str(tenant_id), "who": str(driver_id)}
        owed, paid = OWED_BY_DRIVER, PAID_BY_DRIVER
    else:
        params = {"tenant": str(tenant_id), "who": plate}
        owed, paid = OWED_BY_PLATE, PAID_BY_PLATE
    owed_rows = await fetch_dicts(owed, params)
    paid_rows = await fetch_dicts(paid, params)
    return int(owed_rows[0]["owed"]), int(paid_rows[0]["paid"])
