"""Raw Parquet for warehouse tests, written from the hand-checked expected JSON of the report fixtures.

The expected files (tests/fixtures/reports/*.json) are the truth about what each report states, so
turning them into rows of the raw layer (ingest/schema.py) gives the SQL layer an honest input that
does not depend on the parsers. Template-era facts become keyed table cells, pre-2019 facts become
prose figures. `Variation`s add what a real corpus has and the fixtures lack: a re-posted copy of a
report, broken source arithmetic, a government-wide report next to its own department's report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures" / "reports"

# The raw table a template fact's cell sits in, by section (disclosure tables are numbered by item).
_DISCLOSURE_TABLE = {
    "regulations": "disclosure_art20_1",
    "normative_documents": "disclosure_art20_1",
    "administrative_licensing": "disclosure_art20_2",
    "other_management_services": "disclosure_art20_2",
    "administrative_penalty": "disclosure_art20_3",
    "administrative_coercion": "disclosure_art20_3",
    "administrative_fees": "disclosure_art20_4",
    "government_procurement": "disclosure_art20_5",
}


def fixture_ids() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def load_expected(fixture_id: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{fixture_id}.json").read_text(encoding="utf-8"))


def report_id_for(name: str) -> str:
    """A stable 16-hex report id, shaped like ingest's (first 16 hex chars of a sha256)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


@dataclass
class RawReport:
    """One report's rows in the four raw tables (cells and figures as dicts of the raw schema)."""

    report: dict[str, Any]
    cells: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def report_id(self) -> str:
        return str(self.report["report_id"])

    def set_value(self, section: str, item: str, measure: str, value: float | None) -> None:
        """Overwrite one fact's value (to break the source arithmetic on purpose)."""
        for row in self.cells + self.figures:
            if (row["section"], row["item"], row["measure"]) == (section, item, measure):
                row["value"] = value
                return
        raise KeyError((section, item, measure))


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _area_mentions(area: dict[str, str | None]) -> list[dict[str, Any]]:
    levels = ("province", "prefecture", "county", "township")
    return [{"name": area[lv], "level": lv, "line": 1} for lv in levels if area.get(lv)]


def raw_report_from_fixture(
    fixture_id: str, *, name: str | None = None, scope: str | None = None, published: str | None = None
) -> RawReport:
    """The raw rows a perfect parser would write for fixture `fixture_id`.

    `name` changes the source path (and so the report id): a re-post of the same report.
    """
    exp = load_expected(fixture_id)
    name = name or fixture_id
    rid = report_id_for(name)
    template = exp["template"]
    facts = exp["facts"]
    tabular = template in ("2019", "2021")
    report = {
        "report_id": rid,
        "source_path": f"data/reports/{name}.txt",
        "source_paths": [f"data/reports/{name}.txt"],
        "source_sha256": hashlib.sha256(name.encode()).hexdigest(),
        "source_format": "text",
        "encoding": "utf-8",
        "size_bytes": 1000 + len(facts),
        "title": f"{exp['organ']}{exp['report_year']}年政府信息公开工作年度报告",
        "organ_name": exp["organ"],
        "organ_source": "title",
        "organ_kind": exp["organ_kind"],
        "level": exp["level"],
        "scope": scope or ("aggregate" if exp["organ_kind"] == "government" else "own"),
        "area_mentions": _area_mentions(exp["area"]),
        "report_year": exp["report_year"],
        "report_year_source": "title",
        "published_date": _date(published if published is not None else exp.get("published")),
        "url": None,
        "template": template,
        "parser_version": "fixture",
        "status": "ok" if facts else "no_facts",
        "warnings": [],
        "n_cells": len(facts) if tabular else 0,
        "n_figures": 0 if tabular else len(facts),
    }
    raw = RawReport(report)
    for i, f in enumerate(facts):
        text = "" if f["value"] is None else f"{f['value']:g}"
        if tabular:
            table = f["section"] if f["section"] != "disclosure" else _DISCLOSURE_TABLE[f["item"]]
            raw.cells.append(
                {
                    "report_id": rid, "table_name": table, "table_index": 0, "row_index": i, "col_index": 0,
                    "raw_row_label": f["item"], "raw_col_label": f["measure"],
                    "section": f["section"], "item": f["item"], "measure": f["measure"],
                    "raw_text": text, "value": f["value"], "status": f["status"], "unit": None,
                    "line": 100 + i, "warning": None,
                }
            )
        else:
            raw.figures.append(
                {
                    "report_id": rid, "section": f["section"], "item": f["item"], "measure": f["measure"],
                    "value": f["value"], "status": f["status"], "approx": bool(f["approx"]),
                    "stated_zero": f["status"] == "stated_zero", "unit": None,
                    "sentence": f"{f['item']} {f['measure']} {text}", "line": 10 + i,
                }
            )
    return raw


def error_row(name: str, kind: str, reason: str) -> dict[str, Any]:
    return {
        "source_path": f"data/reports/{name}", "source_sha256": hashlib.sha256(name.encode()).hexdigest(),
        "size_bytes": 0, "error_kind": kind, "reason": reason, "parser_version": "fixture",
    }


