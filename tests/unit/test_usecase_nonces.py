"""Operator nonces over the fake unit of work: once per key, kept exactly as long as the
timestamp window could let the request in again, unspent by a request that rolled back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.operators import nonces
from domain.operators.signing import WINDOW_SECONDS, BadSignature
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 3, 1, 8, tzinfo=UTC)
SENT = int(NOW.timestamp())


async def test_a_nonce_is_accepted_once_per_key() -> None:
    uow = FakeUnitOfWork()
    await nonces.accept(uow, "key-a", "n-1", SENT)
    with pytest.raises(BadSignature) as refused:
        await nonces.accept(uow, "key-a", "n-1", SENT + 10)
    assert refused.value.code == "nonce_reused"
    await nonces.accept(uow, "key-b", "n-1", SENT)  # another key's nonces are its own


async def test_a_request_that_rolled_back_did_not_spend_its_nonce() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(RuntimeError):
        async with uow.transaction():
            await nonces.accept(uow, "key-a", "n-1", SENT)
            raise RuntimeError("the batch was refused")
    await nonces.accept(uow, "key-a", "n-1", SENT)


@pytest.mark.parametrize("nonce", ["a b", "tab\tx", "é", "\x7f"])
async def test_nonces_are_visible_ascii(nonce: str) -> None:
    with pytest.raises(BadSignature) as refused:
        await nonces.accept(FakeUnitOfWork(), "key-a", nonce, SENT)
    assert refused.value.code == "bad_nonce"


async def test_a_nonce_is_kept_while_its_timestamp_could_pass_the_window() -> None:
    uow = FakeUnitOfWork()
    await nonces.accept(uow, "key-a", "late", SENT + WINDOW_SECONDS)  # from a fast clock
    last_chance = NOW + timedelta(seconds=2 * WINDOW_SECONDS)
    assert await nonces.prune(uow, last_chance) == 0
    assert await nonces.prune(uow, last_chance + nonces.CLOCK_MARGIN) == 0
    assert await nonces.prune(uow, last_chance + nonces.CLOCK_MARGIN + timedelta(seconds=1)) == 1
