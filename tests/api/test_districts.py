"""Districts: one list (11 districts and the Jiangbei New Area) for every place; stations get
theirs with the network import; public stats and the staff dashboard cut by district (trips by
their origin station; projects, stores and institutions by their own); a district that is not
one is a 4xx everywhere."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.districts import CODES
from domain.identity.principal import Role
from domain.network.demo import demo_file, nanjing_demo
from tests.api.test_feed_metro import journey, push
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_merchant,
    make_operator,
    staff_login,
)
from tests.registry_world import a_uscc, make_org

G = 46800  # mg per person-km on the metro (NJ-GT v1)


def grams(a: str, b: str) -> int:
    return nanjing_demo().distance_m(a, b) * G // 1_000_000


@pytest.fixture
async def metro(db, settings) -> tuple[str, str, str]:
    op = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, op[0])
    return op


async def staff(client, db, role: Role = Role.ADMIN) -> dict:
    return bearer((await staff_login(client, db, role))["access_token"])


async def test_the_public_list_of_districts(client) -> None:
    r = await client.get("/v1/public/districts")
    assert r.status_code == 200
    listed = r.json()
    assert [d["code"] for d in listed] == list(CODES) and len(listed) == 12
    assert {"code": "jiangbei", "name_zh": "江北新区", "name_en": "Jiangbei New Area"} in listed
    assert {"code": "xuanwu", "name_zh": "玄武区", "name_en": "Xuanwu"} in listed


async def test_demo_stations_carry_their_district(db, metro) -> None:
    async with db.unit_of_work() as uow:
        stations = await uow.districts.stations(metro[0])
    assert len(stations) == nanjing_demo().stops_count == 50
    assert set(stations.values()) <= set(CODES)
    assert (stations["NJM103"], stations["NJM116"], stations["NJM127"]) == (
        "xuanwu",
        "yuhuatai",
        "jiangning",
    )
    assert (stations["NJM101"], stations["NJM222"], stations["NJM108"]) == (
        "qixia",
        "qixia",
        "qinhuai",
    )


async def test_a_network_import_checks_and_maps_districts(client, db, metro) -> None:
    ops = await staff(client, db, Role.OPERATIONS)
    path = f"/v1/admin/operators/{metro[0]}/network"
    stops = (
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,district\n"
        "A,Alpha,32.000,118.700,1,,江北新区\n"
        "A1,Alpha platform,32.000,118.700,0,A,\n"
        "B,Beta,32.010,118.710,1,,Pukou\n"
    )
    route = "route_id,stop_sequence,stop_id\n1,1,A1\n1,2,B\n"
    r = await client.put(path, headers=ops, json={"stops_txt": stops, "route_stops_txt": route})
    assert r.status_code == 200, r.text
    async with db.unit_of_work() as uow:
        assert await uow.districts.stations(metro[0]) == {
            "A": "jiangbei",
            "A1": "jiangbei",  # a platform takes its station's
            "B": "pukou",
        }
    bad = stops.replace("Pukou", "Atlantis")
    r = await client.put(path, headers=ops, json={"stops_txt": bad, "route_stops_txt": route})
    body = assert_problem(r, 422, "invalid_district")
    assert "line 4" in body["detail"] and "Atlantis" in body["detail"]
    async with db.unit_of_work() as uow:  # nothing changed
        assert len(await uow.districts.stations(metro[0])) == 3


async def test_public_stats_and_the_dashboard_cut_by_district(client, db, metro) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-d1")
    end = utcnow() - timedelta(hours=1)
    rides = [("NJM101", "NJM110"), ("NJM116", "NJM120"), ("NJM117", "NJM121")]
    for i, (a, b) in enumerate(rides):
        r = await push(client, metro, [journey(f"d{i}", "card-d1", a, b, end - timedelta(hours=i))])
        assert r.json()["results"][0]["status"] == "credited", r.text
    qixia = grams("NJM101", "NJM110")  # 迈皋桥 is in 栖霞
    yuhuatai = grams("NJM116", "NJM120")  # 南京南站 is in 雨花台
    jiangning = grams("NJM117", "NJM121")  # 双龙大道 is in 江宁

    # places with a district: an institution in 玄武 (make_org's), a store in 江宁
    await make_org(db, kind="public_institution")
    await make_org(db, kind="enterprise")  # not a public institution
    admin = await staff(client, db)
    merchant = await make_merchant(db)
    r = await client.post(
        f"/v1/admin/merchants/{merchant}/stores",
        headers=admin,
        json={"name": "百家湖店", "district": "jiangning"},
    )
    assert r.status_code == 201 and r.json()["district"] == "jiangning", r.text
    r = await client.post(
        f"/v1/admin/merchants/{merchant}/stores", headers=admin, json={"name": "无区店"}
    )
    assert r.status_code == 201 and r.json()["district"] is None
    r = await client.post(
        f"/v1/admin/merchants/{merchant}/stores",
        headers=admin,
        json={"name": "某店", "district": "atlantis"},
    )
    assert_problem(r, 422, "invalid_district")

    everything = (await client.get("/v1/public/stats")).json()
    assert everything["credited_trips"] == 3 and everything["district"] is None
    assert everything["reduction_g"] == qixia + yuhuatai + jiangning
    assert (everything["stores"], everything["public_institutions"]) == (2, 1)
    for district, g, stores, institutions in (
        ("qixia", qixia, 0, 0),
        ("yuhuatai", yuhuatai, 0, 0),
        ("jiangning", jiangning, 1, 0),
        ("xuanwu", 0, 0, 1),
        ("jiangbei", 0, 0, 0),
    ):
        s = (await client.get(f"/v1/public/stats?district={district}")).json()
        assert s["district"] == district
        assert (s["credited_trips"], s["reduction_g"]) == (1 if g else 0, g), district
        assert s["active_citizens"] == s["citizens"] == (1 if g else 0)
        assert sum(x["reduction_g"] for x in s["by_day_and_mode"]) == g
        assert (s["stores"], s["public_institutions"], s["projects"]) == (stores, institutions, 0)

        d = await client.get(f"/v1/admin/dashboard?days=3&district={district}", headers=admin)
        assert d.status_code == 200, d.text
        d = d.json()
        assert d["district"] == district and "by_day_mode" in d["cut_by_district"]
        assert sum(x["reduction_g"] for x in d["by_day_mode"]) == g
        assert d["active_citizens"] == (1 if g else 0)
        assert d["places"] == {"projects": 0, "stores": stores, "public_institutions": institutions}
    whole = (await client.get("/v1/admin/dashboard?days=3", headers=admin)).json()
    assert whole["district"] is None and whole["cut_by_district"] == []
    assert sum(x["reduction_g"] for x in whole["by_day_mode"]) == qixia + yuhuatai + jiangning

    for bad in ("atlantis", "XUANWU", "玄武区"):
        assert_problem(
            await client.get(f"/v1/public/stats?district={bad}"), 422, "invalid_district"
        )
        r = await client.get(f"/v1/admin/dashboard?district={bad}", headers=admin)
        assert_problem(r, 422, "invalid_district")
    assert_problem(await client.get("/v1/public/stats?district=" + "x" * 40), 400)


async def test_org_applications_take_a_district_from_the_list(client) -> None:
    def body(**extra) -> dict:
        return {
            "name": f"南京某机关 {uuid.uuid4().hex[:4]}",
            "uscc": a_uscc(),
            "kind": "public_institution",
            "contact": {"name": "王芳", "email": "wang@example.cn"},
        } | extra

    assert (await client.post("/v1/org-applications", json=body(district="jiangbei"))).is_success
    assert (await client.post("/v1/org-applications", json=body())).is_success  # optional
    r = await client.post("/v1/org-applications", json=body(district="玄武区"))
    assert_problem(r, 422, "invalid_district")


async def test_projects_accept_the_jiangbei_new_area(db) -> None:
    from domain.projects.drafts import DISTRICTS

    assert "jiangbei" in DISTRICTS and DISTRICTS == CODES
    assert demo_file("stops.txt").splitlines()[0].endswith(",district")
