"""Serves the three pages and their static assets (same origin, strict Content-Security-Policy)."""

from __future__ import annotations

from pathlib import Path

from litestar import Controller, Response, get
from litestar.static_files import create_static_files_router

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "connect-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _page(name: str) -> Response[bytes]:
    return Response(
        (STATIC / name).read_bytes(), media_type="text/html; charset=utf-8", headers=HEADERS
    )


class PagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def citizen(self) -> Response[bytes]:
        return _page("index.html")

    @get("/merchant", sync_to_thread=False)
    def merchant(self) -> Response[bytes]:
        return _page("merchant.html")

    @get("/admin", sync_to_thread=False)
    def admin(self) -> Response[bytes]:
        return _page("admin.html")

    @get("/org", sync_to_thread=False)
    def org(self) -> Response[bytes]:
        """The console of organisations' members, verifiers and experts."""
        return _page("org.html")

    @get("/disclosure", sync_to_thread=False)
    def disclosure(self) -> Response[bytes]:
        """The public disclosure page: everything /v1/public/* shows, no sign-in."""
        return _page("disclosure.html")

    @get("/registry/retirements/{retirement_id:str}", sync_to_thread=False)
    def retirement(self, retirement_id: str) -> Response[bytes]:
        """A retirement's public page (its certificate's QR code): the page reads the id from
        its own path and asks the public API, so an unknown id is the page's 'not found'."""
        return _page("retirement.html")


static_router = create_static_files_router(
    path="/static",
    directories=[STATIC],
    include_in_schema=False,
)
