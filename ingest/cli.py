"""`ogi ingest PATH... [--raw DIR] [--manifest FILE] [--full] [--workers N] [--strict]`.

A thin typer layer over ingest.pipeline.ingest_paths; ogi/cli.py registers `ingest_command`.
Heavy modules are imported inside the command so `ogi --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer


def version_line() -> str:
    """For `ogi version`: the parser version (what raw rows record) and whether ingest runs compiled.
    Compiled or not, the output is the same, so PARSER_VERSION does not say which."""
    from ingest import PARSER_VERSION, native

    return f"ingest parser {PARSER_VERSION}: {native.status()}"


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Report files and folders (searched recursively).")],
    raw: Annotated[
        Path | None, typer.Option("--raw", help="Raw Parquet folder (default: $OGI_RAW, else data/raw).")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Crawl manifest (CSV or JSON lines: path, url, title, published, organ)."),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Re-parse every file, even unchanged ones.")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel worker processes (default: one per core).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit non-zero when any file is quarantined.")] = False,
    chunk_files: Annotated[
        int | None, typer.Option("--chunk-files", min=1, help="Files per chunk of Parquet parts (memory per chunk).")
    ] = None,
) -> None:
    """Read report files into raw Parquet tables (reports, cells, figures, errors)."""
    from ingest.errors import IngestLocked
    from ingest.pipeline import CHUNK_FILES, ingest_paths

    raw_dir = raw or Path(os.environ.get("OGI_RAW") or "data/raw")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    if manifest is not None and not manifest.is_file():
        typer.echo(f"error: manifest {manifest} not found", err=True)
        raise typer.Exit(2)
    try:
        with _progress() as progress:
            summary = ingest_paths(paths, raw_dir, manifest=manifest, full=full, workers=workers, progress=progress,
                                   chunk_files=chunk_files or CHUNK_FILES)
    except OSError as e:  # full disk, read-only folder …: the previous raw tables are left as they were
        typer.echo(f"error: {e}; the raw tables in {raw_dir} are left consistent (files ingested before the "
                   "error are kept; re-run to finish)", err=True)
        raise typer.Exit(1) from None
    except IngestLocked as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    except Exception as e:  # ingest.raw (and pyarrow) are imported only when a run has work to do
        from ingest.raw import RawTableError

        if not isinstance(e, RawTableError):
            raise
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"ingest: {summary.line()} -> {raw_dir}")
    if strict and summary.quarantined:
        typer.echo(f"error: {summary.quarantined} file(s) quarantined (see {raw_dir}/errors)", err=True)
        raise typer.Exit(1)


class _progress:
    """A rich progress bar on a terminal; nothing when output is piped or logged."""

    def __enter__(self):  # noqa: ANN204
        self._bar = None
        if not sys.stderr.isatty():
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._bar = Progress("ingest", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
        self._bar.start()
        self._task = self._bar.add_task("ingest", total=None)
        return self.update

    def update(self, done: int, total: int) -> None:
        assert self._bar is not None
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def main() -> None:
    """Run the command on its own (`python -m ingest.cli PATH...`)."""
    typer.run(ingest_command)


if __name__ == "__main__":
    main()
