"""POST /v1/auth/staff: staff sign-in with username and password.

Limited per address (api/auth/__init__.py), and per account whatever the address: repeated
wrong passwords lock it (domain/identity/lockout.py), answered 429 `account_locked`."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, post
from litestar.status_codes import HTTP_200_OK

from api.auth.controller import token_pair_out
from api.auth.schemas import StaffLogin, TokenPairOut
from api.services import Services
from domain.persistence.uow import UnitOfWork


class StaffAuthController(Controller):
    path = "/v1/auth"
    tags = ["auth"]

    @post("/staff", status_code=HTTP_200_OK, summary="Staff sign-in with username and password")
    async def staff(
        self, data: StaffLogin, services: Services, uow: UnitOfWork, now: datetime
    ) -> TokenPairOut:
        return token_pair_out(
            await services.sessions.staff_sign_in(uow, data.username, data.password, now)
        )
