"""A redemption run's configuration and the fixed parameters of its offer."""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PRICE = 100  # the offer's price
PER_CITIZEN = 10  # vouchers each citizen buys (and the offer's per-citizen limit)
VOUCHER_DAYS = 30
CONSENT_VERSION = "2026-01"
ACCESS_TOKEN_MINUTES = 120  # the server's access token lifetime, so no token expires mid-run
MAX_RETRIES = 3  # per request, on 503 transient_conflict (same nonce / Idempotency-Key)

# What the benchmark aims for on the 2-core machine, printed next to the figures.
TARGET_REDEMPTIONS_PER_S = 1500
TARGET_P99_MS = 50


@dataclass
class Config:
    backend: str  # "pg" | "sqlite"
    vouchers: int  # V: bought (V / PER_CITIZEN citizens), each scanned `scans_per_voucher` times
    scans_per_voucher: int
    clients: int
    code_fraction: float  # share of scans sent as {"code"} instead of {"token"}
    retry_check: int  # successful scans re-sent with their original nonce after the run
    workers: int | None
    setup_concurrency: int
    redis_url: str | None
    redis_always: bool
    seed: int

    @property
    def citizens(self) -> int:
        return self.vouchers // PER_CITIZEN

    @property
    def scans(self) -> int:
        return self.vouchers * self.scans_per_voucher
