"""Fast raw-Parquet corpus (ingest.schema layout) for warehouse benchmarks, without parsing.

`K` prototype reports are generated in full (bench.synth.report) and their truth turned into raw
`cells` / `figures` rows; N reports then each take a fresh organ, area, year and id and the
cells of prototype i % K (polars join), so 100k reports (~10M cells) are written in seconds.
Values therefore repeat across reports, but every report is internally consistent and has the
shape ingest writes: <raw>/{reports,cells,figures,errors}/part-NNNNN.parquet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bench.synth.areas import pick_organ
from bench.synth.layout import TableBlock
from bench.synth.report import ERAS, SynthReport, make_report
from ingest import schema

PARSER_VERSION = "synth-0"


def _cell_rows(r: SynthReport) -> list[dict[str, Any]]:
    rows = []
    for ti, t in enumerate(b for b in r.blocks if isinstance(b, TableBlock)):
        cover = t.cover()
        header_rows = [i for i, row in enumerate(t.rows) if row and all(c.header for c in row)]
        for ri, grid_row in enumerate(cover):
            for ci, (r0, c0, cell) in enumerate(grid_row):
                if (r0, c0) != (ri, ci) or cell.key is None:
                    continue
                labels = [x[2].text for x in grid_row[:ci] if x[2].key is None]
                col_label = next((cover[h][ci][2].text for h in reversed(header_rows) if h < ri), None)
                k = cell.key
                rows.append({
                    "table_name": k.table_name, "table_index": ti, "row_index": ri, "col_index": ci,
                    "raw_row_label": "/".join(dict.fromkeys(labels)) or None, "raw_col_label": col_label,
                    "section": k.section, "item": k.item, "measure": k.measure, "raw_text": cell.text,
                    "value": None if cell.value is None else float(cell.value), "status": cell.status,
                    "unit": "万元" if k.measure == "amount_10k_yuan" else None, "line": None, "warning": None,
                })
    return rows


def _figure_rows(r: SynthReport) -> list[dict[str, Any]]:
    return [{"section": f.section, "item": f.item, "measure": f.measure,
             "value": None if f.value is None else float(f.value), "status": f.status, "approx": f.approx,
             "stated_zero": f.status == "stated_zero", "unit": None, "sentence": "", "line": None}
            for f in r.truth_figures]


def _prototypes(seed: int, k: int, damage_rate: float) -> tuple[list[SynthReport], pl.DataFrame, pl.DataFrame]:
    protos = [make_report(seed, i, ERAS, damage_rate) for i in range(k)]
    cells, figs = [], []
    for p, r in enumerate(protos):
        cells += [{"proto": p, **row} for row in _cell_rows(r)]
        figs += [{"proto": p, **row} for row in _figure_rows(r)]
    cdf = pl.from_arrow(pa.Table.from_pylist(cells, schema=pa.schema([("proto", pa.int64()), *list(schema.CELLS)[1:]])))
    fdf = pl.from_arrow(pa.Table.from_pylist(figs, schema=pa.schema([("proto", pa.int64()), *list(schema.FIGURES)[1:]])))
    return protos, cdf, fdf  # type: ignore[return-value]


def _year_for(rng: random.Random, template: str) -> int:
    return rng.randint(2008, 2018) if template == "pre2019" else rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2025)


def _report_rows(seed: int, start: int, stop: int, protos: list[SynthReport],
                 n_cells: dict[int, int], n_figs: dict[int, int]) -> list[dict[str, Any]]:
    rows = []
    for i in range(start, stop):
        rng = random.Random(f"ogi-synth-raw:{seed}:{i}")
        p = i % len(protos)
        proto = protos[p]
        organ = pick_organ(rng)
        tpl = proto.meta["template"]
        year = _year_for(rng, tpl)
        sha = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()
        path = f"synth/{seed}/{i:07d}.txt"
        published = dt.date(year + 1, 1, 10) + dt.timedelta(days=rng.randint(0, 80))
        rows.append({
            "report_id": sha[:16], "proto": p, "source_path": path, "source_paths": [path], "source_sha256": sha,
            "source_format": "text", "encoding": "utf-8", "size_bytes": 4000 + rng.randint(0, 20000),
            "title": f"{organ.name}{year}年政府信息公开工作年度报告", "organ_name": organ.name,
            "organ_source": "title", "organ_kind": organ.kind, "level": organ.level, "scope": "own",
            "area_mentions": [{"name": n, "level": lv, "line": 1} for lv, n in organ.area().items() if n],
            "report_year": year, "report_year_source": "title", "published_date": published,
            "url": None, "template": tpl, "parser_version": PARSER_VERSION, "status": "ok", "warnings": [],
            "n_cells": n_cells.get(p, 0), "n_figures": n_figs.get(p, 0),
        })
    return rows


def write_raw(out: str | Path, n: int, seed: int = 0, prototypes: int = 500, chunk: int = 20_000,
              damage_rate: float = 0.3) -> dict[str, int]:
    """Write n reports of raw Parquet under `out`; returns row counts per table."""
    out = Path(out)
    for t in schema.TABLES:
        (out / t).mkdir(parents=True, exist_ok=True)
    protos, cdf, fdf = _prototypes(seed, min(prototypes, max(n, 1)), damage_rate)
    n_cells = dict(cdf.group_by("proto").len().iter_rows())
    n_figs = dict(fdf.group_by("proto").len().iter_rows())
    counts = dict.fromkeys(schema.TABLES, 0)
    report_schema = pa.schema([*schema.REPORTS, pa.field("proto", pa.int64())])
    for part, start in enumerate(range(0, n, chunk)):
        rows = _report_rows(seed, start, min(n, start + chunk), protos, n_cells, n_figs)
        rep = pa.Table.from_pylist(rows, schema=report_schema)
        ids = pl.from_arrow(rep.select(["report_id", "proto"]))
        assert isinstance(ids, pl.DataFrame)
        name = f"part-{part:05d}.parquet"
        pq.write_table(rep.select(schema.REPORTS.names), out / "reports" / name)
        for table, frame in (("cells", cdf), ("figures", fdf)):
            joined = ids.join(frame, on="proto", how="inner").select(schema.TABLES[table].names)
            joined.write_parquet(out / table / name, statistics=False)
            counts[table] += joined.height
        counts["reports"] += rep.num_rows
    errors = [{"source_path": f"synth/{seed}/broken-{i}.txt", "source_sha256": hashlib.sha256(f"e{i}".encode()).hexdigest(),
               "size_bytes": 0, "error_kind": "empty", "reason": "empty file", "parser_version": PARSER_VERSION}
              for i in range(max(1, n // 1000))]
    pq.write_table(pa.Table.from_pylist(errors, schema=schema.ERRORS), out / "errors" / "part-00000.parquet")
    counts["errors"] = len(errors)
    return counts
