# The two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test install install-test migrate node-modules system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { scripts/apt-install python3-venv && $(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e ".[site]"
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e ".[site,test]"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py setup_demo

# daphne's message limit is twice COLLAB["MAX_MESSAGE_BYTES"] (1 MiB), so a client
# going over that gets the server's clear error rather than a closed socket.
run: migrate
	@echo "Serving on http://$(HOST):$(PORT)/ (stop with Ctrl-C)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) --websocket-max-message-size 2097152 config.asgi:application

node-modules:
	@command -v npm >/dev/null || scripts/apt-install nodejs npm
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

# The browser tests drive Debian's Chromium; the scale-out tests start their own
# PostgreSQL and Redis servers (on free ports, stopped at the end).
system-packages:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	test -z "$$missing" || scripts/apt-install $$missing

# The tests of the database code run twice: on SQLite (the default), then on PostgreSQL.
test: install-test node-modules system-packages
	$(BIN)/python -m pytest
	$(BIN)/python -m tests.support.pytest_on_postgres -q tests/collab tests/documents

clean:
	rm -rf $(VENV) frontend/node_modules build *.egg-info
