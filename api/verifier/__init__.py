"""The verifier audience: /v1/verifier/* for members of a verifier organisation."""

from litestar import Router

from api.verifier import reports

router = Router(path="/", route_handlers=[*reports.CONTROLLERS])
