from __future__ import annotations

from typing import Annotated

import msgspec

from api.schemas import Text128

Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
OpaqueToken = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class WeChatLogin(msgspec.Struct, forbid_unknown_fields=True):
    code: Text128


class DevLogin(msgspec.Struct, forbid_unknown_fields=True):
    openid: Text128


class StaffLogin(msgspec.Struct, forbid_unknown_fields=True):
    username: Text128
    password: Password


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: OpaqueToken


class TokenPairOut(msgspec.Struct, omit_defaults=True):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str
    citizen_id: str | None = None
    staff_id: str | None = None
    role: str | None = None
    merchant_id: str | None = None
    org_id: str | None = None
