"""One file -> compact rows (tuples in the column order of ingest.schema); a batch of files -> one
Arrow table per raw table. Runs in the worker processes: what travels back to the batch is a few
Arrow tables per batch (pickled as Arrow buffers), not a tree of dataclasses per report.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa

from ingest import PARSER_VERSION, raw
from ingest.errors import IngestError
from ingest.model import CellRecord
from ingest.schema import TABLES

# path to read, its manifest row, every path with this content (sorted; [path] for one file)
Item = tuple[str, "dict[str, str] | None", "list[str]"]
# what became of one item: (format or None, error kind or None, sha256 or None)
Outcome = tuple["str | None", "str | None", "str | None"]

# A batch's cell or figure rows become one Arrow struct array (one C pass over the rows), whose fields are
# the table's columns after report_id (`_row_type`). A cells row is the CellRecord itself (a tuple); a
# figures row is a tuple in schema order (`_figure_row`).
# CellRecord's attributes in the order of the cells table's columns after report_id
_CELL_ATTRS = ("table", "table_index", "row", "col", "row_label", "col_label", "section", "item", "measure",
               "raw_text", "value", "status", "unit", "line", "warning")
_CELL_ROW = attrgetter(*_CELL_ATTRS)  # a record as a row in schema order (FileRows.cells)
CHUNK_BYTES = 128 << 20  # a chunk's Arrow data held before its parts are written
_BATCH_FILES = 32  # files converted to Arrow at once
# an area mention as the (name, level, line) struct of reports.area_mentions (a tuple: Arrow reads it
# in field order, cheaper to build and convert than a dict)
_AREA_MENTION = attrgetter("name", "level", "line")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


@dataclass
class Rows:
    """Rows of the cells or figures table gathered across files: the report id of each row and its
    other columns as a tuple in schema order."""

    table: str
    ids: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)

    def add(self, rid: str, records: list, row: Callable[[Any], tuple] | None = None) -> None:
        """Add one report's records, each made a row by `row` (None: the records are the rows)."""
        self.ids += [rid] * len(records)
        self.rows += records if row is None else map(row, records)

    def to_arrow(self) -> pa.Table:
        schema = TABLES[self.table]
        if not self.rows:
            return schema.empty_table()
        ids = pa.array(self.ids, schema.field(0).type)
        struct, order = _row_type(self.table)
        fields = pa.array(self.rows, struct).flatten()
        return pa.Table.from_arrays([ids, *(fields[i] for i in order)], schema=schema)


@functools.cache
def _row_type(table: str) -> tuple[pa.StructType, list[int]]:
    """The struct type a raw table's rows are read as, and which of its fields is each column after
    report_id: for cells, CellRecord's fields in the record's order (the record is the row, with no
    copy in schema order: ~0.06 ms a report less); for figures, the columns in order."""
    columns = list(TABLES[table])[1:]
    if table != "cells":
        return pa.struct(columns), list(range(len(columns)))
    order = [CellRecord._fields.index(a) for a in _CELL_ATTRS]
    types = {CellRecord._fields[i]: column.type for i, column in zip(order, columns, strict=True)}
    return pa.struct([(f, types[f]) for f in CellRecord._fields]), order


def _figure_row(g: Any) -> tuple:  # FigureRecord
    return (g.section, g.item, g.measure, g.value, g.status, g.approx, g.status == "stated_zero", g.unit, g.sentence,
            g.line)


@dataclass
class FileRows:
    """Parsing one document: one reports row (or error rows, one per path) and the extraction's
    cell and figure records (turned into rows by `add_to`)."""

    sha256: str | None
    report: tuple | None = None
    cell_records: list = field(default_factory=list)
    figure_records: list = field(default_factory=list)
    errors: list[tuple] = field(default_factory=list)
    fmt: str | None = None

    def add_to(self, cells: Rows, figures: Rows) -> None:
        """Add this report's cells and figures to a batch's rows."""
        rid = self.report[0] if self.report else ""
        cells.add(rid, self.cell_records)
        figures.add(rid, self.figure_records, _figure_row)

    @property
    def cells(self) -> list[tuple]:
        """Full cells rows (report_id first), in schema order."""
        rid = self.report[0] if self.report else ""
        return [(rid, *_CELL_ROW(c)) for c in self.cell_records]

    @property
    def figures(self) -> list[tuple]:
        """Full figures rows (report_id first), in schema order."""
        rid = self.report[0] if self.report else ""
        return [(rid, *_figure_row(g)) for g in self.figure_records]


def file_rows(path: str, manifest_row: dict[str, str] | None = None, paths: list[str] | None = None) -> FileRows:
    """Read, parse and extract one file; never raises (failures become error rows, one per path)."""
    paths = paths or [path]
    try:
        data = _read_bytes(path)
    except OSError as e:
        return _error(paths, None, 0, "unreadable", f"{type(e).__name__}: {e}")
    try:
        from ingest.read import document_from_bytes

        doc = document_from_bytes(data, Path(path), manifest_row)
    except IngestError as e:
        return _error(paths, _sha(data), len(data), e.kind, e.reason)
    except Exception as e:  # a reader bug must not stop the batch
        return _error(paths, _sha(data), len(data), "parse_error", f"{type(e).__name__}: {e}"[:500])
    try:
        from ingest.extract import extract

        ex = extract(doc)
    except Exception as e:
        return _error(paths, doc.sha256, len(data), "parse_error", f"extraction failed: {type(e).__name__}: {e}"[:500])
    return _rows(doc, ex, paths)


