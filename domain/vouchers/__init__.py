"""Vouchers: offers bought with points, redeemed once at a merchant."""
