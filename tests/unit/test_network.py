"""Metro distances on the station network, and reading the network from GTFS."""

from __future__ import annotations

import math
from itertools import combinations, pairwise

import msgspec
import pytest

from domain.network.demo import demo_file, nanjing_demo
from domain.network.graph import (
    Network,
    NetworkError,
    Stop,
    UnknownStation,
    from_gtfs,
    from_gtfs_trips,
    haversine_m,
)

XINJIEKOU = "NJM108"  # 新街口, on lines 1 and 2


def _leg(net: Network, a: str, b: str) -> float:
    sa, sb = net.stop(a), net.stop(b)
    return haversine_m(sa.lat, sa.lon, sb.lat, sb.lon)


def test_haversine_of_one_degree_of_latitude() -> None:
    assert haversine_m(0, 118, 1, 118) == pytest.approx(6_371_008.8 * math.pi / 180)
    assert haversine_m(32.0, 118.8, 32.0, 118.8) == 0.0


def test_the_demo_network_has_50_stations_on_two_lines_sharing_xinjiekou() -> None:
    net = nanjing_demo()
    assert net.stops_count == 50
    assert {line: len(codes) for line, codes in net.lines.items()} == {"1": 27, "2": 24}
    assert set(net.lines["1"]) & set(net.lines["2"]) == {XINJIEKOU}
    assert net.stop(XINJIEKOU).name == "新街口"
    assert net.stop("NJM101").name == "迈皋桥"
    # README: summed great-circle length line 1 35.7 km, line 2 35.1 km
    for line, km in (("1", 35.7), ("2", 35.1)):
        codes = net.lines[line]
        assert round(sum(_leg(net, a, b) for a, b in pairwise(codes)) / 1000, 1) == km


def test_adjacent_stations_are_the_great_circle_distance_apart() -> None:
    net = nanjing_demo()
    for codes in net.lines.values():
        for a, b in pairwise(codes):
            assert net.distance_m(a, b) == math.floor(_leg(net, a, b))
            assert net.distance_m(b, a) == net.distance_m(a, b)


def test_a_transfer_at_xinjiekou_costs_nothing() -> None:
    net = nanjing_demo()
    # 三山街 (line 1) -> 张府园 -> 新街口 -> 大行宫 (line 2)
    path = ["NJM110", "NJM109", XINJIEKOU, "NJM212"]
    legs = [_leg(net, a, b) for a, b in pairwise(path)]
    assert net.distance_m("NJM110", "NJM212") == math.floor(sum(legs))
    line1_leg = net.distance_m("NJM110", XINJIEKOU)
    line2_leg = net.distance_m(XINJIEKOU, "NJM212")
    assert line1_leg + line2_leg <= net.distance_m("NJM110", "NJM212") <= line1_leg + line2_leg + 1


def test_same_station_is_zero_and_unknown_stations_raise() -> None:
    net = nanjing_demo()
    assert net.distance_m(XINJIEKOU, XINJIEKOU) == 0
    for a, b in (("NJM999", XINJIEKOU), (XINJIEKOU, "NJM999"), ("NJM999", "NJM999")):
        with pytest.raises(UnknownStation) as caught:
            net.distance_m(a, b)
        assert caught.value.code == "unknown_station"
        assert "NJM999" in caught.value.detail
    with pytest.raises(UnknownStation):
        net.stop("nope")


def test_disconnected_stations_have_no_distance() -> None:
    stops = [Stop("A", "a", 32.0, 118.0), Stop("B", "b", 32.01, 118.0), Stop("C", "c", 33, 119)]
    net = Network(stops, {"1": ["A", "B"], "2": ["C"]})
    assert net.distance_m("A", "B") == math.floor(haversine_m(32.0, 118.0, 32.01, 118.0))
    with pytest.raises(NetworkError):
        net.distance_m("A", "C")


def test_the_shorter_of_two_routes_is_taken() -> None:
    stops = [Stop("A", "a", 32.0, 118.0), Stop("B", "b", 32.0, 118.1), Stop("C", "c", 32.3, 118.05)]
    net = Network(stops, {"direct": ["A", "B"], "detour": ["A", "C", "B"]})
    assert net.distance_m("A", "B") == math.floor(haversine_m(32.0, 118.0, 32.0, 118.1))


def test_bad_networks_are_refused() -> None:
    a = Stop("A", "a", 32.0, 118.0)
    with pytest.raises(NetworkError):
        Network([a], {"1": ["A", "X"]})
    with pytest.raises(NetworkError):
        Network([a, a], {"1": ["A"]})
    with pytest.raises(NetworkError):
        Network([Stop("B", "b", 91.0, 118.0)], {"1": ["B"]})
    with pytest.raises(NetworkError):
        Network([a], {"1": "A"})


def test_the_distance_cache_is_bounded() -> None:
    net = from_gtfs(demo_file("stops.txt"), demo_file("route_stops.txt"))
    net.PAIR_CACHE_SIZE = 5
    net.SOURCE_CACHE_SIZE = 2
    codes = net.lines["1"]
    expected = [nanjing_demo().distance_m(a, b) for a, b in combinations(codes, 2)]
    assert [net.distance_m(a, b) for a, b in combinations(codes, 2)] == expected
    assert len(net._pairs) <= 5
    assert len(net._sources) <= 2


