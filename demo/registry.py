"""The registry's demo world, made through the same use cases the HTTP API calls: five experts,
a verifier, a forest farm with a registered forest-carbon project (NJ-FC), its verified 2024
report issued four-eyes, a transfer to an event organiser, and the event's retirement with its
certificate, the market's reference price and two listings: 300 t of the forest farm's units,
and the citizens' aggregated reductions of the previous month (demo/citizens_aggregate.py), which
citizens buy from on the H5 to go carbon neutral. Loaded once; a later `puhui demo` that must
re-issue credentials gives the demo's registry accounts fresh passwords.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from demo.citizens_aggregate import load_citizens_aggregate, previous_month
from demo.institution import load_institution
from domain.clock import SHANGHAI, shanghai_date
from domain.crypto import DataProtector
from domain.experts import opinions, pool
from domain.governance.audit import CLI, Actor
from domain.identity.passwords import hash_password
from domain.identity.principal import Principal, Role
from domain.market import listings, prices
from domain.organisations import applications
from domain.persistence.tables import Staff
from domain.persistence.uow import UnitOfWork
from domain.projects import drafts, monitoring, validation, verification
from domain.registry import issuance, retirements, transfers
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from domain.registry.uscc import check_character, organisation_check_character

EXPERTS = [
    ("王林 Wang Lin", ["forestry"], "expert1"),
    ("陈静 Chen Jing", ["forestry", "agriculture"], "expert2"),
    ("刘洋 Liu Yang", ["transport"], "expert3"),
    ("赵敏 Zhao Min", ["forestry", "energy"], "expert4"),
    ("孙伟 Sun Wei", ["waste", "forestry"], "expert5"),
]
FOREST, VERIFIER, EVENTS = (
    "紫金山林场 Purple Mountain Forest Farm (demo)",
    "江苏碳核查 Jiangsu Carbon Verification (demo)",
    "金陵会展 Jinling Events (demo)",
)
INSTITUTION = "鼓楼区机关事务管理局 Gulou Government Offices Administration (demo)"
BENEFICIARY = "2026 南京马拉松 Nanjing Marathon (demo)"


def demo_uscc(body8: str, prefix: str = "91320100") -> str:
    """A valid unified social credit code (GB 32100-2015) around an organisation code body."""
    first17 = prefix + body8 + organisation_check_character(body8)
    return first17 + check_character(first17)


ORGS = [  # name, kind, code, district, the first member's username (easy to type in the demo)
    (FOREST, "enterprise", demo_uscc("60001001"), "xuanwu", "forest"),
    (VERIFIER, "verifier", demo_uscc("60001002"), "jianye", "verifier"),
    (EVENTS, "event_organiser", demo_uscc("60001003"), "qinhuai", "events"),
    (INSTITUTION, "public_institution", demo_uscc("60001004", "11320100"), "gulou", "institution"),
]


def _as_member(member: Staff) -> tuple[Principal, Actor]:
    role = Role(member.role)
    principal = Principal(
        kind="staff", id=member.id, family_id="demo", role=role, org_id=member.org_id
    )
    return principal, Actor(id=member.id, role=role.value)


async def load_registry(
    uow: UnitOfWork,
    protector: DataProtector,
    ops: Actor,
    admin: Actor,
    now: datetime,
    *,
    metro_id: str,
) -> dict:
    """The registry demo (once); afterwards fresh passwords for its accounts. `metro_id` is the
    demo's metro operator, whose network the citizens ride."""
    if await uow.organisations.by_uscc(ORGS[0][2]) is not None:
        return await _refresh(uow)
    experts = [
        await pool.create(
            uow,
            CLI,
            name=name,
            fields=fields,
            affiliations=[{"name": "南京林业大学 Nanjing Forestry University"}],
            username=username,
            now=now,
        )
        for name, fields, username in EXPERTS
    ]
    members: dict[str, tuple[Staff, str]] = {}
    for name, kind, code, district, username in ORGS:
        application = await applications.apply(
            uow,
            name=name,
            uscc=code,
            kind=kind,
            contact={"name": "李雷 Li Lei", "email": "registry@example.cn"},
            district=district,
            now=now,
        )
        approval = await applications.approve(uow, ops, application.id, now)
        approval.member.username = username
        members[kind] = (approval.member, approval.password)
    retirement = await _forest_to_marathon(uow, members, experts, ops, admin, now)
    await prices.set_price(  # the market's reference (about the national ETS price of late 2026)
        uow,
        ops,
        price_fen_per_t=9_200,
        as_of=shanghai_date(now) - timedelta(days=1),
        source="全国碳市场收盘价 national ETS closing price (demo)",
        now=now,
    )
    seller, seller_actor = _as_member(members["enterprise"][0])
    await listings.list_units(  # a listing to buy from on /org (paid through the fake WeChat Pay)
        uow,
        seller,
        seller_actor,
        account=f"reg:{seller.org_id}",
        quantity=300,
        price_fen_per_t=9_500,
        band_percent=10,
        now=now,
    )
    citizens = await load_citizens_aggregate(  # the listing citizens go carbon neutral from
        uow, protector, metro_id=metro_id, ops=ops, admin=admin, now=now
    )
    start = previous_month(shanghai_date(now))[0]  # staff joined before the month they rode
    await load_institution(
        uow,
        protector,
        members["public_institution"][0],
        datetime.combine(start, time(0), tzinfo=SHANGHAI).astimezone(UTC),
    )
    return _credentials(
        [(m.username, password, m.role) for m, password in members.values()],
        [
            (e.expert.name, username, e.password)
            for e, (_, _, username) in zip(experts, EXPERTS, strict=True)
        ],
        retirement,
        citizens.listing_id,
    )


