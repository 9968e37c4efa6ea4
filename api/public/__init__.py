"""Everyone, no sign-in: /v1/public/* statistics, methodologies and ledger checkpoints."""

from litestar import Router

from api.public import (
    certificates,
    districts,
    events,
    market,
    notices,
    org_applications,
    projects,
    units,
)
from api.public.disclosure import PublicController

router = Router(
    path="/",
    route_handlers=[
        PublicController,
        *org_applications.CONTROLLERS,
        *projects.CONTROLLERS,
        *units.CONTROLLERS,
        *certificates.CONTROLLERS,
        *events.CONTROLLERS,
        *market.CONTROLLERS,
        *notices.CONTROLLERS,
        *districts.CONTROLLERS,
    ],
)
