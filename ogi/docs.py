"""`ogi docs`: a static documentation site of the project, viewable offline (no CDN, nothing fetched).

Fed from the runner's artifacts in dbt's shape — target/manifest.json (models, seeds, sources,
columns, descriptions, depends_on, data tests, compiled SQL) and target/run_results.json (status of
each node) — plus the warehouse file (row counts, column types) opened read-only.

The site: index.html (the model lineage graph, overview panels, every model with its row count and
test results) and models/<name>.html (columns with descriptions and Chinese labels, column lineage
from sqlglot, data tests, compiled SQL, a local lineage graph). The graph is laid out in the page by
ogi/docs_assets/graph.js (a layered DAG drawn as SVG).

Overview panels come from the project's analyses (dbt's `analyses/` folder): an analysis whose
YAML has `meta: {ogi_docs: chart, ogi_chart: {...}}` is drawn with ogi.chart, one with
`meta: {ogi_docs: table}` is shown as a table. An analysis whose query fails (a model not built
yet) is shown as unavailable, with the reason; the rest of the site is still written.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ogi.query import WarehouseError, fetch_frame, open_read_only

if TYPE_CHECKING:
    import duckdb

ASSETS = Path(__file__).with_name("docs_assets")
GRAPH_TYPES = ("model", "seed", "source", "snapshot")
PANEL_ROW_LIMIT = 200


@dataclass
class TestResult:
    name: str
    column: str
    status: str
    failures: int | None
    message: str
    severity: str


@dataclass
class SiteColumn:
    name: str
    data_type: str = ""
    description: str = ""
    label_zh: str = ""
    tests: list[TestResult] = field(default_factory=list)
    upstream: list[tuple[str, str, str]] = field(default_factory=list)  # (node name, column, page or '')


@dataclass
class SiteNode:
    unique_id: str
    name: str
    resource_type: str
    description: str = ""
    label_zh: str = ""
    path: str = ""
    folder: str = ""
    materialized: str = ""
    relation: str = ""
    schema: str = ""
    rows: int | None = None
    status: str = ""
    compiled_sql: str = ""
    columns: list[SiteColumn] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)
    lineage_note: str = ""

    @property
    def page(self) -> str:
        return f"models/{_slug(self.unique_id)}.html"

    @property
    def tests_failed(self) -> int:
        return sum(1 for test in self.tests if test.status in ("fail", "error"))

    @property
    def tests_warned(self) -> int:
        return sum(1 for test in self.tests if test.status == "warn")


@dataclass
class Panel:
    title: str
    description: str
    kind: str  # chart | table
    svg: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    error: str = ""
    truncated: bool = False


def _slug(unique_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", unique_id)


def _meta(entry: dict[str, Any]) -> dict[str, Any]:
    config = entry.get("config") or {}
    return {**((config.get("meta") if isinstance(config, dict) else None) or {}), **(entry.get("meta") or {})}


def load_json(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def target_dir(project_root: Path) -> Path:
    """The project's target-path (dbt_project.yml), where the runner writes its artifacts."""
    import yaml

    try:
        config = yaml.safe_load((project_root / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return project_root / str(config.get("target-path") or "target")


def load_manifest(project_root: Path) -> dict[str, Any]:
    """target/manifest.json; a clear error when the project was never built or compiled."""
    path = target_dir(project_root) / "manifest.json"
    manifest = load_json(path)
    if not manifest.get("nodes"):
        raise WarehouseError(f"{path} is missing or empty; run `ogi build` (or `ogi compile`) first")
    return manifest


def run_statuses(project_root: Path) -> dict[str, dict[str, Any]]:
    """The last result of each node from target/run_results.json (empty when absent)."""
    results = load_json(target_dir(project_root) / "run_results.json").get("results") or []
    return {result["unique_id"]: result for result in results if isinstance(result, dict) and "unique_id" in result}


def _compiled_sql(node: dict[str, Any], project_root: Path, project_name: str) -> str:
    code = node.get("compiled_code") or node.get("compiled_sql") or ""
    if code:
        return str(code)
    path = node.get("compiled_path") or (
        f"target/compiled/{project_name}/{node.get('original_file_path', '')}" if node.get("original_file_path") else ""
    )
    file = project_root / path if path else None
    if file and file.is_file():
        return file.read_text(encoding="utf-8")
    return ""


def _site_node(uid: str, entry: dict[str, Any], project_root: Path, project_name: str) -> SiteNode:
    path = str(entry.get("original_file_path") or entry.get("path") or "")
    meta = _meta(entry)
    node = SiteNode(
        unique_id=uid,
        name=str(entry.get("name") or uid.rsplit(".", 1)[-1]),
        resource_type=str(entry.get("resource_type") or uid.split(".", 1)[0]),
        description=str(entry.get("description") or "").strip(),
        label_zh=str(meta.get("label_zh") or ""),
        path=path,
        folder=str(Path(path).parent.as_posix()) if path else "",
        materialized=str((entry.get("config") or {}).get("materialized") or ""),
        relation=str(entry.get("relation_name") or ""),
        compiled_sql=_compiled_sql(entry, project_root, project_name),
        parents=list(dict.fromkeys((entry.get("depends_on") or {}).get("nodes") or [])),
    )
    if node.resource_type == "source":
        node.name = f"{entry.get('source_name', 'source')}.{entry.get('name', '')}"
    for name, column in (entry.get("columns") or {}).items():
        node.columns.append(SiteColumn(
            name=str(column.get("name") or name),
            data_type=str(column.get("data_type") or ""),
            description=str(column.get("description") or "").strip(),
            label_zh=str(_meta(column).get("label_zh") or ""),
        ))
    return node


def collect_nodes(manifest: dict[str, Any], project_root: Path) -> dict[str, SiteNode]:
    """Models, seeds and sources of the manifest, linked both ways."""
    project_name = str((manifest.get("metadata") or {}).get("project_name") or "")
    entries = {**(manifest.get("sources") or {}), **(manifest.get("nodes") or {})}
    nodes = {
        uid: _site_node(uid, entry, project_root, project_name)
        for uid, entry in entries.items()
        if str(entry.get("resource_type") or uid.split(".", 1)[0]) in GRAPH_TYPES
    }
    for node in nodes.values():
        node.parents = [parent for parent in node.parents if parent in nodes]
        for parent in node.parents:
            nodes[parent].children.append(node.unique_id)
    return dict(sorted(nodes.items(), key=lambda item: (item[1].folder, item[1].name)))


def attach_tests(nodes: dict[str, SiteNode], manifest: dict[str, Any], statuses: dict[str, dict[str, Any]]) -> None:
    """Each data test under the node (and column) it guards, with its last status."""
    for uid, entry in (manifest.get("nodes") or {}).items():
        if entry.get("resource_type") != "test":
            continue
        metadata = entry.get("test_metadata") or {}
        result = statuses.get(uid) or {}
        column = str(entry.get("column_name") or (metadata.get("kwargs") or {}).get("column_name") or "")
        test = TestResult(
            name=str(metadata.get("name") or entry.get("name") or uid),
            column=column,
            status=str(result.get("status") or "not run"),
            failures=result.get("failures"),
            message=str(result.get("message") or ""),
            severity=str((entry.get("config") or {}).get("severity") or "error").lower(),
        )
        targets = [entry["attached_node"]] if entry.get("attached_node") else (entry.get("depends_on") or {}).get("nodes") or []
        for target in targets:
            if target in nodes:
                nodes[target].tests.append(test)
                for site_column in nodes[target].columns:
                    if site_column.name == column:
                        site_column.tests.append(test)


def _relation_key(node: SiteNode) -> str:
    return node.relation.replace('"', "").split(".")[-1] if node.relation else node.name


def attach_warehouse_facts(nodes: dict[str, SiteNode], con: duckdb.DuckDBPyConnection | None) -> None:
    """Row counts and column types from the warehouse; columns the YAML does not document are added."""
    if con is None:
        return
    columns = fetch_frame(
        con,
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema not in ('information_schema', 'pg_catalog') order by table_name, ordinal_position",
    )
    by_table: dict[str, list[tuple[str, str, str]]] = {}
    for schema, table, column, dtype in columns.iter_rows():
        by_table.setdefault(table, []).append((schema, column, dtype))
    for node in nodes.values():
        found = by_table.get(_relation_key(node))
        if not found or node.resource_type == "source":
            continue
        schema = node.schema = found[0][0]
        documented = {column.name: column for column in node.columns}
        ordered = []
        for _, name, dtype in found:
            column = documented.pop(name, None) or SiteColumn(name=name)
            column.data_type = column.data_type or dtype
            ordered.append(column)
        node.columns = ordered + list(documented.values())
        try:
            count = con.execute(f'select count(*) from "{schema}"."{_relation_key(node)}"').fetchall()
            node.rows = int(count[0][0])
        except Exception:  # noqa: BLE001 - a view over missing files still gets a page
            node.rows = None


def warehouse_schema(nodes: dict[str, SiteNode]) -> dict[str, dict[str, dict[str, str]]]:
    """{schema: {relation: {column: type}}} of every node found in the warehouse, for sqlglot."""
    schema: dict[str, dict[str, dict[str, str]]] = {}
    for node in nodes.values():
        if node.schema and node.columns:
            schema.setdefault(node.schema, {})[_relation_key(node)] = {
                column.name: column.data_type or "text" for column in node.columns}
    return schema


def attach_column_lineage(nodes: dict[str, SiteNode]) -> None:
    """For each model column, the upstream (model, column) pairs it is computed from (sqlglot)."""
    from sqlglot import exp
    from sqlglot.lineage import lineage

    schema = warehouse_schema(nodes)
    by_relation = {_relation_key(node): node for node in nodes.values()}
    for node in nodes.values():
        if node.resource_type != "model" or not node.compiled_sql.strip():
            continue
        try:
            graph = lineage(None, node.compiled_sql, schema=schema, dialect="duckdb", trim_selects=False, copy=False)
        except Exception as error:  # noqa: BLE001 - lineage is best effort; say why it is missing
            node.lineage_note = f"column lineage unavailable: {str(error).splitlines()[0][:200]}"
            continue
        if not isinstance(graph, dict):
            continue
        for column in node.columns:
            root = graph.get(column.name)
            if root is None:
                continue
            pairs = []
            for leaf in root.walk():
                if leaf.downstream or not isinstance(leaf.source, exp.Table):
                    continue
                table = leaf.source.name
                upstream = by_relation.get(table)
                pairs.append((upstream.name if upstream else table, leaf.name.split(".")[-1],
                              upstream.page if upstream else ""))
            column.upstream = sorted(set(pairs))


def _analyses(project_root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Analyses that ask to be shown in the docs: (SQL file, YAML entry)."""
    import yaml

    folder = project_root / "analyses"
    found = []
    for yml in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        content = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        for entry in content.get("analyses") or []:
            sql = folder / f"{entry.get('name')}.sql"
            if _meta(entry).get("ogi_docs") and sql.is_file():
                found.append((sql, entry))
    return found


def render_analysis(sql: str, nodes: dict[str, SiteNode]) -> str:
    """Replace {{ ref('name') }} with the model's relation (the only Jinja analyses use here)."""
    relations = {node.name: node.relation or f'"{node.name}"' for node in nodes.values()}

    def relation(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in relations:
            raise WarehouseError(f"ref('{name}'): no such model in the manifest")
        return relations[name]

    return re.sub(r"\{\{\s*ref\(\s*['\"]([^'\"]+)['\"]\s*\)\s*\}\}", relation, sql)


def build_panels(project_root: Path, nodes: dict[str, SiteNode], con: duckdb.DuckDBPyConnection | None) -> list[Panel]:
    from ogi.chart import ChartSpec, share_bars_svg

    panels = []
    for sql_file, entry in _analyses(project_root):
        meta = _meta(entry)
        panel = Panel(title=str(meta.get("title") or entry.get("name")),
                      description=str(entry.get("description") or "").strip(), kind=str(meta["ogi_docs"]))
        panels.append(panel)
        if con is None:
            panel.error = "no warehouse to query"
            continue
        try:
            frame = fetch_frame(con, render_analysis(sql_file.read_text(encoding="utf-8"), nodes))
        except WarehouseError as error:
            panel.error = str(error)
            continue
        if panel.kind == "chart":
            panel.svg = share_bars_svg(frame.to_dicts(), ChartSpec.from_meta(meta["ogi_chart"]))
            panel.error = "" if panel.svg else "no rows yet"
        else:
            panel.columns = list(frame.columns)
            panel.rows = [["" if value is None else str(value) for value in row]
                          for row in frame.head(PANEL_ROW_LIMIT).iter_rows()]
            panel.truncated = frame.height > PANEL_ROW_LIMIT
    return panels


def graph_data(nodes: Iterable[SiteNode], prefix: str = "") -> dict[str, Any]:
    """Nodes and edges for graph.js."""
    chosen = list(nodes)
    ids = {node.unique_id for node in chosen}
    return {
        "nodes": [{"id": n.unique_id, "name": n.name, "type": n.resource_type, "folder": n.folder,
                   "href": prefix + n.page, "rows": n.rows, "failed": n.tests_failed} for n in chosen],
        "edges": [[parent, n.unique_id] for n in chosen for parent in n.parents if parent in ids],
    }


def neighbourhood(nodes: dict[str, SiteNode], node: SiteNode) -> list[SiteNode]:
    """The node, its parents and its children."""
    ids = dict.fromkeys([*node.parents, node.unique_id, *node.children])
    return [nodes[uid] for uid in ids if uid in nodes]


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["tojson_safe"] = lambda value: json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
    env.globals["asset"] = lambda name: (ASSETS / name).read_text(encoding="utf-8")
    return env


def build_site(project_root: str | os.PathLike[str] = ".", warehouse: str | os.PathLike[str] | None = None,
               out: str | os.PathLike[str] = "target/docs") -> Path:
    """Write the site; returns the path of index.html."""
    root = Path(project_root)
    manifest = load_manifest(root)
    statuses = run_statuses(root)
    nodes = collect_nodes(manifest, root)
    for uid, node in nodes.items():
        node.status = str((statuses.get(uid) or {}).get("status") or "")
    attach_tests(nodes, manifest, statuses)
    con = open_read_only(warehouse) if warehouse else None
    try:
        attach_warehouse_facts(nodes, con)
        attach_column_lineage(nodes)
        panels = build_panels(root, nodes, con)
    finally:
        if con is not None:
            con.close()
    return write_site(Path(out), manifest, nodes, panels, str(warehouse or ""))


def write_site(out: Path, manifest: dict[str, Any], nodes: dict[str, SiteNode], panels: list[Panel],
               warehouse: str) -> Path:
    env = _environment()
    (out / "models").mkdir(parents=True, exist_ok=True)
    metadata = manifest.get("metadata") or {}
    common = {"project": metadata.get("project_name") or "project", "generated_at": metadata.get("generated_at") or "",
              "warehouse": warehouse, "nodes": nodes}
    index = out / "index.html"
    index.write_text(env.get_template("index.html.j2").render(
        **common, prefix="", graph=graph_data(nodes.values()), panels=panels,
        tests=[test for node in nodes.values() for test in node.tests],
    ), encoding="utf-8")
    page = env.get_template("model.html.j2")
    for node in nodes.values():
        (out / node.page).write_text(page.render(
            **common, prefix="../", node=node, graph=graph_data(neighbourhood(nodes, node), prefix="../"),
        ), encoding="utf-8")
    return index
