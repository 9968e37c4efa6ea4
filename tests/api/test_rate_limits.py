"""Auth endpoints are rate-limited (per client, in the configured store)."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.helpers import assert_problem


async def test_auth_endpoints_are_rate_limited(settings) -> None:
    limited = msgspec.structs.replace(settings, auth_rate_limit_per_minute=3)
    async with AsyncTestClient(app=create_app(limited)) as client:
        for _ in range(3):
            r = await client.post("/v1/auth/dev", json={"openid": "rl"})
            assert r.status_code == 200
        r = await client.post("/v1/auth/dev", json={"openid": "rl"})
        assert_problem(r, 429, "rate_limited")
        # other endpoints are not limited by it
        assert (await client.get("/health")).status_code == 200
