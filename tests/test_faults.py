"""Faults: kill -9 during ingest and build, a reader during a build, a corrupt raw file, a full
disk, a read-only output folder. The published raw tables and warehouse must stay usable, errors
must name the file, and the next run must complete with nothing lost or doubled."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from bench.synth import generate
from bench.synth.rawgen import write_raw
from tests.fault_support import copy_project, digest, run_ogi, start_ogi, tree_digest

TABLES = ("reports", "cells", "figures", "errors")
N_FILES = 16
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ---------------------------------------------------------------- shared inputs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """N_FILES synthetic reports in four renderings, in two halves a/ and b/."""
    src = tmp_path_factory.mktemp("faults_in")
    for i, r in enumerate(generate(91, N_FILES, damage_rate=0.3)):
        fmt = ("text", "html", "markdown", "glued")[i % 4]
        ext = {"text": ".txt", "html": ".html", "markdown": ".md", "glued": ".txt"}[fmt]
        half = src / ("a" if i < N_FILES // 2 else "b")
        half.mkdir(exist_ok=True)
        (half / f"{r.id}{ext}").write_bytes(r.render(fmt))
    return src


def _read(raw: Path, table: str, sql: str = "select * from t") -> list[tuple]:
    con = duckdb.connect()
    try:
        con.execute(f"create view t as select * from read_parquet('{raw}/{table}/*.parquet', union_by_name=true)")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _check_complete(raw: Path, corpus: Path) -> None:
    """Every file is in reports or errors, no report twice, and each report has exactly the cells
    and figures it says it has (n_cells / n_figures): nothing lost, nothing doubled.

    (Checked without a reference run: the parsers change under us while the suite runs.)"""
    files = {str(p) for p in corpus.rglob("*") if p.is_file()}
    reports = _read(raw, "reports", "select report_id, source_paths, n_cells, n_figures from t")
    errors = {r[0] for r in _read(raw, "errors", "select source_path from t")}
    assert {p for r in reports for p in r[1]} | errors == files
    ids = [r[0] for r in reports]
    assert len(ids) == len(set(ids))
    cells = dict(_read(raw, "cells", "select report_id, count(*) from t group by 1"))
    figures = dict(_read(raw, "figures", "select report_id, count(*) from t group by 1"))
    assert set(cells) <= set(ids) and set(figures) <= set(ids)  # no orphans of a half-done run
    for rid, _, n_cells, n_figures in reports:
        assert (cells.get(rid, 0), figures.get(rid, 0)) == (n_cells, n_figures), rid


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("faults_ref") / "raw"
    res = run_ogi(["ingest", str(corpus), "--raw", str(raw), "--workers", "1"])
    assert res.returncode == 0, res.stderr
    _check_complete(raw, corpus)
    return raw


# ---------------------------------------------------------------- kill -9 during ingest

# An incremental ingest (half the corpus already ingested; the other half streamed in chunks of
# 3 files) killed while it writes a Parquet part (the part half written, then SIGKILL):
# write-1 = the very first part; reports-2 = the second chunk's reports part, its commit (the first
# chunk is committed, the second one's cells and figures are written but not committed); or a
# real kill -9 from outside. (In-process kills at every step: tests/test_ingest_pipeline_stream.py.)
KILL_AT_WRITE = """
import pyarrow.parquet as _pq
_orig = _pq.write_table
def _write(table, where, *a, **k):
    if os.sep + '{table}' + os.sep not in os.sep + str(where):
        return _orig(table, where, *a, **k)
    _calls['n'] += 1
    _orig(table, where, *a, **k)
    if _calls['n'] == {n}:
        size = os.path.getsize(where)
        with open(where, 'r+b') as f:
            f.truncate(size // 2)
        os.kill(os.getpid(), signal.SIGKILL)
_pq.write_table = _write
"""

_KILLED: dict[str, tuple[Path, int]] = {}


def _killed_ingest(corpus: Path, tmp: Path, when: str) -> Path:
    """Ingest killed at `when` (<table>-N or a timer), cached per module; returns the raw folder."""
    if when in _KILLED:
        return _KILLED[when][0]
    raw = tmp / f"raw-{when}"
    half = tmp / "raw-half"  # the first half ingested once, copied for each kill
    if not half.exists():
        first = run_ogi(["ingest", str(corpus / "a"), "--raw", str(half), "--workers", "1"])
        assert first.returncode == 0, first.stderr
    shutil.copytree(half, raw)
    args = ["ingest", str(corpus), "--raw", str(raw), "--workers", "1", "--chunk-files", "3"]
    if not when.startswith("timer-"):
        table, n = when.rsplit("-", 1)
        res = run_ogi(args, KILL_AT_WRITE.replace("{n}", n).replace("{table}", "" if table == "write" else table))
        code = res.returncode
    else:  # a real kill -9 from outside, mid-run
        proc = start_ogi([*args[:-4], "--workers", "2"])
        time.sleep(float(when.removeprefix("timer-")))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        code = proc.returncode
    _KILLED[when] = (raw, code)
    return raw


WHENS = ["write-1", "reports-2", "timer-1.5"]


@pytest.mark.parametrize("when", WHENS)
def test_killed_ingest_leaves_no_partial_parquet_visible(corpus: Path, tmp_path_factory: pytest.TempPathFactory, when: str) -> None:
    raw = _killed_ingest(corpus, tmp_path_factory.getbasetemp(), when)
    if not when.startswith("timer-"):
        assert _KILLED[when][1] == -signal.SIGKILL
    for table in TABLES:  # a reader globbing the folder must not hit a partial file
        _read(raw, table, "select count(*) from t")


@pytest.mark.parametrize("when", WHENS)
def test_ingest_after_a_kill_completes_with_nothing_lost_or_doubled(
        corpus: Path, tmp_path_factory: pytest.TempPathFactory, when: str) -> None:
    raw = _killed_ingest(corpus, tmp_path_factory.getbasetemp(), when)
    res = run_ogi(["ingest", str(corpus), "--raw", str(raw), "--workers", "1"])
    assert res.returncode == 0, res.stderr[-2000:]
    _check_complete(raw, corpus)


# ---------------------------------------------------------------- ingest: corrupt raw, full disk, read-only


def _ingested_copy(reference: Path, tmp: Path) -> Path:
    raw = tmp / "raw"
    shutil.copytree(reference, raw)
    return raw


def test_ingest_over_a_corrupt_raw_file_recovers_or_names_it(corpus: Path, reference: Path, tmp_path: Path) -> None:
    raw = _ingested_copy(reference, tmp_path)
    part = next((raw / "cells").glob("*.parquet"))
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 3])
    res = run_ogi(["ingest", str(corpus), "--raw", str(raw), "--workers", "1"])
    if res.returncode != 0:  # refusing is fine if it says which file and leaves it for inspection
        assert part.name in res.stderr and "Traceback" not in res.stderr
    else:  # carrying on is fine only if nothing was lost
        _check_complete(raw, corpus)


DISK_FULL_ON_CELLS = """
import pyarrow.parquet as _pq
_orig = _pq.write_table
def _write(table, where, *a, **k):
    if os.sep + 'cells' + os.sep in str(where):
        with open(where, 'wb') as f:
            f.write(b'PAR1' + b'\\0' * 100)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(where))
    return _orig(table, where, *a, **k)
