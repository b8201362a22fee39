"""Parse a project into a Manifest: every model, seed, source and data test, with its config,
description, columns and dependencies. Nothing here touches DuckDB.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ogi import builtin_tests
from ogi.errors import CompilationError, GraphError
from ogi.nodes import Column, Node, Relation
from ogi.project import Project, Target, load_project, load_target, merge_config, profile_candidates
from ogi.yamlfile import YamlCache, line_of
from ogi.yamlfile import read_text as _read

if TYPE_CHECKING:
    from ogi.parsecache import FileLog, ParseCache
    from ogi.templating import Templates

YAML_CACHE = "ogi_yaml.marshal"
TEST_CONFIG_KEYS = {"severity", "where", "tags", "enabled", "warn_if", "error_if", "limit",
                    "store_failures", "meta", "alias", "schema", "database", "fail_calc"}
_REF_EXPR = re.compile(r"^\s*(ref|source)\s*\(.*\)\s*$", re.S)


@dataclass
class Manifest:
    project: Project
    target: Target
    _templates: Templates | None = None  # built on first use when the manifest came from ogi.parsecache
    nodes: dict[str, Node] = field(default_factory=dict)
    sources: dict[str, Node] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    macro_files: dict[str, str] = field(default_factory=dict)  # macro name → file
    docs: dict[str, str] = field(default_factory=dict)  # {% docs %} blocks
    env_reads: dict[str, str | None] = field(default_factory=dict)  # what env_var() read (templating.Reads)
    impure: list[str] = field(default_factory=list)  # why a render may not be kept (templating.Reads)
    parse_cache: ParseCache | None = None

    def __getstate__(self) -> dict[str, Any]:
        """What ogi.parsecache keeps: everything but the Jinja environment and the cache itself."""
        return {**self.__dict__, "_templates": None, "parse_cache": None}

    @property
    def root(self) -> Path:
        return self.project.root

    @property
    def templates(self) -> Templates:
        """The project's Jinja: macros loaded, `target`, `var` and `project_name` defined (read again
        from the macro files when this manifest was kept by ogi.parsecache)."""
        if self._templates is None:
            self._templates = _new_templates(self.project, self.env_reads, self.impure)
            cache = self.parse_cache
            if cache is None or not cache.hit:
                _define(self, self._templates)
            else:
                from ogi.parsecache import FileLog

                log = FileLog()
                _define(self, self._templates, log)
                if not cache.read_as_kept(log.entries):  # a macro or docs file changed after the load
                    self.impure.append("a macro or docs file changed while the project was read")
        return self._templates

    def all_nodes(self) -> dict[str, Node]:
        return {**self.sources, **self.nodes}

    def by_name(self, name: str, types: tuple[str, ...] = ("model", "seed")) -> Node | None:
        for node in self.nodes.values():
            if node.name == name and node.resource_type in types:
                return node
        return None

    def source(self, source_name: str, table_name: str) -> Node | None:
        return self.sources.get(f"source.{self.project.name}.{source_name}.{table_name}")

    def sources_read_by(self, node: Node) -> list[Node]:
        """The sources `node` reads, directly or through ephemeral parents (which are inlined into it)."""
        pending, seen, found = list(node.depends_on), set(), []
        while pending:
            uid = pending.pop()
            if uid in seen:
                continue
            seen.add(uid)
            if uid in self.sources:
                found.append(self.sources[uid])
            elif uid in self.nodes and self.nodes[uid].materialized == "ephemeral":
                pending.extend(self.nodes[uid].depends_on)
        return found

    def models(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.resource_type == "model"]

    def tests_of(self, unique_id: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.resource_type == "test" and n.attached_node == unique_id]


def load_manifest(root: Path, target_name: str | None = None, cli_vars: dict[str, Any] | None = None,
                  partial_parse: bool = True) -> Manifest:
    """Read the whole project (dbt_project.yml, profiles.yml, macros, models, YAML, seeds, tests), or,
    with `partial_parse`, load it from target/ when nothing it was made from changed (ogi.parsecache)."""
    cache: ParseCache | None = None
    if partial_parse:
        from ogi.parsecache import ParseCache

        cache = ParseCache(root, target_name, cli_vars or {})
        kept = cache.load(root / "target")
        if kept is not None:
            return kept
    log = cache.log if cache is not None else None
    # parsed YAML is kept in target/ (ogi.yamlfile.YamlCache); dbt_project.yml says where target/ is,
    # so it is looked up under dbt's default target-path first
    yaml_cache = YamlCache(root / "target" / YAML_CACHE, log)
    project = load_project(root, yaml_cache)
    if project.target_dir != root / "target":
        yaml_cache = YamlCache(project.target_dir / YAML_CACHE, log)
        if cache is not None:
            kept = cache.load(project.target_dir)
            if kept is not None:
                return kept
    if cache is not None:
        cache.begin(project)
    env_reads: dict[str, str | None] = {}
    impure: list[str] = []
    templates = _new_templates(project, env_reads, impure)
    target = load_target(project, target_name, render=lambda s, path: templates.render(s, str(path), {}),
                         cache=yaml_cache)
    manifest = Manifest(project, target, templates, env_reads=env_reads, impure=impure)
    manifest.vars = _resolve_vars(project, cli_vars or {})
    _define(manifest, templates, log)
    _parse_models(manifest, log)
    _parse_seeds(manifest)
    yaml_files = _files(project.root, project.model_paths + project.seed_paths, (".yml", ".yaml"))
    properties = [(p, yaml_cache.load(p) or {}) for p in yaml_files]
    yaml_cache.save()
    for path, data in properties:
        _parse_sources(manifest, path, data)
    for path, data in properties:
        _apply_properties(manifest, path, data)
    for node in list(manifest.nodes.values()):
        if node.resource_type in ("model", "seed"):
            _finish_config(manifest, node)
    for node in [n for n in manifest.nodes.values() if n.resource_type in ("model", "seed")]:
        if node.config.get("enabled", True) is False:
            del manifest.nodes[node.unique_id]
    for path, data in properties:
        _parse_yaml_tests(manifest, path, data)
    _parse_singular_tests(manifest, log)
    _resolve_dependencies(manifest)
    if cache is not None:
        cache.remember(manifest, profile_candidates(project))
    return manifest


def _new_templates(project: Project, env_reads: dict[str, str | None], impure: list[str]) -> Templates:
    from ogi.templating import Reads, Templates

    # what the templates read is recorded into the manifest's own containers
    return Templates(project.target_dir / "ogi_jinja_code.marshal", Reads(env_reads, impure))


def _define(manifest: Manifest, templates: Templates, log: FileLog | None = None) -> None:
    """`target`, `var`, `project_name`, the built-in tests, the project's macros and docs blocks."""
    from ogi.templating import docs_blocks

    project = manifest.project
    templates.ns.update(
        {"target": manifest.target.as_jinja(), "var": _var_function(manifest), "project_name": project.name}
    )
    templates.define_builtin(builtin_tests.SOURCE, "<ogi builtin tests>")
    for path in _files(project.root, project.macro_paths, (".sql",)):
        templates.load_macro_file(_read(path, log), _rel(project.root, path))
    for path in _files(project.root, project.macro_paths + project.model_paths, (".md",)):
        templates.docs.update(docs_blocks(_read(path, log)))
    manifest.macro_files, manifest.docs = templates.macro_files, templates.docs


