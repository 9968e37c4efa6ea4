"""Pages the service serves itself: the citizen H5 app (/), the merchant scan page (/merchant) and
the staff dashboard (/admin). Plain HTML, CSS and JavaScript under static/, no build step for our
own code, no requests to anyone else; they use the public HTTP API like any other client."""

from litestar import Router

from api.settings import Settings
from api.web.dev import DemoController
from api.web.dev_payments import DevPaymentsController
from api.web.pages import PagesController, static_router


def router(settings: Settings) -> Router:
    """The pages and their assets; with dev login on, the demo's signed operator requests; with
    the fake WeChat Pay, its payer."""
    demo = [DemoController] if settings.dev_login else []
    payer = [DevPaymentsController] if settings.wechatpay == "fake" else []  # the fake's payer
    return Router(path="/", route_handlers=[PagesController, static_router, *demo, *payer])