_pq.write_table = _write
"""


_TRACEBACK = ("the OSError is reported, file named, nothing damaged, but as a Python traceback: {cli} "
              "does not catch OSError and print `error: ...` with a non-zero exit like its other errors")


def test_ingest_on_a_full_disk_fails_clearly_and_damages_nothing(corpus: Path, reference: Path, tmp_path: Path) -> None:
    raw = _ingested_copy(reference, tmp_path)
    before = tree_digest(raw)
    extra = corpus.parent / "faults_extra"
    shutil.copytree(corpus, extra, dirs_exist_ok=True)
    (extra / "new.txt").write_bytes(generate(92, 1)[0].render("text"))
    res = run_ogi(["ingest", str(extra), "--raw", str(raw), "--workers", "1"], DISK_FULL_ON_CELLS)
    assert res.returncode != 0
    assert "No space left on device" in res.stderr and "cells" in res.stderr
    after = tree_digest(raw)
    assert {k: v for k, v in after.items() if not k.startswith("_state")} == \
           {k: v for k, v in before.items() if not k.startswith("_state")}  # no table changed, no temp left
    _check_complete(raw, corpus)  # the previous raw tables are intact
    assert "Traceback" not in res.stderr, res.stderr[-1500:]


READ_ONLY_RAW = """
import tempfile as _tf
def _mkstemp(*a, dir=None, **k):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
_tf.mkstemp = _mkstemp
import pathlib as _pl
_mkdir = _pl.Path.mkdir
def _no_mkdir(self, *a, **k):
    if 'raw' in str(self):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
    return _mkdir(self, *a, **k)
