"""One facility being edited: rates with a live price preview, details for drivers, the outline, the
sign's QR code and the pass products. Every save goes to the API, which has the last word; its
sentence is shown as it is (`error`), a done change as a `notice`."""

import asyncio
import json
import re
from dataclasses import dataclass, field

import flet as ft

from mobile.admin.state.outline import Outline, outline_of
from mobile.admin.state.tariff_draft import (
    DraftError,
    SegmentDraft,
    TariffDraft,
    draft_of,
    minor_units,
    to_body,
)
from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin_facilities import AdminFacility, AdminPassProduct, TariffPreview

PREVIEW_PAUSE_S = 0.4  # price once typing pauses, not at every keystroke
MAX_GRACE_MINUTES = 120


class Debouncer:
    """Lets only the last of a burst of calls through (not observable: counting re-renders nothing)."""

    def __init__(self) -> None:
        self.ticket = 0

    def take(self) -> int:
        self.ticket += 1
        return self.ticket

    def is_latest(self, ticket: int) -> bool:
        return ticket == self.ticket


def _whole(text: str, what: str, low: int, high: int | None = None) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise DraftError(f"{what} must be a whole number {span}.")
    return value


def product_slug(name: str) -> str:
    """A product's id from its name ('Monthly pass' -> 'monthly-pass'); the operator never types it."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:64] or "pass"


@ft.observable
@dataclass
class FacilityEditorState:
    api: HttpAdminApi
    facility: AdminFacility | None = None
    products: list[AdminPassProduct] = field(default_factory=list)
    tariff: TariffDraft = field(default_factory=TariffDraft)
    form_version: int = 0  # bumped when rate rows are added or removed: the fields are rebuilt
    preview: TariffPreview | None = None
    preview_error: str | None = None
    qr_png: bytes | None = None
    loading: bool = False
    saving: bool = False
    error: str | None = None
    notice: str | None = None
    debounce: Debouncer = field(default_factory=Debouncer)

    @property
    def currency(self) -> str:
        return self.facility.currency if self.facility else ""

    @property
    def outline(self) -> Outline | None:
        return outline_of(self.facility.geometry) if self.facility else None

    @property
    def qr_file_name(self) -> str:
        return f"sign-{self.facility.slug}.png" if self.facility else "sign.png"

    async def open(self, slug: str) -> bool:
        self.loading, self.error, self.notice = True, None, None
        self.facility, self.products, self.qr_png, self.preview = None, [], None, None
        try:
            facility = await self.api.get(f"/facilities/{slug}", AdminFacility)
            self.products = await self.api.get(f"/facilities/{slug}/pass-products", list[AdminPassProduct])
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.loading = False
        self._show(facility)
        await asyncio.gather(self.refresh_preview(), self.load_qr())
        return True

    def close(self) -> None:
        self.facility, self.products, self.qr_png, self.preview = None, [], None, None
        self.error = self.notice = self.preview_error = None

    def _show(self, facility: AdminFacility) -> None:
        self.facility = facility
        self.tariff = draft_of(facility.tariff, facility.currency)
        self._rebuild_form()

    def _rebuild_form(self) -> None:
        self.form_version += 1

    # Rates

    async def set_tariff_field(self, name: str, value: str) -> None:
        """`increment_minutes`, `daily_max` or `max_stay_minutes` typed; priced once typing pauses."""
        setattr(self.tariff, name, value)
        await self.preview_after_pause()

    async def set_segment(
        self, index: int, *, from_minute: str | None = None, amount: str | None = None
    ) -> None:
        segment = self.tariff.segments[index]
        if from_minute is not None:
            segment.from_minute = from_minute
        if amount is not None:
            segment.amount = amount
        await self.preview_after_pause()

    async def add_segment(self) -> None:
        last = self.tariff.segments[-1] if self.tariff.segments else None
        try:
            start = int(last.from_minute) + 60 if last else 0
        except ValueError:
            start = 0
        self.tariff.segments.append(SegmentDraft(str(start), last.amount if last else "0"))
        self._rebuild_form()
        await self.refresh_preview()

    async def remove_segment(self, index: int) -> None:
        if len(self.tariff.segments) > 1:
            del self.tariff.segments[index]
            self._rebuild_form()
        await self.refresh_preview()

    async def preview_after_pause(self, pause_s: float = PREVIEW_PAUSE_S) -> None:
        ticket = self.debounce.take()
        await asyncio.sleep(pause_s)
        if self.debounce.is_latest(ticket):
            await self.refresh_preview()

    async def refresh_preview(self) -> None:
        """What the draft would charge for 15 min, 1 h, 3 h and 24 h, or why it is not a tariff."""
        if self.facility is None:
            return
        ticket = self.debounce.take()
        try:
            body = {"tariff": to_body(self.tariff, self.currency), "facility": self.facility.slug}
            preview = await self.api.send("POST", "/tariffs/preview", TariffPreview, body)
        except (DraftError, ApiError) as exc:
            if self.debounce.is_latest(ticket):
                self.preview, self.preview_error = None, str(exc)
            return
        if self.debounce.is_latest(ticket):  # a later edit's answer wins, whichever arrives first
            self.preview, self.preview_error = preview, None

    async def save_tariff(self) -> None:
        if self.facility is None:
            return
        try:
            body = {"tariff": to_body(self.tariff, self.currency)}
        except DraftError as exc:
            self.error, self.notice = str(exc), None
            return
        await self._patch(body, "Rates saved. New stays are charged by them from now on.")
        self._rebuild_form()

    # Details drivers see

    async def save_details(
        self, *, name: str, capacity: str, grace_minutes: str, notices: str, rules: str
    ) -> None:
        """Name, capacity, grace period (0-120 min), notices (one a line) and rules."""
        if self.facility is None:
            return
        try:
            body = {
                "name": name.strip(),
                "capacity": _whole(capacity, "Capacity", 0),
                "grace_minutes": _whole(grace_minutes, "The grace period", 0, MAX_GRACE_MINUTES),
                "notices": [line.strip() for line in notices.splitlines() if line.strip()],
                "rules": rules.strip(),
            }
        except DraftError as exc:
            self.error, self.notice = str(exc), None
            return
        if not body["name"]:
            self.error, self.notice = "Give the facility a name drivers recognise.", None
            return
        await self._patch(body, "Details saved. Drivers see them from now on.")

    async def _patch(self, body: dict, notice: str) -> None:
        assert self.facility is not None
        self.saving = True
        try:
            facility = await self.api.send("PATCH", f"/facilities/{self.facility.slug}", AdminFacility, body)
        except ApiError as exc:
            self.error, self.notice = exc.message, None
            return
        finally:
            self.saving = False
        self.facility, self.error, self.notice = facility, None, notice

    # Outline

    async def upload_outline(self, file_name: str, data: bytes | None) -> None:
        """A GeoJSON file replaces the geofence; the API checks it and says what is wrong and where."""
        if self.facility is None:
            return
        if not data:
            self.error, self.notice = f"{file_name or 'The file'} is empty; choose a GeoJSON file.", None
            return
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.error, self.notice = f"{file_name} is not text; export the outline as GeoJSON.", None
            return
        except json.JSONDecodeError as exc:
            self.error = f"{file_name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            self.notice = None
            return
        self.saving = True
        try:
            facility = await self.api.send(
                "PUT", f"/facilities/{self.facility.slug}/geometry", AdminFacility, document
            )
        except ApiError as exc:
            self.error, self.notice = exc.message, None
            return
        finally:
            self.saving = False
        self.facility, self.error = facility, None
        self.notice = f"Outline from {file_name} saved: the geofence and the map position follow it now."

    # Sign QR code

    async def load_qr(self) -> None:
        if self.facility is None:
            return
        try:
            self.qr_png = await self.api.download(f"/facilities/{self.facility.slug}/sign.png")
        except ApiError as exc:
            self.qr_png, self.error = None, exc.message

    # Pass products

    def _minor(self, text: str) -> int:
        return minor_units(text, "The price", self.currency)

    async def add_product(self, *, name: str, price: str, days: str) -> bool:
        if self.facility is None:
            return False
        name = name.strip()
        if not name:
            self.error, self.notice = "Name the pass as drivers will see it (e.g. 'Monthly pass').", None
            return False
        try:
            body = {
                "slug": product_slug(name),
                "name": name,
                "amount": self._minor(price),
                "days": _whole(days, "The length of the pass in days", 1, 366),
            }
        except DraftError as exc:
            self.error, self.notice = str(exc), None
            return False
        return await self._product_call(
            "POST", "", body, f"'{name}' is on sale at {self.facility.name} from now on."
        )

    async def update_product(self, product: AdminPassProduct, *, name: str, price: str, days: str) -> bool:
        try:
            body = {
                "name": name.strip() or product.name,
                "amount": self._minor(price),
                "days": _whole(days, "The length of the pass in days", 1, 366),
            }
        except DraftError as exc:
            self.error, self.notice = str(exc), None
            return False
        return await self._product_call(
            "PATCH",
            f"/{product.slug}",
            body,
            f"'{body['name']}' saved. Passes already sold keep their terms.",
        )

    async def withdraw_product(self, product: AdminPassProduct) -> bool:
        return await self._product_call(
            "DELETE", f"/{product.slug}", None, f"'{product.name}' is no longer sold; passes sold stay valid."
        )

    async def restore_product(self, product: AdminPassProduct) -> bool:
        return await self._product_call(
            "PATCH", f"/{product.slug}", {"is_active": True}, f"'{product.name}' is on sale again."
        )

    async def _product_call(self, method: str, path: str, body: dict | None, notice: str) -> bool:
        assert self.facility is not None
        base = f"/facilities/{self.facility.slug}/pass-products"
        try:
            await self.api.send(method, base + path, None, body)
            self.products = await self.api.get(base, list[AdminPassProduct])
        except ApiError as exc:
            self.error, self.notice = exc.message, None
            return False
        self.error, self.notice = None, notice
        return True
