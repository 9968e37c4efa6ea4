"""After the timed phase, from the database: was every order the clients placed delivered, and
exactly once? Per order: status `delivered`, one registry movement out of the listing's escrow
(actor `market:{order id}`), one payment notice that delivered, one `mkt_pay` posting; and the
listings sold what was ordered, with nothing left reserved."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

_PER_ORDER = sa.text(
    """
    SELECT o.id, o.status, o.quantity,
      (SELECT count(*) FROM registry_movements m WHERE m.actor = 'market:' || o.id) AS movements,
      (SELECT count(*) FROM payment_notices n
        WHERE n.order_id = o.id AND n.kind = 'paid' AND n.outcome = 'delivered') AS notices,
      (SELECT count(*) FROM ledger_postings p
        WHERE p.idempotency_key = 'mkt:' || o.id || ':' || 'pay') AS payments
    FROM market_orders o
    """
)
_LISTINGS = sa.text(
    "SELECT coalesce(sum(sold), 0), coalesce(sum(reserved), 0), coalesce(sum(available), 0)"
    " FROM listings"
)


async def settlement(url: str, ordered: dict[str, int]) -> dict[str, Any]:
    """What the database says of the orders placed (`ordered`: order id -> quantity)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(_PER_ORDER)).all()
            sold, reserved, available = (await conn.execute(_LISTINGS)).one()
    finally:
        await engine.dispose()
    by_status: dict[str, int] = {}
    once, wrong = 0, []
    for order_id, status, quantity, movements, notices, payments in rows:
        by_status[status] = by_status.get(status, 0) + 1
        good = (
            status == "delivered"
            and (movements, notices, payments) == (1, 1, 1)
            and ordered.get(order_id) == quantity
        )
        once += good
        if not good and len(wrong) < 10:
            wrong.append(
                f"{order_id}: {status}, {movements} movements, {notices} delivering notices, "
                f"{payments} payments, {quantity} t (client: {ordered.get(order_id)})"
            )
    unknown = set(ordered) - {r[0] for r in rows}
    tonnes = sum(ordered.values())
    return {
        "orders_in_db": len(rows),
        "by_status": by_status,
        "delivered_exactly_once": once,
        "missing_in_db": len(unknown),
        "tonnes_ordered": tonnes,
        "listings": {"sold": int(sold), "reserved": int(reserved), "available": int(available)},
        "ok": once == len(ordered) == len(rows) and int(sold) == tonnes and int(reserved) == 0,
        "wrong_samples": wrong,
    }
