"""YAML loading that remembers the line of every mapping (for file:line errors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ogi.errors import CompilationError


class LineDict(dict):  # type: ignore[type-arg]
    """A dict from YAML that knows the line it started on."""

    line: int = 0


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster


class _LineLoader(_Base):  # type: ignore[valid-type,misc]
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CompilationError(f"invalid YAML: {exc.problem}", path, line) from exc
    except OSError as exc:
        raise CompilationError(f"cannot read: {exc}", path) from exc


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None) or None
