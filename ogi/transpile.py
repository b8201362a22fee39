"""`ogi compile --dialect X`: the compiled models transpiled by sqlglot into another SQL dialect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ogi.errors import OgiError

if TYPE_CHECKING:
    from ogi.manifest import Manifest
    from ogi.nodes import Node


def transpile_nodes(manifest: Manifest, nodes: list[Node], dialect: str) -> dict[str, str]:
    """unique_id → SQL in `dialect`; also written to target/compiled_<dialect>/."""
    import sqlglot
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import SqlglotError

    try:
        Dialect.get_or_raise(dialect)
    except ValueError as exc:
        raise OgiError(f"unknown SQL dialect '{dialect}' (e.g. spark, trino, postgres, bigquery, snowflake)") from exc
    out: dict[str, str] = {}
    base = manifest.project.target_dir / f"compiled_{dialect}" / manifest.project.name
    for node in nodes:
        if node.compiled_code is None:
            continue
        try:
            statements = sqlglot.transpile(node.compiled_code, read="duckdb", write=dialect, pretty=True)
        except SqlglotError as exc:
            raise OgiError(f"cannot transpile to {dialect}: {str(exc).splitlines()[0]}", node.original_file_path) from exc
        text = ";\n".join(statements)
        out[node.unique_id] = text
        if node.resource_type == "model":
            path = base / node.original_file_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
    return out
