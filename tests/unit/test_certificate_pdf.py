"""The PDF certificate from a plain document: a real PDF whose text names the serial ranges,
the beneficiary and the purpose in Chinese and English, with a QR code of the public page."""

from __future__ import annotations

import io

import msgspec
import pypdf
import pytest
import zxingcpp
from PIL import Image

from domain.certificates import fonts
from domain.certificates.pdf import render_pdf
from tests.unit.certificate_fixtures import UNITS, document


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_names_serial_ranges_beneficiary_purpose_date_and_quantity() -> None:
    data = render_pdf(document(), "0123456789abcdef")
    assert data.startswith(b"%PDF-")
    text = _text(data)
    for expected in (
        "碳普惠减排量注销证明",
        "Certificate of retirement",
        *UNITS.serial_ranges,
        UNITS.beneficiary,
        UNITS.details,
        "大型活动 / Event",
        "2026-12-01 08:30:15 UTC",
        "120 吨二氧化碳当量 / tCO2e",
        "0123456789abcdef",
    ):
        assert expected in text.replace("\n", ""), expected


def test_its_qr_code_opens_the_public_page() -> None:
    page = pypdf.PdfReader(io.BytesIO(render_pdf(document()))).pages[0]
    (picture,) = page.images
    image = Image.open(io.BytesIO(picture.data)).convert("L")
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == document().page_url


def test_the_same_retirement_gives_the_same_bytes() -> None:
    assert render_pdf(document()) == render_pdf(document())


def test_long_details_and_glyphs_the_font_lacks_still_make_a_pdf() -> None:
    doc = msgspec.structs.replace(document(), details="碳中和 😀 " * 400, beneficiary="x" * 200)
    text = _text(render_pdf(doc))
    assert "x" * 50 in text.replace("\n", "")
    assert len(pypdf.PdfReader(io.BytesIO(render_pdf(doc))).pages) >= 2


def test_without_the_font_it_fails_naming_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(fonts, "KNOWN_PATHS", (tmp_path / "none.ttc",))
    monkeypatch.setattr(fonts, "_fc_match", lambda: None)
    fonts._located.cache_clear()
    with pytest.raises(fonts.FontMissing, match="fonts-wqy-microhei"):
        render_pdf(document())
    fonts._located.cache_clear()
