"""Queries of the records list: one keyset-paged statement per stream, on either engine.

Three streams make the list: stays with an entry (ordered by `entered_at`), stays with only an exit
(`needs_review`, ordered by `exited_at`: rare, and NULL entries cannot be ordered with the others by
an index) and prepaid sessions (`starts_at`). Each statement filters on the tenant (or a facility),
continues after the cursor on the start column, and reads at most `limit + 1` rows in index order
(`(tenant_id, entered_at)`, `(facility_id, entered_at)`, `(tenant_id, starts_at)`,
`(facility_id, starts_at)`): no OFFSET, no COUNT, so the thousandth page costs what the first does.

A plate prefix is a range on `plate_normalized` (which `(tenant_id, plate_normalized)` answers) plus
an exact `substr` check. The range's upper bound is only used where it is right in every collation
(the prefix ends in a digit or an ASCII letter other than Z); otherwise the check alone decides.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.models import Model

from backend.kit.errors import NotFoundError
from backend.kit.repository import TenantRepository, parse_uuid
from backend.models import Driver, Facility, ParkingSession, Stay
from backend.records.cursor import SortKey
from backend.stays.sql import fetch_models
from shared.schemas.admin_records import SESSION_STATUSES, STAY_STATUSES, RecordKind, RecordStatus


@dataclass(frozen=True)
class RecordFilter:
    tenant_id: UUID
    facility_id: UUID | None = None
    status: RecordStatus | None = None
    kind: RecordKind | None = None
    start_from: datetime | None = None  # inclusive, UTC
    start_to: datetime | None = None  # exclusive, UTC
    plate_prefix: str | None = None  # normalised
    plate_contains: str | None = None  # normalised


@dataclass(frozen=True)
class Stream:
    model: type[Model]
    table: str
    kind: RecordKind
    start_column: str
    condition: str | None
    statuses: frozenset[RecordStatus]

    def wanted(self, f: RecordFilter) -> bool:
        if f.kind is not None and f.kind is not self.kind:
            return False
        return f.status is None or f.status in self.statuses


STREAMS = (
    Stream(Stay, "stay", RecordKind.stay, "entered_at", "entered_at IS NOT NULL", STAY_STATUSES),
    Stream(Stay, "stay", RecordKind.stay, "exited_at", "entered_at IS NULL", STAY_STATUSES),
    Stream(ParkingSession, "parking_session", RecordKind.session, "starts_at", None, SESSION_STATUSES),
)


def _next_char(ch: str) -> str | None:
    """The character right after `ch` among plate characters, where that holds in any collation."""
    if "0" <= ch <= "8" or "A" <= ch <= "Y":
        return chr(ord(ch) + 1)
    if ch == "9":
        return "A"
    return None


def statement(
    stream: Stream, f: RecordFilter, after: SortKey | None, limit: int
) -> tuple[str, dict[str, Any]]:
    """The SQL (named parameters, see `backend.stays.sql`) for one stream's next `limit` rows."""
    column = stream.start_column
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if f.facility_id is not None:
        conditions.append("facility_id = :facility")
        params["facility"] = f.facility_id
    else:
        conditions.append("tenant_id = :tenant")
        params["tenant"] = f.tenant_id
    if stream.condition:
        conditions.append(stream.condition)
    if after is not None:
        params["cursor_start"] = after.start
        if stream.kind.value == after.kind:
            conditions.append(f"{column} <= :cursor_start AND ({column} < :cursor_start OR id < :cursor_id)")
            params["cursor_id"] = UUID(after.id)
        elif stream.kind.value > after.kind:
            # This kind sorts first at an equal start: its rows at the cursor's start came before it.
            conditions.append(f"{column} < :cursor_start")
        else:
            conditions.append(f"{column} <= :cursor_start")
    if f.status is not None:
        conditions.append("status = :status")
        params["status"] = f.status.value
    if f.start_from is not None:
        conditions.append(f"{column} >= :start_from")
        params["start_from"] = f.start_from
    if f.start_to is not None:
        conditions.append(f"{column} < :start_to")
        params["start_to"] = f.start_to
    if f.plate_prefix:
        prefix = f.plate_prefix
        conditions.append("plate_normalized >= :plate_low")
        params["plate_low"] = prefix
        upper = _next_char(prefix[-1])
        if upper is not None:
            conditions.append("plate_normalized < :plate_high")
            params["plate_high"] = prefix[:-1] + upper
        conditions.append(f"substr(plate_normalized, 1, {len(prefix):d}) = :plate_prefix")
        params["plate_prefix"] = prefix
    if f.plate_contains:
        conditions.append("plate_normalized LIKE :plate_contains")
        params["plate_contains"] = f"%{f.plate_contains}%"
    # The limit is an integer we chose, written into the text: PostgreSQL's generic plans (see
    # backend.db) would otherwise plan for an unknown LIMIT and may prefer sorting to the index.
    # Only our own fragments and names are joined here; every value is a bound parameter.
    where = " AND ".join(conditions)
    sql = f"SELECT * FROM {stream.table} WHERE {where} ORDER BY {column} DESC, id DESC LIMIT {int(limit):d}"  # noqa: S608
    return sql, params


async def fetch_stream(stream: Stream, f: RecordFilter, after: SortKey | None, limit: int) -> list[Any]:
    sql, params = statement(stream, f, after, limit)
    return await fetch_models(stream.model, sql, **params)


async def facilities_by_id(tenant_id: UUID, ids: set[UUID]) -> dict[UUID, Facility]:
    if not ids:
        return {}
    found = await Facility.filter(tenant_id=tenant_id, id__in=list(ids)).select_related("tenant")
    return {facility.id: facility for facility in found}


async def driver_emails(ids: set[UUID]) -> dict[UUID, str]:
    if not ids:
        return {}
    rows = await Driver.filter(id__in=list(ids)).values_list("id", "email")
    return {driver_id: email for driver_id, email in rows}


class StayRepository(TenantRepository[Stay]):
    model = Stay
    label = "stay"

    async def detail(self, stay_id: str | UUID) -> Stay:
        """The stay with its facility, operator and driver; another operator's is a 404."""
        pk = parse_uuid(stay_id, self.label)
        found = await self.query().filter(id=pk).select_related("facility__tenant", "driver").first()
        if found is None:
            raise NotFoundError(f"No stay with id '{stay_id}'.")
        return found


class SessionRepository(TenantRepository[ParkingSession]):
    model = ParkingSession
    label = "parking session"

    async def detail(self, session_id: str | UUID) -> ParkingSession:
        pk = parse_uuid(session_id, self.label)
        found = await self.query().filter(id=pk).select_related("facility__tenant", "driver").first()
        if found is None:
            raise NotFoundError(f"No parking session with id '{session_id}'.")
        return found
