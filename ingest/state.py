"""The incremental state of a raw folder: <raw>/_state/files.marshal (standard library only).

It holds, for every file an ingest has seen, (size, mtime_ns, sha256); the content hashes already
done by this parser version (a reports or errors row); and the signature of the raw parts when it
was written. An unchanged re-ingest decides from os.stat and this file alone — no pyarrow, no
parsers, no process pool. When the parts changed since (another run, a kill, a hand edit) the
signature differs and the caller reads the tables instead.
"""

from __future__ import annotations

import marshal
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "_state"
FILE = "files.marshal"
JOURNAL = "supersede.marshal"
_FORMAT = 2
_PART = re.compile(r"part-.+\.parquet")
_TABLES = ("reports", "cells", "figures", "errors")

Signature = list[tuple[str, str, int, int]]


@dataclass
class State:
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # path -> size, mtime_ns, sha256
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(obj, fh)  # type: ignore[arg-type]  # callers pass marshallable dicts/lists
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
