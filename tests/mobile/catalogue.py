"""A small fixed catalogue of facilities for the fake driver API, built with the contract's models.

Zone 1234 is used by two operators (Kamppi P1 and Forum), zone 5678 by one (Ruoholahti, which does
not refund unused time); a parking data lot sits near Kamppi and is never bookable.
"""

from decimal import Decimal

from shared.geo import distance_m
from shared.qr import make_sign_payload
from shared.schemas.facilities import (
    FacilityDetail,
    FacilitySummary,
    PassProductOut,
    Position,
    ServiceFeeOut,
)
from shared.schemas.tariff import Tariff
from shared.tariff_text import describe_tariff

APP_URL = "http://127.0.0.1:8550/driver"
SIGN_KEY_ID = "k0"
SIGN_KEY = b"fake-sign-key-0123456789abcdef"

KAMPPI = Position(lat=60.1688, lon=24.9313)
FORUM = Position(lat=60.1699, lon=24.9384)
RUOHOLAHTI = Position(lat=60.1637, lon=24.9146)


def _facility(
    slug: str,
    name: str,
    zone: str,
    operator: str,
    center: Position,
    tariff: Tariff,
    early_stop: str,
    passes: list[PassProductOut] | None = None,
) -> FacilityDetail:
    return FacilityDetail(
        slug=slug,
        name=name,
        zone_number=zone,
        operator=operator,
        operator_slug=operator.lower().replace(" ", "-"),
        currency="EUR",
        detection="none",
        capacity=120,
        center=center,
        tariff_text=describe_tariff(tariff, "EUR"),
        address=f"{name} street 1, Helsinki",
        timezone="Europe/Helsinki",
        tariff=tariff,
        service_fee=ServiceFeeOut(percent=Decimal("2.5"), fixed_amount=0),
        grace_minutes=15,
        early_stop=early_stop,
        pass_products=passes or [],
    )


def facilities() -> list[FacilityDetail]:
    """Fresh copies, so a test may change one without touching the next test's."""
    first_15_free = Tariff.model_validate(
        {
            "increment_minutes": 15,
            "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
            "daily_max_amount": 2400,
            "max_stay_minutes": 1440,
        }
    )
    flat = Tariff.model_validate({"increment_minutes": 15, "segments": [{"from_minute": 0, "amount": 100}]})
    monthly = PassProductOut(slug="monthly", name="Monthly pass", amount=9900, days=30)
    return [
        _facility(
            "kamppi-p1",
            "Kamppi P1",
            "1234",
            "Helsinki Parking",
            KAMPPI,
            first_15_free,
            "refund_unused",
            [monthly],
        ),
        _facility("forum", "Forum", "1234", "Citypark", FORUM, flat, "refund_unused"),
        _facility("ruoholahti", "Ruoholahti", "5678", "Helsinki Parking", RUOHOLAHTI, flat, "no_refund"),
    ]


def lot_near_kamppi() -> FacilitySummary:
    """A parking data service's lot: rates to compare, no slug, not bookable here."""
    return FacilitySummary(
        slug=None,
        name="Some other garage",
        zone_number=None,
        operator="Somebody else",
        operator_slug=None,
        currency=None,
        detection="none",
        capacity=40,
        center=Position(lat=60.1690, lon=24.9320),
        tariff_text="",
        source="parking_data",
        external_id="pd-1",
    )


def summary(
    facility: FacilityDetail | FacilitySummary, lat: float | None, lon: float | None
) -> FacilitySummary:
    """The list form of a facility, with its distance from (lat, lon) when given."""
    fields = facility.model_dump(include=set(FacilitySummary.model_fields))
    if lat is not None and lon is not None and facility.center is not None:
        fields["distance_m"] = distance_m(lon, lat, facility.center.lon, facility.center.lat)
    return FacilitySummary.model_validate(fields)


def sign_payload(slug: str, zone: str, key: bytes = SIGN_KEY) -> str:
    """What the QR code on the facility's sign says (signed with our key, or another one for a forgery)."""
    return make_sign_payload(APP_URL, slug, zone, SIGN_KEY_ID, key)
