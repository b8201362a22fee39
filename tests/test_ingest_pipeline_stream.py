"""Streaming ingest: chunks of parts, superseding rows in old parts, kills between chunks, the journal,
and the unchanged re-ingest that imports neither pyarrow nor the parsers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import ingest.raw
from bench.synth import generate
from ingest import state
from ingest.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """7 files: 5 synthetic reports (text/HTML), one duplicate of the first, one empty file."""
    src = tmp_path_factory.mktemp("stream_in")
    reports = generate(31, 5, damage_rate=0.2)
    for i, r in enumerate(reports):
        fmt = "html" if i % 2 else "text"
        (src / f"r{i}{'.html' if fmt == 'html' else '.txt'}").write_bytes(r.render(fmt))
    (src / "r9.txt").write_bytes((src / "r0.txt").read_bytes())
    (src / "r8.txt").write_bytes(b"")
    return src


def _copy(corpus: Path, dest: Path) -> Path:
    dest.mkdir()
    for f in corpus.iterdir():
        (dest / f.name).write_bytes(f.read_bytes())
    return dest


def _rows(raw: Path, table: str) -> list[dict]:
    return [r for f in sorted((raw / table).glob("*.parquet")) for r in pq.read_table(f).to_pylist()]


def _check(raw: Path, src: Path) -> list[dict]:
    """Every file in reports or errors once; each report's cells/figures there exactly once."""
    reports, errors = _rows(raw, "reports"), _rows(raw, "errors")
    paths = [p for r in reports for p in r["source_paths"]] + [e["source_path"] for e in errors]
    assert sorted(paths) == sorted(str(p) for p in src.iterdir())
    ids = [r["report_id"] for r in reports]
    assert len(ids) == len(set(ids))
    cells = Counter(c["report_id"] for c in _rows(raw, "cells"))
    figures = Counter(g["report_id"] for g in _rows(raw, "figures"))
    assert set(cells) <= set(ids) and set(figures) <= set(ids)
    for r in reports:
        assert (cells[r["report_id"]], figures[r["report_id"]]) == (r["n_cells"], r["n_figures"])
    assert not list(raw.rglob(".tmp-*"))
    return reports


def _content(raw: Path) -> dict[str, list]:
    key = {"reports": "report_id", "errors": "source_path"}
    return {t: sorted((tuple(sorted((k, str(v)) for k, v in r.items())) for r in _rows(raw, t)),
                      key=lambda row: str(row) if t not in key else str(dict(row)[key[t]]))
            for t in ingest.raw.TABLES_ORDER}


def test_chunks_of_two_give_the_same_rows_as_one_chunk(corpus: Path, tmp_path: Path) -> None:
    one = ingest_paths([corpus], tmp_path / "one", workers=1)
    two = ingest_paths([corpus], tmp_path / "two", workers=1, chunk_files=2)
    assert one.line() == two.line()
    assert two.ingested == 5 and two.quarantined == 1 and two.duplicates == 1
    assert len(ingest.raw.parts(tmp_path / "two", "reports")) == 3  # 6 distinct contents, 2 a chunk
    assert _content(tmp_path / "one") == _content(tmp_path / "two")
    _check(tmp_path / "two", corpus)


def test_changed_file_in_an_old_part_is_replaced_not_doubled(corpus: Path, tmp_path: Path) -> None:
    src, raw = _copy(corpus, tmp_path / "in"), tmp_path / "raw"
    ingest_paths([src], raw, workers=1, chunk_files=2)
    first_chunk = next(iter(ingest.raw.parts(raw, "reports")))
    (old,) = [r for r in _rows(raw, "reports") if str(src / "r1.html") in r["source_paths"]]
    other = generate(32, 1)[0].render("html")
    (src / "r1.html").write_bytes(other)
    s = ingest_paths([src], raw, workers=1, chunk_files=2)
    assert s.ingested == 1 and s.unchanged == 5
    reports = _check(raw, src)
    assert old["report_id"] not in {r["report_id"] for r in reports}
    assert len(reports) == 5
    # the old report's chunk was rewritten without it; the new content went to a chunk of its own
    left = pq.read_table(ingest.raw.part_path(raw, "reports", first_chunk)).to_pylist()
    assert old["report_id"] not in {r["report_id"] for r in left} and len(left) == 1
    assert len(ingest.raw.parts(raw, "reports")) == 4


