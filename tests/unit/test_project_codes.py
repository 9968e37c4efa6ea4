"""Public project codes: capital letters and digits, at most 16, parseable back."""

from __future__ import annotations

import pytest

from domain.projects.codes import prefix_of, project_code, sequence_of
from domain.registry.serials import Issuance


def test_methodology_letters_and_a_four_digit_sequence():
    assert prefix_of("NJ-GT") == "NJGT"
    assert project_code("NJGT", 1) == "NJGT0001"
    assert project_code("NJGT", 12345) == "NJGT12345"
    assert sequence_of("NJGT", "NJGT0042") == 42
    assert sequence_of("NJGT", "NJGTX001") is None
    assert sequence_of("NJGT", "NJFC0001") is None


def test_long_or_odd_methodology_codes_still_give_serial_safe_codes():
    prefix = prefix_of("nj-forest-carbon-sink-2024")
    code = project_code(prefix, 7)
    assert len(code) <= 16 and code.isalnum() and code.upper() == code
    assert code.endswith("0007")
    assert prefix_of("--") == "P"
    big = project_code(prefix, 10**9)
    assert len(big) <= 16 and big.endswith(str(10**9))
    # every code fits a unit serial
    assert Issuance(vintage=2024, issuance_no=1, project_code=code, unit_class="I").prefix


def test_no_sequence_zero():
    with pytest.raises(ValueError):
        project_code("NJGT", 0)
