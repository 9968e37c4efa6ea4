"""Setup over HTTP, before the timed phases: a merchant with a store and a cashier, one approved
offer, and V / 10 citizens signed in, consenting and given 10 vouchers' worth of points through
four-eyes adjustments (admin A proposes, admin B approves)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.ingest.report import log
from bench.ingest.stats import dist_summary
from bench.redeem.config import CONSENT_VERSION, PER_CITIZEN, POINTS_PRICE, VOUCHER_DAYS, Config


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def expect(r: httpx.Response, what: str, *statuses: int) -> Any:
    """The JSON body of a response with one of these statuses (any 2xx if none given)."""
    good = r.status_code in statuses if statuses else 200 <= r.status_code < 300
    if not good:
        raise RuntimeError(
            f"{what}: {r.request.method} {r.request.url.path} -> HTTP {r.status_code} "
            f"{r.text[:800]}"
        )
    return r.json() if r.content else None


@dataclass
class Setup:
    admin_a: str = ""  # access tokens
    admin_b: str = ""
    cashier: str = ""
    merchant_id: str = ""
    store_id: str = ""
    offer_id: str = ""
    citizens: list[tuple[str, str]] = field(default_factory=list)  # (citizen_id, access token)
    step_s: dict[str, float] = field(default_factory=dict)
    request_ms: dict[str, Any] = field(default_factory=dict)


async def staff_login(c: httpx.AsyncClient, username: str, password: str) -> str:
    r = await c.post("/v1/auth/staff", json={"username": username, "password": password})
    return expect(r, f"staff sign-in {username}", 200)["access_token"]


async def merchant_and_offer(
    base: str, cfg: Config, setup: Setup, run: str, admins: tuple[tuple[str, str], ...]
) -> None:
    """Admins sign in; merchant, store, cashier account (signed in too), offer approved."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        setup.admin_a = await staff_login(c, *admins[0])
        setup.admin_b = await staff_login(c, *admins[1])
        a, b = bearer(setup.admin_a), bearer(setup.admin_b)

        r = await c.post("/v1/admin/merchants", json={"name": f"Bench Café {run}"}, headers=a)
        setup.merchant_id = expect(r, "create merchant")["merchant_id"]
        r = await c.post(
            f"/v1/admin/merchants/{setup.merchant_id}/stores",
            json={"name": "Bench store Xinjiekou", "address": "1 Zhongshan Rd, Nanjing"},
            headers=a,
        )
        setup.store_id = expect(r, "create store")["store_id"]

        cashier_user, cashier_pw = f"bench-cashier-{run}", uuid.uuid4().hex
        r = await c.post(
            "/v1/admin/staff",
            json={
                "username": cashier_user,
                "password": cashier_pw,
                "role": "merchant",
                "merchant_id": setup.merchant_id,
                "store_id": setup.store_id,
            },
            headers=a,
        )
        expect(r, "create cashier")
        setup.cashier = await staff_login(c, cashier_user, cashier_pw)

        now = datetime.now(UTC)
        r = await c.post(
            "/v1/admin/offers",
            json={
                "merchant_id": setup.merchant_id,
                "title": "Bench coffee",
                "description": "One coffee, benchmark offer",
                "points_price": POINTS_PRICE,
                "stock": cfg.vouchers,
                "per_citizen_limit": PER_CITIZEN,
                "valid_from": (now - timedelta(hours=1)).isoformat(),
                "valid_until": (now + timedelta(days=30)).isoformat(),
                "voucher_days": VOUCHER_DAYS,
            },
            headers=a,
        )
        offer = expect(r, "create offer")
        setup.offer_id = offer["offer_id"]
        if offer.get("status") != "pending":
            log(f"  note: a new offer answered status {offer.get('status')!r}, expected 'pending'")
        r = await c.post(f"/v1/admin/offers/{setup.offer_id}/approve", headers=b)
        status = expect(r, "approve offer").get("status")
        if status != "approved":
            raise RuntimeError(f"approve offer: status {status!r} in {r.text[:400]}")


async def fund_citizens(base: str, cfg: Config, setup: Setup, run: str) -> None:
    """Per citizen: dev login, consent, an adjustment of 10 vouchers' worth proposed by admin A
    and approved by admin B."""
    n = cfg.citizens
    out: list[tuple[str, str] | None] = [None] * n
    next_i = iter(range(n))
    done = 0
    step = max(n // 5, 1)
    t0 = time.perf_counter()
    step_ms: dict[str, list[float]] = defaultdict(list)
    a, b = bearer(setup.admin_a), bearer(setup.admin_b)

    async def timed(name: str, call: Any) -> httpx.Response:
        t = time.perf_counter()
        r = await call
        step_ms[name].append((time.perf_counter() - t) * 1000)
        return r

    async def worker(c: httpx.AsyncClient) -> None:
        nonlocal done
        for i in next_i:
            r = await timed(
                "dev_login", c.post("/v1/auth/dev", json={"openid": f"bench-redeem-{run}-{i}"})
            )
            me = expect(r, "dev login", 200)
            auth = bearer(me["access_token"])
            r = await timed(
                "consent", c.put("/v1/me/consent", json={"version": CONSENT_VERSION}, headers=auth)
            )
            expect(r, "consent")
            body = {
                "citizen_id": me["citizen_id"],
                "points": PER_CITIZEN * POINTS_PRICE,
                "reason": "bench",
            }
            r = await timed(
                "adjust_propose",
                c.post(
                    "/v1/admin/adjustments",
                    json=body,
                    headers={**a, "Idempotency-Key": str(uuid.uuid4())},
                ),
            )
            adj = expect(r, "propose adjustment")["adjustment_id"]
            r = await timed(
                "adjust_approve",
                c.post(
                    f"/v1/admin/adjustments/{adj}/approve",
                    headers={**b, "Idempotency-Key": str(uuid.uuid4())},
                ),
            )
            status = expect(r, "approve adjustment").get("status")
            if status != "approved":
                raise RuntimeError(f"approve adjustment: status {status!r} in {r.text[:400]}")
            out[i] = (me["citizen_id"], me["access_token"])
            done += 1
            if done % step == 0:
                rate = done / (time.perf_counter() - t0)
                log(f"  setup: {done}/{n} citizens funded ({rate:.0f}/s)")

    limits = httpx.Limits(
        max_connections=cfg.setup_concurrency, max_keepalive_connections=cfg.setup_concurrency
    )
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as c:
        await asyncio.gather(*(worker(c) for _ in range(min(cfg.setup_concurrency, n))))
    setup.citizens = [x for x in out if x is not None]
    setup.request_ms = {k: dist_summary(v) for k, v in step_ms.items()}
    if len(setup.citizens) != n:
        raise RuntimeError(f"funded {len(setup.citizens)} citizens, expected {n}")
