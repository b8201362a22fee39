"""What the phrasing families share: units, the quantity pattern, and the running State.

The families (ingest.prose.zeros, .applications, .appeals, .fees, .disclosure) each record figures
on one State as run_families walks the sentences; the state carries what earlier sentences
established (the year's proactive total, an open "其中…" breakdown, the item a following
"历年累计…" belongs to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import FigureRecord
from ingest.numbers import Quantity, quantity_pattern
from ingest.prose.sentences import Sentence

COUNT_UNITS = ("条", "件", "个", "份", "项")
CASE_UNITS = ("件", "次", "起", "宗", "个", "例", "条")
MONEY_UNITS = ("元", "万元")
ITEM_UNITS = ("条", "件", "份", "宗", "篇")


def q(name: str = "q", units: tuple[str, ...] = COUNT_UNITS) -> str:
    return quantity_pattern(name, units)


@dataclass
class State:
    figures: list[FigureRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keys: dict[tuple[str, str, str], float | None] = field(default_factory=dict)
    proactive_total: float | None = None
    breakdown_left: int = 0  # sentences an open 其中/类别 breakdown may still run for
    breakdown_top: str = ""
    last_item: tuple[str, str] | None = None  # (section, item) a bare 历年累计 attaches to
    last_item_index: int = -1
    index: int = 0
    prev_end: str = ""  # last character of the previous sentence as printed (a list goes on after ；)

    def emit(
        self,
        s: Sentence,
        section: str,
        item: str,
        measure: str,
        value: float | None,
        *,
        approx: bool = False,
        unit: str | None = None,
        status: str = "reported",
    ) -> bool:
        key = (section, item, measure)
        if key in self.keys:
            earlier = next(f for f in self.figures if (f.section, f.item, f.measure) == key)
            if earlier.approx and not approx and status == earlier.status:  # '1000余条' then '1023条'
                self.figures[self.figures.index(earlier)] = FigureRecord(
                    section, item, measure, value, status, approx, unit, s.raw, s.line
                )
                self.keys[key] = value
                return True
            if self.keys[key] != value:
                self.warnings.append(
                    f"prose states {'/'.join(key)} twice: {self.keys[key]} and {value} (line {s.line}); kept the first"
                )
            return False
        self.keys[key] = value
        self.figures.append(FigureRecord(section, item, measure, value, status, approx, unit, s.raw, s.line))
        return True

    def emit_q(self, s: Sentence, section: str, item: str, measure: str, qty: Quantity) -> bool:
        return self.emit(s, section, item, measure, qty.value, approx=qty.approx, unit=qty.unit)

    def remember(self, section: str, item: str) -> None:
        self.last_item, self.last_item_index = (section, item), self.index


def last_match(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in regex.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


_CLAUSE_CUT_RE = re.compile(r"[，,。；;！？]")


def clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_CUT_RE.split(text) if c]


APPEAL_WORDS_RE = re.compile(r"复议|诉讼")


def holds_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `words` (the cheap gate before a pattern every match of which holds one)."""
    return any(map(text.__contains__, words))
# "历年累计608件", "累计公开…N条": a count since records began
CUMULATIVE_RE = re.compile(
    r"(?:历年累计|累计)(?:受理|收到|公开|主动公开|发布)?[^，,。；;\d]{0,12}?" + q("q", COUNT_UNITS + ("次",))
)
