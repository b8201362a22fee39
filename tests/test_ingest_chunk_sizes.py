"""The pool's chunk schedule (ingest.pipeline.chunk_sizes): every file in exactly one chunk, no chunk
above chunk_files, big chunks first and small ones last (so no worker is left alone with a long tail)."""

from __future__ import annotations

import pytest

from ingest.pipeline import _TAIL_CHUNK, chunk_sizes


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
