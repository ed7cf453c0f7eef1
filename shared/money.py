"""Money is integer minor units beside an ISO 4217 currency; never floats."""

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 exponents that differ from 2; everything else has two decimals.
_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
}


def minor_unit_exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def format_amount(amount: int, currency: str | None = None, *, grouped: bool = True) -> str:
    """1250 -> '12.50' (and '12.50 EUR' with a currency); thousands are grouped for people to read,
    1537743 -> '15,377.43' (`grouped=False` for files other programs read: '15377.43')."""
    exponent = minor_unit_exponent(currency or "")
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**exponent)
    digits = f"{whole:,}" if grouped else str(whole)
    text = f"{sign}{digits}" if exponent == 0 else f"{sign}{digits}.{frac:0{exponent}d}"
    return f"{text} {currency}" if currency else text


def percent_of(amount: int, percent: Decimal) -> int:
    """`percent` % of `amount` minor units, rounded half-up to the minor unit."""
    return int((Decimal(amount) * percent / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plain_decimal(value: Decimal | int | float | str) -> Decimal:
    """A percentage as people write it: Decimal('2.50') -> 2.5, Decimal('10.00') -> 10 (never 1E+1)."""
    return Decimal(format(Decimal(str(value)).normalize(), "f"))
