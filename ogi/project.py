"""Load a dbt-shaped project: dbt_project.yml (paths, vars, folder configs) and profiles.yml (targets).

Folder configs cascade as in dbt: `models: {<project>: {+materialized: view, staging: {+schema: stg}}}`;
keys starting with `+` (or known config names) are configs, other mapping keys are sub-folders or
node names. `tags` accumulate, `meta` merges, everything else is overridden by the deeper level.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ogi.errors import CompilationError

if TYPE_CHECKING:
    from ogi.yamlfile import YamlCache

# Config keys recognised without a leading '+' in dbt_project.yml (dbt accepts both spellings).
KNOWN_CONFIGS = {
    "materialized", "schema", "tags", "enabled", "alias", "database", "unique_key",
    "incremental_strategy", "on_schema_change", "full_refresh", "persist_docs", "meta",
    "column_types", "quote_columns", "delimiter", "severity", "where", "warn_if", "error_if",
    "docs", "contract", "pre-hook", "post-hook", "store_failures", "limit", "group", "access",
}
DICT_CONFIGS = {"meta", "column_types", "persist_docs", "docs", "contract"}


@dataclass
class Target:
    """The selected output of profiles.yml (dbt's `target` object)."""

    name: str
    type: str
    path: str
    schema: str = "main"
    threads: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def database(self) -> str:
        return Path(self.path).stem if self.path not in ("", ":memory:") else "memory"

    def as_jinja(self) -> dict[str, Any]:
        return {**self.extra, "name": self.name, "type": self.type, "path": self.path,
                "schema": self.schema, "threads": self.threads, "database": self.database,
                "profile_name": self.extra.get("profile_name", "")}


@dataclass
class Project:
    """dbt_project.yml, resolved against the project root."""

    root: Path
    name: str
    profile: str
    model_paths: list[str]
    seed_paths: list[str]
    macro_paths: list[str]
    test_paths: list[str]
    target_path: str
    clean_targets: list[str]
    vars: dict[str, Any]
    model_configs: dict[str, Any]
    seed_configs: dict[str, Any]
    test_configs: dict[str, Any]
    raw: dict[str, Any]

    @property
    def target_dir(self) -> Path:
        return self.root / self.target_path

    def folder_config(self, resource_type: str, fqn: list[str]) -> dict[str, Any]:
        """The cascaded dbt_project.yml config for a node whose fqn is [project, *folders, name]."""
        tree = {"model": self.model_configs, "seed": self.seed_configs, "test": self.test_configs}.get(
            resource_type, {}
        )
        merged: dict[str, Any] = {}
        level: Any = tree
        # The first level is keyed by project name; configs directly under `models:` apply too.
        merge_config(merged, _configs_at(level))
        for part in fqn:
            if not isinstance(level, dict) or part not in level or not isinstance(level[part], dict):
                break
            level = level[part]
            merge_config(merged, _configs_at(level))
        return merged


def _configs_at(level: Any) -> dict[str, Any]:
    if not isinstance(level, dict):
        return {}
    out: dict[str, Any] = {}
    for key, value in level.items():
        if key.startswith("+"):
            out[key[1:]] = value
        elif key in KNOWN_CONFIGS and (not isinstance(value, dict) or key in DICT_CONFIGS):
            out[key] = value
    return out


def merge_config(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """dbt's config merge: tags union, meta/column_types/persist_docs dict-merge, the rest override."""
    for key, value in extra.items():
        if key == "tags":
            tags = [value] if isinstance(value, str) else list(value or [])
            base["tags"] = list(dict.fromkeys([*base.get("tags", []), *tags]))
        elif key in ("meta", "column_types", "persist_docs", "docs") and isinstance(value, dict):
            base[key] = {**base.get(key, {}), **value}
        else:
            base[key] = value
    return base


def read_yaml(path: Path, cache: YamlCache | None = None) -> Any:
    """Parse a YAML file (plain dicts), turning a syntax error into a CompilationError with its line;
    through `cache` when given (then an unchanged file is not parsed again)."""
    from ogi.yamlfile import YamlCache

    if cache is None:
        cache = YamlCache(None)
    return cache.load(path, plain=True)


def find_project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above `start` holding a dbt_project.yml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    raise CompilationError(f"no dbt_project.yml in {here} or any parent directory; run ogi inside a project")


def load_project(root: Path, cache: YamlCache | None = None) -> Project:
    """dbt_project.yml (parsed through `cache` when given)."""
    path = root / "dbt_project.yml"
    if not path.is_file():
        raise CompilationError("dbt_project.yml not found", path)
    data = read_yaml(path, cache) or {}
    if not isinstance(data, dict) or "name" not in data:
        raise CompilationError("dbt_project.yml must be a mapping with a `name`", path)

    def paths(key: str, default: str) -> list[str]:
        value = data.get(key, [default])
        return [value] if isinstance(value, str) else list(value)

    return Project(
        root=root,
        name=str(data["name"]),
        profile=str(data.get("profile", data["name"])),
        model_paths=paths("model-paths", "models"),
        seed_paths=paths("seed-paths", "seeds"),
        macro_paths=paths("macro-paths", "macros"),
        test_paths=paths("test-paths", "tests"),
        target_path=str(data.get("target-path", "target")),
        clean_targets=paths("clean-targets", "target"),
        vars=dict(data.get("vars") or {}),
        model_configs=dict(data.get("models") or {}),
        seed_configs=dict(data.get("seeds") or {}),
        test_configs=dict(data.get("data_tests") or data.get("tests") or {}),
        raw=data,
    )


def profile_candidates(project: Project) -> list[Path]:
    """Where profiles.yml is looked for, in order: $DBT_PROFILES_DIR, the project, ~/.dbt."""
    candidates = [project.root / "profiles.yml"]
    if os.environ.get("DBT_PROFILES_DIR"):
        candidates.insert(0, Path(os.environ["DBT_PROFILES_DIR"]) / "profiles.yml")
    candidates.append(Path.home() / ".dbt" / "profiles.yml")
    return candidates


def load_target(project: Project, target_name: str | None = None, render: Any = None,
                cache: YamlCache | None = None) -> Target:
    """Pick the target from profiles.yml (project dir, then $DBT_PROFILES_DIR, then ~/.dbt).

    `render` renders Jinja in string values (env_var); without a profiles.yml, a DuckDB target
    at $OGI_WAREHOUSE / warehouse.duckdb is used.
    """
    for path in profile_candidates(project):
        if path.is_file():
            profiles = read_yaml(path, cache) or {}
            break
    else:
        default = os.environ.get("OGI_WAREHOUSE", "warehouse.duckdb")
        return Target(name=target_name or "dev", type="duckdb", path=default)
    profile = profiles.get(project.profile)
    if not isinstance(profile, dict):
        raise CompilationError(f"profile '{project.profile}' not found", path)
    name = target_name or os.environ.get("OGI_TARGET") or profile.get("target", "dev")
    outputs = profile.get("outputs") or {}
    if name not in outputs:
        raise CompilationError(f"target '{name}' not in profile '{project.profile}' ({', '.join(outputs)})", path)
    output = dict(outputs[name])
    if render is not None:
        output = {k: render(v, path) if isinstance(v, str) else v for k, v in output.items()}
    if output.get("type", "duckdb") != "duckdb":
        raise CompilationError(f"target '{name}' has type {output.get('type')!r}; ogi runs DuckDB only", path)
    return Target(
        name=name,
        type="duckdb",
        path=str(output.get("path", "warehouse.duckdb")),
        schema=str(output.get("schema", "main")),
        threads=int(output.get("threads", 1)),
        extra={k: v for k, v in output.items() if k not in ("path", "schema", "threads", "type")}
        | {"profile_name": project.profile},
    )
