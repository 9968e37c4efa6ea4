"""The daily reconciliation of our payments against the payment service's trade bill (对账).

`reconcile` downloads the bill of a Beijing day first (no connection is held while the payment
service answers; a bill that cannot be trusted raises before anything is written), then, under
the job lock, compares its lines with our orders:

- a payment line (`paid`) whose order is not paid here: `missing_here` (a notice lost and never
  queried; the item names the order's status, or that there is no such order);
- a payment line whose amount is not what we recorded as taken: `amount_differs`;
- an order paid here that day (delivered, paid_late, refunding, refunded; by `paid_at`) without
  a payment line: `missing_there`;
- a refund line whose order is not refunded here: `refund_missing_here`; refunded for another
  amount: `refund_amount_differs`; refunded here that day (by `refunded_at`) without a refund
  line: `refund_missing_there`;
- a line the market never makes (revoked, an unknown state): `unexpected_line`.

Each mismatch is an item, unique per (day, kind, order): a run repeated adds none twice, leaves
resolved ones as they are, refreshes open ones, and resolves (`cleared`) the open ones it no
longer finds. Every run is recorded with its counts.

Staff resolve an item (`resolve`): `settle` for a `missing_here` whose order is still pending
or closed asks the payment service for the order and settles it through
delivery.settle_status, the same exactly-once path as a notice; anything else gets a note.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from domain.clock import SHANGHAI
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.market import delivery
from domain.market.payments import BillEntry, PaymentGateway
from domain.persistence.tables import MarketOrder, ReconciliationItem, ReconciliationRun
from domain.persistence.uow import UnitOfWork

LOCK = "market-reconcile-payments"
PAID = ("delivered", "paid_late", "refunding", "refunded")  # the payment was taken
SETTLEABLE = ("pending", "closed")  # a payment there can still be settled here
ItemKind = Literal[
    "missing_here",
    "amount_differs",
    "missing_there",
    "refund_missing_here",
    "refund_amount_differs",
    "refund_missing_there",
    "unexpected_line",
]
Action = Literal["settle", "note"]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Beijing calendar day, in UTC."""
    start = datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), SHANGHAI).astimezone(UTC)


async def reconcile(
    uow: UnitOfWork,
    gateway: PaymentGateway,
    day: date,
    now: datetime,
    *,
    by: str = "system",
) -> ReconciliationRun | None:
    """Reconcile `day`; the run, or None when another process holds the lock."""
    if day > now.astimezone(SHANGHAI).date():
        raise InvalidInput(f"{day} has not begun yet in Beijing", code="day_in_future")
    entries = await gateway.trade_bill(day)  # before any statement: no connection held
    if not await uow.jobs.try_lock(LOCK):
        return None
    found, matched, ours = await _compare(uow, entries, day)
    run = ReconciliationRun(
        id=new_id(),
        day=day,
        bill_rows=len(entries),
        our_rows=ours,
        matched=matched,
        items=len(found),
        ran_by=by,
        ran_at=now,
    )
    uow.reconciliation.add_run(run)
    rows = [{**row, "day": day, "run_id": run.id, "found_at": now} for row in found]
    await uow.reconciliation.upsert_items(rows)
    still = {(row["kind"], row["order_no"]) for row in found}
    await uow.reconciliation.clear_gone(day, still, by, now)
    await uow.flush()
    return run


async def _compare(
    uow: UnitOfWork, entries: list[BillEntry], day: date
) -> tuple[list[dict[str, Any]], int, int]:
    """(the mismatches as item rows, how many bill lines matched, how many rows are ours)."""
    start, end = day_bounds(day)
    paid_here = await uow.reconciliation.paid_between(start, end, PAID)
    refunded_here = await uow.reconciliation.refunded_between(start, end)
    known = await uow.reconciliation.orders(e.order_no for e in entries)
    found: list[dict[str, Any]] = []
    matched = 0
    paid_there: set[str] = set()
    refunds: dict[str, list[BillEntry]] = defaultdict(list)
    for entry in entries:
        if entry.state == "paid":
            paid_there.add(entry.order_no)
            item = _paid_line(entry, known.get(entry.order_no))
        elif entry.state == "refunded":
            refunds[entry.order_no].append(entry)
            continue
        else:
            item = _item("unexpected_line", entry.order_no, entry.transaction_id, None)
            item.update(bill_fen=entry.amount_fen, detail=f"a bill line in state {entry.state}")
        if item is None:
            matched += 1
        else:
            found.append(item)
    for order_no, lines in refunds.items():
        item = _refund_lines(order_no, lines, known.get(order_no))
        if item is None:
            matched += len(lines)
        else:
            found.append(item)
    for order in paid_here:
        if order.id not in paid_there:
            item = _item("missing_there", order.id, order.transaction_id, order)
            item.update(
                our_fen=order.paid_fen,
                detail=f"paid here at {order.paid_at:%Y-%m-%d %H:%M:%S}Z "
                "but not in the WeChat Pay bill of the day",
            )
            found.append(item)
    for order in refunded_here:
        if order.id not in refunds:
            item = _item("refund_missing_there", order.id, order.transaction_id, order)
            item.update(
                our_fen=order.paid_fen,
                detail="refunded here that day but no refund line in the WeChat Pay bill",
            )
            found.append(item)
    return found, matched, len(paid_here) + len(refunded_here)


