# stackmeta-lite: the two commands are `make book` and `make test` (see README.md).
# Both create or reuse .venv by themselves.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS := atari,book,test,ray
# A new pyproject.toml means a new stamp, so `make` reinstalls; an unchanged one skips pip.
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
CHROMIUM := /usr/bin/chromium

# `make book` computes on the full budget unless told otherwise (make book STACKMETA_BUDGET=ci).
STACKMETA_BUDGET ?= full
export STACKMETA_BUDGET

.PHONY: help venv book test lint chromium npm clean distclean

help:
	@echo "make book       build the book on the full budget into book/_build/html"
	@echo "make test       ruff, pytest tests/ (book build + browser checks), nbmake, on the ci budget"
	@echo "make venv       create or update .venv with the package and its $(EXTRAS) extras"
	@echo "make clean      remove build outputs (book/_build, vendored JS, the notebooks link)"
	@echo "make distclean  clean, and remove .venv"

venv: $(STAMP)

$(STAMP):
	@test -n "$(PYTHON)" || { echo "python3.11 (or python3) not found" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e '.[$(EXTRAS)]'
	rm -f $(VENV)/.installed-*
	touch $@

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
