"""Finding the Chinese font certificates are set in: WenQuanYi Micro Hei, from Debian's
fonts-wqy-microhei package (free, and covers the GB 2312 characters and Latin)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from domain.errors import UpstreamUnavailable

PACKAGE = "fonts-wqy-microhei"
KNOWN_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # Debian, Ubuntu
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),  # Fedora, Arch
    Path("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"),
)
FAMILY = "WenQuanYi Micro Hei"


class FontMissing(UpstreamUnavailable):
    """The Chinese font certificates need is not installed on this server."""

    code = "certificate_font_missing"


def _fc_match() -> Path | None:
    """Where fontconfig has the font, if fontconfig is there and knows it."""
    binary = shutil.which("fc-match")
    if binary is None:
        return None
    try:
        out = subprocess.run(  # noqa: S603  # a fixed argument list, no shell
            [binary, "--format=%{file}", FAMILY],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out) if out else None
    return path if path and path.name.startswith("wqy-microhei") and path.is_file() else None


@cache
def _located() -> Path | None:
    return next((p for p in KNOWN_PATHS if p.is_file()), None) or _fc_match()


def cjk_font() -> Path:
    """The font file, or FontMissing naming the package to install."""
    path = _located()
    if path is None:
        _located.cache_clear()  # look again next time: the package may be installed meanwhile
        raise FontMissing(
            f"the certificate font {FAMILY} is not installed: apt-get install {PACKAGE}",
            package=PACKAGE,
        )
    return path
