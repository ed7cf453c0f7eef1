"""Enforcement queries: hand-written SQL, one round trip per check (the hot path).

A check runs at thousands of requests a second, so everything it needs comes in ONE statement: a
CTE verifies the `x-api-key` (by its SHA-256, not revoked) and resolves the facility (slug or
name, within the key's tenant); a UNION ALL of small index range scans returns the plate's passes,
prepaid sessions, latest stays, the payments of the last 24 h and the plate as first registered.
Each branch is answered by an index that starts with (plate_normalized, facility_id, ...) or by the
foreign-key indexes of `payment`; the paid-plates list by indexes on (facility_id, <end>).
NULL columns are CAST so PostgreSQL can type the UNION.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from backend.auth.dependencies import EnforcementKeyContext
from backend.enforcement.decision import Facts, PassFact, SessionFact, StayFact
from backend.enforcement.sql import execute, fetch_dicts, fetch_rows, timestamp

LOOKBACK = timedelta(hours=24)  # rights that ended earlier cannot matter (12 h rule; grace <= 24 h)
STAY_PAYMENT_LOOKBACK = timedelta(days=7)  # a stay's payment is "recent" only for stays of the week

# A slug match wins over a name match; the CTE of _CHECK repeats this statement. Two branches, so
# each is answered by its own index (the unique slug, name_lower): one OR'ed filter was a scan.
_FACILITY = """
SELECT id, name, timezone, grace_minutes FROM (
    SELECT id, name, timezone, grace_minutes, 0 AS rank, slug FROM facility
    WHERE slug IN (:k1, :k2) AND tenant_id = :tenant
    UNION ALL
    SELECT id, name, timezone, grace_minutes, 1 AS rank, slug FROM facility
    WHERE name_lower IN (:k1, :k2) AND tenant_id = :tenant
) AS candidates
ORDER BY rank, slug
LIMIT 1
"""

_KEY = """
SELECT CAST(id AS VARCHAR(36)) AS id, CAST(tenant_id AS VARCHAR(36)) AS tenant_id,
       CAST(facility_ids AS TEXT) AS facility_ids, last_used_at
FROM api_key WHERE secret_hash = :key_hash AND revoked_at IS NULL
"""

_TOUCH_KEY = "UPDATE api_key SET last_used_at = :now WHERE id = :key"

# The caller of a check: an x-api-key (the hot path), or an operator user acting for a tenant (the
# admin's plate check screen), whose row has no key id and no facility limits.
_KEY_CALLER = """
WITH k AS (
    SELECT id, tenant_id, facility_ids, last_used_at FROM api_key
    WHERE secret_hash = :key_hash AND revoked_at IS NULL
),"""
_TENANT_CALLER = """
WITH k AS (
    SELECT CAST(NULL AS VARCHAR(36)) AS id, id AS tenant_id, CAST(NULL AS TEXT) AS facility_ids,
           CAST(NULL AS TIMESTAMPTZ) AS last_used_at
    FROM tenant WHERE id = :tenant
),"""
# Columns of every branch: kind, ref, plate, status, label, t1..t4, num, currency, created_at.
_FACTS = """
f AS (
    SELECT id, name, timezone, grace_minutes FROM (
        SELECT id, name, timezone, grace_minutes, 0 AS rank, slug FROM facility
        WHERE slug IN (:k1, :k2) AND tenant_id = (SELECT tenant_id FROM k)
        UNION ALL
        SELECT id, name, timezone, grace_minutes, 1 AS rank, slug FROM facility
        WHERE name_lower IN (:k1, :k2) AND tenant_id = (SELECT tenant_id FROM k)
    ) AS candidates
    ORDER BY rank, slug
    LIMIT 1
)
SELECT 'key' AS kind, CAST(k.id AS VARCHAR(36)) AS ref, CAST(k.facility_ids AS TEXT) AS plate,
       CAST(NULL AS VARCHAR(20)) AS status, CAST(k.tenant_id AS VARCHAR(36)) AS label, k.last_used_at AS t1,
       CAST(NULL AS TIMESTAMPTZ) AS t2, CAST(NULL AS TIMESTAMPTZ) AS t3, CAST(NULL AS TIMESTAMPTZ) AS t4,
       CAST(NULL AS INTEGER) AS num, CAST(NULL AS VARCHAR(3)) AS currency,
       CAST(NULL AS TIMESTAMPTZ) AS created_at
