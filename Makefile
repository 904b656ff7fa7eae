# ClerkDesk — the two commands are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed

.PHONY: run test lint typecheck pytest bench screenshots forms schemas system-deps clean demo gateway

run: $(DEPS)
	$(BIN)/clerkdesk

test: $(DEPS) lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes; the stamp keeps `make run` fast afterwards.
$(DEPS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Debian packages some targets need (Xvfb for real screenshots). Installs only what is missing,
# and only as root; otherwise prints the apt-get line to run.
system-deps:
	@bash .ci/system-deps

lint: $(DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEPS)
	$(BIN)/mypy

# Tests run in file order here (reproducible); CI shuffles them once (.ci/run).
PYTEST_ARGS ?= -p no:randomly

pytest: $(DEPS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(DEPS)
	$(BIN)/python -m bench

# Every printed form rendered from sample data to PNG: look at them after changing a form.
forms: $(DEPS)
	$(BIN)/python -m printing.render_forms docs/forms

# Every main screen from a fresh demo ledger at 1366x768 (offscreen, bundled font).
screenshots: $(DEPS) forms
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots docs/screenshots

# A county gateway on this machine (SQLite in gateway-data/); Ctrl+C stops it.
gateway: $(DEPS)
	$(BIN)/python -m app gateway serve --data gateway-data

# The event body schemas as JSON Schema, one file per kind and version (docs/ledger-format.md §9).
schemas: $(DEPS)
	$(BIN)/python -m app.event_schemas docs/event-schemas

demo: $(DEPS)
	mkdir -p demo
	$(BIN)/clerkdesk demo --ledger demo/desk.ledger

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist *.egg-info
