"""YAML loading that remembers the line of every mapping (for file:line errors)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import yaml

from ogi.errors import CompilationError
from ogi.filecache import FileCache


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
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CompilationError(f"cannot read: {exc}", path) from exc
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CompilationError(f"invalid YAML: {exc.problem}", path, line) from exc


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None) or None


class YamlCache(FileCache):
    """Parsed YAML property files (~35 ms of every command on the bundled project; reading them back
    takes ~5), kept pickled so each load returns a fresh object."""

    def __init__(self, path: Path | None) -> None:
        super().__init__(path, "yaml-2")

    def load(self, path: Path) -> Any:
        """The parsed content of `path` (a fresh object each run: callers may change it)."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CompilationError(f"cannot read: {exc}", path) from exc
        blob = self.get(str(path), text)
        if blob is not None:
            return pickle.loads(blob)  # noqa: S301 (bytes this class pickled, from target/)
        data = parse_yaml(text, path)
        self.put(str(path), text, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        return data
