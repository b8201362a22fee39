"""The batch: files and folders -> Documents -> Extractions -> raw Parquet tables.

    summary = ingest_paths([Path("data/reports")], Path("data/raw"))

- Discovery is recursive; hidden files and the manifest itself are skipped.
- Identity: report_id = first 16 hex chars of the content sha256; one document found at several
  paths is one report listing every path (source_paths).
- Incremental: ingest.state remembers (size, mtime_ns, sha256, inode, ctime_ns) of every file and which contents
  are done, so an unchanged re-ingest is decided from os.stat alone (plus a hash of the files whose
  ctime alone differs or was racy), before pyarrow or any parser is imported. Content already
  ingested with the same parser version is not parsed again. `full=True` redoes everything. One
  run at a time per raw folder (ingest.state.locked). When the state cannot be written (a
  read-only raw folder) the run still answers and its summary says the state was not updated.
- Streaming: files are parsed in batches across a process pool (in-process for small runs); the
  rows come back as Arrow tables and are written as one chunk of parts (ingest.raw) every
  `chunk_files` files, so memory stays flat in the size of the corpus.
- Superseding: a report that is re-done (or whose files all changed) first has its rows removed
  from the parts of its old chunk, under a journal (ingest.state) that a killed run finishes next
  time; a row is never doubled. Paths of unchanged reports are updated after the new chunks.
- Every input ends in `reports` or `errors`; an exception in one file becomes an error row.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import PARSER_VERSION, state

if TYPE_CHECKING:
    import pyarrow as pa

    from ingest.rows import FileRows, Item, Outcome

CHUNK_FILES = 1000  # files per chunk of parts (ingest.rows also cuts a chunk at CHUNK_BYTES of Arrow data)
_MIN_POOL_CHUNK = 64  # files: fewer go in one chunk in this process (a pool would only cost its start)
_TAIL_CHUNK = 32  # files: the smallest pool chunk (the last ones), unless chunk_files is smaller


@dataclass
class Summary:
    ingested: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    files: int = 0
    by_format: Counter = field(default_factory=Counter)
    errors_by_kind: Counter = field(default_factory=Counter)
    state_not_saved: str = ""  # why the incremental state could not be written ("" when it was)

    def line(self) -> str:
        fmts = ", ".join(f"{k} {v}" for k, v in sorted(self.by_format.items())) or "none"
        errs = ", ".join(f"{k} {v}" for k, v in sorted(self.errors_by_kind.items()))
        note = f"; state not updated ({self.state_not_saved})" if self.state_not_saved else ""
        return (
            f"{self.files} files: {self.ingested} ingested, {self.unchanged} unchanged, "
            f"{self.quarantined} quarantined{f' ({errs})' if errs else ''}, "
            f"{self.duplicates} duplicate paths; by format: {fmts}{note}"
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


def _manifest_row(manifest: Mapping[str, dict[str, str]], path: str) -> dict[str, str] | None:
    if not manifest:
        return None
    return manifest.get(os.path.realpath(path)) or manifest.get(os.path.basename(path))


# --------------------------------------------------------------------------- one file


@dataclass
class FileResult:
    """One file parsed on its own: a reports row (or an error row) as dicts, and its cells/figures."""

    sha256: str
    report: dict[str, Any] | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    fmt: str | None = None


def process_file(path: str, manifest_row: Mapping[str, str] | None = None) -> FileResult:
    """Read, parse and extract one file; never raises (failures become an error row)."""
    from ingest.rows import file_rows, to_dict, to_dicts

    r: FileRows = file_rows(path, dict(manifest_row) if manifest_row else None)
    if r.report is None:
        return FileResult(r.sha256 or "", error=to_dict("errors", r.errors[0]))
    report = to_dict("reports", r.report)
    report["area_mentions"] = [dict(zip(("name", "level", "line"), a, strict=True)) for a in report["area_mentions"]]
    return FileResult(r.sha256 or "", report, to_dicts("cells", r.cells), to_dicts("figures", r.figures), fmt=r.fmt)


# --------------------------------------------------------------------------- the batch


def ingest_paths(
    paths: Iterable[Path],
    raw_dir: Path,
    manifest: Path | None = None,
    full: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_files: int = CHUNK_FILES,
) -> Summary:
    """Ingest every file under `paths` into `raw_dir`; returns the counts of what happened.
    ValueError for a worker or chunk count below 1; IngestLocked when another run holds `raw_dir`."""
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if chunk_files < 1:
        raise ValueError(f"chunk_files must be at least 1, not {chunk_files}")
    files = discover(paths, exclude=[raw_dir, *([manifest] if manifest else [])])
    with state.locked(raw_dir):
        if not full and (summary := _unchanged(files, raw_dir)) is not None:
            return summary
        return _Ingest(files, raw_dir, load_manifest(manifest), full).run(workers, progress, chunk_files)


def _unchanged(files: list[str], raw_dir: Path) -> Summary | None:
    """The summary of a run with nothing to do, decided from os.stat and the state; None when
    anything may have changed (a file, the parser, the raw tables)."""
    st = state.load(raw_dir)
    if not st.files or st.parser_version != PARSER_VERSION:
        return None
    known, done = st.files, st.done
    shas: set[str] = set()
    recheck: list[tuple[str, os.stat_result]] = []
    stat, t = os.stat, time.time_ns()  # before every stat (see state.file_stat)
    for f in files:
        k = known.get(f)
        if k is None:
            return None
        try:
            s = stat(f)
        except OSError:
            return None
        # size, mtime, inode, ctime (as in state.same_file, inlined: this loop is the whole run)
        if k[0] != s.st_size or k[1] != s.st_mtime_ns or k[3] != s.st_ino or k[2] not in done:
            return None
        if k[4] != s.st_ctime_ns:  # racy when recorded, or only the ctime changed (chmod): hash again
            recheck.append((f, s))
        shas.add(k[2])
    if st.signature != state.signature(raw_dir):
        return None
    summary = Summary(files=len(files), unchanged=len(shas), duplicates=len(files) - len(shas))
    settled = False
    for f, s in recheck:
        try:
            sha = _sha256(f, s.st_size)
        except OSError:
            return None
        if sha != known[f][2]:
            return None
        k = known[f] = state.file_stat(s, sha, t)
        settled = settled or k[4] != 0
    if settled:  # remember the ctimes that are no longer racy, so the next run needs only the stat
        summary.state_not_saved = state.save_if_writable(raw_dir, st)
    return summary


class _Ingest:
    """One run that has something to do (or must check the tables): the phases in order."""

    def __init__(self, files: list[str], raw_dir: Path, manifest: dict[str, dict[str, str]], full: bool) -> None:
        self.files, self.raw_dir, self.manifest, self.full = files, raw_dir, manifest, full
        self.summary = Summary(files=len(files))
        self.run_id = f"{time.time_ns():016x}"

    def run(self, workers: int | None, progress: Callable[[int, int], None] | None, chunk_files: int) -> Summary:
        raw_dir = self.raw_dir
        old = state.load(raw_dir)
        # A run that will fill a pool hashes its files in a child process while this one imports and
        # warms the parsers the pool's workers inherit (both are serial: they overlap on two cores).
        ahead = _pool_likely(self.files, old.files, self.full, workers, chunk_files)
        hashes: _HashAhead | None = None
        try:
            if ahead:
                hashes = _HashAhead(self.files, old.files, workers or os.cpu_count() or 1)
            from ingest import raw

            if raw_dir.exists():
                raw.sweep_uncommitted(raw_dir)
                raw.check_parts(raw_dir, raw.TABLES_ORDER)
                _finish_journal(raw_dir)
            if ahead:
                _warm_parsers(self.files)
            hashed, files_state = hashes.answer() if hashes else _hash_files(self.files, old.files)
        finally:
            if hashes:
                hashes.close()
        prev_reports = raw.read_table(raw_dir, "reports", ["report_id", "source_sha256", "source_paths",
                                                           "parser_version"], with_chunk=True)  # fmt: skip
        prev_errors = raw.read_table(raw_dir, "errors", with_chunk=True)

        by_sha: dict[str, list[str]] = {}
        for path, sha in hashed.items():
            by_sha.setdefault(sha, []).append(path)
        done = set() if self.full else _done(prev_reports) | _done(prev_errors)
        todo: list[Item] = []
        for sha, ps in by_sha.items():
            if sha in done:
                self.summary.unchanged += 1
            else:
                todo.append((ps[0], _manifest_row(self.manifest, ps[0]), sorted(ps)))
        self.summary.duplicates = sum(len(ps) - 1 for ps in by_sha.values())
        todo += [(p, None, [p]) for p in self.files if p not in hashed]  # unreadable: reported as errors

        todo_paths = {p for item in todo for p in item[2]}
        plan = _plan_reports(prev_reports, {sha[:16] for sha in by_sha if sha not in done}, hashed, by_sha)
        _supersede(raw_dir, plan.gone, plan.gone_chunks)
        _drop_errors(raw_dir, prev_errors, todo_paths, hashed)
        self._stream(todo, workers, progress, chunk_files, warm=not ahead)
        _update_paths(raw_dir, plan.new_paths)
        extra = _errors_for_new_paths(prev_errors, todo_paths, by_sha, done)
        if extra:  # in a chunk of their own (committed by its empty reports part)
            raw.write_chunk(raw_dir, f"{self.run_id}-e", _tables({"errors": extra}))
        raw.ensure_every_table(raw_dir)
        raw.prune_empty_chunks(raw_dir, skip_prefix=f"{self.run_id}-")  # this run's chunks hold its files' rows
        self.summary.state_not_saved = state.save_if_writable(
            raw_dir, state.State(files_state, _done_now(raw_dir), PARSER_VERSION, state.signature(raw_dir)))
        return self.summary

    def _stream(self, todo: list[Item], workers: int | None, progress: Callable[[int, int], None] | None,
                chunk_files: int, warm: bool) -> None:  # fmt: skip
        """Parse the files in chunks; each chunk is written as its own parts where it was parsed."""
        done = 0
        for outcomes in _chunks(self.raw_dir, self.run_id, todo, workers, chunk_files, warm):
            for fmt, kind, _sha in outcomes:
                if fmt is not None:
                    self.summary.ingested += 1
                    self.summary.by_format[fmt] += 1
                else:
                    self.summary.quarantined += 1
                    self.summary.errors_by_kind[kind] += 1
            done += len(outcomes)
            if progress:
                progress(done, len(todo))


def _chunks(raw_dir: Path, run_id: str, todo: list[Item], workers: int | None, chunk_files: int,
            warm: bool = True) -> Iterator[list[Outcome]]:  # fmt: skip
    """Run ingest.rows.run_chunk over chunks of the files: in this process for small runs, else in
    a process pool whose workers parse and write their chunks themselves (only the outcomes of the
    files travel back, so nothing piles up here). Pool chunks shrink as the run goes
    (`chunk_sizes`), so no worker is left alone with a long last chunk. `warm`: warm the parsers
    before the pool forks (False when the caller has)."""
    from ingest.rows import run_chunk

    in_process = not _pooled(len(todo), workers, chunk_files)
    workers = workers or os.cpu_count() or 1
    n = len(todo)
    sizes = [chunk_files] * -(-n // chunk_files) if in_process else chunk_sizes(n, workers, chunk_files)
    tasks, start = [], 0
    for k, size in enumerate(sizes):
        tasks.append((raw_dir, f"{run_id}-{k:05d}", todo[start : start + size]))
        start += size
    if in_process:
        yield from map(run_chunk, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor

    if warm:
        _warm_parsers([item[0] for item in todo])
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        yield from pool.map(run_chunk, tasks)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pooled(n: int, workers: int | None, chunk_files: int) -> bool:
    """Whether n files to parse go to a process pool (else one chunk in this process: a pool would
    only cost its start)."""
    return (workers or os.cpu_count() or 1) > 1 and n > min(chunk_files, _MIN_POOL_CHUNK)


def chunk_sizes(n: int, workers: int, chunk_files: int) -> list[int]:
    """Files per pool chunk, in the order they are handed out (guided scheduling): each chunk takes
    1/(2*workers) of the files still to go, between _TAIL_CHUNK (or chunk_files when smaller)
    and chunk_files. Early chunks are big (a chunk costs a few ms of Parquet parts and bookkeeping),
    the last ones small, so the workers finish within a small chunk of each other."""
    sizes, left = [], n
    while left > 0:
        size = min(left, chunk_files, max(_TAIL_CHUNK, -(-left // (2 * workers))))
        sizes.append(size)
        left -= size
    return sizes


_WARM_FILES = 6  # at most this many files extracted to warm the parsers (one per suffix: the formats)


def _warm_parsers(paths: list[str]) -> None:
    """Import the parsers and fill their lazy tables (the area gazetteer: ~30 ms from its cache file;
    both templates' label tables) here, once, so the forked workers inherit them instead of each
    building its own: by extracting the first file of each file suffix among `paths` (the readers
    are imported on first use, each with its patterns) and by templates.warm()."""
    from ingest import templates
    from ingest.metadata.places import gazetteer
    from ingest.rows import file_rows

    gazetteer()
    templates.warm()
    firsts: dict[str, str] = {}  # suffix (or a path's tail from its last dot) -> its first path
    for path in paths:
        suffix = path[path.rfind(".") :]  # (os.path.splitext costs ~1 us a path: 10 ms at 10k files)
        if suffix not in firsts:
            firsts[suffix] = path
            if len(firsts) == _WARM_FILES:
                break
    for path in firsts.values():
        file_rows(path)  # never raises; its rows are dropped (the file is parsed again in its chunk)


def _init_worker(parent: int) -> None:
    import gc

    gc.freeze()  # the parsers' tables and regexes, inherited from the parent, are never garbage
    gc.disable()  # ingest.rows.run_chunk collects after each chunk instead
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the ingest process dies (kill -9 leaves pool workers blocked forever)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="ogi-parent-watch").start()


def _hash_files(files: list[str], known: dict[str, state.FileStat]) -> tuple[dict[str, str], dict[str, state.FileStat]]:
    """path -> sha256 (from the state when size, mtime, inode and ctime match, else by reading the
    file), and the state to keep: every file seen now plus those of earlier runs not seen this time."""
    return _hashed(files, _file_stats(files, known), known)


def _file_stats(files: list[str], known: dict[str, state.FileStat]) -> list[state.FileStat | None]:
    """The state entry of each file now (its sha256 taken from `known` when the file is as recorded,
    else read), None for a file that cannot be read (it is processed as an unreadable file)."""
    out: list[state.FileStat | None] = []
    same_file, file_stat, now, stat = state.same_file, state.file_stat, time.time_ns, os.stat
    for key in files:
        try:
            t = now()  # before the stat: a rewrite after it gets a later ctime unless t is within a tick
            st = stat(key)
            k = known.get(key)
            sha = k[2] if k and same_file(k, st) else _sha256(key, st.st_size)
        except OSError:
            out.append(None)
            continue
        out.append(file_stat(st, sha, t))
    return out


def _hashed(files: list[str], stats: list[state.FileStat | None],
            known: dict[str, state.FileStat]) -> tuple[dict[str, str], dict[str, state.FileStat]]:  # fmt: skip
    """_hash_files' answer from the files' entries (`_file_stats`)."""
    hashed: dict[str, str] = {}
    files_state = dict(known)
    for key, k in zip(files, stats, strict=True):
        if k is None:
            files_state.pop(key, None)
        else:
            hashed[key] = k[2]
            files_state[key] = k
    return hashed, files_state


def _pool_likely(files: list[str], known: dict[str, state.FileStat], full: bool, workers: int | None,
                 chunk_files: int) -> bool:  # fmt: skip
    """Whether this run will parse enough files for a process pool, judged before hashing: every file
    with `full`, else the files the state does not know (a cold run). A changed known file is not
    counted (hashing it again is what tells), so an incremental run never warms parsers for nothing."""
    return _pooled(len(files) if full else sum(f not in known for f in files), workers, chunk_files)


_HASH_CHILD_FILES = 25_000  # files per hashing child beyond the first (at most one child per worker)


class _HashAhead:
    """`_hash_files` run in forked child processes (reading and hashing ~0.03 ms a file: 0.3 s at
    10k files, that this process spends importing and warming the parsers meanwhile; a large run
    splits its files in contiguous slices over up to `children` processes); `answer()` waits for
    them. A child closes every descriptor it inherited but its pipe (the raw folder's lock stays
    this process's alone), sends its entries through the pipe (marshal) and leaves with os._exit,
    never running this process's code after the fork (finally blocks, atexit). A slice whose child
    fails or answers incompletely is hashed here instead. `close()` kills the children whose
    answer was not taken (an error or Ctrl-C in between)."""

    def __init__(self, files: list[str], known: dict[str, state.FileStat], children: int = 1) -> None:
        self.files, self.known = files, known
        k = max(1, min(children, len(files) // _HASH_CHILD_FILES))
        step = -(-len(files) // k) or 1
        # (slice, pid or None when reaped, pipe or None when no child could be started)
        self.jobs: list[tuple[list[str], int | None, Any]] = []
        try:
            for i in range(0, max(len(files), 1), step):
                part = files[i : i + step]
                pid, pipe = self._fork(part)
                self.jobs.append((part, pid, pipe))
        except BaseException:
            self.close()
            raise

    def _fork(self, part: list[str]) -> tuple[int | None, Any]:
        """A child hashing `part` and the pipe of its answer; (None, None) when the system would not
        start one (EAGAIN, ENOMEM, no descriptors): the slice is then hashed here."""
        import marshal

        try:
            r, w = os.pipe()
        except OSError:
            return None, None
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None, None
        if pid == 0:  # pragma: no cover  (the child: coverage does not follow it)
            code = 1
            try:
                os.closerange(3, w)
                os.closerange(w + 1, os.sysconf("SC_OPEN_MAX"))
                data = marshal.dumps(_file_stats(part, self.known))
                with os.fdopen(w, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        try:
            return pid, os.fdopen(r, "rb")
        except BaseException:
            os.close(r)
            _end_child(pid)
            raise

    def answer(self) -> tuple[dict[str, str], dict[str, state.FileStat]]:
        stats: list[state.FileStat | None] = []
        try:
            for i, (part, pid, pipe) in enumerate(self.jobs):
                if pipe is None:
                    stats += _file_stats(part, self.known)
                    continue
                data = pipe.read()
                pipe.close()
                status = os.waitpid(pid, 0)[1] if pid else 1
                self.jobs[i] = (part, None, pipe)
                got = _loaded_stats(data, len(part)) if status == 0 else None
                stats += _file_stats(part, self.known) if got is None else got
        finally:
            self.close()
        return _hashed(self.files, stats, self.known)

    def close(self) -> None:
        for i, (part, pid, pipe) in enumerate(self.jobs):
            if pipe is not None:
                pipe.close()
            if pid:
                self.jobs[i] = (part, None, pipe)
                _end_child(pid)


def _loaded_stats(data: bytes, n: int) -> list[state.FileStat | None] | None:
    import marshal

    try:
        stats = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return stats if isinstance(stats, list) and len(stats) == n else None


def _end_child(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _sha256(path: str, size: int) -> str:
    """The file's sha256, read with os.read (hashlib.file_digest allocates a 256 KB buffer per file,
    twice the cost on report-sized files); more reads only when the first did not end exactly at the
    size of its stat (the file grew, or a read returned less: over 2 GiB, some network file systems)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, size + 1)
        h = hashlib.sha256(data)
        if len(data) != size:  # read on to the end
            while chunk := os.read(fd, 1 << 20):
                h.update(chunk)
    finally:
        os.close(fd)
    return h.hexdigest()


