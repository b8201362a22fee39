"""Grids of flattened text tables are built on first use (pipetables.LazyTable): reading them
gives what an eager build gives, and a lazy table copies, pickles and compares as a plain Table."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

from ingest.model import Table
from ingest.pipetables import LazyTable, _grid, build_table
from ingest.read import document_from_bytes

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def _text_tables() -> list[LazyTable]:
    doc = document_from_bytes((REPORTS / "003_370a2057b485fcf4.txt").read_bytes(), Path("003.txt"))
    assert doc.tables and all(isinstance(t, LazyTable) for t in doc.tables)
    return [t for t in doc.tables if isinstance(t, LazyTable)]


def test_rows_are_built_once_on_first_read_and_match_an_eager_build() -> None:
    table = _text_tables()[1]
    assert table.pending is not None
    texts, pads, nos, bounds, width = table.pending
    eager = _grid(texts, pads, nos, bounds, width)
    rows = table.rows
    assert table.pending is None and table.rows is rows  # built once
    assert rows == eager
    assert [[c.text for c in r] for r in rows][3][:2] == ["一、本年新收政府信息公开申请数量", "0"]
    assert rows[0][0].is_header and not rows[3][0].is_header


def test_a_lazy_table_copies_pickles_and_converts_as_a_plain_table() -> None:
    table = _text_tables()[0]
    plain = Table(**{f.name: getattr(table, f.name) for f in dataclasses.fields(Table)})
    assert dataclasses.asdict(table) == dataclasses.asdict(plain)
    for clone in (copy.copy(table), copy.deepcopy(table), pickle.loads(pickle.dumps(table))):
        assert type(clone) is Table and clone == plain
    table.rows = []  # assigning rows replaces the pending grid
    assert table.rows == [] and table.pending is None


def test_build_table_keeps_the_span_of_lines() -> None:
    t = build_table(0, ["a", "1", "b", "2"], [0, 0, 0, 0], [5, 6, 7, 9], [(0, 2), (2, 4)], 2)
    assert (t.start_line, t.end_line, t.width) == (5, 9, 2)
    assert [[(c.row, c.col, c.text, c.line) for c in r] for r in t.rows] == [
        [(0, 0, "a", 5), (0, 1, "1", 6)], [(1, 0, "b", 7), (1, 1, "2", 9)]]  # fmt: skip


def test_a_document_equals_its_pickled_copy_and_reads_as_plain_tables() -> None:
    from bench.synth import generate

    text = "一、总体情况\n申请人情况 | ||||||||\n自然人 |\n1 |\n2 |\n"
    data = next(iter(generate(seed=3, n=1))).render("text")
    for raw in (text.encode(), data):
        doc = document_from_bytes(raw, Path("r.txt"))
        copy = pickle.loads(pickle.dumps(doc))
        assert doc == copy and copy == doc
        assert repr(doc) == repr(copy)
