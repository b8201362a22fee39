"""YAML loading that remembers the line of every mapping (for file:line errors)."""

from __future__ import annotations

import hashlib
import os
import pickle
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


class YamlCache:
    """Parsed YAML files kept in one pickle between runs (in target/, keyed by file name and content),
    so an unchanged project skips parsing its property files (~35 ms of every command on the bundled
    project; unpickling takes ~5). An unreadable or stale cache is ignored and rewritten."""

    VERSION = "1"

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        if path is None:
            return
        try:
            data = pickle.loads(path.read_bytes())  # noqa: S301 (a file this class wrote in target/)
        except Exception:  # noqa: BLE001 — any damage means: parse again
            return
        if isinstance(data, dict) and data.get("version") == self.VERSION and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]

    def load(self, path: Path) -> Any:
        """The parsed content of `path` (a fresh object each run: callers may change it)."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CompilationError(f"cannot read: {exc}", path) from exc
        key = hashlib.blake2b(f"{path}\0{text}".encode(), digest_size=16).hexdigest()
        self.used.add(key)
        if key in self.entries:
            return pickle.loads(self.entries[key])  # noqa: S301
        data = parse_yaml(text, path)
        if self.path is not None:
            self.entries[key] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            self.dirty = True
        return data

    def save(self) -> None:
        """Write the cache when something was parsed this run (best effort: a cache is optional)."""
        if self.path is None or not (self.dirty or set(self.entries) - self.used):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f"{self.path.name}.{os.getpid()}")
            entries = {key: blob for key, blob in self.entries.items() if key in self.used}
            temp.write_bytes(pickle.dumps({"version": self.VERSION, "entries": entries}))
            os.replace(temp, self.path)
            self.dirty = False
        except OSError:
            pass