async def _forest_to_marathon(
    uow: UnitOfWork,
    members: dict[str, tuple[Staff, str]],
    experts: list[pool.NewExpert],
    ops: Actor,
    admin: Actor,
    now: datetime,
) -> str:
    forest, forest_actor = _as_member(members["enterprise"][0])
    verifier, verifier_actor = _as_member(members["verifier"][0])
    events, events_actor = _as_member(members["event_organiser"][0])
    project = await drafts.create(
        uow,
        forest_actor,
        forest.org_id or "",
        title="紫金山森林碳汇 Purple Mountain forest carbon",
        methodology_code="NJ-FC",
        district="xuanwu",
        location={"address": "紫金山 Purple Mountain, Xuanwu", "lat": 32.07, "lon": 118.85},
        crediting_period_start=date(2021, 1, 1),
        crediting_period_end=date(2040, 12, 31),
        estimated_t_per_year=1200,
        description="Mixed broadleaf planting on 800 ha of former quarry land.",
        now=now,
    )
    await validation.submit(uow, forest_actor, project.org_id, project.id, panel_size=3, now=now)
    by_expert = {e.expert.id: e.expert.staff_id for e in experts}
    for seat in await uow.experts.seats(project.review_id or ""):
        review = await uow.experts.review(seat.review_id)
        if review is None or review.status != "open":  # the majority has decided
            break
        staff_id = by_expert[seat.expert_id] or ""
        await opinions.file_opinion(
            uow,
            Actor(id=staff_id, role="expert"),
            staff_id,
            seat.review_id,
            vote="approve",
            opinion="Baseline and plot design are sound.",
            now=now,
        )
    await validation.register(uow, admin, project.id, now)
    report = await monitoring.file_report(
        uow,
        forest_actor,
        project.org_id,
        project.id,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        claimed_t=1000,
        data={"plots": 40, "stock_change_tco2e": 1000},
        now=now,
    )
    await verification.assign(uow, ops, report.id, verifier.org_id or "", now)
    await verification.give_opinion(
        uow,
        verifier_actor,
        verifier.org_id or "",
        report.id,
        decision="verified",
        verified_t=950,
        findings="Two plots re-measured; 50 t of the claim not supported.",
        now=now,
    )
    proposal = await issuance.propose(uow, ops, report_id=report.id, now=now)
    await issuance.decide(uow, admin, proposal.id, approve=True, now=now)
    await transfers.transfer(
        uow,
        forest,
        forest_actor,
        from_account=f"reg:{forest.org_id}",
        to_account=f"reg:{events.org_id}",
        quantity=200,
        now=now,
    )
    retirement = await retirements.retire(
        uow,
        events,
        events_actor,
        account=f"reg:{events.org_id}",
        quantity=120,
        beneficiary=BENEFICIARY,
        purpose="event",
        details="The marathon's estimated footprint: travel, electricity and meals.",
        now=now,
    )
    return retirement.id


async def _refresh(uow: UnitOfWork) -> dict:
    """New passwords for the demo's registry accounts (the old ones cannot be read back)."""
    accounts = []
    for _, _, code, _, _ in ORGS:
        org = await uow.organisations.by_uscc(code)
        for member in await uow.organisations.members(org.id, after=None, limit=10) if org else []:
            accounts.append((member.username, _new_password(member), member.role))
    experts = []
    for name, _, username in EXPERTS:
        account = await uow.staff.by_username(username)
        experts.append((name, username, _new_password(account) if account else None))
    events = await uow.organisations.by_uscc(ORGS[2][2])
    retired = (
        await uow.registry.retirements_of(f"reg:{events.id}", before=None, limit=1)
        if events
        else []
    )
    return _credentials(
        accounts,
        experts,
        retired[0].id if retired else None,
        await uow.market.cheapest_open(PUBLIC_BEHAVIOUR, 1),
    )


def _new_password(account: Staff) -> str:
    password = secrets.token_urlsafe(12)
    account.password_hash = hash_password(password)
    return password


def _credentials(
    members: list[tuple[str, str, str]],
    experts: list[tuple[str, str, str | None]],
    retirement_id: str | None,
    neutrality_listing_id: str | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "members": [{"username": u, "password": p, "role": r} for u, p, r in members],
        "experts": [{"name": n, "username": u, "password": p} for n, u, p in experts],
    }
    if retirement_id:
        out["retirement"] = {
            "retirement_id": retirement_id,
            "page": f"/registry/retirements/{retirement_id}",
            "certificate_pdf": f"/v1/public/retirements/{retirement_id}/certificate.pdf",
            "certificate_json": f"/v1/public/retirements/{retirement_id}/certificate.json",
        }
    if neutrality_listing_id:  # the cheapest open listing of the citizens' reductions
        out["neutrality_listing"] = {
            "listing_id": neutrality_listing_id,
            "account": PUBLIC_BEHAVIOUR,
        }
    return out
