"""The merchant page's assets (weight, no inline code, the vendored decoder's checksum) and a
voucher QR shown to Chromium's fake camera."""

from __future__ import annotations

import re
from pathlib import Path

from domain.vouchers.qr import qr_png
from tests.browser.conftest import CHROMIUM, _need_chromium
from tests.browser.merchant import (
    STATIC,
    expect,
    open_page,
    shot,
    sign_in,
)


async def test_the_page_is_small_same_origin_and_accessible():
    # page weight: everything loaded up front (jsQR is lazy and excluded)
    names = ["merchant.html", "merchant.js", "merchant-complaints.js", "merchant.css"]
    names += ["common.js", "common.css"]
    weight = sum((STATIC / n).stat().st_size for n in names)
    assert weight < 60_000, weight
    html = (STATIC / "merchant.html").read_text()
    assert "<style" not in html and "style=" not in html
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/common.js">',
        '<script src="/static/merchant.js">',
        '<script src="/static/merchant-complaints.js">',
    ]
    assert "http://" not in html and "https://" not in html
    labelled = ["code-input", "login-username", "login-password"]
    for id_ in [*labelled, "mc-category", "mc-ref", "mc-text", "mc-file"]:
        assert f'<label for="{id_}"' in html
    assert 'id="result"' in html and 'aria-live="polite"' in html
    vendor = STATIC / "vendor"
    assert {"jsQR.js", "jsQR.LICENSE.txt", "README.md"} <= {p.name for p in vendor.iterdir()}
    import hashlib

    digest = hashlib.sha256((vendor / "jsQR.js").read_bytes()).hexdigest()
    assert digest in (vendor / "README.md").read_text()


# ---- camera: Chromium's fake capture device plays a y4m file showing a voucher's QR ---------


def _y4m_of_png(png: bytes, path: Path, width: int = 640, height: int = 480) -> None:
    """Write a few 4:2:0 frames with the (greyscale) PNG centred on white."""
    import png as pypng

    w, h, rows, info = pypng.Reader(bytes=png).asDirect()
    planes = info["planes"]
    bitdepth = info["bitdepth"]
    scale = 255 // ((1 << bitdepth) - 1)
    y = bytearray([235]) * (width * height)
    x0, y0 = (width - w) // 2, (height - h) // 2
    assert x0 >= 0 and y0 >= 0, (w, h)
    for j, row in enumerate(rows):
        line = bytes(16 + (v * scale * 219) // 255 for v in list(row)[::planes])
        y[(y0 + j) * width + x0 : (y0 + j) * width + x0 + w] = line
    chroma = bytes([128]) * (width * height // 4)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            f.write(b"FRAME\n" + bytes(y) + chroma + chroma)


async def test_a_voucher_shown_to_the_camera_is_redeemed(pw, counter, tmp_path):
    _need_chromium()
    voucher = await counter.voucher()
    video = tmp_path / "voucher.y4m"
    _y4m_of_png(qr_png(voucher["token"]), video)
    browser = await pw.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        ctx, page, watch = await open_page(browser, counter.base, permissions=["camera"])
        await sign_in(page, counter.username)
        native = await page.evaluate("'BarcodeDetector' in window")
        await page.click("#scan-start")
        await expect(page.locator("#result")).to_have_attribute("data-outcome", "redeemed")
        await expect(page.locator("#today-count")).to_have_text("1")
        await expect(page.locator("#scan-start")).to_have_text("停止扫码")
        await shot(page, "camera-redeemed")
        # the same QR held in front of the camera is not scanned again and again
        await page.wait_for_timeout(1500)
        await expect(page.locator("#result")).to_have_attribute("data-outcome", "redeemed")
        loaded_jsqr = any(u.endswith("/static/vendor/jsQR.js") for u in watch.urls)
        assert loaded_jsqr != native  # jsQR only where BarcodeDetector is missing
        await page.click("#scan-start")
        await expect(page.locator("#scan-start")).to_have_text("开始扫码")
        assert watch.foreign(counter.base) == []
        assert watch.errors == [], watch.errors
        await ctx.close()
    finally:
        await browser.close()
