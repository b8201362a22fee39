"""The incremental state of a raw folder: <raw>/_state/files.marshal (standard library only).

It holds, for every file an ingest has seen, (size, mtime_ns, sha256, inode, ctime_ns); the content hashes already
done by this parser version (a reports or errors row); and the signature of the raw parts when it
was written. An unchanged re-ingest decides from os.stat and this file alone — no pyarrow, no
parsers, no process pool. When the parts changed since (another run, a kill, a hand edit) the
signature differs and the caller reads the tables instead.

A file counts as unchanged only when size, mtime, inode and ctime all match (as git's index does):
content rewritten with the same size and a restored mtime (`cp -p`, `rsync -t`) gets a new ctime
or inode. A file whose ctime was within RACY_NS (2 s, a clock tick of the coarsest file systems) of
the moment it was stat'ed is stored as "racy" (ctime 0) and hashed again next time, since a rewrite
within that tick would leave every stat field as it was.

`<raw>/_state/ingest.lock` (fcntl.flock) keeps two ingests out of one raw folder: the second fails
at once with an IngestLocked naming the pid of the first. A process that may not write the lock
file locks it through a read-only descriptor (flock does not need write access), so it still sees
and is seen by every other run.
"""

from __future__ import annotations

import errno
import marshal
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestLocked

FOLDER = "_state"
FILE = "files.marshal"
JOURNAL = "supersede.marshal"
LOCK = "ingest.lock"
_FORMAT = 3  # 2 had (size, mtime_ns, sha256) per file
RACY_NS = 2_000_000_000  # a ctime this close to the moment a file was hashed may hide a later rewrite
# (2 s: file systems with 1-second timestamps; a file that recent is simply hashed again next time)
_PART = re.compile(r"part-.+\.parquet")
_TABLES = ("reports", "cells", "figures", "errors")

Signature = list[tuple[str, str, int, int]]
FileStat = tuple[int, int, str, int, int]  # size, mtime_ns, sha256, inode, ctime_ns (0: hash again)


def file_stat(st: os.stat_result, sha: str, stat_at_ns: int) -> FileStat:
    """What the state keeps of a file whose stat `st` was taken just after `stat_at_ns` (time.time_ns)."""
    ctime = st.st_ctime_ns
    return (st.st_size, st.st_mtime_ns, sha, st.st_ino, 0 if stat_at_ns - ctime < RACY_NS else ctime)


def same_file(k: FileStat, st: os.stat_result) -> bool:
    """The file is as it was when `k` was recorded (a racy entry never is)."""
    return k[0] == st.st_size and k[1] == st.st_mtime_ns and k[3] == st.st_ino and k[4] == st.st_ctime_ns


@dataclass
class State:
    files: dict[str, FileStat] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # sha256 with a reports or errors row
    parser_version: str = ""
    signature: Signature = field(default_factory=list)


def signature(raw: Path) -> Signature:
    """(table, file, size, mtime_ns) of every part: tells whether the tables changed since."""
    out = []
    for table in _TABLES:
        try:
            entries = list(os.scandir(os.path.join(raw, table)))
        except FileNotFoundError:
            continue
        for e in entries:
            if _PART.fullmatch(e.name):
                st = e.stat()
                out.append((table, e.name, st.st_size, st.st_mtime_ns))
    out.sort()
    return out


def _load(path: str) -> object:
    try:
        with open(path, "rb") as fh:
            return marshal.loads(fh.read())  # marshal.load(fh) reads item by item: 10x slower
    except (OSError, EOFError, ValueError, TypeError):
        return None


def load(raw: Path) -> State:
    """The state written by the last complete run; an empty one when missing or unreadable."""
    data = _load(os.path.join(raw, FOLDER, FILE))
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return State()
    try:
        return State(data["files"], data["done"], data["parser_version"], [tuple(s) for s in data["signature"]])
    except (KeyError, TypeError):
        return State()


def _dump(path: Path, obj: object) -> None:
    write_atomic(path, marshal.dumps(obj))  # type: ignore[arg-type]  # callers pass marshallable dicts/lists


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(raw: Path, state: State) -> None:
    _dump(raw / FOLDER / FILE, {"format": _FORMAT, "files": state.files, "done": state.done,
                                "parser_version": state.parser_version, "signature": state.signature})
    (raw / FOLDER / "files.parquet").unlink(missing_ok=True)  # the earlier layout's state


# A run that supersedes reports (re-done or dropped) lists their ids here before it removes their
# rows and deletes the list once they are gone: a run killed in between leaves the list, and the
# next run finishes the removal before it reads anything.



NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)  # the raw folder does not let this process write


def save_if_writable(raw_dir: Path, st: State) -> str:
    """Write the state; the reason when the raw folder does not let this process ("" when saved).
    A run that cannot save it has still answered: the next run hashes the same files again."""
    try:
        save(raw_dir, st)
    except OSError as e:
        if e.errno not in NOT_WRITABLE:
            raise
        return f"{raw_dir / FOLDER} is not writable: {e.strerror}"
    return ""

def write_journal(raw: Path, report_ids: set[str]) -> None:
    _dump(raw / FOLDER / JOURNAL, sorted(report_ids))


def read_journal(raw: Path) -> set[str] | None:
    path = raw / FOLDER / JOURNAL
    if not path.exists():
        return None
    data = _load(str(path))
    return set(data) if isinstance(data, list) else set()


def clear_journal(raw: Path) -> None:
    (raw / FOLDER / JOURNAL).unlink(missing_ok=True)


@contextmanager
def locked(raw: Path) -> Iterator[None]:
    """Hold the raw folder's ingest lock (created with its _state folder); IngestLocked at once
    when another process holds it. The lock goes with the process, so a killed run leaves none."""
    import fcntl

    folder = raw / FOLDER
    fd, writable = _open_lock(folder)
    if fd is None:
        yield  # no lock file and none can be made here: this process cannot change the folder either
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise IngestLocked(f"another ogi ingest ({who}) is writing to {raw}; wait for it to finish, "
                               "then run again") from None  # fmt: skip
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock (forked pool workers have exited by then)


def _open_lock(folder: Path) -> tuple[int | None, bool]:
    """A descriptor of the lock file (made with its folder when possible) and whether it is writable;
    read-only when this process may not write it, None when it does not exist and cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644), True
    except OSError as e:
        if e.errno not in NOT_WRITABLE:
            raise
    try:
        return os.open(folder / LOCK, os.O_RDONLY | os.O_CLOEXEC), False
    except FileNotFoundError:
        return None, False
