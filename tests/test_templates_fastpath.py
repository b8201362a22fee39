"""ingest.templates.fastpath reads clean grid rows directly, and ingest.templates.cleantables reads
tables 二 and 三 in one pass when all their rows are clean; the general stream/anchor/token path
must give the same template, cells and warnings. Every synthetic rendering (damaged or not) and
every fixture is extracted three times: with every fast path, with the row-level fast paths only
(cleantables off), and with all of them switched off."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ingest.templates as templates
import ingest.templates.parse as parse
from bench.synth import EXTENSIONS, FORMATS, generate
from ingest.model import Document
from ingest.read import document_from_bytes, load_document
from ingest.templates import extract_tables
from ingest.templates.cleantables import _clean_rows, _without_fillers, clean_template_tables
from ingest.templates.fastpath import _clean_row, clean_row_values, explicit_solution, table_tail_tokens
from ingest.templates.labels import template_spec
from ingest.templates.split import NO_RULE, ROW_TOTAL_7, without_span_fillers
from ingest.templates.stream import CELL_END, ROW_END, TABLE_END, Stream
from ingest.templates.tokens import Token
from tests.fixture_reports import load_fixtures

# The fast paths are switched off by swapping functions of ingest.templates.parse, which its
# compiled callers would not see (tests/conftest.py).
pytestmark = pytest.mark.pure_python
SEED = 20240402
N_REPORTS = 40
PER_FORMAT = {"docx": 12}  # python-docx is slow to read


_ROW_PATHS = ("clean_row_values", "explicit_solution", "table_tail_tokens")


def _counting(fn: Callable[..., Any], hits: Counter[str], key: str) -> Callable[..., Any]:
    """`fn`, counting under `key` the calls where it took its fast path (returned something)."""
    def counted(*args: object) -> Any:
        out = fn(*args)
        hits[key] += out is not None
        return out
    return counted


def _both(doc: Document, monkeypatch: pytest.MonkeyPatch, hits: Counter[str]) -> tuple[object, object]:
    """(with every fast path, general); also asserts that the row-level fast paths alone agree."""
    counted_row = _counting(clean_row_values, hits, "row")
    counted_table = _counting(explicit_solution, hits, "table")
    counted_tail = _counting(table_tail_tokens, hits, "tail")
    counted_tables = _counting(clean_template_tables, hits, "tables")
    counted_appeals = _counting(parse._appeals_settled, hits, "appeals")

    with monkeypatch.context() as m:
        m.setattr(templates, "clean_template_tables", counted_tables)
        m.setattr(parse, "table_tail_tokens", counted_tail)
        m.setattr(parse, "_appeals_settled", counted_appeals)
        fast = extract_tables(doc)
    with monkeypatch.context() as m:
        m.setattr(templates, "clean_template_tables", lambda *a: None)
        m.setattr(parse, "_appeals_settled", lambda *a: None)
        m.setattr(parse, "clean_row_values", counted_row)
        m.setattr(parse, "explicit_solution", counted_table)
        rows_only = extract_tables(doc)
    with monkeypatch.context() as m:
        m.setattr(templates, "clean_template_tables", lambda *a: None)
        m.setattr(parse, "_appeals_settled", lambda *a: None)
        for name in _ROW_PATHS:
            m.setattr(parse, name, lambda *a: None)
        general = extract_tables(doc)
    assert rows_only == general
    return fast, general


@pytest.mark.parametrize("fmt", FORMATS)
def test_fast_path_agrees_with_the_general_path_on_synthetic_reports(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reports = generate(seed=SEED, n=N_REPORTS, eras=("2019", "2021"), damage_rate=0.5)[: PER_FORMAT.get(fmt)]
    hits: Counter[str] = Counter()
    for r in reports:
        doc = document_from_bytes(r.render(fmt), Path(f"{r.id}{EXTENSIONS[fmt]}"))
        fast, general = _both(doc, monkeypatch, hits)
        assert fast == general, f"{r.id} ({fmt}, damage {r.damage})"
    if fmt in ("text", "html", "markdown", "docx"):  # grids and one-cell-a-line text take the fast paths
        assert hits["row"] > 0 and hits["table"] > 0
    if fmt in ("text", "html", "docx", "markdown"):  # (a Markdown grid's empty span fillers drop one way)
        assert hits["tables"] > 0
    if fmt in ("text", "html", "docx"):
        assert hits["tail"] > 0 and hits["appeals"] > 0


def test_fast_path_agrees_with_the_general_path_on_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    hits: Counter[str] = Counter()
    for fx in load_fixtures():
        if fx.path.suffix in (".docx", ".pdf"):
            continue
        fast, general = _both(load_document(fx.path), monkeypatch, hits)
        assert fast == general, fx.path.name


def _stream(raw: str) -> Stream:
    return Stream(raw, raw, [0], [1], [0], None)


@pytest.mark.parametrize("raw", [
    "a" + CELL_END + "1" + CELL_END + "2" + CELL_END + ROW_END + "\n",  # grid row
    "a" + CELL_END + "1" + CELL_END + "2" + CELL_END + "\n",  # `a | 1 | 2 |` line
    "a" + CELL_END + "\n1" + CELL_END + "\n2" + CELL_END + "\n",  # one cell a line
    "a" + CELL_END + "\n" + CELL_END + "\n2" + CELL_END + "\n",  # a blank cell, one a line
])
def test_clean_rows_are_read_cell_by_cell(raw: str) -> None:
    tokens = clean_row_values(_stream(raw), 1, len(raw))
    assert tokens is not None and [t.text for t in tokens][-1] == "2" and all(t.kind == "cell" for t in tokens)


@pytest.mark.parametrize("raw", [
    "a" + CELL_END + ROW_END + "\n",  # no value cell: the general path reads on
    "a" + CELL_END + "1" + CELL_END + "其中" + CELL_END + ROW_END + "\n",  # a word cell
    "a" + CELL_END + "1" + CELL_END + ROW_END + "\n" + "x" + CELL_END + ROW_END + "\n",  # another row
    "a" + CELL_END + "\n1\n2" + CELL_END + "\n",  # free text line among the cells
    "a(件)" + CELL_END + "1" + CELL_END + "\n",  # label cell goes on past the label
    "a" + CELL_END + "1" + CELL_END + "2",  # no row end
])
def test_other_shapes_are_left_to_the_general_path(raw: str) -> None:
    assert clean_row_values(_stream(raw), 1, len(raw)) is None


def _cells(*texts: str) -> list[Token]:
    return [Token("cell", t, 1) for t in texts]


def test_explicit_solution_only_for_full_explicit_rows() -> None:
    names = {0: "r"}
    assert explicit_solution({0: _cells("1", "2")}, 2, NO_RULE, names).rows[0].cells == ["1", "2"]  # type: ignore[union-attr]
    assert explicit_solution({0: _cells("1")}, 2, NO_RULE, names) is None
    assert explicit_solution({0: [Token("run", "12", 1)]}, 2, NO_RULE, names) is None
    row = _cells("1", "0", "0", "0", "0", "0", "1")
    assert explicit_solution({0: row}, 7, ROW_TOTAL_7, names) is not None
    assert explicit_solution({0: _cells("1", "0", "0", "0", "0", "0", "5")}, 7, ROW_TOTAL_7, names) is None


def test_cell_record_field_order_is_the_one_parse_builds_positionally() -> None:
    """parse._records_for_row builds CellRecords positionally (hot loop): a change of the
    contract's field order must show up here."""
    from ingest.model import CellRecord

    assert list(CellRecord._fields) == [
        "table", "row", "col", "raw_text", "status", "value", "unit", "row_label", "col_label", "section", "item",
        "measure", "line", "table_index", "warning"]