def write_raw(raw_dir: Path, reports: Iterable[RawReport], errors: Iterable[dict[str, Any]] = ()) -> Path:
    """Write <raw_dir>/{reports,cells,figures,errors}/part-0.parquet with the schemas of ingest.schema."""
    reports = list(reports)
    rows: dict[str, list[dict[str, Any]]] = {
        "reports": [r.report for r in reports],
        "cells": [c for r in reports for c in r.cells],
        "figures": [f for r in reports for f in r.figures],
        "errors": list(errors),
    }
    for table, schema in TABLES.items():
        out = raw_dir / table
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows[table], schema=schema), out / "part-0.parquet")
    return raw_dir


def standard_corpus() -> tuple[list[RawReport], list[dict[str, Any]]]:
    """Every fixture, plus the situations the marts must handle.

    - d07 re-posted under another name with an earlier date: one organ+year twice (a duplicate);
    - d08 with broken arithmetic (granted raised by 5 in the natural-person column, an appeals
      total off by one): report_checks must show it, the build must not fail;
    - d03 (a department, scope own) beside d10-style aggregate reports is covered by the fixtures.
    """
    reports = [raw_report_from_fixture(fid) for fid in fixture_ids()]
    by_id = {r.report["source_path"].rsplit("/", 1)[-1].removesuffix(".txt"): r for r in reports}
    reports.append(raw_report_from_fixture("d07", name="d07_repost", published="2024-01-02"))
    broken = by_id["d08"]
    granted = next(
        c for c in broken.cells if (c["item"], c["measure"]) == ("granted", "natural_person")
    )
    broken.set_value("applications", "granted", "natural_person", granted["value"] + 5)
    total = next(
        c for c in broken.cells if (c["item"], c["measure"]) == ("administrative_reconsideration", "total")
    )
    broken.set_value("appeals", "administrative_reconsideration", "total", total["value"] + 1)
    errors = [error_row("broken.pdf", "parse_error", "PDF has no text layer and no tables")]
    return reports, errors


def carry_over_pair() -> RawReport:
    """d02 (君山片区 2021) one year on: its carried_over matches d02's carried_to_next_year except in
    the natural-person column, off by 2 (and so the total column) — while its own table still adds up."""
    nxt = raw_report_from_fixture("d02", name="d02_next_year", published="2023-01-10")
    nxt.report["report_year"] = 2022
    nxt.report["title"] = nxt.report["title"].replace("2021", "2022")
    for column in ("natural_person", "total"):
        for item in ("carried_over", "carried_to_next_year"):
            cell = next(c for c in nxt.cells if (c["item"], c["measure"]) == (item, column))
            nxt.set_value("applications", item, column, cell["value"] + 2)
    return nxt


def aggregate_beside_department() -> RawReport:
    """A government-wide (scope aggregate) report of the area and year of department report d03."""
    agg = raw_report_from_fixture("d03", name="d03_area_aggregate", scope="aggregate")
    agg.report["organ_name"] = "平潭综合实验区管理委员会"
    agg.report["organ_kind"] = "government"
    agg.report["title"] = "平潭综合实验区管理委员会2022年政府信息公开工作年度报告"
    # the government-wide figures include more than one department (and still add up)
    for item in ("new_received", "granted", "total_processed"):
        for column in ("natural_person", "total"):
            cell = next(c for c in agg.cells if (c["item"], c["measure"]) == (item, column))
            cell["value"] = cell["value"] + 40
    return agg


def table_and_prose() -> RawReport:
    """Fixture 003 with a prose restatement that disagrees with its table (the table must win)
    and a prose-only figure (it must be kept)."""
    raw = raw_report_from_fixture("003_370a2057b485fcf4", name="003_with_prose")
    raw.report["organ_name"] = "关岭县顶云街道办事处（含散文）"
    rid = raw.report_id
    for item, measure, value in (("new_received", "total", 200.0), ("applications_received", "total", 200.0)):
        raw.figures.append(
            {
                "report_id": rid, "section": "applications", "item": item, "measure": measure,
                "value": value, "status": "reported", "approx": True, "stated_zero": False, "unit": None,
                "sentence": "全年共收到申请200余件", "line": 12,
            }
        )
    return raw


def revision_of(fixture_id: str) -> RawReport:
    """A later corrected version of a report: same organ and year, one figure changed."""
    rev = raw_report_from_fixture(fixture_id, name=f"{fixture_id}_revised", published="2025-06-30")
    first = next(c for c in rev.cells if c["section"] == "disclosure" and c["value"] is not None)
    first["value"] = first["value"] + 1
    return rev


def image_only_copy(fixture_id: str) -> RawReport:
    """A later scan of a report with no text layer: same organ and year, no figures."""
    scan = raw_report_from_fixture(fixture_id, name=f"{fixture_id}_scan", published="2030-01-01")
    scan.cells.clear()
    scan.figures.clear()
    scan.report.update(status="image_only", template="unknown", n_cells=0, n_figures=0)
    return scan


def full_corpus() -> tuple[list[RawReport], list[dict[str, Any]]]:
    reports, errors = standard_corpus()
    reports += [
        carry_over_pair(), aggregate_beside_department(), table_and_prose(), revision_of("d04"),
        image_only_copy("d05"),
    ]
    return reports, errors


def build_warehouse(raw_dir: Path, warehouse: Path, *extra: str) -> Any:
    """Run `ogi build` on the project over raw_dir; return the completed process."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    ogi = Path(sys.executable).with_name("ogi")
    env = {**os.environ, "OGI_RAW": str(raw_dir), "OGI_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        [str(ogi), "build", "--raw", str(raw_dir), "--warehouse", str(warehouse), *extra],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
