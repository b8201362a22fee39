"""A tiny built project for the analyst-side tests (query, export, docs): a DuckDB warehouse, the
project YAML with Chinese labels, and the runner's artifacts in dbt's shape (manifest.json,
run_results.json). Small and generic on purpose — the real warehouse is tested through
warehouse.duckdb.example when it exists."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import duckdb

MODELS_YML = """\
version: 2
models:
  - name: fct_requests
    description: One row per organ and year with the requests it received.
    meta: {label_zh: 申请情况}
    columns:
      - name: organ_name
        description: The organ that published the report.
        meta: {label_zh: 发布机关}
        data_tests: [not_null]
      - name: report_year
        description: The year the report covers.
        meta: {label_zh: 报告年度}
      - name: level
        description: Administrative level.
        meta: {label_zh: 行政层级}
      - name: received
        description: Requests received this year.
        meta: {label_zh: 本年新收申请数量}
      - name: granted
        description: Requests granted.
        meta: {label_zh: 予以公开}
      - name: denied
        description: Requests denied.
        config: {meta: {label_zh: 不予公开}}
"""

STAGING_YML = """\
version: 2
models:
  - name: stg_requests
    description: The raw requests, renamed.
    columns:
      - name: organ
        description: Organ name as printed.
"""

ANALYSES_YML = """\
version: 2
analyses:
  - name: chart_requests
    description: Requests by year and level.
    config:
      meta:
        ogi_docs: chart
        title: Requests by year
        ogi_chart: {x: report_year, facet: level, total: received, parts: [granted, denied],
                    labels: {granted: granted 予以公开}}
  - name: table_requests
    description: The organs with the most requests.
    config: {meta: {ogi_docs: table, title: Busiest organs}}
  - name: broken_panel
    description: Refers to a model that does not exist.
    config: {meta: {ogi_docs: table, title: Broken}}
