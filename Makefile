# stackmeta-lite: the two commands are `make book` and `make test` (see README.md).
# Both create or reuse .venv by themselves.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The exact versions to install: every dependency and extra of pyproject.toml (see its header).
LOCK := requirements.lock
LOCK_CONSTRAINTS := lock-constraints.txt
# A new lock or pyproject.toml means a new stamp, so `make` reinstalls; unchanged ones skip pip.
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml | sha256sum | cut -c1-16)
CHROMIUM := /usr/bin/chromium

# `make book` computes on the full budget unless told otherwise (make book STACKMETA_BUDGET=ci).
STACKMETA_BUDGET ?= full
export STACKMETA_BUDGET

.PHONY: help venv lock book test lint chromium npm clean distclean

help:
	@echo "make book       build the book on the full budget into book/_build/html"
	@echo "make test       ruff, pytest tests/ (book build + browser checks), nbmake, on the ci budget"
	@echo "make venv       create or update .venv: the locked versions, then the package (editable)"
	@echo "make lock       re-resolve $(LOCK) from pyproject.toml (UPGRADE=1: newest allowed versions)"
	@echo "make clean      remove build outputs (book/_build, vendored JS, the notebooks link)"
	@echo "make distclean  clean, and remove .venv"

venv: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml
	@test -n "$(PYTHON)" || { echo "python3.11 (or python3) not found" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "stackmeta-lite needs Python >= 3.11 (pyproject.toml's requires-python);" \
			"$(PYTHON) is $$($(PYTHON) -V 2>&1). Install Python 3.11 or give one:" \
			"make PYTHON=/path/to/python3.11" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r $(LOCK)
	$(PY) -m pip install --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# pip-compile (pip-tools, in the test extra) resolves the ranges of pyproject.toml and all extras,
# under $(LOCK_CONSTRAINTS) (so the lock installs on every Python requires-python allows, from
# 3.11.0, not only on the one running pip-compile), keeping the current pins unless UPGRADE=1;
# torch stays at 2.13.0, whose CPU build pip takes on the project's machines. The lock names no index, no find-links and no local path; the CPU
# build's local label (+cpu) is dropped, so `torch==2.13.0` also installs where only the public
# build exists. The header below explains all this in the lock itself.
define LOCK_HEADER
# requirements.lock: the exact versions that `make venv` (so `make book` and `make test`) installs.
# It pins every dependency and every extra of pyproject.toml (atari, readers, book, test, ray) for
# CPython 3.11 (3.11.0 and later) on Linux x86-64, with torch 2.13.0 (pip takes its CPU build
# where it is offered; README.md says how to ask for it).
# The library itself declares ranges; tests/test_packaging.py checks that this file satisfies them.
#
# To update: change the ranges in pyproject.toml if needed, then run `make lock` (pip-compile from
# pip-tools; it keeps the other pins) or `make lock UPGRADE=1` (newest allowed version of every
# package), then `make test`. Never edit the pins by hand.
endef
export LOCK_HEADER

lock: venv
	CUSTOM_COMPILE_COMMAND="make lock" $(PY) -m piptools compile pyproject.toml --all-extras \
		--constraint $(LOCK_CONSTRAINTS) \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host --strip-extras --quiet \
		$(if $(UPGRADE),--upgrade) --upgrade-package torch==2.13.0 --output-file $(LOCK)
	{ echo "$$LOCK_HEADER"; sed -E 's/^(torch==[^+ ]+)\+cpu/\1/' $(LOCK); } > $(LOCK).tmp
	mv $(LOCK).tmp $(LOCK)

book: venv npm
	$(PY) book/build.py --budget $(STACKMETA_BUDGET)

# Everything runs on the small budget; the book build and the browser checks are tests in tests/.
test: export STACKMETA_BUDGET := ci
test: venv chromium npm
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest tests/
	$(VENV)/bin/pytest --nbmake notebooks/

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

# The browser test needs Chromium; install it (as root, as on CI) when it is missing, and fail
# loudly when that is not possible: the browser test is never skipped.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "$(CHROMIUM) missing: installing the Debian package chromium"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) still missing after apt-get" >&2; exit 1; }

# npm vendors the widget embedder and MathJax into the book (book/build.py), once.
npm:
	@if ! command -v npm >/dev/null; then \
		echo "npm missing: installing the Debian package npm"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm; \
	fi

clean:
	rm -rf book/_build book/_vendor book/notebooks .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV)
