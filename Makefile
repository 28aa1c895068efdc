# Two commands do everything on a fresh machine:
#   make build   installs snplan (runtime packages only) into .venv from requirements.lock,
#                validates the shipped data and builds every document into build/
#   make test    installs snplan with its test tools from requirements-dev.lock and runs the
#                linter and the tests
# Both install exactly the versions (and hashes) in the lock files; `make lock` refreshes them
# on purpose from the ranges in pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps \
           --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: install install-dev build validate test lint schema messages bench lock lock-upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock holds setuptools and wheel too, so snplan itself is installed without fetching an
# unpinned build backend (--no-build-isolation).
$(RUNTIME_STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes --no-deps -r requirements.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	rm -f $(DEV_STAMP)
	touch $@

$(DEV_STAMP): requirements-dev.lock $(RUNTIME_STAMP)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

validate: install
	$(BIN)/snplan validate

build: validate
	$(BIN)/snplan build --all

test: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check src tests

schema: install
	$(BIN)/snplan schema

# The messages: collect every _("…") of the code into snplan.pot, carry new ones into the
# Swedish catalog (translate each; a test fails while one is empty) and compile it to .mo.
MESSAGES := src/snplan/messages
messages: install-dev
	$(BIN)/pybabel -q extract --no-location --omit-header --sort-output --no-wrap \
	    -k _ -k N_ -k ngettext:1,2 -o $(MESSAGES)/snplan.pot src/snplan
	$(BIN)/pybabel -q update --no-wrap --no-fuzzy-matching --ignore-obsolete \
	    -i $(MESSAGES)/snplan.pot -d $(MESSAGES) -D snplan -l sv
	$(BIN)/pybabel -q compile -d $(MESSAGES) -D snplan -l sv

bench: install-dev
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/typst_pdf.py
	$(BIN)/python bench/publish.py
	$(BIN)/python bench/sie.py
	$(BIN)/python bench/bounded.py

# Refresh the lock files after pyproject.toml changed (pins that still satisfy the ranges are
# kept); `make lock-upgrade` moves every package to the newest version the ranges allow.
# Either way the environment is reinstalled from the new locks; commit them with the change.
lock: install-dev
	$(COMPILE) -o requirements.lock pyproject.toml
	$(COMPILE) --extra dev -o requirements-dev.lock pyproject.toml
	rm -f $(RUNTIME_STAMP) $(DEV_STAMP)
	$(MAKE) install-dev

lock-upgrade: install-dev
	$(COMPILE) --upgrade -o requirements.lock pyproject.toml
	$(COMPILE) --upgrade --extra dev -o requirements-dev.lock pyproject.toml
	rm -f $(RUNTIME_STAMP) $(DEV_STAMP)
	$(MAKE) install-dev

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
