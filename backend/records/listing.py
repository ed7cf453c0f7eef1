"""The operator's records list: stays and prepaid sessions in one keyset-paged list, newest first.

Each stream (`repository.STREAMS`) gives its next `limit + 1` rows after the cursor; merged in
Python by the list's key (`cursor.SortKey`), the first `limit` are the page, and the one after them
tells whether there is a next page. The facilities and driver e-mails of the page are read in one
query each.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backend.auth.dependencies import OperatorContext
from backend.facilities.repository import FacilityRepository
from backend.models import ParkingSession, Stay
from backend.records import cursor, repository, views
from backend.records.cursor import SortKey
from backend.records.repository import RecordFilter
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.admin_records import RecordKind, RecordPage, RecordRow, RecordStatus


@dataclass(frozen=True)
class ListQuery:
    """The list's filters as the API takes them."""

    facility: str | None = None
    status: RecordStatus | None = None
    kind: RecordKind | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    plate: str | None = None
    q: str | None = None


def _normalized(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_plate(value)
    except InvalidPlateError as exc:
        raise InvalidPlateError(f"'{name}': {exc.detail}") from None


async def record_filter(ctx: OperatorContext, query: ListQuery) -> RecordFilter:
    tenant_id = ctx.tenant_id
    facility_id = None
    if query.facility:
        facility_id = (await FacilityRepository(tenant_id).by_slug(query.facility)).id
    return RecordFilter(
        tenant_id=tenant_id,
        facility_id=facility_id,
        status=query.status,
        kind=query.kind,
        start_from=query.start_from,
        start_to=query.start_to,
        plate_prefix=_normalized(query.plate, "plate"),
        plate_contains=_normalized(query.q, "q"),
    )


@dataclass(frozen=True)
class Page:
    records: list[Stay | ParkingSession]
    next_key: SortKey | None


async def page_of(f: RecordFilter, after: SortKey | None, limit: int) -> Page:
    """The `limit` records after `after` (the first ones when None)."""
    if f.start_from is not None and f.start_to is not None and f.start_from >= f.start_to:
        return Page([], None)
    keys: list[SortKey] = []
    for stream in repository.STREAMS:
        if stream.wanted(f):
            keys += await repository.fetch_keys(stream, f, after, limit + 1)
    keys.sort(reverse=True)
    more = len(keys) > limit
    keys = keys[:limit]
    stays = await repository.load(Stay, [k.id for k in keys if k.kind == RecordKind.stay])
    sessions = await repository.load(ParkingSession, [k.id for k in keys if k.kind == RecordKind.session])
    found = (stays.get(k.id) if k.kind == RecordKind.stay else sessions.get(k.id) for k in keys)
    return Page([record for record in found if record is not None], keys[-1] if more else None)


async def rows_of(
    f: RecordFilter, records: list[Stay | ParkingSession], now: datetime
) -> list[dict[str, Any]]:
    """The records as RecordRow field dicts (facilities and e-mails read once for the page)."""
    facilities = await repository.facilities_by_id(
        f.tenant_id,
        {r.facility_id for r in records},  # type: ignore[attr-defined]
    )
    emails = await repository.driver_emails({r.driver_id for r in records} - {None})  # type: ignore[attr-defined]
    rows = []
    for record in records:
        facility = facilities[record.facility_id]  # type: ignore[attr-defined]
        email = emails.get(record.driver_id)  # type: ignore[attr-defined]
        if isinstance(record, Stay):
            rows.append(views.stay_fields(record, facility, email, now))
        else:
            rows.append(views.session_fields(record, facility, email))
    return rows


async def list_records(
    ctx: OperatorContext, query: ListQuery, cursor_text: str | None, limit: int
) -> RecordPage:
    after = cursor.decode(cursor_text) if cursor_text else None
    f = await record_filter(ctx, query)
    page = await page_of(f, after, limit)
    rows = await rows_of(f, page.records, datetime.now(UTC))
    return RecordPage(
        items=[RecordRow(**row) for row in rows],
        next_cursor=cursor.encode(page.next_key) if page.next_key else None,
    )


async def walk(f: RecordFilter, page_size: int) -> AsyncIterator[list[dict[str, Any]]]:
    """Every matching record, a page at a time (the CSV export): never more than a page in memory."""
    after: SortKey | None = None
    while True:
        page = await page_of(f, after, page_size)
        if page.records:
            yield await rows_of(f, page.records, datetime.now(UTC))
        if page.next_key is None:
            return
        after = page.next_key
