"""ingest: everything that knows what a report looks like (files -> raw Parquet)."""

from __future__ import annotations

from ingest import native

RELEASE = "0.1.0"
native.enable()  # the mypyc build of the hot modules, when `make native` built it from this very source


def _code_fingerprint() -> str:
    """A short hash of ingest's own code and data files.

    Incremental ingest skips a file only when its content AND the parser that read it are unchanged;
    tying the parser version to the code itself means a changed extractor re-reads every report,
    without anyone having to remember to bump a number.
    """
    import hashlib
    from pathlib import Path

    root = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".csv") and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def __getattr__(name: str) -> str:
    """PARSER_VERSION, computed on first use (`ogi`'s other commands import this package without it)."""
    if name == "PARSER_VERSION":
        version = f"{RELEASE}+{_code_fingerprint()}"
        globals()["PARSER_VERSION"] = version
        return version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
