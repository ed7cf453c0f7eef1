"""Enforcement API bodies (CONTRACT §4): field names in camelCase exactly as the operator docs fix them."""

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field

from shared.schemas.common import AwareDatetime, ContractModel

# In a query string an unencoded '+' arrives as a space: `at=2026-03-30T16:23:00+02:00` typed
# into a browser bar reaches us as `...16:23:00 02:00`. Put the '+' back before parsing.
_SPACE_OFFSET = re.compile(r"^(.*\d)\s(\d{2}(?::?\d{2})?)$")


def _plus_restored(value: object) -> object:
    if isinstance(value, str):
        return _SPACE_OFFSET.sub(r"\1+\2", value.strip())
    return value


QueryTimestamp = Annotated[AwareDatetime, BeforeValidator(_plus_restored)]
"""A timestamp in a query string; must carry an offset (naive: 422 `naive_timestamp`)."""


class EnforcementStatus(StrEnum):
    """The answer to "may this plate be parked here at that moment", first that holds."""

    pass_active = "pass_active"  # noqa: S105 (a status, not a secret)
    paid = "paid"
    parked_unpaid = "parked_unpaid"
    not_found = "not_found"


class RecentPayment(ContractModel):
    amount: int = Field(description="Paid, in minor units (after any refund)", examples=[450])
    currency: str = Field(examples=["EUR"])
    paidAt: AwareDatetime = Field(examples=["2026-03-30T14:01:12Z"])
    coversUntil: AwareDatetime | None = Field(
        description="The end of the parking this payment bought", examples=["2026-03-30T16:00:00Z"]
    )


class ActivePass(ContractModel):
    product: str = Field(description="The pass product's slug", examples=["monthly"])
    validFrom: AwareDatetime = Field(examples=["2026-03-01T00:00:00Z"])
    validUntil: AwareDatetime = Field(examples=["2026-03-31T00:00:00Z"])


class EnforcementCheckResult(ContractModel):
    plate: str = Field(description="As first registered (else as typed)", examples=["ABC-123"])
    status: EnforcementStatus = Field(examples=["paid"])
    shouldFine: bool = Field(description="True only for parked_unpaid", examples=[False])
    summary: str = Field(
        description="One sentence for the officer; times in the facility's local time",
        examples=["Vehicle has paid until 18:00 — do not fine"],
    )
    validUntil: AwareDatetime | None = Field(
        description="End of the right that allows parking (the pass, the session, the free period)",
        examples=["2026-03-30T16:00:00Z"],
    )
    recentPayments: list[RecentPayment] = Field(
        description="Payments for this plate at this facility in the 24 h before the checked moment"
    )
    activePasses: list[ActivePass] = Field(description="Passes valid at the checked moment")


class PaidPlates(ContractModel):
    facility: str = Field(description="The facility's name", examples=["Kamppi P1"])
    paidPlates: list[str] = Field(
        description="Every plate that is paid or has a valid pass now (grace included), sorted",
        examples=[["ABC-123", "XYZ-987"]],
    )
    count: int = Field(examples=[2])
    generatedAt: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])