def _tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    import pyarrow as pa

    from ingest.schema import TABLES

    return {t: pa.Table.from_pylist(rows.get(t, []), schema=s) for t, s in TABLES.items()}


def _done(table: pa.Table) -> set[str]:
    if table.num_rows == 0:
        return set()
    return {sha for sha, v in zip(table["source_sha256"].to_pylist(), table["parser_version"].to_pylist(),
                                  strict=True) if sha and v == PARSER_VERSION}  # fmt: skip


def _done_now(raw_dir: Path) -> set[str]:
    from ingest import raw

    return _done(raw.read_table(raw_dir, "reports", ["source_sha256", "parser_version"])) | \
        _done(raw.read_table(raw_dir, "errors", ["source_sha256", "parser_version"]))


# --------------------------------------------------------------------------- superseding old rows


@dataclass
class _ReportsPlan:
    gone: set[str] = field(default_factory=set)  # report ids whose rows go (re-done, or no path left)
    gone_chunks: set[str] = field(default_factory=set)
    new_paths: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # chunk -> id -> paths now


def _plan_reports(prev: pa.Table, redo_ids: set[str], hashed: dict[str, str], by_sha: dict[str, list[str]]) -> _ReportsPlan:
    """Which previous reports go, and the paths of those that stay when they changed. A path seen
    this run belongs to its current content only; paths not seen this run are kept."""
    plan = _ReportsPlan()
    columns = zip(prev["report_id"].to_pylist(), prev["source_sha256"].to_pylist(),
                  prev["source_paths"].to_pylist(), prev["_chunk"].to_pylist(), strict=True)  # fmt: skip
    for rid, sha, old_paths, chunk in columns:
        kept = rid not in redo_ids and sorted({p for p in old_paths or [] if p not in hashed} | set(by_sha.get(sha, [])))
        if not kept:
            plan.gone.add(rid)
            plan.gone_chunks.add(chunk)
        elif kept != old_paths:
            plan.new_paths.setdefault(chunk, {})[rid] = kept
    return plan


