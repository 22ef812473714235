# Pactum: `make run` serves the demo, `make test` runs every check. Both create .venv/.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(BIN)/uv)

.PHONY: install run test test-fast lint typecheck browser-deps bench bench-valuation clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Install the locked dependencies (and Pactum itself, editable) into .venv/.
install: | $(BIN)/python
	@if [ "$(UV)" = "$(BIN)/uv" ]; then $(MAKE) --no-print-directory $(BIN)/uv; fi
	$(UV) sync --frozen --python $(BIN)/python

# Install, migrate, load the demo data (idempotent) and serve on http://127.0.0.1:8000.
run: install
	$(BIN)/pactum demo

# Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded).
browser-deps:
	@bash scripts/install-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# Everything CI runs: install, lint, types, import contracts, the fast lane and then the
# browser, slow and server tests on SQLite (together: the whole suite), + PostgreSQL.
test: install browser-deps lint typecheck test-fast
	@PACTUM_TEST_DATABASE_URL= $(BIN)/pytest -n 2 -q -m "browser or slow or server" tests
	@if [ -n "$$PACTUM_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(BIN)/pytest -n 2 tests; \
	fi

# The daily lane: no browser, no slow tests, no server processes, SQLite only.
test-fast: install
	@PACTUM_TEST_DATABASE_URL= $(BIN)/pytest -n 2 -q -m "not browser and not slow and not server" tests

# Performance benchmarks (figures printed; see README).
bench: install
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_valuation.py
	$(BIN)/python benchmarks/bench_finance.py
	$(BIN)/python benchmarks/bench_finance_pages.py
	$(BIN)/python benchmarks/bench_live.py
	$(BIN)/python benchmarks/bench_governance.py

bench-valuation: install
	$(BIN)/python benchmarks/bench_valuation.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis
