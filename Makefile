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
