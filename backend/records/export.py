"""The records list as CSV, streamed a keyset page at a time (the whole list is never in memory).

Amounts are decimal money strings (`12.50`) beside the currency; times are in the facility's own
timezone, ISO 8601 with the offset, as an operator reads them on the facility's signs.
"""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.records import listing
from backend.records.repository import RecordFilter
from shared.money import format_amount

EXPORT_PAGE_SIZE = 500
HEADER = (
    "kind",
    "id",
    "plate",
    "facility",
    "facility_name",
    "status",
    "started_at",
    "ended_at",
    "currency",
    "owed",
    "paid",
    "due",
    "driver_email",
    "source",
    "has_photos",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def filename(tenant_slug: str, now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return f"parkflow-sessions-{tenant_slug}-{moment}.csv"


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _local(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).isoformat() if moment else ""


def csv_row(row: dict[str, Any]) -> tuple[str, ...]:
    facility, currency = row["facility"], row["currency"]
    return (
        row["kind"].value,
        row["id"],
        _text(row["plate"]),
        facility.slug,
        _text(facility.name),
        row["status"].value,
        _local(row["started_at"], facility.timezone),
        _local(row["ended_at"], facility.timezone),
        currency,
        _money(row, "owed_amount"),
        _money(row, "paid_amount"),
        _money(row, "due_amount"),
        _text(row["driver_email"]),
        row["source"].value,
        "yes" if row["has_photos"] else "no",
    )


def _money(row: dict[str, Any], name: str) -> str:
    # The bare decimal ("12.50"; "1250" for a currency without minor units): the currency has its column.
    return format_amount(row[name], row["currency"], grouped=False).rsplit(" ", 1)[0]


async def csv_chunks(f: RecordFilter, page_size: int = EXPORT_PAGE_SIZE) -> AsyncIterator[str]:
    """The header, then one chunk of lines per page of records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield buffer.getvalue()
    async for rows in listing.walk(f, page_size):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(csv_row(row) for row in rows)
        yield buffer.getvalue()
