"""Tables 二 and 三 in one pass when every row is clean: what parse.read_template_tables gives then.

Most template-era reports print tables 二 and 三 as clean grids (HTML/docx/Markdown grids, `cell |`
text): every row label closes its own cell and is followed by exactly one explicit value cell per
template column, and every row's own identity holds. For such a report the general reading
(anchors -> RowRead of tokens -> explicit_solution -> records) has nothing to decide, and this
module builds the same CellRecords straight from the rows' cell texts: no tokens, no RowRead, no
per-row solution objects, each row's cell readings looked up once for the row.

`clean_template_tables` returns None as soon as anything is not that shape (a row that is not a
clean row, a header followed by values, a row printed twice, a width or identity that does not
hold); the caller then reads the report the general way, from the start. tests/
test_templates_fastpath.py checks that both readings agree on every synthetic rendering.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import count
from typing import cast

from ingest.model import CellRecord, new_cell
from ingest.templates.fastpath import _CELL_LINES, _LINE_CELL_END, _PIECE_END, _clean_row, settles_as_printed
from ingest.templates.labels import ColumnSpec, RowSpec, TableSpec, TemplateSpec
from ingest.templates.memo import BoundedMemo
from ingest.templates.parse import (
    _NON_STANDARD_COLUMN,
    _NOTHING_AFTER,
    Layout,
    _cell_reading,
    _printed_label,
    applications_layout,
    label_spans,
)
from ingest.templates.split import NO_RULE, RowRule
from ingest.templates.stream import CELL_END, ROW_END, TABLE_END, Stream
from ingest.templates.tokens import is_value, tokens_between

# one clean row: its spec, where its label starts and ends in raw, where its cells start (the
# label's CELL_END), its cell texts and their offsets from there
_Row = tuple[RowSpec, int, int, int, tuple[str, ...], tuple[int, ...]]


def clean_template_tables(stream: Stream, template: TemplateSpec, apps_template: TemplateSpec,
                          regions_disclosure: tuple[int, int] | None,
                          regions_apps: tuple[int, int] | None,
                          tables_at: Mapping[int | None, int]) -> tuple[list[CellRecord], list[str]] | None:
    """(cells, warnings) of parse.read_template_tables for a report whose tables 二 and 三 are clean
    grids, each cell's table_index already set from `tables_at` (source line -> index in
    Document.tables); None otherwise."""
    d_specs = template.disclosure_tables()
    apps = apps_template.tables["applications"]
    d_rows: list[_Row] = []
    a_rows: list[_Row] = []
    if regions_disclosure is not None:
        found = _clean_rows(stream, regions_disclosure, d_specs, keep_extra=False, signed=template.template == "2019")
        if found is None:
            return None
        d_rows = found
    if regions_apps is not None:
        found = _clean_rows(stream, regions_apps, [apps], keep_extra=True, signed=False)
        if found is None:
            return None
        a_rows = found
    # every row holds explicit cells: no blank vanished, no 'blank cells leave no trace' warning
    out: list[CellRecord] = []
    warnings: list[str] = []
    for spec in d_specs:
        name = spec.name
        recs = _records(stream, spec, [r for r in d_rows if r[0].table == name], NO_RULE, spec.columns, tables_at, False)
        if recs is None:
            return None
        out += recs
    if regions_apps is not None:
        layout, rule = applications_layout(stream, regions_apps, apps)
        if len(layout) != len(apps.columns):
            warnings.append("applications: non-standard column "
                            f"'{next(c for c in layout if isinstance(c, str))}' kept with its raw label, no key")
        recs = _records(stream, apps, a_rows, rule, layout, tables_at, True)
        if recs is None:
            return None
        out += recs
    return out, warnings


def _clean_rows(stream: Stream, region: tuple[int, int], specs: Sequence[TableSpec], keep_extra: bool,
                signed: bool) -> list[_Row] | None:
    """The rows of a region, in order, when each row label is followed by a clean row and each
    other label (banner, header, column, group) by nothing to read (or, without `keep_extra`, by
    anything: parse.read_rows ignores what follows it then); None otherwise."""
    label_rows, _, label_starts, label_ends = label_spans(stream, region, specs)
    raw = stream.raw
    # where the text after each label stops: the next label's start, the region's end (no label
    # in the region, e.g. a report cut off after a table's heading: no stop either)
    stops = label_starts[1:] + [stream.raw_index(region[1])] if label_starts else []
    rows: list[_Row] = []
    done: set[tuple[str, int]] = set()
    for row, label_start, start, end in zip(label_rows, label_starts, label_ends, stops, strict=True):
        if row is None:
            if keep_extra and raw[start:end] not in _NOTHING_AFTER and raw[start:end].strip(_MARKS):
                return None  # values after a header: non-standard rows, read the general way
            # (only cell/row marks after it: at most empty cells, e.g. a Markdown grid's span
            # fillers, which read as values without words: no non-standard row either)
            continue
        key = (row.table, row.position)
        if key in done:
            return None  # printed twice: a warning, the general way
        done.add(key)
        at = _cells_start(raw, start, end)
        if at is None:
            return None
        cells = _row_cells(stream, at, end, keep_extra, signed)
        if cells is None:
            return None
        rows.append((row, label_start, start, at, cells[0], cells[1]))
    return rows


_MARKS = CELL_END + ROW_END + "\n"  # what an empty cell, a row end or a line end leaves in raw


# What may stand between a label's last key character and its cell end and read as nothing in
# tokens.tokens_between: characters the key drops that _free_tokens reads as no token.
_SILENT = frozenset(" \t\r\u00a0\u3000“”\"'‘’「」")


def _cells_start(raw: str, start: int, end: int) -> int | None:
    """Where the label's cell ends (its CELL_END) when only silent characters lie before it."""
    if raw.startswith(CELL_END, start):
        return start
    at = raw.find(CELL_END, start, end)
    return at if at > start and _SILENT.issuperset(raw[start:at]) else None


