"""Export warehouse models to files analysts open: CSV (UTF-8 with a BOM for Excel), Parquet, XLSX.

`export_models(warehouse, models, fmt=..., out=..., labels=..., bom=...)` is what `ogi export` calls.
Rows travel DuckDB → Arrow → polars, and polars writes the file (XLSX through xlsxwriter).

Column documentation comes from the project's YAML (`models:` / `seeds:` entries, dbt's shape):
`description`, and the Chinese label in `meta: {label_zh: "…"}` (also accepted under
`config: {meta: …}`, dbt ≥ 1.10's spelling). `labels="zh"` renames columns to those labels.
With no model named, the project's marts are exported (models under a `marts` folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ogi.query import WarehouseError, fetch_frame, flatten_nested, list_relations, open_read_only

if TYPE_CHECKING:
    import duckdb
    import polars as pl

ExportFormat = Literal["csv", "parquet", "xlsx"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "parquet", "xlsx")
LabelLanguage = Literal["en", "zh"]
LABEL_KEY = "label_zh"
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row
MART_PREFIXES = ("fct_", "dim_", "rpt_")


@dataclass
class ColumnDoc:
    name: str
    description: str = ""
    label_zh: str = ""


@dataclass
class ModelDoc:
    """What the project's YAML says about one model or seed."""

    name: str
    description: str = ""
    path: str = ""
    label_zh: str = ""
    columns: dict[str, ColumnDoc] = field(default_factory=dict)


@dataclass
class ExportResult:
    model: str
    path: Path
    rows: int


def _meta(entry: dict[str, Any]) -> dict[str, Any]:
    meta = dict(entry.get("meta") or {})
    config = entry.get("config") or {}
    if isinstance(config, dict):
        meta = {**(config.get("meta") or {}), **meta}
    return meta


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def _project_paths(root: Path) -> list[Path]:
    config = _read_yaml(root / "dbt_project.yml") or {}
    names = [*(config.get("model-paths") or ["models"]), *(config.get("seed-paths") or ["seeds"])]
    return [root / name for name in names]


def load_model_docs(project_root: str | os.PathLike[str] = ".") -> dict[str, ModelDoc]:
    """Every documented model and seed of the project, by name (from its YAML files)."""
    root = Path(project_root)
    docs: dict[str, ModelDoc] = {}
    for folder in _project_paths(root):
        for path in sorted([*folder.rglob("*.yml"), *folder.rglob("*.yaml")]):
            content = _read_yaml(path)
            if not isinstance(content, dict):
                continue
            for key in ("models", "seeds"):
                for entry in content.get(key) or []:
                    if isinstance(entry, dict) and entry.get("name"):
                        doc = _model_doc(entry, path.parent.relative_to(root).as_posix())
                        docs[doc.name] = doc
    return docs


def _model_doc(entry: dict[str, Any], folder: str) -> ModelDoc:
    columns: dict[str, ColumnDoc] = {}
    for column in entry.get("columns") or []:
        if isinstance(column, dict) and column.get("name"):
            name = str(column["name"])
            columns[name] = ColumnDoc(
                name=name,
                description=str(column.get("description") or "").strip(),
                label_zh=str(_meta(column).get(LABEL_KEY) or "").strip(),
            )
    return ModelDoc(
        name=str(entry["name"]),
        description=str(entry.get("description") or "").strip(),
        path=folder,
        label_zh=str(_meta(entry).get(LABEL_KEY) or "").strip(),
        columns=columns,
    )


def zh_column_names(columns: Sequence[str], doc: ModelDoc | None) -> list[str]:
    """Column names in Chinese where the YAML gives a label; unique even if two labels collide."""
    names: list[str] = []
    for column in columns:
        label = doc.columns[column].label_zh if doc and column in doc.columns else ""
        name = label or column
        if name in names:
            name = f"{name}（{column}）"
        names.append(name)
    return names


def default_export_models(con: duckdb.DuckDBPyConnection, docs: dict[str, ModelDoc]) -> list[str]:
    """The marts: documented models under a `marts` folder that exist in the warehouse, else
    every relation named fct_/dim_/rpt_ (dbt's naming of marts)."""
    present = set(list_relations(con).column("name"))
    marts = [name for name, doc in docs.items() if "marts" in doc.path.split("/") and name in present]
    if marts:
        return sorted(marts)
    return sorted(name for name in present if name.startswith(MART_PREFIXES))


