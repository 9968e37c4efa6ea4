"""/metrics wants `Authorization: Bearer <PUHUI_METRICS_TOKEN>` when the token is set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.helpers import assert_problem, bearer

TOKEN = "metrics-token-7c1d9e0a5b"


@pytest.fixture
async def guarded(settings) -> AsyncIterator[AsyncTestClient]:
    app = create_app(msgspec.structs.replace(settings, metrics_token=TOKEN))
    async with AsyncTestClient(app=app) as c:
        yield c


async def test_the_right_token_reads_the_metrics(guarded) -> None:
    r = await guarded.get("/metrics", headers=bearer(TOKEN))
    assert r.status_code == 200
    assert "puhui_requests_total" in r.text or "# HELP" in r.text


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "metrics_token_required"),
        ({"Authorization": "Basic " + TOKEN}, "metrics_token_required"),
        (bearer("wrong-token-wrong-token"), "metrics_token_invalid"),
        (bearer(TOKEN[:-1]), "metrics_token_invalid"),
        ({"Authorization": f"Bearer {TOKEN}é".encode()}, "metrics_token_invalid"),  # UTF-8 bytes
    ],
)
async def test_a_missing_or_wrong_token_is_a_401_problem(guarded, headers, code) -> None:
    r = await guarded.get("/metrics", headers=headers)
    body = assert_problem(r, 401, code)
    assert "puhui_requests_total" not in r.text and TOKEN not in body["detail"]


async def test_without_the_setting_metrics_stay_open(client) -> None:
    assert (await client.get("/metrics")).status_code == 200
