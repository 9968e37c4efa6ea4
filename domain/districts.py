"""Nanjing's districts: the one list every place (station, store, project, institution) and
every statistic cut by district uses.

Eleven administrative districts (区) plus the Jiangbei New Area (江北新区), a state-level new
area north of the Yangtze run as its own unit for planning and statistics (it spans parts of
Pukou and Luhe). Codes are stable, lower-case pinyin; names are shown in Chinese and English.
"""

from __future__ import annotations

import msgspec

from domain.errors import InvalidInput


class District(msgspec.Struct, frozen=True):
    code: str
    name_zh: str
    name_en: str


ALL: tuple[District, ...] = (
    District("xuanwu", "玄武区", "Xuanwu"),
    District("qinhuai", "秦淮区", "Qinhuai"),
    District("jianye", "建邺区", "Jianye"),
    District("gulou", "鼓楼区", "Gulou"),
    District("pukou", "浦口区", "Pukou"),
    District("qixia", "栖霞区", "Qixia"),
    District("yuhuatai", "雨花台区", "Yuhuatai"),
    District("jiangning", "江宁区", "Jiangning"),
    District("luhe", "六合区", "Luhe"),
    District("lishui", "溧水区", "Lishui"),
    District("gaochun", "高淳区", "Gaochun"),
    District("jiangbei", "江北新区", "Jiangbei New Area"),
)
CODES: tuple[str, ...] = tuple(d.code for d in ALL)
BY_CODE: dict[str, District] = {d.code: d for d in ALL}


def validate(code: str, *, field: str = "district") -> str:
    """The district code, or a 4xx `invalid_district` naming the codes allowed."""
    if code not in BY_CODE:
        raise InvalidInput(
            f"{field}: one of {', '.join(CODES)}", code="invalid_district", field=field
        )
    return code


def optional(code: str | None, *, field: str = "district") -> str | None:
    """None stays None (no district given); anything else must be a district code."""
    return None if code is None else validate(code, field=field)
