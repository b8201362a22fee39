"""Raw Parquet: <raw>/<table>/part-<chunk>.parquet with the schemas of ingest.schema.

An ingest streams its results in chunks: every chunk of N files writes one part per table, named
alike in every table (`part-<run>-<k>.parquet`; a raw folder of the earlier one-file layout holds
chunk `0`, `part-0.parquet`). Readers glob `read_parquet('<raw>/<table>/*.parquet', union_by_name=true)`.

Guarantees:
- Atomic parts: a part is written under a temporary name that no `*.parquet` glob matches and moved
  into place with os.replace, so a killed run never leaves a readable partial file.
- Commit order: a chunk writes cells, figures and errors first and its reports part last; a chunk
  whose reports part is missing was cut short and its other parts are deleted by the next run
  (`sweep_uncommitted`). A report listed in `reports` therefore has all its cells and figures.
- Rows of one report live in the parts of one chunk (the reports part says which), so superseding
  a report rewrites only the parts of its chunk (`filter_part`), one part in memory at a time.
- Every table always has at least one file, possibly with zero rows, so a glob never fails.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.schema import TABLES

TABLES_ORDER = ("reports", "cells", "figures", "errors")
LEGACY_CHUNK = "0"
_PART = re.compile(r"part-(.+)\.parquet")


class RawTableError(Exception):
    """A previous raw part that cannot be read: the run stops rather than lose its rows."""


def part_path(raw: Path, table: str, chunk: str) -> Path:
    return raw / table / f"part-{chunk}.parquet"


def parts(raw: Path, table: str) -> dict[str, Path]:
    """chunk -> path of every part of a table, sorted by chunk name."""
    folder = raw / table
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return {}
    found = {m.group(1): folder / name for name in names if (m := _PART.fullmatch(name))}
    return dict(sorted(found.items()))


def _unreadable(path: Path, raw: Path, e: Exception) -> RawTableError:
    return RawTableError(
        f"{path} cannot be read ({e}); move it away (or delete {raw}) and re-run `ogi ingest` "
        "on every report folder to rebuild it"
    )


def _conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """`data` cast to `schema`; as it is when it already has it (Table.cast imports pyarrow.compute)."""
    return data if data.schema.equals(schema, check_metadata=True) else data.cast(schema)


def read_part(raw: Path, table: str, chunk: str, columns: list[str] | None = None) -> pa.Table:
    path = part_path(raw, table, chunk)
    try:
        data = pq.ParquetFile(path).read(columns=columns)  # one file: pq.read_table would import pyarrow.dataset
    except (pa.ArrowInvalid, OSError) as e:
        raise _unreadable(path, raw, e) from e
    schema = TABLES[table]
    wanted = pa.schema([schema.field(c) for c in (columns or schema.names)])
    return _conform(data.select(wanted.names), wanted)


def read_table(raw: Path, table: str, columns: list[str] | None = None, with_chunk: bool = False) -> pa.Table:
    """Every committed part of a table as one table (optionally with a `_chunk` column)."""
    committed = set(parts(raw, "reports"))
    pieces = []
    for chunk in parts(raw, table):
        if chunk not in committed:
            continue
        t = read_part(raw, table, chunk, columns)
        if with_chunk:
            t = t.append_column("_chunk", pa.array([chunk] * t.num_rows, pa.string()))
        pieces.append(t)
    if not pieces:
        schema = TABLES[table]
        t = pa.schema([schema.field(c) for c in (columns or schema.names)]).empty_table()
        return t.append_column("_chunk", pa.array([], pa.string())) if with_chunk else t
    return pa.concat_tables(pieces)


def check_parts(raw: Path, tables: Iterable[str]) -> None:
    """Raise RawTableError when a part's footer cannot be read (cheap: no rows read)."""
    for table in tables:
        for path in parts(raw, table).values():
            try:
                pq.read_metadata(path)
            except (pa.ArrowInvalid, OSError) as e:
                raise _unreadable(path, raw, e) from e


