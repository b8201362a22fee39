"""Ingest throughput: reports/s and MB/s, cold and unchanged, per core.

    python -m bench.bench_ingest [--n 1000] [--formats text,html] [--workers 1,2]
    python -m bench.bench_ingest --overhead FOLDER [--workers 2]

For each format: writes n synthetic reports (bench.synth) to a temporary folder, then measures
1. read only   — load_document (decode, normalise, layout, tables), one core, in process;
2. cold ingest — `ingest_paths` into an empty raw folder (read + extraction + Parquet), per
   worker count;
3. unchanged   — the same ingest again: stat + state lookup, nothing parsed;
4. unchanged at scale — the same on --unchanged-n files (state built with extraction stubbed).
Numbers are wall-clock on this machine; the box is shared, so run it twice before believing one.

--overhead FOLDER: a cold ingest of FOLDER with reading and extraction timed inside the workers, so
the rest (hashing, state, pool, records -> Arrow, Parquet) is measured as CPU per report, and a
timeline of the chunks shows whether every worker was busy from the first chunk to the end. The
serial parts of the run are split out: the start (this process and its hashing child until the
chunks begin: discovery, hashing, imports, warming the parsers, the plan) and the end (after the
chunks: the state, the journal, the raw folder's bookkeeping).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.synth import generate
from bench.synth.render import EXTENSIONS


def _write_corpus(folder: Path, n: int, fmt: str, seed: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for r in generate(seed=seed, n=n, eras=("pre2019", "2019", "2021"), damage_rate=0.3):
        data = r.render(fmt)
        (folder / f"{r.id}{EXTENSIONS[fmt]}").write_bytes(data)
        size += len(data)
    return size


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class _Timer:
    def __enter__(self) -> _Timer:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _rate(label: str, n: int, size: int, t: _Timer, cores: int) -> None:
    per_s = n / t.wall if t.wall else float("inf")
    per_cpu = n / t.cpu if t.cpu else float("inf")
    print(
        f"  {label:<26} {n:>6} reports {t.wall:>7.2f} s wall {per_s:>8.0f} reports/s {size / 1e6 / t.wall:>6.1f} MB/s"
        f" | {per_s / cores:>7.0f}/s/core wall, {per_cpu:>7.0f}/s per CPU-second"
    )


def bench_format(fmt: str, n: int, workers: list[int], seed: int) -> None:
    from ingest.pipeline import ingest_paths
    from ingest.read import load_document

    with tempfile.TemporaryDirectory(prefix="ogi-bench-") as tmp:
        src = Path(tmp) / "reports"
        size = _write_corpus(src, n, fmt, seed)
        files = sorted(src.iterdir())
        print(f"{fmt}: {n} reports, {size / 1e6:.1f} MB")
        load_document(files[0])  # imports
        with _Timer() as t:
            for f in files:
                load_document(f)
        _rate("read only (1 core)", n, size, t, 1)
        ingest_paths([files[0]], Path(tmp) / "warm", workers=1)  # import the extractors once
        for w in workers:
            raw = Path(tmp) / f"raw{w}"
            with _Timer() as t:
                ingest_paths([src], raw, workers=w)
            _rate(f"cold ingest ({w} worker{'s' if w > 1 else ''})", n, size, t, w)
            with _Timer() as t:
                s = ingest_paths([src], raw, workers=w)
            assert s.ingested == 0, "the re-run should find nothing to do"
            _rate("unchanged re-ingest", n, size, t, 1)
            shutil.rmtree(raw)


def bench_unchanged_at_scale(n: int, seed: int) -> None:
    """The unchanged re-ingest of a large corpus. The state is built with extraction stubbed out
    (only the re-run is timed, and it parses nothing), so this takes seconds, not minutes."""
    import ingest.extract
    from ingest.model import Extraction, ReportMeta
    from ingest.pipeline import ingest_paths

    base = [r.render("text") for r in generate(seed=seed, n=50)]
    with tempfile.TemporaryDirectory(prefix="ogi-bench-") as tmp:
        src = Path(tmp) / "reports"
        for i in range(n):
            sub = src / f"{i // 1000:03d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"r{i:06d}.txt").write_bytes(base[i % len(base)] + f"\n{i}\n".encode())
        size = sum(f.stat().st_size for f in src.rglob("*.txt"))
        real = ingest.extract.extract
        ingest.extract.extract = lambda doc: Extraction(template="unknown", meta=ReportMeta(), status="no_facts")
        try:
            ingest_paths([src], Path(tmp) / "raw", workers=1)
        finally:
            ingest.extract.extract = real
        print(f"unchanged at scale: {n} text reports, {size / 1e6:.1f} MB")
        with _Timer() as t:
            s = ingest_paths([src], Path(tmp) / "raw", workers=1)
        assert s.unchanged == n and s.ingested == 0
        _rate("unchanged re-ingest", n, size, t, 1)


def _timed(fn: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        c = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _EXTRACTION[0] += time.process_time() - c

    return timed


_EXTRACTION = [0.0]  # CPU seconds inside reading + extraction in this process (a worker: this chunk)
_PHASES: dict[str, tuple[float, float, float]] = {}  # phase -> (wall, own CPU, children's CPU) when it was reached


def _mark(phase: str) -> None:
    t = os.times()
    _PHASES[phase] = (time.time(), t.user + t.system, t.children_user + t.children_system)


def _marked_chunks(real: Callable[..., Any]) -> Callable[..., Any]:
    """ingest.pipeline._chunks, marking when the parent starts handing out chunks and when the last is back."""

    def chunks(*args: Any, **kwargs: Any) -> Any:
        _mark("chunks")
        yield from real(*args, **kwargs)
        _mark("chunks done")

    return chunks
_LOG: list[str] = []  # folder where each timed chunk leaves its record
_REAL_CHUNK: list[Callable[..., list]] = []  # ingest.rows.run_chunk while _timed_chunk stands in for it


def _timed_chunk(task: tuple[Path, str, list]) -> list:
    """ingest.rows.run_chunk, recording wall span, CPU and extraction CPU of the chunk (runs in a worker)."""
    _EXTRACTION[0] = 0.0
    w0, c0 = time.time(), time.process_time()
    out = _REAL_CHUNK[0](task)
    record = (os.getpid(), task[1], len(task[2]), w0, time.time(), time.process_time() - c0, _EXTRACTION[0])
    Path(_LOG[0], f"{os.getpid()}-{task[1]}").write_text(repr(record))
    return out


def bench_overhead(src: Path, workers: int) -> None:
    """Cold ingest of `src`: CPU per report inside reading + extraction, the rest, and the chunk timeline.
    Module imports are paid before the timed run (as `ogi ingest` pays them at start-up)."""
    import ast

    import ingest.extract
    import ingest.pipeline
    import ingest.read
    import ingest.rows
    from ingest.pipeline import ingest_paths

    real = ingest.read.document_from_bytes, ingest.extract.extract, ingest.rows.run_chunk, ingest.pipeline._chunks
    ingest.read.document_from_bytes, ingest.extract.extract = _timed(real[0]), _timed(real[1])
    ingest.rows.run_chunk, _REAL_CHUNK[:] = _timed_chunk, [real[2]]  # type: ignore[assignment]
    ingest.pipeline._chunks = _marked_chunks(real[3])  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="ogi-bench-") as tmp:
            _LOG[:] = [tmp]
            first = next(f for f in sorted(src.rglob("*")) if f.is_file() and not f.name.startswith("."))
            ingest_paths([first], Path(tmp) / "warm", workers=1)  # imports, in this process
            for f in Path(tmp).glob("*-*"):
                f.unlink()
            _PHASES.clear()
            _mark("start")
            t0 = time.time()
            with _Timer() as t:
                s = ingest_paths([src], Path(tmp) / "raw", workers=workers)
            _mark("end")
            chunks = sorted((ast.literal_eval(f.read_text()) for f in Path(tmp).glob("*-*")), key=lambda r: r[3])
    finally:
        (ingest.read.document_from_bytes, ingest.extract.extract, ingest.rows.run_chunk,
         ingest.pipeline._chunks) = real  # type: ignore[assignment]  # fmt: skip
    n = s.ingested + s.quarantined
    extraction = sum(r[6] for r in chunks)
    in_chunks = sum(r[5] for r in chunks)
    ms = 1000 / max(n, 1)
    print(f"cold ingest of {src}: {n} files, {workers} worker(s), {t.wall:.2f} s wall, {t.cpu:.2f} s CPU "
          f"({t.cpu * ms:.3f} ms/report; load {os.getloadavg()[0]:.1f})")
    print(f"  reading + extraction {extraction * ms:.3f} ms/report; the rest {(t.cpu - extraction) * ms:.3f}: "
          f"in chunks {(in_chunks - extraction) * ms:.3f}, elsewhere (parent, pool) {(t.cpu - in_chunks) * ms:.3f}")
    by_worker: dict[int, list[tuple]] = {}
    for r in chunks:
        by_worker.setdefault(r[0], []).append(r)
    end = max(r[4] for r in chunks) - t0
    print(f"  {len(chunks)} chunks ({', '.join(str(r[2]) for r in chunks)} files); first starts at "
          f"{chunks[0][3] - t0:.2f} s, last ends at {end:.2f} s, run ends at {t.wall:.2f} s")
    print("  the rest in each chunk, ms/report: " + ", ".join(f"{(r[5] - r[6]) * 1000 / r[2]:.2f}" for r in chunks))
    _print_serial(chunks[0][3], end + t0)
    for pid, rs in sorted(by_worker.items()):
        busy = sum(r[4] - r[3] for r in rs)
        print(f"  worker {pid}: {len(rs)} chunks, busy {busy:.2f} s of {rs[-1][4] - rs[0][3]:.2f} s, "
              f"idle at the end {end - (rs[-1][4] - t0):.2f} s")


def _print_serial(first_chunk: float, last_chunk: float) -> None:
    """The start (until the first chunk begins in a worker) and the end (after the last one ends):
    their wall time, this process's CPU and its children's (the hashing child; the pool's workers
    are reaped only at the end)."""
    if not {"start", "chunks", "chunks done", "end"} <= _PHASES.keys():
        return
    (w0, c0, k0), (w1, c1, k1) = _PHASES["start"], _PHASES["chunks"]
    (w2, c2, _), (w3, c3, _) = _PHASES["chunks done"], _PHASES["end"]
    print(f"  serial start: {first_chunk - w0:.2f} s wall to the first chunk; before handing out chunks "
          f"{w1 - w0:.2f} s wall, {c1 - c0:.2f} s CPU here (warming, plan: the imports were paid "
          f"before), {k1 - k0:.2f} s in the hashing child; pool start {first_chunk - w1:.2f} s")
    print(f"  serial end: {w3 - last_chunk:.2f} s wall after the last chunk ({w3 - w2:.2f} s, {c3 - c2:.2f} s CPU "
          f"here after the pool closed: state, raw bookkeeping)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--formats", default="text,html")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--unchanged-n", type=int, default=20000, help="corpus size for the unchanged re-ingest; 0 skips")
    ap.add_argument("--overhead", type=Path, help="only: the cost around extraction in a cold ingest of this folder")
    args = ap.parse_args()
    if args.overhead:
        bench_overhead(args.overhead, int(args.workers.split(",")[-1]))
        return
    if args.unchanged_n:
        bench_unchanged_at_scale(args.unchanged_n, args.seed)
    for fmt in args.formats.split(","):
        bench_format(fmt, args.n, [int(w) for w in args.workers.split(",")], args.seed)


if __name__ == "__main__":
    main()
