"""2019/2021 template tables -> keyed cells (REPORT_FORMATS.md §§3–6, §10; VOCABULARY.md).

    Document --stream--> one searchable text (grids or flattened/glued text alike)
             --regions--> where tables 二 / 三 / 四 sit, and the template their headers show
             --parse-->   label-anchored rows of value tokens
             --split-->   glued digit runs cut by the template arithmetic (never guessed)
             -> CellRecords with section/item/measure, raw labels and source lines

Rows that arrive clean (a label closing its cell, then one explicit value cell per template cell:
HTML/docx/Markdown grids, `cell |` text) skip the token and split stages (ingest.templates.fastpath);
anything else takes the general path, with the same result (tests/test_templates_fastpath.py).

The label vocabulary lives in template_labels.csv (see ingest.templates.labels).
"""

from __future__ import annotations

from itertools import repeat

from ingest.model import CellRecord, Document, new_cell
from ingest.templates.cleantables import clean_template_tables
from ingest.templates.labels import TEMPLATE_NAMES, template_spec
from ingest.templates.parse import read_appeals, read_template_tables
from ingest.templates.regions import applications_template, detect_template, find_regions
from ingest.templates.split import NO_RULE, ROW_TOTAL_7
from ingest.templates.stream import build_stream

__all__ = ["extract_tables", "warm"]


def extract_tables(doc: Document) -> tuple[str, list[CellRecord], list[str]]:
    """Return (template, cells, warnings) for one document. Never raises on odd input: a parser
    failure comes back as template `unknown`, no cells and a warning naming the error."""
    try:
        return _extract(doc)
    except Exception as exc:  # a bad document must not stop a batch
        return "unknown", [], [f"template tables: parser failed ({type(exc).__name__}: {exc}); no table cells"]


def warm() -> None:
    """Build every template's lazily built tables (specs, label search orders, label-run patterns:
    ~10-30 ms a template) now, e.g. in a process about to fork workers, so that none of them builds
    its own on its first report of each template. Only tables that depend on the templates alone."""
    from ingest.templates import cleantables, parse

    for name in TEMPLATE_NAMES:
        spec = template_spec(name)
        d_specs = spec.disclosure_tables()
        for specs in (tuple(d_specs), (spec.tables["applications"],), (spec.tables["appeals"],)):
            parse._label_runs(specs)
            parse._marked_runs(specs)
        for table in d_specs:
            cleantables._table_columns(table, NO_RULE, False)
        cleantables._table_columns(spec.tables["applications"], ROW_TOTAL_7, True)
        parse._appeals_fields(spec.tables["appeals"])


def _extract(doc: Document) -> tuple[str, list[CellRecord], list[str]]:
    stream = build_stream(doc)
    regions = find_regions(stream)
    template = detect_template(stream, regions)
    if template == "pre2019" or (template == "unknown" and regions.appeals is None):
        return template, [], []
    spec = template_spec(template if template in ("2019", "2021") else "2021")
    warnings: list[str] = []
    apps_spec = template_spec(applications_template(stream, regions, template))
    if apps_spec.template != spec.template:
        warnings.append(f"table 三 follows the {apps_spec.template} layout inside a {spec.template} report")
    tables_at = _table_at_line(doc)
    clean = clean_template_tables(stream, spec, apps_spec, regions.disclosure, regions.applications, tables_at)
    if clean is not None:  # tables 二 and 三 as clean grids: read in one pass (table_index set)
        cells, found = clean
        warnings += found
        indexed = len(cells)
    else:
        cells = read_template_tables(stream, spec, apps_spec, regions.disclosure, regions.applications, warnings)
        indexed = 0
    if regions.disclosure is None:
        warnings.append("table 二 (第二十条 主动公开) not found: no disclosure facts")
    if regions.applications is None:
        warnings.append("table 三 (收到和处理政府信息公开申请) not found: no application facts")
    if regions.appeals is not None:
        cells += read_appeals(stream, regions.appeals, spec, warnings)
    else:
        where = "its heading is present but the table is missing" if regions.appeals_heading is not None else "not found"
        warnings.append(f"table 四 (行政复议、行政诉讼): {where}; no appeals facts")
    _set_table_index(tables_at, cells, indexed)
    return template, cells, warnings


def _table_at_line(doc: Document) -> dict[int | None, int]:
    """Source line -> the index in doc.tables of the first table whose lines cover it (no None key)."""
    spans = [(t.start_line, t.end_line, i) for i, t in enumerate(doc.tables)
             if t.start_line is not None and t.end_line is not None]
    where: dict[int | None, int] = {}
    for a, b, i in reversed(spans):
        where.update(zip(range(a, b + 1), repeat(i)))
    return where


_TABLE_INDEX = CellRecord._fields.index("table_index")


def _set_table_index(tables_at: dict[int | None, int], cells: list[CellRecord], start: int = 0) -> None:
    """Point each cell from `start` on at the physical table of doc.tables its line falls in, when there
    is one (a record is a tuple: a changed one is a new record in its place)."""
    if not tables_at:
        return
    get = tables_at.get
    for i in range(start, len(cells)):  # a cell without a line keeps table_index None: there is no None key
        c = cells[i]
        index = get(c.line)
        if index != c.table_index:
            cells[i] = new_cell(CellRecord, (*c[:_TABLE_INDEX], index, *c[_TABLE_INDEX + 1 :]))
