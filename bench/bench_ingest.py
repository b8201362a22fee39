"""Ingest throughput: reports/s and MB/s, cold and unchanged, per core.

    python -m bench.bench_ingest [--n 1000] [--formats text,html] [--workers 1,2]

For each format: writes n synthetic reports (bench.synth) to a temporary folder, then measures
1. read only   — load_document (decode, normalise, layout, tables), one core, in process;
2. cold ingest — `ingest_paths` into an empty raw folder (read + extraction + Parquet), per
   worker count;
3. unchanged   — the same ingest again: stat + state lookup, nothing parsed;
4. unchanged at scale — the same on --unchanged-n files (state built with extraction stubbed).
Numbers are wall-clock on this machine; the box is shared, so run it twice before believing one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--formats", default="text,html")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--unchanged-n", type=int, default=20000, help="corpus size for the unchanged re-ingest; 0 skips")
    args = ap.parse_args()
    if args.unchanged_n:
        bench_unchanged_at_scale(args.unchanged_n, args.seed)
    for fmt in args.formats.split(","):
        bench_format(fmt, args.n, [int(w) for w in args.workers.split(",")], args.seed)


if __name__ == "__main__":
    main()
