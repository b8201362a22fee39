"""ingest.rows: a batch's cells and figures become the same Arrow tables whichever way they are built."""

from __future__ import annotations

from ingest.model import CellRecord, FigureRecord
from ingest.rows import FileRows, Rows, to_table
from ingest.schema import TABLES


def _file(rid: str, cells: list[CellRecord], figures: list[FigureRecord]) -> FileRows:
    return FileRows(rid * 4, (rid,), cells, figures)


def test_batch_rows_match_row_by_row_tables() -> None:
    a = _file("a", [CellRecord("applications", 1, 2, "3", "reported", 3.0, "件", "r", "c", "applications", "new",
                               "total", 7, 0),
                    CellRecord("other", -1, 0, "", "blank")],
              [FigureRecord("disclosure", "proactive_items", "total", 0.0, "stated_zero", True, "件", "无", 4)])
    b = _file("b", [], [FigureRecord("appeals", "reconsideration", "total", None)])
    empty = _file("c", [], [])
    cells, figures = Rows("cells"), Rows("figures")
    for f in (a, empty, b):
        f.add_to(cells, figures)
    assert cells.to_arrow().equals(to_table("cells", a.cells + b.cells))
    assert figures.to_arrow().equals(to_table("figures", a.figures + b.figures))
    assert figures.to_arrow().column("stated_zero").to_pylist() == [True, False]
    assert cells.to_arrow().column("value").to_pylist() == [3.0, None]


def test_empty_batch_has_the_schema() -> None:
    assert Rows("cells").to_arrow().schema.equals(TABLES["cells"])
    assert Rows("figures").to_arrow().num_rows == 0
