"""Hashing in a forked child while the parent warms the parsers (ingest.pipeline._HashAhead): the same
answer as hashing here, a fallback when the child fails, no child left behind, and a cold run that
takes this path writes what the plain path writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest import pipeline, state
from ingest.pipeline import _hash_files, _HashAhead, _pool_likely, ingest_paths

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def _files(tmp_path: Path, n: int = 40) -> list[str]:
    src = tmp_path / "in"
    src.mkdir()
    out = []
    for i in range(n):
        f = src / f"f{i:03d}.txt"
        f.write_bytes(os.urandom(64 + 97 * i))
        out.append(str(f))
    out.append(str(src / "missing.txt"))  # cannot be read: left out of both answers
    return out


def _children() -> set[int]:
    """This process's live (or zombie) children, from /proc."""
    me, out = os.getpid(), set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me:
                out.add(int(pid))
    return out


def test_child_answers_what_hashing_here_answers(tmp_path: Path) -> None:
    files = _files(tmp_path)
    known_file = files[3]
    st = os.stat(known_file)
    # one file known with its stat (its sha256 is taken from the state, not read), one stale entry kept
    known = {known_file: state.file_stat(st, "f" * 64, 0)[:4] + (st.st_ctime_ns,), "/gone.txt": (1, 2, "a" * 64, 3, 4)}
    before = _children()
    got = _HashAhead(files, known).answer()
    assert got == _hash_files(files, known)
    assert got[0][known_file] == "f" * 64 and "/gone.txt" in got[1] and files[-1] not in got[0]
    assert _children() == before  # reaped


def test_files_split_over_children_answer_in_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path)
    monkeypatch.setattr(pipeline, "_HASH_CHILD_FILES", 10)
    job = _HashAhead(files, {}, children=3)
    assert [len(part) for part, _, _ in job.jobs] == [14, 14, 13]
    assert job.answer() == _hash_files(files, {})
    for children, forked in ((8, 4), (1, 1)):  # one child per _HASH_CHILD_FILES files at most
        job = _HashAhead(files, {}, children=children)
        assert len(job.jobs) == forked
        job.close()


def test_a_failing_child_falls_back_to_hashing_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path, 5)
    parent = os.getpid()
    real = pipeline._file_stats

    def fails_in_child(fs: list[str], known: dict) -> list:
        if os.getpid() != parent:
            raise RuntimeError("child fails")
        return real(fs, known)

    monkeypatch.setattr(pipeline, "_file_stats", fails_in_child)
    assert _HashAhead(files, {}).answer() == _hash_files(files, {})


def test_an_answer_not_taken_leaves_no_child(tmp_path: Path) -> None:
    files = _files(tmp_path, 400)  # more than a pipe holds: the child blocks on its write
    before = _children()
    job = _HashAhead(files, {})
    job.close()
    assert _children() == before
    pipeline._HASH_CHILD_FILES, keep = 100, pipeline._HASH_CHILD_FILES
    try:
        job = _HashAhead(files, {}, children=2)
        assert len(job.jobs) == 2
        job.close()
    finally:
        pipeline._HASH_CHILD_FILES = keep
    assert _children() == before


def test_pool_is_foreseen_from_files_the_state_does_not_know() -> None:
    files = [f"/r/{i}.txt" for i in range(100)]
    known = {f: (1, 1, "a" * 64, 1, 1) for f in files[:90]}
    assert _pool_likely(files, {}, False, 2, 1000)
    assert not _pool_likely(files, {}, False, 1, 1000)  # one worker: no pool
    assert not _pool_likely(files, known, False, 2, 1000)  # 10 new files: parsed here
    assert _pool_likely(files, known, True, 2, 1000)  # --full redoes all 100
    assert _pool_likely(files, known, False, 2, 5)  # chunks of 5 files: 10 new ones fill a pool


def _rows(raw: Path, table: str) -> list[dict]:
    out = []
    for f in sorted((raw / table).glob("*.parquet")):
        out += pq.read_table(f).to_pylist()
    return out


def test_cold_run_hashed_ahead_writes_what_a_plain_run_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    reports = sorted(p for p in REPORTS.iterdir() if p.suffix in (".txt", ".html"))[:6]
    for i, p in enumerate(reports):
        shutil.copy(p, src / f"{i}{p.suffix}")
    shutil.copy(reports[0], src / f"dup{reports[0].suffix}")  # same content, second path
    (src / "empty.txt").write_bytes(b"")
    made = []
    real_init = _HashAhead.__init__

    def counting(self: _HashAhead, *a: object) -> None:
        made.append(1)
        real_init(self, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(_HashAhead, "__init__", counting)
    ahead = ingest_paths([src], tmp_path / "ahead", workers=2, chunk_files=2)
    assert made  # this run took the path under test
    monkeypatch.setattr(pipeline, "_pool_likely", lambda *a: False)
    plain = ingest_paths([src], tmp_path / "plain", workers=2, chunk_files=2)
    assert len(made) == 1
    assert ahead.line() == plain.line()
    for table in ("reports", "cells", "figures", "errors"):
        a, p = _rows(tmp_path / "ahead", table), _rows(tmp_path / "plain", table)
        assert a == p, table
    def entries(raw: Path) -> dict:  # the ctime field aside: 0 when the file was racy at that run's stat
        return {f: k[:4] for f, k in state.load(raw).files.items()}

    assert entries(tmp_path / "ahead") == entries(tmp_path / "plain")


def test_a_fork_the_system_refuses_is_hashed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EAGAIN/ENOMEM from fork: that slice is hashed in this process, the children already started are
    used (or reaped), and the run goes on."""
    files = _files(tmp_path)
    monkeypatch.setattr(pipeline, "_HASH_CHILD_FILES", 10)
    real_fork, calls = os.fork, []

    def fork() -> int:
        calls.append(1)
        if len(calls) == 2:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    before = _children()
    ahead = _HashAhead(files, {}, children=3)
    assert len(calls) == 3 and [pid is None for _, pid, _ in ahead.jobs] == [False, True, False]
    assert ahead.answer() == _hash_files(files, {})
    assert _children() == before


def test_a_short_read_is_read_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read may return less than asked (files over 2 GiB, some network file systems): the hash still
    covers the whole file."""
    f = tmp_path / "big.txt"
    f.write_bytes(os.urandom(10_000))
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 4096)))
    import hashlib

    assert pipeline._sha256(str(f), 10_000) == hashlib.sha256(f.read_bytes()).hexdigest()
