"""The organisation audience: /v1/org/* for members of an organisation (role `org`)."""

from litestar import Router

from api.org import members, projects, reports

router = Router(
    path="/", route_handlers=[*members.CONTROLLERS, *projects.CONTROLLERS, *reports.CONTROLLERS]
)
