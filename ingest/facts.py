"""Canonical facts from an Extraction: keyed table cells and prose figures, table preferred.

The same rule the marts apply in SQL (int_facts_unioned): for one (section, item, measure) a
table cell wins over a prose figure; cells that are unplaced, text or unkeyed are not facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Extraction

FACT_CELL_STATUSES = ("reported", "blank", "na_marker")


@dataclass(frozen=True, slots=True)
class Fact:
    section: str
    item: str
    measure: str
    value: float | None
    status: str
    approx: bool
    origin: str  # table | prose
    unit: str | None
    line: int | None
    evidence: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.section, self.item, self.measure)


def facts_of(ex: Extraction) -> list[Fact]:
    out: dict[tuple[str, str, str], Fact] = {}
    for c in ex.cells:
        if c.status not in FACT_CELL_STATUSES or not (c.section and c.item and c.measure):
            continue
        f = Fact(c.section, c.item, c.measure, c.value, c.status, False, "table", c.unit, c.line, c.raw_text)
        out.setdefault(f.key, f)
    for g in ex.figures:
        f = Fact(g.section, g.item, g.measure, g.value, g.status, g.approx, "prose", g.unit, g.line, g.sentence)
        out.setdefault(f.key, f)
    return list(out.values())
