"""The errors ogi raises: each one names the file and line it is about, when there is one."""

from __future__ import annotations

from pathlib import Path


class OgiError(Exception):
    """A user-facing error: `path:line: message`, with a hint on what to do next."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class CompilationError(OgiError):
    """Bad Jinja, an unknown ref/source/var, unsupported Jinja, a bad YAML file."""


class GraphError(OgiError):
    """A cycle or a reference to something that does not exist."""


class ValidationError(OgiError):
    """A compiled model that sqlglot rejects: a syntax error or an unknown column."""


class WarehouseLockedError(OgiError):
    """The warehouse file is held by another process."""
