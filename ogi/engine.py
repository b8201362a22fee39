"""The DuckDB module the runner connects with: DuckDB's native extension `_duckdb` on its own when it
has what the runner calls, else the `duckdb` package.

The `duckdb` package (2.0) is a Python layer over that extension: a relation and expression API
(~10k lines of Python) plus importlib.metadata for its version string. Importing it costs ~0.08 s
of CPU at every start, about a tenth of a cold build of the bundled project, and the runner uses
none of it: it connects, executes SQL text, fetches rows and catches errors, all of which the
extension provides itself (the package re-exports those very objects: `duckdb.Error is
_duckdb.Error`, `duckdb.connect is _duckdb.connect`). The analyst's commands (query, export, docs),
which use the relation API, import the package as usual.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_USED = ("connect", "Error", "InterruptException", "__version__")


@cache
def duckdb_module() -> Any:
    """`_duckdb` when it provides everything in _USED (the pinned duckdb 2.0 does), else `duckdb`."""
    try:
        import _duckdb
    except ImportError:
        pass
    else:
        if all(hasattr(_duckdb, name) for name in _USED):
            return _duckdb
    import duckdb

    return duckdb