FROM k
UNION ALL
SELECT 'facility', CAST(f.id AS VARCHAR(36)), f.name, f.timezone, CAST(NULL AS VARCHAR(64)),
       CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ),
       CAST(NULL AS TIMESTAMPTZ), f.grace_minutes, CAST(NULL AS VARCHAR(3)), CAST(NULL AS TIMESTAMPTZ)
FROM f
UNION ALL
SELECT 'pass', CAST(NULL AS VARCHAR(36)), p.plate, p.status, pr.slug, p.valid_from, p.valid_until,
       CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR(3)),
       p.created_at
FROM parking_pass p JOIN f ON p.facility_id = f.id JOIN pass_product pr ON pr.id = p.product_id
WHERE p.plate_normalized = :plate AND p.valid_until >= :since AND p.valid_from <= :at AND p.status = 'active'
UNION ALL
SELECT 'session', CAST(NULL AS VARCHAR(36)), s.plate, s.status, CAST(NULL AS VARCHAR(64)), s.starts_at,
       s.ends_at, s.stopped_at, CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR(3)),
       s.created_at
FROM parking_session s JOIN f ON s.facility_id = f.id
WHERE s.plate_normalized = :plate AND s.ends_at >= :since AND s.starts_at <= :at
  AND s.status IN ('active', 'stopped', 'expired')
UNION ALL
SELECT * FROM (
    SELECT 'stay' AS kind, CAST(NULL AS VARCHAR(36)) AS ref, st.plate, st.status,
           CAST(NULL AS VARCHAR(64)) AS label, st.entered_at, st.exited_at, st.free_until, st.paid_until,
           CAST(NULL AS INTEGER) AS num, CAST(NULL AS VARCHAR(3)) AS currency, st.created_at
    FROM stay st JOIN f ON st.facility_id = f.id
    WHERE st.plate_normalized = :plate AND st.entered_at <= :at
    ORDER BY st.entered_at DESC
    LIMIT 3
) AS latest_stays
UNION ALL
SELECT 'payment', CAST(NULL AS VARCHAR(36)), st.plate, pay.status, CAST(NULL AS VARCHAR(64)),
       COALESCE(pay.covers_until, st.paid_until, st.exited_at), CAST(NULL AS TIMESTAMPTZ),
       CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), pay.amount - pay.refunded_amount, pay.currency,
       pay.created_at
FROM stay st JOIN f ON st.facility_id = f.id JOIN payment pay ON pay.stay_id = st.id
WHERE st.plate_normalized = :plate AND st.entered_at <= :at AND st.entered_at >= :week
  AND pay.created_at > :since AND pay.created_at <= :at AND pay.status IN ('captured', 'partially_refunded')
UNION ALL
SELECT 'payment', CAST(NULL AS VARCHAR(36)), s.plate, pay.status, CAST(NULL AS VARCHAR(64)),
       COALESCE(pay.covers_until, s.stopped_at, s.ends_at), CAST(NULL AS TIMESTAMPTZ),
       CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), pay.amount - pay.refunded_amount, pay.currency,
       pay.created_at
FROM parking_session s JOIN f ON s.facility_id = f.id JOIN payment pay ON pay.session_id = s.id
WHERE s.plate_normalized = :plate AND s.ends_at >= :since AND s.starts_at <= :at
  AND pay.created_at > :since AND pay.created_at <= :at AND pay.status IN ('captured', 'partially_refunded')
UNION ALL
SELECT 'payment', CAST(NULL AS VARCHAR(36)), p.plate, pay.status, CAST(NULL AS VARCHAR(64)),
       COALESCE(pay.covers_until, p.valid_until), CAST(NULL AS TIMESTAMPTZ),
       CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), pay.amount - pay.refunded_amount, pay.currency,
       pay.created_at
