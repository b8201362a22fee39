"""ogi: a dbt-compatible model runner on DuckDB, and the `ogi` command line.

Library API (what the CLI, docs, export and query commands build on)::

    from ogi import Session
    session = Session(".", warehouse="warehouse.duckdb", raw="data/raw", vars={...}, target="dev")

    manifest = session.manifest            # ogi.manifest.Manifest
    manifest.models()                      # [Node]: .name .description .columns {name: Column}
    manifest.nodes / manifest.sources      #   .config .tags .depends_on .original_file_path
    manifest.tests_of(node.unique_id)      #   data tests attached to a model/seed/source
    session.graph.select(["+fct_x"])       # dbt selection → unique ids; .order(...) topological
    session.compile(select)                # [Node] with .compiled_code; sqlglot-validated;
                                           #   writes target/compiled and target/manifest.json
    session.output_columns(node)           # columns sqlglot derived for a compiled model
    report = session.execute("build")      # seed | run | test | build → ogi.runner.RunReport
    report.success, report.results         #   NodeResult(status, message, execution_time, …)

    from ogi.lineage import column_lineage # column_lineage(session, "fct_x", "col") → ColumnOrigin
    from ogi.artifacts import manifest_dict  # the manifest.json dict (dbt's shape)

Errors are ogi.errors.OgiError subclasses whose str() is `path:line: message`.
Nothing heavy (duckdb, sqlglot, jinja2) is imported until a Session is created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ogi.runner import Session

__all__ = ["Session", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Session":
        from ogi.runner import Session

        return Session
    raise AttributeError(name)
