# The two commands the README opens with. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck contracts schema-check pytest schema bench soak clean

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

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m bench --soak 3

schema: $(STAMP)
	$(BIN)/telecom-gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV)