def _supersede(raw_dir: Path, ids: set[str], chunks: Iterable[str]) -> None:
    """Remove the rows of these reports from the parts of their chunks, under the journal."""
    if not ids:
        return
    from ingest import raw

    state.write_journal(raw_dir, ids)
    keep = raw.without_reports(ids)
    for chunk in sorted(chunks):
        raw.filter_part(raw_dir, "reports", chunk, keep)
        for table in ("cells", "figures"):
            if raw.part_path(raw_dir, table, chunk).exists():
                raw.filter_part(raw_dir, table, chunk, keep)
    state.clear_journal(raw_dir)


def _finish_journal(raw_dir: Path) -> None:
    """A run was killed while it removed superseded rows: remove those reports, then every cells
    and figures row whose report is not listed (wherever the kill left it), then the journal."""
    ids = state.read_journal(raw_dir)
    if ids is None:
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    from ingest import raw

    for chunk in raw.parts(raw_dir, "reports"):
        raw.filter_part(raw_dir, "reports", chunk, raw.without_reports(ids))
    live = pa.array(sorted(set(raw.read_table(raw_dir, "reports", ["report_id"])["report_id"].to_pylist())), pa.string())
    for table in ("cells", "figures"):
        for chunk in raw.parts(raw_dir, table):
            raw.filter_part(raw_dir, table, chunk, lambda t: pc.fill_null(pc.is_in(t["report_id"], live), False))
    state.clear_journal(raw_dir)


