"""The batch: raw Parquet layout, identity, incremental re-runs, error rows, the CLI command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from ingest import state
from ingest.cli import ingest_command
from ingest.errors import IngestLocked
from ingest.pipeline import _unchanged, discover, ingest_paths
from ingest.schema import TABLES

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def _table(raw: Path, name: str) -> list[dict]:
    files = sorted((raw / name).glob("*.parquet"))
    assert files, f"{name} has no Parquet file"
    return [row for f in files for row in pq.read_table(f).to_pylist()]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(REPORTS / "003_370a2057b485fcf4.txt", src / "a.txt")
    shutil.copy(REPORTS / "003_370a2057b485fcf4.txt", src / "sub" / "same.txt")  # same content, 2nd path
    shutil.copy(REPORTS / "d13.txt", src / "sub" / "b.txt")
    (src / "empty.txt").write_bytes(b"")
    (src / "sheet.xls").write_bytes(b"\xd0\xcf\x11\xe0 not read")
    (src / "noise.bin").write_bytes(bytes(range(256)) * 20)
    (src / ".hidden").write_text("skip me")
    return src


def test_every_file_ends_in_reports_or_errors(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    s = ingest_paths([corpus], raw, workers=1)
    reports, errors = _table(raw, "reports"), _table(raw, "errors")
    assert s.files == 6 and s.ingested == 2 and s.quarantined == 3 and s.duplicates == 1
    assert {e["error_kind"] for e in errors} == {"empty", "unsupported_format", "binary"}
    (dup,) = [r for r in reports if len(r["source_paths"]) == 2]
    assert dup["report_id"] == dup["source_sha256"][:16]
    assert sorted(Path(p).name for p in dup["source_paths"]) == ["a.txt", "same.txt"]
    for name, schema in TABLES.items():
        assert pq.read_schema(next((raw / name).glob("*.parquet"))).names == schema.names
    assert not list(raw.rglob(".tmp-*"))


def test_rerun_is_incremental_and_never_duplicates(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1)
    first = {n: len(_table(raw, n)) for n in TABLES}
    again = ingest_paths([corpus], raw, workers=1)
    assert again.ingested == 0 and again.unchanged == 5 and again.quarantined == 0
    assert {n: len(_table(raw, n)) for n in TABLES} == first
    # A changed file is re-done; the report it used to share no longer lists it.
    changed = corpus / "sub" / "same.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n六、其他需要报告的事项\n无。\n", encoding="utf-8")
    os.utime(changed, ns=(1, 1))
    third = ingest_paths([corpus], raw, workers=1)
    assert third.ingested == 1 and third.unchanged == 5  # the 5 other distinct contents
    reports = _table(raw, "reports")
    assert len(reports) == 3 and all(len(r["source_paths"]) == 1 for r in reports)
    assert len({r["report_id"] for r in reports}) == 3
    full = ingest_paths([corpus], raw, full=True, workers=1)
    assert full.ingested == 3 and len(_table(raw, "reports")) == 3
    assert len(_table(raw, "errors")) == 3


def test_fixed_file_leaves_errors(tmp_path: Path) -> None:
    src, raw = tmp_path / "in", tmp_path / "raw"
    src.mkdir()
    f = src / "r.txt"
    f.write_bytes(b"")
    assert ingest_paths([src], raw, workers=1).quarantined == 1
    shutil.copy(REPORTS / "d14.txt", f)
    s = ingest_paths([src], raw, workers=1)
    assert s.ingested == 1 and _table(raw, "errors") == [] and len(_table(raw, "reports")) == 1


def test_manifest_is_used_where_the_document_is_silent(tmp_path: Path) -> None:
    src, raw = tmp_path / "in", tmp_path / "raw"
    src.mkdir()
    shutil.copy(REPORTS / "003_370a2057b485fcf4.txt", src / "r.txt")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,url,title,published,organ\nin/r.txt,http://x.gov.cn/r.htm,T,2022-01-30,关岭县顶云街道办事处\n",
                        encoding="utf-8")
    ingest_paths([src], raw, manifest=manifest, workers=1)
    (report,) = _table(raw, "reports")
    assert report["url"] == "http://x.gov.cn/r.htm"


def test_parallel_run_matches_serial(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for f in sorted(REPORTS.glob("*.txt"))[:6]:
        for i in range(2):
            (src / f"{i}_{f.name}").write_bytes(f.read_bytes() + f"\n{i}\n".encode())
    serial = ingest_paths([src], tmp_path / "s", workers=1)
    parallel = ingest_paths([src], tmp_path / "p", workers=2)
    assert serial.ingested == parallel.ingested == 12
    key = lambda r: r["report_id"]  # noqa: E731
    a = sorted(_table(tmp_path / "s", "reports"), key=key)
    b = sorted(_table(tmp_path / "p", "reports"), key=key)
    assert [r["report_id"] for r in a] == [r["report_id"] for r in b]
    assert len(_table(tmp_path / "s", "cells")) == len(_table(tmp_path / "p", "cells"))


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(ingest_command)
    return app


def test_cli_summary_and_strict(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    raw = tmp_path / "raw"
    ok = runner.invoke(_app(), [str(corpus), "--raw", str(raw), "--workers", "1"])
    assert ok.exit_code == 0, ok.output
    assert "2 ingested" in ok.output and "3 quarantined" in ok.output
    strict = runner.invoke(_app(), [str(corpus), "--raw", str(raw), "--full", "--strict", "--workers", "1"])
    assert strict.exit_code == 1
    missing = runner.invoke(_app(), [str(tmp_path / "nope"), "--raw", str(raw)])
    assert missing.exit_code == 2


# --------------------------------------------------------------------------- robustness of the command

ROOT = Path(__file__).resolve().parent.parent
# An ingest that stops inside its run (the lock held, its first chunk not yet parsed) until told to go on.
_PAUSED = """
import sys, time
from pathlib import Path
import ingest.rows
from ingest.pipeline import _unchanged, discover, ingest_paths
src, raw, go = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
real = ingest.rows.run_chunk
def paused(task):
    print("paused", flush=True)
    while not go.exists():
        time.sleep(0.02)
    return real(task)
