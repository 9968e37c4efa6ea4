"""Browser tests: the pages served by a real server (demo data loaded, dev login on), driven by
Debian's headless Chromium through Playwright. Screenshots go to test-output/screenshots/.

Without Chromium the tests are skipped locally; with CI=true they fail instead (see .ci/run,
which installs it).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from demo.loader import load_demo, save_credentials
from domain.crypto import DataProtector
from tests.live import serve

CHROMIUM = os.environ.get("PUHUI_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PHONE = {"width": 360, "height": 740}


def _need_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def demo(db, settings, tmp_path) -> dict[str, Any]:
    """The demo world (`puhui demo`): staff, operators with the Nanjing network, offers."""
    out = tmp_path / "demo.json"
    async with db.unit_of_work() as uow:
        credentials = await load_demo(uow, DataProtector(settings.data_key), str(out))
    save_credentials(credentials, str(out), "http://test")
    return json.loads(out.read_text())


@pytest.fixture
async def live(settings, demo) -> AsyncIterator[str]:
    async with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    _need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        await b.close()


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


class OffSite:
    """Records every request a page makes to another origin (there must be none)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.requests: list[str] = []

    def __call__(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base) or url.startswith(("data:", "blob:"))):
            self.requests.append(url)


@pytest.fixture
async def pw() -> AsyncIterator[Any]:
    """Playwright itself, for a Chromium launched with a fake camera."""
    _need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        yield p


@pytest.fixture
async def counter(live, db) -> AsyncIterator[Any]:
    """A merchant counter (tests/browser/merchant.py): store, live offer, cashier, vouchers."""
    from tests.browser.merchant import Counter

    c = await Counter(live, db).setup()
    yield c
    await c.http.aclose()
