"""Fixtures shared by API tests."""

from __future__ import annotations

import pytest

from domain.crypto import DataProtector
from tests.helpers import import_demo_network, make_operator


@pytest.fixture
async def operators(db, settings) -> dict[str, tuple[str, str, str]]:
    """One operator of each kind (metro and bus with the demo network): id, key, secret."""
    protector = DataProtector(settings.data_key)
    out = {}
    for kind in ("metro", "bikeshare", "bus"):
        op = await make_operator(db, protector, kind)
        if kind != "bikeshare":
            await import_demo_network(db, op[0])
        out[kind] = op
    return out
