"""Merging parking data lots into "near me": Parkflow's facilities first-class, other lots beside them.

A lot that is one of our facilities — within `DUPLICATE_WITHIN_M` of its outline, or carrying the
same name — is not listed twice: our facility wins (it can be paid for here) and takes the lot's
occupancy. The rest are listed as `source: "parking_data"` with their rates and occupancy. The
result is nearest first (ours first at equal distance) and cut to `limit`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from backend.providers.data.client import DataLot
from shared.money import format_amount
from shared.schemas.facilities import FacilitySummary, LotRate, Occupancy, Position

DUPLICATE_WITHIN_M = 30.0
# Lots are fetched this far beyond the search radius: a big lot of ours can be inside the radius
# (distance to its edge) while the data API's point for it (its centre) is outside.
MATCH_MARGIN_M = 250.0

K = TypeVar("K", bound=Hashable)


def occupancy_of(lot: DataLot) -> Occupancy | None:
    if lot.occupancy is None:
        return None
    return Occupancy(
        capacity=lot.occupancy.capacity,
        available=lot.occupancy.available,
        updated_at=lot.occupancy.updated_at,
    )


def rates_text(lot: DataLot) -> str:
    if not lot.rates:
        return "Rates not published"
    return "; ".join(f"{rate.description}: {format_amount(rate.amount, rate.currency)}" for rate in lot.rates)


def lot_summary(lot: DataLot, distance_m: float) -> FacilitySummary:
    occupancy = occupancy_of(lot)
    return FacilitySummary(
        slug=None,
        name=lot.name,
        zone_number=None,
        operator=lot.operator or "Unknown operator",
        operator_slug=None,
        currency=lot.rates[0].currency if lot.rates else None,
        detection="none",
        capacity=occupancy.capacity if occupancy else 0,
        center=Position(lat=lot.lat, lon=lot.lon),
        distance_m=round(distance_m, 1),
        tariff_text=rates_text(lot),
        address=lot.address,
        source="parking_data",
        external_id=lot.id,
        occupancy=occupancy,
        rates=[
            LotRate(
                description=r.description,
                amount=r.amount,
                currency=r.currency,
                duration_minutes=r.duration_minutes,
            )
            for r in lot.rates
        ],
    )


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def merge_nearby(
    ours: Sequence[tuple[K, FacilitySummary]],
    lots: Sequence[tuple[DataLot, float]],
    *,
    our_facility_at: Callable[[DataLot], K | None],
    radius_m: float,
    limit: int,
) -> list[FacilitySummary]:
    """`ours` (key, summary) nearest first, plus the `lots` (lot, metres) within `radius_m` that are
    not ours. `lots` may reach further (`MATCH_MARGIN_M`): those only enrich ours.

    `our_facility_at(lot)` names our facility within `DUPLICATE_WITHIN_M` of the lot, if any (it
    may be one outside `ours`, e.g. past the limit: the lot is still not listed).
    """
    by_key = dict(ours)
    by_name = {_name_key(summary.name): key for key, summary in ours}
    enriched: dict[K, FacilitySummary] = {}
    extra: list[FacilitySummary] = []
    for lot, distance in lots:
        key = our_facility_at(lot)
        if key is None:
            key = by_name.get(_name_key(lot.name))
        if key is None:
            if distance <= radius_m:
                extra.append(lot_summary(lot, distance))
            continue
        mine = by_key.get(key)
        if mine is not None and key not in enriched and mine.occupancy is None:
            occupancy = occupancy_of(lot)
            if occupancy is not None:  # the first (nearest to the driver) matching lot
                enriched[key] = mine.model_copy(update={"occupancy": occupancy})
    merged = [enriched.get(key, summary) for key, summary in ours] + extra
    merged.sort(key=lambda s: (s.distance_m is None, s.distance_m or 0.0, s.source != "parkflow"))
    return merged[:limit]
