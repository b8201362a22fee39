"""Benchmark of ogi's runner (prints numbers; not a test). Run: .venv/bin/python bench/bench_runner.py

1. `ogi --help` start-up time.
2. A full `ogi build` of the bundled project (data/reports ingested into a scratch raw folder).
3. A synthetic corpus (PERF_ANCHORS §2: reports with 100 long facts each, raw Chinese labels with
   variants, ~20% duplicate organ-years) at 1,000 and 100,000 reports, built with the synthetic
   project bench/runner_project: `ogi build` against the same compiled SQL executed directly on one
   DuckDB connection, and against `dbt build` when .dbt-venv exists (make dbt-compat creates it).

Every figure is the median wall time of n runs of a fresh process into a fresh warehouse; the project's
target/ is kept between runs (after one untimed build: the parsed project of ogi.parsecache is warm,
as dbt's partial parse is), and the bundled build is also timed with --no-partial-parse.
Options: --sizes 1000,100000  --runs 3  --dbt-runs 1  --skip-bundled
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Path(__file__).resolve().parent / "runner_project"
OGI = str(ROOT / ".venv" / "bin" / "ogi")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DBT = ROOT / ".dbt-venv" / "bin" / "dbt"

APPLICANTS = [("自然人", "natural_person"), ("商业企业", "commercial"), ("科研机构", "research"),
              ("社会公益组织", "social"), ("法律服务机构", "legal"), ("其他", "other_org")]
OUTCOMES = [("本年新收政府信息公开申请数量", "new_requests"), ("上年结转政府信息公开申请数量", "carried_over"),
            ("予以公开", "granted"), ("部分公开", "partial"), ("不予公开", "refused"),
            ("无法提供", "unavailable"), ("不予处理", "not_processed"), ("其他处理", "other_handling"),
            ("办理结果总计", "handled_total"), ("结转下年度继续办理", "carried_forward")]
APPEAL_COLS = [("行政复议", "review"), ("未经复议直接起诉", "lawsuit"), ("复议后起诉", "lawsuit_after_review")]
APPEAL_ROWS = [("结果维持", "upheld"), ("结果纠正", "corrected"), ("其他结果", "other_result"),
               ("尚未审结", "pending"), ("总计", "appeals_total")]
DISCLOSURE_ITEMS = [("规章", "rules"), ("行政规范性文件", "normative_docs"), ("行政许可", "licensing"),
                    ("行政处罚", "penalties"), ("行政强制", "enforcement")]
DISCLOSURE_MEASURES = [("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force")]
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
             "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]


class Timing(float):
    """A median wall time (the float) that also carries the median CPU time (user + sys) of the child."""

    cpu: float = 0.0

    def __format__(self, spec: str) -> str:
        return f"{float(self):{spec}} s wall, {self.cpu:.3f} s CPU"


def median_time(cmd: list[str], runs: int, env: dict[str, str], before: object = None) -> Timing:
    walls, cpus = [], []
    for _ in range(runs):
        if callable(before):
            before()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
            raise SystemExit(f"failed: {' '.join(cmd)}")
    timing = Timing(statistics.median(walls))
    timing.cpu = statistics.median(cpus)
    return timing


# -- synthetic data -----------------------------------------------------------------------------


def write_seeds(project: Path) -> None:
    seeds = project / "seeds"
    seeds.mkdir(exist_ok=True)
    labels = [("applications", "applications"), ("主动公开", "disclosures"), ("行政复议和行政诉讼", "appeals"),
              ("法人或其他组织-商业企业", "commercial"), ("(一) 予以公开", "granted"), ("总计", "total")]
    labels += APPLICANTS + OUTCOMES + APPEAL_COLS + APPEAL_ROWS[:-1] + DISCLOSURE_ITEMS + DISCLOSURE_MEASURES
    with open(seeds / "label_map.csv", "w", encoding="utf-8") as out:
        out.write("label,key\n")
        for label, key in dict(labels).items():
            out.write(f"{label},{key}\n")
    with open(seeds / "provinces.csv", "w", encoding="utf-8") as out:
        out.write("prefix,province\n")
        for prefix in PROVINCES:
            out.write(f"{prefix},省{prefix}\n")


def generate(n_reports: int, out: Path) -> None:
    """reports.parquet and facts.parquet (100 facts a report, values as VARCHAR) written by DuckDB."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    organs = max(1, int(n_reports * 0.8))
    prefixes = "[" + ", ".join(f"'{p}'" for p in PROVINCES) + "]"
    con.execute(f"""
        create table reports as
        select
            'r' || lpad(i::varchar, 8, '0') as report_id,
            '搭连' || lpad((i % {organs})::varchar, 5, '0') || '市公安局' as organ,
            {prefixes}[1 + (i % {organs}) % 31] || lpad(((i % {organs}) % 300)::varchar, 4, '0') as area_code,
            (2008 + hash(i % {organs}) % 16)::varchar as year,
            case when 2008 + hash(i % {organs}) % 16 < 2019 then '2008'
                 when 2008 + hash(i % {organs}) % 16 < 2021 then '2019' else '2021' end as template,
            (1000 + hash(i) % 20000)::int as text_length,
            date '2020-01-01' + (i % 700)::int as published_at
        from range({n_reports}) t(i)
    """)
    con.execute("create table cells (section varchar, item varchar, measure varchar, kind varchar)")
    rows = [("applications", item, measure, "applicant") for item, _ in OUTCOMES for measure, _ in APPLICANTS]
    rows += [("applications", item, "总计", "total") for item, _ in OUTCOMES]
    rows += [("行政复议和行政诉讼", item, measure, "appeal") for item, _ in APPEAL_ROWS for measure, _ in APPEAL_COLS]
    rows += [("主动公开", item, measure, "disclosure") for item, _ in DISCLOSURE_ITEMS for measure, _ in DISCLOSURE_MEASURES]
    assert len(rows) == 100, len(rows)
    con.executemany("insert into cells values (?, ?, ?, ?)", rows)
    con.execute("""
        create table facts_clean as
        select r.report_id, c.section, c.item, c.measure, c.kind,
               (hash(r.report_id, c.item, c.measure) % 50)::int as v,
               (substr(r.report_id, 2)::int % 5 = 0) as variant
        from reports r cross join cells c
    """)
    con.execute("""
        create table facts as
        with totals as (
            select report_id, item, sum(v) filter (where kind = 'applicant') as total
            from facts_clean group by report_id, item
        )
        select
            f.report_id,
            case when f.variant then f.section || ' ' else f.section end as section,
            case when f.variant and f.item = '予以公开' then '(一) 予以公开' else f.item end as item,
            case when f.variant and f.measure = '商业企业' then '法人或其他组织-商业企业' else f.measure end as measure,
            (case when f.kind = 'total' then t.total else f.v end)::varchar as value
        from facts_clean f
        join totals t on t.report_id = f.report_id and t.item = f.item
    """)
    con.execute(f"copy (select * exclude (rn) from (select *, 0 as rn from reports)) to '{out / 'reports.parquet'}' (format parquet, compression snappy)")
    con.execute(f"copy facts to '{out / 'facts.parquet'}' (format parquet, compression snappy)")
    con.close()


