"""Builders the registry unit tests share: accounts, issuances, blocks, id sources."""

from __future__ import annotations

from itertools import count

from domain.registry.blocks import Block
from domain.registry.serials import Issuance

A, B, C = "org:a", "org:b", "org:c"
RETIREMENT = "sys:retirement"


def ids(prefix: str = "b"):
    counter = count(1)
    return lambda: f"{prefix}{next(counter)}"


def iss(vintage: int = 2024, no: int = 1, project: str = "NJGT", cls: str = "I") -> Issuance:
    return Issuance(vintage=vintage, issuance_no=no, project_code=project, unit_class=cls)  # type: ignore[arg-type]


def blk(
    start: int, end: int, *, i: Issuance | None = None, account: str = A, id: str = "x"
) -> Block:
    return Block(issuance=i or iss(), start=start, end=end, account=account, id=id)


def spans(blocks) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in blocks]
