"""Registry serials: labels, parsing, issuance order (domain/registry/serials.py)."""

from __future__ import annotations

import msgspec
import pytest

from domain.errors import InvalidInput
from domain.registry.serials import SerialRange, parse_serial, serial_label, unit_label
from tests.unit.registry import blk, iss

# -- serials ---------------------------------------------------------------------------------


def test_labels_follow_the_registry_format() -> None:
    block = blk(1, 250, i=iss(2024, 3, "NJGT", "I"))
    assert serial_label(block) == block.label == "NJ-I-2024-NJGT-3-1-250"
    assert serial_label(blk(7, 7, i=iss(2023, 1, "P0042", "II"))) == "NJ-II-2023-P0042-1-7-7"
    assert unit_label(iss(2023, 1, "P0042", "II"), 7) == "NJ-II-2023-P0042-1-7"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("NJ-I-2024-NJGT-3-1-250", 1, 250),
        ("NJ-I-2024-NJGT-3-17", 17, 17),
        (" nj-i-2024-njgt-3-5-9", 5, 9),
    ],
)
def test_parse_serial_reads_blocks_and_single_units(text: str, start: int, end: int) -> None:
    assert parse_serial(text) == SerialRange(issuance=iss(2024, 3), start=start, end=end)


def test_parse_serial_reads_class_ii_and_round_trips() -> None:
    label = "NJ-II-2031-P7-12-100-199"
    parsed = parse_serial(label)
    assert parsed.issuance == iss(2031, 12, "P7", "II")
    assert serial_label(parsed) == label


@pytest.mark.parametrize(
    "text",
    [
        "",
        "NJ-III-2024-NJGT-3-1-2",
        "NJ-I-24-NJGT-3-1-2",
        "NJ-I-2024-NJ-GT-3-1-2-5",
        "NJ-I-2024-NJGT-0-1-2",
        "NJ-I-2024-NJGT-3-0-2",
        "NJ-I-2024-NJGT-3-9-2",
        "SH-I-2024-NJGT-3-1-2",
        "NJ-I-2024-NJGT-3-1-2-3",
    ],
)
def test_parse_serial_refuses_anything_else(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_serial(text)
    assert info.value.code == "invalid_serial"


def test_issuances_and_ranges_refuse_impossible_values() -> None:
    for bad in ({"project": "NJ-GT"}, {"project": ""}, {"cls": "III"}, {"vintage": 24}, {"no": 0}):
        with pytest.raises((ValueError, msgspec.ValidationError)):
            iss(**bad)  # type: ignore[arg-type]
    for start, end in ((0, 3), (5, 4), (True, 3)):
        with pytest.raises(ValueError):
            blk(start, end)


def test_issuances_order_oldest_vintage_first() -> None:
    assert sorted([iss(2025, 1), iss(2023, 9), iss(2023, 2)]) == [
        iss(2023, 2),
        iss(2023, 9),
        iss(2025, 1),
    ]
