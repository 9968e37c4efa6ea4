"""Registry accounts: the platform's exist from the migration, an organisation's opens empty, and
a member's token carries the organisation."""

from __future__ import annotations

import jwt

from domain.identity.principal import Role
from domain.registry.accounts import BUFFER, PUBLIC_BEHAVIOUR, aggregation_project_code
from domain.registry.serials import PROJECT_CODE
from domain.registry.uscc import validate
from tests.registry_world import a_uscc, make_org, org_login


def test_made_up_codes_are_valid() -> None:
    for _ in range(50):
        code = a_uscc()
        assert validate(code) == code


def test_aggregation_project_codes_are_serial_safe() -> None:
    assert aggregation_project_code("NJ-GT") == "PBNJGT"
    assert PROJECT_CODE.fullmatch(aggregation_project_code("nj-gt v2"))


async def test_platform_and_org_accounts(db) -> None:
    org = await make_org(db)
    async with db.unit_of_work() as uow:
        platform = [await uow.registry.account(i) for i in (PUBLIC_BEHAVIOUR, BUFFER)]
        assert [a.kind for a in platform if a] == ["public_behaviour", "buffer"]
        mine = await uow.registry.accounts_of(org.id)
        assert [(a.id, a.kind) for a in mine] == [(org.account_id, "holding")]
        ledger = await uow.ledger.account(org.account_id)
        assert ledger is not None and ledger.kind == "registry" and ledger.balance == 0


async def test_a_member_token_names_the_organisation(client, db) -> None:
    org = await make_org(db, kind="verifier")
    pair = await org_login(client, db, org.id, Role.VERIFIER)
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert (claims["role"], claims["org_id"]) == ("verifier", org.id)
    assert pair["org_id"] == org.id
