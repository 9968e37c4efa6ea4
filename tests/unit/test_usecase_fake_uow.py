"""The fake unit of work starts where the migrations leave a new database."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from domain.ledger.postings import chained_row
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import merchant, offer
from tests.fakes.governance import NJ_GT_V1_FROM, NJ_GT_V1_ID
from tests.fakes.ledger import SYSTEM_ACCOUNTS

NOW = datetime(2026, 3, 1, tzinfo=UTC)
VERSIONS = Path(__file__).parents[2] / "migrations" / "versions"


def migration_0002a():
    [path] = VERSIONS.glob("*-0002a_default_methodology.py")
    spec = importlib.util.spec_from_file_location("migration_0002a", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_fake_holds_the_methodology_and_accounts_the_migration_seeds() -> None:
    seeded = migration_0002a()
    uow = FakeUnitOfWork()
    [version] = await uow.methodologies.versions("NJ-GT")
    assert (version.id, version.params) == (seeded.NJ_GT_V1_ID, seeded.NJ_GT_V1_PARAMS)
    assert (NJ_GT_V1_ID, version.status, version.effective_from) == (
        seeded.NJ_GT_V1_ID,
        "published",
        NJ_GT_V1_FROM,
    )
    assert SYSTEM_ACCOUNTS == seeded.SYSTEM_ACCOUNTS
    assert {a for a, row in uow.ledger.accounts.items() if row.kind == "system"} == set(
        seeded.SYSTEM_ACCOUNTS
    )


async def test_a_rollback_returns_to_the_last_commit() -> None:
    uow = FakeUnitOfWork()
    uow.ledger.accounts.pop("sys:expiry")
    await uow.commit_stage()
    uow.ledger.accounts.pop("sys:donation")
    uow.emit("c", "e", {})
    uow.rollback()
    assert "sys:donation" in uow.ledger.accounts
    assert "sys:expiry" not in uow.ledger.accounts
    assert (uow.stages, uow.events, uow.published) == (1, [], [])


async def test_the_fake_ledger_refuses_what_the_database_refuses() -> None:
    uow = FakeUnitOfWork()
    await uow.ledger.ensure_accounts([("cit:c1", "citizen", "c1")], NOW)
    [account] = (await uow.ledger.lock_accounts(["cit:c1"])).values()
    row = chained_row(
        account, kind="earn", delta=5, counter_account="sys:issuance", key="k", ref=None, now=NOW
    )
    await uow.ledger.add_postings([row])
    with pytest.raises(IntegrityError, match="idempotency_key"):
        await uow.ledger.add_postings([{**row, "seq": 2}])
    account.balance = -1
    with pytest.raises(IntegrityError, match="balance_not_negative"):
        await uow.ledger.save_accounts([account])


async def test_a_held_account_is_skipped_until_its_holder_commits() -> None:
    uow = FakeUnitOfWork()
    await uow.ledger.ensure_accounts([("cit:c1", "citizen", "c1")], NOW)
    uow.ledger.hold("cit:c1", until_stage=1)
    assert await uow.ledger.lock_accounts(["cit:c1"], skip_locked=True) == {}
    with pytest.raises(RuntimeError, match="would wait"):
        await uow.ledger.lock_accounts(["cit:c1"])
    await uow.commit_stage()
    assert list(await uow.ledger.lock_accounts(["cit:c1"], skip_locked=True)) == ["cit:c1"]


async def test_stock_is_taken_only_while_some_is_left() -> None:
    uow = FakeUnitOfWork()
    store = merchant(uow, NOW)
    sale = offer(uow, store.merchant_id, NOW, stock=1)
    assert await uow.offers.take_one(sale.id) == 0
    assert await uow.offers.take_one(sale.id) is None
    await uow.offers.put_back_one(sale.id)
    await uow.offers.put_back_one(sale.id)
    assert sale.stock_left == 1  # never above the total either
