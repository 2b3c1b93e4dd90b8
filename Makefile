# Two commands on a fresh machine: `make demo` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit gate pin bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/eventwire run examples/demo/articles.jsonl --db out/demo.duckdb
	COLUMNS=$${COLUMNS:-180} $(BIN)/eventwire query --db out/demo.duckdb --format table --limit 12
	@echo
	@echo "Browse the demo database (dashboard and API, offline; Ctrl-C stops):"
	@echo "  $(BIN)/eventwire serve --db out/demo.duckdb      # then open http://127.0.0.1:8765/"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

gate: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_gate.py

# Raise the gate's pins after an improvement (tools/gate.py; lowering: PIN_ARGS='--allow-lower --reason "..."').
pin: $(STAMP)
	$(BIN)/python -m tools.gate pin $(PIN_ARGS)

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
