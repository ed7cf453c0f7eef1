"""Hand-written statements of the operations view, where the ORM cannot say it (both engines).

A payment's facility is that of the stay, session or pass it paid for, kept on the payment.
Parameters are `:name` (`backend.enforcement.sql` numbers them per dialect); nothing but constants
is formatted in.
"""

import sqlite3

from backend.operations.periods import BUCKET_SECONDS

_REVENUE_IN = "('captured', 'partially_refunded', 'refunded')"

_PAID_FOR = """
LEFT JOIN stay s ON s.id = p.stay_id
LEFT JOIN parking_session ps ON ps.id = p.session_id
LEFT JOIN parking_pass pp ON pp.id = p.parking_pass_id
"""
# A payment carries the facility of what it paid for (`payment.facility_id`, set on creation): the
# per-facility figures read the (facility, created_at, ...) covering index like the tenant's do.
_AT_FACILITY = "AND p.facility_id = :facility"

# The UTC quarter hour a payment was made in. SQLite: its number (epoch seconds // 900), exact on
# the ISO text it stores; unixepoch() (SQLite 3.38+) is measured 1.3-2x faster than strftime('%s').
# PostgreSQL: the quarter hour's start (date_bin, PostgreSQL 14+), made a number once per group:
# EXTRACT(EPOCH) per row is numeric arithmetic, measured 2x slower.
_SQLITE_EPOCH = (
    "unixepoch(p.created_at)"
    if sqlite3.sqlite_version_info >= (3, 38)
    else "CAST(strftime('%s', p.created_at) AS INTEGER)"
)
_SQLITE_BUCKETS = f"""
SELECT p.currency AS currency, {_SQLITE_EPOCH} / {BUCKET_SECONDS} AS bucket,
       SUM(p.amount - p.refunded_amount) AS revenue, COUNT(*) AS payments
FROM payment p
WHERE {{where}}
GROUP BY p.currency, {_SQLITE_EPOCH} / {BUCKET_SECONDS}
"""  # noqa: S608 (constants only)
_POSTGRES_BUCKETS = f"""
SELECT currency, CAST(EXTRACT(EPOCH FROM starts) AS BIGINT) / {BUCKET_SECONDS} AS bucket, revenue, payments
FROM (
    SELECT p.currency AS currency,
           date_bin('{BUCKET_SECONDS} seconds', p.created_at, to_timestamp(0)) AS starts,
           SUM(p.amount - p.refunded_amount) AS revenue, COUNT(*) AS payments
    FROM payment p
    WHERE {{where}}
    GROUP BY 1, 2
) AS buckets
"""  # noqa: S608 (constants only)


def revenue_buckets(dialect: str, *, by_facility: bool) -> str:
    """Revenue and payment count per currency and UTC quarter hour (its number) in [:since, :until)."""
    where = (
        f"p.tenant_id = :tenant AND p.created_at >= :since AND p.created_at < :until "
        f"AND p.status IN {_REVENUE_IN} {_AT_FACILITY if by_facility else ''}"
    )
    return (_POSTGRES_BUCKETS if dialect == "postgres" else _SQLITE_BUCKETS).format(where=where)


def latest_payments(*, by_facility: bool) -> str:
    """The latest captured (refunded later or not) and failed payments, with what they paid for."""
    return f"""
SELECT CAST(p.id AS VARCHAR(36)) AS id, p.status AS status, p.purpose AS purpose, p.amount AS amount,
       p.currency AS currency, p.created_at AS created_at, p.failure_reason AS failure_reason,
       CAST(p.stay_id AS VARCHAR(36)) AS stay_id, CAST(p.session_id AS VARCHAR(36)) AS session_id,
       CAST(p.parking_pass_id AS VARCHAR(36)) AS pass_id, COALESCE(s.plate, ps.plate, pp.plate) AS plate,
       CAST(COALESCE(s.facility_id, ps.facility_id, pp.facility_id) AS VARCHAR(36)) AS facility_id
FROM payment p {_PAID_FOR}
WHERE p.tenant_id = :tenant AND p.status IN ('captured', 'partially_refunded', 'refunded', 'failed')
  {_AT_FACILITY if by_facility else ""}
ORDER BY p.created_at DESC
LIMIT :limit
"""  # noqa: S608 (constants only)


# Passes sold (active, or cancelled after the sale) since :since, per facility and product, with
# what was paid for them net of refunds (a free pass has no payment: 0).
PASS_SALES = f"""
SELECT CAST(pp.facility_id AS VARCHAR(36)) AS facility_id, CAST(pp.product_id AS VARCHAR(36)) AS product_id,
       COUNT(DISTINCT pp.id) AS sold, COALESCE(SUM(p.amount - p.refunded_amount), 0) AS revenue
FROM parking_pass pp
LEFT JOIN payment p ON p.parking_pass_id = pp.id AND p.status IN {_REVENUE_IN} AND p.currency = :currency
WHERE pp.tenant_id = :tenant AND pp.created_at >= :since AND pp.created_at <= :now
  AND pp.status IN ('active', 'cancelled')
GROUP BY pp.facility_id, pp.product_id
"""  # noqa: S608 (constants only)
