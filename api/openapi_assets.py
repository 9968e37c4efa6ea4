"""The interactive API docs under /schema, served whole by the service: Swagger UI's scripts and
styles come from the `swagger-ui-py` package (Swagger UI 5, which reads OpenAPI 3.1), served at
/schema/assets/, never from a CDN, since a city's government cloud often has no internet.

The page has no inline script or style, so it runs under a strict Content-Security-Policy like
the other pages: /schema/assets/docs.js starts Swagger UI with the document at
/schema/openapi.json.
"""

from __future__ import annotations

from html import escape
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

SCHEMA_PATH = "/schema"
ASSETS = f"{SCHEMA_PATH}/assets"


def _package_static() -> Path:
    """swagger-ui-py's static files, found without importing the package (it imports handlers
    for other frameworks)."""
    spec = find_spec("swagger_ui")
    assert spec is not None and spec.submodule_search_locations, "swagger-ui-py is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "static"


BUNDLE_DIR = _package_static()
# the package's version in the path: a new one is a new URL, so its files can be cached forever
BUNDLE = f"{ASSETS}/swagger-ui-py-{version('swagger-ui-py')}"
OWN_DIR = Path(__file__).parent / "web" / "docs"  # docs.js and docs.css: ours
CSP = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; script-src 'self'; "
    "style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'self'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# the bundle's files sit under its version, so they never change: cached for a year; ours are
# revalidated like the pages' (/static)
FOREVER = CacheControlHeader(public=True, max_age=31_536_000, immutable=True)
REVALIDATE = CacheControlHeader(no_cache=True)


class OfflineSwaggerPlugin(SwaggerRenderPlugin):
    """Swagger UI from /schema/assets/, started by a script file instead of an inline one."""

    def __init__(self, path: str | list[str] = "/") -> None:
        super().__init__(
            js_url=f"{BUNDLE}/swagger-ui-bundle.js",
            css_url=f"{BUNDLE}/swagger-ui.css",
            standalone_preset_js_url=f"{BUNDLE}/swagger-ui-standalone-preset.js",
            path=path,
            favicon="<link rel='icon' href='/static/icon.svg' type='image/svg+xml'>",
            style="",
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        spec = escape(self.get_openapi_json_route(request))
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title}</title>{self.favicon}"
            f"<link rel='stylesheet' href='{self.css_url}'>"
            f"<link rel='stylesheet' href='{ASSETS}/docs.css'>"
            f"<script src='{self.js_url}' defer></script>"
            f"<script src='{self.standalone_preset_js_url}' defer></script>"
            f"<script src='{ASSETS}/docs.js' defer></script>"
            f"</head><body><div id='swagger-ui' data-spec='{spec}'></div></body></html>"
        ).encode()

    def receive_router(self, router: Router) -> None:
        """Swagger UI's files (the package's, under its version) and ours, at /schema/assets/."""
        router.register(
            create_static_files_router(
                path=BUNDLE.removeprefix(SCHEMA_PATH),
                directories=[BUNDLE_DIR],
                name="schema-bundle",
                include_in_schema=False,
                cache_control=FOREVER,
            )
        )
        router.register(
            create_static_files_router(
                path=ASSETS.removeprefix(SCHEMA_PATH),
                directories=[OWN_DIR],
                name="schema-assets",
                include_in_schema=False,
                cache_control=REVALIDATE,
            )
        )


def openapi_router() -> Router:
    """The router the docs are served from: every answer under /schema with the strict CSP."""
    return Router(SCHEMA_PATH, route_handlers=[], include_in_schema=False, response_headers=HEADERS)
