"""A tariff as the operator types it: minutes and money as text, amounts in the currency's main unit.

`to_body` turns the text into the contract's tariff (minor units) or a sentence naming the field that
is not a number. Whether the numbers make a valid tariff (first segment at minute 0, increasing
starts, ...) is the API's to say: the preview sends the draft and shows the API's sentence.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.money import minor_unit_exponent
from shared.schemas.tariff import Tariff


class DraftError(ValueError):
    """A field that is not a number: the message is a sentence for the operator."""


@dataclass
class SegmentDraft:
    from_minute: str = "0"
    amount: str = "0"


@dataclass
class TariffDraft:
    increment_minutes: str = "15"
    segments: list[SegmentDraft] = field(default_factory=lambda: [SegmentDraft()])
    daily_max: str = ""
    max_stay_minutes: str = ""
    min_charge_minutes: int | None = None  # kept as it was: not edited here


def major(amount: int, currency: str) -> str:
    """Minor units as the operator writes them: 75 EUR cents -> '0.75', 500 JPY -> '500'."""
    exponent = minor_unit_exponent(currency)
    if exponent == 0:
        return str(amount)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f}"


def draft_of(tariff: Tariff, currency: str) -> TariffDraft:
    return TariffDraft(
        increment_minutes=str(tariff.increment_minutes),
        segments=[SegmentDraft(str(s.from_minute), major(s.amount, currency)) for s in tariff.segments],
        daily_max="" if tariff.daily_max_amount is None else major(tariff.daily_max_amount, currency),
        max_stay_minutes="" if tariff.max_stay_minutes is None else str(tariff.max_stay_minutes),
        min_charge_minutes=tariff.min_charge_minutes,
    )


def _minutes(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DraftError(f"{what} must be a whole number of minutes.") from None


def minor_units(text: str, what: str, currency: str) -> int:
    """'0.75' EUR -> 75; DraftError naming `what` for text that is not such an amount."""
    exponent = minor_unit_exponent(currency)
    try:
        value = Decimal(text.strip().replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise DraftError(f"{what} must be an amount like {major(75, currency)}.") from None
    minor = value.scaleb(exponent)
    if minor != minor.to_integral_value():
        places = f"{exponent} decimals" if exponent else "no decimals"
        raise DraftError(f"{what} has too many decimals ({currency} amounts have {places}).")
    return int(minor)


def to_body(draft: TariffDraft, currency: str) -> dict[str, Any]:
    """The contract's tariff as JSON; DraftError for text that is not a number."""
    body: dict[str, Any] = {
        "increment_minutes": _minutes(draft.increment_minutes, "The increment"),
        "segments": [
            {
                "from_minute": _minutes(s.from_minute, f"'From minute' on rate row {n}"),
                "amount": minor_units(s.amount, f"The amount on rate row {n}", currency),
            }
            for n, s in enumerate(draft.segments, start=1)
        ],
        "daily_max_amount": minor_units(draft.daily_max, "The daily maximum", currency)
        if draft.daily_max.strip()
        else None,
        "max_stay_minutes": _minutes(draft.max_stay_minutes, "The maximum stay")
        if draft.max_stay_minutes.strip()
        else None,
    }
    if draft.min_charge_minutes is not None:
        body["min_charge_minutes"] = draft.min_charge_minutes
    return body