def write_part(raw: Path, table: str, chunk: str, data: pa.Table) -> Path:
    """Write one part atomically; the data is cast to the table's schema (column order and types)."""
    schema = TABLES[table]
    folder = raw / table
    folder.mkdir(parents=True, exist_ok=True)
    data = _conform(data.select(schema.names), schema)
    # The suffix must not match a reader's `*.parquet` glob: a write killed half-way leaves a file.
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet.tmp", dir=folder)
    os.close(fd)
    try:
        # no column statistics: a quarter of the write's CPU, and the models read whole tables
        pq.write_table(data, tmp, compression="zstd", write_statistics=False)
        final = part_path(raw, table, chunk)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def write_chunk(raw: Path, chunk: str, tables: dict[str, pa.Table]) -> None:
    """The parts of one chunk, reports last (the commit). Empty cells/figures/errors parts are skipped."""
    for name in ("cells", "figures", "errors"):
        if tables[name].num_rows:
            write_part(raw, name, chunk, tables[name])
    write_part(raw, "reports", chunk, tables["reports"])


def filter_part(raw: Path, table: str, chunk: str, keep: Callable[[pa.Table], pa.Array]) -> int:
    """Rewrite one part with the rows `keep` selects; returns the rows left (the part is rewritten
    only when some row goes)."""
    import pyarrow.compute as pc  # ~50 ms to import: only a run that removes rows needs it

    data = read_part(raw, table, chunk)
    mask = keep(data)
    left = pc.sum(mask.cast(pa.int64())).as_py() or 0
    if left != data.num_rows:
        write_part(raw, table, chunk, data.filter(mask))
    return left


def without_reports(report_ids: set[str]) -> Callable[[pa.Table], pa.Array]:
    import pyarrow.compute as pc

    ids = pa.array(sorted(report_ids), pa.string())
    return lambda t: pc.invert(pc.fill_null(pc.is_in(t["report_id"], ids), False))


def prune_empty_chunks(raw: Path, skip_prefix: str | None = None) -> None:
    """Delete the parts of chunks left without rows (their reports superseded), reports last, but
    never a table's last part: a glob must always match while the run goes on or is killed.
    Chunks named `skip_prefix`... are not read (a run's own chunks: each holds a row per file)."""
    for chunk in parts(raw, "reports"):
        if skip_prefix is not None and chunk.startswith(skip_prefix):
            continue
        paths = [part_path(raw, t, chunk) for t in TABLES_ORDER]
        if any(p.exists() and pq.read_metadata(p).num_rows for p in paths):
            continue
        for table, path in zip(TABLES_ORDER[1:] + ("reports",), paths[1:] + paths[:1], strict=True):
            if path.exists() and len(parts(raw, table)) > 1:
                if table == "reports" and any(p.exists() for p in paths[1:]):
                    break  # its other parts stay: the chunk stays committed
                path.unlink()


def sweep_uncommitted(raw: Path) -> int:
    """Delete what a killed run left: parts of chunks without a reports part, temporary files."""
    committed = set(parts(raw, "reports"))
    removed = 0
    for table in TABLES_ORDER:
        folder = raw / table
        if not folder.is_dir():
            continue
        for name in os.listdir(folder):
            m = _PART.fullmatch(name)
            if name.startswith(".tmp-") or (m and m.group(1) not in committed):
                (folder / name).unlink(missing_ok=True)
                removed += 1
    return removed


def ensure_every_table(raw: Path) -> None:
    """A zero-row part for a table that has none, so `<raw>/<table>/*.parquet` always matches."""
    if not parts(raw, "reports"):
        write_part(raw, "reports", LEGACY_CHUNK, TABLES["reports"].empty_table())
    chunk = next(iter(parts(raw, "reports")))
    for table in ("cells", "figures", "errors"):
        if not parts(raw, table):
            write_part(raw, table, chunk, TABLES[table].empty_table())
