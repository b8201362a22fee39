"""dbt-shaped artifacts: target/compiled/…, target/run/…, target/manifest.json, target/run_results.json."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ogi import __version__

if TYPE_CHECKING:
    from ogi.manifest import Manifest
    from ogi.nodes import Node
    from ogi.runner import RunReport

def _uuid4() -> str:
    """A random (version 4) UUID, as str(uuid.uuid4()) (the uuid module imports platform: ~3 ms a start)."""
    raw = bytearray(os.urandom(16))
    raw[6], raw[8] = (raw[6] & 0x0F) | 0x40, (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


INVOCATION_ID = _uuid4()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _metadata(kind: str, version: str, manifest: Manifest) -> dict[str, Any]:
    return {
        "dbt_schema_version": f"https://schemas.getdbt.com/dbt/{kind}/{version}.json",
        "dbt_version": f"ogi-{__version__}",
        "generated_at": _now(),
        "invocation_id": INVOCATION_ID,
        "env": {},
        "project_name": manifest.project.name,
        "adapter_type": "duckdb",
    }


def compiled_path(manifest: Manifest, node: Node, kind: str = "compiled") -> Path:
    rel = node.original_file_path
    if node.resource_type == "test" and node.test_metadata is not None:
        rel = str(Path(rel).parent / Path(rel).name / f"{node.name}.sql")
    return manifest.project.target_dir / kind / manifest.project.name / rel


def write_compiled(manifest: Manifest, nodes: list[Node]) -> None:
    """target/compiled/…: a file whose content is already right is left alone (no rewrite)."""
    made: set[Path] = set()
    for node in nodes:
        if node.compiled_code is None or node.resource_type == "seed":
            continue
        path = compiled_path(manifest, node)
        text = node.compiled_code + "\n"
        try:
            if path.read_text(encoding="utf-8") == text:
                continue
        except (OSError, UnicodeDecodeError):
            pass
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(text, encoding="utf-8")


def node_dict(manifest: Manifest, node: Node) -> dict[str, Any]:
    config = {k: v for k, v in node.config.items() if not k.startswith("_")}
    if node.resource_type != "source":
        config.setdefault("materialized", node.materialized)
    rel = node.relation()
    out: dict[str, Any] = {
        "database": manifest.target.database,
        "schema": node.schema,
        "name": node.name,
        "resource_type": node.resource_type,
        "package_name": node.package_name,
        "path": node.original_file_path,
        "original_file_path": node.original_file_path,
        "unique_id": node.unique_id,
        "fqn": node.fqn,
        "alias": node.alias,
        "checksum": {"name": "sha256", "checksum": hashlib.sha256(node.raw_code.encode()).hexdigest()},
        "config": config,
        "tags": node.tags,
        "description": node.description,
        "columns": {name: col.as_dict() for name, col in node.columns.items()},
        "meta": dict(node.config.get("meta") or {}),
        "docs": {"show": True, "node_color": None},
        "relation_name": None if node.materialized in ("ephemeral", "test") else rel.render(),
    }
    if node.resource_type == "source":
        out.update({
            "source_name": node.source_name, "source_description": "", "loader": node.loader,
            "identifier": node.identifier, "external_location": node.external_location,
            "relation_name": node.external_location or rel.render(),
        })
        return out
    out.update({
        "raw_code": node.raw_code,
        "language": "sql",
        "refs": [{"name": r, "package": None, "version": None} for r in node.refs],
        "sources": [list(s) for s in node.sources],
        "metrics": [],
        "depends_on": {"macros": node.depends_on_macros, "nodes": node.depends_on},
        "compiled": node.compiled_code is not None,
        "compiled_code": node.compiled_code,
        "compiled_path": str(compiled_path(manifest, node).relative_to(manifest.root))
        if node.compiled_code is not None else None,
        "extra_ctes_injected": True,
        "extra_ctes": [],
        "contract": {"enforced": False, "alias_types": True, "checksum": None},
    })
    if node.resource_type == "test":
        out["column_name"] = node.column_name
        out["attached_node"] = node.attached_node
        if node.test_metadata is not None:
            out["test_metadata"] = {k: v for k, v in node.test_metadata.items()}
    return out


def manifest_dict(manifest: Manifest) -> dict[str, Any]:
    nodes = {uid: node_dict(manifest, n) for uid, n in manifest.nodes.items()}
    sources = {uid: node_dict(manifest, n) for uid, n in manifest.sources.items()}
    parent_map = {uid: list(n.depends_on) for uid, n in manifest.all_nodes().items()}
    child_map: dict[str, list[str]] = {uid: [] for uid in parent_map}
    for uid, parents in parent_map.items():
        for parent in parents:
            child_map.setdefault(parent, []).append(uid)
    macros = {
        f"macro.{manifest.project.name}.{name}": {"name": name, "original_file_path": path,
                                                  "package_name": manifest.project.name}
        for name, path in manifest.macro_files.items()
    }
    return {
        "metadata": _metadata("manifest", "v12", manifest),
        "nodes": nodes,
        "sources": sources,
        "macros": macros,
        "docs": {f"doc.{manifest.project.name}.{k}": {"name": k, "block_contents": v}
                 for k, v in manifest.docs.items()},
        "exposures": {}, "metrics": {}, "groups": {}, "selectors": {}, "disabled": {},
        "parent_map": parent_map,
        "child_map": child_map,
        "group_map": {}, "saved_queries": {}, "semantic_models": {}, "unit_tests": {},
    }


def write_manifest(manifest: Manifest, kept_as: str | None = None) -> Path:
    """target/manifest.json. `kept_as`: what its content depends on beyond the parse (ogi.parsecache
    keeps the text of all but `metadata` under it: an unchanged project's manifest.json is not
    encoded again; json.dumps holds the GIL all along, ~20 ms here, while the nodes start)."""
    cache = manifest.parse_cache if kept_as is not None else None
    body = cache.manifest_json(kept_as) if cache is not None and kept_as is not None else None
    if body is None:
        data = manifest_dict(manifest)
        del data["metadata"]
        body = json.dumps(data, ensure_ascii=False, default=str)[1:]  # '"nodes": …}'
        if cache is not None and kept_as is not None:
            cache.keep_manifest_json(kept_as, body)
    metadata = json.dumps(_metadata("manifest", "v12", manifest), ensure_ascii=False, default=str)
    path = manifest.project.target_dir / "manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"metadata": {metadata}, {body}', encoding="utf-8")  # json.dumps of manifest_dict
    return path


def last_execution_times(manifest: Manifest, same_inputs: list[Node] | None = None) -> dict[str, float]:
    """unique_id → execution_time in the last target/run_results.json ({} when there is none).

    `same_inputs`: {} as well unless those times were taken on the data this run reads: each of these
    nodes that reads a source has the compiled SQL the last run recorded (the same files: e.g. --raw
    names the same folder), and no file a source reads is newer than that record."""
    path = manifest.project.target_dir / "run_results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if same_inputs is not None and not _same_inputs(manifest, data, path.stat().st_mtime, same_inputs):
            return {}
        return {str(r["unique_id"]): float(r["execution_time"]) for r in data["results"]
                if r.get("status") not in ("skipped",) and not str(r.get("message") or "").startswith(("reused", "unchanged"))}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _same_inputs(manifest: Manifest, data: dict[str, Any], recorded_at: float, nodes: list[Node]) -> bool:
    from ogi.reuse import source_files

    compiled = {str(r["unique_id"]): r.get("compiled_code") for r in data["results"]}
    sources: dict[str, Node] = {}
    for node in nodes:
        read = manifest.sources_read_by(node)
        if read and compiled.get(node.unique_id) != node.compiled_code:
            return False
        sources.update((source.unique_id, source) for source in read)
    for source in sources.values():
        for file in source_files(source) or []:
            if os.stat(file).st_mtime >= recorded_at:
                return False
    return True


def write_run_results(manifest: Manifest, report: RunReport) -> Path:
    results = []
    nodes = manifest.all_nodes()
    for r in report.results:
        node = nodes.get(r.unique_id)
        results.append({
            "status": r.status,
            "timing": [
                {"name": "compile", "started_at": r.started_at, "completed_at": r.started_at},
                {"name": "execute", "started_at": r.started_at, "completed_at": r.completed_at},
            ],
            "thread_id": r.thread_id,
            "execution_time": r.execution_time,
            "adapter_response": {"_message": r.status.upper()} if r.status in ("success", "pass") else {},
            "message": r.message or None,
            "failures": r.failures,
            "unique_id": r.unique_id,
            "compiled": bool(node and node.compiled_code is not None),
            "compiled_code": node.compiled_code if node else None,
            "relation_name": node.relation().render() if node and node.materialized not in ("ephemeral", "test") else None,
            "batch_results": None,
        })
    data = {
        "metadata": _metadata("run-results", "v6", manifest),
        "results": results,
        "elapsed_time": report.elapsed,
        "args": {"which": report.command, "select": report.select, "exclude": report.exclude,
                 "full_refresh": report.full_refresh, "warehouse": str(report.warehouse)},
    }
    path = manifest.project.target_dir / "run_results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path
