"""The `ogi` command line: a thin typer layer over the library functions."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ogi",
    help="ogi — an analytics warehouse of China's government-information-disclosure annual reports.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("version")
def version() -> None:
    """Print ogi's version."""
    from ogi import __version__

    typer.echo(__version__)


# The analyst's commands (issue 8): query, export, docs — defined in ogi/cli_analyst.py.
from ogi.cli_analyst import docs_command, export_command, query_command  # noqa: E402

app.command("query")(query_command)
app.command("export")(export_command)
app.command("docs")(docs_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
