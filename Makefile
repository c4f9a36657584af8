# The project's one task runner. README names these targets; CI runs `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 0.1
SEED ?= 42
OUT := seeds/ehp
DOCS_PORT ?= 8080
# dbt reads ./profiles.yml; the database is proactivehealth.duckdb in this folder unless
# EHP_DUCKDB_PATH says otherwise. Neither is exported with another value here, so that
# `make` and plain `dbt` share one profile and dbt's partial parsing survives between them.
DB := $(or $(EHP_DUCKDB_PATH),proactivehealth.duckdb)
# refuse, in one line naming the program to close, a database another program holds open
LOCK_CHECK := $(BIN)/python scripts/database_lock.py $(DB)

GEN_ARGS := --scale $(SCALE) --seed $(SEED) --out $(OUT)

.PHONY: feed build test test-fast generate lint format docs graphviz sql clean help answers readme-figures realism icd-reference dq-score bench build-postgres build-spark FORCE

help:
	@echo "make build      install, generate the default data (SCALE=$(SCALE) SEED=$(SEED)), dbt build"
	@echo "make test       linters, Python tests and the end-to-end dbt builds (DuckDB, Postgres, Spark)"
	@echo "make build-postgres / build-spark   the same build on a local Postgres / Spark (docs/engines.md)"
	@echo "make test-fast  the fast Python tests only"
	@echo "make sql        a SQL client in the terminal (harlequin) on the built database"
	@echo "make answers    rewrite the known answers of the default dataset (seed 42, scale 0.1)"
	@echo "make readme-figures  rewrite the figures README.md and docs/ show, from that dataset"
	@echo "make generate   regenerate the CSVs in $(OUT)"
	@echo "make feed DAYS=30  the daily feed: each day's change files landed and built, in data/feed (docs/feed.md)"
	@echo "make docs       dbt docs as one offline page (target/static_index.html) and the ERD redrawn"
	@echo "make docs-serve serve the docs on http://127.0.0.1:$(DOCS_PORT)/static_index.html"
	@echo "make realism    the realism figures (figure, target, measured) of fresh extracts: scale 1, seeds 2026 and 7"
	@echo "make icd-reference  rebuild the long tail of ICD-10-CM codes from simple-icd-10-cm"
	@echo "make dq-score   the data-quality layer scored on dirty data (--defects realistic, in dq/)"
	@echo "make bench      benchmark generator and loaders at scales 0.1, 1, 10 (BENCH_SCALES=0.1,1 to limit)"
	@echo "make clean      remove generated data, the database and dbt artifacts"

# tools whose pins clash with the project's (tools/<name>.txt), each in its own venv
TOOLS := .venv-tools
$(TOOLS)/%/.installed: tools/%.txt
	test -x $(TOOLS)/$*/bin/python || $(PYTHON) -m venv $(TOOLS)/$*
	$(TOOLS)/$*/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	touch $@

# a SQL client in the terminal on the built database, read-only (Ctrl-Q quits)
sql: $(TOOLS)/harlequin/.installed
	@test -f $(DB) || { echo "$(DB) does not exist yet: run make build first" >&2; exit 2; }
	$(TOOLS)/harlequin/bin/harlequin --read-only $(DB)

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# dbt-postgres, dbt-spark and pyspark: for the engine builds and make test's engine matrix
$(BIN)/.installed-engines: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,engines]"
	touch $@

# The dataset asked for (SCALE, SEED): scripts/dataset.py compares the manifest's options
# and the generator's code with what is asked, regenerates when they differ and says so.
$(OUT)/manifest.json: $(BIN)/.installed FORCE
	@$(BIN)/python scripts/dataset.py $(GEN_ARGS)

generate: $(BIN)/.installed
	@$(BIN)/python scripts/dataset.py $(GEN_ARGS) --force

# the files are checked against their manifest first: a changed or corrupt file stops here;
# then dbt build, or only what changed since the last build that passed (scripts/dbt_build.py)
build: $(OUT)/manifest.json
	@$(BIN)/ehp-generate --verify $(OUT)
	@$(BIN)/python scripts/dbt_build.py $(if $(FORCE),--force)
	@echo
	@echo "The hospital's data is in $(DB). Query it with:"
	@echo "  make sql          (harlequin, a SQL client in the terminal; Ctrl-Q quits)"
	@echo "  $(BIN)/dbt show --inline 'select * from {{ ref(\"dim_patients\") }}' --limit 5"
	@echo "Close them before the next build: DuckDB lets no one write while the file is open."
	@echo "Run make build again after a change: with none it skips dbt (a second or two); after"
	@echo "a model change it builds and tests only that model and what depends on it."

# The daily feed (docs/feed.md): an initial extract DAYS days before 2024-12-31, then
# each day's change files landed in data/feed/landing/<day>/ and built by dbt in feed
# mode, in the feed's own database data/feed/feed.duckdb (seeds/ehp and $(DB) stay as
# they are). FEED_TESTS=1 runs the data tests every day too; DEFECTS=realistic feeds
# late-arriving rows (docs/defects.md), LOOKBACK=N sets the incremental facts' lookback.
DAYS ?= 30
feed: $(BIN)/.installed
	$(BIN)/python scripts/feed.py --days $(DAYS) --scale $(SCALE) --seed $(SEED) $(if $(FEED_TESTS),--tests) \
	  $(if $(DEFECTS),--defects $(DEFECTS)) $(if $(LOOKBACK),--lookback $(LOOKBACK))