_pl.Path.mkdir = _no_mkdir
"""


def test_ingest_into_a_read_only_folder_fails_clearly(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    inject = ""
    if IS_ROOT:  # root writes through permission bits: refuse the writes where they happen instead
        inject = READ_ONLY_RAW
    else:
        raw.chmod(0o555)
    try:
        res = run_ogi(["ingest", str(corpus), "--raw", str(raw), "--workers", "1"], inject)
    finally:
        raw.chmod(0o755)
    assert res.returncode != 0
    assert str(raw) in res.stderr and "Permission denied" in res.stderr
    assert not any(p.is_file() for p in raw.rglob("*"))
    assert "Traceback" not in res.stderr, res.stderr[-1500:]


# ---------------------------------------------------------------- build: kill -9, readers, corrupt raw, full disk


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A project copy, two raw corpora (150 and 260 reports) and a good warehouse built from the first."""
    base = tmp_path_factory.mktemp("faults_wh")
    project = copy_project(base / "project")
    small, big = base / "raw_small", base / "raw_big"
    write_raw(small, 150, seed=5, prototypes=40)
    write_raw(big, 260, seed=6, prototypes=40)
    good = base / "good.duckdb"
    res = run_ogi(["build", "--project-dir", str(project), "--raw", str(small), "--warehouse", str(good)])
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return {"project": project, "small": small, "big": big, "good": good}


def _count(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select count(*) from dim_report").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


def _fresh(wh: dict[str, Path], tmp: Path) -> Path:
    w = tmp / "warehouse.duckdb"
    shutil.copy(wh["good"], w)
    return w


def _build_args(wh: dict[str, Path], warehouse: Path, raw: str = "big") -> list[str]:
    return ["build", "--project-dir", str(wh["project"]), "--raw", str(wh[raw]), "--warehouse", str(warehouse)]


def _at_fourth_model(action: str) -> str:
    """Patch code that runs `action` (Python, `self` the materializer) inside the build's fourth model,
    after touching $OGI_TEST_MARKER."""
    return f"""
import time
import ogi.materialize as _m
_model, _seen = _m.Materializer.model, []
def _fourth(self, node, incremental):
    _seen.append(node)
    if len(_seen) == 4:  # three models are already written into the working copy
        open(os.environ["OGI_TEST_MARKER"], "w").close()
        {action}
    return _model(self, node, incremental)
_m.Materializer.model = _fourth
"""


PAUSE_MID_BUILD = _at_fourth_model("time.sleep(60)")
# a query that would run for minutes
SLOW_FOURTH_MODEL = _at_fourth_model('self.con.execute("select count(*) from range(100000000000) t(i) where i % 7 = 3").fetchall()')


def _start_at_fourth_model(args: list[str], patch: str, marker: Path) -> subprocess.Popen[str]:
    """Start `ogi args` with `patch` and wait until the build is inside its fourth model."""
    proc = start_ogi(args, patch, env={"OGI_TEST_MARKER": str(marker)})
    deadline = time.time() + 60
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None and marker.exists(), "the build never reached its fourth model"
    return proc


def test_killed_build_leaves_the_previous_warehouse(wh: dict[str, Path], tmp_path: Path) -> None:
    w = _fresh(wh, tmp_path)
    before, n_before = digest(w), _count(w)
    # nothing reused (--full-refresh); the build pauses inside its fourth model, so the kill lands mid-build
    proc = _start_at_fourth_model([*_build_args(wh, w), "--full-refresh"], PAUSE_MID_BUILD, tmp_path / "mid-build")
    assert list(tmp_path.glob("warehouse.duckdb.tmp-*")), "no working copy while the build runs"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert digest(w) == before and _count(w) == n_before
    # (that the next build completes and sweeps the dead build's temp file is tests/test_runner_errors.py's)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_ctrl_c_stops_the_build_at_once_and_keeps_the_warehouse(wh: dict[str, Path], tmp_path: Path,
                                                                  threads: str) -> None:
    w = _fresh(wh, tmp_path)
    before = digest(w)
    proc = _start_at_fourth_model([*_build_args(wh, w), "--full-refresh", "--threads", threads], SLOW_FOURTH_MODEL,
                                  tmp_path / "in-slow-query")
    time.sleep(0.2)  # into the query
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)  # the query is stopped, not waited out
    assert proc.returncode == 130, out[-2000:]
    assert "interrupted" in out and "left unchanged" in out and "Traceback" not in out, out[-2000:]
    assert digest(w) == before
    assert not list(tmp_path.glob("warehouse.duckdb.tmp-*"))


