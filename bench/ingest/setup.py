"""Setup over HTTP, before the timed ingest: the demo network imported, citizens signed in,
consenting and linked through binding codes, their consent backdated in the database."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from bench.ingest.config import Config
from bench.ingest.plan import account_of
from bench.ingest.report import log
from bench.ingest.signing import body_sha, dumps, signed_headers
from bench.ingest.stats import dist_summary


@dataclass
class Setup:
    operator_id: str
    key_id: str
    secret: str
    citizen_ids: list[str] = field(default_factory=list)
    step_ms: dict[str, Any] = field(default_factory=dict)


def check(r: httpx.Response, expected: int, what: str) -> Any:
    if r.status_code != expected:
        raise RuntimeError(f"{what}: HTTP {r.status_code} {r.text[:800]}")
    return r.json() if r.content else None


async def import_network(base: str, setup: Setup, username: str, password: str) -> dict:
    from domain.network.demo import demo_file

    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        tok = check(
            await c.post("/v1/auth/staff", json={"username": username, "password": password}),
            200,
            "staff sign-in",
        )["access_token"]
        body = {
            "stops_txt": demo_file("stops.txt"),
            "route_stops_txt": demo_file("route_stops.txt"),
        }
        r = await c.put(
            f"/v1/admin/operators/{setup.operator_id}/network",
            json=body,
            headers={"Authorization": f"Bearer {tok}"},
        )
        return check(r, 200, "network import")


async def link_citizens(base: str, cfg: Config, setup: Setup, run: str) -> None:
    """Sign in, consent, ask for a binding code, and have the operator confirm it; per citizen."""
    ids: list[str | None] = [None] * cfg.citizens
    next_i = iter(range(cfg.citizens))
    done = 0
    path = f"/v1/operators/{setup.operator_id}/bindings"
    step = max(cfg.citizens // 10, 1)
    t0 = time.perf_counter()
    step_ms: dict[str, list[float]] = defaultdict(list)

    async def timed(step: str, call: Any) -> httpx.Response:
        t = time.perf_counter()
        r = await call
        step_ms[step].append((time.perf_counter() - t) * 1000)
        return r

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        for i in next_i:
            r = await timed(
                "dev_login", client.post("/v1/auth/dev", json={"openid": f"bench-{run}-{i}"})
            )
            me = check(r, 200, "dev login")
            auth = {"Authorization": f"Bearer {me['access_token']}"}
            r = await timed(
                "consent", client.put("/v1/me/consent", json={"version": "v1"}, headers=auth)
            )
            check(r, 200, "consent")
            r = await timed(
                "binding_code",
                client.post(
                    "/v1/me/binding-codes", json={"operator_id": setup.operator_id}, headers=auth
                ),
            )
            code = check(r, 201, "binding code")["code"]
            body = dumps({"code": code, "external_account": account_of(run, i)})
            headers = signed_headers(setup.key_id, setup.secret, path, body_sha(body))
            r = await timed("operator_binding", client.post(path, content=body, headers=headers))
            check(r, 200, "binding")
            ids[i] = me["citizen_id"]
            done += 1
            if done % step == 0:
                rate = done / (time.perf_counter() - t0)
                log(f"  setup: {done}/{cfg.citizens} citizens linked ({rate:.0f}/s)")

    limits = httpx.Limits(
        max_connections=cfg.setup_concurrency, max_keepalive_connections=cfg.setup_concurrency
    )
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(cfg.setup_concurrency)))
    setup.citizen_ids = [i for i in ids if i is not None]
    setup.step_ms = {k: dist_summary(v) for k, v in step_ms.items()}
    assert len(setup.citizen_ids) == cfg.citizens


async def backdate_consent(url: str, expected: int) -> int:
    """Every citizen's consent 8 days earlier, directly in the database."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                r = await conn.execute(
                    sa.text(
                        "UPDATE citizens SET consent_given_at = consent_given_at"
                        " - interval '8 days' WHERE consent_given_at IS NOT NULL"
                    )
                )
                n = r.rowcount
            else:  # SQLite keeps naive UTC text: read, shift and write back through SQLAlchemy
                citizens = sa.table(
                    "citizens",
                    sa.column("id", sa.String),
                    sa.column("consent_given_at", sa.DateTime()),
                )
                rows = (
                    await conn.execute(
                        sa.select(citizens.c.id, citizens.c.consent_given_at).where(
                            citizens.c.consent_given_at.is_not(None)
                        )
                    )
                ).all()
                stmt = (
                    citizens.update()
                    .where(citizens.c.id == sa.bindparam("cid"))
                    .values(consent_given_at=sa.bindparam("at"))
                )
                params = [{"cid": cid, "at": at - timedelta(days=8)} for cid, at in rows]
                if params:
                    await conn.execute(stmt, params)
                n = len(params)
    finally:
        await engine.dispose()
    if n != expected:
        raise RuntimeError(f"backdated {n} consents, expected {expected}")
    return n


async def sign_in(
    base: str, run: str, indices: list[int], citizen_ids: list[str]
) -> dict[str, str]:
    """A fresh access token for each of these citizens (citizen id -> token), one at a time."""
    tokens: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        for i in indices:
            r = await c.post("/v1/auth/dev", json={"openid": f"bench-{run}-{i}"})
            tokens[citizen_ids[i]] = check(r, 200, "dev login")["access_token"]
    return tokens
