# Qyzmet: `make run` serves the whole system, `make test` passes the whole suite.
# Both set everything up on a fresh machine that has Python >= 3.12 and make.

VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST      ?= 127.0.0.1
PORT      ?= 8000
REGISTRY_PORT ?= 8100
PYTEST_ARGS ?=

.PHONY: run test check lint typecheck bench setup clean browser frontend screenshots

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Front-end libraries (htmx, ncalayer-js-client, axe-core for the tests) from the npm registry, pinned
# by package-lock.json; Django serves them as static files (no CDN).
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(NODE_STAMP)

frontend: $(NODE_STAMP)

setup: $(STAMP) $(NODE_STAMP)
	$(BIN)/qyzmet setup --demo

# The web server and, beside it, the registry simulator (ГБД ФЛ, ГБД ЮЛ, ЕНИС) the gateway talks to
# and one background worker (queued tasks, the overdue sweep, gateway retries, the nightly audit);
# stopping the web server stops the simulator and the worker too.
run: setup
	@$(BIN)/qyzmet registries serve --host 127.0.0.1 --port $(REGISTRY_PORT) & registries=$$!; \
	QYZMET_REGISTRY_URL=http://127.0.0.1:$(REGISTRY_PORT) $(BIN)/qyzmet worker & worker=$$!; \
	trap 'kill $$registries $$worker 2>/dev/null' EXIT INT TERM; \
	QYZMET_REGISTRY_URL=http://127.0.0.1:$(REGISTRY_PORT) $(BIN)/qyzmet serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

browser: $(STAMP)
	scripts/ensure-chromium

test: lint typecheck browser frontend
	$(BIN)/pytest $(PYTEST_ARGS)

check: test

# The main pages in kk and ru at desktop and phone width, written to docs/screenshots/.
screenshots: setup browser
	$(BIN)/python scripts/screenshots.py

# Performance (README "Performance"): its own databases `qyzmet_bench` and `qyzmet_bench_scale` on
# DATABASE_URL's PostgreSQL server; pgbench from Debian's postgresql-client; the scale-out's task
# workers on Redis (REDIS_URL, default database 11 of a local Redis, started from Debian's
# redis-server when none answers). QUICK=1: the short run (under 5 minutes); the full run under 30.
# Tables on the terminal, JSON under bench/results/ (run-*.json: each benchmark's wall time).
bench: $(STAMP)
	@command -v pgbench >/dev/null || { $$(command -v sudo) apt-get update -qq && $$(command -v sudo) apt-get install -y -qq postgresql-client; }
	@test -n "$$REDIS_URL" || { command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; } || { command -v redis-server >/dev/null || { $$(command -v sudo) apt-get update -qq && $$(command -v sudo) apt-get install -y -qq redis-server; }; redis-server --daemonize yes --bind 127.0.0.1 --save ''; }
	$(BIN)/python -m benchmarks $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) node_modules var/static var/*.sqlite3
