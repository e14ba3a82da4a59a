# The two set-up commands: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed

.PHONY: run test test-fast node-deps lint typecheck check bench bench-emulator bench-actions bench-read-cache bench-fair-share bench-cli bench-scale bench-unified bench-events bench-catalogue emulator clean

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

# StackOne's TypeScript clients, which the tests drive (tests/stackone/node): installed from the lock file, again
# whenever it changes.
NODE_DIR   := tests/stackone/node
NODE_STAMP := $(NODE_DIR)/node_modules/.package-lock.json

$(NODE_STAMP): $(NODE_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "needs Node.js 20 and npm on PATH (the StackOne client tests)"; exit 1; }
	npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

# StackOne's embeddable connect UI (`@stackone/hub`), which the browser tests load from its own package
# (tests/browser/test_hub.py): installed the same way, from its own lock file.
HUB_NODE_DIR   := tests/hub/node
HUB_NODE_STAMP := $(HUB_NODE_DIR)/node_modules/.package-lock.json

$(HUB_NODE_STAMP): $(HUB_NODE_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "needs Node.js 20 and npm on PATH (the embedded connect UI tests)"; exit 1; }
	npm ci --prefix $(HUB_NODE_DIR) --no-audit --no-fund --loglevel=error
	@touch $(HUB_NODE_STAMP)

node-deps: $(NODE_STAMP) $(HUB_NODE_STAMP)

run: $(RUN_STAMP)
	$(BIN)/linkyard up --sandbox

test: $(STAMP) $(NODE_STAMP) $(HUB_NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The in-process suite: no browser, no real servers on loopback, no PostgreSQL-only runs (`make test` has them).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow and not postgres and not multihost" $(PYTEST_ARGS)

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

# One deliverer's events/s to a local receiver, and what an event adds to the write that causes it (SQLite; set
# EVENTS_DATABASE_URL=postgresql://... for PostgreSQL).
bench-events: $(STAMP)
	$(BIN)/python bench/events_bench.py $(if $(EVENTS_DATABASE_URL),--database-url $(EVENTS_DATABASE_URL))

# 10 to 100,000 accounts on SQLite (and PostgreSQL with LINKYARD_TEST_DATABASE_URL): a few minutes; draws
# docs/scale_bench.png (matplotlib: the `bench` extra).
# (`make` splits a call's arguments at commas, so the extras are named through a variable.)
BENCH_EXTRAS := '.[dev,bench]'
bench-scale: $(STAMP)
	@$(call INSTALL,-e $(BENCH_EXTRAS))
	$(BIN)/python bench/scale_bench.py

# All 10,000 employees through /unified/hris/employees versus the official SDK's paginate() (target 1.5x).
bench-unified: $(STAMP)
	$(BIN)/python bench/unified_bench.py

# The catalogue of ~670 tools: its build, create_app, GET /actions, MCP tools/list, and search latency.
bench-catalogue: $(STAMP)
	$(BIN)/python bench/catalogue_bench.py

emulator: $(STAMP)
	$(BIN)/linkyard emulator factorial --host 127.0.0.1 --port 8001

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(NODE_DIR)/node_modules $(HUB_NODE_DIR)/node_modules
