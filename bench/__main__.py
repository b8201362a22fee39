"""python -m bench — end-to-end benchmarks of ogi on the synthetic corpus (bench.synth), as an
operator runs it: `ogi ingest` and `ogi build` as child processes, wall and CPU time and peak
memory (largest process, from wait4 rusage), on the real project in models/.

    python -m bench                 # quick: ingest 1k, build 1k and 10k
    python -m bench --full          # ingest 1k and 10k, build 1k, 10k and 100k (+ growth ratios)
    python -m bench --ingest-sizes 1000 --build-sizes 1000,100000 --runs 3 [--no-dbt] [--one-thread] [--components]

Ingest: a corpus of synthetic reports (2/3 flattened text, 1/3 HTML pages, all eras, damage) is
ingested cold (empty raw folder) and then again unchanged; reports/s and MB/s.
Build: raw Parquet written directly (bench.synth.rawgen: ~137 cells per report, no parsing) at each
size; `ogi build` into a fresh warehouse with the project's parse warm in target/ (one untimed build
first, as dbt's partial parse is warmed; `ogi build --no-partial-parse` is timed too), beside the
same compiled SQL executed on one DuckDB
connection (bench.bench_runner.bare_plan, the runner's compile), and beside `dbt build`
(dbt-core 1.11 + dbt-duckdb, partial parse warmed by one untimed `dbt parse`, as PERF_ANCHORS.md
times it) when .dbt-venv exists (`make dbt-compat` creates it).
--components also runs the engineers' own benches (bench/bench_ingest.py, bench/bench_runner.py).
The box may be shared: the load average is printed with the results; believe medians, not single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OGI = [PY, "-m", "ogi.cli"]
DBT = ROOT / ".dbt-venv" / "bin" / "dbt"
TIME = Path("/usr/bin/time")


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """Wall, CPU (user+sys of the process tree) and peak RSS of the largest process of one run."""
    env = {**os.environ, **(env or {})}
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        if TIME.exists():
            full = [str(TIME), "-f", "%e %U %S %M", "-o", out.name, *cmd]
        else:
            full = cmd
        started = time.perf_counter()
        proc = subprocess.run(full, env=env, cwd=cwd, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
            raise SystemExit(f"failed (exit {proc.returncode}): {' '.join(cmd)}")
        if TIME.exists():
            fields = out.read().split()[-4:]
            return Run(wall, float(fields[1]) + float(fields[2]), float(fields[3]) / 1024)
    return Run(wall, float("nan"), float("nan"))


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               max(r.peak_mb for r in runs))


def row(label: str, r: Run, extra: str = "") -> None:
    print(f"  {label:<44} {r.wall:8.2f} s wall {r.cpu:8.2f} s CPU {r.peak_mb:7.0f} MB peak  {extra}")


# ---------------------------------------------------------------- ingest


def write_corpus(folder: Path, n: int, seed: int) -> int:
    from bench.synth.report import make_report

    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for i in range(n):
        r = make_report(seed, i)
        fmt = "html" if i % 3 == 2 else "text"
        data = r.render(fmt)
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{r.id}{'.html' if fmt == 'html' else '.txt'}").write_bytes(data)
        size += len(data)
    return size


def corpus(n: int, seed: int, scratch: Path, keep: Path | None) -> tuple[Path, int, str]:
    """The corpus folder of n reports: written in the scratch folder, or kept in `keep` (reused when
    a complete one for this seed is there: generating 100k reports takes minutes)."""
    src = (keep or scratch) / f"reports_{n}_seed{seed}"
    done = src / ".complete"
    if keep and done.exists():
        return src, int(done.read_text()), "reused"
    shutil.rmtree(src, ignore_errors=True)
    t0 = time.perf_counter()
    size = write_corpus(src, n, seed)
    done.write_text(str(size))
    return src, size, f"written in {time.perf_counter() - t0:.1f} s"


def bench_ingest(n: int, runs: int, scratch: Path, seed: int, keep: Path | None = None) -> dict[str, Run]:
    src, size, how = corpus(n, seed, scratch, keep)
    print(f"\ningest, {n:,} synthetic reports (2/3 text, 1/3 HTML), {size / 1e6:.1f} MB, {how}")
    cold, again = [], []
    for _ in range(runs):
        raw = scratch / f"raw_ingest_{n}"
        shutil.rmtree(raw, ignore_errors=True)
        cold.append(measure([*OGI, "ingest", str(src), "--raw", str(raw)]))
        again.append(measure([*OGI, "ingest", str(src), "--raw", str(raw)]))
    out = {"cold": median(cold), "unchanged": median(again)}
    for label, r in out.items():
        row(f"ogi ingest, {label}", r, f"{n / r.wall:8.0f} reports/s {size / 1e6 / r.wall:6.2f} MB/s "
                                       f"{1000 * r.cpu / n:6.2f} ms CPU/report")
    if keep is None:
        shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(scratch / f"raw_ingest_{n}", ignore_errors=True)
    return out


# ---------------------------------------------------------------- build


BARE = """
import json, sys, duckdb
plan = json.load(open(sys.argv[1], encoding="utf-8"))
con = duckdb.connect(sys.argv[2])
for statement in plan:
    con.execute(statement).fetchall()