def _row_cells(stream: Stream, at: int, end: int, keep_extra: bool,
               signed: bool) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """(texts, offsets from `at`) of the row's clean cells when what parse.read_rows reads for the
    row from raw[at:end] is exactly them, in one of three shapes; None otherwise:
    - raw[at:end] is a clean row (fastpath._clean_row);
    - a grid row, then (ignored by read_rows: it reads a grid row up to its ROW_END) the rest of
      the region; with `keep_extra` only a TABLE_END (read_rows reads on up to it) or cell and
      row marks (empty cells: no words, so no non-standard row) may follow;
    - one cell a line, then free text from the start of a line that adds no value to the row
      (its first token is a word, or it has none) and, with `keep_extra`, holds no value at all."""
    raw = stream.raw
    if end <= at + 2:
        return None
    row_end = raw.find(ROW_END, at, end)
    if row_end >= 0 and row_end + 2 < end:  # a grid row, and more after it
        if raw[row_end + 1] != "\n" or (keep_extra and raw[row_end + 2] != TABLE_END
                                        and raw[row_end + 2:end].strip(_MARKS)):
            return None  # (what follows only cell/row marks: empty cells, no non-standard row)
        return _clean_row(raw[at:row_end + 2])
    cells = _clean_row(raw[at:end])
    if cells is not None or row_end >= 0 or not raw.startswith(_LINE_CELL_END, at):
        return cells
    m = _CELL_LINES.match(raw, at + 2, end)
    if m is None:
        return None
    rest = m.end()
    first_mark = _PIECE_END.search(raw, rest, end)
    if first_mark is not None and first_mark.group() != "\n":
        return None  # the rest starts with a cell: tokens_between would read it as one
    tail = tokens_between(stream, rest, end, signed=signed, row_only=True)
    if (tail and is_value(tail[0])) or (keep_extra and any(map(is_value, tail))):
        return None
    return _clean_row(raw[at:rest])


_Field = tuple[str | None, str | None, str | None]  # col_label, measure, the cell's warning
# one settled cell of a row, but for its row and line: (col, raw_text, status, value, unit,
# col_label, measure, warning), in CellRecord's order
_Cell = tuple[int, str, str, float | None, str | None, str | None, str | None, str | None]
# rows a table's memo keeps before it starts afresh. Measured (sys.getsizeof over each entry's key and
# cells, 10k corpus): ~1.05 kB a 7-cell row, ~0.59 a 3-cell, ~0.32 a 1-cell; a worker's 11 table memos
# (two templates) hold <= ~13 MB when all are full. The 10k corpus in one process: hit rate 0.845
# (0.869 never cleared), the same CPU (the rows that repeat, zeros and blanks, come back at once).
_MEMO_SIZE = 2048