def _item(
    kind: ItemKind, order_no: str, transaction_id: str | None, order: MarketOrder | None
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "kind": kind,
        "order_no": order_no[:64],
        "transaction_id": transaction_id[:64] if transaction_id else None,
        "order_status": order.status if order is not None else None,
        "bill_fen": None,
        "our_fen": None,
        "detail": "",
        "status": "open",
    }


def _paid_line(entry: BillEntry, order: MarketOrder | None) -> dict[str, Any] | None:
    if order is None or order.status not in PAID:
        item = _item("missing_here", entry.order_no, entry.transaction_id, order)
        state = "there is no such order here" if order is None else f"the order is {order.status}"
        if order is not None and order.status in SETTLEABLE:
            state += " here: settle it"
        item.update(
            bill_fen=entry.amount_fen,
            our_fen=order.amount_fen if order is not None else None,
            detail=f"paid at WeChat Pay ({entry.amount_fen} fen) but {state}",
        )
        return item
    if entry.amount_fen != order.paid_fen:
        item = _item("amount_differs", entry.order_no, entry.transaction_id, order)
        item.update(
            bill_fen=entry.amount_fen,
            our_fen=order.paid_fen,
            detail=f"WeChat Pay took {entry.amount_fen} fen, we recorded {order.paid_fen} fen",
        )
        return item
    return None


def _refund_lines(
    order_no: str, lines: list[BillEntry], order: MarketOrder | None
) -> dict[str, Any] | None:
    refunded = sum(line.refund_fen for line in lines)
    transaction_id = lines[0].transaction_id
    if order is None or order.status != "refunded":
        item = _item("refund_missing_here", order_no, transaction_id, order)
        state = "there is no such order here" if order is None else f"the order is {order.status}"
        item.update(
            bill_fen=refunded,
            our_fen=None if order is None else order.paid_fen,
            detail=f"refunded at WeChat Pay ({refunded} fen) but {state}",
        )
        return item
    if refunded != order.paid_fen:
        item = _item("refund_amount_differs", order_no, transaction_id, order)
        item.update(
            bill_fen=refunded,
            our_fen=order.paid_fen,
            detail=f"WeChat Pay refunded {refunded} fen, we refunded {order.paid_fen} fen",
        )
        return item
    return None


# -- staff ---------------------------------------------------------------------------------------


async def run_again(
    uow: UnitOfWork, gateway: PaymentGateway | None, actor: Actor, day: date, now: datetime
) -> ReconciliationRun:
    """A staff member reconciles a day (again): audited."""
    if gateway is None:
        raise payments_not_configured()
    run = await reconcile(uow, gateway, day, now, by=actor.id)
    if run is None:
        raise Conflict("payments are being reconciled right now; try again", code="busy")
    after = {"day": day.isoformat(), "matched": run.matched, "items": run.items}
    record(uow, actor, "market.reconciliation.run", "reconciliation_run", run.id, None, after, now)
    return run


async def get_item(uow: UnitOfWork, item_id: str) -> ReconciliationItem:
    item = await uow.reconciliation.item(item_id)
    if item is None:
        raise NotFound("no such reconciliation item", code="reconciliation_item_not_found")
    return item


async def resolve(
    uow: UnitOfWork,
    gateway: PaymentGateway | None,
    actor: Actor,
    item_id: str,
    *,
    action: Action,
    note: str,
    now: datetime,
) -> ReconciliationItem:
    """Resolve an open item: `settle` (a payment there, an order pending or closed here) or
    `note` (a note is required)."""
    item = await get_item(uow, item_id)
    if item.status != "open":
        raise Conflict(
            f"this item was resolved ({item.resolution}) at {item.resolved_at}",
            code="already_resolved",
        )
    note = note.strip()
    outcome: str | None = None
    if action == "note":
        if not note:
            raise InvalidInput("say how it was resolved", code="note_required", field="note")
    else:
        outcome = await _settle(uow, gateway, item, now)
    if not await uow.reconciliation.resolve(
        item.id, by=actor.id, now=now, resolution=action, outcome=outcome, note=note or None
    ):
        raise Conflict("this item was resolved meanwhile", code="already_resolved")
    record(
        uow,
        actor,
        "market.reconciliation.resolve",
        "reconciliation_item",
        item.id,
        {"status": "open", "kind": item.kind, "order_no": item.order_no},
        {"resolution": action, "outcome": outcome, "note": note or None},
        now,
    )
    return await get_item(uow, item.id)


async def _settle(
    uow: UnitOfWork, gateway: PaymentGateway | None, item: ReconciliationItem, now: datetime
) -> str:
    """Ask the payment service for the order and settle it exactly once (delivery.py)."""
    order = await uow.market.fresh_order(item.order_no)
    if item.kind != "missing_here" or order is None or order.status not in SETTLEABLE:
        status = "no order" if order is None else f"an order {order.status}"
        raise Conflict(
            f"only a payment missing here on an order pending or closed is settled ({item.kind}, "
            f"{status}); resolve it with a note",
            code="not_settleable",
        )
    if gateway is None:
        raise payments_not_configured()
    await uow.commit_stage()  # nothing held while WeChat Pay answers
    status = await gateway.status(order.id)
    outcome = await delivery.settle_status(uow, status, now)
    if outcome is None:
        raise Conflict(
            f"WeChat Pay says order {order.id} is {status.state}: nothing to settle",
            code="not_paid_there",
            state=status.state,
        )
    return outcome


def payments_not_configured() -> Conflict:
    """What an entry point without a payment service answers (a setting, not an outage)."""
    return Conflict(
        "payments are not configured on this service (PUHUI_WECHATPAY)",
        code="payments_not_configured",
    )
