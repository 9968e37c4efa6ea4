"""Serial numbers of registry units: the issuance a unit belongs to, ranges and their labels (pure).

Every issuance numbers its tonnes 1..quantity. A unit is named by its issuance and its number, a
block of units by its issuance and a contiguous range:

    NJ-{class}-{vintage}-{project_code}-{issuance_no}-{start}-{end}     a block (or any range)
    NJ-{class}-{vintage}-{project_code}-{issuance_no}-{n}               one unit

e.g. `NJ-I-2024-NJGT-3-1-250` is units 1 to 250 of the third issuance of project NJGT, vintage
2024, Class I. Project codes are capital letters and digits without a hyphen, so a label always
splits back into its parts (`parse_serial`).
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

import msgspec

from domain.errors import InvalidInput

UnitClass = Literal["I", "II"]
CLASSES: tuple[UnitClass, ...] = ("I", "II")
REGISTRY = "NJ"
PROJECT_CODE = re.compile(r"[A-Z0-9]{1,32}")
_NUMBER = r"[1-9][0-9]{0,17}"
_LABEL = re.compile(
    rf"{REGISTRY}-(?P<cls>I|II)-(?P<vintage>[0-9]{{4}})-(?P<project>[A-Z0-9]{{1,32}})"
    rf"-(?P<no>{_NUMBER})-(?P<start>{_NUMBER})(?:-(?P<end>{_NUMBER}))?"
)


class Issuance(msgspec.Struct, frozen=True, kw_only=True, order=True):
    """One issuance: the prefix every serial of its units shares. Orders by vintage first."""

    vintage: int  # the year the reductions happened
    issuance_no: int  # 1, 2, ... within the project
    project_code: str
    unit_class: UnitClass  # the methodology class: "I" or "II"

    def __post_init__(self) -> None:
        if not PROJECT_CODE.fullmatch(self.project_code):
            raise ValueError(f"project code {self.project_code!r}: 1-32 of A-Z and 0-9")
        if self.unit_class not in CLASSES:
            raise ValueError(f"unit class {self.unit_class!r}: I or II")
        if not 1000 <= self.vintage <= 9999 or isinstance(self.vintage, bool):
            raise ValueError(f"vintage {self.vintage!r}: a four-digit year")
        if self.issuance_no < 1 or isinstance(self.issuance_no, bool):
            raise ValueError(f"issuance number {self.issuance_no!r}: 1 or more")

    @property
    def prefix(self) -> str:
        """`NJ-{class}-{vintage}-{project_code}-{issuance_no}`."""
        return f"{REGISTRY}-{self.unit_class}-{self.vintage}-{self.project_code}-{self.issuance_no}"


class HasSerials(Protocol):
    """Anything that names a range of one issuance: a `SerialRange` or a block."""

    @property
    def issuance(self) -> Issuance: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class SerialRange(msgspec.Struct, frozen=True, kw_only=True, order=True):
    """Units `start..end` (both included) of one issuance."""

    issuance: Issuance
    start: int
    end: int

    def __post_init__(self) -> None:
        check_range(self.start, self.end)

    @property
    def quantity(self) -> int:
        return self.end - self.start + 1


def check_range(start: int, end: int) -> None:
    """Serials are integers from 1, and a range holds at least one of them."""
    if isinstance(start, bool) or isinstance(end, bool) or not 1 <= start <= end:
        raise ValueError(f"serial range {start!r}..{end!r}: integers with 1 <= start <= end")


def serial_label(item: HasSerials) -> str:
    """`NJ-{class}-{vintage}-{project_code}-{issuance_no}-{start}-{end}` (a one-unit range too)."""
    return f"{item.issuance.prefix}-{item.start}-{item.end}"


def unit_label(issuance: Issuance, serial: int) -> str:
    """One unit's serial: `NJ-{class}-{vintage}-{project_code}-{issuance_no}-{n}`."""
    return f"{issuance.prefix}-{serial}"


def parse_serial(text: str) -> SerialRange:
    """A block's label or one unit's serial back into a range (one unit: start == end).

    Raises `InvalidInput` (`invalid_serial`) for anything else, e.g. a range that ends before it
    starts.
    """
    match = _LABEL.fullmatch(text.strip().upper())
    if match is None:
        raise InvalidInput(
            f"{text!r} is not a serial: NJ-{{I|II}}-{{vintage}}-{{project}}-{{issuance}}-{{start}}"
            "[-{end}]",
            code="invalid_serial",
        )
    start = int(match["start"])
    end = int(match["end"]) if match["end"] else start
    if end < start:
        raise InvalidInput(f"{text!r}: the range ends before it starts", code="invalid_serial")
    issuance = Issuance(
        vintage=int(match["vintage"]),
        issuance_no=int(match["no"]),
        project_code=match["project"],
        unit_class=match["cls"],  # type: ignore[arg-type]  # the pattern allows only I or II
    )
    return SerialRange(issuance=issuance, start=start, end=end)
