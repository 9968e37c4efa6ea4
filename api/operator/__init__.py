"""The operator audience: the HMAC-signed machine API of transport operators."""

from litestar import Router

from api.operator.controller import OperatorController

router = Router(path="/", route_handlers=[OperatorController])
