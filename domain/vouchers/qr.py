"""QR codes for voucher tokens, as PNG or SVG bytes (pure)."""

from __future__ import annotations

import io

import qrcode
from qrcode.image.base import BaseImage
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathImage

BORDER = 2  # modules of quiet zone
BOX_SIZE = 6  # pixels per module: a ~220-character token (about 61 modules) is ~390 px wide


def _image(text: str, factory: type[BaseImage]) -> BaseImage:
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=BOX_SIZE,
        border=BORDER,
        image_factory=factory,
    )
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image()


def qr_png(text: str) -> bytes:
    """A black-on-white 1-bit greyscale PNG of `text`."""
    out = io.BytesIO()
    _image(text, PyPNGImage).save(out)
    return out.getvalue()


def qr_svg(text: str) -> bytes:
    """A standalone UTF-8 SVG document of `text` (one path; sized in mm, scales freely)."""
    out = io.BytesIO()
    _image(text, SvgPathImage).save(out)
    return out.getvalue()