@given(st.lists(st.sampled_from(["", "0", "5", "12"]), min_size=1, max_size=10), st.integers(1, 7), st.booleans())
@example(["", "", "5"], 2, True)  # more leading empty cells than must go
@example(["", "5", "", "3"], 2, True)  # a leading one, then one more
@example(["5", "", "", "3"], 3, False)  # two empty cells, one must go: either way (the general reading decides)
@example(["", "", "", "", "11", "5"], 3, True)
@settings(max_examples=300)
def test_span_fillers_dropped_as_the_general_reading_drops_them(texts: list[str], width: int, label_spans: bool) -> None:
    """cleantables._without_fillers gives a reading only when split.without_span_fillers gives
    exactly that one (and never for a row of no more cells than columns)."""
    if len(texts) <= width:
        return
    kept = _without_fillers(tuple(texts), width, label_spans)
    if kept is None:
        return
    readings = without_span_fillers([Token("cell", t, 1) for t in texts], width, label_spans)
    assert [[t.text for t in r] for r in readings] == [list(kept)]
    assert len(kept) == width


# Damaged reports (a report cut off or with lines lost) once crashed the template parser, so the
# whole report lost its table cells. Each shape below is the smallest that crashed.

_NO_LABEL = "三、收到和处理政府信息公开申请情况\n本表略。\n"  # a heading, none of its row labels (cut off)


def test_a_region_without_any_label_reads_no_row() -> None:
    # zero labels, so no stop either (was: one stop for zero labels, a strict zip's ValueError)
    apps = template_spec("2021").tables["applications"]
    warnings: list[str] = []
    assert parse.read_rows(_stream(_NO_LABEL), (0, len(_NO_LABEL)), [apps], True, warnings) == ([], [])
    assert warnings == []


def test_a_region_without_any_label_has_no_clean_rows() -> None:
    # the same region through the clean-table path (was: the same ValueError)
    apps = template_spec("2021").tables["applications"]
    assert _clean_rows(_stream(_NO_LABEL), (0, len(_NO_LABEL)), [apps], keep_extra=True, signed=False) == []


def test_a_grid_header_row_with_no_value_row_has_no_clean_tail() -> None:
    # table 四's header grid row, then the table's end: its value row was lost, so the clean row
    # is a bare CELL_END (was: IndexError on the segment's second character)
    raw = "a" + CELL_END + ROW_END + "\n" + TABLE_END + "\n"
    assert table_tail_tokens(_stream(raw), 1, len(raw)) is None
    assert _clean_row(CELL_END) is None
