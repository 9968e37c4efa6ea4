"""/v1/public/districts: the districts places carry and statistics are cut by (no auth)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get

from domain import districts


class DistrictOut(msgspec.Struct):
    code: str  # what ?district= takes (GET /v1/public/stats, /v1/admin/dashboard)
    name_zh: str
    name_en: str


class PublicDistrictController(Controller):
    path = "/v1/public/districts"
    tags = ["public"]

    @get("/", summary="Nanjing's districts (11 and the Jiangbei New Area): codes and names")
    async def list_districts(self) -> list[DistrictOut]:
        return [
            DistrictOut(code=d.code, name_zh=d.name_zh, name_en=d.name_en) for d in districts.ALL
        ]


CONTROLLERS: list[type] = [PublicDistrictController]
