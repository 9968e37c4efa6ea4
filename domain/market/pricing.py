"""Prices, amounts and fees of the market (pure, integer fen).

A listing's price per tonne lies within a band around the reference price: at least
ceil(reference x (100 - p) / 100) and at most floor(reference x (100 + p) / 100), p the band in
percent (a setting, 10 by default). An order's amount is its tonnes times the listing's price;
the platform's fee is floor(amount x bp / 10,000), bp a setting in basis points.
"""

from __future__ import annotations

from domain.errors import InvalidInput


def band(reference_fen_per_t: int, percent: int) -> tuple[int, int]:
    """The lowest and highest price per tonne a listing may ask."""
    low = -(-reference_fen_per_t * (100 - percent) // 100)  # rounded up: never below the band
    high = reference_fen_per_t * (100 + percent) // 100
    return low, high


def check_price(price_fen_per_t: int, reference_fen_per_t: int, percent: int) -> int:
    low, high = band(reference_fen_per_t, percent)
    if not low <= price_fen_per_t <= high:
        raise InvalidInput(
            f"price_fen_per_t: {price_fen_per_t} is outside {low}..{high} fen a tonne "
            f"(the reference price {reference_fen_per_t} +-{percent} %)",
            code="price_out_of_band",
            field="price_fen_per_t",
            low=low,
            high=high,
        )
    return price_fen_per_t


def amount(quantity: int, price_fen_per_t: int) -> int:
    return quantity * price_fen_per_t


def fee(amount_fen: int, fee_bp: int) -> int:
    """The platform's fee on a sale of `amount_fen` (rounded down to the fen)."""
    return amount_fen * fee_bp // 10_000
