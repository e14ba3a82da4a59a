# The two set-up commands: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench bench-emulator bench-actions bench-read-cache bench-fair-share bench-cli emulator clean

# uv installs the same packages from PyPI several times faster than pip; pip stays the fallback.
INSTALL = if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(BIN)/python $(1); \
          else $(BIN)/python -m pip install --quiet $(1); fi

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv || echo "uv unavailable: installing with pip"

# `make run` installs only what the platform needs (fast on a fresh clone); `make test` adds the dev tools.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@$(call INSTALL,-e .)
	@touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	@$(call INSTALL,-e '.[dev]')
	@touch $(STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/linkyard up --sandbox

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The import contracts (pyproject.toml) also run inside `make test` (tests/test_architecture.py); here they are
# quick feedback beside the linter.
lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports --no-logo

# mypy strict over src/, tests/ and bench/ (the `files` of pyproject.toml).
typecheck: $(STAMP)
	$(BIN)/mypy

# What CI runs: lint, types, then the tests.
check: lint typecheck test

bench: bench-emulator bench-actions bench-read-cache bench-fair-share bench-cli

bench-emulator: $(STAMP)
	$(BIN)/python bench/emulator_bench.py

bench-actions: $(STAMP)
	$(BIN)/python bench/actions_bench.py

bench-read-cache: $(STAMP)
	$(BIN)/python bench/read_cache_bench.py

bench-fair-share: $(STAMP)
	$(BIN)/python bench/fair_share_bench.py

bench-cli: $(STAMP)
	$(BIN)/python bench/cli_bench.py

emulator: $(STAMP)
	$(BIN)/linkyard emulator factorial --host 127.0.0.1 --port 8001

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
