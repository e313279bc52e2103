# The two commands the README opens with. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Days the suite must also pass on: a month's end, a leap day, a year's last day.
TEST_DATES ?= 2027-01-31 2028-02-29 2026-12-31

.PHONY: bench-tools demo test test-dates lint typecheck contracts schema-check pytest schema bench soak failover money-soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/telecom-gateway demo $(if $(PORT),--port $(PORT),)

test: $(STAMP)
	bash scripts/with-redis.sh $(MAKE) --no-print-directory lint typecheck contracts schema-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# The working tree's schema against schema/released.graphql: every change listed in
# CHANGELOG.md, every registered operation still valid (README: "Changing the schema").
schema-check: $(STAMP)
	$(BIN)/telecom-gateway schema-check

pytest: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest

# The whole suite again with the clock moved to each of TEST_DATES (scripts/at-date.sh).
test-dates: $(STAMP)
	bash scripts/ensure-chromium.sh
	for day in $(TEST_DATES); do \
		bash scripts/with-redis.sh bash scripts/at-date.sh $$day $(BIN)/pytest -q -p no:cacheprovider || exit 1; \
	done

# The benches drive load with wrk and start redis-servers of their own.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || bash scripts/debian-package.sh wrk
	@command -v redis-server >/dev/null 2>&1 || bash scripts/debian-package.sh redis-server

bench: $(STAMP) bench-tools
	$(BIN)/python -m bench

soak: $(STAMP) bench-tools
	$(BIN)/python -m bench --soak 3

# Redis nodes lost under load: a Redis Cluster, then Sentinel (bench/failover.py --topology).
failover: $(STAMP) bench-tools
	$(BIN)/python -m bench.failover

money-soak: $(STAMP)
	bash scripts/with-redis.sh $(BIN)/python -m bench.money_soak --seconds 60

schema: $(STAMP)
	$(BIN)/telecom-gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV)
