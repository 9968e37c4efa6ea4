"""/v1/operators/{operator_id}/*: the signed machine API of transport operators."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import Provide

from api.operator.signature import provide_operator
from domain.persistence.tables import Operator


class SignatureCheck(msgspec.Struct):
    operator_id: str
    name: str
    kind: str
    signature: str = "valid"


class OperatorController(Controller):
    path = "/v1/operators/{operator_id:str}"
    tags = ["operator"]
    dependencies = {"operator": Provide(provide_operator)}
    security = [{"PuhuiHmac": []}]

    @get("/ping", summary="Check your request signing: answers 200 with your operator")
    async def ping(self, operator: Operator) -> SignatureCheck:
        return SignatureCheck(operator_id=operator.id, name=operator.name, kind=operator.kind)
