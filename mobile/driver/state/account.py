"""The driver's account: settings (auto-pay, reminder lead time), receipts, export, delete."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.driver_api import DriverApi
from mobile.services.errors import ApiError
from shared.schemas.account import DriverProfile
from shared.schemas.receipts import ReceiptOut

REMINDER_CHOICES = (0, 5, 10, 15, 30)
PAGE = 20


@ft.observable
@dataclass
class AccountState:
    """Settings as saved on the server, the receipts loaded so far, and what the last action said."""

    api: DriverApi
    profile: DriverProfile | None = None
    receipts: list[ReceiptOut] = field(default_factory=list)
    next_offset: int | None = 0
    loading: bool = False
    saving: bool = False
    error: str | None = None
    notice: str | None = None
    deleted: bool = False

    async def load(self) -> None:
        self.loading, self.error = True, None
        try:
            self.profile = await self.api.profile()
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def set_auto_pay(self, on: bool) -> None:
        await self._save(auto_pay=on)
        if self.profile and not self.error:
            self.notice = (
                "Auto-pay is on: stays are charged to your default card when you leave."
                if on
                else "Auto-pay is off: pay stays in the app before you leave."
            )

    async def set_reminder(self, minutes: int) -> None:
        await self._save(reminder_minutes=minutes)
        if self.profile and not self.error:
            self.notice = (
                f"Reminders {minutes} min before your parking ends." if minutes else "Reminders are off."
            )

    async def load_receipts(self, more: bool = False) -> None:
        if more and self.next_offset is None:
            return  # the last page is already here
        offset = self.next_offset if more and self.next_offset is not None else 0
        self.loading, self.error = True, None
        try:
            page = await self.api.receipts(PAGE, offset)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self.receipts = [*self.receipts, *page.items] if more else page.items
        self.next_offset = page.next_offset

    async def export(self) -> bytes | None:
        try:
            return await self.api.export_data()
        except ApiError as exc:
            self.error = exc.message
            return None

    async def delete(self, password: str) -> bool:
        if not password:
            self.error = "Type your password to confirm."
            return False
        self.saving, self.error = True, None
        try:
            await self.api.delete_account(password)
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.saving = False
        self.deleted = True
        return True

    async def _save(self, **changes) -> None:
        self.saving, self.error, self.notice = True, None, None
        try:
            self.profile = await self.api.update_profile(**changes)
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.saving = False