con.close()
"""


def _plan(raw: Path, scratch: Path) -> Path:
    """ogi's compiled SQL for the project, wrapped as dbt wraps it (bench.bench_runner.bare_plan)."""
    code = ("import json, sys\nfrom pathlib import Path\nfrom bench.bench_runner import bare_plan\n"
            "json.dump(bare_plan(Path(sys.argv[1]), {}), open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)\n")
    plan = scratch / "plan.json"
    subprocess.run([PY, "-c", code, str(ROOT), str(plan)], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "OGI_RAW": str(raw)})
    return plan


def bench_build(n: int, runs: int, dbt_runs: int, scratch: Path, seed: int, one_thread: bool = False) -> dict[str, Run]:
    from bench.synth.rawgen import write_raw

    raw = scratch / f"raw_{n}"
    t0 = time.perf_counter()
    counts = write_raw(raw, n, seed=seed)
    print(f"\nbuild, {n:,} reports / {counts['cells']:,} cells / {counts['figures']:,} figures of raw Parquet "
          f"(generated in {time.perf_counter() - t0:.1f} s)")
    env = {"OGI_RAW": str(raw), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    out: dict[str, Run] = {}
    wh = scratch / f"ogi_{n}.duckdb"
    build = [*OGI, "build", "--raw", str(raw), "--warehouse", str(wh)]
    # untimed, as dbt's partial parse is warmed below: the project's target/ keeps the parsed project
    # (ogi.parsecache) for these very arguments; every timed run still builds a new warehouse file
    _into_new_file(build, wh, 1, env)
    out["ogi build"] = _into_new_file(build, wh, runs, env)
    out["ogi build --no-partial-parse"] = _into_new_file([*build, "--no-partial-parse"], wh, runs, env)
    if one_thread:  # the same build one node at a time (the profile says threads: 2)
        out["ogi build --threads 1"] = _into_new_file(
            [*OGI, "build", "--threads", "1", "--raw", str(raw), "--warehouse", str(wh)], wh, runs, env)
    plan, runner = _plan(raw, scratch), scratch / "bare.py"
    runner.write_text(BARE, encoding="utf-8")
    bare_wh = scratch / f"bare_{n}.duckdb"
    out["same SQL directly in DuckDB"] = _into_new_file([PY, str(runner), str(plan), str(bare_wh)], bare_wh, runs, env)
    if DBT.exists() and dbt_runs:
        dbt_wh = scratch / f"dbt_{n}.duckdb"
        dbt_args = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT),
                    "--target-path", str(scratch / "dbt_target"), "--log-path", str(scratch / "dbt_logs")]
        dbt_env = {**env, "OGI_WAREHOUSE": str(dbt_wh)}
        # untimed: dbt's partial parse is warmed first, as PERF_ANCHORS.md times dbt (a cold parse adds ~1.6 s)
        measure([str(DBT), "parse", *dbt_args], dbt_env)
        out["dbt build (dbt-core 1.11, dbt-duckdb)"] = _into_new_file([str(DBT), "build", *dbt_args], dbt_wh,
                                                                       dbt_runs, dbt_env)
    base = out["ogi build"]
    for label, r in out.items():
        row(label, r, f"{r.wall / base.wall:5.2f}x ogi wall" if label != "ogi build" else
            f"warehouse {wh.stat().st_size / 1e6:.0f} MB")
    print("  (ogi build: the parsed project is warm in target/ from one untimed build, as dbt's partial parse is "
          "from `dbt parse`; every timed run builds a new warehouse file)")
    for p in (wh, bare_wh):
        p.unlink(missing_ok=True)
    shutil.rmtree(raw, ignore_errors=True)
    return out


