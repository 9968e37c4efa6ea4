"""End-to-end voucher redemption benchmark: run it as `python -m bench.redeem` (see __main__.py)."""
