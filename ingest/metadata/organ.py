"""Who: the reporting organ's name, kind (government | department), level and scope.

The organ is read from the title ("三滩镇2019年…" → 三滩镇), else from page metadata (发布机构/来源),
else from the body's self-references (我区/我镇/我办/本街道) tied to the area name the report uses
most for that kind of unit. A government's name is then spelled the way the expected official
form is built: the parents the report itself writes (prefecture and county for a township,
prefecture for a county; a municipality stands in for the prefecture) + the area + 人民政府 /
办事处 / 管委会. A department keeps the name it gives itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.metadata.places import Gazetteer, find_in

# Words after the area that make the organ a government; the value is the canonical spelling.
GOVERNMENT_WORDS = {
    "人民政府": "人民政府",
    "政府": "人民政府",
    "街道办事处": "办事处",
    "办事处": "办事处",
    "管委会": "管委会",
    "管理委员会": "管理委员会",
}
# A zone's district office acting as a township government (平潭综合实验区君山片区管理局).
ZONE_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2,6}片区管理局$")
DEPARTMENT_TAIL = re.compile(r"(局|厅|委|委员会|办|办公室|办公厅|中心|署|院|所|站|队|会|处|司|部|馆|行|社|台|公司)$")
TOWNSHIP_CLASSES = ("街道", "镇", "乡", "苏木")
COUNTY_CLASSES = ("县", "旗", "区")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")

TITLE_SPLIT = re.compile(
    r"(?:(?:19|20)\d{2}\s*年度?|[〇○零一二]{1}[〇○零一二三四五六七八九]{3}年度?"
    r"|(?<!人民)政府信息公开|政务信息公开|政务公开|信息公开|年度报告|工作报告)"
)
# "XX局关于2019年…" / "XX区人民政府办公室发布…": words that end the organ part of a title
TITLE_TAIL = re.compile(r"(?:关于|发布|公布|的)$")
SELF_REF = re.compile(r"[我本](街道|区|县|市|镇|乡|旗|办|局|委|厅|中心)")


@dataclass
class Organ:
    name: str | None = None
    source: str | None = None  # title | page_meta | body
    kind: str | None = None  # government | department
    level: str | None = None
    scope: str | None = None  # aggregate | own
    warnings: list[str] = field(default_factory=list)


def unit_class(name: str) -> str | None:
    for cls in ("街道", "苏木", "自治区", "省", "市", "区", "县", "旗", "镇", "乡", "州", "盟", "地区"):
        if name.endswith(cls):
            return cls
    return None


def organ_from_title(title: str | None) -> str | None:
    """The organ part of a title: the text before the year or the 信息公开 phrase."""
    if not title or ("报告" not in title and "年报" not in title):
        return None  # a site name ("XX市人民政府门户网站") is not a report title
    parts = [TITLE_TAIL.sub("", p.strip(" :|")) for p in TITLE_SPLIT.split(title)]
    for p in parts:
        if len(p) >= 2:
            return p
    return None


def split_organ(raw: str, gaz: Gazetteer) -> tuple[list[str], str]:
    """(area names at the start, the rest): 靖远县三滩镇人民政府 → ([靖远县, 三滩镇], 人民政府)."""
    areas, pos = [], 0
    for start, end, name in find_in(raw, gaz, short_ok=True):
        gap = raw[pos:start]
        if gap not in ("", "政府"):  # 宣武区政府大栅栏街道办事处 keeps its chain
            break
        areas.append(name)
        pos = end
    return areas, raw[pos:]


# A township the gazetteer does not know (renamed, new), written with its government word.
UNKNOWN_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:街道|镇|乡|苏木))(街道办事处|办事处|人民政府|政府)?$")


def classify(raw: str, gaz: Gazetteer) -> tuple[str | None, list[str], str]:
    """(kind, area names, rest) of an organ string."""
    areas, rest = split_organ(raw, gaz)
    unknown = UNKNOWN_TOWNSHIP.match(rest)
    if areas and unknown and len(unknown.group(1)) >= 3:
        return "government", [*areas, unknown.group(1)], unknown.group(2) or ""
    if ZONE_DISTRICT.match(rest) and areas:
        return "government", areas, rest
    if areas and (rest == "" or rest in GOVERNMENT_WORDS):
        return "government", areas, rest
    if DEPARTMENT_TAIL.search(rest) and len(rest) >= 2:
        return "department", areas, rest
    return None, areas, rest


def area_level(name: str, gaz: Gazetteer) -> str | None:
    level = gaz.level(name)
    if level is not None:
        return level
    cls = unit_class(name)
    if cls in TOWNSHIP_CLASSES:
        return "township"
    if cls in ("县", "旗"):
        return "county"
    return None


def _parents(core: str, level: str, text: str, mention_counts: Counter[str], gaz: Gazetteer) -> list[str]:
    """Parent names the report writes for `core`, outermost first, in the slots of `level`."""
    if level not in ("township", "county"):
        return []
    adjacent = _adjacent_parents(core, text, gaz)

    def pick(slot: str, child: str) -> str | None:
        names = [
            n
            for n in mention_counts
            if _slot_of(n, gaz) == slot and (n in adjacent or gaz.is_ancestor(n, core) or gaz.is_ancestor(n, child))
        ]
        return max(names, key=lambda n: (n in adjacent, mention_counts[n])) if names else None

    county = pick("county", core) if level == "township" else None
    prefecture = pick("prefecture", county or core)
    if prefecture and county and all(p.code12 for p in gaz.places(county)) and gaz.places(county):
        if not gaz.is_ancestor(prefecture, county):
            prefecture = None  # 抚顺市 must contain 东洲区
    return [p for p in (prefecture, county) if p]


def _slot_of(name: str, gaz: Gazetteer) -> str | None:
    if name in MUNICIPALITIES:
        return "prefecture"
    level = area_level(name, gaz)
    return level if level in ("prefecture", "county") else None


def _adjacent_parents(core: str, text: str, gaz: Gazetteer) -> set[str]:
    """Area names the text writes right before `core` (宣武区大栅栏街道, 北京市宣武区…), transitively."""
    found: set[str] = set()
    todo = [core]
    while todo:
        target = todo.pop()
        at = text.find(target)
        while at >= 0 and target:  # every non-overlapping occurrence (a compiled pattern per name thrashed re's cache)
            head = text[max(0, at - 18) : at]
            at = text.find(target, at + len(target))
            head = head.removesuffix("政府")
            if head[-2:] not in gaz.tails:
                continue  # every name find_in gives ends in a listed tail: none ends where `core` starts
            for _, end, name in find_in(head, gaz):
                if end == len(head) and name not in found and name != core:
                    found.add(name)
                    todo.append(name)
    return found


def government_word(core: str, given: str, text: str) -> str:
    """人民政府 / 办事处 / 管委会 for the government of `core`."""
    cls = unit_class(core)
    if cls == "街道":
        return "办事处"
    if given and given not in ("政府", "办事处"):
        return GOVERNMENT_WORDS.get(given, given)
    if cls in ("镇", "乡", "县", "区", "市", "旗", "省", "自治区", "苏木"):
        if cls == "区" and f"{core}管委会" in text and f"{core}人民政府" not in text:
            return "管委会"
        return "人民政府"
    counts = {w: text.count(core + w) for w in ("人民政府", "管委会", "管理委员会")}
    best = max(counts, key=lambda w: counts[w])
    return best if counts[best] else "人民政府"


DEPARTMENT_REFS = {"局": "局", "委": "委员会|委", "厅": "厅", "中心": "中心", "办": "办公室|办"}
NAME_CHARS = re.compile(r"[\u4e00-\u9fff]{1,14}")


def department_in_text(text: str, ref: str, gaz: Gazetteer) -> str | None:
    """The most-written "<area><words><局>" of the text, for a report that calls itself 我局."""
    tail = re.compile(rf"^([\u4e00-\u9fff]*?(?:{DEPARTMENT_REFS[ref]}))")
    found: Counter[str] = Counter()
    for _, end, area in find_in(text, gaz):
        words = NAME_CHARS.match(text, end)
        if not words:
            continue
        m = tail.match(words.group(0))
        if m and len(m.group(1)) >= 2 and not any(True for _ in find_in(m.group(1), gaz)):
            found[area + m.group(1)] += 1
    if not found:
        return None
    name, count = found.most_common(1)[0]
    return name if count >= 2 else None


def from_body(text: str, mention_counts: Counter[str], gaz: Gazetteer) -> tuple[str, str] | None:
    """(kind, name) of the organ a report calls itself by: 我区 → its most-named 区 (a government),
    我局 → its most-written "<area>…局" (a department); None when it cannot be told."""
    refs = Counter(SELF_REF.findall(text))
    top = refs.most_common(1)[0][0] if refs else None
    streets = [(n, c) for n, c in mention_counts.items() if unit_class(n) == "街道"]
    if top in DEPARTMENT_REFS and not (top == "办" and streets):
        name = department_in_text(text, top, gaz)
        return ("department", name) if name else None
    if top in ("办", "街道"):
        wanted = ["街道"]
    elif top:
        wanted = [top]
    else:  # no self-reference: the most-named township, if named more than once
        wanted = list(TOWNSHIP_CLASSES)
    names = [(n, c) for n, c in mention_counts.items() if unit_class(n) in wanted]
    if not names:
        return None
    name, count = max(names, key=lambda nc: nc[1])
    return ("government", name) if count >= 2 or refs else None


def build(
    title_organ: str | None, meta_organ: str | None, text: str, mention_counts: Counter[str], gaz: Gazetteer
) -> Organ:
    for raw, source in ((title_organ, "title"), (meta_organ, "page_meta")):
        if raw:
            kind, areas, rest = classify(raw, gaz)
            if kind:
                return _finish(raw, source, kind, areas, rest, text, mention_counts, gaz)
    found = from_body(text, mention_counts, gaz)
    if found:
        kind, raw = found
        _, areas, rest = classify(raw, gaz)
        return _finish(raw, "body", kind, areas or [raw], rest if kind == "department" else "", text, mention_counts, gaz)
    return Organ(warnings=["organ not found"])


def _finish(
    raw: str,
    source: str,
    kind: str,
    areas: list[str],
    rest: str,
    text: str,
    mention_counts: Counter[str],
    gaz: Gazetteer,
) -> Organ:
    if kind == "department" or ZONE_DISTRICT.match(rest):
        level = "township" if ZONE_DISTRICT.match(rest) else (area_level(areas[-1], gaz) if areas else None)
        return Organ(raw, source, kind, level, "own")
    core = areas[-1]
    level = area_level(core, gaz)
    written = [a for a in areas[:-1] if a != core]
    parents = _parents(core, level or "", text, mention_counts, gaz) if level else written
    name = "".join(parents) + core + government_word(core, rest, text)
    scope = "own" if level == "township" else ("aggregate" if level else None)
    return Organ(name, source, "government", level, scope)
