"""Tables flattened one cell per line (`cell |`) rebuilt into rows (REPORT_FORMATS.md §8, FM-2).

Each table cell is a line ending in ` |`. The last cell of a row may carry a padding suffix of
one space and k pipes, k = grid width − physical cells in the row; rows with k = 0 carry no mark.
So a row ends at a padded cell, or when it holds `width` cells. The width comes from the first
padded row (cells + k); when no cell of a block is padded, it is the period whose columns are
most consistently numeric or textual (seed 001's 4-column 附表), or a known template width.
A line with several ` | `-separated cells is a row by itself (a layout table of a page).
"""

from __future__ import annotations

import re
from dataclasses import fields
from functools import lru_cache
from itertools import compress, repeat

from ingest.model import Cell, Table

# `text |`, `text | |||` (padding), `|` (an empty cell).
_CELL = re.compile(r"^(?P<text>.*?)\s?\|(?: (?P<pad>\|+))?$")
_NUMBER = re.compile(r"^[+\-]?\d[\d,]*(?:\.\d+)?\s*(?:%|万元|元|件|条|个|次|人次|人)?$")
_MARKER = frozenset({"/", "-", "—", "——", "无", "不适用", "--", "\\"})
MAX_CELL_CHARS = 120
_MAX_WIDTH = 16


@lru_cache(maxsize=8192)  # pure, and a report repeats its cells (`0 |`) many times
def parse_cell(text: str) -> tuple[str, int] | None:
    """(cell text, padding k) of a one-cell line, or None when the line is not a table cell."""
    if not text.endswith("|") or len(text) > MAX_CELL_CHARS + 24:
        return None
    stripped = text.rstrip("|")
    pipes = len(text) - len(stripped)
    if stripped.endswith(" | ") or stripped == "| ":  # `text | |||`: the cell's pipe, then k padding pipes
        body, pad = stripped[:-3], pipes
    elif pipes == 1:
        body, pad = stripped, 0
    else:
        m = _CELL.match(text)
        if not m:
            return None
        body, pad = m.group("text"), len(m.group("pad") or "")
    body = body.strip()
    if "|" in body:
        if body.strip("| "):
            return None  # several cells on one line: a row, handled by parse_row
        body = ""
    if len(body) > MAX_CELL_CHARS:
        return None
    return body, pad


def parse_row(text: str) -> list[str] | None:
    """The cells of a one-line row `a | b | c |` (at least two non-empty cells), else None."""
    if text.count("|") < 2 or len(text) > 2000:
        return None
    parts = [p.strip() for p in text.strip().strip("|").split("|")]
    if sum(1 for p in parts if p) < 2 or any(len(p) > MAX_CELL_CHARS for p in parts):
        return None
    return parts


@lru_cache(maxsize=8192)
def is_value(text: str) -> bool:
    """A cell holding a number or an n/a marker (never a label)."""
    return bool(_NUMBER.match(text)) or text in _MARKER


# A run of one-per-line cells is held as parallel lists: texts, pads (k of each cell, 0 when
# unmarked) and source line numbers; rows are (start, end) index ranges into them.
Bounds = list[tuple[int, int]]


def rows_from_cells(
    texts: list[str], pads: list[int], nos: list[int], known_width: int | None = None
) -> tuple[Bounds, int | None, list[str]]:
    """Group one-per-line cells into rows; returns (row bounds, width, warnings).

    Without a known width, the first padded cell (n cells so far, k pipes) says n + k is a whole
    number of rows: each width w > k dividing n + k is tried, and the one whose later padded
    cells agree best wins (ties: the narrowest). No padded cell at all: the periodic width."""
    marks = list(compress(range(len(pads)), pads))  # the padded cells
    if known_width:
        return _group(pads, nos, marks, known_width)
    if not marks:
        return _group(pads, nos, marks, _periodic_width(texts))
    first = marks[0]
    total = first + 1 + pads[first]
    candidates = [w for w in range(max(2, pads[first] + 1), total + 1) if total % w == 0]
    return min((_group(pads, nos, marks, w) for w in candidates), key=lambda g: (len(g[2]), g[1] or 0))


def _group(pads: list[int], nos: list[int], marks: list[int], width: int | None) -> tuple[Bounds, int | None, list[str]]:
    """Rows end at a padded cell (whose k then sets the width) or when they hold `width` cells."""
    warnings: list[str] = []
    bounds: Bounds = []
    start = 0
    for m in marks:
        if width:
            while m - start >= width:  # whole rows before the one the padded cell ends
                bounds.append((start, start + width))
                start += width
        w = m - start + 1 + pads[m]
        if width is not None and w != width:
            warnings.append(f"pipe_table_width_changed: {width} -> {w} at line {nos[m]}")
        width = w
        bounds.append((start, m + 1))
        start = m + 1
    n = len(pads)
    if width:
        while n - start >= width:
            bounds.append((start, start + width))
            start += width
    if start < n:
        bounds.append((start, n))
    return bounds, width, warnings


