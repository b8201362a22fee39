"""ogi: a dbt-compatible model runner on DuckDB, and the `ogi` command line."""

__version__ = "0.1.0"