ingest.rows.run_chunk = paused
print(ingest_paths([src], raw, workers=1).line(), flush=True)
"""


def _ogi_ingest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ogi.cli", "ingest", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)  # fmt: skip


def test_second_ingest_into_the_same_raw_folder_fails_at_once_naming_the_first(corpus: Path, tmp_path: Path) -> None:
    raw, go = tmp_path / "raw", tmp_path / "go"
    first = subprocess.Popen([sys.executable, "-c", _PAUSED, str(corpus), str(raw), str(go)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "paused"
        started = time.monotonic()
        second = _ogi_ingest(str(corpus), "--raw", str(raw), "--workers", "1")
        assert time.monotonic() - started < 30  # it did not wait for the first run
        assert second.returncode == 1
        assert f"another ogi ingest (process {first.pid}) is writing to {raw}" in second.stderr
        assert not (raw / "reports").exists() or not list((raw / "reports").glob("*.parquet"))
        go.touch()
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        assert "2 ingested" in out
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    again = _ogi_ingest(str(corpus), "--raw", str(raw), "--workers", "1")  # the lock went with the first run
    assert again.returncode == 0 and "0 ingested" in again.stdout, again.stderr


def test_lock_of_a_killed_run_does_not_block_the_next(corpus: Path, tmp_path: Path) -> None:
    raw, go = tmp_path / "raw", tmp_path / "go"
    first = subprocess.Popen([sys.executable, "-c", _PAUSED, str(corpus), str(raw), str(go)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert first.stdout is not None and first.stdout.readline().strip() == "paused"
    first.kill()
    first.wait()
    s = ingest_paths([corpus], raw, workers=1)
    assert s.ingested == 2 and s.quarantined == 3


@pytest.mark.parametrize("value", ["-3", "0", "two"])
def test_nonsense_worker_count_is_a_usage_error(corpus: Path, tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(_app(), [str(corpus), "--raw", str(tmp_path / "raw"), "--workers", value])
    assert result.exit_code == 2
    assert "--workers" in result.output
    assert not (tmp_path / "raw").exists()
    with pytest.raises(ValueError, match="workers must be at least 1"):
        ingest_paths([corpus], tmp_path / "raw", workers=-3)


def test_content_rewritten_with_same_size_and_restored_mtime_is_read_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no entry is racy here, so only the changed ctime can tell the rewrite (fresh files would be
    # hashed again anyway: that is not what this test is about)
    monkeypatch.setattr(state, "RACY_NS", 0)
    raw, victim = tmp_path / "raw", corpus / "sub" / "b.txt"
    ingest_paths([corpus], raw, workers=1)
    assert all(k[4] != 0 for k in state.load(raw).files.values())
    before = {r["source_path"]: r["report_id"] for r in _table(raw, "reports")}
    st = os.stat(victim)
    data = victim.read_bytes()
    twin = data.replace("年".encode(), "月".encode(), 1)  # same length in UTF-8, other content
    assert twin != data and len(twin) == len(data)
    victim.write_bytes(twin)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))  # what cp -p / rsync -t leave behind
    assert (os.stat(victim).st_size, os.stat(victim).st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    s = ingest_paths([corpus], raw, workers=1)
    assert s.ingested == 1 and s.unchanged == 4  # a.txt and the three quarantined contents
    after = {r["source_path"]: r["report_id"] for r in _table(raw, "reports")}
    assert after[str(victim)] != before[str(victim)]
    assert after[str(corpus / "a.txt")] == before[str(corpus / "a.txt")]
    # and with nothing touched since, the next run is decided from the stat alone again
    assert _unchanged(discover([corpus], exclude=[raw]), raw) is not None
    assert ingest_paths([corpus], raw, workers=1).unchanged == 5


def test_file_replaced_by_a_copy_with_the_same_stat_is_read_again(corpus: Path, tmp_path: Path) -> None:
    """A new inode (rsync writes a temporary file and renames it) is a change even when size, mtime
    and content length are as before."""
    raw, victim = tmp_path / "raw", corpus / "a.txt"
    ingest_paths([corpus], raw, workers=1)
    st = os.stat(victim)
    data = victim.read_bytes()
    tmp = corpus / "a.tmp"
    tmp.write_bytes(data.replace("年".encode(), "月".encode(), 1))
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, victim)
    s = ingest_paths([corpus], raw, workers=1)
    assert s.ingested == 1
    assert state.load(raw).files[str(victim)][3] == os.stat(victim).st_ino


def test_file_hash_reads_to_the_end_whatever_the_stat_said(tmp_path: Path) -> None:
    import hashlib

    from ingest.pipeline import _sha256
    from ingest.rows import _read_bytes

    f = tmp_path / "r.txt"
    data = os.urandom(3 << 20)  # several reads
    f.write_bytes(data)
    want = hashlib.sha256(data).hexdigest()
    assert _sha256(str(f), len(data)) == want
    assert _sha256(str(f), 10) == want  # the file grew after its stat
    assert _read_bytes(str(f)) == data


def test_chunk_parsing_leaves_the_collector_as_it_found_it(corpus: Path, tmp_path: Path) -> None:
    import gc

    from ingest.rows import run_chunk

    item = (str(corpus / "a.txt"), None, [str(corpus / "a.txt")])
    was = gc.isenabled()
    try:
        gc.enable()
        run_chunk((tmp_path / "raw1", "c", [item]))
        assert gc.isenabled()
        gc.disable()
        run_chunk((tmp_path / "raw2", "c", [item]))
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_a_file_stat_ed_within_two_seconds_of_its_ctime_is_racy(tmp_path: Path) -> None:
    """File systems with 1-second timestamps: a rewrite in the same second keeps every stat field."""
    f = tmp_path / "r.txt"
    f.write_bytes(b"x")
    st = os.stat(f)
    assert state.file_stat(st, "sha", st.st_ctime_ns + 1_000_000_000)[4] == 0
    assert state.file_stat(st, "sha", st.st_ctime_ns + 1_999_000_000)[4] == 0
    assert state.file_stat(st, "sha", st.st_ctime_ns + 2_000_000_000)[4] == st.st_ctime_ns


def test_a_fresh_corpus_re_ingest_is_decided_without_the_tables_and_settles(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files still racy (or whose ctime alone changed, chmod) are hashed again on the fast path; once
    their ctimes are settled the state learns them and the next run needs only the stat."""
    raw = tmp_path / "raw"
    monkeypatch.setattr(state, "RACY_NS", 10**18)  # just written (however slow this machine is)
    ingest_paths([corpus], raw, workers=1)
    assert all(k[4] == 0 for k in state.load(raw).files.values())
    files = discover([corpus], exclude=[raw])
    s = _unchanged(files, raw)
    assert s is not None and s.unchanged == 5 and s.line().endswith("by format: none")
    os.chmod(corpus / "a.txt", 0o600)  # ctime only
    monkeypatch.setattr(state, "RACY_NS", 0)  # as if the files had been written long ago
    assert _unchanged(files, raw) is not None
    assert all(k[4] != 0 for k in state.load(raw).files.values())  # learned
    (corpus / "sub" / "b.txt").write_bytes((corpus / "sub" / "b.txt").read_bytes().replace("年".encode(), "月".encode(), 1))
    assert _unchanged(files, raw) is None  # a real change still goes to the full run


