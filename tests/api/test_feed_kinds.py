"""Bike-share (MDS 1.2 and 2.0), bus boardings and raw metro taps through the signed feed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from domain.clock import SHANGHAI, shanghai_date
from domain.crypto import DataProtector
from domain.network.demo import nanjing_demo
from domain.network.graph import haversine_m
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    signed_headers,
    signed_post,
)


async def _rider(client, db, settings, kind: str, account: str, network: bool = True):
    op = await make_operator(db, DataProtector(settings.data_key), kind)
    if network:
        await import_demo_network(db, op[0])
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, op, account)
    return citizen, op


async def _push(client, op, payload):
    return await signed_post(client, f"/v1/operators/{op[0]}/trips", op[1], op[2], payload)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def test_bikeshare_mds_2_and_1_2(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings, "bikeshare", "rider-7", network=False)
    end = datetime.now(UTC) - timedelta(hours=1)
    start = end - timedelta(minutes=15)
    v20 = {
        "trip_id": "b20",
        "device_id": "d1",
        "external_account": "rider-7",
        "start_time": _ms(start),
        "end_time": _ms(end),
        "duration": 900,
        "distance": 2345,
        "start_location": {"lat": 32.04, "lng": 118.78},
        "end_location": {"lat": 32.05, "lng": 118.79},
    }
    route = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [118.78, 32.03]},
                "properties": {"timestamp": _ms(start - timedelta(hours=2))},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [118.79, 32.03]},
                "properties": {"timestamp": _ms(end - timedelta(hours=2))},
            },
        ],
    }
    v12 = {
        "trip_id": "b12",
        "device_id": "d2",
        "external_account": "rider-7",
        "start_time": _ms(start - timedelta(hours=2)),
        "end_time": _ms(end - timedelta(hours=2)),
        "trip_duration": 900,
        "trip_distance": 5000,
        "route": route,
    }
    r = await _push(client, op, {"trips": [v20, v12]})
    assert r.status_code == 200, r.text
    got = {x["external_trip_id"]: x for x in r.json()["results"]}
    assert got["b20"]["status"] == "credited"
    assert got["b20"]["points"] == 2345 * 93300 // 1_000_000  # 218 g
    route_m = int(haversine_m(32.03, 118.78, 32.03, 118.79))
    assert got["b12"]["points"] == route_m * 93300 // 1_000_000  # the route, shorter than 5 km


async def test_bikeshare_too_fast_and_too_short(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings, "bikeshare", "rider-8", network=False)
    end = datetime.now(UTC) - timedelta(hours=1)
    base = {
        "device_id": "d",
        "external_account": "rider-8",
        "start_location": {"lat": 32, "lng": 118},
        "end_location": {"lat": 32.1, "lng": 118.1},
    }
    fast = {
        **base,
        "trip_id": "f",
        "start_time": _ms(end - timedelta(minutes=5)),
        "end_time": _ms(end),
        "duration": 300,
        "distance": 9000,
    }  # 108 km/h
    short = {
        **base,
        "trip_id": "s",
        "start_time": _ms(end - timedelta(hours=2, minutes=10)),
        "end_time": _ms(end - timedelta(hours=2)),
        "duration": 600,
        "distance": 300,
    }
    r = await _push(client, op, {"trips": [fast, short]})
    assert [x["reason"] for x in r.json()["results"]] == ["too_fast", "too_short"]


async def test_bus_boardings(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings, "bus", "bus-card-1")
    t = datetime.now(UTC) - timedelta(hours=3)
    r = await _push(
        client,
        op,
        {
            "trips": [
                {
                    "external_trip_id": "bus1",
                    "external_account": "bus-card-1",
                    "route_id": "5",
                    "board_stop": "NJM101",
                    "board_time": t.isoformat(),
                    "alight_stop": "NJM106",
                    "alight_time": (t + timedelta(minutes=25)).isoformat(),
                },
                {
                    "external_trip_id": "bus2",
                    "external_account": "bus-card-1",
                    "route_id": "5",
                    "board_stop": "NJM201",
                    "board_time": (t + timedelta(hours=1)).isoformat(),
                },
            ]
        },
    )
    assert r.status_code == 200, r.text
    one, two = r.json()["results"]
    a, b = nanjing_demo().stop("NJM101"), nanjing_demo().stop("NJM106")
    straight = int(haversine_m(a.lat, a.lon, b.lat, b.lon) * 1.3)
    assert (one["status"], one["points"]) == ("credited", straight * 26900 // 1_000_000)
    assert (two["status"], two["points"]) == ("credited", 4000 * 26900 // 1_000_000)  # default 4 km


async def test_raw_taps_pair_across_batches(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings, "metro", "tap-card")
    t = datetime.now(UTC) - timedelta(hours=2)
    tap_in = {
        "external_account": "tap-card",
        "tap": "in",
        "station": "NJM101",
        "time": t.isoformat(),
    }
    r = await _push(client, op, {"taps": [tap_in]})
    assert r.status_code == 200, r.text
    assert r.json()["results"] == [] and r.json()["taps"]["open"] == 1
    tap_out = {
        "external_account": "tap-card",
        "tap": "out",
        "station": "NJM112",
        "time": (t + timedelta(minutes=30)).isoformat(),
    }
    r = await _push(client, op, {"taps": [tap_out]})
    [journey] = r.json()["results"]
    assert journey["status"] == "credited"
    assert journey["points"] == nanjing_demo().distance_m("NJM101", "NJM112") * 46800 // 1_000_000
    # the same taps again: the same journey id, so a duplicate
    r = await _push(client, op, {"taps": [tap_in, tap_out]})
    assert [x["status"] for x in r.json()["results"]] == ["duplicate"]


async def test_a_missing_tap_out_never_credits(client, db, settings) -> None:
    citizen, op = await _rider(client, db, settings, "metro", "tap-card-2")
    t = datetime.now(UTC) - timedelta(hours=10)
    taps = [
        {"external_account": "tap-card-2", "tap": "in", "station": "NJM101", "time": t.isoformat()},
        # the tap-out of that first ride was lost; a later ride is complete
        {
            "external_account": "tap-card-2",
            "tap": "in",
            "station": "NJM201",
            "time": (t + timedelta(hours=5)).isoformat(),
        },
        {
            "external_account": "tap-card-2",
            "tap": "out",
            "station": "NJM210",
            "time": (t + timedelta(hours=5, minutes=20)).isoformat(),
        },
        {
            "external_account": "tap-card-2",
            "tap": "out",
            "station": "NJM105",
            "time": (t + timedelta(hours=5, minutes=50)).isoformat(),
        },  # an orphan: no tap-in came within 4 h
    ]
    r = await _push(client, op, {"taps": taps})
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["credited"]
    assert body["taps"] == {
        "received": 4,
        "invalid": 0,
        "journeys": 1,
        "open": 0,
        "waiting_out": 0,
        "expired": 1,
        "orphans": 1,
    }
    me = (await client.get("/v1/me/trips", headers=bearer(citizen["access_token"]))).json()
    assert len(me["items"]) == 1


async def test_taps_are_metro_only_and_need_a_network(client, db, settings) -> None:
    _, bus = await _rider(client, db, settings, "bus", "x-1")
    assert_problem(await _push(client, bus, {"taps": []}), 422, "invalid_envelope")
    _, metro = await _rider(client, db, settings, "metro", "x-2", network=False)
    assert_problem(await _push(client, metro, {"trips": []}), 422, "network_missing")


async def test_reconciliation_counts_each_status(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings, "metro", "rec-1")
    t = datetime.now(UTC) - timedelta(hours=1)
    if shanghai_date(t - timedelta(minutes=80)) != shanghai_date(t):
        # near Shanghai midnight the earliest trip would fall on the day before: move all
        # three to the last minutes of that day, so the one reconciliation day holds them
        t = datetime.combine(shanghai_date(t), time.min, tzinfo=SHANGHAI) - timedelta(minutes=1)
    trips = [
        {
            "external_trip_id": "r1",
            "external_account": "rec-1",
            "entry_station": "NJM101",
            "exit_station": "NJM110",
            "entry_time": (t - timedelta(minutes=20)).isoformat(),
            "exit_time": t.isoformat(),
        },
        {
            "external_trip_id": "r2",
            "external_account": "nobody",
            "entry_station": "NJM101",
            "exit_station": "NJM110",
            "entry_time": (t - timedelta(minutes=20)).isoformat(),
            "exit_time": t.isoformat(),
        },
        {
            "external_trip_id": "r3",
            "external_account": "rec-1",
            "entry_station": "NJM101",
            "exit_station": "NOPE",
            "entry_time": (t - timedelta(minutes=80)).isoformat(),
            "exit_time": (t - timedelta(minutes=60)).isoformat(),
        },
    ]
    await _push(client, op, {"trips": trips})
    path = f"/v1/operators/{op[0]}/reconciliation?date={shanghai_date(t).isoformat()}"
    r = await client.get(path, headers=signed_headers("GET", path, op[1], op[2]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert {s: v["trips"] for s, v in body["statuses"].items()} == {
        "credited": 1,
        "pending": 1,
        "rejected": 1,
    }
    assert body["total"]["trips"] == 3
    assert body["total"]["points"] == body["statuses"]["credited"]["points"] > 0
