"""SBB P+Rail `pricingModel` (opentransportdata.swiss) to our `Tariff`.

Field by field (prices are already Rappen, i.e. CHF minor units; durations are minutes):

- `viableIncrement` -> `increment_minutes`
- `priceSegments[{startingFrom, price}]` -> `segments[{from_minute, amount}]`, sorted, with
  neighbours of equal price merged (the price of every increment stays the same)
- `maximumDayPrice` -> `daily_max_amount` (null: no cap)
- `maximumDuration` -> `max_stay_minutes` (null: no limit)
- `minimumDuration` -> `min_charge_minutes`, left None when it is at most one increment: any stay
  longer than 0 pays a started increment anyway, so such a minimum changes no price.

Read as our tariff semantics (see `shared.pricing`), which SBB's data does not spell out: the price
ladder runs once from the start of the stay (a leading free segment is not granted again each day),
and `maximumDayPrice` caps each started 24 h from the start, not each calendar day.
Ticket prices (monthly, yearly) are passes, not tariff fields, and are ignored here.
"""

from typing import Any

from shared.schemas.tariff import Tariff, TariffSegment


def tariff_from_sbb(pricing_model: dict[str, Any]) -> Tariff:
    """Convert one SBB `pricingModel`; raises ValueError when a field is missing or invalid."""
    try:
        increment_minutes = int(pricing_model["viableIncrement"])
        raw_segments = sorted(
            (int(s["startingFrom"]), int(s["price"])) for s in pricing_model["priceSegments"]
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"SBB pricingModel lacks a usable field: {exc}") from exc

    segments: list[TariffSegment] = []
    for from_minute, amount in raw_segments:
        if segments and segments[-1].amount == amount:
            continue
        segments.append(TariffSegment(from_minute=from_minute, amount=amount))

    minimum = pricing_model.get("minimumDuration")
    # Tariff validation errors (pydantic.ValidationError) are ValueErrors too.
    return Tariff(
        increment_minutes=increment_minutes,
        segments=segments,
        daily_max_amount=pricing_model.get("maximumDayPrice"),
        max_stay_minutes=pricing_model.get("maximumDuration"),
        min_charge_minutes=minimum if minimum is not None and minimum > increment_minutes else None,
    )
