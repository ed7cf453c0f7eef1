"""The audit log: who changed what and when, filtered by kind of object, by who did it and by dates,
each entry told as a sentence rather than as its stored details."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.schemas.admin_audit import AuditEntryOut, AuditPage

PAGE = 50
OBJECT_TYPES = {
    "facility": "Facilities",
    "user": "Users",
    "tenant": "Operator settings",
    "api_key": "API keys",
    "webhook_token": "Webhook tokens",
    "stay": "Stays",
    "invoice": "Invoices",
    "ticket": "Support tickets",
}
_FIELDS = {
    "name": "name",
    "zone_number": "zone number",
    "capacity": "capacity",
    "grace_minutes": "grace period",
    "tariff": "rates",
    "notices": "driver notices",
    "rules": "rules",
    "geometry": "outline",
    "detection": "detection",
    "timezone": "time zone",
    "address": "address",
    "early_stop": "early-stop refunds",
    "branding": "branding",
    "service_fee_percent": "service fee %",
    "service_fee_fixed_amount": "fixed service fee",
    "role": "role",
    "is_active": "active",
}
_ROLES = {"tenant_admin": "tenant admin", "operator": "operator", "enforcement": "enforcement"}


def _change(name: str, change: Any) -> str:
    label = _FIELDS.get(name, name.replace("_", " "))
    if not isinstance(change, dict) or "to" not in change:
        return label
    before, after = change.get("from"), change.get("to")
    if name == "grace_minutes":
        return f"grace period {before} → {after} min"
    if name in ("capacity", "zone_number", "name"):
        return f"{label} {before} → {after}"
    if name == "role":
        return f"role {_ROLES.get(before, before)} → {_ROLES.get(after, after)}"
    if name == "branding" and isinstance(after, dict) and after.get("primary_color"):
        return f"branding (colour {after['primary_color']})"
    return label


def _changes(details: dict[str, Any]) -> str:
    changes = details.get("changes")
    if not isinstance(changes, dict) or not changes:
        return "settings"
    return ", ".join(_change(name, change) for name, change in changes.items())


def describe(entry: AuditEntryOut, currency: str | None = None) -> str:
    """One entry as a sentence an operator reads ("Changed Kamppi P1: grace period 15 → 10 min")."""
    d, action = entry.details, entry.action
    facility = d.get("name") or d.get("slug") or "a facility"
    who = d.get("email") or "a user"
    key = f"'{d.get('name')}'" if d.get("name") else ""
    number = d.get("number")
    match action:
        case "facility.created":
            return f"Created facility {facility} (zone {d.get('zone_number', '?')})"
        case "facility.updated":
            return f"Changed facility {d.get('slug', '')}: {_changes(d)}"
        case "facility.geometry_replaced":
            area = d.get("area_m2")
            size = f" ({area:,.0f} m²)" if isinstance(area, int | float) else ""
            return f"Uploaded a new outline for {d.get('slug', 'a facility')}{size}"
        case "facility.deleted":
            return f"Deleted facility {facility} (zone {d.get('zone_number', '?')})"
        case "user.created":
            return f"Added user {who} as {_ROLES.get(d.get('role'), d.get('role', 'user'))}"
        case "user.role_changed" | "user.updated":
            return f"Changed user {who}: {_changes(d)}"
        case "user.deactivated":
            return f"Deactivated user {who}"
        case "user.reactivated":
            return f"Reactivated user {who}"
        case "api_key.created":
            return f"Created API key {key}".strip()
        case "api_key.rotated":
            return f"Rotated API key {key} (the old secret stopped working)"
        case "api_key.revoked" | "api_key.deleted":
            return f"Revoked API key {key}".strip()
        case "webhook_token.created":
            return f"Created webhook token {key}".strip()
        case "webhook_token.rotated":
            return f"Rotated webhook token {key} (the old secret stopped working)"
        case "webhook_token.revoked" | "webhook_token.deleted":
            return f"Revoked webhook token {key}".strip()
        case "tenant.updated":
            return f"Changed the operator's {_changes(d)}"
        case "stay.plate_corrected":
            return f"Corrected a stay's plate from {d.get('from')} to {d.get('to')}"
        case "invoice.issued":
            amount = d.get("amount")
            money = f" for {format_amount(amount, currency)}" if isinstance(amount, int) and currency else ""
            return f"Issued invoice {number} to {d.get('plate', 'a vehicle')}{money}"
        case "invoice.paid":
            return f"Marked invoice {number} paid"
        case "invoice.voided":
            reason = d.get("reason")
            return f"Voided invoice {number}" + (f": {reason}" if reason else "")
        case "ticket.resolved":
            return f"Resolved support ticket #{number}" + (
                f": {d['resolution']}" if d.get("resolution") else ""
            )
        case "ticket.reopened":
            return f"Reopened support ticket #{number}"
        case "ticket.updated":
            return f"Updated support ticket #{number}" if number else "Updated a support ticket"
        case "demo.history_loaded":
            return "Loaded the demo's history"
    return action.replace(".", ": ").replace("_", " ").capitalize()


def _day(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} must be a date like 2026-03-30.") from None


@ft.observable
@dataclass
class AuditState:
    api: HttpAdminApi
    entries: list[AuditEntryOut] = field(default_factory=list)
    next_before_id: int | None = None
    object_type: str = ""
    actor: str = ""
    from_day: str = ""
    to_day: str = ""
    timezone: str = "UTC"
    page_size: int = PAGE
    loading: bool = False
    loaded: bool = False
    error: str | None = None

    def _query(self) -> dict[str, Any]:
        zone = ZoneInfo(self.timezone)
        start = _day(self.from_day, "'From'")
        end = _day(self.to_day, "'To'")
        if start and end and end < start:
            raise ValueError("'To' is before 'From'.")
        return {
            "object_type": self.object_type or None,
            "actor": self.actor.strip() or None,
            "since": datetime.combine(start, time(), zone).isoformat() if start else None,
            # Through the whole 'to' day, in the operator's time zone.
            "until": datetime.combine(end + timedelta(days=1), time(), zone).isoformat() if end else None,
            "limit": self.page_size,
        }

    async def load(self, *, more: bool = False) -> None:
        try:
            query = self._query()
        except ValueError as exc:
            self.error = str(exc)
            return
        if more:
            if self.next_before_id is None:
                return
            query["before_id"] = self.next_before_id
        self.loading = True
        try:
            page = await self.api.get("/audit", AuditPage, **query)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self.entries = [*self.entries, *page.items] if more else page.items
        self.next_before_id, self.error, self.loaded = page.next_before_id, None, True

    async def filter(
        self,
        *,
        object_type: str | None = None,
        actor: str | None = None,
        from_day: str | None = None,
        to_day: str | None = None,
    ) -> None:
        if object_type is not None:
            self.object_type = object_type
        if actor is not None:
            self.actor = actor
        if from_day is not None:
            self.from_day = from_day
        if to_day is not None:
            self.to_day = to_day
        await self.load()

    async def clear_filters(self) -> None:
        self.object_type = self.actor = self.from_day = self.to_day = ""
        await self.load()
