"""When: the publication date and the report year (REPORT_FORMATS §1.3).

Year priority: title → statistics-period sentence → page metadata (信息名称) → publication date
(Jan–Jun of Y → Y−1, low confidence) → the body's most frequent "YYYY年". A year is only ever
the first four digits of a run, and only in a plausible range, so glued dates with dropped
characters ("201811日", "2018515日") give 2018 or nothing, never 201811.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

FIRST_YEAR = 2007  # the 条例 took effect 2008-05-01; the earliest reports cover 2007–2008
LAST_YEAR = 2035

DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?!\d)")
YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# 统计期限/统计时限/数据统计期限为/统计期间 … then the first year; the year may be glued to 1月1日
PERIOD = re.compile(r"统计(?:期限|时限|期间|时间|区间)[^0-9]{0,12}?((?:19|20)\d{2})(?=年|\d)")
# (the look-behind sits after the first two digits so the regex engine can skip ahead to a 1 or 2)
BODY_YEAR = re.compile(r"((?:19|20)(?<![\d.]..)\d{2})\s*年(?!\d{1,2}月\d{1,2}日起施行)")

PUBLISHED_KEYS = ("published", "generated", "time", "written")


def parse_date(text: str | None) -> str | None:
    """First valid yyyy-mm-dd in text (2020-01-28 10:43, 2019年3月15日, 2019.3.15) as ISO."""
    if not text:
        return None
    for m in DATE.finditer(text):
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if FIRST_YEAR <= d.year <= LAST_YEAR:
            return d.isoformat()
    return None


def published(meta: dict[str, str]) -> str | None:
    for key in PUBLISHED_KEYS:
        iso = parse_date(meta.get(key))
        if iso:
            return iso
    return None


def _plausible(y: int) -> bool:
    return FIRST_YEAR <= y <= LAST_YEAR


CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
CN_YEAR = re.compile(r"[〇○零一二][〇○零一二三四五六七八九]{3}(?=年)")


def arabic_years(text: str) -> str:
    """二〇一九年 → 2019年 (a year written in Chinese numerals, digit by digit)."""
    return CN_YEAR.sub(lambda m: m.group(0).translate(CN_DIGITS), text)


def year_from_title(title: str | None) -> int | None:
    if not title:
        return None
    title = arabic_years(title)
    years = [int(y) for y in YEAR_IN_TITLE.findall(title) if _plausible(int(y))]
    return years[0] if years else None


def year_from_period(text: str) -> int | None:
    m = PERIOD.search(arabic_years(text))
    return int(m.group(1)) if m and _plausible(int(m.group(1))) else None


def year_from_published(iso: str | None) -> tuple[int | None, bool]:
    """(year, confident): published Jan–Jun of Y → Y−1 with confidence; later months → Y−1 unsure."""
    if not iso:
        return None, False
    d = date.fromisoformat(iso)
    return d.year - 1, d.month <= 6


def year_from_body(text: str, before: int | None = None) -> int | None:
    """The most frequent year written "YYYY年" (ties → the later), below `before` when given."""
    counts = Counter(int(y) for y in BODY_YEAR.findall(text))
    years = [(n, y) for y, n in counts.items() if _plausible(y) and (before is None or y < before)]
    return max(years)[1] if years else None


def report_year(
    title: str | None, text: str, meta_title: str | None, published_iso: str | None
) -> tuple[int | None, str | None, list[str]]:
    """(year, source, warnings) following the §1.3 priority."""
    y = year_from_title(title)
    if y:
        return y, "title", []
    y = year_from_period(text)
    if y:
        return y, "period", []
    y = year_from_title(meta_title)
    if y:
        return y, "page_meta", []
    pub_year, confident = year_from_published(published_iso)
    if pub_year and confident:
        return pub_year, "published", ["report_year from the publication date only (low confidence)"]
    y = year_from_body(text, before=pub_year + 1 if pub_year else None)
    if y:
        return y, "body", []
    if pub_year:
        return pub_year, "published", ["report_year from a late publication date only (low confidence)"]
    return None, None, ["report_year not found"]
