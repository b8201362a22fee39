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
from dataclasses import dataclass

from ingest.model import Cell, Line, Table

# `text |`, `text | |||` (padding), `|` (an empty cell).
_CELL = re.compile(r"^(?P<text>.*?)\s?\|(?: (?P<pad>\|+))?$")
_NUMBER = re.compile(r"^[+\-]?\d[\d,]*(?:\.\d+)?\s*(?:%|万元|元|件|条|个|次|人次|人)?$")
_MARKER = frozenset({"/", "-", "—", "——", "无", "不适用", "--", "\\"})
MAX_CELL_CHARS = 120
_MAX_WIDTH = 16


@dataclass(slots=True)
class PipeCell:
    text: str
    pad: int  # k: grid width − physical cells of the row this cell ends; 0 when unmarked
    line: int


def parse_cell(text: str) -> tuple[str, int] | None:
    """(cell text, padding k) of a one-cell line, or None when the line is not a table cell."""
    if not text.endswith("|") or len(text) > MAX_CELL_CHARS + 24:
        return None
    m = _CELL.match(text)
    if not m:
        return None
    body = m.group("text").strip()
    if " | " in f" {body} " and body.strip("| "):
        return None  # several cells on one line: a row, handled by parse_row
    if len(body) > MAX_CELL_CHARS:
        return None
    if body and not body.strip("|"):
        body = ""
    return body, len(m.group("pad") or "")


def parse_row(text: str) -> list[str] | None:
    """The cells of a one-line row `a | b | c |` (at least two non-empty cells), else None."""
    if text.count("|") < 2 or len(text) > 2000:
        return None
    parts = [p.strip() for p in text.strip().strip("|").split("|")]
    if sum(1 for p in parts if p) < 2 or any(len(p) > MAX_CELL_CHARS for p in parts):
        return None
    return parts


def is_value(text: str) -> bool:
    """A cell holding a number or an n/a marker (never a label)."""
    return bool(_NUMBER.match(text)) or text in _MARKER


def rows_from_cells(cells: list[PipeCell], known_width: int | None = None) -> tuple[list[list[PipeCell]], int | None, list[str]]:
    """Group one-per-line cells into rows; returns (rows, width, warnings)."""
    width = known_width or _first_padded_width(cells) or _periodic_width(cells)
    warnings: list[str] = []
    rows: list[list[PipeCell]] = []
    row: list[PipeCell] = []
    for c in cells:
        row.append(c)
        if c.pad:
            w = len(row) + c.pad
            if width is not None and w != width:
                warnings.append(f"pipe_table_width_changed: {width} -> {w} at line {c.line}")
            width = w
            rows.append(row)
            row = []
        elif width and len(row) == width:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return rows, width, warnings


def _first_padded_width(cells: list[PipeCell]) -> int | None:
    """Width from the first padded cell when the cells before it form one row."""
    for i, c in enumerate(cells):
        if c.pad:
            n = i + 1
            # Cells before the first mark could be several unmarked full rows of width w: then
            # n + k is a multiple of w. Trust n + k only when no smaller period fits the types.
            w = n + c.pad
            smaller = _periodic_width(cells[:i + 1], max_width=w - 1, min_rows=2) if n > c.pad + 2 else None
            if smaller and (n + c.pad) % smaller == 0 and smaller > c.pad:
                return smaller
            return w
    return None


def _periodic_width(cells: list[PipeCell], max_width: int = _MAX_WIDTH, min_rows: int = 3) -> int | None:
    """The row width whose columns are most consistently value/label cells (ties → narrowest)."""
    kinds = [is_value(c.text) for c in cells]
    if not any(kinds):
        return None
    best, best_score = None, 0.0
    for w in range(2, min(max_width, len(cells) // min_rows) + 1):
        body = kinds[w:]  # the first row is often a header
        rows = len(body) // w
        if rows < max(1, min_rows - 1):
            continue
        score = 0.0
        for col in range(w):
            column = body[col : rows * w : w]
            share = sum(column) / len(column)
            score += max(share, 1 - share)
        score /= w
        # A period must separate labels from values: some column mostly values, some mostly labels.
        shares = [sum(body[col : rows * w : w]) / rows for col in range(w)]
        if max(shares) < 0.5 or min(shares) > 0.5:
            continue
        if score > best_score + 1e-9:
            best, best_score = w, score
    return best if best_score >= 0.9 else None


def build_table(index: int, rows: list[list[PipeCell]], width: int | None, kind: str = "pipe_text") -> Table:
    """A Table of the physical cells in order, header rows marked (`mark_headers`)."""
    grid = [[Cell(r, col, c.text, c.line) for col, c in enumerate(row)] for r, row in enumerate(rows)]
    padded = {r for r, row in enumerate(rows) if row and row[-1].pad > 0}
    mark_headers(grid, set(), padded_rows=padded, width=width)
    lines = [c.line for row in rows for c in row]
    return Table(index=index, rows=grid, kind=kind, start_line=min(lines), end_line=max(lines), width=width)


def mark_headers(
    rows: list[list[Cell]], known: set[int], padded_rows: set[int] | None = None, width: int | None = None
) -> None:
    """Flag header rows: rows marked by the source (`known`: <th>, <thead>, a Markdown rule), rows
    before the first row holding a value, and banner rows between blocks (第二十条第(五)项, or a
    short padded row of column titles)."""
    seen_value = False
    for r, row in enumerate(rows):
        physical = [c for c in row if c.origin]
        has_value = any(is_value(c.text) for c in physical[1:]) or (len(physical) == 1 and is_value(physical[0].text))
        seen_value = seen_value or has_value
        banner = _is_banner(physical, row, r in (padded_rows or set()), width)
        header = r in known or (not has_value and (not seen_value or banner))
        for c in row:
            c.is_header = header


def _is_banner(physical: list[Cell], row: list[Cell], padded: bool, width: int | None) -> bool:
    texts = [c.text for c in physical]
    if len(set(texts)) == 1 and texts[0]:
        return True  # one cell (or one cell spanning the row)
    short = len(physical) < (width or len(row))
    return (padded or short) and all(texts)


def cell_lines(lines: list[Line], skip: set[int] | None = None) -> list[tuple[int, PipeCell | list[str] | None]]:
    """Classify each line: a PipeCell, a one-line row (list of cell texts) or None (prose)."""
    out: list[tuple[int, PipeCell | list[str] | None]] = []
    for i, line in enumerate(lines):
        if line.text.endswith("|") and not (skip and i in skip):
            parsed = parse_cell(line.text)
            if parsed is not None:
                out.append((i, PipeCell(parsed[0], parsed[1], line.no)))
                continue
            row = parse_row(line.text)
            if row is not None:
                out.append((i, row))
                continue
        out.append((i, None))
    return out
