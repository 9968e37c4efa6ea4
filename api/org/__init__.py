"""The organisation audience: /v1/org/* for members of an organisation (role `org`)."""

from litestar import Router

from api.org import events, institution, listings, members, orders, projects, reports

router = Router(
    path="/",
    route_handlers=[
        *members.CONTROLLERS,
        *projects.CONTROLLERS,
        *reports.CONTROLLERS,
        *events.CONTROLLERS,
        *listings.CONTROLLERS,
        *orders.CONTROLLERS,
        *institution.CONTROLLERS,
    ],
)