"""

ROWS = [
    ("北京市人民政府", 2020, "province", 120, 80, 10),
    ("北京市人民政府", 2021, "province", 150, 90, 20),
    ("海淀区人民政府", 2020, "county", 40, 30, 5),
    ("海淀区人民政府", 2021, "county", 55, 35, 4),
    ("中关村街道办事处", 2021, "township", 3, 3, 0),
]

STG_SQL = 'select organ_name as organ, report_year, level, received, granted, denied from "main"."raw_requests"'
FCT_SQL = 'with s as (select * from "main"."stg_requests")\nselect organ as organ_name, report_year, level,\n' \
          '    received, granted, denied\nfrom s'


def build_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create table raw_requests (organ_name varchar, report_year integer, level varchar, "
                "received integer, granted integer, denied integer)")
    con.executemany("insert into raw_requests values (?, ?, ?, ?, ?, ?)", ROWS)
    con.execute(f"create view stg_requests as {STG_SQL}")
    con.execute(f"create table fct_requests as {FCT_SQL}")
    con.execute("comment on column fct_requests.received is 'Requests received this year.'")
    con.close()
    return path


def _model(name: str, folder: str, sql: str, parents: list[str], materialized: str) -> dict[str, object]:
    return {
        "unique_id": f"model.demo.{name}", "resource_type": "model", "name": name,
        "original_file_path": f"models/{folder}/{name}.sql", "config": {"materialized": materialized},
        "depends_on": {"nodes": parents}, "compiled_code": sql, "relation_name": f'"main"."{name}"',
        "description": "", "columns": {},
    }


def manifest() -> dict[str, object]:
    seed = {"unique_id": "seed.demo.raw_requests", "resource_type": "seed", "name": "raw_requests",
            "original_file_path": "seeds/raw_requests.csv", "relation_name": '"main"."raw_requests"',
            "config": {"materialized": "seed"}, "depends_on": {"nodes": []}, "columns": {}}
    stg = _model("stg_requests", "staging", STG_SQL, ["seed.demo.raw_requests"], "view")
    stg["description"] = "The raw requests, renamed."
    fct = _model("fct_requests", "marts", FCT_SQL, ["model.demo.stg_requests"], "table")
    fct["description"] = "One row per organ and year with the requests it received."
    fct["meta"] = {"label_zh": "申请情况"}
    fct["columns"] = {
        "organ_name": {"name": "organ_name", "description": "The organ that published the report.",
                       "meta": {"label_zh": "发布机关"}},
        "received": {"name": "received", "description": "Requests received this year.",
                     "meta": {"label_zh": "本年新收申请数量"}},
    }
    test = {"unique_id": "test.demo.not_null_fct_requests_organ_name", "resource_type": "test",
            "name": "not_null_fct_requests_organ_name", "column_name": "organ_name",
            "attached_node": "model.demo.fct_requests", "test_metadata": {"name": "not_null"},
            "config": {"severity": "ERROR"}, "depends_on": {"nodes": ["model.demo.fct_requests"]}}
    failing = {"unique_id": "test.demo.accepted_values_fct_requests_level", "resource_type": "test",
               "name": "accepted_values_fct_requests_level", "column_name": "level",
               "attached_node": "model.demo.fct_requests", "test_metadata": {"name": "accepted_values"},
               "config": {"severity": "warn"}, "depends_on": {"nodes": ["model.demo.fct_requests"]}}
    nodes = {n["unique_id"]: n for n in (seed, stg, fct, test, failing)}
    return {"metadata": {"project_name": "demo", "generated_at": "2026-01-01T00:00:00Z"},
            "nodes": nodes, "sources": {}}


RUN_RESULTS = {"results": [
    {"unique_id": "model.demo.fct_requests", "status": "success"},
    {"unique_id": "test.demo.not_null_fct_requests_organ_name", "status": "pass", "failures": 0},
    {"unique_id": "test.demo.accepted_values_fct_requests_level", "status": "warn", "failures": 1,
     "message": "Got 1 result, configured to warn if != 0"},
]}


def build_project(root: Path) -> Path:
    """A project folder with YAML, analyses, target/ artifacts and warehouse.duckdb; returns root."""
    (root / "models" / "marts").mkdir(parents=True)
    (root / "models" / "staging").mkdir(parents=True)
    (root / "analyses").mkdir()
    (root / "target").mkdir()
    (root / "dbt_project.yml").write_text("name: demo\nprofile: demo\nmodel-paths: [models]\n", encoding="utf-8")
    (root / "models" / "marts" / "_marts__models.yml").write_text(MODELS_YML, encoding="utf-8")
    (root / "models" / "staging" / "_staging__models.yml").write_text(STAGING_YML, encoding="utf-8")
    (root / "analyses" / "_analyses.yml").write_text(ANALYSES_YML, encoding="utf-8")
    (root / "analyses" / "chart_requests.sql").write_text(textwrap.dedent("""\
        select level, report_year, sum(received) as received, sum(granted) as granted, sum(denied) as denied
        from {{ ref('fct_requests') }} group by all"""), encoding="utf-8")
    (root / "analyses" / "table_requests.sql").write_text(
        "select organ_name, sum(received) as received from {{ ref('fct_requests') }} group by 1 order by 2 desc",
        encoding="utf-8")
    (root / "analyses" / "broken_panel.sql").write_text("select * from {{ ref('no_such_model') }}", encoding="utf-8")
    (root / "target" / "manifest.json").write_text(json.dumps(manifest(), ensure_ascii=False), encoding="utf-8")
    (root / "target" / "run_results.json").write_text(json.dumps(RUN_RESULTS), encoding="utf-8")
    build_warehouse(root / "warehouse.duckdb")
    return root


REPO = Path(__file__).resolve().parents[1]


def scratch_project(work: Path) -> Path:
    """A scratch copy of the real project in WORK: project files linked, models copied (so a test may
    add one), data/reports linked; target/ and the warehouses written there stay out of the repo."""
    for name in ("dbt_project.yml", "profiles.yml", "seeds", "macros", "analyses"):
        (work / name).symlink_to(REPO / name)
    import shutil

    shutil.copytree(REPO / "models", work / "models")
    (work / "tests").mkdir()
    (work / "tests" / "data").symlink_to(REPO / "tests" / "data")
    (work / "data").mkdir()
    (work / "data" / "reports").symlink_to(REPO / "data" / "reports")
    return work
