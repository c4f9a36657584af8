# The project's one task runner. README names these targets; CI runs `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 0.1
SEED ?= 42
OUT := seeds/ehp
DB := $(CURDIR)/proactivehealth.duckdb
DOCS_PORT ?= 8080
export DBT_PROFILES_DIR := $(CURDIR)
export EHP_DUCKDB_PATH ?= $(DB)

GEN_SOURCES := $(wildcard generator/*.py generator/reference/*.csv)
GEN_ARGS := --scale $(SCALE) --seed $(SEED) --out $(OUT)
ARGS_FILE := $(OUT)/.generate-args
# regenerate when the arguments change, not only when the code does
$(shell mkdir -p $(OUT); echo '$(GEN_ARGS)' | cmp -s - $(ARGS_FILE) 2>/dev/null || echo '$(GEN_ARGS)' > $(ARGS_FILE))

.PHONY: build test test-fast generate lint format docs clean help answers bench

help:
	@echo "make build      install, generate the default data (SCALE=$(SCALE) SEED=$(SEED)), dbt build"
	@echo "make test       linters, Python tests and the end-to-end dbt build test"
	@echo "make test-fast  the fast Python tests only"
	@echo "make answers    rewrite the known answers of the default dataset (seed 42, scale 0.1)"
	@echo "make generate   regenerate the CSVs in $(OUT)"
	@echo "make docs       dbt docs as one offline page (target/static_index.html) and the ERD redrawn"
	@echo "make docs-serve serve the docs on http://127.0.0.1:$(DOCS_PORT)/static_index.html"
	@echo "make bench      benchmark generator and loaders at scales 0.1, 1, 10 (BENCH_SCALES=0.1,1 to limit)"
	@echo "make clean      remove generated data, the database and dbt artifacts"

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

$(OUT)/manifest.json: $(BIN)/.installed $(GEN_SOURCES) $(ARGS_FILE)
	$(BIN)/ehp-generate $(GEN_ARGS)

generate: $(BIN)/.installed
	$(BIN)/ehp-generate $(GEN_ARGS)

# the files are checked against their manifest first: a changed or corrupt file stops here
build: $(OUT)/manifest.json
	$(BIN)/ehp-generate --verify $(OUT)
	$(BIN)/dbt build
	@echo
	@echo "The hospital's data is in $(EHP_DUCKDB_PATH)"
	@echo "Query it with:"
	@echo "  $(BIN)/dbt show --inline 'select * from {{ ref(\"stg_ehp__patn\") }}' --limit 5"
	@echo "  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(EHP_DUCKDB_PATH)', read_only=True).sql('show all tables'))\""
	@echo "  or open the file in any DuckDB client (duckdb CLI, DBeaver, ...)"

# sqlfluff on every model, test and macro. Macro files (generic tests too) render no SQL
# of their own, so the dbt templater skips them: scripts/lint_macros.py lints the SQL
# their bodies write, with the jinja templater.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	EHP_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests/*.sql --processes 2
	$(BIN)/python scripts/lint_macros.py

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

test-fast: $(BIN)/.installed
	$(BIN)/pytest -m "not slow"

# rebuild the default dataset's marts and rewrite its known answers: a data
# change then shows up as a reviewed diff of tests/known_answers/*.json
answers: $(BIN)/.installed
	$(BIN)/python tests/python/known_answers.py --write

# The docs of the default hospital: its seeds and models built (no tests: `make build`
# runs them), the ERD redrawn from that manifest, then dbt's static page, finished with
# Mermaid for the ERD. target/static_index.html opens from disk, offline.
docs: $(OUT)/manifest.json
	$(BIN)/dbt build --resource-type seed --resource-type model --quiet
	$(BIN)/python scripts/erd.py target/manifest.json
	$(BIN)/dbt docs generate --static --quiet
	$(BIN)/python scripts/finish_static_docs.py target/static_index.html
	@echo "Open target/static_index.html in a browser, or run: make docs-serve"

docs-serve:
	test -f target/static_index.html || $(MAKE) docs
	@echo "Serving http://127.0.0.1:$(DOCS_PORT)/static_index.html (Ctrl-C stops)"
	$(BIN)/python -m http.server $(DOCS_PORT) --bind 127.0.0.1 --directory target

# Figures, not tests: generator speed and memory, dbt seed vs the DuckDB loader, the full
# build at scale 10. Writes bench/results.md (and README's table on a full run); data in a
# temporary folder. BENCH_SCALES=0.1,1 limits the scales.
bench: $(BIN)/.installed
	$(BIN)/python bench/bench.py

clean:
	rm -rf target logs dbt_packages .cache $(OUT)/*.csv $(OUT)/*.parquet $(OUT)/manifest.json $(OUT)/.generate-args
	rm -f proactivehealth.duckdb proactivehealth.duckdb.wal
