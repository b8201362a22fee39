"""Atomic publishing of the DuckDB warehouse file.

A build works on `<file>.tmp-<pid>`, a copy of the current warehouse (so incremental models keep
their state), and `os.replace`s it over the warehouse only when everything succeeded. Readers
with the old file open keep their consistent (old) view; a failed or killed build leaves the last
good warehouse untouched. A warehouse held open for writing by another process is reported with
that process's name and pid.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ogi.errors import WarehouseLockedError

_LOCK = re.compile(r"Conflicting lock is held in (?P<prog>.+?) \(PID (?P<pid>\d+)\)")


def temp_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.tmp-{os.getpid()}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(warehouse: Path) -> list[Path]:
    """Delete temp files left by builds that were killed (their pid no longer runs)."""
    removed = []
    for path in warehouse.parent.glob(f"{warehouse.name}.tmp-*"):
        match = re.search(r"\.tmp-(\d+)(\.wal)?$", path.name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def lock_holder(text: str) -> tuple[str, str] | None:
    """(program, pid) of the process DuckDB's lock error names, or None."""
    match = _LOCK.search(text)
    return (match.group("prog"), match.group("pid")) if match else None


def lock_message(warehouse: Path, exc: BaseException) -> str:
    found = lock_holder(str(exc))
    holder = f"{found[0]} (pid {found[1]})" if found else "another process"
    return (
        f"{warehouse} is open for writing in {holder}; close that connection (or stop that process), "
        f"or build with --warehouse OTHER.duckdb"
    )


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def connect(warehouse: Path, read_only: bool = False, working_copy: bool = False) -> Any:
    """A DuckDB connection to `warehouse`; a lock held by another process becomes a
    WarehouseLockedError that names the process and says what to do.

    `working_copy`: the file is a build's working copy (Publication.path), which nobody reads until it
    is published: commits are not synced to disk one by one (Publication.publish syncs the finished
    file once, before it replaces the warehouse), and a commit writes its data straight into the file
    (the checkpoint it triggers skips the write-ahead log) instead of WAL first and a checkpoint later.
    Both are set as the database is opened, so creating a new working copy does not sync its header."""
    from ogi.engine import duckdb_module

    duckdb = duckdb_module()
    config = {"fsync_mode": "none", "checkpoint_threshold": "0b"} if working_copy else {}
    try:
        con = duckdb.connect(str(warehouse), read_only=read_only, config=config)
    except duckdb.Error as exc:
        if is_lock_error(exc):
            raise WarehouseLockedError(lock_message(warehouse, exc)) from exc
        raise
    con.execute("set enable_progress_bar = false")
    return con


FOLD_WAL_BYTES = 1 << 20  # a write-ahead log at least this big is worth a checkpoint while nodes still run


def fold_wal_early(con: Any, path: Path, min_bytes: int = FOLD_WAL_BYTES) -> bool:
    """Checkpoint the working copy at `path` on `con` when its write-ahead log holds `min_bytes` or more
    and DuckDB can do it now; True when it did.

    While two nodes run at once, a commit cannot checkpoint (DuckDB does not while another write
    transaction is open), so what the build writes piles up in the log and the build's last checkpoint
    compresses all of it while every other thread has finished. Called on a node's thread between two
    nodes, this folds the log while the other thread still runs its node; an explicit CHECKPOINT only
    waits for no open write transaction (readers, e.g. a test, do not stop it), and when one is open
    it fails at once and nothing changed: the next call (or the build's last checkpoint) does it.
    Any other DuckDB error is left to that last checkpoint, which raises it; Ctrl-C is raised."""
    from ogi.engine import duckdb_module

    duckdb = duckdb_module()
    try:
        if path.with_name(path.name + ".wal").stat().st_size < min_bytes:
            return False
    except OSError:  # no log yet
        return False
    try:
        con.execute("checkpoint")
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except duckdb.Error:
        return False
    return True


