"""Check compiled SQL with sqlglot before DuckDB runs anything.

Every model (and data test) is parsed in the duckdb dialect; then its columns are qualified against
a schema built from upstream models, seeds (CSV header + column_types) and sources (the Parquet
schema of their external_location). Syntax errors and columns that exist nowhere upstream become
ValidationErrors naming the file and line. Models reading something whose columns are unknown are
checked for syntax only.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ogi.errors import ValidationError
from ogi.manifest import Manifest
from ogi.nodes import Node, quote

SOURCE_SCHEMA = "__ogi_source__"
logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its optimizer logs what it cannot follow
_READ_PATH = re.compile(r"read_(?:parquet|csv|csv_auto|json|json_auto)\s*\(\s*\[?\s*'([^']+)'", re.I)
_COLUMN = re.compile(r"Column '\"?([^'\"]+)\"?' could not be resolved|Unknown column: \"?(\w+)")
_SQL_LINE = re.compile(r"Line: (\d+), Col: (\d+)")


def missing_files(node: Node) -> str | None:
    """The file pattern of an external source when nothing matches it (else None)."""
    match = _READ_PATH.search(node.external_location or "")
    if match and not glob.glob(match.group(1), recursive=True):
        return match.group(1)
    return None


def source_columns(node: Node, con: Any = None) -> dict[str, str] | None:
    """Columns of an external source, as DuckDB reads its external_location (in memory, never the
    warehouse; pass `con`, an in-memory connection, to share one across sources); None when unknown
    (no files yet, or not a file reader)."""
    match = _READ_PATH.search(node.external_location or "")
    if match and not glob.glob(match.group(1), recursive=True):
        return None
    from ogi.engine import duckdb_module

    duckdb = duckdb_module()
    own = con is None
    try:
        if own:
            con = duckdb.connect()
        try:
            rows = con.execute(f"describe select * from {node.external_location}").fetchall()
        finally:
            if own:
                con.close()
    except duckdb.Error:
        return None
    return {str(row[0]): str(row[1]) for row in rows}


def seed_columns(node: Node) -> dict[str, str]:
    delimiter = str(node.config.get("delimiter") or ",")
    with open(node.path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), [])
    types = node.config.get("column_types") or {}
    return {name: str(types.get(name, "VARCHAR")) for name in header}


def _sql_line(message: str) -> int | None:
    match = _SQL_LINE.search(message)
    return int(match.group(1)) if match else None


def _find_line(raw: str, word: str) -> int | None:
    match = re.search(r"\b" + re.escape(word) + r"\b", raw)
    return raw.count("\n", 0, match.start()) + 1 if match else None


class _SourceReader:
    """An external source's columns: from the cache when its files (ogi.reuse.source_fingerprint)
    are the ones recorded, else read by DuckDB on one in-memory connection."""

    def __init__(self, cached: dict[str, Any]) -> None:
        self.cached = cached
        self.fresh: dict[str, Any] = {}
        self.con: Any = None

    def columns(self, node: Node) -> dict[str, str] | None:
        from ogi.reuse import source_fingerprint

        fingerprint = source_fingerprint(node)
        found = self.cached.get(fingerprint) if fingerprint else None
        if not isinstance(found, dict):
            if self.con is None:
                from ogi.engine import duckdb_module

                self.con = duckdb_module().connect()
            found = source_columns(node, self.con)
        if fingerprint and found is not None:
            self.fresh[fingerprint] = found
        return found

    def close(self) -> None:
        if self.con is not None:
            self.con.close()


def _valid_entry(entry: Any) -> bool:
    """A validation cache entry as check() writes it: its key and the model's columns (or None)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
        return False
    columns = entry.get("columns")
    return columns is None or (isinstance(columns, list) and all(isinstance(c, str) for c in columns))


