"""Hostile records (issue 10): a bad record in a trip batch, of any format, is that record's
`rejected/invalid_record`, and the rest of the batch goes through."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.api.hostile import (
    CALENDAR_ENDS,
    NOW,
    NUL,
    boarding_record,
    iso,
    journey_record,
    mds_record,
    push,
    tap_record,
)

# -- trip batches: one bad record is that record's invalid_record ---------------------------------


def _results(r) -> dict[str | None, dict[str, Any]]:
    assert r.status_code == 200, r.text
    return {item["external_trip_id"]: item for item in r.json()["results"]}


def _assert_invalid(result: dict[str, Any]) -> None:
    assert (result["status"], result["reason"]) == ("rejected", "invalid_record"), result


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
@pytest.mark.parametrize("field", ["entry_time", "exit_time"])
async def test_metro_times_at_the_calendar_ends_are_invalid_records(
    client, operators, field, moment
) -> None:
    r = await push(client, operators["metro"], "trips", [journey_record("bad", **{field: moment})])
    _assert_invalid(_results(r)["bad"])


@pytest.mark.parametrize(
    "record",
    [
        journey_record(NUL),
        journey_record("nul-entry", entry_station="NJM\u0000101"),
        journey_record("nul-exit", exit_station="\u0000"),
        journey_record("nul-account", external_account="card\u00001"),
    ],
    ids=["trip-id", "entry-station", "exit-station", "account"],
)
async def test_nul_in_a_journey_is_an_invalid_record(client, operators, record) -> None:
    r = await push(client, operators["metro"], "trips", [journey_record("good"), record])
    results = r.json()["results"] if r.status_code == 200 else None
    assert results is not None, r.text
    assert len(results) == 2
    good, bad = results
    assert good["external_trip_id"] == "good" and good["status"] != "rejected", good
    _assert_invalid(bad)


@pytest.mark.parametrize(
    "tap",
    [
        tap_record("in", "NJM\u0000101", iso(NOW - timedelta(hours=1))),
        tap_record("in", "NJM101", CALENDAR_ENDS[0]),
        tap_record("out", "NJM108", CALENDAR_ENDS[1]),
        {"external_account": "card\u00002", "tap": "in", "station": "NJM101", "time": iso(NOW)},
    ],
    ids=["nul-station", "year-1", "year-9999", "nul-account"],
)
async def test_bad_raw_taps_are_invalid_records(client, operators, tap) -> None:
    good = [
        tap_record("in", "NJM101", iso(NOW - timedelta(hours=1, minutes=20))),
        tap_record("out", "NJM108", iso(NOW - timedelta(hours=1))),
    ]
    r = await push(client, operators["metro"], "taps", [*good, tap])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["taps"]["invalid"] == 1 and body["taps"]["journeys"] == 1, body
    invalid = [x for x in body["results"] if x["reason"] == "invalid_record"]
    assert len(invalid) == 1, body


@pytest.mark.parametrize(
    "record",
    [
        mds_record("far", end_time=253_402_300_799_999),
        mds_record("far-start", start_time=253_402_300_799_999, end_time=253_402_300_799_999),
        mds_record("nul\u0000id"),
        mds_record("nul-account", external_account="\u0000"),
        mds_record("million-km", distance=1e12),  # fits MDS, not a trip (nor a 32-bit column)
    ],
    ids=["end-9999", "start-9999", "nul-id", "nul-account", "million-km"],
)
async def test_bad_mds_trips_are_invalid_records(client, operators, record) -> None:
    r = await push(client, operators["bikeshare"], "trips", [mds_record("good"), record])
    assert r.status_code == 200, r.text
    good, bad = r.json()["results"]
    assert good["external_trip_id"] == "good" and good["reason"] != "invalid_record", good
    _assert_invalid(bad)


@pytest.mark.parametrize(
    "record",
    [
        boarding_record("year-1", board_time=CALENDAR_ENDS[0]),
        boarding_record("year-9999", alight_time=CALENDAR_ENDS[1]),
        boarding_record("nul-stop", board_stop="NJM\u0000101"),
        boarding_record("nul-route", route_id="R\u00001"),
        boarding_record("nul\u0000id"),
    ],
    ids=["year-1", "year-9999", "nul-stop", "nul-route", "nul-id"],
)
async def test_bad_boardings_are_invalid_records(client, operators, record) -> None:
    r = await push(client, operators["bus"], "trips", [boarding_record("good"), record])
    assert r.status_code == 200, r.text
    good, bad = r.json()["results"]
    assert good["external_trip_id"] == "good" and good["reason"] != "invalid_record", good
    _assert_invalid(bad)