FROM parking_pass p JOIN f ON p.facility_id = f.id JOIN payment pay ON pay.parking_pass_id = p.id
WHERE p.plate_normalized = :plate AND p.valid_until >= :since
  AND pay.created_at > :since AND pay.created_at <= :at AND pay.status IN ('captured', 'partially_refunded')
UNION ALL
SELECT * FROM (
    SELECT 'vehicle' AS kind, CAST(NULL AS VARCHAR(36)) AS ref, v.plate,
           CAST(NULL AS VARCHAR(20)) AS status, CAST(NULL AS VARCHAR(64)) AS label,
           CAST(NULL AS TIMESTAMPTZ) AS t1, CAST(NULL AS TIMESTAMPTZ) AS t2,
           CAST(NULL AS TIMESTAMPTZ) AS t3, CAST(NULL AS TIMESTAMPTZ) AS t4, CAST(NULL AS INTEGER) AS num,
           CAST(NULL AS VARCHAR(3)) AS currency, v.created_at
    FROM vehicle v WHERE v.plate_normalized = :plate
    ORDER BY v.created_at
    LIMIT 1
) AS first_vehicle
"""
_CHECK = _KEY_CALLER + _FACTS
_CHECK_FOR_TENANT = _TENANT_CALLER + _FACTS

# Every plate with a right at the facility that covers `now` or ended within the grace period
# (`:since` = now - grace): the set-based twin of `decide()`'s paid/pass_active rules.
_PAID_PLATES = """
SELECT plate_normalized, plate FROM parking_pass
WHERE facility_id = :facility AND valid_until >= :since AND valid_from <= :now AND status = 'active'
UNION ALL
SELECT plate_normalized, plate FROM parking_session
WHERE facility_id = :facility AND ends_at >= :since AND starts_at <= :now
  AND status IN ('active', 'stopped', 'expired') AND (stopped_at IS NULL OR stopped_at >= :since)
UNION ALL
SELECT plate_normalized, plate FROM stay
WHERE facility_id = :facility AND exited_at IS NULL AND entered_at <= :now
  AND (free_until >= :since OR paid_until >= :since)
UNION ALL
SELECT plate_normalized, plate FROM stay
WHERE facility_id = :facility AND exited_at >= :since AND entered_at <= :now
  AND (status IN ('paid', 'payment_pending') OR free_until >= :since OR paid_until >= :since)
