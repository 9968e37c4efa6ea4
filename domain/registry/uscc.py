"""The unified social credit code (统一社会信用代码, GB 32100-2015) organisations apply with (pure).

Eighteen characters over the 31-character alphabet `0-9 A-Z` without I, O, Z, S and V:

====== ================================================================================
 1      registration authority (登记管理部门代码): `AUTHORITIES`
 2      organisation category (机构类别代码), which depends on the authority
 3-8    administrative division of the registering office (GB/T 2260), 6 digits
 9-17   organisation code (主体标识码, GB 11714): 8 characters and their own check character
 18     check character over the first 17 (mod 31)
====== ================================================================================

The 18th character. Each character has its value in `ALPHABET` (A=10, ..., H=17, J=18, ...,
Y=30); weights are `WEIGHTS`, which are 3**(i-1) mod 31; the check character is the one whose value
makes the weighted sum of all 18 characters (the check weighing 1) a multiple of 31. Worked for
91110000600037341L (from python-stdnum's tests):

    values   9 1 1 1 0 0 0 0  6 0 0 0  3   7  3   4  1
    weights  1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    sum      9+3+9+27 + 6*20 + 3*8 + 7*24 + 3*10 + 4*30 + 1*28 = 538 = 17*31 + 11
    check    (31 - 11) mod 31 = 20 -> 'L'

The organisation code's check character (position 17) follows GB 11714 instead: values are 0-9 and
A=10 ... Z=35 (all 26 letters, unlike the alphabet above), weights 3, 7, 9, 10, 5, 8, 4, 2, and
the character is 11 - (sum mod 11), written 'X' for 10 and '0' for 11. For the same code:
6*3 + 3*5 + 7*8 + 3*4 + 4*2 = 109 = 9*11 + 10, so 11 - 10 = 1 -> '1'. For 91340600MA2PBMA74B:
M=22, A=10, 2, P=25, B=11, M=22, A=10, 7 give 689 = 62*11 + 7, so 11 - 7 = 4 -> '4'.

What the check catches. 31 is prime and no weight is 0 mod 31, so changing any one character to
another character of the alphabet changes the weighted sum by w * (v' - v), which is not 0 mod 31:
every single substitution is caught (a character outside the alphabet is refused before that).
The weights are distinct powers of 3, a primitive root mod 31, so swapping two different characters
is caught too, except a swap of the first and the last character (both weigh 1).

Early pilot regions issued a few codes that break the standard (e.g. 91350211M00013FA1N fails its
check character); they are refused here like any other wrong code.
"""

from __future__ import annotations

import unicodedata

import msgspec

from domain.errors import InvalidInput

CODE = "invalid_uscc"
LENGTH = 18
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # digits and letters without I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}

# Registration authority -> (name, {category: name}): GB 32100-2015 and the codes assigned since.
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

# First two digits of a GB/T 2260 division: the provinces, plus 10 for central-level registrations.
PROVINCES = frozenset(
    {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"}
    | {"65", "71", "81", "82"}
)


class Uscc(msgspec.Struct, frozen=True, kw_only=True):
    """A valid code and its parts."""

    code: str
    authority: str  # position 1
    category: str  # position 2
    division: str  # positions 3-8
    organisation_code: str  # positions 9-17, its own check character last

    @property
    def authority_name(self) -> str:
        return AUTHORITIES[self.authority][0]

    @property
    def category_name(self) -> str:
        return AUTHORITIES[self.authority][1][self.category]


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (all from `ALPHABET`)."""
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[-total % 31]


def organisation_check_character(body8: str) -> str:
    """GB 11714: the check character of an organisation code's first 8 characters."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate(code: str, *, field: str = "uscc") -> str:
    """The code in store form (NFKC, stripped, uppercase), or `InvalidInput` saying what is wrong.

    The error's code is `invalid_uscc`; its `field` extra names the request field.
    """
    return parse(code, field=field).code


def parse(code: str, *, field: str = "uscc") -> Uscc:
    """Like `validate`, returning the parts as well."""
    text = unicodedata.normalize("NFKC", code).strip().upper()

    def refuse(detail: str) -> InvalidInput:
        return InvalidInput(f"{field}: {detail}", code=CODE, field=field)

    if len(text) != LENGTH:
        raise refuse(f"a unified social credit code has {LENGTH} characters, not {len(text)}")
    for position, ch in enumerate(text, start=1):
        if ch not in _VALUES:
            raise refuse(
                f"character {position} ({ch!r}) is not allowed: only digits and capital "
                "letters other than I, O, Z, S and V"
            )
    authority, category, division = text[0], text[1], text[2:8]
    if authority not in AUTHORITIES:
        raise refuse(
            f"{authority!r} is not a registration authority code (one of {''.join(AUTHORITIES)})"
        )
    name, categories = AUTHORITIES[authority]
    if category not in categories:
        raise refuse(
            f"{category!r} is not an organisation category of authority {authority} ({name}): "
            f"one of {''.join(categories)}"
        )
    if not division.isdigit():
        raise refuse(f"characters 3-8 ({division}) must be an administrative division code")
    if division[:2] not in PROVINCES:
        raise refuse(f"characters 3-8 ({division}) do not start with a province-level code")
    organisation = text[8:17]
    expected = organisation_check_character(organisation[:8])
    if organisation[8] != expected:
        raise refuse(
            f"the organisation code's check character (character 17) is {organisation[8]!r}, "
            f"expected {expected!r}: one of characters 9-17 is wrong"
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise refuse(
            f"the check character (character 18) is {text[17]!r}, expected {expected!r}: "
            "one of the 18 characters is wrong"
        )
    return Uscc(
        code=text,
        authority=authority,
        category=category,
        division=division,
        organisation_code=organisation,
    )
