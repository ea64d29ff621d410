# Renkei: two commands for a newcomer — `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the GUI tests and demo need (Qt's system libraries, a CJK font) and the
# PostgreSQL server the storage tests run against.
APT_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
	libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
	libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-noto-cjk postgresql

.PHONY: help setup sysdeps test lint typecheck unit demo bundle bench clean

help:
	@echo "make demo   - set up, start a local demo server with demo people, open the client"
	@echo "make test   - set up and run every check and test"
	@echo "make bench  - run the benchmarks in bench/"

# Root on a Debian-like machine: install what is missing. Otherwise say what to install.
sysdeps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "note: these system packages are missing (install them with your package manager): $$missing"; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bundle]'
	touch $(STAMP)

setup: sysdeps $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# PostgreSQL on loopback for the storage tests (started as the postgres user when root).
unit: $(STAMP)
	@if [ -z "$$RENKEI_TEST_PG_URL" ] && [ -x tools/pg_test.sh ]; then \
	  eval "$$(tools/pg_test.sh)" || echo "note: PostgreSQL could not be started; its tests are skipped"; \
	fi; \
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

test: setup lint typecheck unit

demo: setup
	$(BIN)/renkei demo

bundle: setup
	$(BIN)/python -m pip install -q -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build packaging/renkei.spec

bench: setup
	for b in crypto server store sync client; do $(BIN)/python -m bench.$$b || exit 1; done

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