class Validator:
    """Holds the growing schema; `check(node)` validates one compiled node (upstream first)."""

    def __init__(self, manifest: Manifest, prefix_lines: dict[str, int] | None = None) -> None:
        self.manifest = manifest
        self.prefix_lines = prefix_lines or {}
        self.schema: dict[str, dict[str, dict[str, str]]] = {}
        self.replacements: list[tuple[str, str]] = []
        self._read_sources(manifest)
        self.replacements.sort(key=lambda pair: -len(pair[0]))
        self._mapping: Any = None
        self.ephemeral_columns: dict[str, list[str]] = {}
        self.cache: dict[str, Any] = {}
        self.fresh_cache: dict[str, Any] = {}

    def _read_sources(self, manifest: Manifest) -> None:
        """Source columns: external files as DuckDB reads them (one in-memory connection, opened only
        when files changed since target/ogi_source_columns.json recorded their columns), else YAML."""
        cache_path = manifest.project.target_dir / "ogi_source_columns.json"
        try:
            cached = json.loads(cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        reader = _SourceReader(cached if isinstance(cached, dict) else {})
        try:
            self._add_sources(manifest, reader)
        finally:
            reader.close()
        if reader.fresh != cached:
            try:
                cache_path.parent.mkdir(parents=True, exist_ok=True)
                cache_path.write_text(json.dumps(reader.fresh, ensure_ascii=False), encoding="utf-8")
            except OSError:
                pass

    def _add_sources(self, manifest: Manifest, reader: _SourceReader) -> None:
        for node in manifest.sources.values():
            rel = node.relation()
            if node.external_location:
                name = f"{node.source_name}__{node.name}"
                self.replacements.append((node.external_location, f"{quote(SOURCE_SCHEMA)}.{quote(name)}"))
                columns = reader.columns(node)
                if columns is not None:
                    self.schema.setdefault(SOURCE_SCHEMA, {})[name] = columns
            elif node.columns:
                self.schema.setdefault(str(rel.schema), {})[rel.identifier] = {
                    c: (col.data_type or "VARCHAR") for c, col in node.columns.items()
                }

    def mapping(self) -> Any:
        """One sqlglot MappingSchema, grown table by table (building it is the slow part)."""
        if self._mapping is None:
            from sqlglot.schema import MappingSchema

            self._mapping = MappingSchema(dict(self.schema), dialect="duckdb")  # type: ignore[arg-type]
        return self._mapping

    def _set_table(self, schema: str, table: str, columns: dict[str, str]) -> None:
        self.schema.setdefault(schema, {})[table] = columns
        if self._mapping is not None:
            self._mapping.add_table(f"{quote(schema)}.{quote(table)}", columns, dialect="duckdb")

    def add_seed(self, node: Node) -> None:
        rel = node.relation()
        try:
            self._set_table(str(rel.schema), rel.identifier, seed_columns(node))
        except OSError:
            pass

    def sql_for_check(self, sql: str) -> str:
        for expression, name in self.replacements:
            sql = sql.replace(expression, name)
        return sql

    def _cache_key(self, node: Node, sql: str) -> str:
        """What a check depends on: the SQL and the columns of everything it may read."""
        nodes = self.manifest.all_nodes()
        upstream: list[Any] = []
        pending, seen = list(node.depends_on), set()
        while pending:
            uid = pending.pop()
            if uid in seen or uid not in nodes:
                continue
            seen.add(uid)
            parent = nodes[uid]
            if parent.materialized == "ephemeral":
                pending.extend(parent.depends_on)
                continue
            upstream.append([uid, self._known_columns(parent)])
        payload = json.dumps([sql, sorted(upstream, key=lambda u: u[0])], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _known_columns(self, node: Node) -> Any:
        if node.resource_type == "source" and node.external_location:
            return self.schema.get(SOURCE_SCHEMA, {}).get(f"{node.source_name}__{node.name}")
        rel = node.relation()
        return self.schema.get(str(rel.schema), {}).get(rel.identifier)

    def check(self, node: Node) -> None:
        if node.resource_type == "seed":
            self.add_seed(node)
            return
        if node.compiled_code is None:
            return
        if node.resource_type == "test" and node.test_metadata is not None:
            self._check_generic_test(node)
            return
        sql = self.sql_for_check(node.compiled_code)
        key = self._cache_key(node, sql)
        cached = self.cache.get(node.unique_id)
        if cached and cached.get("key") == key:
            self._record_columns(node, cached.get("columns"))
            self.fresh_cache[node.unique_id] = cached
            return
        self._check_with_sqlglot(node, sql)
        self.fresh_cache[node.unique_id] = {"key": key, "columns": self._recorded(node)}

    def _recorded(self, node: Node) -> list[str] | None:
        if node.resource_type != "model":
            return None
        if node.materialized == "ephemeral":
            return self.ephemeral_columns.get(node.unique_id)
        columns = self._known_columns(node)
        return list(columns) if columns is not None else None

    def _record_columns(self, node: Node, columns: list[str] | None) -> None:
        if node.resource_type != "model":
            return
        if node.materialized == "ephemeral":
            if columns is not None:
                self.ephemeral_columns[node.unique_id] = list(columns)
            return
        rel = node.relation()
        if columns is None:
            if rel.identifier in self.schema.get(str(rel.schema), {}):
                del self.schema[str(rel.schema)][rel.identifier]
                self._mapping = None
            return
        self._set_table(str(rel.schema), rel.identifier, {c: "VARCHAR" for c in columns})

    def load_cache(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict):  # an entry of another shape (damaged, older format) is a miss
            self.cache = {uid: entry for uid, entry in data.items() if _valid_entry(entry)}

    def save_cache(self, path: Path) -> None:
        """Write the checks made this run (left as it is when they are the ones it holds)."""
        if self.fresh_cache == self.cache and path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.fresh_cache), encoding="utf-8")

    def _check_with_sqlglot(self, node: Node, sql: str) -> None:
        import sqlglot
        from sqlglot import exp
        from sqlglot.errors import OptimizeError, ParseError
        where = node.original_file_path
        offset = self.prefix_lines.get(node.unique_id, 0)
        try:
            statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
        except ParseError as exc:
            first = exc.errors[0] if exc.errors else {}
            line = first.get("line")
            if node.resource_type == "test" and node.yaml_line:
                raise ValidationError(f"SQL syntax error in data test '{node.name}': {first.get('description', exc)}",
                                      where, node.yaml_line) from exc
            line = max(1, line - offset) if line else None
            raise ValidationError(f"SQL syntax error: {first.get('description', exc)}", where, line) from exc
        if len(statements) != 1:
            raise ValidationError(f"expected one SQL statement, found {len(statements)}", where)
        tree = statements[0]
        if not isinstance(tree, exp.Query):
            raise ValidationError(f"a {node.resource_type} must be a select query, not {tree.key.upper()}", where)
        if not self._all_known(tree):
            self._record(node, None)
            return
        from sqlglot.optimizer.qualify import qualify

        try:
            qualified = qualify(tree, schema=self.mapping(), dialect="duckdb", validate_qualify_columns=True,
                                quote_identifiers=False, identify=False)
        except OptimizeError as exc:
            self._record(node, None)
            match = _COLUMN.search(str(exc))
            if not match:
                return  # something sqlglot's qualifier cannot follow: leave it to DuckDB
            column = match.group(1) or match.group(2)
            upstream = self._upstream_columns(node)
            if node.resource_type == "test":
                line = node.yaml_line or _find_line(node.raw_code, column)
                raise ValidationError(
                    f"data test '{node.name}': column '{column}' does not exist upstream{upstream}", where, line
                ) from exc
            line = _find_line(node.raw_code, column)
            raise ValidationError(f"column '{column}' does not exist upstream{upstream}", where, line) from exc
        except Exception:  # noqa: BLE001 — sqlglot internals; the database will have the last word
            self._record(node, None)
            return
        self._record(node, qualified)

    def _check_generic_test(self, node: Node) -> None:
        """A generic test's column must exist in the model it is attached to (when that is known)."""
        column = node.column_name
        attached = self.manifest.all_nodes().get(node.attached_node or "")
        if not column or attached is None or not re.fullmatch(r"\w+", column):
            return
        if attached.resource_type == "source" and attached.external_location:
            known = self.schema.get(SOURCE_SCHEMA, {}).get(f"{attached.source_name}__{attached.name}")
        else:
            rel = attached.relation()
            known = self.schema.get(str(rel.schema), {}).get(rel.identifier)
        if known is not None and column.lower() not in {c.lower() for c in known}:
            raise ValidationError(
                f"data test '{node.name}': column '{column}' does not exist in {attached.name} "
                f"(columns: {', '.join(known)})",
                node.original_file_path, node.yaml_line,
            )

    def _all_known(self, tree: Any) -> bool:
        from sqlglot import exp

        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        for table in tree.find_all(exp.Table):
            if not isinstance(table.this, exp.Identifier):
                return False  # a table function (read_csv, unnest, range …)
            if not table.db and table.name.lower() in ctes:
                continue
            if table.name not in self.schema.get(table.db or "", {}):
                return False
        return True

    def _record(self, node: Node, qualified: Any) -> None:
        if node.resource_type != "model":
            return
        if node.materialized == "ephemeral":
            if qualified is not None and not any(s.is_star for s in qualified.selects):
                self.ephemeral_columns[node.unique_id] = [s.alias_or_name for s in qualified.selects]
            return
        rel = node.relation()
        if qualified is None or any(s.is_star for s in qualified.selects):
            if rel.identifier in self.schema.get(str(rel.schema), {}):
                del self.schema[str(rel.schema)][rel.identifier]
                self._mapping = None
            return
        columns = {s.alias_or_name: "VARCHAR" for s in qualified.selects}
        self._set_table(str(rel.schema), rel.identifier, columns)

    def _upstream_columns(self, node: Node) -> str:
        parts = []
        nodes = self.manifest.all_nodes()
        for uid in node.depends_on:
            parent = nodes[uid]
            rel = parent.relation()
            cols: Any
            if parent.resource_type == "source" and parent.external_location:
                cols = self.schema.get(SOURCE_SCHEMA, {}).get(f"{parent.source_name}__{parent.name}")
            elif parent.materialized == "ephemeral":
                cols = self.ephemeral_columns.get(uid)
            else:
                cols = self.schema.get(str(rel.schema), {}).get(rel.identifier)
            if cols:
                shown = ", ".join(list(cols)[:30]) + (", …" if len(cols) > 30 else "")
                parts.append(f"{parent.name}: {shown}")
        return f" (upstream columns — {'; '.join(parts)})" if parts else ""


def validate(manifest: Manifest, order: Iterable[str], prefix_lines: dict[str, int] | None = None) -> Validator:
    """Validate nodes in dependency order; the first error raises. Returns the filled Validator."""
    validator = Validator(manifest, prefix_lines)
    nodes = manifest.nodes
    for uid in order:
        validator.check(nodes[uid])
    return validator
