"""Offers: what alliance merchants sell for points. Staff approve an offer before it goes live."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.clock import instant
from domain.errors import Conflict, Gone, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import Offer
from domain.persistence.uow import UnitOfWork

MAX_VOUCHER_DAYS = 366
_DECISIONS = {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}
_FROM = {"approve": {"pending"}, "reject": {"pending"}, "withdraw": {"pending", "approved"}}


class OfferDraft(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    description: str = ""
    points_price: int
    stock: int
    per_citizen_limit: int = 1
    valid_from: datetime
    valid_until: datetime
    voucher_days: int = 30


class OfferNotFound(NotFound):
    """No such offer, or it is not live."""

    code = "offer_not_found"


class OfferEnded(Gone):
    """The offer has ended or was withdrawn."""

    code = "offer_ended"


def _validated(draft: OfferDraft) -> OfferDraft:
    draft = msgspec.structs.replace(
        draft,
        valid_from=instant(draft.valid_from, "valid_from"),
        valid_until=instant(draft.valid_until, "valid_until"),
    )
    problems = []
    if not draft.title.strip():
        problems.append("title must not be blank")
    if draft.points_price <= 0:
        problems.append("points_price must be positive")
    if draft.stock <= 0:
        problems.append("stock must be positive")
    if draft.per_citizen_limit <= 0:
        problems.append("per_citizen_limit must be positive")
    if not 0 < draft.voucher_days <= MAX_VOUCHER_DAYS:
        problems.append(f"voucher_days must be between 1 and {MAX_VOUCHER_DAYS}")
    if draft.valid_until <= draft.valid_from:
        problems.append("valid_until must be after valid_from")
    if problems:
        raise InvalidInput("; ".join(problems), code="invalid_offer")
    return draft


async def create(
    uow: UnitOfWork, actor: Actor, merchant_id: str, draft: OfferDraft, now: datetime
) -> Offer:
    """A new offer, `pending` until staff approve it."""
    draft = _validated(draft)
    merchant = await uow.merchants.get(merchant_id)
    if merchant is None:
        raise NotFound("no such merchant", code="merchant_not_found")
    if merchant.status != "approved":
        raise Conflict("the merchant is not an approved member", code="merchant_not_approved")
    offer = Offer(
        id=new_id(),
        merchant_id=merchant_id,
        title=draft.title.strip(),
        description=draft.description.strip(),
        points_price=draft.points_price,
        stock_total=draft.stock,
        stock_left=draft.stock,
        per_citizen_limit=draft.per_citizen_limit,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
        voucher_days=draft.voucher_days,
        status="pending",
        created_by=actor.id,
        created_at=now,
    )
    uow.offers.add(offer)
    record(uow, actor, "offer.create", "offer", offer.id, None, summary(offer), now)
    return offer


async def decide(
    uow: UnitOfWork, actor: Actor, offer_id: str, decision: str, now: datetime
) -> Offer:
    offer = await uow.offers.get(offer_id)
    if offer is None:
        raise OfferNotFound(f"no offer {offer_id}")
    if decision not in _DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}", code="invalid_decision")
    if offer.status not in _FROM[decision]:
        raise Conflict(f"cannot {decision} a {offer.status} offer", code="invalid_transition")
    before = summary(offer)
    offer.status = _DECISIONS[decision]
    offer.decided_by = actor.id
    offer.decided_at = now
    record(uow, actor, f"offer.{decision}", "offer", offer.id, before, summary(offer), now)
    return offer


async def live(uow: UnitOfWork, offer_id: str, now: datetime) -> Offer:
    """The offer if citizens can buy it now: 404 if unknown or not yet live, 410 if over."""
    offer = await uow.offers.get(offer_id)
    if offer is None or offer.status in ("pending", "rejected") or offer.valid_from > now:
        raise OfferNotFound(f"no live offer {offer_id}")
    if offer.status == "withdrawn" or offer.valid_until <= now:
        raise OfferEnded(f"offer {offer_id} has ended")
    merchant = await uow.merchants.get(offer.merchant_id)
    if merchant is None or merchant.status != "approved":
        raise OfferEnded(
            f"offer {offer_id} is off sale: its merchant is {merchant and merchant.status}"
        )
    return offer


def summary(offer: Offer) -> dict[str, object]:
    return {
        "merchant_id": offer.merchant_id,
        "title": offer.title,
        "points_price": offer.points_price,
        "stock_total": offer.stock_total,
        "per_citizen_limit": offer.per_citizen_limit,
        "valid_from": offer.valid_from.isoformat(),
        "valid_until": offer.valid_until.isoformat(),
        "voucher_days": offer.voucher_days,
        "status": offer.status,
    }
