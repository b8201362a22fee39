"""Numbers as reports write them: Arabic or Chinese numerals, approximations and units.

    "一千余人次" -> Quantity(1000, approx=True, unit="人次")
    "近800条"    -> Quantity(800, approx=True, unit="条")
    "1,234件"    -> Quantity(1234, approx=False, unit="件")

Only counts written with a unit are quantities: a bare digit run (a date that lost its 年/月,
a phone number, a page counter without its unit) is never one. Chinese numerals go through
cn2an (imported on first use); this module holds the regular expressions the prose families are built from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Counting units seen in reports, longest first so that 万元 wins over 元 and 人次 over 人.
UNITS = (
    "万元",
    "人次",
    "件次",
    "条次",
    "条",
    "件",
    "个",
    "次",
    "份",
    "宗",
    "项",
    "元",
    "起",
    "篇",
    "期",
    "场",
    "家",
    "只",
    "张",
    "人",
)
_UNIT_ALT = "|".join(UNITS)

# never the tail of a longer digit run; '1.2万条' carries its 万 (but '0.5万元' is money in 万元)
ARABIC = r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:万(?!元))?"
# not after 数/几/上 ('数十条' = dozens, '上千条' = a thousand or so: no number is printed)
CHINESE = (
    r"(?<![零〇○一二两三四五六七八九十百千万])"
    r"(?:[零〇○一二两三四五六七八九]|(?<![数几上])[十百千万])[零〇○一二两三四五六七八九十百千万]*"
)
_APPROX_BEFORE = r"近|约|逾|超过|将近|大约"
_APPROX_AFTER = r"余|多"
_APPROX_TAIL = r"左右|以上|多"

# A quantity with optional approximation words around it. Named groups: pre, num, suf, unit, post.
QUANTITY = (
    rf"(?P<pre>{_APPROX_BEFORE})?\s*(?<!第)(?P<num>{ARABIC}|{CHINESE})\s*(?P<suf>{_APPROX_AFTER})?"
    rf"\s*(?P<unit>{_UNIT_ALT})(?P<post>{_APPROX_TAIL})?"
)
QUANTITY_RE = re.compile(QUANTITY)


def quantity_pattern(name: str, units: tuple[str, ...] = UNITS) -> str:
    """QUANTITY with its groups prefixed by `name` (so several can sit in one regex)."""
    alt = "|".join(sorted(units, key=len, reverse=True))
    return (
        rf"(?P<{name}_pre>{_APPROX_BEFORE})?\s*(?<!第)(?P<{name}_num>{ARABIC}|{CHINESE})\s*"
        rf"(?P<{name}_suf>{_APPROX_AFTER})?\s*(?P<{name}_unit>{alt})(?P<{name}_post>{_APPROX_TAIL})?"
    )


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    approx: bool
    unit: str | None
    start: int
    end: int
    text: str


def parse_numeral(text: str) -> float | None:
    """'1,234' -> 1234, '12.5' -> 12.5, '一千' -> 1000, '二十三' -> 23; None when not a number."""
    t = text.strip().replace(",", "")
    if not t:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    if re.fullmatch(r"\d+(?:\.\d+)?万", t):
        return round(float(t[:-1]) * 10000, 2)
    t = t.replace("○", "零").replace("〇", "零")
    import cn2an  # ~0.13 s of regexes at import: paid only by a report that writes a Chinese numeral

    try:
        return float(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def quantity_from_match(m: re.Match[str], name: str | None = None) -> Quantity | None:
    """Build a Quantity from a match of QUANTITY (name=None) or of quantity_pattern(name)."""
    p = f"{name}_" if name else ""
    num = m.group(f"{p}num")
    if num is None:
        return None
    value = parse_numeral(num)
    if value is None:
        return None
    approx = any(m.group(f"{p}{g}") for g in ("pre", "suf", "post"))
    unit = m.group(f"{p}unit")
    start = m.start(f"{p}pre") if m.group(f"{p}pre") else m.start(f"{p}num")
    end = m.end(f"{p}post") if m.group(f"{p}post") else m.end(f"{p}unit")
    return Quantity(value, approx, unit, start, end, m.string[start:end])


def find_quantities(text: str) -> list[Quantity]:
    """Every numeral-with-unit in `text`, in order."""
    out = []
    for m in QUANTITY_RE.finditer(text):
        q = quantity_from_match(m)
        if q is not None:
            out.append(q)
    return out


def to_yuan(value: float, unit: str | None) -> float:
    """Money in 元: 万元 ×10000, anything else as printed."""
    return round(value * 10000, 2) if unit == "万元" else value
