"""The drill's database (a fresh `puhui_drill_<random>`, dropped after) and what is read back
from it at the end: the operator's trips, the earn postings, the ledger's aggregates."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bench.drill.accounting import Earn, StoredTrip
from bench.drill.balances import AccountRow, Flow
from bench.ingest.database import PostgresBackend


class DrillDatabase(PostgresBackend):
    def __init__(self) -> None:
        super().__init__()
        self.db = f"puhui_drill_{secrets.token_hex(4)}"
        self.url = f"{self.url.rsplit('/', 1)[0]}/{self.db}"


@dataclass
class Snapshot:
    trips: list[StoredTrip]
    earns: list[Earn]
    flows: list[Flow]
    accounts: list[AccountRow]
    chain_lengths: dict[str, int]
    lots_remaining: dict[str, int]
    credited_points: int


async def _rows(url: str, sql: str, *args: object) -> list:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def postings(url: str) -> int:
    return int((await _rows(url, "SELECT count(*) FROM ledger_postings"))[0][0])


async def snapshot(url: str, operator_id: str) -> Snapshot:
    trips = await _rows(
        url,
        "SELECT id, external_trip_id, status, reason, points FROM trips WHERE operator_id = $1",
        operator_id,
    )
    earns = await _rows(url, "SELECT trip_id, amount FROM ledger_postings WHERE kind = 'earn'")
    flows = await _rows(
        url,
        "SELECT kind, debit_account, credit_account, count(*), sum(amount) FROM ledger_postings"
        " GROUP BY 1, 2, 3",
    )
    accounts = await _rows(url, "SELECT id, kind, balance, entries FROM ledger_accounts")
    chains = await _rows(
        url, "SELECT chain_account, count(*) FROM ledger_postings GROUP BY chain_account"
    )
    lots = await _rows(
        url, "SELECT account_id, sum(remaining) FROM points_lots GROUP BY account_id"
    )
    credited = await _rows(
        url, "SELECT coalesce(sum(points), 0) FROM trips WHERE status = 'credited'"
    )
    return Snapshot(
        trips=[StoredTrip(r[0], r[1], r[2], r[3], int(r[4] or 0)) for r in trips],
        earns=[Earn(r[0], int(r[1])) for r in earns],
        flows=[Flow(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in flows],
        accounts=[AccountRow(r[0], r[1], int(r[2] or 0), int(r[3] or 0)) for r in accounts],
        chain_lengths={r[0]: int(r[1]) for r in chains},
        lots_remaining={r[0]: int(r[1]) for r in lots},
        credited_points=int(credited[0][0]),
    )