def test_full_rerun_in_chunks_supersedes_every_old_part(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1, chunk_files=2)
    before = _content(raw)
    s = ingest_paths([corpus], raw, workers=1, chunk_files=2, full=True)
    assert s.ingested == 5
    _check(raw, corpus)
    assert _content(raw) == before
    assert len(ingest.raw.parts(raw, "reports")) == 3  # emptied old chunks are deleted


class _Killed(BaseException):
    """Stands in for SIGKILL in this process: nothing after it runs (tests/test_faults.py kills for real)."""


def test_run_killed_between_chunks_resumes_without_redoing_committed_chunks(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    real = ingest.raw.write_part
    calls: list[str] = []

    def write_part(raw_dir: Path, table: str, chunk: str, data):  # noqa: ANN001, ANN202
        calls.append(table)
        if calls.count("cells") == 3:  # the third chunk's first part: two chunks are committed
            raise _Killed
        return real(raw_dir, table, chunk, data)

    monkeypatch.setattr(ingest.raw, "write_part", write_part)
    with pytest.raises(_Killed):
        ingest_paths([corpus], raw, workers=1, chunk_files=2)
    monkeypatch.setattr(ingest.raw, "write_part", real)
    assert len(ingest.raw.parts(raw, "reports")) == 2
    s = ingest_paths([corpus], raw, workers=1, chunk_files=2)
    assert s.unchanged == 4 and s.ingested + s.quarantined == 2
    _check(raw, corpus)


def test_run_killed_while_superseding_is_finished_by_the_next(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1, chunk_files=2)
    real = ingest.raw.filter_part
    calls: list[str] = []

    def filter_part(raw_dir: Path, table: str, chunk: str, keep):  # noqa: ANN001, ANN202
        calls.append(table)
        if len(calls) == 2:  # reports of the first chunk filtered, its cells not yet
            raise _Killed
        return real(raw_dir, table, chunk, keep)

    monkeypatch.setattr(ingest.raw, "filter_part", filter_part)
    with pytest.raises(_Killed):
        ingest_paths([corpus], raw, workers=1, chunk_files=2, full=True)
    monkeypatch.setattr(ingest.raw, "filter_part", real)
    assert state.read_journal(raw)
    s = ingest_paths([corpus], raw, workers=1, chunk_files=2)
    assert state.read_journal(raw) is None
    assert s.ingested == 5 and s.unchanged == 1  # every report the journal listed is redone
    _check(raw, corpus)


def test_new_path_of_quarantined_content_gets_its_error_row(corpus: Path, tmp_path: Path) -> None:
    src, raw = _copy(corpus, tmp_path / "in"), tmp_path / "raw"
    ingest_paths([src], raw, workers=1)
    (src / "r7.txt").write_bytes(b"")
    s = ingest_paths([src], raw, workers=1)
    assert s.ingested == 0 and s.quarantined == 0 and s.duplicates == 2
    assert sorted(e["source_path"] for e in _rows(raw, "errors")) == [str(src / "r7.txt"), str(src / "r8.txt")]
    _check(raw, src)


UNCHANGED = """
import sys
from pathlib import Path
import ingest
ingest.PARSER_VERSION = "pinned"  # one version in every run, even while ingest's code is being edited
from ingest.pipeline import ingest_paths
s = ingest_paths([Path(sys.argv[1])], Path(sys.argv[2]), workers=1)
heavy = sorted(m for m in ("pyarrow", "polars", "ingest.read", "ingest.extract", "concurrent.futures.process")
               if m in sys.modules)
print(s.line(), "|", ",".join(heavy))
"""


def test_unchanged_rerun_reads_only_stat_and_state(corpus: Path, tmp_path: Path) -> None:
    corpus, raw = _copy(corpus, tmp_path / "in"), tmp_path / "raw"
    # every run in a child process with a pinned parser version: the same version even while
    # ingest's code is being edited (the version hashes the code)
    def run() -> str:
        return subprocess.run([sys.executable, "-c", UNCHANGED, str(corpus), str(raw)], capture_output=True,
                              text=True, cwd=ROOT, check=True).stdout.strip()  # fmt: skip

    runs = [run() for _ in range(2)]
    assert runs[0].startswith("7 files: 5 ingested")
    out = runs[1]
    line, heavy = out.split(" | ") if " | " in out else (out.removesuffix(" |"), "")
    assert "0 ingested, 6 unchanged" in line and "1 duplicate paths" in line
    assert heavy == ""
    # a touched file (same content) is re-hashed, not re-parsed, and the state learns its new mtime
    os.utime(corpus / "r2.txt", ns=(10**18, 10**18))
    assert "0 ingested, 6 unchanged" in run()
    assert state.load(raw).files[str(corpus / "r2.txt")][1] == 10**18


def test_tables_changed_behind_the_state_are_read_again(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1, chunk_files=2)
    victim = sorted(ingest.raw.parts(raw, "reports").values())[0]
    victim.unlink()  # its reports are gone: the next run must notice and redo them
    s = ingest_paths([corpus], raw, workers=1, chunk_files=2)
    assert s.ingested + s.quarantined == 2
    _check(raw, corpus)


def test_full_rerun_killed_after_superseding_leaves_a_file_in_every_table(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1)

    def killed(*a, **k):  # noqa: ANN002, ANN003, ANN202 - the first new part: every old row is gone by now
        raise _Killed

    monkeypatch.setattr(ingest.raw, "write_chunk", killed)
    with pytest.raises(_Killed):
        ingest_paths([corpus], raw, workers=1, full=True)
    monkeypatch.undo()
    for table in ingest.raw.TABLES_ORDER:
        assert list((raw / table).glob("*.parquet")), table
    assert _rows(raw, "reports") == []
    ingest_paths([corpus], raw, workers=1)
    _check(raw, corpus)


def test_pool_workers_write_their_chunks_with_the_same_rows_as_one_process(corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):  # 21 files, 16 distinct contents: enough for the process pool
        for f in corpus.iterdir():
            (src / f"{i}_{f.name}").write_bytes(f.read_bytes() + (f"\n{i}\n".encode() if f.stat().st_size else b""))
    serial = ingest_paths([src], tmp_path / "serial", workers=1)
    pooled = ingest_paths([src], tmp_path / "pooled", workers=2, chunk_files=4)
    assert serial.line() == pooled.line() and pooled.ingested == 15
    assert len(ingest.raw.parts(tmp_path / "pooled", "reports")) >= 4
    assert _content(tmp_path / "serial") == _content(tmp_path / "pooled")
    _check(tmp_path / "pooled", src)


def test_prune_leaves_unread_the_chunks_named_by_skip_prefix(corpus: Path, tmp_path: Path) -> None:
    """A run's own chunks hold a row per file, so the run does not read their footers to prune."""
    from ingest.schema import TABLES

    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1, chunk_files=100)
    for table in ("reports", "cells"):  # a chunk whose rows are gone (as superseding leaves one)
        ingest.raw.write_part(raw, table, "ffff-00000", TABLES[table].empty_table())
    ingest.raw.prune_empty_chunks(raw, skip_prefix="ffff-")
    assert "ffff-00000" in ingest.raw.parts(raw, "reports")
    ingest.raw.prune_empty_chunks(raw)
    assert "ffff-00000" not in ingest.raw.parts(raw, "reports")
    assert "ffff-00000" not in ingest.raw.parts(raw, "cells")
    _check(raw, corpus)
