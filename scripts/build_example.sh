#!/usr/bin/env bash
# Regenerate warehouse.duckdb.example: ingest the bundled corpus (data/reports) into data/raw and
# build the warehouse from it. Its staging views read data/raw relative to the repository root, so
# open the example from there (after `make ingest`) to query them; the marts are self-contained tables.
# tests/test_warehouse_example.py rebuilds it the same way and checks every mart still matches.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
"$BIN/ogi" ingest data/reports --raw data/raw
"$BIN/ogi" build --raw data/raw --warehouse warehouse.duckdb.example
echo "wrote warehouse.duckdb.example"
