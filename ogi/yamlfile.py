"""YAML loading that remembers the line of every mapping (for file:line errors)."""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ogi.errors import CompilationError
from ogi.filecache import FileCache

if TYPE_CHECKING:
    from ogi.parsecache import FileLog


class LineDict(dict):  # type: ignore[type-arg]
    """A dict from YAML that knows the line it started on."""

    line: int = 0


@cache
def _line_loader() -> Any:
    """PyYAML's safe loader (libyaml's when present: ~10x faster) building LineDicts. Built on first
    use: importing yaml costs ~15 ms, which a run whose YAML is all in the cache does not pay."""
    import yaml

    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def construct_map(loader: Any, node: Any) -> Any:
        data = LineDict()
        data.line = node.start_mark.line + 1
        yield data
        data.update(loader.construct_mapping(node))

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    return LineLoader


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CompilationError(f"cannot read: {exc}", path) from exc
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path, plain: bool = False) -> Any:
    """`text` parsed (mappings as LineDicts; as plain dicts with `plain`), a syntax error raised as a
    CompilationError with its line."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if plain else _line_loader()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CompilationError(f"invalid YAML: {exc.problem}", path, line) from exc


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None) or None


class YamlCache(FileCache):
    """Parsed YAML property files (~35 ms of every command on the bundled project; reading them back
    takes ~5), kept pickled so each load returns a fresh object."""

    def __init__(self, path: Path | None, log: FileLog | None = None) -> None:
        super().__init__(path, "yaml-2")
        self.log = log  # ogi.parsecache's record of the files a parse read

    def load(self, path: Path, plain: bool = False) -> Any:
        """The parsed content of `path` (a fresh object each run: callers may change it); `plain`:
        parse_yaml's plain dicts."""
        try:
            text = read_text(path, self.log)
        except OSError as exc:
            raise CompilationError(f"cannot read: {exc}", path) from exc
        name = f"plain:{path}" if plain else str(path)
        blob = self.get(name, text)
        if blob is not None:
            try:
                return pickle.loads(blob)  # noqa: S301 (bytes this class pickled, from target/)
            except Exception:  # noqa: BLE001 (a damaged entry is a miss: the file is parsed again)
                pass
        data = parse_yaml(text, path, plain)
        self.put(name, text, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        return data


def read_text(path: Path, log: FileLog | None) -> str:
    """A project file's text (recorded by ogi.parsecache's log when given)."""
    return log.read_text(path) if log is not None else path.read_text(encoding="utf-8")
