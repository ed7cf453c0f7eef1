"""Tariffs and durations rendered for people."""

import pytest

from shared.schemas.tariff import Tariff
from shared.tariff_text import describe_tariff, format_minutes


def make_tariff(increment: int, *segments: tuple[int, int], **extra: int | None) -> Tariff:
    return Tariff(
        increment_minutes=increment,
        segments=[{"from_minute": m, "amount": a} for m, a in segments],
        **extra,
    )


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (1, "1 min"),
        (15, "15 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (1000, "16 h 40 min"),
        (1440, "24 h"),
        (1500, "25 h"),
        (2880, "2 days"),
        (3000, "50 h"),
        (10080, "7 days"),
    ],
)
def test_format_minutes(minutes: int, text: str) -> None:
    assert format_minutes(minutes) == text


@pytest.mark.parametrize(
    ("tariff", "text"),
    [
        (
            make_tariff(15, (0, 0), (15, 75), daily_max_amount=2400),
            "First 15 min free, then 0.75 per 15 min, max 24.00 a day",
        ),
        (make_tariff(60, (0, 100)), "1.00 per hour"),
        (make_tariff(60, (0, 100), (120, 50)), "1.00 per hour for the first 2 h, then 0.50 per hour"),
        (
            make_tariff(60, (0, 100), (120, 50), (240, 25)),
            "1.00 per hour for the first 2 h, then 0.50 per hour up to 4 h, then 0.25 per hour",
        ),
        (
            make_tariff(60, (0, 100), (180, 0), (240, 100)),
            "1.00 per hour for the first 3 h, free from 3 h to 4 h, then 1.00 per hour",
        ),
        (make_tariff(60, (0, 0), (60, 200)), "First hour free, then 2.00 per hour"),
        (make_tariff(60, (0, 100), (60, 0)), "1.00 per hour for the first hour, then free"),
        (
            make_tariff(60, (0, 100), min_charge_minutes=240, daily_max_amount=800),
            "1.00 per hour, minimum 4 h, max 8.00 a day",
        ),
        # A minimum of one increment changes no price and is left unsaid.
        (make_tariff(60, (0, 100), min_charge_minutes=60), "1.00 per hour"),
        (make_tariff(30, (0, 50), max_stay_minutes=10080), "0.50 per 30 min, stays up to 7 days"),
        (make_tariff(90, (0, 300)), "3.00 per 1 h 30 min"),
        (make_tariff(1440, (0, 1500)), "15.00 per 24 h"),
        (make_tariff(15, (0, 0)), "Free"),
        (
            make_tariff(15, (0, 0), (60, 0), daily_max_amount=100, max_stay_minutes=1000),
            "Free, stays up to 16 h 40 min",
        ),
        # Neighbours with the same amount read as one segment.
        (make_tariff(30, (0, 50), (60, 50)), "0.50 per 30 min"),
    ],
)
def test_describe_tariff(tariff: Tariff, text: str) -> None:
    assert describe_tariff(tariff, "EUR") == text


def test_amounts_follow_the_currency_exponent() -> None:
    tariff = make_tariff(60, (0, 300), daily_max_amount=2000)
    assert describe_tariff(tariff, "JPY") == "300 per hour, max 2,000 a day"
    assert describe_tariff(tariff, "KWD") == "0.300 per hour, max 2.000 a day"


def test_currency_code_on_request() -> None:
    tariff = make_tariff(15, (0, 0), (15, 75), daily_max_amount=2400)
    assert describe_tariff(tariff, "EUR", show_currency=True) == (
        "First 15 min free, then 0.75 EUR per 15 min, max 24.00 EUR a day"
    )
