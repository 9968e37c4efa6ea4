"""Project methodologies (scope `project`): what organisations register projects under, with
parameters of their own, never mixed with a travel methodology's code."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login

FOREST = {
    "sector": "forestry",
    "max_crediting_years": 20,
    "baseline": "no afforestation",
    "monitoring": "plots measured every year",
}


async def _admin(client, db) -> dict[str, str]:
    return bearer((await staff_login(client, db, Role.ADMIN))["access_token"])


def _draft(code: str, params: dict, scope: str | None = "project") -> dict:
    body = {"code": code, "title": "Forest carbon", "methodology_class": "I", "params": params}
    if scope is not None:
        body["scope"] = scope
    return body


async def test_a_project_methodology_has_its_own_params(client, db) -> None:
    h = await _admin(client, db)
    r = await client.post("/v1/admin/methodologies", json=_draft("NJ-FC", FOREST), headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["scope"], body["params"]["unit"], body["params"]["sector"]) == (
        "project",
        "tCO2e",
        "forestry",
    )
    listed = (await client.get("/v1/admin/methodologies", headers=h)).json()
    assert {v["code"]: v["scope"] for v in listed} == {"NJ-GT": "travel", "NJ-FC": "project"}


async def test_project_params_are_checked(client, db) -> None:
    h = await _admin(client, db)
    for params in (
        {**FOREST, "max_crediting_years": 0},
        {**FOREST, "sector": "mining"},
        {"sector": "forestry"},  # max_crediting_years missing
        {**FOREST, "factor": "1.0"},  # unknown field
    ):
        r = await client.post("/v1/admin/methodologies", json=_draft("NJ-FC", params), headers=h)
        assert_problem(r, 422, "invalid_methodology")


async def test_a_code_keeps_its_scope(client, db) -> None:
    h = await _admin(client, db)
    r = await client.post("/v1/admin/methodologies", json=_draft("NJ-GT", FOREST), headers=h)
    assert_problem(r, 409, "scope_mismatch")  # NJ-GT drives crediting: never a project method
    r = await client.post("/v1/admin/methodologies", json=_draft("NJ-FC", FOREST), headers=h)
    assert r.status_code == 201
    travel = _draft("NJ-FC", {}, scope=None)  # a travel draft under a project code
    assert_problem(await client.post("/v1/admin/methodologies", json=travel, headers=h), 409)
