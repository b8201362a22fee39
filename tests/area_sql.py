"""Run the area models straight in DuckDB: the seed CSVs plus a small stg_raw__reports table.

The models' only Jinja is `{{ ref('…') }}`, so each ref becomes a plain table name here; this keeps
the resolution tests independent of the runner while still executing the committed SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MODELS = ROOT / "models"
REF = re.compile(r"\{\{\s*ref\(\s*'([a-z0-9_]+)'\s*\)\s*\}\}")

SEED_TYPES = {
    "areas": None,  # every column VARCHAR (codes keep their zeros)
    "area_aliases": None,
    "area_zones": None,
    "area_history": {"valid_from_year": "INTEGER", "valid_to_year": "INTEGER"},
}


@dataclass
class Report:
    report_id: str
    organ_name: str | None
    report_year: int | None = None
    mentions: list[str] = field(default_factory=list)


def seeded() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, types in SEED_TYPES.items():
        path = (SEEDS / f"{name}.csv").as_posix()
        overrides = ""
        if types:
            overrides = ", types={" + ", ".join(f"'{k}': '{v}'" for k, v in types.items()) + "}"
        con.execute(f"create table {name} as select * from read_csv('{path}', all_varchar=true{overrides})")
    con.execute("update areas set abolished = abolished")  # touch: fail early when a column is missing
    return con


def load_reports(con: duckdb.DuckDBPyConnection, reports: list[Report]) -> None:
    con.execute("drop table if exists stg_raw__reports")
    con.execute(
        "create table stg_raw__reports (report_id varchar, organ_name varchar, report_year integer,"
        " area_mentions struct(name varchar, level varchar, line integer)[])"
    )
    for r in reports:
        mentions = [{"name": n, "level": None, "line": i + 1} for i, n in enumerate(r.mentions)]
        con.execute("insert into stg_raw__reports values (?, ?, ?, ?)", [r.report_id, r.organ_name, r.report_year, mentions])


def model_sql(relpath: str) -> str:
    return REF.sub(lambda m: m.group(1), (MODELS / relpath).read_text(encoding="utf-8"))


def resolve(con: duckdb.DuckDBPyConnection, reports: list[Report]) -> dict[str, dict]:
    load_reports(con, reports)
    cur = con.execute(model_sql("intermediate/int_report_areas_resolved.sql"))
    cols = [d[0] for d in cur.description]
    return {row[0]: dict(zip(cols, row, strict=True)) for row in cur.fetchall()}