"""

_LOG_COLUMNS = (
    "tenant_id, api_key_id, facility_id, plate, plate_normalized, at, status, should_fine, checked_at"
)
_LOG_FIELDS = (
    "tenant",
    "key",
    "facility",
    "plate",
    "normalized",
    "at",
    "status",
    "should_fine",
    "checked_at",
)
_log_sql: dict[int, str] = {}


@dataclass(frozen=True)
class FacilityRef:
    id: str
    name: str
    timezone: str
    grace_minutes: int


@dataclass(frozen=True)
class PaymentFact:
    amount: int
    currency: str
    paid_at: datetime
    covers_until: datetime | None


@dataclass(frozen=True)
class KeyRef:
    context: EnforcementKeyContext
    last_used_at: datetime | None


@dataclass
class CheckFacts:
    key: KeyRef | None = None  # None: unknown or revoked key
    facility: FacilityRef | None = None  # None: no such facility for the key's operator
    facts: Facts = field(default_factory=Facts)
    payments: list[PaymentFact] = field(default_factory=list)
    registered_plate: str | None = None  # the oldest vehicle registration of the plate
    seen_plate: str | None = None  # the oldest of the records read here


def facility_keys(text: str) -> tuple[str, str]:
    """What a `facility` parameter may match (lower-cased): as given, and with '+' read as a space
    (a path segment keeps the '+' of `Kamppi+P1`; a query string has already decoded it)."""
    lowered = text.strip().lower()
    return lowered, lowered.replace("+", " ")


def _key(key_id: str, tenant_id: str, facility_ids: str | None, last_used_at) -> KeyRef:
    ids = json.loads(facility_ids) if facility_ids else None
    limits = None if ids is None else frozenset(UUID(i) for i in ids)
    return KeyRef(EnforcementKeyContext(UUID(key_id), UUID(tenant_id), limits), timestamp(last_used_at))


async def find_key(key_hash: str) -> KeyRef | None:
    rows = await fetch_dicts(_KEY, {"key_hash": key_hash})
    if not rows:
        return None
    row = rows[0]
    return _key(row["id"], row["tenant_id"], row["facility_ids"], row["last_used_at"])


async def touch_key(key_id: UUID, now: datetime) -> None:
    await execute(_TOUCH_KEY, {"key": str(key_id), "now": now})


async def load_facts(key_hash: str, facility: str, plate_normalized: str, at: datetime) -> CheckFacts:
    """The key, the facility and everything `decide()` and the response need, in one round trip."""
    return await _load(_CHECK, {"key_hash": key_hash}, facility, plate_normalized, at)


async def load_facts_for_tenant(
    tenant_id: UUID, facility: str, plate_normalized: str, at: datetime
) -> CheckFacts:
    """The same facts for an operator user acting for `tenant_id` (no key: `key` stays None)."""
    return await _load(_CHECK_FOR_TENANT, {"tenant": str(tenant_id)}, facility, plate_normalized, at)


async def _load(
    sql: str, caller: dict[str, str], facility: str, plate_normalized: str, at: datetime
) -> CheckFacts:
    k1, k2 = facility_keys(facility)
    rows = await fetch_dicts(
        sql,
        {
            **caller,
            "k1": k1,
            "k2": k2,
            "plate": plate_normalized,
            "at": at,
            "since": at - LOOKBACK,
            "week": at - STAY_PAYMENT_LOOKBACK,
        },
    )
    result = CheckFacts()
    passes, sessions, stays = [], [], []
    oldest: tuple[datetime, str] | None = None
    for row in rows:
        kind = row["kind"]
        if kind == "key":
            if row["ref"] is None:  # an operator user's check: no key
                continue
            result.key = _key(row["ref"], row["label"], row["plate"], row["t1"])
        elif kind == "facility":
            result.facility = FacilityRef(row["ref"], row["plate"], row["status"], row["num"])
        elif kind == "payment":
            paid_at = timestamp(row["created_at"])
            assert paid_at is not None
            result.payments.append(PaymentFact(row["num"], row["currency"], paid_at, timestamp(row["t1"])))
        elif kind == "vehicle":
            result.registered_plate = row["plate"]
        else:
            t1, t2, t3, t4 = (timestamp(row[c]) for c in ("t1", "t2", "t3", "t4"))
            if kind == "pass":
                passes.append(PassFact(row["label"], t1, t2, row["status"]))  # type: ignore[arg-type]
            elif kind == "session":
                sessions.append(SessionFact(row["status"], t1, t2, t3))  # type: ignore[arg-type]
            else:
                stays.append(StayFact(row["status"], t1, t2, t3, t4))
            created = timestamp(row["created_at"])
            if created is not None and (oldest is None or created < oldest[0]):
                oldest = (created, row["plate"])
    result.facts = Facts(tuple(passes), tuple(sessions), tuple(stays))
    result.seen_plate = oldest[1] if oldest else None
    return result


async def find_facility(tenant_id: UUID, facility: str) -> FacilityRef | None:
    k1, k2 = facility_keys(facility)
    rows = await fetch_dicts(_FACILITY, {"tenant": str(tenant_id), "k1": k1, "k2": k2})
    if not rows:
        return None
    row = rows[0]
    return FacilityRef(str(row["id"]), row["name"], row["timezone"], row["grace_minutes"])


async def paid_plates(facility_id: str, now: datetime, grace: timedelta) -> list[str]:
    """Plates paid or with a valid pass at `now` (grace included), one per plate, sorted."""
    rows = await fetch_rows(_PAID_PLATES, {"facility": facility_id, "now": now, "since": now - grace})
    # Deduplicated and sorted here: measured faster than GROUP BY / ORDER BY in PostgreSQL (which
    # sorts by the database's locale collation) for 10,000 plates.
    plates: dict[str, str] = {}
    for normalized, plate in rows:
        plates.setdefault(normalized, plate)
    return [plates[key] for key in sorted(plates)]