def _drop_errors(raw_dir: Path, prev: pa.Table, todo_paths: set[str], hashed: dict[str, str]) -> None:
    """Error rows of files re-done now, or whose content changed, go before any new row is written."""
    if prev.num_rows == 0:
        return
    import pyarrow as pa

    from ingest import raw

    stale: dict[str, set[tuple[str, str | None]]] = {}
    for path, sha, chunk in zip(prev["source_path"].to_pylist(), prev["source_sha256"].to_pylist(),
                                prev["_chunk"].to_pylist(), strict=True):  # fmt: skip
        if path in todo_paths or (path in hashed and hashed[path] != sha):
            stale.setdefault(chunk, set()).add((path, sha))
    for chunk, rows in stale.items():
        def keep(t: pa.Table, rows: set = rows) -> pa.Array:
            pairs = zip(t["source_path"].to_pylist(), t["source_sha256"].to_pylist(), strict=True)
            return pa.array([pair not in rows for pair in pairs], pa.bool_())

        raw.filter_part(raw_dir, "errors", chunk, keep)


def _update_paths(raw_dir: Path, new_paths: dict[str, dict[str, list[str]]]) -> None:
    """Unchanged reports get the paths they have now (their parts' other columns stay as they are)."""
    import pyarrow as pa

    from ingest import raw
    from ingest.schema import REPORTS

    for chunk, by_id in sorted(new_paths.items()):
        t = raw.read_part(raw_dir, "reports", chunk)
        paths = [by_id.get(rid, old) for rid, old in zip(t["report_id"].to_pylist(), t["source_paths"].to_pylist(),
                                                         strict=True)]  # fmt: skip
        t = t.set_column(t.schema.get_field_index("source_paths"), "source_paths",
                         pa.array(paths, REPORTS.field("source_paths").type))
        t = t.set_column(t.schema.get_field_index("source_path"), "source_path",
                         pa.array([p[0] for p in paths], pa.string()))
        raw.write_part(raw_dir, "reports", chunk, t)


def _errors_for_new_paths(prev: pa.Table, todo_paths: set[str], by_sha: dict[str, list[str]],
                          done: set[str]) -> list[dict[str, Any]]:  # fmt: skip
    """A new path of content already quarantined gets its own error row (a copy of the first)."""
    if prev.num_rows == 0:
        return []
    rows = prev.drop_columns(["_chunk"]).to_pylist()
    listed = {r["source_path"] for r in rows}
    add = []
    for r in rows:
        for p in by_sha.get(r["source_sha256"], []) if r["source_sha256"] in done else []:
            if p not in listed and p not in todo_paths:
                add.append({**r, "source_path": p})
                listed.add(p)
    return add
