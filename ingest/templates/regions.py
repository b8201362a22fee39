"""Where the template tables sit in a Stream, and which template their headers belong to.

Regions are found from the tables' own header text (banners 第二十条第(X)项, the applications
corner note / 申请人情况, the appeals header 行政复议 行政诉讼 结果维持 …) and closed by the next
table or the next numbered section heading. Positions are indices into Stream.key.
The template is read from the headers, never from the year (FM-1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.templates.stream import Stream, fold_key

_BANNER = re.compile(r"第二十条第\((?:一|五|六|八|九)\)项")
_DISCLOSURE_HEADING = re.compile(r"二\.主动公开政府信息(?:情况)?")
_APPS_START = re.compile(  # what _apps_start finds (tests/test_templates_stream.py compares)
    r"\(?本列数据的?勾稽关系|申请人情况|一\.本年新收政府信息公开申请数量|本年新收政府信息公开申请数量")
_APPS_HEADING = re.compile(r"三\.收到和处理政府信息公开申请")
_APPEALS_HEADER = re.compile(r"行政复议行政诉讼|行政复议.{0,40}?结果维持")
_APPEALS_HEADING = re.compile(r"四\.(?:因)?政府信息公开.{0,12}?行政复议")
_SECTION_MARK = re.compile(r"[五六七]\.(?=\S)")  # then not after a digit or '(' (see _next_section)

MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                "其他对外管理服务事项", "采购项目数量", "政府集中采购")
APPS_2021 = ("逾期不补正", "逾期未按收费通知")
_KEYS_2021 = tuple(fold_key(m) for m in MARKERS_2021)
_KEYS_2019 = tuple(fold_key(m) for m in MARKERS_2019)
_APPS_KEYS_2021 = tuple(fold_key(m) for m in APPS_2021)
_OTHER_2019 = fold_key("(六)其他处理")
_APPS_CORES = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理", "本年度办理结果")


@dataclass
class Regions:
    disclosure: tuple[int, int] | None = None
    applications: tuple[int, int] | None = None
    appeals: tuple[int, int] | None = None  # the header and its values
    appeals_heading: int | None = None  # section 四 heading, when present


def _first(pattern: re.Pattern[str], key: str, start: int, end: int | None = None) -> re.Match[str] | None:
    return pattern.search(key, start, len(key) if end is None else end)


def _next_section(key: str, start: int) -> int | None:
    """Where the next section heading 五. / 六. / 七. starts, at or after `start`: its number
    not glued to a digit or an opening bracket before it (one search for the mark, then a look
    at the character before, instead of a lookbehind tried at every position)."""
    for m in _SECTION_MARK.finditer(key, start):
        at = m.start()
        if at == 0 or not (key[at - 1].isdecimal() or key[at - 1] == "("):
            return at
    return None


_NOTE_KEYS = ("本列数据的勾稽关系", "本列数据勾稽关系")
_NEW_RECEIVED = "本年新收政府信息公开申请数量"


def _apps_start(key: str, start: int) -> int | None:
    """Where _APPS_START first matches in key[start:] (what a search for it gives as .start()),
    from literal finds: the pattern has no literal prefix, so its search tries every position."""
    found: list[int] = []
    for note in _NOTE_KEYS:  # \(?本列数据的?勾稽关系: from the '(' before it, if any
        q = key.find(note, start)
        if q >= 0:
            found.append(q - 1 if q - 1 >= start and key[q - 1] == "(" else q)
    q = key.find("申请人情况", start)
    if q >= 0:
        found.append(q)
    q = key.find(_NEW_RECEIVED, start)
    if q >= 0:  # 一\.本年新收… from the '一.' before it, if any
        found.append(q - 2 if q - 2 >= start and key.startswith("一.", q - 2) else q)
    return min(found) if found else None


def find_regions(stream: Stream) -> Regions:
    key = stream.key
    r = Regions()
    apps_start = _apps_start(key, 0)
    apps_heading = _first(_APPS_HEADING, key, 0)
    banner = _first(_BANNER, key, 0)
    d_start: int | None = banner.start() if banner else None
    if d_start is None:
        h = _first(_DISCLOSURE_HEADING, key, 0)
        if h is not None:
            info = key.find("信息内容", h.end())
            d_start = info if info >= 0 and info - h.end() < 200 else None
    if d_start is not None and apps_start is not None and apps_start < d_start:
        apps_start = _apps_start(key, d_start)
    search_from = apps_start if apps_start is not None else (d_start or 0)
    appeals = _first(_APPEALS_HEADER, key, search_from)
    heading = _first(_APPEALS_HEADING, key, search_from)
    r.appeals_heading = heading.start() if heading else None
    if d_start is not None:
        ends = [x for x in (apps_start, apps_heading.start() if apps_heading and apps_heading.start() > d_start else None,
                            appeals.start() if appeals else None) if x is not None and x > d_start]
        r.disclosure = (d_start, min(ends) if ends else len(key))
    if apps_start is not None:
        ends = [x.start() for x in (heading, appeals) if x is not None and x.start() > apps_start]
        nxt = _next_section(key, apps_start)
        if nxt is not None:
            ends.append(nxt)
        r.applications = (apps_start, min(ends) if ends else len(key))
    if appeals is not None:
        nxt = _next_section(key, appeals.end())
        r.appeals = (appeals.start(), nxt if nxt is not None else len(key))
    return r


def detect_template(stream: Stream, regions: Regions) -> str:
    """`2021` / `2019` from the tables' headers; `pre2019` when there is text but no template
    table; `unknown` when there is no text at all or only a table 四."""
    key = stream.key
    if regions.disclosure is not None:
        a, b = regions.disclosure
        part = key[a:b]
        n21 = sum(part.count(m) for m in _KEYS_2021)
        n19 = sum(part.count(m) for m in _KEYS_2019)
        if n21 or n19:
            return "2021" if n21 >= n19 else "2019"
    if regions.applications is not None:
        a, b = regions.applications
        part = key[a:b]
        if any(m in part for m in _APPS_KEYS_2021):
            return "2021"
        if any(core in part for core in _APPS_CORES):
            return "2019"  # table 三 without the 2021 (六) sub-rows
    if regions.appeals is not None:
        return "unknown"  # table 四 is the same in both templates: it cannot tell them apart
    return "pre2019" if key.strip() else "unknown"


def applications_template(stream: Stream, regions: Regions, template: str) -> str:
    """Table 三's own layout: the 2021 one has three (六) sub-rows (逾期不补正 …), the 2019 one a
    single (六)其他处理 row. Read from the table itself, so a report mixing a 2021 table 二 with a
    2019 table 三 (or the reverse) keeps every row."""
    fallback = template if template in ("2019", "2021") else "2021"
    if regions.applications is None:
        return fallback
    a, b = regions.applications
    part = stream.key[a:b]
    if any(m in part for m in _APPS_KEYS_2021):
        return "2021"
    if _OTHER_2019 in part:
        return "2019"
    return fallback