# -- the same compiled SQL, run directly ----------------------------------------------------------

BARE_RUNNER = """
import json, sys, duckdb
plan = json.load(open(sys.argv[1], encoding="utf-8"))
con = duckdb.connect(sys.argv[2])
con.execute("set enable_progress_bar = false")
for statement in plan:
    con.execute(statement).fetchall()
con.close()
"""


def bare_plan(project: Path, env: dict[str, str]) -> list[str]:
    """ogi's compiled SQL wrapped as dbt wraps it: create view/table as (...), seeds via read_csv,
    tests as select count(*) from (...). No validation, no transactions, no artifacts."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from ogi.materialize import seed_sql
        from ogi.runner import Session

        session = Session(project, partial_parse=False)  # a fresh parse, leaving target/'s kept one as it is
        nodes = session.compile(command="build", existing={}, quiet=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    plan = ['create schema if not exists "main"']
    for node in nodes:
        rel = node.relation().render()
        if node.resource_type == "seed":
            plan.append(seed_sql(node))
        elif node.resource_type == "test":
            plan.append(f"select count(*) from (\n{node.compiled_code}\n) dbt_internal_test")
        elif node.materialized == "view":
            plan.append(f"create or replace view {rel} as (\n{node.compiled_code}\n)")
        elif node.materialized in ("table", "incremental"):
            plan.append(f"create or replace table {rel} as (\n{node.compiled_code}\n)")
    return plan


# -- the measurements -----------------------------------------------------------------------------


def bench_help(runs: int) -> None:
    t = median_time([OGI, "--help"], runs, dict(os.environ))
    print(f"ogi --help                                   {t:6.3f}   (median of {runs}; target < 0.3 s)")


def bench_bundled(runs: int, scratch: Path) -> None:
    raw, wh = scratch / "bundled_raw", scratch / "bundled.duckdb"
    env = {**os.environ, "OGI_RAW": str(raw)}
    subprocess.run([OGI, "ingest", "data/reports", "--raw", str(raw)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    build = [OGI, "build", "--raw", str(raw), "--warehouse", str(wh)]
    cold = median_time([*build, "--no-partial-parse"], runs, env, before=lambda: wh.unlink(missing_ok=True))
    median_time(build, 1, env, before=lambda: wh.unlink(missing_ok=True))  # untimed: keeps the parse in target/
    fresh = median_time(build, runs, env, before=lambda: wh.unlink(missing_ok=True))
    touched = median_time([OGI, "build", "--raw", str(raw), "--warehouse", str(wh)], runs, env,
                          before=lambda: _touch(raw))
    again = median_time([OGI, "build", "--raw", str(raw), "--warehouse", str(wh)], runs, env)
    results = json.loads((ROOT / "target" / "run_results.json").read_text(encoding="utf-8"))
    node_time = sum(r["execution_time"] for r in results["results"])
    reused = sum(1 for r in results["results"] if (r.get("message") or "").startswith(("reused", "unchanged")))
    print(f"ogi build, bundled project, fresh warehouse, project parsed afresh (--no-partial-parse)  {cold:6.3f}   (median of {runs})")
    print(f"ogi build, bundled project, fresh warehouse  {fresh:6.3f}   (median of {runs}, {len(results['results'])} nodes; "
          f"the parsed project kept in target/ from an untimed build, as dbt's partial parse)")
    print(f"ogi build, bundled project, raw files touched {touched:6.3f}  (seeds kept; every model and test on the raw data runs)")
    print(f"ogi build, bundled project, rebuild          {again:6.3f}   ({reused} of {len(results['results'])} nodes reused or unchanged; node time {node_time:.3f} s wall)")


def _touch(raw: Path) -> None:
    """New modification times on the raw files: what reads them must be built again."""
    for path in raw.rglob("*.parquet"):
        os.utime(path)


def bench_synthetic(n: int, runs: int, dbt_runs: int, scratch: Path) -> None:
    data = scratch / f"synth_{n}"
    started = time.perf_counter()
    generate(n, data)
    gen = time.perf_counter() - started
    project = scratch / "runner_project"
    if not project.exists():
        shutil.copytree(PROJECT, project)
        write_seeds(project)
    ogi_wh, bare_wh, dbt_wh = scratch / f"ogi_{n}.duckdb", scratch / f"bare_{n}.duckdb", scratch / f"dbt_{n}.duckdb"
    env = {**os.environ, "BENCH_DATA": str(data), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    plan_file = scratch / f"plan_{n}.json"
    plan_file.write_text(json.dumps(bare_plan(project, env), ensure_ascii=False), encoding="utf-8")
    runner = scratch / "bare_runner.py"
    runner.write_text(BARE_RUNNER, encoding="utf-8")

    build = [OGI, "build", "--project-dir", str(project), "--warehouse", str(ogi_wh)]
    median_time(build, 1, env, before=lambda: ogi_wh.unlink(missing_ok=True))  # untimed: the parse kept in target/
    t_ogi = median_time(build, runs, env, before=lambda: ogi_wh.unlink(missing_ok=True))
    t_bare = median_time([PYTHON, str(runner), str(plan_file), str(bare_wh)], runs, env,
                         before=lambda: bare_wh.unlink(missing_ok=True))
    facts = n * 100
    print(f"\nsynthetic {n:,} reports / {facts:,} facts (generated in {gen:.2f} s)")
    print(f"  ogi build                                  {t_ogi:6.3f}   (median of {runs}; fresh warehouse, "
          f"parsed project warm in target/)")
    print(f"  same compiled SQL directly in DuckDB       {t_bare:6.3f}")
    print(f"  ogi / bare: wall {t_ogi / t_bare:.2f}x, CPU {t_ogi.cpu / max(t_bare.cpu, 1e-9):.2f}x")
    if DBT.exists():
        t_dbt = median_time([str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(project),
                             "--target-path", str(scratch / "dbt_target"), "--log-path", str(scratch / "dbt_logs")],
                            dbt_runs, {**env, "OGI_WAREHOUSE": str(dbt_wh)},
                            before=lambda: dbt_wh.unlink(missing_ok=True))
        print(f"  dbt build (dbt-core 1.11, dbt-duckdb)      {t_dbt:6.3f}   (median of {dbt_runs})")
        print(f"  dbt / ogi: wall {t_dbt / t_ogi:.1f}x, CPU {t_dbt.cpu / max(t_ogi.cpu, 1e-9):.1f}x")
    else:
        print("  dbt build: skipped (no .dbt-venv; `make dbt-compat` creates it)")


def main() -> None:
    parser = argparse.ArgumentParser(description="ogi runner benchmark")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dbt-runs", type=int, default=1)
    parser.add_argument("--skip-bundled", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"ogi runner benchmark — {os.cpu_count()} cores, load average {load:.1f} (a loaded box inflates wall times)")
    scratch = Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    try:
        bench_help(5)
        if not args.skip_bundled:
            bench_bundled(args.runs, scratch)
        for size in [int(s) for s in args.sizes.split(",") if s]:
            bench_synthetic(size, args.runs, args.dbt_runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