def _into_new_file(cmd: list[str], warehouse: Path, runs: int, env: dict[str, str]) -> Run:
    """The median of `runs` runs of `cmd`, each building `warehouse` anew."""
    rs = []
    for _ in range(runs):
        warehouse.unlink(missing_ok=True)
        rs.append(measure(cmd, env))
    return median(rs)


def growth(results: dict[int, dict[str, Run]], what: str) -> None:
    sizes = sorted(results)
    for a, b in zip(sizes, sizes[1:], strict=False):
        print(f"\n{what} growth {a:,} → {b:,} reports (×{b // a}):")
        for label in results[a]:
            if label in results[b]:
                ra, rb = results[a][label], results[b][label]
                print(f"  {label:<44} wall ×{rb.wall / ra.wall:5.2f}  CPU ×{rb.cpu / ra.cpu:5.2f}  peak ×{rb.peak_mb / ra.peak_mb:5.2f}")


def machine() -> str:
    mem = ""
    try:
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    import duckdb

    return (f"{platform.machine()} {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, duckdb {duckdb.__version__}, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _compile_bytecode() -> None:
    """Write current .pyc files for ogi/ and ingest/ first, as an installed package has them: with
    PYTHONDONTWRITEBYTECODE set (or a read-only tree), every timed `ogi` process would otherwise
    recompile the modules edited since their last .pyc (~30 ms a run), which no deployment pays."""
    import compileall

    for package in ("ogi", "ingest"):
        compileall.compile_dir(ROOT / package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="ingest 1k,10k; build 1k,10k,100k")
    ap.add_argument("--ingest-sizes", default=None, help="comma-separated sizes, or none")
    ap.add_argument("--build-sizes", default=None, help="comma-separated sizes, or none")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--dbt-runs", type=int, default=1)
    ap.add_argument("--no-dbt", action="store_true")
    ap.add_argument("--one-thread", action="store_true", help="also time `ogi build --threads 1`")
    ap.add_argument("--components", action="store_true", help="also run bench/bench_ingest.py and bench/bench_runner.py")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--corpus-dir", type=Path, help="keep the ingest corpora here and reuse them between runs")
    args = ap.parse_args(argv)
    ingest_sizes = [int(s) for s in (args.ingest_sizes or ("1000,10000" if args.full else "1000")).split(",")
                    if s and s != "none"]  # fmt: skip
    build_sizes = [int(s) for s in (args.build_sizes or ("1000,10000,100000" if args.full else "1000,10000")).split(",")
                   if s and s != "none"]  # fmt: skip
    if any(n < 1 for n in (*ingest_sizes, *build_sizes)):
        ap.error("sizes are report counts of at least 1 (or `none` to skip that part)")
    print(f"ogi benchmarks — {machine()}")
    _compile_bytecode()
    scratch = Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    ing: dict[int, dict[str, Run]] = {}
    bld: dict[int, dict[str, Run]] = {}
    try:
        for n in ingest_sizes:
            ing[n] = bench_ingest(n, args.runs, scratch, args.seed, args.corpus_dir)
        growth(ing, "ingest")
        for n in build_sizes:
            bld[n] = bench_build(n, args.runs, 0 if args.no_dbt else args.dbt_runs, scratch, args.seed, args.one_thread)
        growth(bld, "build")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "ingest": {n: {k: vars(v) for k, v in r.items()} for n, r in ing.items()},
                                         "build": {n: {k: vars(v) for k, v in r.items()} for n, r in bld.items()}}, indent=1))
    if args.components:
        for script in ("bench_ingest.py", "bench_runner.py"):
            if (ROOT / "bench" / script).exists():
                print(f"\n== bench/{script}")
                subprocess.run([PY, "-m", f"bench.{script.removesuffix('.py')}"], cwd=ROOT, check=False)
    print(f"\nload average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
