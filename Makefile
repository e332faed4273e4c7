# Asista — `make run` to start a desk with demo data, `make test` to check everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test install lint typecheck pytest migrate demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/asista migrate --no-input

demo: migrate
	$(BIN)/asista demo --if-empty

run: demo
	$(BIN)/asista serve

lint: $(STAMP)
	$(BIN)/ruff check asista tests bench
	$(BIN)/ruff format --check asista tests bench

typecheck: $(STAMP)
	$(BIN)/mypy asista

pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
