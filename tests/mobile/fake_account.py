"""The fake driver API's account: profile and settings, receipts (paged), the data export and erasure.

A mixin of `tests.mobile.fakes.FakeDriverApi`, which holds the state and the test controls.
"""

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from mobile.services.errors import ApiError
from shared.schemas.account import DriverExport, DriverProfile, ExportedPaymentMethod, ProfileUpdate
from shared.schemas.receipts import (
    CardRef,
    ReceiptKind,
    ReceiptLine,
    ReceiptOut,
    ReceiptPage,
    ReceiptPurpose,
    ReceiptStatus,
)
from shared.schemas.stays import FacilityRef


class FakeAccount:
    """Settings and receipts of the signed-in account."""

    now: datetime
    users: dict[str, Any]
    current: Any
    stored_refresh: str | None
    receipt_list: list[ReceiptOut]
    settings: dict[str, dict[str, Any]]

    if TYPE_CHECKING:  # provided by FakeDriverApi

        async def _enter(self, method: str, key: str | None = None) -> None: ...
        def _leave(self, method: str, result: Any) -> Any: ...
        def _me(self) -> Any: ...

    def _profile(self) -> DriverProfile:
        me = self._me()
        saved = self.settings.setdefault(me.id, {"auto_pay": True, "reminder_minutes": 10})
        return DriverProfile(id=me.id, email=me.email, name=me.name, created_at=self.now, **saved)

    async def profile(self) -> DriverProfile:
        await self._enter("profile")
        return self._leave("profile", self._profile())

    async def update_profile(self, **changes: Any) -> DriverProfile:
        await self._enter("update_profile")
        me = self._me()
        try:
            update = ProfileUpdate.model_validate(changes)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            raise ApiError("validation_error", f"{field}: {error['msg']}", 422) from None
        saved = self._profile().model_dump(include={"auto_pay", "reminder_minutes"})
        fields = update.model_dump(exclude_unset=True)
        if "name" in fields:
            me.name = fields.pop("name")
        self.settings[me.id] = {**saved, **fields}
        return self._leave("update_profile", self._profile())

    def make_receipts(self, count: int) -> None:
        """`count` receipts of 2.31 EUR sessions, newest first, as the backend lists them."""
        for n in range(count):
            payment_id = str(uuid.uuid4())
            at = self.now - timedelta(days=n)
            self.receipt_list.append(
                ReceiptOut(
                    id=payment_id,
                    number=f"PF-{payment_id[:8].upper()}",
                    kind=ReceiptKind.charge,
                    purpose=ReceiptPurpose.session,
                    description="Parking session",
                    status=ReceiptStatus.captured,
                    occurred_at=at,
                    operator="Helsinki Parking",
                    facility=FacilityRef(slug="kamppi-p1", name="Kamppi P1"),
                    timezone="Europe/Helsinki",
                    license_plate="ABC-123",
                    period_start=at,
                    period_end=at + timedelta(hours=1),
                    lines=[
                        ReceiptLine(label="Parking", amount=225),
                        ReceiptLine(label="Service fee", amount=6),
                        ReceiptLine(label="Total", amount=231),
                    ],
                    total_amount=231,
                    refunded_amount=0,
                    currency="EUR",
                    card=CardRef(brand="Visa", last4="4242"),
                )
            )

    async def receipts(self, limit: int = 20, offset: int = 0) -> ReceiptPage:
        await self._enter("receipts")
        self._me()
        items = self.receipt_list[offset : offset + limit]
        next_offset = offset + limit if offset + limit < len(self.receipt_list) else None
        page = ReceiptPage(items=items, limit=limit, offset=offset, next_offset=next_offset)
        return self._leave("receipts", page)

    async def export_data(self) -> bytes:
        await self._enter("export_data")
        me = self._me()
        export = DriverExport(
            exported_at=self.now,
            profile=self._profile(),
            vehicles=list(me.vehicles),
            payment_methods=[
                ExportedPaymentMethod.model_validate(
                    c.model_dump(include=set(ExportedPaymentMethod.model_fields))
                )
                for c in me.cards
            ],
            parking=[],
            passes=[],
            receipts=list(self.receipt_list),
            events=[],
        )
        return self._leave("export_data", export.model_dump_json().encode())

    async def delete_account(self, password: str) -> None:
        await self._enter("delete_account")
        me = self._me()
        if password != me.password:
            raise ApiError("invalid_credentials", "That is not your password.", 401)
        del self.users[me.email.lower()]
        self.current = self.stored_refresh = None
        self._leave("delete_account", None)
