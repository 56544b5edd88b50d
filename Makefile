# Everyday commands. On a fresh Debian machine with Python 3.11:
#   make site    build output/ from content/
#   make test    install what the tests need (chromium included), then run them all
# Both create .venv/ with the project installed on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The project is (re)installed only when pyproject.toml is newer than these stamps.
INSTALLED := $(VENV)/.installed-test
INSTALLED_DEV := $(VENV)/.installed-dev
# The HTML and accessibility checkers the tests run (package.json), reinstalled when it changes.
NODE_TOOLS := node_modules/.installed
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check

# Extra arguments, e.g. `make site ARGS=--drafts` or `make test PYTEST_ARGS='-k agenda'`.
ARGS ?=
PYTEST_ARGS ?=

.PHONY: site test check serve lint system-deps clean

site: $(INSTALLED)
	$(BIN)/python build.py $(ARGS)

test: system-deps $(INSTALLED) $(NODE_TOOLS)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(INSTALLED)
	$(BIN)/nftsite check $(ARGS)

serve: $(INSTALLED)
	$(BIN)/nftsite serve $(ARGS)

lint: $(INSTALLED_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

system-deps:
	bash scripts/install-system-deps

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e '.[test]'
	touch $@

$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(INSTALLED_DEV): pyproject.toml $(INSTALLED)
	$(PIP_INSTALL) -e '.[test,dev]'
	touch $@

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache .hypothesis