def _read_bytes(path: str) -> bytes:
    """The whole file (os.read: no buffered file object for a file read once, whole)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if len(data) > size:  # the file grew since its stat (or reports no size): read on to the end
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        return data
    finally:
        os.close(fd)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _error(paths: list[str], sha: str | None, size: int, kind: str, reason: str) -> FileRows:
    return FileRows(sha, errors=[(p, sha, size, kind, reason, PARSER_VERSION) for p in paths])


def _rows(doc: Any, ex: Any, paths: list[str]) -> FileRows:  # Document, Extraction
    rid = doc.sha256[:16]
    meta = ex.meta
    status = ex.status
    if not doc.lines and any(w.startswith("image_only") for w in doc.warnings):
        status = "image_only"
    page = doc.page_meta
    report = (
        rid, paths[0], paths, doc.sha256, doc.source_format, doc.encoding, doc.size_bytes,
        meta.title or page.get("title"), meta.organ_name, meta.organ_source, meta.organ_kind, meta.level,
        meta.scope, list(map(_AREA_MENTION, meta.area_mentions)),
        meta.report_year, meta.report_year_source, _date(meta.published_date) or _date(page.get("published")),
        page.get("url"), ex.template, PARSER_VERSION, status, list(dict.fromkeys(ex.warnings)),
        len(ex.cells), len(ex.figures),
    )  # fmt: skip
    return FileRows(doc.sha256, report, ex.cells, ex.figures, fmt=doc.source_format)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    if len(value) == 10 and value[4] == value[7] == "-" and value.isascii() and (value[:4] + value[5:7] + value[8:]).isdigit():
        # yyyy-mm-dd (ISO, as ingest.metadata writes it): what _DATE would find, without the search
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            return None
    m = _DATE.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def to_table(table: str, rows: list[tuple]) -> pa.Table:
    """Rows (tuples in schema order) -> an Arrow table, one array built per column."""
    schema = TABLES[table]
    if not rows:
        return schema.empty_table()
    columns = zip(*rows, strict=True)
    return pa.Table.from_arrays([pa.array(col, f.type) for col, f in zip(columns, schema, strict=True)], schema=schema)


def to_dict(table: str, row: tuple) -> dict[str, Any]:
    return dict(zip(TABLES[table].names, row, strict=True))


def to_dicts(table: str, rows: list[tuple]) -> list[dict[str, Any]]:
    return [to_dict(table, row) for row in rows]


@dataclass
class Batch:
    """What one batch of files gives: an Arrow table per raw table and what became of each item."""

    tables: dict[str, pa.Table]
    outcomes: list[Outcome]

    @property
    def nbytes(self) -> int:
        # the buffers' total size (Table.nbytes also looks for buffers shared between columns: slower)
        return sum(t.get_total_buffer_size() for t in self.tables.values())


def run_batch(items: list[Item]) -> Batch:
    reports: list[tuple] = []
    errors: list[tuple] = []
    cells, figures = Rows("cells"), Rows("figures")
    outcomes: list[Outcome] = []
    for path, manifest_row, paths in items:
        r = file_rows(path, manifest_row, paths)
        if r.report is not None:
            reports.append(r.report)
            r.add_to(cells, figures)
            outcomes.append((r.fmt or "?", None, r.sha256))
        else:
            errors += r.errors
            outcomes.append((None, r.errors[0][3], r.sha256))
    tables = {"reports": to_table("reports", reports), "cells": cells.to_arrow(), "figures": figures.to_arrow(),
              "errors": to_table("errors", errors)}  # fmt: skip
    return Batch(tables, outcomes)


def run_chunk(task: tuple[Path, str, list[Item]]) -> list[Outcome]:
    """Parse one chunk of files and write its parts (ingest.raw.write_chunk: reports last). A chunk
    whose Arrow data passes CHUNK_BYTES is written as several (`<chunk>.<i>`), each committed alone.

    The cyclic garbage collector's automatic passes are off while a chunk is parsed: its passes over
    the records a batch holds cost ~10% of the CPU. A collection of the youngest generation (what the
    batch made; a full one cost ~0.4 ms a report) follows each batch of files instead, because some
    readers leave reference cycles (python-docx ~100 unreachable objects a
    file, pypdf ~365): without it a chunk of .docx files grew a worker by ~5 MB a file."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_chunk(task)
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.collect()


def _run_chunk(task: tuple[Path, str, list[Item]]) -> list[Outcome]:
    raw_dir, chunk, items = task
    outcomes: list[Outcome] = []
    pending: list[Batch] = []
    held = part = 0
    for i in range(0, len(items), _BATCH_FILES):
        batch = run_batch(items[i : i + _BATCH_FILES])
        gc.collect(0)  # the batch's garbage only: python-docx and pypdf leave reference cycles
        outcomes += batch.outcomes
        pending.append(batch)
        held += batch.nbytes
        if held >= CHUNK_BYTES and i + _BATCH_FILES < len(items):
            raw.write_chunk(raw_dir, f"{chunk}.{part}", _concat(pending))
            pending, held, part = [], 0, part + 1
    raw.write_chunk(raw_dir, f"{chunk}.{part}" if part else chunk, _concat(pending))
    return outcomes


def _concat(batches: list[Batch]) -> dict[str, pa.Table]:
    return {t: pa.concat_tables([b.tables[t] for b in batches]) for t in raw.TABLES_ORDER}
