"""The in-memory shapes that flow through ingest.

    file bytes --decode/normalise/layout--> Document
    Document --templates / appendix--> CellRecord (raw `cells`)
    Document --prose-->                FigureRecord (raw `figures`)
    Document --metadata-->             ReportMeta (part of raw `reports`)

Every stage is a pure function of its input; ingest.pipeline strings them together and
ingest.raw writes the records to Parquet (schemas in ingest.schema). These classes are the
contract between the modules of ingest/: change a field here and in ingest.schema together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Status vocabulary (VOCABULARY.md). `unplaced` is ours: a cell the template parser saw but
# could not put on a canonical key with confidence (for example an ambiguous digit run).
CELL_STATUSES = ("reported", "blank", "na_marker", "text", "unplaced")
FIGURE_STATUSES = ("reported", "stated_zero")
TEMPLATES = ("pre2019", "2019", "2021", "unknown")


@dataclass(slots=True)
class Line:
    """One line of normalised text and the 1-based line number in the decoded source it came from."""

    no: int
    text: str


@dataclass(slots=True)
class Cell:
    """A cell of a rebuilt table grid. Positions are 0-based in the expanded grid."""

    row: int
    col: int
    text: str
    line: int | None = None
    is_header: bool = False
    # False for a grid position filled by expanding a rowspan/colspan of another cell.
    origin: bool = True


@dataclass
class Table:
    """A table found in a document, as a grid of rows (rows may be ragged for text sources)."""

    index: int
    rows: list[list[Cell]]
    # html | markdown | docx | pipe_text (one cell per line) | spaced | glued (cells run together)
    kind: str
    start_line: int | None = None
    end_line: int | None = None
    heading: str | None = None  # the section heading the table sits under, if any
    width: int | None = None  # grid width when known (HTML, padding rule, template width)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    """A section heading (一、总体情况 …) with its line; `number` is 1–6 for 一…六 when recognisable."""

    heading: str
    line: int
    number: int | None = None


@dataclass
class Document:
    """A decoded, normalised report: what every extractor reads."""

    source_path: str
    source_format: str  # text | html | markdown | docx | pdf
    encoding: str
    sha256: str
    size_bytes: int
    lines: list[Line]  # body text lines (prose and tables as text), chrome removed
    tables: list[Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # Metadata the container itself gave: HTML <title>/<meta>, a crawl header (标题:, 发布时间:),
    # the crawl manifest. Keys: title, organ, published, url, … (raw strings).
    page_meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class CellRecord(NamedTuple):
    """One row of the raw `cells` table: a table cell, keyed when recognised.

    A tuple (immutable: `_replace` makes a changed copy): ingest.rows hands the records themselves to
    Arrow as the rows of the table, and the templates' hot loops build them with `new_cell`."""

    table: str  # disclosure_art20_1 | disclosure_art20_5 | … | applications | appeals | statistics_appendix | other
    row: int
    col: int
    raw_text: str
    status: str  # one of CELL_STATUSES
    value: float | None = None
    unit: str | None = None
    row_label: str | None = None
    col_label: str | None = None
    section: str | None = None
    item: str | None = None
    measure: str | None = None
    line: int | None = None
    table_index: int | None = None  # index of the physical Table in Document.tables, if any
    warning: str | None = None


# new_cell(CellRecord, (the 15 fields in order)): a record without NamedTuple's Python-level __new__ (what
# the hot loops of ingest.templates build; a keyword or partial call goes through CellRecord(...))
new_cell: Callable[[type[CellRecord], tuple[Any, ...]], CellRecord] = tuple.__new__  # type: ignore[assignment]


@dataclass(slots=True)
class FigureRecord:
    """One row of the raw `figures` table: a figure stated in prose."""

    section: str
    item: str
    measure: str
    value: float | None
    status: str = "reported"  # reported | stated_zero
    approx: bool = False
    unit: str | None = None
    sentence: str = ""
    line: int | None = None


@dataclass(slots=True)
class AreaMention:
    name: str
    level: str | None  # province | prefecture | county | township | None when unknown
    line: int | None = None


@dataclass
class ReportMeta:
    """Who, when and where (ingest.metadata)."""

    title: str | None = None
    organ_name: str | None = None
    organ_source: str | None = None  # title | page_meta | body | manifest
    organ_kind: str | None = None  # government | department
    level: str | None = None  # province | prefecture | county | township
    scope: str | None = None  # own | aggregate
    area_mentions: list[AreaMention] = field(default_factory=list)
    report_year: int | None = None
    report_year_source: str | None = None  # title | period | page_meta | published | body
    published_date: str | None = None  # ISO yyyy-mm-dd
    warnings: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything extracted from one Document."""

    template: str  # one of TEMPLATES
    meta: ReportMeta
    cells: list[CellRecord] = field(default_factory=list)
    figures: list[FigureRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status: str = "ok"  # ok | no_facts | image_only | not_a_report
