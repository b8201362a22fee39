"""Table cell text -> (value, status, unit).

One job: read what a single template-table cell printed. Statuses are VOCABULARY.md's:
`reported` (a number), `blank` (nothing printed), `na_marker` ('/', '-', '—', '无', '不适用'),
`text` (words). A unit written into the cell ("251000元", "3万元") is returned as printed and
never converted here; signed changes ("+3", "-1") keep their sign; thousands separators and
full-width digits are accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NA_MARKERS = frozenset({"/", "-", "—", "–", "--", "——", "无", "不适用", "\\", "×"})
UNITS = ("万元", "元", "件", "个", "条", "项", "次")

_NUMBER = re.compile(
    r"""^(?P<sign>[+-])?
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)
        (?P<frac>\.\d+)?
        (?P<unit>万元|元|件|个|条|项|次)?$""",
    re.VERBOSE,
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CellValue:
    value: float | None
    status: str  # reported | blank | na_marker | text
    unit: str | None = None


def normalise_cell_text(text: str) -> str:
    """NFKC, no inner whitespace, and the dash family folded: '１ ２' -> '12', '－' -> '-'."""
    t = unicodedata.normalize("NFKC", text or "")
    t = t.replace("\u00a0", " ").replace("\u3000", " ")
    t = _SPACES.sub("", t)
    return t.replace("−", "-").replace("﹣", "-")


@lru_cache(maxsize=65536)  # a pure function of the text; report tables repeat few distinct cells
def parse_cell(text: str | None) -> CellValue:
    """Read one cell as printed. Never raises: unreadable text comes back as status `text`."""
    t = normalise_cell_text(text or "")
    if t == "":
        return CellValue(None, "blank")
    if t in NA_MARKERS:
        return CellValue(None, "na_marker")
    m = _NUMBER.match(t)
    if m is None:
        return CellValue(None, "text")
    number = float(m["int"].replace(",", "") + (m["frac"] or ""))
    if m["sign"] == "-":
        number = -number
    return CellValue(number, "reported", m["unit"])


def is_number(text: str) -> bool:
    return parse_cell(text).status == "reported"
