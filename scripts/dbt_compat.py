"""dbt compatibility check: build the project with ogi and with dbt-core 1.11 + dbt-duckdb 1.11, then
compare every mart's columns, row count and an order-independent checksum.

    python scripts/dbt_compat.py [--raw data/raw] [--dbt .dbt-venv/bin/dbt] [--keep DIR]

`make dbt-compat` creates .dbt-venv/ and runs this. Exit status 0 when all marts match.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str], env: dict[str, str], label: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-3000:])
        raise SystemExit(f"{label} failed (exit {proc.returncode}): {' '.join(cmd)}")
    return elapsed


def mart_relations() -> list[tuple[str, str, str]]:
    """(name, schema, identifier) of every model under models/marts/, from ogi's manifest."""
    from ogi import Session

    session = Session(ROOT)
    marts = []
    for node in session.manifest.models():
        if len(node.fqn) > 2 and node.fqn[1] == "marts" and node.materialized != "ephemeral":
            rel = node.relation()
            marts.append((node.name, str(rel.schema), rel.identifier))
    return sorted(marts)


def fingerprint(path: Path, schema: str, table: str) -> tuple[list[str], int, int]:
    """Column names, row count and a checksum that ignores row order and INTEGER-vs-BIGINT typing."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        rel = f'"{schema}"."{table}"'
        columns = [r[0] for r in con.execute(f"describe {rel}").fetchall()]
        n, checksum = con.execute(f"select count(*), coalesce(sum(hash(cast(t as varchar))), 0) from {rel} t").fetchone()
        return columns, int(n), int(checksum)
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default=os.environ.get("OGI_RAW", "data/raw"))
    parser.add_argument("--dbt", default=str(ROOT / ".dbt-venv" / "bin" / "dbt"))
    parser.add_argument("--ogi", default=str(ROOT / ".venv" / "bin" / "ogi"))
    parser.add_argument("--keep", help="keep the two warehouses and dbt's target/ in this folder")
    args = parser.parse_args()
    if not Path(args.dbt).exists():
        raise SystemExit(f"{args.dbt} not found; run `make dbt-compat` (it creates .dbt-venv)")
    raw = str(Path(args.raw).resolve())
    if not Path(raw).is_dir():
        raise SystemExit(f"raw directory {raw} not found; run `make ingest` first")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ogi-dbt-compat-"))
    work.mkdir(parents=True, exist_ok=True)
    ogi_wh, dbt_wh = work / "ogi.duckdb", work / "dbt.duckdb"
    for path in (ogi_wh, dbt_wh):
        path.unlink(missing_ok=True)
    env = {**os.environ, "OGI_RAW": raw, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    t_ogi = run([args.ogi, "build", "--raw", raw, "--warehouse", str(ogi_wh)], env, "ogi build")
    t_dbt = run([args.dbt, "build", "--profiles-dir", str(ROOT), "--target-path", str(work / "dbt-target"),
                 "--log-path", str(work / "dbt-logs")], {**env, "OGI_WAREHOUSE": str(dbt_wh)}, "dbt build")
    print(f"ogi build {t_ogi:.2f}s, dbt build {t_dbt:.2f}s (wall, including start-up)")

    mismatches = 0
    print(f"{'mart':<28} {'ogi rows':>9} {'dbt rows':>9}  checksum  columns")
    for name, schema, table in mart_relations():
        ours, theirs = fingerprint(ogi_wh, schema, table), fingerprint(dbt_wh, schema, table)
        same_sum = ours[2] == theirs[2]
        same_cols = ours[0] == theirs[0]
        ok = same_sum and same_cols and ours[1] == theirs[1]
        mismatches += not ok
        print(f"{name:<28} {ours[1]:>9} {theirs[1]:>9}  {'same' if same_sum else 'DIFFERS':<8}  "
              f"{'same' if same_cols else 'DIFFER: ' + str(sorted(set(ours[0]) ^ set(theirs[0])))}")
    if mismatches:
        print(f"{mismatches} mart(s) differ between ogi and dbt (warehouses in {work})")
        return 1
    print("all marts match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
