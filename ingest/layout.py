"""Layout of a normalised text: long lines split into paragraphs, and section headings found.

Scrapers often deliver a whole report on one line. `split_run_on` cuts such a line before
section headings (一、… 十、), before sub-headings ((一)…) that start a paragraph, and before the
blocks that start a template table (第二十条第(一)项 信息内容…, (本列数据的勾稽关系…)). Every piece
keeps the line number of the physical line it came from. The patterns are generic heading shapes,
never per-report rules.

`find_sections` recognises the numbered section headings (一、总体情况 …) loosely: a heading must
continue the numbering (a table row label such as 一、本年新收… inside section 三 is not a section),
and a heading whose numeral was lost (`、政府信息公开申请…`) takes the next number.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import filterfalse

from ingest.model import Line, Section

NUMERALS = "一二三四五六七八九十"
_NUMERAL_VALUE = {c: i + 1 for i, c in enumerate(NUMERALS)}
# Split only lines longer than this: a normal paragraph is left alone.
LONG_LINE = 160
# Openings of the standard section headings (2008 条例 skeleton, 2019/2021 templates): a heading
# with one of these is split off even when glued to the previous word (…3922533.2元三、收到和处理…).
STANDARD_HEADINGS = (
    "总体情况", "概述", "基本情况", "主动公开", "收到和处理", "依申请公开", "政府信息公开行政复议",
    "因政府信息公开", "政府信息公开的收费", "存在的主要问题", "其他需要报告",
)  # fmt: skip
# Where a piece may start: a numeral heading, a sub-heading, a 第二十条 table banner or the
# corner note of the applications table. Whether it does start there depends on the character
# before it (the end of a sentence, a space, a digit ending a glued table row, a pipe).
_CANDIDATE = re.compile(
    rf"(?P<h>[{NUMERALS}]{{1,2}}、)|(?P<s>\([{NUMERALS}]{{1,2}}\))"
    rf"|(?P<t>第二十条第\([{NUMERALS}]{{1,2}}\)项\s*(?:信息内容|\|))|(?P<c>\(本列数据的?[勾钩]稽关系)"
)
_AFTER_HEADING = frozenset("。；;！!？? |:：)") | frozenset("0123456789")
_AFTER_SUBHEADING = _AFTER_HEADING
_STANDARD_START = re.compile(rf"[{NUMERALS}]{{1,2}}、(?:{'|'.join(STANDARD_HEADINGS)})")
_HEADING = re.compile(rf"^([{NUMERALS}]{{1,2}})?、\s*([^。，,;；:：\s()|\d《》“”]{{2,40}})")
_HEADING_END = re.compile(r"^.*(?:情况|事项|措施|概述|问题|工作)")
# Row labels of the applications table that look like section headings.
_TABLE_ROW_HEADS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度", "结转下一年度", "本年度办理")
_MAX_HEADING_LINE = 400
_CACHED_LINE = 120  # longer lines (prose that starts like a heading) are not remembered


def split_run_on(line: Line) -> list[Line]:
    """A long line cut into paragraph-sized pieces, each with the original line number."""
    text = line.text
    if len(text) <= LONG_LINE:
        return [line]
    cuts = [0]
    for m in _CANDIDATE.finditer(text):
        i = m.start()
        if i == 0:
            continue
        before = text[i - 1]
        if m.lastgroup in ("t", "c"):
            cuts.append(i)
        elif m.lastgroup == "h":
            if before in _AFTER_HEADING or before.isspace() or _STANDARD_START.match(text, i):
                cuts.append(i)
        elif before in _AFTER_SUBHEADING or before.isspace():
            cuts.append(i)
    cuts.append(len(text))
    pieces = (text[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False))
    return [Line(line.no, p) for p in pieces if p]


def numeral_value(text: str) -> int | None:
    """一 → 1 … 十 → 10, 十一 → 11; None when `text` is not a small Chinese numeral."""
    if not text:
        return None
    if len(text) == 1:
        return _NUMERAL_VALUE.get(text)
    if text[0] == "十" and text[1] in _NUMERAL_VALUE:
        return 10 + _NUMERAL_VALUE[text[1]]
    return None


def find_sections(lines: list[Line], skip: set[int] | None = None) -> list[Section]:
    """The numbered section headings, in order. `skip` holds indices of lines that are table cells."""
    return [s for _, s in find_sections_at(lines, skip)]


def find_sections_at(lines: list[Line], skip: set[int] | None = None) -> list[tuple[int, Section]]:
    """(index in `lines`, Section) for every numbered section heading."""
    out: list[tuple[int, Section]] = []
    last = 0
    indices = filterfalse(skip.__contains__, range(len(lines))) if skip else range(len(lines))
    for i in indices:
        line = lines[i]
        if "、" not in line.text[:3]:
            continue  # every heading has its 、 within the first three characters (see _HEADING)
        text = line.text
        found = _heading_shape(text) if len(text) <= _CACHED_LINE else _heading_shape.__wrapped__(text)
        if found is None:
            continue
        heading, value = found
        number = value if heading[0] != "、" else last + 1
        if number is None or not (last < number <= last + 2):
            continue
        out.append((i, Section(heading=heading, line=line.no, number=number)))
        last = number
    return out


@lru_cache(maxsize=4096)  # pure; reports repeat their headings (一、概述, 二、主动公开政府信息情况 …)
def _heading_shape(text: str) -> tuple[str, int | None] | None:
    """(heading, value of its numeral) when `text` has the shape of a section heading, else None;
    a heading whose numeral was lost starts with 、 (find_sections_at numbers it)."""
    m = _HEADING.match(text)
    if not m or len(text) > _MAX_HEADING_LINE and not m.group(1):
        return None
    title = m.group(2)
    end = _HEADING_END.match(title)
    if end:
        title = end.group(0)
    if title.startswith(_TABLE_ROW_HEADS):
        return None
    numeral = m.group(1)
    return (numeral or "") + "、" + title, numeral_value(numeral) if numeral else None
