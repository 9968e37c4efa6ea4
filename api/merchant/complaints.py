"""/v1/merchant/complaints: a merchant's complaints, filed by its staff; a reference is a
voucher redeemed at the merchant (domain/governance/complaints.py)."""

from __future__ import annotations

from api.security.auth import staff_guard
from api.shared.complaints_filer import FilerComplaintController
from domain.errors import Forbidden
from domain.governance.complaints import Filer
from domain.identity.principal import Principal, Role


class MerchantComplaintController(FilerComplaintController):
    path = "/v1/merchant/complaints"
    tags = ["merchant"]
    guards = [staff_guard(Role.MERCHANT)]

    @staticmethod
    def filer_of(principal: Principal) -> Filer:
        if principal.merchant_id is None:
            raise Forbidden("this account belongs to no merchant", code="no_merchant")
        return Filer(type="merchant", id=principal.merchant_id, actor_id=principal.id)