# The same project on another engine, started on this machine and stopped after
# (Debian packages installed when missing): load seeds/ehp with that engine's loader,
# then the full dbt build (scripts/engines.py, docs/engines.md).
build-postgres build-spark: build-%: $(OUT)/manifest.json $(BIN)/.installed-engines
	$(BIN)/python scripts/engines.py build $*

# sqlfluff on every model, test and macro. Macro files (generic tests too) render no SQL
# of their own, so the dbt templater skips them: scripts/lint_macros.py lints the SQL
# their bodies write, with the jinja templater. sqlfluff's dbt gets its own database and
# target/, so that target/partial_parse.msgpack stays that of `make build` and plain dbt
# (which would otherwise parse the whole project again after `make lint`).
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	lint_dir=$$(mktemp -d); EHP_DUCKDB_PATH=$$lint_dir/lint.duckdb DBT_TARGET_PATH=$$lint_dir/target \
	  $(BIN)/sqlfluff lint models tests/*.sql --processes 2
	$(BIN)/python scripts/lint_macros.py

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# the tools in their own venvs are checked too: harlequin opens the database, dbt-bouncer
# finds nothing (tests/python/test_sql_client.py, test_convention_tools.py)
test: lint $(BIN)/.installed-engines $(TOOLS)/harlequin/.installed $(TOOLS)/dbt-bouncer/.installed
	$(BIN)/pytest -n 2 --dist loadfile

test-fast: $(BIN)/.installed
	$(BIN)/pytest -m "not slow"

# rebuild the default dataset's marts and rewrite its known answers, and the data-quality
# scorecard of its dirty twin (make dq-score): a data change then shows up as a reviewed
# diff of tests/known_answers/*.json
answers: $(BIN)/.installed
	$(BIN)/python tests/python/known_answers.py --write
	$(BIN)/python scripts/dq_score.py --write

# every figure README.md and docs/*.md show (mf answers, rows, exercise answers), from the
# default dataset built in a temporary copy; test_readme_figures.py checks them
readme-figures: $(BIN)/.installed
	$(BIN)/python scripts/readme_figures.py

# The docs of the default hospital: its seeds and models built (no tests: `make build`
# runs them), the ERD redrawn from that manifest (docs/erd.md, and SVG pictures in
# assets/erd/ that dbt copies into target/), then dbt's static page with the pictures
# inlined: target/static_index.html opens from disk, offline; `dbt docs serve` works too.
docs: $(OUT)/manifest.json graphviz
	@$(LOCK_CHECK)
	$(BIN)/dbt build --resource-type seed --resource-type model --quiet
	$(BIN)/python scripts/erd.py target/manifest.json --svg assets/erd
	$(BIN)/dbt docs generate --static --quiet
	$(BIN)/python scripts/finish_static_docs.py target/static_index.html
	@echo "Open target/static_index.html in a browser, or run: make docs-serve"

# Graphviz's `dot` draws the ERD to SVG: Debian's package, installed when missing (as root)
graphviz:
	@command -v dot >/dev/null || { test "$$(id -u)" = 0 || { echo "make docs needs Graphviz: sudo apt-get install graphviz" >&2; exit 2; }; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq graphviz >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; }; }

docs-serve:
	test -f target/static_index.html || $(MAKE) docs
	@echo "Serving http://127.0.0.1:$(DOCS_PORT)/static_index.html (Ctrl-C stops)"
	$(BIN)/python -m http.server $(DOCS_PORT) --bind 127.0.0.1 --directory target

# The long tail of diagnosis codes (generator/reference/icd10_long_tail.csv), rebuilt from
# the public ICD-10-CM code set of the PyPI package simple-icd-10-cm (a dev dependency the
# generator never imports); a test checks the checked-in file is what this writes.
icd-reference: $(BIN)/.installed
	$(BIN)/python scripts/build_icd_reference.py

# Figures, not tests: the realism figures of issue 11 and docs/realism.md (prevalence,
# recurrence, indications, code breadth, payments, people, rates by band), each with its
# target, from extracts generated in a temporary folder (REALISM_SEEDS, REALISM_SCALE), or
# from an existing one (REALISM_DIR=seeds/ehp).
REALISM_SEEDS ?= 2026,7
REALISM_SCALE ?= 1
realism: $(BIN)/.installed
	$(BIN)/python scripts/realism_report.py $(or $(REALISM_DIR),--scale $(REALISM_SCALE) --seeds $(REALISM_SEEDS))

# The data-quality layer scored against the ground truth (docs/defects.md): the default
# hospital with --defects realistic in its own folder and database (dq/), built, and per
# defect type injected, detected, precision and recall printed; checked against the
# known answer (DQ_ARGS=--write rewrites it). seeds/ehp and the default database stay.
dq-score: $(BIN)/.installed
	$(BIN)/python scripts/dq_score.py $(or $(DQ_ARGS),--check)

# Figures, not tests: generator speed and memory, dbt seed vs the DuckDB loader, the full
# build at scale 10. Writes bench/results.md (and README's table on a full run); data in a
# temporary folder. BENCH_SCALES=0.1,1 limits the scales.
bench: $(BIN)/.installed
	$(BIN)/python bench/bench.py

clean:
	rm -rf target logs dbt_packages .cache assets/erd dq data/feed $(OUT)/*.csv $(OUT)/*.parquet $(OUT)/manifest.json $(OUT)/.generator-code
	rm -f proactivehealth.duckdb proactivehealth.duckdb.wal
