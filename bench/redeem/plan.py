"""The pure parts: the shuffled scan list, and the tally of what the service answered to it."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Voucher:
    voucher_id: str
    token: str
    code: str


@dataclass(frozen=True)
class Scan:
    voucher: int  # index into the voucher list
    by_code: bool  # {"code"} rather than {"token"}
    nonce: str  # the device's nonce: fresh per scan, reused only by a retry of this scan
    body: bytes  # the request body, encoded once up front


@dataclass
class Outcome:
    """The service's final answer to one scan (after any 503 retries)."""

    status: int  # 0: no HTTP answer (transport error)
    code: str | None = None  # the problem+json `code` of an error answer
    voucher_id: str | None = None  # of a 200 answer
    redeemed_at: str | None = None  # of a 200 answer
    t0: float = 0.0  # perf_counter when the first attempt went out
    t1: float = 0.0  # perf_counter when the final answer was in
    retries: int = 0


def scan_body(v: Voucher, by_code: bool, nonce: str) -> bytes:
    payload = {"code": v.code} if by_code else {"token": v.token}
    payload["nonce"] = nonce
    return json.dumps(payload, separators=(",", ":")).encode()


def make_scans(
    vouchers: list[Voucher], per_voucher: int, code_fraction: float, seed: int
) -> list[Scan]:
    """Every voucher `per_voucher` times, shuffled: a voucher's scans are spread over the run,
    yet with C clients in flight some of them land at the same moment."""
    rng = random.Random(seed)
    order = [i for i in range(len(vouchers)) for _ in range(per_voucher)]
    rng.shuffle(order)
    scans = []
    for i in order:
        by_code = rng.random() < code_fraction
        nonce = str(uuid.uuid4())
        scans.append(Scan(i, by_code, nonce, scan_body(vouchers[i], by_code, nonce)))
    return scans


def near_in_plan(scans: list[Scan], window: int) -> int:
    """Vouchers with two scans fewer than `window` places apart in the list (with `window`
    clients, candidates for being in flight together)."""
    last: dict[int, int] = {}
    near: set[int] = set()
    for pos, s in enumerate(scans):
        if s.voucher in last and pos - last[s.voucher] < window:
            near.add(s.voucher)
        last[s.voucher] = pos
    return len(near)


def overlapping(scans: list[Scan], outcomes: list[Outcome]) -> int:
    """Vouchers of which two scans were really in flight at the same time."""
    spans: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for s, o in zip(scans, outcomes, strict=True):
        if o.t1 > 0:
            spans[s.voucher].append((o.t0, o.t1))
    n = 0
    for intervals in spans.values():
        intervals.sort()
        end = intervals[0][1]
        for t0, t1 in intervals[1:]:
            if t0 < end:
                n += 1
                break
            end = max(end, t1)
    return n


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    codes_409: Counter[str] = field(default_factory=Counter)
    successes: int = 0  # 200 answers
    vouchers: int = 0
    vouchers_once: int = 0  # exactly one 200
    vouchers_never: int = 0
    vouchers_twice_or_more: int = 0
    wrong_voucher_in_200: int = 0  # a 200 naming another voucher than the one scanned
    unexpected: int = 0  # answers other than 200 and 409 already_redeemed

    @property
    def ok(self) -> bool:
        return (
            self.successes == self.vouchers == self.vouchers_once
            and self.wrong_voucher_in_200 == 0
            and self.unexpected == 0
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "codes_409": dict(self.codes_409),
            "successes": self.successes,
            "vouchers": self.vouchers,
            "vouchers_redeemed_once": self.vouchers_once,
            "vouchers_never_redeemed": self.vouchers_never,
            "vouchers_redeemed_twice_or_more": self.vouchers_twice_or_more,
            "wrong_voucher_in_200": self.wrong_voucher_in_200,
            "unexpected_answers": self.unexpected,
            "ok": self.ok,
        }


def tally(vouchers: list[Voucher], scans: list[Scan], outcomes: list[Outcome]) -> Tally:
    """Exactly one 200 per voucher is expected, every other scan 409 already_redeemed."""
    t = Tally(vouchers=len(vouchers))
    per_voucher: Counter[int] = Counter()
    for s, o in zip(scans, outcomes, strict=True):
        t.statuses[o.status] += 1
        if o.status == 200:
            t.successes += 1
            per_voucher[s.voucher] += 1
            if o.voucher_id != vouchers[s.voucher].voucher_id:
                t.wrong_voucher_in_200 += 1
        elif o.status == 409:
            t.codes_409[o.code or "?"] += 1
            if o.code != "already_redeemed":
                t.unexpected += 1
        else:
            t.unexpected += 1
    t.vouchers_once = sum(1 for i in range(len(vouchers)) if per_voucher[i] == 1)
    t.vouchers_never = sum(1 for i in range(len(vouchers)) if per_voucher[i] == 0)
    t.vouchers_twice_or_more = sum(1 for n in per_voucher.values() if n > 1)
    return t