def _unwritable_state(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, obj: object) -> None:
        raise PermissionError(13, "Permission denied", str(path.parent / ".tmp-x"))

    monkeypatch.setattr(state, "_dump", refuse)


def test_read_only_raw_folder_still_answers_and_says_the_state_was_not_updated(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    ingest_paths([corpus], raw, workers=1)
    monkeypatch.setattr(state, "RACY_NS", 0)
    os.chmod(corpus / "a.txt", 0o600)  # ctime only: the state would learn the new ctime
    _unwritable_state(monkeypatch)
    s = ingest_paths([corpus], raw, workers=1)
    assert (s.ingested, s.unchanged) == (0, 5)
    assert s.line().endswith(f"; state not updated ({raw / '_state'} is not writable: Permission denied)")
    result = CliRunner().invoke(_app(), [str(corpus), "--raw", str(raw), "--workers", "1"])
    assert result.exit_code == 0 and "0 ingested, 5 unchanged" in result.output and "state not updated" in result.output
    (raw / "_state" / state.FILE).unlink()  # no state at all: the full run, which has nothing to write
    s = ingest_paths([corpus], raw, workers=1)
    assert (s.ingested, s.unchanged) == (0, 5) and "state not updated" in s.line()


def test_a_process_that_may_not_write_the_lock_file_still_takes_the_lock(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    real_open = os.open

    def no_write(path: object, flags: int, *args: int) -> int:
        if str(path).endswith(state.LOCK) and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    with state.locked(raw):  # the first run (flock is per open file: a second open in this process conflicts)
        monkeypatch.setattr(os, "open", no_write)
        with pytest.raises(IngestLocked, match=f"process {os.getpid()}"), state.locked(raw):
            pass
        with pytest.raises(IngestLocked):
            ingest_paths([corpus], raw, workers=1)
    with state.locked(raw):  # read-only, once the first is done
        pass
    assert (raw / "_state" / state.LOCK).read_text() == str(os.getpid())  # left as the writer wrote it
