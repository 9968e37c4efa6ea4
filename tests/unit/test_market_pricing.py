"""The market's pure arithmetic: the price band around the reference price, amounts, fees."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.market.pricing import amount, band, check_price, fee


def test_the_band_is_rounded_inward() -> None:
    assert band(10_000, 10) == (9_000, 11_000)
    # 9,201 x 0.9 = 8,280.9 and 9,201 x 1.1 = 10,121.1: never below or above the band
    assert band(9_201, 10) == (8_281, 10_121)
    assert band(1, 10) == (1, 1)


@pytest.mark.parametrize("price", [9_000, 10_000, 11_000])
def test_prices_at_the_ends_of_the_band_are_accepted(price: int) -> None:
    assert check_price(price, 10_000, 10) == price


@pytest.mark.parametrize("price", [8_999, 11_001, 0])
def test_prices_outside_the_band_are_refused_with_the_band(price: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_price(price, 10_000, 10)
    assert caught.value.code == "price_out_of_band"
    assert caught.value.extra == {"field": "price_fen_per_t", "low": 9_000, "high": 11_000}


def test_amounts_and_fees_are_integer_fen_rounded_down() -> None:
    assert amount(3, 10_500) == 31_500
    assert fee(31_500, 100) == 315
    assert fee(199, 100) == 1  # 1.99 fen: the platform keeps the fraction out of its fee
    assert fee(99, 100) == 0
    assert fee(31_500, 0) == 0
