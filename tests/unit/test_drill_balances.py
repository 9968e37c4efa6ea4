"""The fault drill's ledger checks: postings sum to zero, earn postings come from sys:issuance,
cached balances, entry counts and lots equal what the postings say."""

from __future__ import annotations

from bench.drill.balances import (
    AccountRow,
    Flow,
    cached_balances,
    earn_from_issuance,
    nets,
    postings_sum_to_zero,
)

ISS = "sys:issuance"
ACCOUNTS = [
    AccountRow(ISS, "system", 0, 0),
    AccountRow("cit:a", "citizen", 30, 2),
    AccountRow("cit:b", "citizen", 5, 1),
]
FLOWS = [Flow("earn", ISS, "cit:a", 2, 30), Flow("earn", ISS, "cit:b", 1, 5)]
CHAINS = {"cit:a": 2, "cit:b": 1}
LOTS = {"cit:a": 30, "cit:b": 5}


def test_nets_are_credits_minus_debits_per_account() -> None:
    flows = [*FLOWS, Flow("redeem", "cit:a", "sys:merchant:m1", 1, 10)]
    assert nets(flows) == {ISS: -35, "cit:a": 20, "cit:b": 5, "sys:merchant:m1": 10}


def test_a_consistent_ledger_passes_every_check() -> None:
    checks = [
        postings_sum_to_zero(FLOWS),
        earn_from_issuance(FLOWS, ACCOUNTS, credited_points=35),
        *cached_balances(FLOWS, ACCOUNTS, CHAINS, LOTS),
    ]
    assert [c.ok for c in checks] == [True, True, True, True]
    assert checks[0].detail == "3 postings, 35 points moved; the nets of 3 accounts sum to 0"


def test_a_posting_with_no_amount_or_one_account_on_both_sides_fails_the_sum() -> None:
    assert not postings_sum_to_zero([*FLOWS, Flow("earn", ISS, "cit:a", 1, 0)]).ok
    assert not postings_sum_to_zero([*FLOWS, Flow("earn", "cit:a", "cit:a", 1, 4)]).ok


def test_earn_not_from_issuance_or_not_matching_the_credited_trips_fails() -> None:
    stray = [*FLOWS, Flow("earn", "sys:other", "cit:a", 1, 3)]
    accounts = [*ACCOUNTS, AccountRow("sys:other", "system", 0, 0)]
    assert not earn_from_issuance(stray, accounts, credited_points=38).ok
    to_system = [Flow("earn", ISS, "sys:other", 1, 35)]
    assert not earn_from_issuance(to_system, accounts, credited_points=35).ok
    assert not earn_from_issuance(FLOWS, ACCOUNTS, credited_points=36).ok  # a credit unposted


def test_a_cached_balance_off_by_one_is_named() -> None:
    accounts = [ACCOUNTS[0], AccountRow("cit:a", "citizen", 31, 2), ACCOUNTS[2]]
    balance, lots = cached_balances(FLOWS, accounts, CHAINS, {"cit:a": 31, "cit:b": 5})
    assert not balance.ok and "balance differs on 1 ['cit:a']" in balance.detail
    assert lots.ok  # the lots agree with the (wrong) cached balance; the first check caught it


def test_a_cached_entry_count_that_is_not_the_chain_length_fails() -> None:
    balance, _ = cached_balances(FLOWS, ACCOUNTS, {"cit:a": 3, "cit:b": 1}, LOTS)
    assert not balance.ok and "entries on 1 ['cit:a']" in balance.detail


def test_lots_that_do_not_add_up_to_the_balance_fail() -> None:
    _, lots = cached_balances(FLOWS, ACCOUNTS, CHAINS, {"cit:a": 29, "cit:b": 5})
    assert not lots.ok and "differ on 1 accounts ['cit:a']" in lots.detail


def test_postings_of_an_account_the_ledger_does_not_list_fail() -> None:
    flows = [*FLOWS, Flow("earn", ISS, "cit:ghost", 1, 2)]
    balance, _ = cached_balances(flows, ACCOUNTS, CHAINS, LOTS)
    assert not balance.ok and "unknown accounts ['cit:ghost']" in balance.detail


def test_system_accounts_keep_no_cached_balance_and_are_not_held_to_one() -> None:
    accounts = [AccountRow(ISS, "system", 999, 0), *ACCOUNTS[1:]]
    assert all(c.ok for c in cached_balances(FLOWS, accounts, CHAINS, LOTS))