def _periodic_width(texts: list[str], max_width: int = _MAX_WIDTH, min_rows: int = 3) -> int | None:
    """The row width whose columns are most consistently value/label cells (ties → narrowest).

    Blank cells say nothing about their column and are left out of the shares."""
    values = [1 if t and is_value(t) else 0 for t in texts]  # 1: a value cell
    if not any(values):
        return None
    known = [1 if t else 0 for t in texts]  # 1: a filled cell (the column shares count only these)
    best, best_score = None, 0.0
    for w in range(2, min(max_width, len(texts) // min_rows) + 1):
        rows = (len(texts) - w) // w  # the first row is often a header: left out
        if rows < max(1, min_rows - 1):
            continue
        shares = _column_shares(values, known, w, w + rows * w)
        if not shares or max(shares) < 0.5 or min(shares) > 0.5:
            continue  # a period must separate label columns from value columns
        score = sum(max(x, 1 - x) for x in shares) / len(shares)
        if score > best_score + 1e-9:
            best, best_score = w, score
    return best if best_score >= 0.9 else None


def _column_shares(values: list[int], known: list[int], w: int, end: int) -> list[float] | None:
    """The value share of each column of width `w` over the cells values[w:end] (columns without
    a filled cell left out), or None as soon as the width is bound to score below 0.89: the score,
    the mean of max(x, 1 - x), is at most 1 - (sum of min(x, 1 - x) so far) / w. Such a width can
    neither be returned (that needs 0.9) nor change which width is: the 1e-9 tie margin it could
    hold a later width back by is far below the 0.01 between 0.89 and 0.9."""
    shares = []
    deficit = 0.0
    for col in range(w, w + w):  # slices of the two 0/1 lists, summed in C
        n_known = sum(known[col:end:w])
        if n_known:
            x = sum(values[col:end:w]) / n_known
            shares.append(x)
            deficit += min(x, 1 - x)
            if deficit > _HOPELESS * w:
                return None
    return shares


_HOPELESS = 0.11  # 1 - 0.89


def build_table(
    index: int, texts: list[str], pads: list[int], nos: list[int], bounds: Bounds, width: int | None,
    kind: str = "pipe_text",
) -> Table:
    """A Table of the physical cells in order (rows given as bounds), header rows marked
    (`header_flags`). Its rows are built on first use (LazyTable)."""
    table = LazyTable(index=index, rows=[], kind=kind, start_line=min(nos), end_line=max(nos), width=width)
    table.pending = (texts, pads, nos, bounds, width)
    return table


class LazyTable(Table):
    """A Table whose `rows` (a Cell per cell, header flags) are built when first read.

    The template parser reads flattened text tables from Document.lines, so the grids of most
    text reports are never looked at; only the appendix reader and tests read them. Reading
    `rows` (or asdict, ==, repr) gives exactly the grid an eager build would."""

    pending: tuple[list[str], list[int], list[int], Bounds, int | None] | None

    @property  # type: ignore[override]
    def rows(self) -> list[list[Cell]]:
        if self.pending is not None:
            self._rows = _grid(*self.pending)
            self.pending = None
        return self._rows

    @rows.setter
    def rows(self, value: list[list[Cell]]) -> None:
        self._rows = value
        self.pending = None

    def __reduce__(self):  # noqa: ANN204 - pickle and copy as a plain Table
        return Table, tuple(getattr(self, f.name) for f in fields(Table))

    def __eq__(self, other: object) -> bool:  # equal to the plain Table of the same grid, either way round
        if not isinstance(other, Table):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Table))

    __hash__ = None  # type: ignore[assignment]  # as Table's (a mutable dataclass)

    def __repr__(self) -> str:
        return repr(Table(*(getattr(self, f.name) for f in fields(Table))))


def _grid(texts: list[str], pads: list[int], nos: list[int], bounds: Bounds, width: int | None) -> list[list[Cell]]:
    padded = {r for r, (a, b) in enumerate(bounds) if b > a and pads[b - 1] > 0}
    flags = header_flags([texts[a:b] for a, b in bounds], [b - a for a, b in bounds], set(), padded, width)
    return [list(map(Cell, repeat(r, b - a), range(b - a), texts[a:b], nos[a:b], repeat(header, b - a)))
            for r, ((a, b), header) in enumerate(zip(bounds, flags, strict=True))]


def mark_headers(
    rows: list[list[Cell]], known: set[int], padded_rows: set[int] | None = None, width: int | None = None
) -> None:
    """Set is_header on every cell of a grid (see header_flags); span-filled positions count only
    for the row's length."""
    physical = [[c.text for c in row if c.origin] for row in rows]
    flags = header_flags(physical, [len(row) for row in rows], known, padded_rows or set(), width)
    for row, header in zip(rows, flags, strict=True):
        for c in row:
            c.is_header = header


def header_flags(
    texts: list[list[str]], lengths: list[int], known: set[int], padded_rows: set[int], width: int | None
) -> list[bool]:
    """Which rows are header rows, from the texts of each row's physical cells and the row lengths:
    rows marked by the source (`known`: <th>, <thead>, a Markdown rule), rows before the first row
    holding a value, and banner rows between blocks (第二十条第(五)项, or a short padded row of
    column titles)."""
    flags: list[bool] = []
    seen_value = False
    for r, row in enumerate(texts):
        has_value = any(map(is_value, row[1:])) or (len(row) == 1 and is_value(row[0]))
        seen_value = seen_value or has_value
        flags.append(r in known or (not has_value and (not seen_value or _is_banner(row, lengths[r], r in padded_rows, width))))
    return flags


def _is_banner(texts: list[str], length: int, padded: bool, width: int | None) -> bool:
    if len(set(texts)) == 1 and texts[0]:
        return True  # one cell (or one cell spanning the row)
    short = len(texts) < (width or length)
    return (padded or short) and all(texts)
