"""Who is signed in to the admin view, which operator they act for, and how the portal looks.

Roles decide the sections: `tenant_admin` everything of the tenant, `operator` the day-to-day,
`enforcement` plate checks only; a `super_admin` picks an operator to act for, or previews one
read-only exactly as its admin would see it.
"""

from dataclasses import dataclass, field
from enum import StrEnum

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin import TenantOut
from shared.schemas.auth import OperatorMe


class Section(StrEnum):
    dashboard = "dashboard"
    sessions = "sessions"
    invoices = "invoices"
    support = "support"
    customers = "customers"
    passes = "passes"
    plate_check = "plate-check"
    facilities = "facilities"
    credentials = "credentials"
    users = "users"
    audit = "audit"


_OPERATIONS = [
    Section.dashboard,
    Section.sessions,
    Section.invoices,
    Section.support,
    Section.customers,
    Section.passes,
    Section.plate_check,
    Section.facilities,
]
SECTIONS_BY_ROLE: dict[str, list[Section]] = {
    "enforcement": [Section.plate_check],
    "operator": _OPERATIONS,
    "tenant_admin": [*_OPERATIONS, Section.credentials, Section.users, Section.audit],
}
DEFAULT_PRIMARY = "#3F51B5"


@ft.observable
@dataclass
class AdminSession:
    """The signed-in user (`me`), the operators a super admin may pick, and the acting one."""

    api: HttpAdminApi
    me: OperatorMe | None = None
    tenants: list[TenantOut] = field(default_factory=list)
    acting: str | None = None
    preview: bool = False
    error: str | None = None
    busy: bool = False

    @property
    def signed_in(self) -> bool:
        return self.me is not None

    @property
    def is_super_admin(self) -> bool:
        return self.me is not None and self.me.role == "super_admin"

    @property
    def role(self) -> str:
        """The role the portal is shown for: a super admin sees a tenant admin's portal."""
        if self.me is None:
            return ""
        return "tenant_admin" if self.is_super_admin else self.me.role

    @property
    def sections(self) -> list[Section]:
        if self.is_super_admin and not self.acting:
            return []  # choose an operator first
        return SECTIONS_BY_ROLE.get(self.role, [])

    @property
    def read_only(self) -> bool:
        return self.preview

    def can_edit(self) -> bool:
        """Configuration (facilities, keys, users) is for tenant admins, and never in a preview."""
        return self.role == "tenant_admin" and not self.preview

    @property
    def tenant_name(self) -> str:
        me = self.me
        if me is None:
            return ""
        # The operator's own name for its portal (branding), else its registered name.
        name = me.branding.display_name if me.acting_tenant else None
        name = name or getattr(me, "acting_tenant_name", None)
        if name:
            return name
        match = next((t.name for t in self.tenants if t.slug == self.acting), None)
        return match or (me.acting_tenant or "Parkflow platform")

    @property
    def primary_color(self) -> str:
        branding = getattr(self.me, "branding", None) if self.me else None
        color = getattr(branding, "primary_color", None) if branding else None
        return color or DEFAULT_PRIMARY

    async def sign_in(self, email: str, password: str) -> bool:
        email = email.strip()
        if not email or not password:
            self.error = "Enter your work email and password."
            return False
        self.busy, self.error = True, None
        try:
            await self.api.sign_in(email, password)
            await self._load()
            return True
        except ApiError as exc:
            self.error = exc.message
            await self.api.sign_out()
            self.me = None
            return False
        finally:
            self.busy = False

    async def sign_out(self) -> None:
        await self.api.sign_out()
        self.me, self.tenants, self.acting, self.preview, self.error = None, [], None, False, None

    async def switch(self, tenant: str | None, *, preview: bool = False) -> None:
        """Act for another operator (super admins), or preview it read-only."""
        if not self.is_super_admin:
            return
        self.api.act_for(tenant, preview=preview)
        try:
            self.me = await self.api.me()
        except ApiError as exc:
            self.error = exc.message
            self.api.act_for(self.acting, preview=self.preview)
            return
        self.acting, self.preview, self.error = tenant, bool(preview and tenant), None

    def expired(self) -> None:
        self.me, self.error = None, "Your sign-in has expired. Please sign in again."

    async def _load(self) -> None:
        me = await self.api.me()
        tenants = await self.api.tenants() if me.role in ("super_admin", "tenant_admin", "operator") else []
        self.me, self.tenants = me, tenants
        self.acting = me.acting_tenant if me.role != "super_admin" else None
        self.preview = False
