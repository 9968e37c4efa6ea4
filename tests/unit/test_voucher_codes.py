"""Voucher codes: random, typable, forgiving of the usual typos, strict about the rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.vouchers.codes import ALPHABET, display_code, new_code, normalize_code


def test_alphabet_is_crockford_base32() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_code_is_ten_characters_of_the_alphabet_in_store_form() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000  # 50 random bits: a repeat here would mean a broken generator
    for code in codes:
        assert len(code) == 10
        assert set(code) <= set(ALPHABET)
        assert normalize_code(code) == code
    assert set("".join(codes)) == set(ALPHABET)  # every character turns up


def test_display_groups_five_and_five_and_reads_back() -> None:
    assert display_code("ABCDE12345") == "ABCDE-12345"
    assert display_code("abcde-12345") == "ABCDE-12345"
    code = new_code()
    assert normalize_code(display_code(code)) == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ABCDE-12345", "ABCDE12345"),
        ("abcde 12345", "ABCDE12345"),
        ("  ab-cd e1 2-345 ", "ABCDE12345"),
        ("oOiIlL0011", "0011110011"),
        ("ＡＢＣＤＥ－１２３４５", "ABCDE12345"),  # full-width, as a Chinese IME types it
    ],
)
def test_normalize_forgives_case_separators_and_look_alikes(typed: str, stored: str) -> None:
    assert normalize_code(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "ABCDE1234", "ABCDE123456", "ABCDE-1234U", "ABCDE_12345", "ABCDE.12345", "ÀBCDE12345"],
)
def test_normalize_refuses_anything_else_with_bad_code(typed: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_code(typed)
    assert info.value.code == "bad_code"
    with pytest.raises(InvalidInput):
        display_code(typed)


@given(st.text(max_size=30))
def test_normalize_either_gives_a_store_form_code_or_refuses_with_bad_code(text: str) -> None:
    try:
        code = normalize_code(text)
    except InvalidInput as exc:
        assert exc.code == "bad_code"
    else:
        assert len(code) == 10
        assert set(code) <= set(ALPHABET)
        assert normalize_code(code) == code