class _Columns:
    """A table's value columns (its layout) under its row rule, with a memo: row cell texts ->
    the row's settled cells (_Cell each), or None when the explicit reading does not settle it
    (fastpath.settles_as_printed: one cell per column, within the digit cap, the rule holding;
    with more cells than columns, split.solve_table's one reading once empty span fillers are
    dropped, when they can be dropped one way only: _without_fillers).
    Rows of the same cells (zeros, blanks) repeat within and across reports."""

    __slots__ = ("fields", "units", "sums", "label_spans", "memo")

    def __init__(self, layout: Layout, rule: RowRule, label_spans: bool) -> None:
        self.fields, self.units = _fields(layout)
        self.sums = rule.sums
        self.label_spans = label_spans  # as split.without_span_fillers reads a table's rows
        self.memo: BoundedMemo[tuple[str, ...], tuple[_Cell, ...] | None] = BoundedMemo(self._settle, _MEMO_SIZE)

    def _settle(self, texts: tuple[str, ...]) -> tuple[_Cell, ...] | None:
        width = len(self.fields)
        if len(texts) > width > 0:  # empty span fillers (a Markdown grid) when they drop one way only
            kept = _without_fillers(texts, width, self.label_spans)
            if kept is None:
                return None
            texts = kept
        if not settles_as_printed(texts, width, self.sums):
            return None
        return tuple((c, text, *_cell_reading(text, unit), label, measure, warning)
                     for c, text, unit, (label, measure, warning) in zip(count(), texts, self.units, self.fields))


def _without_fillers(texts: tuple[str, ...], width: int, label_spans: bool) -> tuple[str, ...] | None:
    """The one reading split.without_span_fillers gives a row of more explicit cells than `width`
    when only one set of empty cells can go: with `label_spans`, the empty cells right after the
    label first, then every other empty cell when exactly as many remain as must go; without it,
    every empty cell when there are exactly as many as must go. None when the empty cells can go
    in several ways (the general reading decides then) or are too few."""
    surplus = len(texts) - width
    lead = 0
    if label_spans:
        while lead < len(texts) and texts[lead] == "":
            lead += 1
        if lead >= surplus:
            return texts[surplus:]
    rest = texts[lead:]
    if rest.count("") != surplus - lead:
        return None
    return tuple(t for t in rest if t != "")


@cache  # TableSpec hashes by identity, RowRule by value: one entry per table of a template and rule
def _table_columns(spec: TableSpec, rule: RowRule, label_spans: bool) -> _Columns:
    return _Columns(spec.columns, rule, label_spans)


def _fields(layout: Layout) -> tuple[tuple[_Field, ...], tuple[str | None, ...]]:
    fields: list[_Field] = []
    units: list[str | None] = []
    for col in layout:  # as parse._column_fields, and the warning parse._records_for_row gives
        if isinstance(col, ColumnSpec):
            fields.append((col.label, col.measure, None if col.measure else _NON_STANDARD_COLUMN))
            units.append(col.unit)
        else:  # a non-standard column's raw label
            fields.append((col, None, _NON_STANDARD_COLUMN))
            units.append(None)
    return tuple(fields), tuple(units)


def _records(stream: Stream, spec: TableSpec, rows: list[_Row], rule: RowRule, layout: Layout,
             tables_at: Mapping[int | None, int], label_spans: bool) -> list[CellRecord] | None:
    """parse.table_records for clean rows whose reading settles as printed, empty span fillers
    aside (_Columns); None when one does not. `label_spans`: as parse.read_template_tables
    passes it (table 三: empty cells right after a label are the label's span)."""
    columns = _table_columns(spec, rule, label_spans) if layout is spec.columns else _Columns(layout, rule, label_spans)
    memo = columns.memo
    settled = [memo[r[4]] for r in rows]
    if None in settled:
        return None
    row_cells = cast("list[tuple[_Cell, ...]]", settled)
    raw, line_starts, line_nos = stream.raw, stream.line_starts, stream.line_nos
    name, section = spec.name, spec.section
    table_at = tables_at.get
    out: list[CellRecord] = []
    append = out.append
    for (row, label_start, start, at, _, offsets), cells in zip(rows, row_cells, strict=True):
        position, item = row.position, row.item
        row_label = _printed_label(raw[label_start:start])
        # the source line of each cell (Stream.line_at of its start): a stream line's when each cell
        # starts one (grid cells, `cell |` lines)
        starts = [at + o for o in offsets]
        j = bisect_right(line_starts, starts[0]) - 1
        if line_starts[j:j + len(starts)] == starts:
            lines = line_nos[j:j + len(starts)]
        else:
            lines = [line_nos[bisect_right(line_starts, p) - 1] for p in starts]
        if len(lines) != len(cells):  # span fillers dropped: every cell takes the first token's line
            lines = [lines[0]] * len(cells)  # (as parse._records_for_row gives it then)
        elif not all(lines):  # a cell without a line takes the row's first cell's
            lines = [cell_line or lines[0] for cell_line in lines]
        # positional: the fields of CellRecord in order (tests/test_templates_fastpath.py pins the order)
        for (c, text, status, value, unit, label, measure, warning), cell_line in zip(cells, lines, strict=True):  # type: ignore[arg-type]
            append(new_cell(CellRecord, (name, position, c, text, status, value, unit, row_label, label, section, item, measure,
                              cell_line, table_at(cell_line), warning)))
    return out
