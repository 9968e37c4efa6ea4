"""/v1/me/complaints: a citizen's complaints (domain/governance/complaints.py)."""

from __future__ import annotations

from api.security.auth import citizen_guard
from api.shared.complaints_filer import FilerComplaintController
from domain.governance.complaints import Filer
from domain.identity.principal import Principal


class MyComplaintController(FilerComplaintController):
    path = "/v1/me/complaints"
    tags = ["citizen"]
    guards = [citizen_guard]

    @staticmethod
    def filer_of(principal: Principal) -> Filer:
        return Filer(type="citizen", id=principal.id, actor_id=principal.id)
