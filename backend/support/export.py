"""Tickets as CSV, streamed a batch at a time (memory stays flat however many tickets match)."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from tortoise.queryset import QuerySet

from backend.models import Ticket
from backend.support.repository import ROW_RELATIONS
from backend.support.views import facility_of

BATCH = 500
COLUMNS = (
    "number",
    "created_at",
    "kind",
    "status",
    "outcome",
    "subject",
    "driver_email",
    "driver_name",
    "plate",
    "facility",
    "assignee",
    "last_message_at",
    "first_response_at",
    "resolved_at",
    "resolution",
)
# A spreadsheet runs a cell that starts with one of these as a formula; subjects come from drivers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(ticket: Ticket) -> list[str]:
    facility = facility_of(ticket)
    driver = ticket.driver if ticket.driver_id is not None else None  # type: ignore[attr-defined]
    assignee = ticket.assignee if ticket.assignee_id is not None else None  # type: ignore[attr-defined]
    values = (
        ticket.number,
        ticket.created_at,
        ticket.kind,
        ticket.status,
        ticket.outcome,
        ticket.subject,
        driver.email if driver else None,
        driver.name if driver else None,
        ticket.plate,
        facility.slug if facility else None,
        assignee.email if assignee else None,
        ticket.last_message_at,
        ticket.first_response_at,
        ticket.resolved_at,
        ticket.resolution,
    )
    return [_cell(v) for v in values]


def _lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def csv_lines(query: QuerySet[Ticket]) -> AsyncIterator[str]:
    """The header, then the matching tickets by number, `BATCH` at a time (keyset: each batch starts
    after the last number sent, so a ticket opened meanwhile never shifts a page)."""
    yield _lines([list(COLUMNS)])
    after = 0
    while True:
        batch = (
            await query.filter(number__gt=after)
            .order_by("number")
            .limit(BATCH)
            .prefetch_related(*ROW_RELATIONS)
        )
        if not batch:
            return
        yield _lines([_row(t) for t in batch])
        after = batch[-1].number
        if len(batch) < BATCH:
            return