def test_json_round_trip() -> None:
    net = nanjing_demo()
    stored = msgspec.json.decode(msgspec.json.encode(net.to_json()))
    again = Network.from_json(stored)
    assert again == net
    assert again.distance_m("NJM101", "NJM224") == net.distance_m("NJM101", "NJM224")
    with pytest.raises(NetworkError):
        Network.from_json({"stops": [{"code": "A"}], "lines": {}})


STOPS = """\ufeffstop_id,stop_name,stop_lat,stop_lon,location_type\r
A,Alpha,32.000,118.700,1\r
B,Beta,32.010,118.720,1\r
C,Gamma,32.030,118.730,1\r
D,Delta,32.000,118.750,1\r
"""
# Route 1: A-B-C (rows out of order, sequences not contiguous); route 2: D-B.
ROUTE_STOPS = "route_id,stop_sequence,stop_id\n1,10,C\n1,2,A\n1,5,B\n2,1,D\n2,2,B\n"
TRIPS = "route_id,service_id,trip_id\n1,wk,t1-short\n1,wk,t1-full\n2,wk,t2\n"
STOP_TIMES = (
    "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "t1-short,08:00:00,08:00:00,B,1\n"
    "t1-short,08:03:00,08:03:00,C,2\n"
    "t1-full,08:00:00,08:00:00,A,1\n"
    "t1-full,08:02:00,08:02:00,B,2\n"
    "t1-full,08:05:00,08:05:00,C,10\n"
    "t2,09:00:00,09:00:00,D,0\n"
    "t2,09:04:00,09:04:00,B,1\n"
)


def test_gtfs_trips_and_route_stops_give_the_same_network() -> None:
    by_routes = from_gtfs(STOPS, ROUTE_STOPS)
    by_trips = from_gtfs_trips(STOPS, TRIPS, STOP_TIMES)
    assert dict(by_routes.lines) == {"1": ("A", "B", "C"), "2": ("D", "B")}
    assert by_trips == by_routes
    assert by_routes.stop("A") == Stop("A", "Alpha", 32.0, 118.7)
    for a, b in combinations("ABCD", 2):
        assert by_trips.distance_m(a, b) == by_routes.distance_m(a, b)
    assert by_routes.distance_m("A", "D") == math.floor(
        haversine_m(32.0, 118.7, 32.01, 118.72) + haversine_m(32.01, 118.72, 32.0, 118.75)
    )


def test_gtfs_platforms_count_as_their_parent_station() -> None:
    stops = (
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
        "S1,One,32.0,118.7,1,\n"
        "S2,Two,32.01,118.72,1,\n"
        "S1-P,One platform,32.0001,118.7001,0,S1\n"
        "S1-E,One exit,32.0002,118.7002,2,S1\n"
    )
    net = from_gtfs(stops, "route_id,stop_sequence,stop_id\nL,1,S1-P\nL,2,S2\n")
    assert net.stops_count == 2
    assert net.lines["L"] == ("S1", "S2")


@pytest.mark.parametrize(
    ("stops", "route_stops", "fragment"),
    [
        (STOPS.replace("32.010", "north"), ROUTE_STOPS, "stops.txt line 3"),
        (STOPS.replace("stop_lat", "lat"), ROUTE_STOPS, "missing column(s) stop_lat"),
        (STOPS.replace("B,Beta", "A,Beta"), ROUTE_STOPS, "stops.txt line 3"),
        (STOPS.replace("32.030", "95.0"), ROUTE_STOPS, "latitude"),
        (STOPS.replace(",118.750,1", ""), ROUTE_STOPS, "stops.txt line 5"),
        ("", ROUTE_STOPS, "stops.txt line 1"),
        (STOPS, ROUTE_STOPS.replace("1,5,B", "1,5,Z"), "route_stops.txt line 4"),
        (STOPS, ROUTE_STOPS.replace("1,5,B", "1,five,B"), "route_stops.txt line 4"),
        (STOPS, ROUTE_STOPS.replace("1,5,B", "1,2,B"), "stop_sequence 2 twice"),
        (STOPS, ROUTE_STOPS + '1,"7,B\n', "route_stops.txt"),
    ],
)
def test_bad_gtfs_is_refused_with_a_line_number(
    stops: str, route_stops: str, fragment: str
) -> None:
    with pytest.raises(NetworkError) as caught:
        from_gtfs(stops, route_stops)
    assert caught.value.code == "invalid_network"
    assert fragment in caught.value.detail


def test_bad_gtfs_trips_are_refused() -> None:
    with pytest.raises(NetworkError, match=r"stop_times\.txt line 9: trip_id .ghost."):
        from_gtfs_trips(STOPS, TRIPS, STOP_TIMES + "ghost,10:00:00,10:00:00,A,1\n")
    with pytest.raises(NetworkError, match=r"trips\.txt line 3"):
        from_gtfs_trips(STOPS, TRIPS.replace("t1-full", "t1-short"), STOP_TIMES)
