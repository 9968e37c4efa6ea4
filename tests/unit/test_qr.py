"""QR images of voucher tokens: a real PNG and a real SVG, sized for a phone screen."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import png
import qrcode

from domain.vouchers import tokens
from domain.vouchers.qr import BORDER, BOX_SIZE, qr_png, qr_svg

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEY = tokens.generate_private_key()
TOKEN = tokens.sign_token(
    KEY,
    key_id=tokens.key_id_for(tokens.public_key_text(KEY)),
    voucher_id="01JQ0000000000000000000VCH",
    merchant_id="01JQ0000000000000000000MER",
    expires_at=datetime(2026, 3, 31, 16, 0, tzinfo=UTC),
)


def test_png_of_a_token_is_a_square_black_and_white_image_of_a_few_hundred_pixels() -> None:
    data = qr_png(TOKEN)
    assert data.startswith(PNG_SIGNATURE)
    width, height, rows, info = png.Reader(bytes=data).read()
    assert width == height
    assert 250 <= width <= 600
    assert width % BOX_SIZE == 0
    assert info["greyscale"]
    assert info["bitdepth"] == 1
    rows = [list(row) for row in rows]
    assert len(rows) == height
    assert set(rows[0]) == {1}  # the quiet zone is white
    quiet = BORDER * BOX_SIZE
    assert rows[quiet][quiet] == 0  # the top-left finder pattern starts right after it
    assert 0.3 < sum(v == 0 for row in rows for v in row) / (width * height) < 0.7


def test_png_pixels_are_the_modules_of_the_medium_correction_code_of_the_text() -> None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER)
    qr.add_data(TOKEN)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # True = dark, quiet zone included
    width, _, rows, _ = png.Reader(bytes=qr_png(TOKEN)).read()
    rows = [list(row) for row in rows]
    assert width == len(matrix) * BOX_SIZE
    sampled = [
        [
            rows[y * BOX_SIZE + BOX_SIZE // 2][x * BOX_SIZE + BOX_SIZE // 2] == 0
            for x in range(len(matrix))
        ]
        for y in range(len(matrix))
    ]
    assert sampled == matrix


def test_png_grows_with_the_text() -> None:
    small = png.Reader(bytes=qr_png("PH1.x")).read()[0]
    large = png.Reader(bytes=qr_png(TOKEN)).read()[0]
    assert small < large


def test_svg_of_a_token_is_one_xml_document_with_one_path() -> None:
    data = qr_svg(TOKEN)
    root = ET.fromstring(data)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("viewBox")
    assert root.get("width") == root.get("height")
    assert root.get("width", "").endswith("mm")
    paths = root.findall(f"{ns}path")
    assert len(paths) == 1
    assert paths[0].get("d", "").startswith("M")


def test_same_text_gives_the_same_image() -> None:
    assert qr_png(TOKEN) == qr_png(TOKEN)
    assert qr_svg(TOKEN) == qr_svg(TOKEN)
