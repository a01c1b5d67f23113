# The two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test install install-test migrate node-modules chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { scripts/apt-install python3-venv && $(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_demo

run: migrate
	@echo "Serving on http://$(HOST):$(PORT)/ (stop with Ctrl-C)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

node-modules:
	@command -v npm >/dev/null || scripts/apt-install nodejs npm
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

# The browser tests drive Debian's Chromium.
chromium:
	@test -x /usr/bin/chromium || scripts/apt-install chromium

test: install-test node-modules chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) frontend/node_modules
