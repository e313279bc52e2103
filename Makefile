# The two commands the README opens with. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck contracts pytest schema bench soak money-soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/telecom-gateway demo $(if $(PORT),--port $(PORT),)

test: $(STAMP)
	bash scripts/with-redis.sh $(MAKE) --no-print-directory lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m bench --soak 3

money-soak: $(STAMP)
	bash scripts/with-redis.sh $(BIN)/python -m bench.money_soak --seconds 60

schema: $(STAMP)
	$(BIN)/telecom-gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV)
