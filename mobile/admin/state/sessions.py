"""Sessions: camera stays and prepaid sessions in one list (keyset pages, filters), a record's timeline,
plate corrections, invoicing an unpaid stay, and the CSV export with the same filters.

The open record (`detail`) lives here, not in a route, so the filters and the page the operator was on
are still there when they go back to the list.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.admin_facilities import AdminFacilityPage, AdminFacilitySummary
from shared.schemas.admin_invoices import InvoiceOut
from shared.schemas.admin_records import (
    PlateCorrectionResult,
    RecordKind,
    RecordPage,
    RecordRow,
    RecordStatus,
    SessionDetail,
    StayDetail,
)

PAGE_SIZE = 25
DEFAULT_TIMEZONE = "Europe/Helsinki"
STAY_STATUSES = ["open", "payment_pending", "paid", "unpaid", "needs_review"]
SESSION_STATUSES = ["pending", "active", "stopped", "expired", "failed"]


def parse_day(text: str) -> date | None:
    """A day typed as YYYY-MM-DD (or DD.MM.YYYY, as Finns write it); None when it is none of those."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    day, _, rest = text.partition(".")
    month, _, year = rest.partition(".")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _same_plate(typed: str, plate: str) -> bool:
    try:
        return normalize_plate(typed) == normalize_plate(plate)
    except InvalidPlateError:
        return False


def _sentence(message: str) -> str:
    """A validation message without its field prefix ("'plate': the stay…" -> "The stay…")."""
    match = re.match(r"^'[a-z_]+': (.*)$", message, re.DOTALL)
    if not match:
        return message
    text = match.group(1)
    return text[:1].upper() + text[1:]


