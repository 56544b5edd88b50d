# Everyday commands. On a fresh Debian machine with Python 3.11:
#   make site    build output/ from content/
#   make test    lint, then the whole test suite (Chromium, Java and Node.js installed first)
# Both create .venv/ on first use, with exactly the versions of requirements.txt.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The lock: every Python package pinned with its hashes, written by `make lock` from
# pyproject.toml. Every install reads it, so make, CI and a hand install get the same versions.
LOCK := requirements.txt
# .venv/ is (re)installed only when pyproject.toml or the lock is newer than this stamp.
INSTALLED := $(VENV)/.installed-lock
# The HTML and accessibility checkers the tests run (package.json), reinstalled when it changes.
NODE_TOOLS := node_modules/.installed
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

# Extra arguments, e.g. `make site ARGS=--drafts` or `make test PYTEST_ARGS='-k agenda'`.
ARGS ?=
PYTEST_ARGS ?=
LOCK_ARGS ?=
# The tests `make test-fast` leaves out (markers declared in pyproject.toml).
FAST := not system_deps and not slow

# `make new KIND=evenement TITRE="Café numérique" [DATE=2027-01-14]`. The title is handed to
# the shell as written: quotes, $ and backquotes in it are kept, never run.
KIND ?=
TITRE ?=
DATE ?=
quoted = '$(subst ','\'',$(value $(1)))'

.PHONY: site test test-fast check serve new lint lock system-deps clean

site: $(INSTALLED)
	$(BIN)/python build.py $(ARGS)

test: lint system-deps $(INSTALLED) $(NODE_TOOLS)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q -m '$(FAST)' $(PYTEST_ARGS)

check: $(INSTALLED)
	$(BIN)/nftsite check $(ARGS)

serve: $(INSTALLED)
	$(BIN)/nftsite serve $(ARGS)

new: $(INSTALLED)
	@if [ -z $(call quoted,KIND) ] || [ -z $(call quoted,TITRE) ]; then \
	    echo 'Indiquez le genre et le titre, par exemple :' \
	        'make new KIND=evenement TITRE="Café numérique"' >&2; \
	    exit 2; \
	fi
	$(BIN)/nftsite new $(call quoted,KIND) $(call quoted,TITRE)$(if $(DATE), --date $(call quoted,DATE)) $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Rewrite the lock after changing a dependency in pyproject.toml, and commit both together.
# Pins still allowed are kept; `make lock LOCK_ARGS=--upgrade` moves all to the newest. The
# build backend (setuptools) is locked too. pip-tools comes from the current lock, so this
# works even while pyproject.toml asks for what the lock does not hold yet.
lock:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(LOCK)
	PYTHONWARNINGS=ignore $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	    --all-build-deps --all-extras --strip-extras --no-emit-index-url --no-emit-find-links \
	    $(LOCK_ARGS) --output-file $(LOCK) pyproject.toml

system-deps:
	bash scripts/install-system-deps

# Hashes are checked for every package; the project itself is then installed on top without
# resolving anything more (--no-deps) and without fetching a build backend (the lock's own
# setuptools, whose notice about editable installs is silenced); `pip check` then fails if
# the lock misses one of the project's own dependencies (tests/test_packaging.py checks the
# extras too).
$(INSTALLED): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(LOCK)
	PYTHONWARNINGS=ignore $(PIP) install --no-deps --no-build-isolation --editable .
	$(PIP) check
	touch $@

$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache .hypothesis
