"""The operator's users: who they are, their role, add one, change a role, deactivate or reactivate.

The API guards the operator (nobody changes their own role or locks themselves out, the last active
tenant admin stays one); its sentences are shown as they are.
"""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin import UserOut

ROLES = {
    "tenant_admin": "Tenant admin",
    "operator": "Operator",
    "enforcement": "Enforcement",
}
ROLE_HELP = {
    "tenant_admin": "everything, including facilities, users and keys",
    "operator": "day-to-day: sessions, invoices, support, passes",
    "enforcement": "plate checks only",
}


def role_label(role: str) -> str:
    return ROLES.get(role, role.replace("_", " "))


@ft.observable
@dataclass
class UsersState:
    api: HttpAdminApi
    users: list[UserOut] = field(default_factory=list)
    loading: bool = False
    loaded: bool = False
    busy: bool = False
    error: str | None = None
    notice: str | None = None

    async def load(self) -> None:
        self.loading = True
        try:
            self.users = await self.api.get("/users", list[UserOut])
            self.error, self.loaded = None, True
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    def named(self, user: UserOut) -> str:
        return f"{user.name} ({user.email})" if user.name else user.email

    async def create(self, *, email: str, name: str, role: str, password: str) -> bool:
        email = email.strip()
        if not email or not password:
            self.error, self.notice = "Enter the new user's work e-mail and a first password.", None
            return False
        body = {"email": email, "name": name.strip(), "role": role, "password": password}
        if await self._call("POST", "/users", body):
            self.notice = (
                f"{email} can now sign in as {role_label(role).lower()} with the password you set; "
                "ask them to keep it to themselves."
            )
            return True
        return False

    async def change_role(self, user: UserOut, role: str) -> bool:
        if role == user.role:
            return True
        if await self._call("PATCH", f"/users/{user.id}", {"role": role}):
            self.notice = f"{self.named(user)} is now {role_label(role).lower()} (from their next click)."
            return True
        return False

    async def deactivate(self, user: UserOut) -> bool:
        if await self._call("DELETE", f"/users/{user.id}", None):
            self.notice = f"{self.named(user)} is deactivated: they are signed out and cannot sign in."
            return True
        return False

    async def reactivate(self, user: UserOut) -> bool:
        if await self._call("PATCH", f"/users/{user.id}", {"is_active": True}):
            self.notice = f"{self.named(user)} can sign in again."
            return True
        return False

    async def _call(self, method: str, path: str, body: dict | None) -> bool:
        self.busy = True
        try:
            await self.api.send(method, path, None, body)
            self.users = await self.api.get("/users", list[UserOut])
        except ApiError as exc:
            self.error, self.notice = exc.message, None
            return False
        finally:
            self.busy = False
        self.error = None
        return True
