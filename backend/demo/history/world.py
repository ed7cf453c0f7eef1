"""What every part of one tenant's history generation shares: its lots, fleet, clock and rows."""

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from backend.demo.anpr_images import MEDIA_PATH, VARIANTS
from backend.demo.history.bulk import Rows
from backend.demo.history.people import Car, Fleet, make_uuid
from backend.demo.history.rhythm import LotKind
from backend.models import Facility, PassProduct, Payment, SandboxCharge, Tenant
from backend.payments.gateways.sandbox import charge_id_for

DECLINES = (
    ("payment_declined", "The card was declined; use another payment method."),
    ("insufficient_funds", "The card was declined for insufficient funds; use another payment method."),
)
FAILURE_SHARE = 0.03
ANPR_VARIANTS = VARIANTS


@dataclass
class Lot:
    facility: Facility
    kind: LotKind
    tz: ZoneInfo
    products: list[PassProduct]
    provider_kind: str | None  # the provider connection's kind, None when native
    regulars: list[Car] = field(default_factory=list)

    @property
    def id(self) -> uuid.UUID:
        return self.facility.id


@dataclass
class Staff:
    """The operator users who answer tickets and correct plates."""

    ops_id: uuid.UUID | None
    ops_email: str
    ops_name: str
    api_key_id: uuid.UUID | None  # the handhelds' enforcement key


@dataclass
class World:
    rng: random.Random
    tenant: Tenant
    lots: list[Lot]
    fleet: Fleet
    rows: Rows
    now: datetime
    start: datetime
    media_base: str
    staff: Staff
    stats: Counter = field(default_factory=Counter)
    counters: dict[str, int] = field(default_factory=dict)  # the tenant's invoice/ticket numbers so far
    stays: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    passes: list[dict[str, Any]] = field(default_factory=list)

    def new_id(self) -> uuid.UUID:
        return make_uuid(self.rng)

    def after(self, moment: datetime, low_seconds: float, high_seconds: float) -> datetime:
        """A moment a little after `moment`, never after now."""
        return min(self.now, moment + timedelta(seconds=self.rng.uniform(low_seconds, high_seconds)))

    def image_url(self, plate: str, variant: int) -> str:
        """A camera photo of `plate` (rendered by the demo's API: backend.demo.anpr_images)."""
        return f"{self.media_base}{MEDIA_PATH}/{variant % ANPR_VARIANTS:02d}/{quote(plate, safe='')}.jpg"

    def decline(self) -> tuple[str, str]:
        return DECLINES[0] if self.rng.random() < 0.7 else DECLINES[1]

    def payment(
        self,
        *,
        purpose: str,
        key: str,
        driver_id: uuid.UUID | None,
        method_id: uuid.UUID | None,
        parking: int,
        fee: int,
        at: datetime,
        failure: tuple[str, str] | None = None,
        **links: Any,
    ) -> dict[str, Any]:
        """A Payment row (and the sandbox processor's ledger row when captured). `links`: stay_id,
        session_id or parking_pass_id with its facility_id, covers_from, covers_until, refunded_amount,
        refunded_at."""
        assert links.get("facility_id") is not None, "a payment carries the facility of what it paid for"
        amount = parking + fee
        charge_id = None if failure else charge_id_for(key)
        refunded = links.get("refunded_amount", 0)
        status = "failed" if failure else "captured"
        if refunded:
            status = "refunded" if refunded >= amount else "partially_refunded"
        row = self.rows.add(
            Payment,
            {
                "id": self.new_id(),
                "tenant_id": self.tenant.id,
                "driver_id": driver_id,
                "payment_method_id": method_id,
                "purpose": purpose,
                "idempotency_key": key,
                "gateway": "sandbox",
                "charge_id": charge_id,
                "currency": self.tenant.currency,
                "parking_amount": parking,
                "service_fee_amount": fee,
                "amount": amount,
                "status": status,
                "failure_code": failure[0] if failure else None,
                "failure_reason": failure[1] if failure else None,
                "receipt_sent_at": None if failure else self.after(at, 20, 90),
                "created_at": at,
                "updated_at": links.get("refunded_at") or at,
                **links,
            },
        )
        row["_charge"] = None
        if charge_id is not None:
            row["_charge"] = self.rows.add(
                SandboxCharge,
                {
                    "id": charge_id,
                    "processor_token": "tok_visa",
                    "currency": self.tenant.currency,
                    "authorized_amount": amount,
                    "captured_amount": amount,
                    "refunded_amount": refunded,
                    "status": status,
                    "created_at": at,
                    "updated_at": row["updated_at"],
                },
            )
        self.stats["payments"] += 1
        return row
