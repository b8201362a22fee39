# ogi — make build (set-up + ingest of data/reports + the warehouse) and make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RAW       ?= data/raw
WAREHOUSE ?= warehouse.duckdb
STAMP  := $(VENV)/.installed

.PHONY: build setup native ingest warehouse test lint export docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The mypyc build of ingest's hot modules (ingest/native.py): compiled into build/native/ when a
# module changed since the last build (~2 min on 2 cores; nothing to do otherwise). Without a C
# compiler it says so and ingest runs as pure Python; an out-of-date build is never loaded.
# NATIVE=0 skips it (e.g. `make test NATIVE=0` right after an edit: the tests then run pure Python).
NATIVE ?= 1
native: $(STAMP)
	@if [ "$(NATIVE)" != 0 ]; then $(BIN)/python scripts/build_native.py || echo "native: build failed (above); ingest runs as pure Python"; fi

ingest: $(STAMP) native
	$(BIN)/ogi ingest data/reports --raw $(RAW)

warehouse: $(STAMP)
	$(BIN)/ogi build --raw $(RAW) --warehouse $(WAREHOUSE)

build: ingest warehouse

test: $(STAMP) native
	sh scripts/ensure_chromium.sh
	$(BIN)/python -m pytest -q
	@if $(BIN)/python -c "from ingest import native; raise SystemExit(not native.status().startswith('compiled'))"; then \
	  echo "pure-Python pass of the tests that swap ingest functions (compiled above):"; \
	  OGI_PURE_PYTHON=1 $(BIN)/python -m pytest -q -m pure_python; fi

lint: $(STAMP)
	$(BIN)/ruff check ogi ingest tests bench scripts
	$(BIN)/mypy

export: $(STAMP)
	$(BIN)/ogi export --warehouse $(WAREHOUSE) --out exports

docs: $(STAMP)
	$(BIN)/ogi docs --warehouse $(WAREHOUSE)

bench: $(STAMP) native
	$(BIN)/python -m bench

clean:
	rm -rf target $(RAW) exports $(WAREHOUSE) $(WAREHOUSE).wal build/native

# dbt compatibility: the same project under dbt-core 1.11 + dbt-duckdb 1.11 (a separate .dbt-venv),
# marts compared with ogi's build (row counts + checksums). dbt-core 1.12 cannot install here.
.PHONY: dbt-compat
dbt-compat: ingest
	test -x .dbt-venv/bin/dbt || ($(PYTHON) -m venv .dbt-venv && .dbt-venv/bin/python -m pip install -q "dbt-core>=1.11,<1.12" "dbt-duckdb>=1.11,<1.12")
	$(BIN)/python scripts/dbt_compat.py --raw $(RAW)
