"""One file -> compact rows (tuples in the column order of ingest.schema); a batch of files -> one
Arrow table per raw table. Runs in the worker processes: what travels back to the batch is a few
Arrow tables per batch (pickled as Arrow buffers), not a tree of dataclasses per report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ingest import PARSER_VERSION
from ingest.errors import IngestError
from ingest.schema import TABLES

# path to read, its manifest row, every path with this content (sorted; [path] for one file)
Item = tuple[str, "dict[str, str] | None", "list[str]"]
# what became of one item: (format or None, error kind or None, sha256 or None)
Outcome = tuple["str | None", "str | None", "str | None"]

_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


@dataclass
class FileRows:
    """Parsing one document: one reports row (or error rows, one per path) and its cells/figures."""

    sha256: str | None
    report: tuple | None = None
    cells: list[tuple] = field(default_factory=list)
    figures: list[tuple] = field(default_factory=list)
    errors: list[tuple] = field(default_factory=list)
    fmt: str | None = None


def file_rows(path: str, manifest_row: dict[str, str] | None = None, paths: list[str] | None = None) -> FileRows:
    """Read, parse and extract one file; never raises (failures become error rows, one per path)."""
    paths = paths or [path]
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        return _error(paths, None, 0, "unreadable", f"{type(e).__name__}: {e}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        from pathlib import Path

        from ingest.read import document_from_bytes

        doc = document_from_bytes(data, Path(path), manifest_row)
    except IngestError as e:
        return _error(paths, sha, len(data), e.kind, e.reason)
    except Exception as e:  # a reader bug must not stop the batch
        return _error(paths, sha, len(data), "parse_error", f"{type(e).__name__}: {e}"[:500])
    try:
        from ingest.extract import extract

        ex = extract(doc)
    except Exception as e:
        return _error(paths, sha, len(data), "parse_error", f"extraction failed: {type(e).__name__}: {e}"[:500])
    return _rows(doc, ex, paths)


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
        meta.scope, [{"name": a.name, "level": a.level, "line": a.line} for a in meta.area_mentions],
        meta.report_year, meta.report_year_source, _date(meta.published_date) or _date(page.get("published")),
        page.get("url"), ex.template, PARSER_VERSION, status, list(dict.fromkeys(ex.warnings)),
        len(ex.cells), len(ex.figures),
    )  # fmt: skip
    cells = [
        (rid, c.table, c.table_index, c.row, c.col, c.row_label, c.col_label, c.section, c.item, c.measure,
         c.raw_text, c.value, c.status, c.unit, c.line, c.warning)
        for c in ex.cells
    ]  # fmt: skip
    figures = [
        (rid, g.section, g.item, g.measure, g.value, g.status, g.approx, g.status == "stated_zero", g.unit,
         g.sentence, g.line)
        for g in ex.figures
    ]  # fmt: skip
    return FileRows(doc.sha256, report, cells, figures, fmt=doc.source_format)


def _date(value: str | None) -> dt.date | None:
    if not value:
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


@dataclass
class Batch:
    """What one batch of files gives: an Arrow table per raw table and what became of each item."""

    tables: dict[str, pa.Table]
    outcomes: list[Outcome]

    @property
    def nbytes(self) -> int:
        return sum(t.nbytes for t in self.tables.values())


def run_batch(items: list[Item]) -> Batch:
    rows: dict[str, list[tuple]] = {"reports": [], "cells": [], "figures": [], "errors": []}
    outcomes: list[Outcome] = []
    for path, manifest_row, paths in items:
        r = file_rows(path, manifest_row, paths)
        if r.report is not None:
            rows["reports"].append(r.report)
            rows["cells"] += r.cells
            rows["figures"] += r.figures
            outcomes.append((r.fmt or "?", None, r.sha256))
        else:
            rows["errors"] += r.errors
            outcomes.append((None, r.errors[0][3], r.sha256))
    return Batch({name: to_table(name, rs) for name, rs in rows.items()}, outcomes)
