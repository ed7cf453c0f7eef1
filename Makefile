# Every target sets up (or refreshes) the local virtualenv .venv itself.
# Knobs: PYTHON=python3.12 (interpreter for the venv, >= 3.11), PYTEST_ARGS="-k sqlite -x", DEMO_ARGS="--fresh".

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := backend,mobile,dev
PYTEST_ARGS ?=
DEMO_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help demo test lint format bench clean

help:
	@echo "make demo     run the demo (API + apps on an embedded SQLite database)"
	@echo "make test     ruff, format check, import rules, pytest (PYTEST_ARGS=... passes through)"
	@echo "make lint     ruff and import rules only"
	@echo "make format   apply ruff fixes and formatting"
	@echo "make bench    run every bench/*.py"
	@echo "make clean    remove .venv, caches and build output (keeps var/, the local data)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Parkflow needs Python >= 3.11, but '$(PYTHON)' is: $$($(PYTHON) --version 2>&1)." >&2; \
		echo "Install Python 3.11+ and run e.g. 'make PYTHON=python3.11 test'." >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever pyproject.toml changes; the package index comes from pip's own config.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[$(EXTRAS)]'
	@touch $@

demo: $(STAMP)
	$(BIN)/parkflow demo $(DEMO_ARGS)

test: lint
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix-only .
	$(BIN)/ruff format .

# The runnable benchmarks (the other bench/ modules are their helpers).
BENCHES := bench/geo_lookup.py bench/enforcement.py bench/geofence.py bench/dashboard.py bench/admin_sessions.py

bench: $(STAMP)
	@set -e; for script in $(BENCHES); do \
		echo "== $$script"; \
		$(BIN)/python $$script; \
	done

clean:
	rm -rf $(VENV) build dist test-artifacts *.egg-info \
		.pytest_cache .ruff_cache .hypothesis .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
