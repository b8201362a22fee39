"""ingest.rows: a batch's cells and figures become the same Arrow tables whichever way they are built."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import CellRecord, FigureRecord
from ingest.rows import _DATE, FileRows, Rows, _date, to_table
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


def test_a_chunk_does_not_keep_the_readers_garbage_between_batches(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """python-docx leaves reference cycles; with the collector's automatic passes off (as in a pool
    worker) each batch's garbage must still go before the next batch, or a chunk grows per file."""
    import gc

    from bench.synth import generate
    from ingest import rows

    src = tmp_path / "docx"
    src.mkdir()
    for r in generate(seed=5, n=12):
        (src / f"{r.id}.docx").write_bytes(r.render("docx"))
    items = [(str(p), None, [str(p)]) for p in sorted(src.iterdir())]
    monkeypatch.setattr(rows, "_BATCH_FILES", 3)
    monkeypatch.setattr(rows.raw, "write_chunk", lambda *args: None)
    tracked: list[int] = []
    run_batch = rows.run_batch

    def counting(batch):  # noqa: ANN001, ANN202
        tracked.append(len(gc.get_objects()))
        return run_batch(batch)

    monkeypatch.setattr(rows, "run_batch", counting)
    gc.collect()
    gc.disable()
    try:
        rows._run_chunk((tmp_path / "raw", "c", items))
    finally:
        gc.enable()
    # objects alive at the start of each batch: about flat (~+4k here), where keeping the first batch's
    # garbage alone adds ~45k
    assert max(tracked) - tracked[0] < 15_000, tracked


_DATE_CHARS = "0123456789-- 年月/.a٣２"


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(_DATE_CHARS, max_size=12),
                 st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)).map(
                     lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}")))
def test_iso_date_shortcut_reads_what_the_date_pattern_reads(value: str) -> None:
    """rows._date takes yyyy-mm-dd without its regex search: the same date (or None) as the search gives."""
    m = _DATE.search(value)
    try:
        want = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        want = None
    assert _date(value) == want