# -- helpers -----------------------------------------------------------------------------------


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _files(root: Path, dirs: list[str], suffixes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for d in dirs:
        base = root / d
        if base.is_dir():
            found.extend(p for p in base.rglob("*") if p.is_file() and p.suffix in suffixes)
    return sorted(found)


def _resolve_vars(project: Project, cli_vars: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key, value in project.vars.items():
        if key == project.name and isinstance(value, dict):
            merged.update(value)
        else:
            merged[key] = value
    merged.update(cli_vars)
    return merged


def _var_function(manifest: Manifest) -> Any:
    def var(name: str, default: Any = None) -> Any:
        if name in manifest.vars:
            return manifest.vars[name]
        if default is not None:
            return default
        raise CompilationError(f"var('{name}') is not defined in dbt_project.yml or --vars and has no default")

    return var


def _line_of_call(source: str, pattern: str) -> int | None:
    match = re.search(pattern, source)
    return source.count("\n", 0, match.start()) + 1 if match else None


def ref_line(source: str, name: str) -> int | None:
    return _line_of_call(source, r"ref\s*\(\s*(['\"]\w+['\"]\s*,\s*)?['\"]" + re.escape(name) + r"['\"]")


def source_line(source: str, source_name: str, table: str) -> int | None:
    return _line_of_call(
        source, r"source\s*\(\s*['\"]" + re.escape(source_name) + r"['\"]\s*,\s*['\"]" + re.escape(table)
    )


class _Capture:
    """The parse-time Jinja context: records ref(), source() and config() calls."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.config: dict[str, Any] = {}

    def ref(self, *args: str, **_: Any) -> Relation:
        if not args or len(args) > 2:
            raise CompilationError("ref() takes a model name (and optionally a package name)")
        name = args[-1]
        if name not in self.node.refs:
            self.node.refs.append(name)
        return Relation(None, name)

    def source(self, source_name: str, table_name: str) -> Relation:
        if (source_name, table_name) not in self.node.sources:
            self.node.sources.append((source_name, table_name))
        return Relation(source_name, table_name)

    def config_call(self, *args: Any, **kwargs: Any) -> str:
        if args and isinstance(args[0], dict):
            kwargs = {**args[0], **kwargs}
        merge_config(self.config, kwargs)
        return ""

    def context(self) -> dict[str, Any]:
        config = self.config_call
        return {
            "ref": self.ref,
            "source": self.source,
            "config": _ConfigCallable(config, self.config),
            "is_incremental": lambda: False,
            "this": Relation(None, self.node.name),
            "model": {"name": self.node.name, "unique_id": self.node.unique_id},
        }


class _ConfigCallable:
    """`{{ config(...) }}` and `config.get('key')` in one object, as in dbt."""

    def __init__(self, call: Any, values: dict[str, Any]) -> None:
        self._call = call
        self._values = values

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return str(self._call(*args, **kwargs))

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def require(self, key: str) -> Any:
        if key not in self._values:
            raise CompilationError(f"config '{key}' is required")
        return self._values[key]


def _parse_models(manifest: Manifest, log: FileLog | None = None) -> None:
    project = manifest.project
    for base in project.model_paths:
        for path in _files(project.root, [base], (".sql",)):
            rel = _rel(project.root, path)
            folders = list(path.relative_to(project.root / base).parent.parts)
            name = path.stem
            uid = f"model.{project.name}.{name}"
            if uid in manifest.nodes:
                other = manifest.nodes[uid].original_file_path
                raise CompilationError(f"two models are named '{name}' (also {other})", rel)
            node = Node(uid, "model", name, project.name, path, rel, [project.name, *folders, name],
                        raw_code=_read(path, log))
            node.config = project.folder_config("model", node.fqn)
            capture = _Capture(node)
            manifest.templates.render(node.raw_code, rel, capture.context())
            node.meta["_inline_config"] = capture.config
            manifest.nodes[uid] = node


def _parse_seeds(manifest: Manifest) -> None:
    project = manifest.project
    for base in project.seed_paths:
        for path in _files(project.root, [base], (".csv",)):
            rel = _rel(project.root, path)
            folders = list(path.relative_to(project.root / base).parent.parts)
            uid = f"seed.{project.name}.{path.stem}"
            node = Node(uid, "seed", path.stem, project.name, path, rel, [project.name, *folders, path.stem])
            node.config = project.folder_config("seed", node.fqn)
            node.config.setdefault("materialized", "seed")
            manifest.nodes[uid] = node


def _finish_config(manifest: Manifest, node: Node) -> None:
    inline = node.meta.pop("_inline_config", {})
    merge_config(node.config, inline)
    node.config["_resolved_schema"] = _schema_name(manifest, node)


def _schema_name(manifest: Manifest, node: Node) -> str:
    custom = node.config.get("schema")
    macro = manifest.templates.macro("generate_schema_name")
    if macro is not None:
        manifest.templates.ns.update({"this": node.relation(), "model": {"name": node.name}})
        try:
            return str(macro(custom, {"name": node.name, "resource_type": node.resource_type})).strip()
        except Exception as exc:
            raise manifest.templates.wrap(exc, node.original_file_path) from exc
    base = manifest.target.schema
    return f"{base}_{str(custom).strip()}" if custom else base


def _parse_sources(manifest: Manifest, path: Path, data: dict[str, Any]) -> None:
    rel = _rel(manifest.root, path)
    for source in data.get("sources") or []:
        if not isinstance(source, dict) or "name" not in source:
            raise CompilationError("each source needs a name", rel, line_of(source))
        src_meta = {**(source.get("meta") or {}), **((source.get("config") or {}).get("meta") or {})}
        src_loc = (source.get("config") or {}).get("external_location") or src_meta.get("external_location")
        for table in source.get("tables") or []:
            if not isinstance(table, dict) or "name" not in table:
                raise CompilationError("each source table needs a name", rel, line_of(table))
            name = table["name"]
            uid = f"source.{manifest.project.name}.{source['name']}.{name}"
            node = Node(uid, "source", name, manifest.project.name, path, rel,
                        [manifest.project.name, source["name"], name], yaml_line=line_of(table))
            node.source_name = source["name"]
            node.description = str(table.get("description") or "")
            node.identifier = table.get("identifier", name)
            node.loader = str(source.get("loader", ""))
            meta = {**src_meta, **(table.get("meta") or {}), **((table.get("config") or {}).get("meta") or {})}
            location = (table.get("config") or {}).get("external_location") or meta.get("external_location") or src_loc
            schema = str(source.get("schema", source["name"]))
            node.config = {"_resolved_schema": schema, "meta": meta, "enabled": True}
            node.meta = meta
            if location:
                node.external_location = _external_location(manifest, str(location), rel, node, schema, meta)
            node.columns = _columns(table.get("columns"), rel)
            manifest.sources[uid] = node


def _external_location(
    manifest: Manifest, template: str, rel: str, node: Node, schema: str, meta: dict[str, Any]
) -> str:
    """dbt-duckdb's rule: render Jinja, then str.format with the source's fields; quote bare paths."""
    rendered = manifest.templates.render(template, rel, {})
    fields = {**meta, "name": node.name, "identifier": node.identifier, "schema": schema,
              "database": manifest.target.database}
    try:
        location = rendered.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise CompilationError(f"external_location {template!r}: cannot fill {exc}", rel, node.yaml_line) from exc
    if "(" not in location and not location.startswith("'"):
        location = f"'{location}'"
    return location


def _columns(specs: Any, rel: str) -> dict[str, Column]:
    columns: dict[str, Column] = {}
    for spec in specs or []:
        if not isinstance(spec, dict) or "name" not in spec:
            raise CompilationError("each column needs a name", rel, line_of(spec))
        columns[spec["name"]] = Column(
            name=spec["name"],
            description=str(spec.get("description") or ""),
            data_type=spec.get("data_type"),
            meta=dict(spec.get("meta") or {}),
            tags=list(spec.get("tags") or []),
        )
    return columns


def _apply_properties(manifest: Manifest, path: Path, data: dict[str, Any]) -> None:
    rel = _rel(manifest.root, path)
    for kind in ("models", "seeds"):
        for spec in data.get(kind) or []:
            if not isinstance(spec, dict) or "name" not in spec:
                raise CompilationError(f"each entry under {kind}: needs a name", rel, line_of(spec))
            node = manifest.by_name(spec["name"], (kind[:-1],))
            if node is None:
                manifest.warnings.append(f"{rel}:{line_of(spec)}: {kind[:-1]} '{spec['name']}' has no file")
                continue
            node.description = str(spec.get("description") or "")
            node.columns = _columns(spec.get("columns"), rel)
            merge_config(node.config, dict(spec.get("config") or {}))
            node.meta["_properties"] = f"{rel}:{line_of(spec)}"


# -- data tests ---------------------------------------------------------------------------------


def _parse_yaml_tests(manifest: Manifest, path: Path, data: dict[str, Any]) -> None:
    rel = _rel(manifest.root, path)
    for kind in ("models", "seeds"):
        for spec in data.get(kind) or []:
            node = manifest.by_name(spec["name"], (kind[:-1],))
            if node is None:
                continue
            _tests_for(manifest, rel, node, None, spec)
            for column in spec.get("columns") or []:
                _tests_for(manifest, rel, node, column["name"], column)
    for source in data.get("sources") or []:
        for table in source.get("tables") or []:
            node = manifest.source(source["name"], table["name"])
            if node is None:
                continue
            _tests_for(manifest, rel, node, None, table)
            for column in table.get("columns") or []:
                _tests_for(manifest, rel, node, column["name"], column)


def _tests_for(manifest: Manifest, rel: str, node: Node, column: str | None, spec: dict[str, Any]) -> None:
    tests = list(spec.get("data_tests") or []) + list(spec.get("tests") or [])
    for test in tests:
        _add_generic_test(manifest, rel, node, column, test, line_of(spec))


def _add_generic_test(
    manifest: Manifest, rel: str, node: Node, column: str | None, test: Any, parent_line: int | None
) -> None:
    line = line_of(test) or parent_line
    if isinstance(test, str):
        test_name, body = test, {}
    elif isinstance(test, dict) and len([k for k in test if k not in ("name",)]) >= 1:
        keys = [k for k in test if k != "name"]
        if "test_name" in test:
            test_name, body = str(test["test_name"]), dict(test)
        elif len(keys) == 1:
            test_name, body = keys[0], dict(test[keys[0]] or {})
        else:
            raise CompilationError(f"cannot read data test {dict(test)!r}", rel, line)
    else:
        raise CompilationError(f"cannot read data test {test!r}", rel, line)
    namespace = None
    if "." in test_name:
        namespace, test_name = test_name.split(".", 1)
        raise CompilationError(
            f"data test '{namespace}.{test_name}' needs package '{namespace}', and ogi has no packages; "
            f"define {{% test {test_name}(model, ...) %}} in macros/ instead",
            rel, line,
        )
    if manifest.templates.macro(f"test_{test_name}") is None:
        raise CompilationError(f"unknown data test '{test_name}': no {{% test {test_name} %}} macro", rel, line)
    config = dict(body.pop("config", None) or {})
    kwargs: dict[str, Any] = {"column_name": column} if column is not None else {}
    kwargs.update(body.pop("arguments", None) or {})
    custom_name = body.pop("name", None) if isinstance(test, dict) else None
    body.pop("test_name", None)
    for key, value in body.items():
        if key in TEST_CONFIG_KEYS:
            config.setdefault(key, value)
        else:
            kwargs[key] = value
    target = node.name if node.resource_type != "source" else f"{node.source_name}_{node.name}"
    prefix = "source_" if node.resource_type == "source" else ""
    name = custom_name or _test_name(prefix + test_name, target, kwargs)
    uid = f"test.{manifest.project.name}.{name}.{hashlib.md5((name + rel).encode()).hexdigest()[:10]}"
    while uid in manifest.nodes:
        uid += "_"
    fqn = [manifest.project.name, *Path(rel).parent.parts[1:], name]
    test_node = Node(uid, "test", name, manifest.project.name, manifest.root / rel, rel, fqn, yaml_line=line)
    test_node.config = merge_config(manifest.project.folder_config("test", fqn), {"severity": "error"})
    merge_config(test_node.config, {k: v for k, v in config.items()})
    test_node.config["severity"] = str(test_node.config.get("severity", "error")).lower()
    test_node.config.setdefault("tags", [])
    merge_config(test_node.config, {"tags": node.tags})
    test_node.test_metadata = {"name": test_name, "kwargs": kwargs, "namespace": namespace}
    test_node.attached_node = node.unique_id
    test_node.column_name = column
    test_node.depends_on_macros = [f"macro.{manifest.project.name}.test_{test_name}"]
    for value in kwargs.values():
        if isinstance(value, str) and _REF_EXPR.match(value):
            capture = _Capture(test_node)
            manifest.templates.render("{{ " + value + " }}", rel, capture.context())
    if node.resource_type == "source":
        test_node.sources.insert(0, (node.source_name or "", node.name))
    else:
        test_node.refs.insert(0, node.name)
    if test_node.config.get("enabled", True) is not False:
        manifest.nodes[uid] = test_node


def _test_name(test_name: str, target: str, kwargs: dict[str, Any]) -> str:
    parts = []
    for key, value in kwargs.items():
        if key == "model":
            continue
        if isinstance(value, list):
            parts.append("__".join(str(v) for v in value))
        elif isinstance(value, dict):
            parts.append("__".join(f"{k}_{v}" for k, v in value.items()))
        else:
            parts.append(str(value))
    flat = "__".join(p for p in parts if p)
    name = f"{test_name}_{target}" + (f"_{flat}" if flat else "")
    name = re.sub(r"[^0-9a-zA-Z_]+", "_", name)
    if len(name) > 64:
        digest = hashlib.md5(name.encode()).hexdigest()
        name = f"{test_name}_{target}"[:40] + "_" + digest[:16]
    return name


def _parse_singular_tests(manifest: Manifest, log: FileLog | None = None) -> None:
    project = manifest.project
    for path in _files(project.root, project.test_paths, (".sql",)):
        rel = _rel(project.root, path)
        uid = f"test.{project.name}.{path.stem}"
        node = Node(uid, "test", path.stem, project.name, path, rel, [project.name, path.stem],
                    raw_code=_read(path, log))
        node.config = merge_config(project.folder_config("test", node.fqn), {"severity": "error", "tags": []})
        capture = _Capture(node)
        manifest.templates.render(node.raw_code, rel, capture.context())
        merge_config(node.config, capture.config)
        node.config["severity"] = str(node.config.get("severity", "error")).lower()
        if node.config.get("enabled", True) is not False:
            manifest.nodes[uid] = node


# -- dependencies -------------------------------------------------------------------------------


def _resolve_dependencies(manifest: Manifest) -> None:
    for node in manifest.nodes.values():
        deps: list[str] = []
        for name in node.refs:
            target = manifest.by_name(name)
            if target is None:
                line = ref_line(node.raw_code, name) if node.raw_code else node.yaml_line
                hint = _did_you_mean(name, [n.name for n in manifest.nodes.values() if n.resource_type != "test"])
                raise GraphError(f"ref('{name}') does not match any model or seed{hint}", node.original_file_path, line)
            deps.append(target.unique_id)
        for source_name, table in node.sources:
            source = manifest.source(source_name, table)
            if source is None:
                line = source_line(node.raw_code, source_name, table) if node.raw_code else node.yaml_line
                raise GraphError(f"source('{source_name}', '{table}') is not declared in any sources: YAML",
                                 node.original_file_path, line)
            deps.append(source.unique_id)
        node.depends_on = list(dict.fromkeys(deps))


def _did_you_mean(name: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def raw_env(raw: str | None) -> None:
    """`--raw DIR`: sources' external_location reads env_var('OGI_RAW')."""
    if raw:
        os.environ["OGI_RAW"] = raw
