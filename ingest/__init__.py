"""ingest: everything that knows what a report looks like (files -> raw Parquet)."""

PARSER_VERSION = "0.1.0"
