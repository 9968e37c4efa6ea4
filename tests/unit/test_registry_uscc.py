"""Unified social credit codes (GB 32100-2015): real codes pass, every single typo is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.registry.uscc import (
    ALPHABET,
    AUTHORITIES,
    WEIGHTS,
    check_character,
    organisation_check_character,
    parse,
    validate,
)

# Publicly listed codes, copied from python-stdnum's tests/test_cn_uscc.doctest ("found online")
# and hutool's CreditCodeUtilTest; each one passes both check characters of a second, independent
# implementation below, so none is made up. They cover authorities 1 and 9, categories 1 and 2,
# letters in the organisation code, an organisation check 'X' and '0', and an 18th check '0'.
REAL_CODES = [
    "121200004013590816",  # 机构编制 / 事业单位, Tianjin
    "91110000600037341L",
    "91110000710926094P",
    "91120224064012553U",
    "91152201078371135X",
    "91310000631696382C",
    "91310112087994932F",
    "91310115MA1K3BTP2B",
    "9131012056010553X5",
    "91320214745555318W",
    "913205056082348768",
    "91340600MA2PBM9HXD",
    "91340600MA2PBMA74B",
    "91420684MA4927PJ7B",
    "9144030071526726XG",
    "9144060573144633XL",
    "9162010555628132X1",
    "91620105L015101280",
    "91620105MA73NBBLXE",
    "92340603MA2UK2ECXU",  # 个体工商户
    "92340604MA2PENA300",
    "92340621MA2UK3PJXE",
    "91310110666007217T",
    "91310115591693856A",
]
NONCONFORMING = "91350211M00013FA1N"  # an early pilot-region code that fails its check character


# -- a second implementation, written differently, to cross-check the module ---------------------


def _independent_check(first17: str) -> str:
    """Weights as powers of 3 mod 31, Horner-free; values from the 31-character alphabet."""
    letters = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOZSV"]
    table = {str(d): d for d in range(10)} | {c: 10 + i for i, c in enumerate(letters)}
    total = 0
    for i, ch in enumerate(first17):
        total += table[ch] * pow(3, i, 31)
    for candidate, value in table.items():
        if (total + value) % 31 == 0:
            return candidate
    raise AssertionError("no check character")


def _independent_org_check(body8: str) -> str:
    """GB 11714 with every letter A..Z valued 10..35."""
    value = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}}
    total = sum(value[c] * w for c, w in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    for digit in "0123456789X":
        if (total + (10 if digit == "X" else int(digit))) % 11 == 0:
            return digit
    raise AssertionError("no organisation check character")


def _alphabet_valued_org_check(body8: str) -> str:
    """The mistake to avoid: GB 11714 weights with the 31-character alphabet's letter values."""
    remainder = (
        11
        - sum(ALPHABET.index(c) * w for c, w in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
        % 11
    )
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


# -- real codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid_and_both_implementations_agree(code: str) -> None:
    assert validate(code) == code
    assert _independent_check(code[:17]) == check_character(code[:17]) == code[17]
    assert _independent_org_check(code[8:16]) == organisation_check_character(code[8:16])
    assert organisation_check_character(code[8:16]) == code[16]


def test_organisation_code_letters_take_gb_11714_values_not_the_alphabet_s() -> None:
    """After H the two letter tables differ (J is 19 in GB 11714, 18 in GB 32100)."""
    differing = [c for c in REAL_CODES if _alphabet_valued_org_check(c[8:16]) != c[16]]
    assert "91340600MA2PBMA74B" in differing and len(differing) >= 5


def test_worked_examples_from_the_docstring() -> None:
    code = "91110000600037341L"
    values = [ALPHABET.index(c) for c in code[:17]]
    total = sum(v * w for v, w in zip(values, WEIGHTS, strict=True))
    assert (total, total % 31, ALPHABET[(31 - total % 31) % 31]) == (538, 11, "L")
    assert organisation_check_character("60003734") == "1"  # 109 = 9*11 + 10 -> 1
    assert organisation_check_character("MA2PBMA7") == "4"  # 689 = 62*11 + 7 -> 4


def test_weights_are_powers_of_three_mod_31_and_3_is_a_primitive_root() -> None:
    assert list(WEIGHTS) == [pow(3, i, 31) for i in range(17)]
    assert len({pow(3, i, 31) for i in range(30)}) == 30
    # no weight times a non-zero difference of values is 0 mod 31: single substitutions show
    assert all(w * d % 31 for w in WEIGHTS for d in range(1, 31))


def test_parse_names_the_parts() -> None:
    parts = parse("121200004013590816")
    assert (parts.authority, parts.category, parts.division) == ("1", "2", "120000")
    assert (parts.authority_name, parts.category_name) == ("机构编制", "事业单位")
    assert parts.organisation_code == "401359081"
    assert parse("92340603MA2UK2ECXU").category_name == "个体工商户"


@pytest.mark.parametrize(
    "typed",
    [" 91110000600037341l ", "91110000600037341l\n", "９１１１００００６０００３７３４１Ｌ"],
)
def test_store_form_is_stripped_uppercase_ascii(typed: str) -> None:
    assert validate(typed) == "91110000600037341L"


# -- refusals name what is wrong ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("", "18 characters, not 0"),
        ("91110000600037341", "18 characters, not 17"),
        ("91110000600037341LL", "18 characters, not 19"),
        ("9111000060003734IL", "character 17 ('I') is not allowed"),
        ("91110000600O37341L", "character 12 ('O') is not allowed"),
        ("9111000060003734-L", "character 17 ('-') is not allowed"),
        ("B1110000600037341L", "'B' is not a registration authority code"),
        ("94110000600037341L", "'4' is not an organisation category of authority 9 (工商)"),
        ("Y2110000600037341L", "'2' is not an organisation category of authority Y"),
        ("911A0000600037341L", "characters 3-8 (1A0000) must be an administrative division"),
        ("91990000600037341L", "(990000) do not start with a province-level code"),
        ("91110000600037342L", "character 17) is '2', expected '1'"),
        ("91110000600037341N", "check character (character 18) is 'N', expected 'L'"),
        (NONCONFORMING, "check character (character 18) is 'N', expected"),
    ],
)
def test_wrong_codes_are_refused_with_a_clear_reason(code: str, says: str) -> None:
    with pytest.raises(InvalidInput) as info:
        validate(code)
    assert info.value.code == "invalid_uscc"
    assert info.value.extra == {"field": "uscc"}
    assert says in info.value.detail


