"""The pool's chunk schedule (ingest.pipeline.chunk_sizes): every file in exactly one chunk, no chunk
above chunk_files, big chunks first and small ones last (so no worker is left alone with a long tail)."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingest.raw
from bench.synth import generate
from ingest import pipeline
from ingest.pipeline import _TAIL_CHUNK, chunk_sizes, ingest_paths


@pytest.mark.parametrize("n", [1, 2, 7, 63, 64, 65, 100, 999, 1000, 1001, 10_000, 100_000])
@pytest.mark.parametrize("workers", [2, 3, 8])
@pytest.mark.parametrize("chunk_files", [1, 2, 4, 64, 1000])
def test_every_file_in_one_chunk_of_at_most_chunk_files(n: int, workers: int, chunk_files: int) -> None:
    sizes = chunk_sizes(n, workers, chunk_files)
    assert sum(sizes) == n
    assert all(0 < s <= chunk_files for s in sizes)
    assert sizes == sorted(sizes, reverse=True)  # never a bigger chunk after a smaller one


def test_big_chunks_first_small_chunks_last() -> None:
    sizes = chunk_sizes(10_000, 2, 1000)
    assert sizes[0] == 1000  # a chunk's fixed cost paid rarely while there is much to do
    assert all(s <= _TAIL_CHUNK for s in sizes[-3:])  # the tail: workers end within a small chunk
    assert len(sizes) < 10_000 // _TAIL_CHUNK


def test_last_chunk_of_each_worker_is_a_small_share_of_its_work() -> None:
    for n in (1000, 10_000, 100_000):
        sizes = chunk_sizes(n, 2, 1000)
        assert max(sizes[-2:]) <= max(_TAIL_CHUNK, n // 50), (n, sizes[-4:])


def test_pool_run_with_shrinking_chunks_writes_the_rows_of_one_process(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool run whose chunks shrink (4, 3, 2, …: the tail chunk made tiny) holds the same rows as
    a run in one process, and every chunk is committed."""
    src = tmp_path / "in"
    src.mkdir()
    for i, r in enumerate(generate(17, 14, damage_rate=0.2)):
        (src / f"r{i:02d}{'.html' if i % 3 == 2 else '.txt'}").write_bytes(r.render("html" if i % 3 == 2 else "text"))
    (src / "empty.txt").write_bytes(b"")
    monkeypatch.setattr(pipeline, "_TAIL_CHUNK", 2)
    monkeypatch.setattr(pipeline, "_MIN_POOL_CHUNK", 2)
    assert len(set(chunk_sizes(15, 2, 8))) > 2  # the schedule below really shrinks
    serial = ingest_paths([src], tmp_path / "serial", workers=1)
    pooled = ingest_paths([src], tmp_path / "pooled", workers=2, chunk_files=8)
    assert serial.line() == pooled.line() and pooled.ingested == 14 and pooled.quarantined == 1
    assert len(ingest.raw.parts(tmp_path / "pooled", "reports")) == len(chunk_sizes(15, 2, 8))
    for table in ingest.raw.TABLES_ORDER:
        rows = [sorted(map(repr, ingest.raw.read_table(tmp_path / run, table).to_pylist())) for run in ("serial", "pooled")]
        assert rows[0] == rows[1], table
