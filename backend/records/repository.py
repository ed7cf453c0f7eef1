"""Queries of the records list: one keyset-paged statement per stream, on either engine.

Three streams make the list: stays with an entry (ordered by `entered_at`), stays with only an exit
(`needs_review`, ordered by `exited_at`: rare, and NULL entries cannot be ordered with the others by
an index) and prepaid sessions (`starts_at`). Each statement filters on the tenant (or a facility),
continues after the cursor on the start column, and reads at most `limit + 1` rows in index order
(`(tenant_id, entered_at)`, `(facility_id, entered_at)`, `(tenant_id, starts_at)`,
`(facility_id, starts_at)`): no OFFSET, no COUNT, so the thousandth page costs what the first does.

A statement reads only each row's key (id and start); the page's rows are then loaded by id, so
the `limit + 1` rows of each stream that do not make the page cost no more than their key.

A plate prefix is a range on `plate_normalized` (which `(tenant_id, plate_normalized)` answers for
stays and `(plate_normalized, facility_id, ends_at)` for sessions) plus an exact `substr` check.
The range's upper bound is only used where it is right in every collation (the prefix ends in a
digit or an ASCII letter other than Z); otherwise the check alone decides.

SQLite plans without statistics (nothing runs ANALYZE on it), and then prefers an equality on the
tenant or facility to the plate range, or the `(facility_id, exited_at)` order (or a plate index)
to finding the few exit-only stays. Where that is the wrong choice the column is written `+column`,
SQLite's way of saying "do not use an index for this term" (PostgreSQL plans from its statistics
and needs no hint).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from tortoise.models import Model

from backend.kit.errors import NotFoundError
from backend.kit.repository import TenantRepository, parse_uuid
from backend.models import Driver, Facility, ParkingSession, Stay
from backend.records.cursor import SortKey, key_of
from backend.stays.sql import as_uuid, fetch_rows
from shared.schemas.admin_records import SESSION_STATUSES, STAY_STATUSES, RecordKind, RecordStatus

M = TypeVar("M", bound=Model)


SHORT_PREFIX = 3  # plate prefixes this short are found through the time index (SQLite)


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


def _plate_leads(f: RecordFilter) -> bool:
    """Whether the plate index should find the rows (else the time index, filtering on the plate).

    A prefix of a few characters matches thousands of plates in a big list: reading them all by
    plate and sorting them by time is slower than walking the time index until a page is found
    (SQLite cannot tell without statistics; PostgreSQL decides from its own).
    """
    return bool(f.plate_prefix) and len(f.plate_prefix or "") > SHORT_PREFIX


def _scope(stream: Stream, f: RecordFilter, postgres: bool) -> tuple[list[str], dict[str, Any]]:
    """The tenant (or facility) condition, with SQLite's hint where its planner would misjudge it."""
    hint = "" if postgres else "+"
    if stream.start_column == "exited_at":
        # Exit-only stays: found by (tenant_id, entered_at IS NULL); the facility is only a filter.
        conditions, params = ["tenant_id = :tenant"], {"tenant": f.tenant_id}
        if f.facility_id is not None:
            conditions.append(f"{hint}facility_id = :facility")
            params["facility"] = f.facility_id
        return conditions, params
    # Sessions have no (tenant_id, plate_normalized) index: with a plate, their plate index leads.
    prefix = hint if stream.kind is RecordKind.session and _plate_leads(f) else ""
    if f.facility_id is not None:
        return [f"{prefix}facility_id = :facility"], {"facility": f.facility_id}
    return [f"{prefix}tenant_id = :tenant"], {"tenant": f.tenant_id}


def statement(
    stream: Stream, f: RecordFilter, after: SortKey | None, limit: int, *, postgres: bool = False
) -> tuple[str, dict[str, Any]]:
    """The SQL (named parameters, see `backend.stays.sql`) reading the keys (`id`, `start`) of one
    stream's next `limit` rows."""
    column = stream.start_column
    conditions, params = _scope(stream, f, postgres)
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
        # The few exit-only stays are found by (tenant_id, entered_at IS NULL), not by the plate.
        by_time = stream.start_column == "exited_at" or not _plate_leads(f)
        plate = "+plate_normalized" if by_time and not postgres else "plate_normalized"
        conditions.append(f"{plate} >= :plate_low")
        params["plate_low"] = prefix
        upper = _next_char(prefix[-1])
        if upper is not None:
            conditions.append(f"{plate} < :plate_high")
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
    sql = (
        f"SELECT id, {column} AS start FROM {stream.table} WHERE {where} "  # noqa: S608
        f"ORDER BY {column} DESC, id DESC LIMIT {int(limit):d}"
    )
    return sql, params


async def fetch_keys(stream: Stream, f: RecordFilter, after: SortKey | None, limit: int) -> list[SortKey]:
    """The keys of the stream's next `limit` rows after `after`, in the list's order."""
    postgres = stream.model._meta.db.capabilities.dialect == "postgres"
    sql, params = statement(stream, f, after, limit, postgres=postgres)
    # Values as the ORM reads them (SQLite answers text): the start column's own conversion.
    as_datetime = stream.model._meta.fields_map[stream.start_column].to_python_value
    rows = await fetch_rows(stream.model, sql, **params)
    return [key_of(as_datetime(row["start"]), stream.kind, str(as_uuid(row["id"]))) for row in rows]


async def load(model: type[M], ids: list[str]) -> dict[str, M]:
    """The rows of a page by id (one query); a row gone since its key was read is left out."""
    if not ids:
        return {}
    return {str(row.pk): row for row in await model.filter(id__in=ids)}


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
