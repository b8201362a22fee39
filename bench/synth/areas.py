"""Real area chains and realistic organ names for synthetic reports.

Areas come from the gazetteer seed `seeds/areas.csv` (every current county with its townships,
12-digit codes) when it exists, else from a small built-in list of real areas (county codes only).
The corpus therefore follows the gazetteer: a changed seed file changes which places are drawn.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

AREAS_CSV = Path(__file__).resolve().parents[2] / "seeds" / "areas.csv"

# (province, prefecture, county, county_code, townships)
_AREAS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("辽宁省", "抚顺市", "东洲区", "210403", ("搭连街道", "新屯街道", "章党镇")),
    ("辽宁省", "本溪市", "平山区", "210502", ("平山街道", "千金街道", "桥头镇")),
    ("福建省", "福州市", "晋安区", "350111", ("鼓山镇", "新店镇", "岳峰镇")),
    ("福建省", "福州市", "鼓楼区", "350102", ("鼓东街道", "温泉街道", "东街街道")),
    ("甘肃省", "白银市", "靖远县", "620421", ("三滩镇", "乌兰镇", "东湾镇")),
    ("甘肃省", "定西市", "安定区", "621102", ("中华路街道", "凤翔镇", "内官营镇")),
    ("贵州省", "安顺市", "关岭布依族苗族自治县", "520424", ("顶云街道", "关索街道", "永宁镇")),
    ("北京市", "北京市", "东城区", "110101", ("东华门街道", "景山街道", "和平里街道")),
    ("上海市", "上海市", "黄浦区", "310101", ("打浦桥街道", "南京东路街道", "外滩街道")),
    ("浙江省", "杭州市", "西湖区", "330106", ("北山街道", "灵隐街道", "转塘街道")),
    ("江苏省", "南京市", "玄武区", "320102", ("梅园新村街道", "新街口街道", "孝陵卫街道")),
    ("广东省", "广州市", "天河区", "440106", ("石牌街道", "五山街道", "天河南街道")),
    ("湖北省", "武汉市", "江岸区", "420102", ("大智街道", "一元街道", "车站街道")),
    ("四川省", "成都市", "锦江区", "510104", ("春熙路街道", "书院街街道", "牛市口街道")),
    ("山东省", "青岛市", "市南区", "370202", ("八大关街道", "香港中路街道", "湛山街道")),
    ("河南省", "郑州市", "金水区", "410105", ("经八路街道", "花园路街道", "文化路街道")),
    ("湖南省", "长沙市", "岳麓区", "430104", ("橘子洲街道", "望月湖街道", "莲花镇")),
    ("安徽省", "宿州市", "埇桥区", "341302", ("三里街道", "道东街道", "符离镇")),
    ("陕西省", "西安市", "雁塔区", "610113", ("小寨路街道", "大雁塔街道", "曲江街道")),
    ("山西省", "太原市", "小店区", "140105", ("坞城街道", "营盘街道", "北营街道")),
    ("河北省", "石家庄市", "长安区", "130102", ("建北街道", "青园街道", "育才街道")),
    ("湖南省", "岳阳市", "岳阳楼区", "430602", ("洞庭街道", "岳阳楼街道", "金鹗山街道")),
    ("江西省", "南昌市", "东湖区", "360102", ("公园街道", "滕王阁街道", "豫章街道")),
    ("云南省", "昆明市", "五华区", "530102", ("华山街道", "护国街道", "大观街道")),
)

# Province-level codes of the provinces above (first two digits + 0000).
PROVINCE_CODES = {a[0]: a[3][:2] + "0000" for a in _AREAS}


@dataclass(frozen=True, slots=True)
class County:
    province: str
    prefecture: str | None
    county: str
    codes: tuple[str, str, str]  # province, prefecture (or ''), county codes
    townships: tuple[tuple[str, str], ...]  # (name, code)


def _builtin() -> list[County]:
    return [County(p, f, c, (code[:2] + "0000", code[:4] + "00", code), tuple((t, code) for t in towns))
            for p, f, c, code, towns in _AREAS]


@lru_cache(maxsize=2)
def counties(path: Path = AREAS_CSV) -> tuple[County, ...]:
    """Every current county with townships, from the gazetteer seed; the built-in list without it."""
    if not path.exists():
        return tuple(_builtin())
    towns: dict[str, list[tuple[str, str]]] = {}
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r.get("abolished") == "true":
                continue
            if r["level"] == "township" and r["county_code12"]:
                towns.setdefault(r["county_code12"], []).append((r["name"], r["code12"]))
            elif r["level"] == "county":
                rows.append(r)
    out = [County(r["province"], r["prefecture"] or None, r["name"],
                  (r["province_code12"], r["prefecture_code12"], r["code12"]), tuple(towns[r["code12"]]))
           for r in rows if towns.get(r["code12"])]
    return tuple(out) if out else tuple(_builtin())

DEPARTMENTS = (
    "人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
    "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "信访局", "政务服务数据管理局",
)
# Departments that field many applications (land, policing, housing).
BUSY_DEPARTMENTS = frozenset({"自然资源局", "公安局", "住房和城乡建设局", "人力资源和社会保障局"})
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})


@dataclass(frozen=True, slots=True)
class Organ:
    name: str
    kind: str  # government | department
    level: str  # province | prefecture | county | township
    province: str
    prefecture: str | None
    county: str | None
    township: str | None
    area_code: str
    department: str | None = None

    def area(self) -> dict[str, str | None]:
        return {
            "province": self.province,
            "prefecture": self.prefecture,
            "county": self.county,
            "township": self.township,
        }


def _dept_name(place: str, dept: str, level: str) -> str:
    """A department's name: provinces and autonomous regions have 厅 where cities have 局."""
    if level == "province" and not place.endswith("市") and dept not in ("统计局", "审计局", "信访局"):
        dept = dept.replace("局", "厅")
    return place + dept


def pick_organ(rng: random.Random) -> Organ:
    """A real area and an organ in it. Most organs are county/township ones, as in reality."""
    chosen = rng.choice(counties())
    prov, pref, county, towns = chosen.province, chosen.prefecture, chosen.county, chosen.townships
    prov_code, pref_code, code = chosen.codes
    level = rng.choices(("province", "prefecture", "county", "township"), weights=(3, 12, 45, 40))[0]
    kind = "government" if level == "township" else rng.choices(("government", "department"), (25, 75))[0]
    dept = rng.choice(DEPARTMENTS) if kind == "department" else None
    if level == "prefecture" and pref is None:
        level = "county"  # municipalities: no prefecture between the province and its districts
    if level == "province":
        code = prov_code
        name = prov + "人民政府" if dept is None else _dept_name(prov, dept, level)
        return Organ(name, kind, level, prov, None, None, None, code, dept)
    if level == "prefecture":
        assert pref is not None
        code = pref_code
        gov = "行政公署" if pref.endswith("地区") else "人民政府"
        name = pref + gov if dept is None else pref + dept
        return Organ(name, kind, level, prov, pref, None, None, code, dept)
    if level == "county":
        prefix = "" if pref is None or pref in MUNICIPALITIES else pref
        name = prefix + county + ("人民政府" if dept is None else dept)
        return Organ(name, kind, level, prov, pref, county, None, code, dept)
    town, town_code = rng.choice(towns)
    name = county + town + ("办事处" if town.endswith("街道") else "人民政府")
    return Organ(name, "government", "township", prov, pref, county, town, town_code, None)