class EngineThreads:
    """DuckDB's thread count shared with the nodes a build runs at once on cursors of one database.

    Each node's statements run on its own thread, and DuckDB counts that calling thread as one of its
    `threads` (its setting; the machine's cores by default): with n nodes under way, n - 1 of those
    callers come on top of DuckDB's worker threads. `share(n)` sets DuckDB's threads to its configured
    count minus those n - 1 (at least 1), so the threads at work stay at the configured count: on two
    cores, two nodes each run on their own thread instead of two threads plus a worker that every
    statement wakes (~0.1 s of CPU in a 1,000-report build), and a node running alone still gets
    every thread. DuckDB decides a pipeline's parallelism when it starts it: a long query started
    while the count was lowered stays on fewer threads after the other node ends (a 100k build's
    biggest model took 16 s instead of 9), so the caller shares only among nodes known to be short
    (ogi.runner: the last run's times) and passes n = 1 otherwise. The setting changes only when that number
    changes, on a thread of its own (stopping a worker waits for the task it is running, which the
    caller, the build's scheduler, should not); results do not depend on it."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.configured = self.current = int(con.execute("select current_setting('threads')").fetchone()[0])
        self._wanted = self.current
        self._lock = threading.Lock()
        self._applier: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None

    def share(self, running: int) -> None:
        """Called (on one thread) with the number of nodes under way; applied in the background."""
        wanted = max(1, self.configured - (running - 1))
        with self._lock:
            if wanted == self._wanted:
                return
            self._wanted = wanted
        if self._applier is None:
            self._applier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ogi-threads")
        self._pending = self._applier.submit(self._apply)

    def wait(self) -> None:
        """Until the last count asked for is applied (or failed to be)."""
        if self._pending is not None:
            self._pending.result()

    def restore(self) -> None:
        """The configured count again (the build's last checkpoint runs alone); after an error or
        Ctrl-C that stopped the nodes, a failure to do so is left to the connection's close."""
        if self._applier is not None:
            self._applier.shutdown(wait=True)
            self._applier = self._pending = None
        with self._lock:
            self._wanted = self.configured
        self._apply()

    def _apply(self) -> None:
        from ogi.engine import duckdb_module

        with self._lock:
            wanted = self._wanted
        if wanted == self.current:
            return
        try:
            self.con.execute(f"set threads = {wanted}")
        except duckdb_module().Error:  # interrupted: the count stays as it is
            return
        self.current = wanted


def check_not_locked(warehouse: Path) -> None:
    """Fail with a helpful message when another process holds the warehouse for writing.

    Read-only readers do not block a build (the new file is swapped in under them)."""
    if not warehouse.exists() or _no_writer(warehouse):
        return
    connect(warehouse, read_only=True).close()  # raises the error that names the process


def _no_writer(warehouse: Path) -> bool:
    """True when no process holds DuckDB's write lock on the file (a shared lock can be taken), found
    without opening the database; False when one might (the caller then asks DuckDB, which names it)."""
    import fcntl

    try:
        fd = os.open(warehouse, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _checkpoint_wal(warehouse: Path) -> None:
    """Fold a leftover write-ahead log into the file so a byte copy is complete."""
    wal = warehouse.with_name(warehouse.name + ".wal")
    if not wal.exists():
        return
    con = connect(warehouse)
    con.execute("checkpoint")
    con.close()


class Publication:
    """The working copy of one build: `path` to write into, then `publish()` or `discard()`."""

    def __init__(self, warehouse: Path, copy_current: bool = True) -> None:
        self.warehouse = warehouse
        self.path = temp_path(warehouse)
        self.copied = False  # False: the working copy starts empty (no relations, no recorded states)
        self._syncing: threading.Thread | None = None
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(warehouse)
        check_not_locked(warehouse)
        self.discard()
        if warehouse.exists():
            _checkpoint_wal(warehouse)
            if copy_current:
                try:
                    shutil.copyfile(warehouse, self.path)
                except BaseException:
                    self.discard()
                    raise
                self.copied = True

    def sync_early(self) -> None:
        """Start syncing the finished working copy to disk on a thread of its own, e.g. while its
        connection closes after the build's last checkpoint; publish() waits for it."""
        def sync() -> None:
            try:
                self._fsync()
            except OSError:  # publish() syncs again and raises it
                pass

        self._syncing = threading.Thread(target=sync, name="ogi-sync", daemon=True)
        self._syncing.start()

    def publish(self) -> None:
        """Replace the warehouse with the finished working copy, synced to disk first (its commits
        were not: connect(working_copy=True)). After sync_early() this sync finds (next to) nothing
        left to write: only what was written after that one started, e.g. by closing the connection."""
        if self._syncing is not None:
            self._syncing.join()
            self._syncing = None
        self._fsync()
        os.replace(self.path, self.warehouse)

    def _fsync(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_name(self.path.name + ".wal").unlink(missing_ok=True)

    def __enter__(self) -> Publication:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.path.exists():
            self.discard()

