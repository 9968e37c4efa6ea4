"""Tamper evidence (pure): each entry hashes its content and the previous entry of its account."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

GENESIS = "0" * 64


def entry_hash(
    *,
    prev_hash: str,
    account: str,
    seq: int,
    kind: str,
    delta: int,
    balance_after: int,
    idempotency_key: str,
    counter_account: str,
    trip_fingerprint: str | None,
    created_at: datetime,
) -> str:
    """sha256 over a canonical line; `delta` is signed from the chained account's side."""
    line = "|".join(
        (
            "v1",
            prev_hash,
            account,
            str(seq),
            kind,
            str(delta),
            str(balance_after),
            idempotency_key,
            counter_account,
            trip_fingerprint or "",
            created_at.isoformat(timespec="microseconds"),
        )
    )
    return hashlib.sha256(line.encode()).hexdigest()


def trip_fingerprint(
    *,
    operator_id: str,
    external_trip_id: str,
    account_hash: str,
    mode: str,
    started_at: datetime,
    ended_at: datetime,
    distance_m: int | None,
    reduction_g: int,
    points: int,
    methodology: str,
) -> str:
    line = "|".join(
        (
            "trip-v1",
            operator_id,
            external_trip_id,
            account_hash,
            mode,
            started_at.isoformat(timespec="microseconds"),
            ended_at.isoformat(timespec="microseconds"),
            "" if distance_m is None else str(distance_m),
            str(reduction_g),
            str(points),
            methodology,
        )
    )
    return hashlib.sha256(line.encode()).hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    """Root of a binary Merkle tree over hex leaves (last node paired with itself when odd)."""
    if not leaves:
        return GENESIS
    level = [hashlib.sha256(bytes.fromhex(leaf)).digest() for leaf in leaves]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0].hex()
