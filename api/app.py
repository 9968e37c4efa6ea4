"""The Litestar application: routes per audience, errors, auth, stores, docs, metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.prometheus import PrometheusConfig
from litestar.stores.registry import StoreRegistry

from api import (
    admin,
    auth,
    citizen,
    exchange,
    expert,
    market,
    merchant,
    operator,
    org,
    public,
    registry,
    system,
    verifier,
    web,
)
from api import logging as puhui_logging
from api import payments as payment_callbacks
from api.client_address import ClientAddressASGI, TrustedProxies
from api.deps import DEPENDENCIES
from api.errors import HANDLERS
from api.middleware import RequestIdASGI
from api.openapi import HonestOpenAPIConfig
from api.openapi_assets import SCHEMA_PATH, OfflineSwaggerPlugin, openapi_router
from api.request import PuhuiRequest, refuse_nul_in_url
from api.services import Services
from api.settings import Settings, alert_thresholds
from domain.clock import utcnow
from domain.identity.wechat import WeChatLogin
from integrations.payments.wechatpay.gateway import WeChatPayGateway
from jobs.scheduler import build_scheduler

VERSION = "0.1.0"
log = logging.getLogger("puhui.app")


def _openapi() -> OpenAPIConfig:
    return HonestOpenAPIConfig(  # errors as problem+json, every media type (api/openapi.py)
        title="Puhui API",
        version=VERSION,
        description="Nanjing carbon-inclusion platform (碳普惠): citizens, operators, merchants.",
        path=SCHEMA_PATH,
        # Swagger UI 5 from the swagger-ui-py package, served here, no CDN (api/openapi_assets)
        render_plugins=[OfflineSwaggerPlugin(path=["/", "/swagger"])],
        openapi_router=openapi_router(),
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


def create_app(
    settings: Settings,
    *,
    wechat: WeChatLogin | None = None,
    payments: WeChatPayGateway | None = None,
) -> Litestar:
    puhui_logging.configure(settings.log_level, as_json=settings.log_json)
    services = Services(settings, wechat=wechat, payments=payments)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            async with services.db.unit_of_work() as uow:
                await services.keys.ensure(uow, utcnow())
        except Exception:  # the database may come up later; /ready says so, and
            # vouchers answer 409 no_signing_key until an admin rotates the key in
            log.exception("no voucher signing key could be created at start-up")
        scheduler = (
            build_scheduler(
                services.db,
                services.intake,
                services.payments,
                alerts=alert_thresholds(settings),
            )
            if settings.jobs
            else None
        )
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await services.close()

    app = Litestar(
        route_handlers=[  # one router per audience
            system.router,
            auth.router(settings),
            citizen.router,
            merchant.router,
            operator.router,
            public.router,
            admin.router,
            org.router,
            verifier.router,
            expert.router,
            registry.router,
            market.router,
            exchange.router,
            payment_callbacks.router,
            web.router(settings),
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
        request_class=PuhuiRequest,  # bodies read whatever their bytes (api/request.py)
        before_request=refuse_nul_in_url,
    )
    app.state.services = services
    # Outermost: request ids and access logs for every response, the router's 404/405 included;
    # inside them, the client's address as trusted proxies report it (rate limits, logs).
    app.asgi_handler = RequestIdASGI(
        ClientAddressASGI(app.asgi_handler, TrustedProxies(settings.trusted_proxies))
    )
    return app
