"""The batch: files and folders -> Documents -> Extractions -> raw Parquet tables.

    summary = ingest_paths([Path("data/reports")], Path("data/raw"))

- Discovery is recursive; hidden files and the manifest itself are skipped.
- Identity: report_id = first 16 hex chars of the content sha256; one document found at several
  paths is one report listing every path (source_paths).
- Incremental: a state file (<raw>/_state/files.parquet: path, size, mtime_ns, sha256) lets an
  unchanged file be recognised from os.stat alone; content already ingested with the same parser
  version is not parsed again. `full=True` redoes everything.
- Parallel: parsing runs in a process pool across cores (in-process for small batches).
- Every input ends in `reports` or `errors`; an exception in one file becomes an error row.
- Output: ingest.raw rewrites each table whole and atomically (previous rows still valid + new).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest import PARSER_VERSION, raw
from ingest.errors import IngestError

STATE = Path("_state") / "files.parquet"
_STATE_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()), ("sha256", pa.string())])
_IN_PROCESS_BELOW = 16
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


@dataclass
class FileResult:
    """What parsing one document gives: one reports row (or one error row) and its cells/figures."""

    sha256: str
    report: dict[str, Any] | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    fmt: str | None = None


@dataclass
class Summary:
    ingested: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    files: int = 0
    by_format: Counter = field(default_factory=Counter)
    errors_by_kind: Counter = field(default_factory=Counter)

    def line(self) -> str:
        fmts = ", ".join(f"{k} {v}" for k, v in sorted(self.by_format.items())) or "none"
        errs = ", ".join(f"{k} {v}" for k, v in sorted(self.errors_by_kind.items()))
        return (
            f"{self.files} files: {self.ingested} ingested, {self.unchanged} unchanged, "
            f"{self.quarantined} quarantined{f' ({errs})' if errs else ''}, "
            f"{self.duplicates} duplicate paths; by format: {fmts}"
        )


# --------------------------------------------------------------------------- discovery, manifest


def discover(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[str]:
    """Every file under the given paths (recursive), as sorted path strings; hidden files and
    `exclude` skipped. Plain strings: pathlib costs more than the stat of an unchanged re-ingest."""
    skip = {os.path.realpath(p) for p in exclude if p.exists()}
    skip_dirs = {p for p in skip if os.path.isdir(p)}
    skip_names = {os.path.basename(p) for p in skip if not os.path.isdir(p)}
    out: set[str] = set()
    for p in paths:
        if p.is_file():
            out.add(str(p))
        elif p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) not in skip_dirs]
                out.update(os.path.join(root, f) for f in files if not f.startswith("."))
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    # Resolving every path costs a syscall each; only files named like an excluded file are checked.
    return sorted(f for f in out if os.path.basename(f) not in skip_names or os.path.realpath(f) not in skip)


def load_manifest(path: Path | None) -> dict[str, dict[str, str]]:
    """Manifest rows keyed by resolved path and by file name (CSV with a header, or JSON lines)."""
    if path is None:
        return {}
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson") or text.lstrip().startswith("{"):
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        rows = list(csv.DictReader(text.splitlines()))
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        p = str(row.get("path") or "").strip()
        if not p:
            continue
        clean = {k: str(v) for k, v in row.items() if v not in (None, "") and k != "path"}
        resolved = (path.parent / p).resolve() if not Path(p).is_absolute() else Path(p).resolve()
        out[str(resolved)] = clean
        out.setdefault(Path(p).name, clean)
    return out


def _manifest_row(manifest: Mapping[str, dict[str, str]], path: Path) -> dict[str, str] | None:
    return manifest.get(str(path.resolve())) or manifest.get(path.name)


# --------------------------------------------------------------------------- one file


def process_file(path: str, manifest_row: Mapping[str, str] | None = None) -> FileResult:
    """Read, parse and extract one file; never raises (failures become an error row)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        return _error(path, None, 0, "unreadable", f"{type(e).__name__}: {e}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        from ingest.read import document_from_bytes

        doc = document_from_bytes(data, p, manifest_row)
    except IngestError as e:
        return _error(path, sha, len(data), e.kind, e.reason)
    except Exception as e:  # a reader bug must not stop the batch
        return _error(path, sha, len(data), "parse_error", f"{type(e).__name__}: {e}"[:500])
    try:
        from ingest.extract import extract

        ex = extract(doc)
    except Exception as e:
        return _error(path, sha, len(data), "parse_error", f"extraction failed: {type(e).__name__}: {e}"[:500])
    return _rows(doc, ex)


def _error(path: str, sha: str | None, size: int, kind: str, reason: str) -> FileResult:
    row = {"source_path": path, "source_sha256": sha, "size_bytes": size, "error_kind": kind,
           "reason": reason, "parser_version": PARSER_VERSION}  # fmt: skip
    return FileResult(sha256=sha or "", error=row)


def _rows(doc, ex) -> FileResult:  # noqa: ANN001 - Document, Extraction
    rid = doc.sha256[:16]
    meta = ex.meta
    warnings = list(dict.fromkeys(ex.warnings))
    published = _date(meta.published_date) or _date(doc.page_meta.get("published"))
    status = ex.status
    if not doc.lines and any(w.startswith("image_only") for w in doc.warnings):
        status = "image_only"
    report = {
        "report_id": rid,
        "source_path": doc.source_path,
        "source_paths": [doc.source_path],
        "source_sha256": doc.sha256,
        "source_format": doc.source_format,
        "encoding": doc.encoding,
        "size_bytes": doc.size_bytes,
        "title": meta.title or doc.page_meta.get("title"),
        "organ_name": meta.organ_name,
        "organ_source": meta.organ_source,
        "organ_kind": meta.organ_kind,
        "level": meta.level,
        "scope": meta.scope,
        "area_mentions": [{"name": a.name, "level": a.level, "line": a.line} for a in meta.area_mentions],
        "report_year": meta.report_year,
        "report_year_source": meta.report_year_source,
        "published_date": published,
        "url": doc.page_meta.get("url"),
        "template": ex.template,
        "parser_version": PARSER_VERSION,
        "status": status,
        "warnings": warnings,
        "n_cells": len(ex.cells),
        "n_figures": len(ex.figures),
    }
    cells = [
        {"report_id": rid, "table_name": c.table, "table_index": c.table_index, "row_index": c.row,
         "col_index": c.col, "raw_row_label": c.row_label, "raw_col_label": c.col_label, "section": c.section,
         "item": c.item, "measure": c.measure, "raw_text": c.raw_text, "value": c.value, "status": c.status,
         "unit": c.unit, "line": c.line, "warning": c.warning}
        for c in ex.cells
    ]  # fmt: skip
    figures = [
        {"report_id": rid, "section": g.section, "item": g.item, "measure": g.measure, "value": g.value,
         "status": g.status, "approx": g.approx, "stated_zero": g.status == "stated_zero", "unit": g.unit,
         "sentence": g.sentence, "line": g.line}
        for g in ex.figures
    ]  # fmt: skip
    return FileResult(doc.sha256, report, cells, figures, fmt=doc.source_format)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = _DATE.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _process_item(item: tuple[str, dict[str, str] | None]) -> FileResult:
    return process_file(*item)


# --------------------------------------------------------------------------- the batch


def ingest_paths(
    paths: Iterable[Path],
    raw_dir: Path,
    manifest: Path | None = None,
    full: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Ingest every file under `paths` into `raw_dir`; returns the counts of what happened."""
    files = discover(paths, exclude=[raw_dir, *([manifest] if manifest else [])])
    manifest_rows = load_manifest(manifest)
    summary = Summary(files=len(files))
    state = _read_state(raw_dir)
    hashed, new_state = _hash_files(files, state)
    prev = {t: raw.read_table(raw_dir, t) for t in ("reports", "errors")}
    for t in ("cells", "figures"):  # read only when rows change, but a broken file must stop the run now
        raw.check_table(raw_dir, t)
    done_reports = _done(prev["reports"], "report_id", full)
    done_errors = _done(prev["errors"], "source_sha256", full)

    by_sha: dict[str, list[str]] = {}
    for path, sha in hashed.items():
        by_sha.setdefault(sha, []).append(path)
    todo: list[tuple[str, dict[str, str] | None]] = []
    for sha, ps in by_sha.items():
        if sha[:16] in done_reports or sha in done_errors:
            summary.unchanged += 1
        else:
            todo.append((ps[0], _manifest_row(manifest_rows, Path(ps[0]))))
    summary.duplicates = sum(len(ps) - 1 for ps in by_sha.values())
    unreadable = [p for p in files if p not in hashed]
    todo.extend((p, None) for p in unreadable)

    results = _run(todo, workers, progress)
    new_rows: dict[str, list[dict[str, Any]]] = {t: [] for t in raw.TABLES_ORDER}
    for res in results:
        if res.report is not None:
            paths_of = sorted(by_sha.get(res.sha256, [res.report["source_path"]]))
            res.report["source_paths"] = paths_of
            res.report["source_path"] = paths_of[0]
            new_rows["reports"].append(res.report)
            new_rows["cells"].extend(res.cells)
            new_rows["figures"].extend(res.figures)
            summary.ingested += 1
            summary.by_format[res.fmt or "?"] += 1
        elif res.error is not None:
            res.error["source_path"] = str(res.error["source_path"])
            new_rows["errors"].append(res.error)
            summary.quarantined += 1
            summary.errors_by_kind[res.error["error_kind"]] += 1
            for other in by_sha.get(res.sha256, [])[1:]:
                new_rows["errors"].append({**res.error, "source_path": other})
    _write(raw_dir, prev, new_rows, hashed, by_sha)
    _write_state(raw_dir, new_state)
    return summary


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the ingest process dies (kill -9 leaves pool workers blocked forever)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="ogi-parent-watch").start()


def _done(table: pa.Table, key: str, full: bool) -> set[str]:
    if full or table.num_rows == 0:
        return set()
    same = table.filter(pc.equal(table["parser_version"], PARSER_VERSION))
    return {v for v in same[key].to_pylist() if v}


def _hash_files(files: list[str], state: dict[str, tuple[int, int, str]]) -> tuple[dict[str, str], list[dict]]:
    """path -> sha256, from the state when size and mtime match, else by reading the file."""
    hashed: dict[str, str] = {}
    seen = set(files)
    new_state = [{"path": p, "size": s, "mtime_ns": m, "sha256": h} for p, (s, m, h) in state.items() if p not in seen]
    for key in files:
        try:
            st = os.stat(key)
            known = state.get(key)
            if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
                sha = known[2]
            else:
                with open(key, "rb") as fh:
                    sha = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            continue  # processed as an unreadable file
        hashed[key] = sha
        new_state.append({"path": key, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha})
    return hashed, new_state


def _run(todo: list, workers: int | None, progress: Callable[[int, int], None] | None) -> list[FileResult]:
    n = len(todo)
    workers = workers or os.cpu_count() or 1
    out: list[FileResult] = []
    if workers <= 1 or n < _IN_PROCESS_BELOW:
        for i, item in enumerate(todo):
            out.append(_process_item(item))
            if progress:
                progress(i + 1, n)
        return out
    chunk = max(1, min(64, n // (workers * 8) or 1))
    with ProcessPoolExecutor(max_workers=workers, initializer=_watch_parent, initargs=(os.getpid(),)) as pool:
        for i, res in enumerate(pool.map(_process_item, todo, chunksize=chunk)):
            out.append(res)
            if progress:
                progress(i + 1, n)
    return out


def _write(raw_dir: Path, prev: dict[str, pa.Table], new: dict[str, list[dict]], hashed: dict[str, str],
           by_sha: dict[str, list[str]]) -> None:  # fmt: skip
    """Previous rows still valid + new rows, per table; unchanged reports get their current paths.

    Nothing is rewritten when the run changed nothing (the unchanged re-ingest stays cheap)."""
    redone_ids = {r["report_id"] for r in new["reports"]}
    redone_paths = {e["source_path"] for e in new["errors"]} | {p for r in new["reports"] for p in r["source_paths"]}
    moved = set(hashed)  # paths seen this run: they belong to their current sha only
    prev_reports = prev["reports"]
    kept_paths: dict[int, list[str]] = {}  # row index -> its paths now, for rows that stay
    dropped: set[str] = set()
    paths_changed = False
    columns = zip(prev_reports["report_id"].to_pylist(), prev_reports["source_sha256"].to_pylist(),
                  prev_reports["source_paths"].to_pylist(), strict=True)  # fmt: skip
    for i, (rid, sha, old_paths) in enumerate(columns):
        if rid in redone_ids:
            continue
        kept = sorted({p for p in old_paths or [] if p not in moved} | set(by_sha.get(sha, [])))
        if not kept:
            dropped.add(rid)
            continue
        paths_changed = paths_changed or kept != old_paths
        kept_paths[i] = kept
    prev_errors = prev["errors"].to_pylist()
    errors = [e for e in prev_errors if e["source_path"] not in redone_paths and
              not (e["source_path"] in hashed and hashed[e["source_path"]] != e["source_sha256"])]  # fmt: skip
    missing = any(not raw.table_path(raw_dir, t).exists() for t in raw.TABLES_ORDER)
    if not (missing or paths_changed or dropped or any(new.values()) or len(errors) != len(prev_errors)):
        return
    reports = []
    for i, row in enumerate(prev_reports.to_pylist()):
        if i in kept_paths:
            row["source_paths"], row["source_path"] = kept_paths[i], kept_paths[i][0]
            reports.append(row)
    gone = redone_ids | dropped
    tables = {
        "reports": raw.rows_to_table("reports", reports + new["reports"]),
        "cells": _concat(_without(raw.read_table(raw_dir, "cells"), gone), raw.rows_to_table("cells", new["cells"])),
        "figures": _concat(_without(raw.read_table(raw_dir, "figures"), gone),
                           raw.rows_to_table("figures", new["figures"])),
        "errors": raw.rows_to_table("errors", errors + new["errors"]),
    }  # fmt: skip
    # reports last: a run killed between two writes leaves its new reports unpublished, so the next
    # run redoes them (and drops their half-written rows) instead of taking them as done.
    for name in ("cells", "figures", "errors", "reports"):
        raw.write_table(raw_dir, name, tables[name])


def _without(table: pa.Table, report_ids: set[str]) -> pa.Table:
    if not report_ids or table.num_rows == 0:
        return table
    return table.filter(pc.invert(pc.is_in(table["report_id"], pa.array(sorted(report_ids), pa.string()))))


def _concat(a: pa.Table, b: pa.Table) -> pa.Table:
    return pa.concat_tables([a.cast(b.schema), b])


def _read_state(raw_dir: Path) -> dict[str, tuple[int, int, str]]:
    path = raw_dir / STATE
    if not path.exists():
        return {}
    try:
        t = pq.read_table(path).to_pydict()
    except (pa.ArrowInvalid, OSError):
        return {}
    return {p: (s, m, h) for p, s, m, h in zip(t["path"], t["size"], t["mtime_ns"], t["sha256"], strict=True)}


def _write_state(raw_dir: Path, rows: list[dict]) -> None:
    path = raw_dir / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=_STATE_SCHEMA), tmp)
    os.replace(tmp, path)