def duration_text(start: datetime | None, end: datetime | None, now: datetime | None = None) -> str:
    """How long: '1 h 05 min'; an open stay counts to now ('so far')."""
    if start is None:
        return "—"
    minutes = int(((end or now or datetime.now(UTC)) - start).total_seconds() // 60)
    if minutes < 0:
        return "—"
    text = f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
    if minutes >= 24 * 60:
        text = f"{minutes // 1440} d {(minutes % 1440) // 60} h"
    return text if end else f"{text} so far"


@dataclass
class Filters:
    facility: str | None = None
    status: str | None = None
    kind: str | None = None
    day_from: date | None = None
    day_to: date | None = None  # inclusive
    plate: str = ""

    def query(self, timezone: str, *, contains: bool = False) -> dict[str, str]:
        """The API's query parameters; days are whole days in the operator's time zone."""
        zone = ZoneInfo(timezone)
        params: dict[str, str] = {}
        if self.facility:
            params["facility"] = self.facility
        if self.status:
            params["status"] = self.status
        if self.kind:
            params["kind"] = self.kind
        if self.day_from:
            params["from"] = datetime.combine(self.day_from, time(), zone).isoformat()
        if self.day_to:
            params["to"] = datetime.combine(self.day_to + timedelta(days=1), time(), zone).isoformat()
        if self.plate.strip():
            params["q" if contains else "plate"] = self.plate.strip()
        return params

    @property
    def any(self) -> bool:
        return bool(
            self.facility or self.status or self.kind or self.day_from or self.day_to or self.plate.strip()
        )


@ft.observable
@dataclass
class SessionsState:
    api: HttpAdminApi
    facilities: list[AdminFacilitySummary] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    rows: list[RecordRow] = field(default_factory=list)
    # The cursor each visited page was loaded with (None: the first); the last one is the current page.
    cursors: list[str | None] = field(default_factory=lambda: [None])
    next_cursor: str | None = None
    # A plate nobody's starts with is looked for anywhere in plates (`q`), and the operator is told.
    plate_anywhere: bool = False
    loading: bool = False
    loaded: bool = False
    error: str | None = None
    notice: str | None = None
    detail: StayDetail | SessionDetail | None = None
    detail_loading: bool = False
    correction: PlateCorrectionResult | None = None
    invoice: InvoiceOut | None = None

    # The list

    @property
    def timezone(self) -> str:
        chosen = next((f for f in self.facilities if f.slug == self.filters.facility), None)
        if chosen:
            return chosen.timezone
        return self.facilities[0].timezone if self.facilities else DEFAULT_TIMEZONE

    @property
    def page_number(self) -> int:
        return len(self.cursors)

    @property
    def has_previous(self) -> bool:
        return len(self.cursors) > 1

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def facility_name(self, slug: str | None) -> str:
        return next((f.name for f in self.facilities if f.slug == slug), slug or "")

    async def load(self) -> None:
        """Facilities for the filter, then the current page again (first visit: the newest records)."""
        try:
            page = await self.api.get("/facilities", AdminFacilityPage, limit=200)
            self.facilities = page.items
        except ApiError as exc:
            self.error = exc.message
            return
        if self.filters.facility and all(f.slug != self.filters.facility for f in self.facilities):
            self.filters.facility, self.cursors = None, [None]  # another operator's facility
        await self._fetch(self.cursors[-1])

    async def apply(self, **changes) -> None:
        """Change filters (facility, status, kind, plate, day_from, day_to) and start from the first page."""
        for name, value in changes.items():
            setattr(self.filters, name, value)
        if self.filters.status in STAY_STATUSES and self.filters.kind == RecordKind.session:
            self.filters.status = None
        if self.filters.status in SESSION_STATUSES and self.filters.kind == RecordKind.stay:
            self.filters.status = None
        self.cursors, self.notice = [None], None
        await self._fetch(None)

    async def search(self, plate: str, day_from: str = "", day_to: str = "") -> None:
        """The plate and days as typed; an unreadable day or a range ending before it starts is refused
        with a sentence (the list stays as it was)."""
        start = parse_day(day_from) if day_from.strip() else None
        end = parse_day(day_to) if day_to.strip() else None
        if (day_from.strip() and start is None) or (day_to.strip() and end is None):
            self.error = "Type dates as YYYY-MM-DD, for example 2026-03-30."
            return
        if start and end and end < start:
            self.error = "The 'To' date is before the 'From' date."
            return
        await self.apply(plate=plate, day_from=start, day_to=end)

    async def clear(self) -> None:
        self.filters = Filters()
        await self.apply()

    async def next_page(self) -> None:
        if self.next_cursor is None:
            return
        cursor = self.next_cursor
        if await self._fetch(cursor):
            self.cursors = [*self.cursors, cursor]

    async def previous_page(self) -> None:
        if len(self.cursors) < 2:
            return
        cursors = self.cursors[:-1]
        if await self._fetch(cursors[-1]):
            self.cursors = cursors

    async def _fetch(self, cursor: str | None) -> bool:
        self.loading = True
        try:
            contains = self.plate_anywhere and cursor is not None
            page = await self._get(cursor, contains=contains)
            if cursor is None:
                self.plate_anywhere = False
                if not page.items and self.filters.plate.strip():
                    # Nothing starts with it: an operator often types the digits they remember.
                    page = await self._get(None, contains=True)
                    self.plate_anywhere = bool(page.items)
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.loading = False
        self.rows, self.next_cursor = page.items, page.next_cursor
        self.error, self.loaded = None, True
        return True

    async def _get(self, cursor: str | None, *, contains: bool) -> RecordPage:
        params = self.filters.query(self.timezone, contains=contains)
        if cursor:
            params["cursor"] = cursor
        return await self.api.get("/sessions", RecordPage, limit=PAGE_SIZE, **params)

    @property
    def empty_message(self) -> str:
        if self.filters.plate.strip():
            return f"No stay or session has a plate with '{self.filters.plate.strip()}' for these filters."
        if self.filters.any:
            return "Nothing matches these filters. Widen the dates or clear the filters."
        return "No stays or sessions yet. They appear here when cameras see cars or drivers pay in the app."

    async def export(self, tenant: str | None) -> tuple[str, bytes] | None:
        """The list with the current filters as CSV: (file name, bytes); None after an error."""
        params = self.filters.query(self.timezone, contains=self.plate_anywhere)
        try:
            data = await self.api.download("/sessions/export.csv", **params)
        except ApiError as exc:
            self.error = exc.message
            return None
        lines = max(data.count(b"\n") - 1, 0)
        stamp = datetime.now(UTC).astimezone(ZoneInfo(self.timezone)).strftime("%Y%m%d-%H%M")
        name = f"parkflow-sessions-{tenant or 'export'}-{stamp}.csv"
        self.notice = f"Exported {lines} record{'s' if lines != 1 else ''} to {name}."
        self.error = None
        return name, data

    # One record

    async def open(self, kind: str, record_id: str) -> None:
        """Show a stay's or session's timeline."""
        self.detail_loading, self.correction, self.invoice, self.notice = True, None, None, None
        try:
            if kind == RecordKind.stay:
                self.detail = await self.api.get(f"/stays/{record_id}", StayDetail)
            else:
                self.detail = await self.api.get(f"/parking-sessions/{record_id}", SessionDetail)
            self.error = None
        except ApiError as exc:
            what = "stay" if kind == RecordKind.stay else "prepaid session"
            self.error = f"This {what} was not found here." if exc.status == 404 else exc.message
        finally:
            self.detail_loading = False

    async def close(self) -> None:
        """Back to the list, where the operator left it (refreshed: the record may have changed). A list
        searched by the plate just corrected now searches the corrected one, so the stay is still there."""
        corrected = self.correction
        if corrected and _same_plate(self.filters.plate, corrected.previous_plate):
            self.filters.plate, self.cursors = corrected.stay.plate, [None]
        self.detail, self.correction, self.invoice, self.notice, self.error = None, None, None, None, None
        await self._fetch(self.cursors[-1])

    @property
    def stay(self) -> StayDetail | None:
        return self.detail if isinstance(self.detail, StayDetail) else None

    @property
    def can_invoice(self) -> bool:
        """An ended stay that still owes something and has no live invoice (the API has the last word)."""
        stay = self.stay
        if stay is None or stay.ended_at is None or stay.due_amount <= 0:
            return False
        if stay.status not in (RecordStatus.unpaid, RecordStatus.needs_review):
            return False
        return self.invoice is None and not self.invoiced

    @property
    def invoiced(self) -> bool:
        """The timeline shows an invoice issued and not voided (a paid one made the stay paid)."""
        invoices = [i.title for i in self.stay.timeline if i.kind == "invoice"] if self.stay else []
        issued = sum(" issued" in title for title in invoices)
        voided = sum(title.endswith(" voided") for title in invoices)
        return issued > voided

    async def correct_plate(self, plate: str, reason: str) -> bool:
        stay = self.stay
        if stay is None:
            return False
        if not plate.strip():
            self.error = "Type the plate as it really is."
            return False
        if len(reason.strip()) < 3:
            self.error = "Say why the plate is corrected (it is kept in the audit log)."
            return False
        body = {"plate": plate.strip(), "reason": reason.strip()}
        try:
            result = await self.api.send("POST", f"/stays/{stay.id}/plate", PlateCorrectionResult, body)
        except ApiError as exc:
            self.error = _sentence(exc.message)
            return False
        self.correction, self.detail, self.error = result, result.stay, None
        # The outcome (driver, payment) is spelt out beside the timeline, from `correction`.
        self.notice = f"Plate corrected from {result.previous_plate} to {result.stay.plate}."
        return True

    async def issue_invoice(self, bill_to: str = "", due_days: int = 14) -> bool:
        stay = self.stay
        if stay is None:
            return False
        body: dict = {"due_days": due_days}
        if bill_to.strip():
            body["bill_to"] = bill_to.strip()
        try:
            invoice = await self.api.send("POST", f"/stays/{stay.id}/invoice", InvoiceOut, body)
        except ApiError as exc:
            self.error = exc.message
            return False
        self.invoice = invoice
        zone = invoice.facility.timezone
        due = invoice.due_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")
        amount = format_amount(invoice.amount, invoice.currency)
        await self.open(RecordKind.stay, stay.id)
        self.invoice = invoice
        self.notice = f"Invoice {invoice.number} issued to {invoice.bill_to}: {amount}, due {due}."
        return True
