"""Wrong staff passwords lock the account whatever the address they come from: 429
`account_locked` with Retry-After, even for the right password, until the lock ends."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from domain.identity.principal import Role
from tests.helpers import PASSWORD, assert_problem, from_peer, make_staff, xff


async def test_rotating_addresses_cannot_guess_past_the_lock(settings, db) -> None:
    """The issue's attack: 60 wrong passwords, each from another forwarded address, through a
    trusted proxy. Only max_failures of them are checked (3 here, 10 by default)."""
    await make_staff(db, "ops1", Role.OPERATIONS)
    app = create_app(
        msgspec.structs.replace(
            settings, trusted_proxies=("127.0.0.1",), staff_login_max_failures=3
        )
    )
    async with AsyncTestClient(app=from_peer(app, "127.0.0.1")) as client:
        answers = []
        for i in range(60):
            r = await client.post(
                "/v1/auth/staff",
                json={"username": "ops1", "password": f"guess-{i}"},
                headers=xff(f"203.0.113.{i}"),
            )
            answers.append(r)
        assert [r.status_code for r in answers[:2]] == [401] * 2
        assert all(r.status_code == 429 for r in answers[2:])
        body = assert_problem(answers[-1], 429, "account_locked")
        assert 14 * 60 < int(answers[-1].headers["retry-after"]) <= 15 * 60
        assert body["retry_after"] == int(answers[-1].headers["retry-after"])

        # the right password, from yet another address, is refused as well
        r = await client.post(
            "/v1/auth/staff",
            json={"username": "ops1", "password": PASSWORD},
            headers=xff("198.51.100.1"),
        )
        assert_problem(r, 429, "account_locked")
        # other accounts are not affected
        await make_staff(db, "ops2", Role.OPERATIONS)
        r = await client.post("/v1/auth/staff", json={"username": "ops2", "password": PASSWORD})
        assert r.status_code == 200, r.text


async def test_a_success_resets_the_count(settings, db) -> None:
    await make_staff(db, "ops3", Role.OPERATIONS)
    app = create_app(msgspec.structs.replace(settings, staff_login_max_failures=3))
    async with AsyncTestClient(app=app) as client:

        async def sign_in(password: str):
            return await client.post(
                "/v1/auth/staff", json={"username": "ops3", "password": password}
            )

        for _ in range(2):
            assert_problem(await sign_in("wrong password"), 401, "bad_credentials")
        assert (await sign_in(PASSWORD)).status_code == 200
        for _ in range(2):  # four wrong in all, but only two since the success
            assert_problem(await sign_in("wrong password"), 401, "bad_credentials")


async def test_unknown_usernames_lock_the_same_way(settings) -> None:
    app = create_app(msgspec.structs.replace(settings, staff_login_max_failures=2))
    async with AsyncTestClient(app=app) as client:
        wrong = {"username": "ghost", "password": "wrong password"}
        assert_problem(await client.post("/v1/auth/staff", json=wrong), 401, "bad_credentials")
        assert_problem(await client.post("/v1/auth/staff", json=wrong), 429, "account_locked")
