"""The typer app of the `ogi` command line (ogi/cli.py's main() runs it for anything its plain reading
of a runner command does not take, and `from ogi.cli import app` returns it): every command, its
options and help. The work is shared with ogi/cli.py (_session, _execute) and the library behind it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from ogi.cli import _execute, _fail, _session
from ogi.cli_coercion import install as _install_plain_coercion

_install_plain_coercion()  # str/Path/int options without typer's pydantic import (~90 ms a command)

app = typer.Typer(
    name="ogi",
    help="ogi — an analytics warehouse of China's government-information-disclosure annual reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rich costs ~0.1 s at every start
)

ProjectDir = Annotated[Path | None, typer.Option("--project-dir", help="The dbt project [default: nearest dbt_project.yml].")]
Target = Annotated[str | None, typer.Option("--target", "-t", help="profiles.yml target.")]
Vars = Annotated[str | None, typer.Option("--vars", help="YAML mapping of vars, e.g. '{year: 2023}'.")]
Warehouse = Annotated[str | None, typer.Option("--warehouse", "-w", help="Warehouse file [default: $OGI_WAREHOUSE or warehouse.duckdb].")]
Raw = Annotated[str | None, typer.Option("--raw", help="Raw Parquet directory [default: $OGI_RAW or data/raw].")]
Select = Annotated[list[str] | None, typer.Option("--select", "-s", help="Nodes to include (dbt syntax: name, +name, name+, tag:x, path:dir).")]
Exclude = Annotated[list[str] | None, typer.Option("--exclude", help="Nodes to leave out (same syntax).")]
FullRefresh = Annotated[bool, typer.Option("--full-refresh", help="Rebuild incremental models from scratch, reload seeds, and run every model and test (none reused).")]
FailFast = Annotated[bool, typer.Option("--fail-fast", "-x", help="Stop at the first failure.")]
Threads = Annotated[int | None, typer.Option("--threads", help="Nodes run at once [default: the profile's threads].")]
PartialParse = Annotated[bool, typer.Option("--partial-parse/--no-partial-parse",
                                            help="Load the parsed project from target/ when nothing it was made from changed.")]


@app.command("build")
def build(select: Select = None, exclude: Exclude = None, raw: Raw = None, warehouse: Warehouse = None,
          full_refresh: FullRefresh = False, fail_fast: FailFast = False, threads: Threads = None,
          project_dir: ProjectDir = None, target: Target = None, vars: Vars = None,
          partial_parse: PartialParse = True) -> None:
    """Seeds, models and data tests in dependency order, published atomically into the warehouse."""
    _execute("build", project_dir, target, vars, warehouse, raw, select, exclude, full_refresh, fail_fast, threads,
             partial_parse)


@app.command("run")
def run(select: Select = None, exclude: Exclude = None, raw: Raw = None, warehouse: Warehouse = None,
        full_refresh: FullRefresh = False, fail_fast: FailFast = False, threads: Threads = None,
        project_dir: ProjectDir = None, target: Target = None, vars: Vars = None,
        partial_parse: PartialParse = True) -> None:
    """Build models only (no seeds, no tests)."""
    _execute("run", project_dir, target, vars, warehouse, raw, select, exclude, full_refresh, fail_fast, threads,
             partial_parse)


@app.command("seed")
def seed(select: Select = None, exclude: Exclude = None, warehouse: Warehouse = None, threads: Threads = None,
         project_dir: ProjectDir = None, target: Target = None, vars: Vars = None,
         partial_parse: PartialParse = True) -> None:
    """Load the CSV seeds into the warehouse."""
    _execute("seed", project_dir, target, vars, warehouse, None, select, exclude, threads=threads,
             partial_parse=partial_parse)


@app.command("test")
def test(select: Select = None, exclude: Exclude = None, raw: Raw = None, warehouse: Warehouse = None,
         fail_fast: FailFast = False, threads: Threads = None, project_dir: ProjectDir = None,
         target: Target = None, vars: Vars = None, partial_parse: PartialParse = True) -> None:
    """Run data tests against the current warehouse (read-only)."""
    _execute("test", project_dir, target, vars, warehouse, raw, select, exclude, fail_fast=fail_fast, threads=threads,
             partial_parse=partial_parse)


@app.command("compile")
def compile_(select: Select = None, exclude: Exclude = None, raw: Raw = None, warehouse: Warehouse = None,
             dialect: Annotated[str | None, typer.Option("--dialect", help="Transpile with sqlglot (spark, trino, postgres, …).")] = None,
             quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only write target/compiled.")] = False,
             project_dir: ProjectDir = None, target: Target = None, vars: Vars = None,
             partial_parse: PartialParse = True) -> None:
    """Compile and validate models and tests into target/compiled (printing them, or their transpiled form)."""
    from ogi.errors import OgiError

    session = _session(project_dir, target, vars, warehouse, raw, partial_parse)
    try:
        nodes = session.compile(select, exclude)
        if dialect:
            from ogi.transpile import transpile_nodes

            texts = transpile_nodes(session.manifest, nodes, dialect)
        else:
            texts = {n.unique_id: n.compiled_code or "" for n in nodes}
    except OgiError as exc:
        _fail(str(exc))
        return
    if quiet:
        typer.echo(f"Compiled {len(nodes)} nodes into {session.manifest.project.target_dir / 'compiled'}")
        return
    for node in nodes:
        if node.resource_type == "model" and node.materialized != "ephemeral":
            typer.echo(f"-- {node.name} ({node.original_file_path})\n{texts[node.unique_id].strip()}\n")


@app.command("ls")
def ls(select: Select = None, exclude: Exclude = None,
       resource_type: Annotated[list[str] | None, typer.Option("--resource-type", help="model, seed, test, source.")] = None,
       output: Annotated[str, typer.Option("--output", "-o", help="name | path | selector | json.")] = "selector",
       project_dir: ProjectDir = None, target: Target = None, vars: Vars = None,
       partial_parse: PartialParse = True) -> None:
    """List the nodes a selection picks, in dependency order."""
    import json

    from ogi.errors import OgiError

    session = _session(project_dir, target, vars, partial_parse=partial_parse)
    types = tuple(resource_type or ("model", "seed", "test", "source"))
    try:
        chosen = session.graph.select(select, exclude, types)
    except OgiError as exc:
        _fail(str(exc))
        return
    nodes = session.manifest.all_nodes()
    ordered = [u for u in chosen if nodes[u].resource_type == "source"] + session.graph.order(chosen, ephemeral=True)
    for uid in ordered:
        node = nodes[uid]
        if output == "name":
            typer.echo(node.name)
        elif output == "path":
            typer.echo(node.original_file_path)
        elif output == "json":
            typer.echo(json.dumps({"name": node.name, "resource_type": node.resource_type, "unique_id": uid,
                                   "original_file_path": node.original_file_path, "depends_on": node.depends_on,
                                   "config": {k: v for k, v in node.config.items() if not k.startswith("_")}},
                                  ensure_ascii=False, default=str))
        else:
            typer.echo(".".join(node.fqn) if node.resource_type != "source" else f"source:{'.'.join(node.fqn)}")


@app.command("lineage")
def lineage(target_: Annotated[str, typer.Argument(metavar="MODEL[.COLUMN]", help="A model, or model.column for column lineage.")],
            raw: Raw = None, project_dir: ProjectDir = None, target: Target = None, vars: Vars = None) -> None:
    """Where a model's columns come from (column-level, through sqlglot), or a model's up/downstream."""
    from ogi.errors import OgiError
    from ogi.lineage import describe_lineage

    session = _session(project_dir, target, vars, None, raw)
    try:
        typer.echo(describe_lineage(session, target_))
    except OgiError as exc:
        _fail(str(exc))


@app.command("clean")
def clean(project_dir: ProjectDir = None) -> None:
    """Delete the project's clean-targets (target/ by default)."""
    import shutil

    from ogi.errors import OgiError
    from ogi.project import find_project_root, load_project

    try:
        project = load_project(find_project_root(project_dir))
    except OgiError as exc:
        _fail(str(exc))
        return
    from ogi.parsecache import FILE

    (project.target_dir / FILE).unlink(missing_ok=True)  # the kept parse, wherever clean-targets point
    for entry in project.clean_targets:
        path = (project.root / entry).resolve()
        if project.root.resolve() not in path.parents:
            _fail(f"clean-target {entry!r} is outside the project; refusing to delete it")
        if path.exists():
            shutil.rmtree(path)
            typer.echo(f"removed {path.relative_to(project.root.resolve())}/")


@app.command("version")
def version() -> None:
    """Print ogi's version."""
    from ogi import __version__

    typer.echo(__version__)
    if importlib.util.find_spec("ingest.cli") is not None:  # the project's loaders, when present
        from ingest.cli import version_line

        typer.echo(version_line())


# The analyst's commands (issue 8): query, export, docs — defined in ogi/cli_analyst.py.
from ogi.cli_analyst import docs_command, export_command, query_command  # noqa: E402

app.command("query")(query_command)
app.command("export")(export_command)
app.command("docs")(docs_command)

# `ogi ingest` lives in ingest/cli.py (another engineer's file); registered when it exists.
if importlib.util.find_spec("ingest.cli") is not None:
    from ingest.cli import ingest_command  # noqa: E402

    app.command("ingest")(ingest_command)
else:

    @app.command("ingest")
    def ingest_missing() -> None:
        """(not available yet: ingest/cli.py has not landed)"""
        _fail("`ogi ingest` is not available yet: ingest/cli.py does not exist")
