"""A cache file for tables built from seed files: marshal, keyed by the content of its sources.

    key = cache_key([seeds/areas.csv, …], Path(places.__file__))
    tables = load(key)            # None when missing, stale or corrupt: never trusted blindly
    if tables is None:
        tables = build(); store(key, tables)

The key is the sha256 of every source's bytes (the seed CSVs and the module that builds from
them), so a changed seed or builder gives another key and the tables are rebuilt. Hashing ~9 MB
of seeds is a third of a cached load, so the last key is remembered with the sources' stat and
recomputed only when one is not the same file any more, by the rule the ingest state uses for
report files (ingest.state.file_stat / same_file: size, mtime, inode, ctime, and a stat too recent
to trust never matches). The file holds
the key, a sha256 of the payload and the payload (marshal: plain dicts, tuples and strings);
anything that does not check out is treated as absent. Writes go to a temporary file renamed into
place, so concurrent processes never read half a file. The folder is $OGI_CACHE_DIR, else
$XDG_CACHE_HOME/ogi, else ~/.cache/ogi; when there is none (no home folder) or it cannot be
written the tables are simply not cached.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.state import file_stat, same_file, write_atomic

NAME = "gazetteer.marshal"
_MAGIC = b"ogi-gazetteer-1\n"


def cache_dir() -> Path | None:
    """The cache folder; None when there is none to use (no $HOME: expanduser leaves "~" as is)."""
    given = os.environ.get("OGI_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):  # the XDG spec ignores a relative path
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "ogi"


def cache_key(sources: Iterable[Path], name: str = NAME) -> bytes:
    """content_key(sources), reused from the last call while every source is the same file."""
    paths = list(sources)
    now = time.time_ns()  # before the stats, as ingest.state.file_stat expects
    stats = [_stat(p) for p in paths]
    folder = cache_dir()
    if folder is None:
        return content_key(paths)
    memo = folder / f"{name}.key"
    try:
        known = marshal.loads(memo.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        known = None
    if _unchanged(known, paths, stats):
        return known[1]  # type: ignore[index]
    key = content_key(paths)
    seen = tuple((str(p), None if st is None else file_stat(st, "", now)) for p, st in zip(paths, stats, strict=True))
    _write(memo, marshal.dumps((seen, key)))
    return key


def _unchanged(known: object, paths: list[Path], stats: list[Any]) -> bool:
    """The memo `known` = ((path, FileStat | None) per source, key) still describes every source."""
    if not (isinstance(known, tuple) and len(known) == 2 and isinstance(known[1], bytes)
            and isinstance(known[0], tuple) and len(known[0]) == len(paths)):
        return False
    for entry, path, st in zip(known[0], paths, stats, strict=True):
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == str(path)):
            return False  # another memo format, or other sources
        was = entry[1]
        if (was is None) != (st is None) or (st is not None and not (isinstance(was, tuple) and len(was) == 5
                                                                     and same_file(was, st))):
            return False
    return True


def _stat(path: Path) -> Any:
    """os.stat_result, or None for a missing source."""
    try:
        return path.stat()
    except OSError:
        return None


def content_key(sources: Iterable[Path]) -> bytes:
    """sha256 over every source's name and bytes (a missing source counts as missing)."""
    h = hashlib.sha256(_MAGIC)
    for path in sources:
        h.update(path.name.encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0missing\0")
        h.update(b"\0")
    return h.digest()


def load(key: bytes, name: str = NAME) -> Any | None:
    """The tables stored under `key`, or None when the file is missing, stale or corrupt."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / name).read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 64  # magic, key, payload sha256
    if len(data) < head or not data.startswith(_MAGIC) or data[len(_MAGIC) : len(_MAGIC) + 32] != key:
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[head - 32 : head]:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


def store(key: bytes, tables: Any, name: str = NAME) -> None:
    """Write the tables under `key` (atomically); silently skipped when the folder is not writable."""
    folder = cache_dir()
    if folder is None:
        return
    payload = marshal.dumps(tables)
    _write(folder / name, _MAGIC + key + hashlib.sha256(payload).digest() + payload)


def _write(path: Path, data: bytes) -> None:
    """Write a file atomically; skipped when it cannot be (a cache is optional)."""
    try:
        write_atomic(path, data)
    except OSError:
        return
