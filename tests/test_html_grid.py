"""assemble.Grid (the HTML reader's table in columns) agrees with the Table it builds: its text
lines are render_table's, its text is the cells' text, also with cells lacking a line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ingest.assemble import render_table
from ingest.readers.html import _grid

_CELL = st.tuples(st.sampled_from(["a", "b", "1", "", "项目"]), st.integers(1, 3), st.integers(1, 3))


def _grid_of(spec: list[list[tuple[str, int, int]]]):  # noqa: ANN202
    rows = "".join("<tr>" + "".join(f'<td rowspan="{rs}" colspan="{cs}">{t}</td>' for t, rs, cs in cells) + "</tr>\n"
                   for cells in spec)  # fmt: skip
    return _grid(etree.fromstring(f"<html><body><table>\n{rows}</table></body></html>", etree.HTMLParser()).find(".//table"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=5), st.data())
def test_grid_text_lines_and_row_texts_are_those_of_its_table(spec: list[list[tuple[str, int, int]]], data: st.DataObject) -> None:
    grid = _grid_of(spec)
    if grid is None:
        return
    # Some cells without a source line (libxml2 gives none past its line counter's range).
    grid.lines = [None if data.draw(st.booleans()) else x for x in grid.lines]
    texts = [t.upper() for t in grid.texts]  # assemble passes normalised texts
    table = grid.table(texts)
    assert [(ln.no, ln.text) for ln in grid.text_lines(texts)] == [(ln.no, ln.text) for ln in render_table(table)]
    raw = grid.table(grid.texts)
    assert grid.text() == "".join(c.text for row in raw.rows for c in row)
    assert all(len(row) == grid.width for row in table.rows)
    for row in table.rows:
        known = [c.line for c in row if c.line is not None]
        assert all(c.line is not None for c in row) or not known  # a row's missing lines take its first