KILL_AT_PUBLISH = """
import ogi.warehouse as _w
def _publish(self):
    os.kill(os.getpid(), signal.SIGKILL)
_w.Publication.publish = _publish
"""


def test_build_killed_at_the_moment_of_publishing(wh: dict[str, Path], tmp_path: Path) -> None:
    w = _fresh(wh, tmp_path)
    before = digest(w)
    res = run_ogi(_build_args(wh, w), KILL_AT_PUBLISH)
    assert res.returncode == -signal.SIGKILL
    assert digest(w) == before
    assert _count(w) == _count(wh["good"])


def test_reader_keeps_its_view_during_a_build(wh: dict[str, Path], tmp_path: Path) -> None:
    w = _fresh(wh, tmp_path)
    n_before = _count(w)
    reader = duckdb.connect(str(w), read_only=True)
    try:
        res = run_ogi(_build_args(wh, w))
        assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
        assert reader.execute("select count(*) from dim_report").fetchone() == (n_before,)
    finally:
        reader.close()
    assert _count(w) > n_before  # a new reader sees the new build


def test_build_over_a_corrupt_raw_file_names_it_and_keeps_the_warehouse(wh: dict[str, Path], tmp_path: Path) -> None:
    w = _fresh(wh, tmp_path)
    raw = tmp_path / "raw"
    shutil.copytree(wh["big"], raw)
    part = sorted((raw / "cells").glob("*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:200] + b"\x00garbage" * 50)
    before = digest(w)
    res = run_ogi(["build", "--project-dir", str(wh["project"]), "--raw", str(raw), "--warehouse", str(w)])
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert part.name in out and "Traceback" not in out, out[-2000:]
    assert digest(w) == before and not list(tmp_path.glob("warehouse.duckdb.tmp-*"))


DISK_FULL_ON_COPY = """
import shutil as _sh
def _copy(src, dst, *a, **k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
_sh.copyfile = _copy
"""

READ_ONLY_ON_COPY = DISK_FULL_ON_COPY.replace("ENOSPC", "EACCES")


@pytest.mark.parametrize(("inject", "message"), [(DISK_FULL_ON_COPY, "No space left on device"),
                                                 (READ_ONLY_ON_COPY, "Permission denied")],
                         ids=["full-disk", "read-only"])
def test_build_that_cannot_write_fails_clearly(wh: dict[str, Path], tmp_path: Path, inject: str, message: str) -> None:
    w = _fresh(wh, tmp_path)
    before = digest(w)
    res = run_ogi(_build_args(wh, w), inject)
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert message in out and "warehouse.duckdb" in out
    assert digest(w) == before and not list(tmp_path.glob("warehouse.duckdb.tmp-*"))
    assert "Traceback" not in out, out[-2000:]
