# One command to try the bot, one to test it. Both create .venv and install on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo setup index test browser lint format bench soak hsds-check clean

demo: index ## set up, build the index if missing or stale, and chat in the console (or serve on Telegram with a token)
	@if [ -n "$$TELECENTRE_TELEGRAM_TOKEN" ] || grep -qs '^TELECENTRE_TELEGRAM_TOKEN=.' .env; then \
		$(BIN)/telecentre serve; else $(BIN)/telecentre chat; fi

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

index: setup ## build the search index only when the knowledge or model changed
	$(BIN)/telecentre build --if-stale

test: setup browser ## run the whole test suite (installs Chromium for the console's browser tests when missing)
	$(BIN)/python -m pytest

browser: ## headless Chromium and chromedriver from Debian, for the browser tests
	@command -v chromedriver >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then echo "installing chromium and chromium-driver (apt-get)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "the browser tests need Chromium: run  sudo apt-get install -y chromium chromium-driver"; exit 1; fi; }

lint: setup ## formatter, linter and type checker (run by CI)
	$(BIN)/ruff format --check bot index tests benchmarks
	$(BIN)/ruff check bot index tests benchmarks
	$(BIN)/mypy

format: setup ## rewrite the code in the house style and fix what the linter can
	$(BIN)/ruff format bot index tests benchmarks
	$(BIN)/ruff check --fix bot index tests benchmarks

hsds-check: setup ## export as HSDS 3.0 and check it against the specification's schema in $(HSDS_SCHEMA_DIR)
	@test -f "$(HSDS_SCHEMA_DIR)/compiled/organization.json" || { echo "set HSDS_SCHEMA_DIR to a copy of schema/ of openreferral/specification at tag v3.0"; exit 2; }
	$(BIN)/telecentre export --hsds var/hsds --schema "$(HSDS_SCHEMA_DIR)/compiled/organization.json"

bench: setup ## speed and scale figures, each beside its baseline (several minutes; not run in CI)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

soak: setup ## two replicas on PostgreSQL under 10,000 updates: lost, doubled, latency, memory, sends/s (a quarter of an hour; not run in CI)
	$(BIN)/python benchmarks/soak.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache
