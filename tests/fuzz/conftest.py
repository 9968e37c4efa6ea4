"""What the fuzz run counts per audience, and the summary it prints at the end of the session."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SUMMARY = Path(os.environ.get("PUHUI_FUZZ_SUMMARY", "test-output/fuzz-summary.json"))


@dataclass
class FuzzTally:
    operations: int = 0
    requests: int = 0
    failed: int = 0
    statuses: Counter[int] = field(default_factory=Counter)


_TALLIES: dict[str, FuzzTally] = {}


@pytest.fixture(scope="session")
def fuzz_tallies() -> dict[str, FuzzTally]:
    from tests.fuzz.test_openapi_fuzz import AUDIENCES

    for audience in AUDIENCES:
        _TALLIES.setdefault(audience, FuzzTally())
    return _TALLIES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ran = {a: t for a, t in _TALLIES.items() if t.requests}
    if not ran:
        return
    terminalreporter.section("schemathesis fuzz: requests per audience")
    for audience, t in ran.items():
        statuses = ", ".join(f"{s // 100}xx: {n}" for s, n in sorted(t.statuses.items()))
        terminalreporter.write_line(
            f"{audience:9} {t.operations:3} operations {t.requests:6} requests "
            f"{t.failed:4} failed  ({statuses})"
        )
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(
        json.dumps(
            {
                a: {
                    "operations": t.operations,
                    "requests": t.requests,
                    "failed": t.failed,
                    "statuses": {f"{s // 100}xx": n for s, n in sorted(t.statuses.items())},
                }
                for a, t in ran.items()
            },
            indent=2,
        )
        + "\n"
    )
