"""The redemption benchmark's pure parts: its scan list, the tally of answers, the verdicts."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bench.redeem.plan import (
    Outcome,
    Scan,
    Voucher,
    make_scans,
    near_in_plan,
    overlapping,
    scan_body,
    tally,
)
from bench.redeem.report import problems, target_met
from bench.redeem.run import cpu_split


def _vouchers(n: int) -> list[Voucher]:
    return [Voucher(f"v{i}", f"PH1.tok{i}.sig", f"CODE{i:04d}") for i in range(n)]


@pytest.mark.parametrize("seed", [1, 20261125])
def test_scan_list_covers_every_voucher_with_fresh_nonces(seed: int) -> None:
    vouchers = _vouchers(50)
    scans = make_scans(vouchers, 10, 0.1, seed)
    assert len(scans) == 500
    assert Counter(s.voucher for s in scans) == {i: 10 for i in range(50)}
    assert len({s.nonce for s in scans}) == 500
    by_code = sum(s.by_code for s in scans)
    assert 20 <= by_code <= 90  # about 10 %
    for s in scans:
        body = json.loads(s.body)
        v = vouchers[s.voucher]
        assert body["nonce"] == s.nonce
        assert body == ({"code": v.code} if s.by_code else {"token": v.token}) | {"nonce": s.nonce}
    # shuffled: not voucher by voucher
    assert [s.voucher for s in scans] != sorted(s.voucher for s in scans)
    # same seed, same order and choice of token or code
    again = make_scans(vouchers, 10, 0.1, seed)
    assert [(s.voucher, s.by_code) for s in again] == [(s.voucher, s.by_code) for s in scans]


def test_code_fraction_bounds() -> None:
    vouchers = _vouchers(5)
    assert not any(s.by_code for s in make_scans(vouchers, 4, 0.0, 3))
    assert all(s.by_code for s in make_scans(vouchers, 4, 1.0, 3))


def _scan(voucher: int) -> Scan:
    return Scan(voucher, False, f"n{voucher}", b"{}")


def test_near_in_plan() -> None:
    scans = [_scan(v) for v in (0, 1, 0, 2, 3, 4, 1)]
    assert near_in_plan(scans, 3) == 1  # voucher 0 (2 apart); voucher 1 is 5 apart
    assert near_in_plan(scans, 6) == 2
    assert near_in_plan(scans, 1) == 0


def test_overlapping_counts_vouchers_with_scans_in_flight_together() -> None:
    scans = [_scan(v) for v in (0, 0, 1, 1, 2, 2, 2)]
    outcomes = [
        Outcome(200, t0=0.0, t1=2.0),
        Outcome(409, t0=1.0, t1=3.0),  # overlaps the first scan of voucher 0
        Outcome(200, t0=0.0, t1=1.0),
        Outcome(409, t0=1.0, t1=2.0),  # starts as the other ends: not together
        Outcome(200, t0=0.0, t1=5.0),
        Outcome(409, t0=6.0, t1=7.0),
        Outcome(409, t0=4.0, t1=4.5),  # inside the first one, listed out of order
    ]
    assert overlapping(scans, outcomes) == 2


def test_tally_all_good() -> None:
    vouchers = _vouchers(2)
    scans = [_scan(v) for v in (0, 1, 0, 1, 0)]
    outcomes = [
        Outcome(200, voucher_id="v0"),
        Outcome(409, "already_redeemed"),
        Outcome(409, "already_redeemed"),
        Outcome(200, voucher_id="v1"),
        Outcome(409, "already_redeemed"),
    ]
    t = tally(vouchers, scans, outcomes)
    assert t.ok
    assert t.successes == 2 and t.vouchers_once == 2
    assert t.statuses == {200: 2, 409: 3}
    assert t.codes_409 == {"already_redeemed": 3}


def test_tally_flags_double_and_missing_redemptions_and_odd_answers() -> None:
    vouchers = _vouchers(3)
    scans = [_scan(v) for v in (0, 0, 1, 2, 2)]
    outcomes = [
        Outcome(200, voucher_id="v0"),
        Outcome(200, voucher_id="v0"),  # redeemed twice
        Outcome(409, "already_redeemed"),  # voucher 1 never answered 200
        Outcome(200, voucher_id="v1"),  # names another voucher
        Outcome(500, "internal_error"),
    ]
    t = tally(vouchers, scans, outcomes)
    assert not t.ok
    assert t.successes == 3  # as many 200s as vouchers, and still wrong
    assert t.vouchers_once == 1 and t.vouchers_never == 1 and t.vouchers_twice_or_more == 1
    assert t.wrong_voucher_in_200 == 1
    assert t.unexpected == 1
    d = t.as_dict()
    assert d["statuses"] == {"200": 3, "409": 1, "500": 1} and d["ok"] is False


def test_tally_counts_other_409_codes_as_unexpected() -> None:
    t = tally(
        _vouchers(1), [_scan(0), _scan(0)], [Outcome(200, voucher_id="v0"), Outcome(409, "x")]
    )
    assert t.unexpected == 1 and not t.ok


def _result(**over: object) -> dict:
    r = {
        "config": {"vouchers": 2},
        "purchases": {"created_201": 2},
        "redemptions": {
            "tally": tally(
                _vouchers(2),
                [_scan(0), _scan(1), _scan(1)],
                [
                    Outcome(200, voucher_id="v0"),
                    Outcome(200, voucher_id="v1"),
                    Outcome(409, "already_redeemed"),
                ],
            ).as_dict(),
            "redemptions_per_s": 1600.0,
            "latency_ms": {"p99": 49.9},
        },
        "retry_check": {"sent": 2, "ok_200": 2},
        "database": {"vouchers_by_status": {"redeemed": 2}},
        "verify": {"ok": True, "output": "ok"},
    }
    r.update(over)
    return r


def test_problems_empty_for_a_clean_run() -> None:
    assert problems(_result()) == []


def test_problems_are_loud() -> None:
    r = _result(
        purchases={"created_201": 1},
        retry_check={"sent": 2, "ok_200": 1},
        database={"vouchers_by_status": {"redeemed": 1}},
        verify={"ok": False, "output": "ledger: first bad row"},
    )
    got = problems(r)
    assert any(p.startswith("MISMATCH: 1 purchases") for p in got)
    assert any(p.startswith("RETRY MISMATCH: 1/2") for p in got)
    assert any("database holds 1 redeemed" for p in got)
    assert any(p.startswith("VERIFY FAILED") for p in got)
    r = _result()
    r["redemptions"]["tally"]["successes"] = 1
    assert any(p.startswith("MISMATCH: 1 successful redemptions") for p in problems(r))


def test_target() -> None:
    assert target_met({"redemptions_per_s": 1500.0, "latency_ms": {"p99": 49.9}})
    assert not target_met({"redemptions_per_s": 1499.9, "latency_ms": {"p99": 10.0}})
    assert not target_met({"redemptions_per_s": 2000.0, "latency_ms": {"p99": 50.0}})
    assert not target_met({"redemptions_per_s": 2000.0, "latency_ms": {"p99": None}})


def test_scan_body_is_compact_json() -> None:
    v = Voucher("v", "PH1.a.b", "ABCD")
    assert scan_body(v, False, "n1") == b'{"token":"PH1.a.b","nonce":"n1"}'
    assert scan_body(v, True, "n2") == b'{"code":"ABCD","nonce":"n2"}'


def test_cpu_split_busiest_first() -> None:
    assert cpu_split({1: 1.0, 2: 5.0}, {1: 4.04, 2: 5.0, 3: 0.5}) == [3.0, 0.5, 0.0]
