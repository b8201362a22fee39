"""Raw Parquet: rows -> <raw>/<table>/part-0.parquet with the schemas of ingest.schema.

Incremental state: each run rewrites every table whole, from the previous run's rows that are
still valid plus the new rows (a report re-done drops its old rows first), so a re-run never
duplicates rows and readers always see one consistent file per table. Writes are atomic: the new
file is written under a temporary name in the same folder and moved into place with os.replace,
so a killed ingest leaves the previous file, never a half-written one. Every table always has a
file, possibly with zero rows, so `read_parquet('<raw>/cells/*.parquet')` never fails on a glob.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.schema import TABLES

PART = "part-0.parquet"
TABLES_ORDER = ("reports", "cells", "figures", "errors")


def table_path(raw: Path, table: str) -> Path:
    return raw / table / PART


class RawTableError(Exception):
    """A previous raw table that cannot be read: the run stops rather than lose its rows."""


def read_table(raw: Path, table: str) -> pa.Table:
    """The table as written by the last run; an empty table when there is none.

    An unreadable file raises RawTableError: carrying on would silently drop every row in it."""
    path = table_path(raw, table)
    schema = TABLES[table]
    if not path.exists():
        return schema.empty_table()
    try:
        return pq.read_table(path, schema=schema)
    except (pa.ArrowInvalid, OSError) as e:
        raise RawTableError(
            f"{path} cannot be read ({e}); move it away (or delete {raw}) and re-run `ogi ingest` "
            "on every report folder to rebuild it"
        ) from e


def check_table(raw: Path, table: str) -> None:
    """Raise RawTableError when the previous file's footer cannot be read (cheap: no rows read)."""
    path = table_path(raw, table)
    if not path.exists():
        return
    try:
        pq.read_metadata(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise RawTableError(
            f"{path} cannot be read ({e}); move it away (or delete {raw}) and re-run `ogi ingest` "
            "on every report folder to rebuild it"
        ) from e


def write_table(raw: Path, table: str, data: pa.Table) -> Path:
    """Write atomically; the data is cast to the table's schema (column order and types)."""
    schema = TABLES[table]
    folder = raw / table
    folder.mkdir(parents=True, exist_ok=True)
    data = data.select(schema.names).cast(schema)
    # The suffix must not match a reader's `*.parquet` glob: a write killed half-way leaves a file.
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet.tmp", dir=folder)
    os.close(fd)
    try:
        pq.write_table(data, tmp, compression="zstd")
        final = folder / PART
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def rows_to_table(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = TABLES[table]
    if not rows:
        return schema.empty_table()
    return pa.Table.from_pylist(rows, schema=schema)
