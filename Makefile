# ogi — make build (set-up + ingest of data/reports + the warehouse) and make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RAW       ?= data/raw
WAREHOUSE ?= warehouse.duckdb
STAMP  := $(VENV)/.installed

.PHONY: build setup ingest warehouse test lint export docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

ingest: $(STAMP)
	$(BIN)/ogi ingest data/reports --raw $(RAW)

warehouse: $(STAMP)
	$(BIN)/ogi build --raw $(RAW) --warehouse $(WAREHOUSE)

build: ingest warehouse

test: $(STAMP)
	sh scripts/ensure_chromium.sh
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check ogi ingest tests bench scripts
	$(BIN)/mypy

export: $(STAMP)
	$(BIN)/ogi export --warehouse $(WAREHOUSE) --out exports

docs: $(STAMP)
	$(BIN)/ogi docs --warehouse $(WAREHOUSE)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf target $(RAW) exports $(WAREHOUSE) $(WAREHOUSE).wal

# dbt compatibility: the same project under dbt-core 1.11 + dbt-duckdb 1.11 (a separate .dbt-venv),
# marts compared with ogi's build (row counts + checksums). dbt-core 1.12 cannot install here.
.PHONY: dbt-compat
dbt-compat: ingest
	test -x .dbt-venv/bin/dbt || ($(PYTHON) -m venv .dbt-venv && .dbt-venv/bin/python -m pip install -q "dbt-core>=1.11,<1.12" "dbt-duckdb>=1.11,<1.12")
	$(BIN)/python scripts/dbt_compat.py --raw $(RAW)
