"""The document model the synthetic reports are built in, before rendering.

A report body is a list of blocks: Heading, Para, Chrome (page furniture) and TableBlock. A
TableBlock holds *physical* rows (cells in DOM order with their rowspan/colspan, like an HTML
table); `grid()` expands them into the logical grid every rendering must reproduce. A data cell
carries the TruthKey of the fact it prints, so rendering and ground truth come from one structure.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TruthKey:
    table_name: str  # disclosure_art20_1 … | applications | appeals | statistics_appendix
    section: str
    item: str
    measure: str


@dataclass(slots=True)
class PCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    key: TruthKey | None = None
    value: float | None = None  # the number printed (ground truth), None when blank / a marker
    status: str | None = None  # reported | blank | na_marker (data cells only)


@dataclass(slots=True)
class Heading:
    text: str


@dataclass(slots=True)
class Para:
    text: str


@dataclass(slots=True)
class Chrome:
    """Page furniture (索引号, 浏览次数, 打印本页 …): not part of the report."""

    text: str


@dataclass
class TableBlock:
    rows: list[list[PCell]]
    width: int
    name: str  # a short name for messages: disclosure | applications | appeals | appendix
    # Row groups: the physical row indices of each logical row group checked together
    # (filled by the builders; used for ambiguity of glued renderings).
    data_rows: list[int] = field(default_factory=list)

    def grid(self) -> list[list[str]]:
        """Expanded grid: a cell's text at its origin, '' on positions covered by its spans."""
        cover = self.cover()
        return [[cell.text if (r, c) == (r0, c0) else "" for c, (r0, c0, cell) in enumerate(row)]
                for r, row in enumerate(cover)]

    def cover(self) -> list[list[tuple[int, int, PCell]]]:
        """For every grid position, the origin (row, col) and the physical cell covering it."""
        out: list[list[tuple[int, int, PCell] | None]] = []
        for r, row in enumerate(self.rows):
            while len(out) <= r:
                out.append([None] * self.width)
            c = 0
            for cell in row:
                while c < self.width and out[r][c] is not None:
                    c += 1
                if c >= self.width:
                    raise ValueError(f"{self.name}: row {r} overflows width {self.width}")
                for dr in range(cell.rowspan):
                    while len(out) <= r + dr:
                        out.append([None] * self.width)
                    for dc in range(cell.colspan):
                        out[r + dr][c + dc] = (r, c, cell)
                c += cell.colspan
        for r, row in enumerate(out):
            if any(v is None for v in row):
                raise ValueError(f"{self.name}: row {r} does not fill width {self.width}")
        return out  # type: ignore[return-value]


Block = Heading | Para | Chrome | TableBlock


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def normalise_grid(grid: list[list[str]]) -> list[list[str]]:
    """Grids compared across renderings: NFKC, surrounding blanks stripped."""
    return [[nfkc(v).strip() for v in row] for row in grid]