def test_the_field_name_is_the_callers() -> None:
    with pytest.raises(InvalidInput) as info:
        validate("123", field="verifier_uscc")
    assert info.value.extra == {"field": "verifier_uscc"}
    assert info.value.detail.startswith("verifier_uscc: ")


# -- properties ----------------------------------------------------------------------------------

_chars = st.sampled_from(ALPHABET)
_authority_category = st.sampled_from(
    [(a, c) for a, (_, categories) in AUTHORITIES.items() for c in categories]
)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    authority, category = draw(_authority_category)
    province = draw(st.sampled_from(["11", "32", "44", "65", "10"]))
    division = province + draw(st.text("0123456789", min_size=4, max_size=4))
    body = draw(st.text(_chars, min_size=8, max_size=8))
    first17 = authority + category + division + body + _independent_org_check(body)
    return first17 + _independent_check(first17)


@given(st.text(_chars, min_size=17, max_size=17))
def test_check_character_matches_the_independent_implementation(first17: str) -> None:
    assert check_character(first17) == _independent_check(first17)


@given(valid_codes())
def test_any_well_formed_prefix_with_its_check_character_is_valid(code: str) -> None:
    assert validate(code) == code
    assert validate(code.lower()) == code


@given(valid_codes())
def test_every_single_character_substitution_is_refused(code: str) -> None:
    """Exhaustive per code: 18 positions x 30 other alphabet characters, plus a few others."""
    for position in range(18):
        for ch in ALPHABET + "IOZSV-*":
            if ch == code[position]:
                continue
            typo = code[:position] + ch + code[position + 1 :]
            with pytest.raises(InvalidInput):
                validate(typo)


@given(st.text(_chars, min_size=17, max_size=17))
def test_the_check_character_alone_catches_every_substitution_and_swap(first17: str) -> None:
    """Mod 31 over distinct powers of 3: only swapping the first and last characters passes."""
    code = first17 + check_character(first17)

    def passes(text: str) -> bool:
        return check_character(text[:17]) == text[17]

    for i in range(18):
        for ch in ALPHABET:
            if ch != code[i]:
                assert not passes(code[:i] + ch + code[i + 1 :])
        for j in range(i + 1, 18):
            if code[i] == code[j]:
                continue
            swapped = list(code)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            assert passes("".join(swapped)) == ((i, j) == (0, 17))
