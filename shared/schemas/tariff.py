"""Tariffs as CONTRACT §3 fixes them."""

import itertools
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, model_validator

from shared.schemas.common import Amount, ContractModel


class TariffSegment(ContractModel):
    from_minute: Annotated[int, Field(ge=0, description="Minute from the start where this rate begins")]
    amount: Amount = Field(description="Charged per started increment from `from_minute` on")


class Tariff(ContractModel):
    """A tariff: per-increment segments, an optional leading free period, a daily cap, a max stay.

    - The amount of a segment is charged per started increment from its `from_minute` on.
    - A leading segment of amount 0 is the free period.
    - `daily_max_amount` caps each started 24 h from the start.
    - `max_stay_minutes` refuses longer prepaid sessions (422).
    - `min_charge_minutes` (optional, our extension): a shorter stay is charged as this long
      (SBB's `minimumDuration`).
    """

    increment_minutes: int = Field(ge=1, le=1440, examples=[15])
    segments: list[TariffSegment] = Field(min_length=1)
    daily_max_amount: Amount | None = None
    max_stay_minutes: int | None = Field(default=None, ge=1)
    min_charge_minutes: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check_segments(self) -> Self:
        if self.segments[0].from_minute != 0:
            raise ValueError("the first tariff segment must start at from_minute 0")
        starts = [s.from_minute for s in self.segments]
        if any(b <= a for a, b in itertools.pairwise(starts)):
            raise ValueError("tariff segments must have strictly increasing from_minute values")
        if (
            self.max_stay_minutes is not None
            and self.min_charge_minutes is not None
            and self.min_charge_minutes > self.max_stay_minutes
        ):
            raise ValueError("min_charge_minutes cannot exceed max_stay_minutes")
        return self


class ServiceFee(ContractModel):
    percent: Decimal = Field(default=Decimal("2.5"), ge=0, le=100, examples=["2.5"])
    fixed_amount: Amount = 0
