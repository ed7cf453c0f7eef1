"""Tariffs and durations written for people: "First 15 min free, then 0.75 per 15 min, max 24.00 a day".

Amounts are written with the currency's minor-unit exponent and, unless asked, without the currency
code: the screen around the sentence already shows the currency. Consecutive segments with the same
amount are read as one, since they charge the same.
"""

from shared.money import format_amount
from shared.schemas.tariff import Tariff

_MINUTES_PER_DAY = 1440


def format_minutes(minutes: int) -> str:
    """15 -> '15 min', 60 -> '1 h', 90 -> '1 h 30 min', 1440 -> '24 h', 10080 -> '7 days'.

    Whole days are written as days from two days on; a single day stays '24 h', as signs write it.
    """
    if minutes >= 2 * _MINUTES_PER_DAY and minutes % _MINUTES_PER_DAY == 0:
        return f"{minutes // _MINUTES_PER_DAY} days"
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    if rest == 0:
        return f"{hours} h"
    return f"{hours} h {rest} min"


def describe_tariff(tariff: Tariff, currency: str, *, show_currency: bool = False) -> str:
    """One sentence describing `tariff`, amounts in `currency` (e.g. "EUR")."""

    def money(amount: int) -> str:
        text = format_amount(amount, currency)
        return text if show_currency else text.removesuffix(f" {currency}")

    runs = _merged_runs(tariff)
    if len(runs) == 1 and runs[0][2] == 0:
        parts = ["Free"]
    else:
        unit = "hour" if tariff.increment_minutes == 60 else format_minutes(tariff.increment_minutes)
        parts = []
        for start, stop, amount in runs:
            rate = f"{money(amount)} per {unit}"
            if stop is None:
                parts.append(("then free" if amount == 0 else f"then {rate}") if start else rate)
            elif start == 0:
                first = "hour" if stop == 60 else format_minutes(stop)
                parts.append(f"First {first} free" if amount == 0 else f"{rate} for the first {first}")
            elif amount == 0:
                parts.append(f"free from {format_minutes(start)} to {format_minutes(stop)}")
            else:
                parts.append(f"then {rate} up to {format_minutes(stop)}")
        if tariff.min_charge_minutes and tariff.min_charge_minutes > tariff.increment_minutes:
            parts.append(f"minimum {format_minutes(tariff.min_charge_minutes)}")
        if tariff.daily_max_amount is not None:
            parts.append(f"max {money(tariff.daily_max_amount)} a day")
    if tariff.max_stay_minutes is not None:
        parts.append(f"stays up to {format_minutes(tariff.max_stay_minutes)}")
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _merged_runs(tariff: Tariff) -> list[tuple[int, int | None, int]]:
    """(from_minute, until_minute or None for the last, amount), equal neighbours merged."""
    runs: list[tuple[int, int | None, int]] = []
    for segment in tariff.segments:
        if runs and runs[-1][2] == segment.amount:
            continue
        if runs:
            runs[-1] = (runs[-1][0], segment.from_minute, runs[-1][2])
        runs.append((segment.from_minute, None, segment.amount))
    return runs
