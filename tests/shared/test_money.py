"""Amounts as people read them: minor units per currency, thousands grouped on screen, plain in files."""

import pytest

from shared.money import format_amount


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (0, "EUR", "0.00 EUR"),
        (5, "EUR", "0.05 EUR"),
        (1250, "EUR", "12.50 EUR"),
        (99999, "EUR", "999.99 EUR"),
        (100000, "EUR", "1,000.00 EUR"),
        (1537743, "EUR", "15,377.43 EUR"),
        (123456789012, "USD", "1,234,567,890.12 USD"),
        (-1537743, "EUR", "-15,377.43 EUR"),
        (1234567, "JPY", "1,234,567 JPY"),
        (1234567, "KWD", "1,234.567 KWD"),
        (1250, None, "12.50"),
    ],
)
def test_amounts_are_grouped_for_people(amount: int, currency: str | None, shown: str) -> None:
    assert format_amount(amount, currency) == shown


def test_files_get_plain_numbers() -> None:
    assert format_amount(1537743, "EUR", grouped=False) == "15377.43 EUR"
    assert format_amount(-100000, None, grouped=False) == "-1000.00"
