"""What makes each detector fire: plain values the entry points read from settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # operator rates: an hour's reject (or duplicate) rate at least `rate_factor` times the
    # operator's rate over the `rate_baseline_days` before it (the baseline counts as at least
    # `rate_floor_percent` %), in an hour of at least `rate_min_trips` trips
    rate_factor: int = 3
    rate_min_trips: int = 20
    rate_floor_percent: int = 2
    rate_baseline_days: int = 14
    rate_hours: int = 3  # complete hours looked at per run
    # overlapping accounts: two operators' trips of one citizen overlapping this long or longer
    overlap_min_seconds: int = 120
    overlap_lookback_hours: int = 48
    # redemption bursts: more than this many vouchers redeemed at one store in one minute
    redemptions_per_minute: int = 20
    burst_lookback_minutes: int = 60
    # verifier overclaims: verified tonnes minus tonnes staff accepted, at least this
    overclaim_min_t: int = 1
    # checkpoint integrity: the most recent published checkpoints recomputed per run
    checkpoint_days: int = 7
