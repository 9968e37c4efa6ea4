"""The Litestar application: routes per audience, errors, auth, stores, docs, metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.stores.registry import StoreRegistry

from api import logging as puhui_logging
from api.admin.adjustments import AdminAdjustmentController
from api.admin.audit import AdminAuditController
from api.admin.dashboard import AdminDashboardController
from api.admin.feeds import AdminFeedController
from api.admin.merchants import AdminMerchantController
from api.admin.methodologies import AdminMethodologyController
from api.admin.networks import AdminNetworkController
from api.admin.offers import AdminOfferController
from api.admin.operators import AdminOperatorController
from api.admin.points_rules import AdminPointsRulesController
from api.admin.staff import AdminStaffController
from api.admin.vouchers import AdminDonationController, AdminVoucherController
from api.auth.controller import AuthController
from api.citizen.bindings import BindingController
from api.citizen.donations import DonationProjectController, MyDonationController
from api.citizen.events import events, stream
from api.citizen.history import HistoryController
from api.citizen.me import MeController
from api.citizen.offers import OfferController
from api.citizen.vouchers import VoucherController
from api.deps import DEPENDENCIES
from api.errors import HANDLERS
from api.merchant.offers import MerchantApplicationController, MerchantOfferController
from api.merchant.redemptions import MerchantController
from api.middleware import RequestIdASGI
from api.operator.controller import OperatorController
from api.public.disclosure import PublicController
from api.scheduler import build_scheduler
from api.services import Services
from api.settings import Settings
from api.system.health import health, ready
from api.web.dev import DemoController
from api.web.pages import PagesController, static_router
from domain.clock import utcnow
from domain.identity.wechat import WeChatLogin

VERSION = "0.1.0"
log = logging.getLogger("puhui.app")


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Puhui API",
        version=VERSION,
        description="Nanjing carbon-inclusion platform (碳普惠): citizens, operators, merchants.",
        path="/schema",
        render_plugins=[SwaggerRenderPlugin(path="/swagger"), ScalarRenderPlugin(path="/")],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="Access JWT from /v1/auth/*",
                ),
                "PuhuiHmac": SecurityScheme(
                    type="apiKey",
                    name="X-Puhui-Signature",
                    security_scheme_in="header",
                    description="HMAC-SHA256 signature with X-Puhui-Key, -Timestamp and -Nonce",
                ),
            }
        ),
    )


def create_app(settings: Settings, *, wechat: WeChatLogin | None = None) -> Litestar:
    puhui_logging.configure(settings.log_level, as_json=settings.log_json)
    services = Services(settings, wechat=wechat)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            await services.keys.ensure(services.db, utcnow())
        except Exception:  # the database may come up later; /ready says so, and
            # vouchers answer 409 no_signing_key until an admin rotates the key in
            log.exception("no voucher signing key could be created at start-up")
        scheduler = build_scheduler(services) if settings.jobs else None
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await services.close()

    auth_limit = RateLimitConfig(
        rate_limit=("minute", settings.auth_rate_limit_per_minute),
        store="rate_limit",
        set_rate_limit_headers=True,
    )
    auth = Router(path="/", route_handlers=[AuthController], middleware=[auth_limit.middleware])
    app = Litestar(
        route_handlers=[
            health,
            ready,
            MetricsController,
            auth,
            MeController,
            BindingController,
            HistoryController,
            OfferController,
            VoucherController,
            DonationProjectController,
            MyDonationController,
            MerchantController,
            MerchantOfferController,
            MerchantApplicationController,
            events,
            stream,
            OperatorController,
            PublicController,
            AdminOperatorController,
            AdminNetworkController,
            AdminFeedController,
            AdminMethodologyController,
            AdminPointsRulesController,
            AdminStaffController,
            AdminMerchantController,
            AdminAuditController,
            AdminDashboardController,
            AdminOfferController,
            AdminAdjustmentController,
            AdminDonationController,
            AdminVoucherController,
            PagesController,
            static_router,
            *([DemoController] if settings.dev_login else []),
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=HANDLERS,
        plugins=[services.channels],
        middleware=[PrometheusConfig(app_name="puhui", prefix="puhui", group_path=True).middleware],
        stores=StoreRegistry(default_factory=services.store),
        openapi_config=_openapi(),
        lifespan=[lifespan],
        state=AppConfig().state,
        debug=False,
        logging_config=None,  # ours: JSON lines with the request id (api.logging)
        request_max_body_size=2 * 1024 * 1024,
    )
    app.state.services = services
    # Outermost: request ids and access logs for every response, the router's 404/405 included.
    app.asgi_handler = RequestIdASGI(app.asgi_handler)
    return app
