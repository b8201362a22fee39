"""The analyst's commands of the `ogi` CLI — `query`, `export`, `docs` — as thin typer wrappers.

ogi/cli.py registers these functions; the work happens in ogi.query, ogi.export and ogi.docs,
imported inside each command so that `ogi --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

WarehouseOption = Annotated[
    str | None,
    typer.Option("--warehouse", "-w", help="The DuckDB warehouse file [default: $OGI_WAREHOUSE or warehouse.duckdb]."),
]


def _warehouse(value: str | None) -> str:
    from ogi.query import default_warehouse

    return value or default_warehouse()


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def query_command(
    sql: Annotated[str | None, typer.Argument(
        help="The SQL to run, or .tables / .schema NAME; leave out for an interactive prompt.")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Output CSV.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Output a JSON array of objects.")] = False,
    table: Annotated[bool, typer.Option("--table", help="Output an aligned text table (the default).")] = False,
    warehouse: WarehouseOption = None,
) -> None:
    """Run read-only SQL against the warehouse (works while others read it), or open a prompt."""
    from ogi.query import OutputFormat, WarehouseError, query_result, render, repl, run_command

    if csv + json + table > 1:
        _fail("choose one of --csv, --json, --table")
    fmt: OutputFormat = "csv" if csv else "json" if json else "table"
    try:
        if sql is None:
            failures = repl(_warehouse(warehouse), stdin=sys.stdin, stdout=sys.stdout, fmt=fmt)
            raise typer.Exit(1 if failures else 0)
        if sql.strip().startswith("."):
            raise typer.Exit(run_command(sql.strip(), _warehouse(warehouse), fmt=fmt, stdout=sys.stdout))
        typer.echo(render(query_result(sql, _warehouse(warehouse)), fmt), nl=False)
    except WarehouseError as error:
        _fail(str(error))


def export_command(
    models: Annotated[list[str] | None, typer.Argument(help="Models to export [default: the marts].")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, parquet or xlsx.")] = "csv",
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write into.")] = Path("exports"),
    labels: Annotated[str, typer.Option("--labels", help="Column names: en, or zh (the YAML's meta.label_zh).")] = "en",
    no_bom: Annotated[bool, typer.Option("--no-bom", help="CSV in plain UTF-8, without the byte-order mark Excel needs.")] = False,
    warehouse: WarehouseOption = None,
    project_dir: Annotated[Path, typer.Option("--project-dir", help="Where dbt_project.yml is.")] = Path("."),
) -> None:
    """Write models to CSV (UTF-8 with BOM, opens in Excel), Parquet or XLSX files, one per model."""
    from ogi.export import EXPORT_FORMATS, export_models
    from ogi.query import WarehouseError

    if fmt not in EXPORT_FORMATS:
        _fail(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if labels not in ("en", "zh"):
        _fail(f"unknown labels {labels!r}; use en or zh")
    try:
        results = export_models(_warehouse(warehouse), models or (), fmt=fmt, out=out,  # type: ignore[arg-type]
                                labels=labels, bom=not no_bom, project_root=project_dir)  # type: ignore[arg-type]
    except WarehouseError as error:
        _fail(str(error))
        return
    for result in results:
        typer.echo(f"{result.path}  {result.rows:,} rows")


def docs_command(
    warehouse: WarehouseOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory of the static site.")] = Path("target/docs"),
    project_dir: Annotated[Path, typer.Option("--project-dir", help="Where dbt_project.yml is.")] = Path("."),
) -> None:
    """Write a static documentation site (models, columns, lineage, tests, checks, charts), viewable offline."""
    from ogi.docs import build_site
    from ogi.query import WarehouseError

    try:
        index = build_site(project_root=project_dir, warehouse=_warehouse(warehouse), out=out)
    except WarehouseError as error:
        _fail(str(error))
        return
    typer.echo(f"wrote {index}")
