"""Compile nodes to SQL: resolve ref/source/this against real relations, inline ephemeral models
as CTEs, and render data tests (generic macros and singular files) into failing-row queries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ogi.errors import CompilationError
from ogi.manifest import _REF_EXPR, Manifest, _ConfigCallable
from ogi.nodes import Node, Relation

_LEADING_WITH = re.compile(r"^(\s*(?:--[^\n]*\n|/\*.*?\*/|\s)*)with\b(\s+recursive\b)?", re.I | re.S)


class Compiler:
    """Compiles nodes in dependency order. `existing` holds lower-cased "schema.identifier" names of
    relations already in the warehouse (for is_incremental())."""

    def __init__(self, manifest: Manifest, existing: Iterable[str] = (), full_refresh: bool = False) -> None:
        self.manifest = manifest
        if isinstance(existing, dict):  # name → 'table' | 'view': only a table can be appended to
            existing = [name for name, kind in existing.items() if kind == "table"]
        self.existing = {e.lower() for e in existing}
        self.full_refresh = full_refresh
        self.ephemerals: dict[str, list[str]] = {}  # uid → ephemeral uids it needs, deps first
        self.prefix_lines: dict[str, int] = {}  # uid → lines added in front by CTE injection
        self._key: str | None = None

    def _templates(self) -> Any:
        templates = self.manifest.templates
        templates.ns["flags"] = {"FULL_REFRESH": self.full_refresh}
        return templates

    def compile_key(self) -> str:
        """All a node's compiled SQL depends on beyond the parse (ogi.parsecache): --full-refresh (the
        templates' flags.FULL_REFRESH) and what is_incremental() answers for each incremental model."""
        if self._key is None:
            incremental = sorted(n.unique_id for n in self.manifest.nodes.values() if self.is_incremental(n))
            self._key = repr((self.full_refresh, incremental))
        return self._key

    def relation_exists(self, node: Node) -> bool:
        rel = node.relation()
        return f"{rel.schema}.{rel.identifier}".lower() in self.existing

    def is_incremental(self, node: Node) -> bool:
        if node.materialized != "incremental" or not self.relation_exists(node):
            return False
        full_refresh = self.full_refresh
        if node.config.get("full_refresh") is not None:
            full_refresh = bool(node.config["full_refresh"])
        return not full_refresh

    def _context(self, node: Node) -> dict[str, Any]:
        manifest = self.manifest
        needed: list[str] = []
        self.ephemerals[node.unique_id] = needed

        def ref(*args: str, **_: Any) -> Relation:
            target = manifest.by_name(args[-1])
            if target is None:
                raise CompilationError(f"ref('{args[-1]}') does not match any model or seed")
            if target.materialized == "ephemeral":
                for uid in [*self.ephemerals.get(target.unique_id, []), target.unique_id]:
                    if uid not in needed:
                        needed.append(uid)
            return target.relation()

        def source(source_name: str, table_name: str) -> Relation:
            target = manifest.source(source_name, table_name)
            if target is None:
                raise CompilationError(f"source('{source_name}', '{table_name}') is not declared")
            return target.relation()

        return {
            "ref": ref,
            "source": source,
            "config": _ConfigCallable(lambda *a, **k: "", node.config),
            "is_incremental": lambda: self.is_incremental(node),
            "this": node.relation() if node.resource_type != "test" else None,
            "model": {"name": node.name, "unique_id": node.unique_id, "config": node.config,
                      "resource_type": node.resource_type, "original_file_path": node.original_file_path},
        }

    def compile(self, node: Node) -> str:
        """Compile one node (its ephemeral parents must be compiled first) and store compiled_code
        (as ogi.parsecache kept it for this compile key, when it did)."""
        if node.resource_type == "seed":
            node.compiled_code = ""
            return ""
        kept = self.manifest.parse_cache
        if kept is not None:
            entry = kept.compiled_for(self.compile_key()).get(node.unique_id)
            if entry is not None:
                own, sql, self.ephemerals[node.unique_id], prefix = entry
                node.meta["_own_sql"], node.compiled_code = own, sql
                if prefix:
                    self.prefix_lines[node.unique_id] = prefix
                return str(sql)
        context = self._context(node)
        if node.resource_type == "test" and node.test_metadata is not None:
            sql = self._generic_test(node, context)
        else:
            sql = self._templates().render(node.raw_code, node.original_file_path, context)
        node.meta["_own_sql"] = sql
        own, sql = sql, self._inject_ctes(node, sql)
        node.compiled_code = sql
        if kept is not None:
            kept.keep_compiled(self.compile_key(), node.unique_id,
                               (own, sql, list(self.ephemerals[node.unique_id]), self.prefix_lines.get(node.unique_id, 0)))
        return sql

    def compile_all(self, order: Iterable[str]) -> None:
        """Compile nodes in order, compiling ephemeral ancestors first."""
        done: set[str] = set()
        nodes = self.manifest.nodes

        def visit(uid: str) -> None:
            if uid in done or uid not in nodes:
                return
            node = nodes[uid]
            for parent in node.depends_on:
                if parent in nodes and nodes[parent].materialized == "ephemeral":
                    visit(parent)
            self.compile(node)
            done.add(uid)

        for uid in order:
            visit(uid)

    def _generic_test(self, node: Node, context: dict[str, Any]) -> str:
        meta = node.test_metadata or {}
        templates = self._templates()
        templates.ns.update(context)
        attached = self.manifest.all_nodes()[node.attached_node or ""]
        model = attached.relation().render()
        where = node.config.get("where")
        if where:
            model = f"(select * from {model} where {where}) dbt_subquery"
        kwargs: dict[str, Any] = {}
        for key, value in meta.get("kwargs", {}).items():
            if isinstance(value, str) and _REF_EXPR.match(value):
                value = templates.render("{{ " + value + " }}", node.original_file_path, context)
            kwargs[key] = value
        macro = templates.macro(f"test_{meta['name']}")
        if macro is None:
            raise CompilationError(f"unknown data test '{meta['name']}'", node.original_file_path, node.yaml_line)
        try:
            return str(macro(model=Relation(None, attached.name, expression=model), **kwargs))
        except CompilationError as exc:
            if exc.path:
                raise
            raise CompilationError(exc.message, node.original_file_path, node.yaml_line) from exc
        except Exception as exc:
            err = templates.wrap(exc, node.original_file_path)
            raise CompilationError(f"data test '{node.name}' ({node.location}): {err.message}", err.path, err.line) from exc

    def _inject_ctes(self, node: Node, sql: str) -> str:
        needed = self.ephemerals.get(node.unique_id) or []
        if not needed:
            return sql
        nodes = self.manifest.nodes
        ctes = [f"__dbt__cte__{nodes[uid].name} as (\n{_strip_ctes(nodes[uid])}\n)" for uid in needed]
        block = ",\n".join(ctes)
        match = _LEADING_WITH.match(sql)
        if match:
            recursive = match.group(2) or ""
            injected = f"{match.group(1)}with{recursive} {block},{sql[match.end():]}"
        else:
            injected = f"with {block}\n{sql}"
        self.prefix_lines[node.unique_id] = injected.count("\n") - sql.count("\n")
        return injected


def _strip_ctes(node: Node) -> str:
    """An ephemeral model's own SQL, without CTEs injected for its ephemeral parents (which
    the consumer injects itself, once)."""
    return node.meta.get("_own_sql", node.compiled_code or "")