def resolve_relation(con: duckdb.DuckDBPyConnection, model: str) -> str:
    """The quoted schema.name of a model in the warehouse (main schema first)."""
    relations = list_relations(con)
    matches = [row for row in relations.dicts() if row["name"] == model]
    if not matches:
        known = ", ".join(sorted(set(relations.column("name")))) or "none — is the warehouse built?"
        raise WarehouseError(f"no model named {model!r} in the warehouse; known: {known}")
    matches.sort(key=lambda row: row["schema"] != "main")
    schema = matches[0]["schema"]
    return f'"{schema}"."{model}"'


def read_model(con: duckdb.DuckDBPyConnection, model: str) -> pl.DataFrame:
    """All rows of one model."""
    return fetch_frame(con, f"select * from {resolve_relation(con, model)}")


def write_frame(frame: pl.DataFrame, path: Path, fmt: ExportFormat, bom: bool = True,
                doc: ModelDoc | None = None, source_columns: Sequence[str] = ()) -> None:
    """Write rows to one file of the given format."""
    if fmt == "csv":
        flatten_nested(frame).write_csv(path, include_bom=bom)
    elif fmt == "parquet":
        frame.write_parquet(path)
    elif fmt == "xlsx":
        _write_xlsx(flatten_nested(frame), path, doc, source_columns or frame.columns)
    else:
        raise WarehouseError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


def _write_xlsx(frame: pl.DataFrame, path: Path, doc: ModelDoc | None, source_columns: Sequence[str]) -> None:
    """One sheet of data (header frozen, filters on) and a `columns` sheet with the descriptions."""
    import polars as pl
    from xlsxwriter import Workbook

    if frame.height > XLSX_MAX_ROWS:
        raise WarehouseError(
            f"{path.stem} has {frame.height:,} rows, more than an Excel sheet holds; "
            "export it as csv or parquet instead"
        )
    about = pl.DataFrame(
        {
            "column": list(frame.columns),
            "name": list(source_columns),
            "label_zh": [_label(doc, column) for column in source_columns],
            "description": [_description(doc, column) for column in source_columns],
        }
    )
    with Workbook(str(path)) as workbook:
        frame.write_excel(workbook, worksheet=path.stem[:31], autofit=frame.height <= 5000,
                          freeze_panes=(1, 0), table_style="Table Style Light 9")
        about.write_excel(workbook, worksheet="columns", autofit=True)


def _label(doc: ModelDoc | None, column: str) -> str:
    return doc.columns[column].label_zh if doc and column in doc.columns else ""


def _description(doc: ModelDoc | None, column: str) -> str:
    return doc.columns[column].description if doc and column in doc.columns else ""


def export_models(
    warehouse: str | os.PathLike[str],
    models: Iterable[str] = (),
    fmt: ExportFormat = "csv",
    out: str | os.PathLike[str] = "exports",
    labels: LabelLanguage = "en",
    bom: bool = True,
    project_root: str | os.PathLike[str] = ".",
) -> list[ExportResult]:
    """Write each model (default: the marts) to OUT/<model>.<fmt>; one result per file written."""
    if fmt not in EXPORT_FORMATS:
        raise WarehouseError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if labels not in ("en", "zh"):
        raise WarehouseError(f"unknown labels {labels!r}; use en or zh")
    docs = load_model_docs(project_root)
    out_dir = Path(out)
    con = open_read_only(warehouse)
    try:
        names = list(models) or default_export_models(con, docs)
        if not names:
            raise WarehouseError(f"{warehouse} holds no marts to export; name the models to export")
        for name in names:  # fail on an unknown name before writing anything
            resolve_relation(con, name)
        out_dir.mkdir(parents=True, exist_ok=True)
        results = []
        for name in names:
            frame = read_model(con, name)
            source_columns = list(frame.columns)
            if labels == "zh":
                frame = frame.rename(dict(zip(source_columns, zh_column_names(source_columns, docs.get(name)),
                                              strict=True)))
            path = out_dir / f"{name}.{fmt}"
            write_frame(frame, path, fmt, bom=bom, doc=docs.get(name), source_columns=source_columns)
            results.append(ExportResult(model=name, path=path, rows=frame.height))
        return results
    finally:
        con.close()
