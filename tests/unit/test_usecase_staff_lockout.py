"""Staff sign-in lockout over the fake unit of work: wrong passwords lock the username, the
lock holds against the right password until it ends, a success resets the count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.governance.audit import CLI
from domain.identity import staff
from domain.identity.lockout import AccountLocked, LockoutPolicy
from domain.identity.principal import Role
from domain.identity.staff import BadCredentials
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
POLICY = LockoutPolicy(max_failures=3, window=timedelta(minutes=15), lock=timedelta(minutes=10))


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lockout's rules are under test here, not Argon2 (tests/api cover the real hash)."""

    async def cheap_hash(password: str) -> str:
        return f"plain:{password}"

    async def cheap_check(hashed: str | None, password: str) -> bool:
        return hashed == f"plain:{password}"

    monkeypatch.setattr(staff, "hash_password_off_loop", cheap_hash)
    monkeypatch.setattr(staff, "check_password", cheap_check)


async def _uow_with(username: str = "ops1") -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    async with uow.transaction():
        await staff.create(
            uow,
            CLI,
            username=username,
            password=PASSWORD,
            role=Role.OPERATIONS,
            merchant_id=None,
            now=NOW,
        )
    return uow


async def _sign_in(uow: FakeUnitOfWork, password: str, at: datetime, username: str = "ops1"):
    """One request: its transaction rolls back when the sign-in is refused."""
    async with uow.transaction():
        return await staff.authenticate(uow, username, password, at, POLICY)


async def test_the_last_allowed_failure_locks_and_the_lock_holds_against_the_right_password():
    uow = await _uow_with()
    for minute in range(POLICY.max_failures - 1):
        with pytest.raises(BadCredentials):
            await _sign_in(uow, "wrong password", NOW + timedelta(minutes=minute))
    with pytest.raises(AccountLocked) as last:
        await _sign_in(uow, "wrong password", NOW + timedelta(minutes=2))
    assert last.value.extra["retry_after"] == 600

    with pytest.raises(AccountLocked) as refused:
        await _sign_in(uow, PASSWORD, NOW + timedelta(minutes=7))
    assert refused.value.code == "account_locked"
    assert refused.value.extra["retry_after"] == 300  # the lock set at minute 2 ends at 12
    # refusals while locked are not counted and do not extend the lock
    assert uow.staff_logins.rows["ops1"].failures == POLICY.max_failures

    account = await _sign_in(uow, PASSWORD, NOW + timedelta(minutes=12))
    assert account.username == "ops1"
    assert "ops1" not in uow.staff_logins.rows


async def test_failures_are_recorded_although_each_request_rolls_back():
    uow = await _uow_with()
    with pytest.raises(BadCredentials):
        await _sign_in(uow, "wrong password", NOW)
    assert uow.stages >= 1
    assert uow.staff_logins.rows["ops1"].failures == 1


async def test_a_success_resets_the_count():
    uow = await _uow_with()
    for minute in range(POLICY.max_failures - 1):
        with pytest.raises(BadCredentials):
            await _sign_in(uow, "wrong password", NOW + timedelta(minutes=minute))
    await _sign_in(uow, PASSWORD, NOW + timedelta(minutes=3))
    for minute in range(POLICY.max_failures - 1):  # as many again: still not locked
        with pytest.raises(BadCredentials):
            await _sign_in(uow, "wrong password", NOW + timedelta(minutes=4 + minute))
    assert (await _sign_in(uow, PASSWORD, NOW + timedelta(minutes=6))).username == "ops1"


async def test_failures_older_than_the_window_do_not_count():
    uow = await _uow_with()
    for minute in range(POLICY.max_failures - 1):
        with pytest.raises(BadCredentials):
            await _sign_in(uow, "wrong password", NOW + timedelta(minutes=minute))
    later = NOW + POLICY.window + timedelta(minutes=1)
    with pytest.raises(BadCredentials):  # a fresh window: 1 failure, not max_failures
        await _sign_in(uow, "wrong password", later)
    assert uow.staff_logins.rows["ops1"].failures == 1


async def test_unknown_usernames_lock_alike_so_a_lock_reveals_nothing():
    uow = await _uow_with()
    for minute in range(POLICY.max_failures - 1):
        with pytest.raises(BadCredentials):
            await _sign_in(uow, "guess", NOW + timedelta(minutes=minute), username="ghost")
    with pytest.raises(AccountLocked):
        await _sign_in(uow, "guess", NOW + timedelta(minutes=3), username="ghost")


async def test_the_username_is_counted_as_it_is_stored():
    uow = await _uow_with()
    for minute in range(POLICY.max_failures):
        with pytest.raises((BadCredentials, AccountLocked)):
            await _sign_in(uow, "wrong password", NOW + timedelta(minutes=minute), " OPS1 ")
    with pytest.raises(AccountLocked):
        await _sign_in(uow, PASSWORD, NOW + timedelta(minutes=4))


async def test_names_no_account_can_have_are_refused_without_a_count():
    uow = await _uow_with()
    with pytest.raises(BadCredentials):
        await _sign_in(uow, "guess", NOW, username="x" * 65)
    assert uow.staff_logins.rows == {}


async def test_old_counts_are_purged():
    uow = await _uow_with()
    with pytest.raises(BadCredentials):
        await _sign_in(uow, "guess", NOW, username="ghost")
    with pytest.raises(BadCredentials):
        await _sign_in(uow, "guess", NOW + POLICY.window + timedelta(minutes=1), username="ghost2")
    assert set(uow.staff_logins.rows) == {"ghost2"}
