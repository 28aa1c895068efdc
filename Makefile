# Two commands do everything on a fresh machine:
#   make build   installs snplan into .venv, validates the shipped data and builds every document into build/
#   make test    installs snplan with its test tools into .venv and runs the tests and the linter
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install build validate test lint schema bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

validate: install
	$(BIN)/snplan validate

build: validate
	$(BIN)/snplan build --all

test: install
	$(BIN)/ruff check src tests
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests

schema: install
	$(BIN)/snplan schema

bench: install
	$(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
