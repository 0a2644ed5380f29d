# Hearth: `make dev` runs the forum locally, `make test` runs every test. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FN_VENV := functions/venv
PIP_FLAGS := --quiet --disable-pip-version-check -c constraints.txt

.PHONY: setup dev test test-emulator test-api firestore-emulator bench clean

setup: $(VENV)/.installed $(FN_VENV)/.installed node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The tools' venv: tests, the Firestore emulator, the launcher, benchmarks.
$(VENV)/.installed: requirements-dev.txt functions/requirements.txt emulator/requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	touch $@

# The functions' own venv, where firebase-tools looks for it; holds only what production installs.
$(FN_VENV)/.installed: functions/requirements.txt constraints.txt
	test -x $(FN_VENV)/bin/python || $(PYTHON) -m venv $(FN_VENV)
	$(FN_VENV)/bin/python -m pip install $(PIP_FLAGS) -r functions/requirements.txt
	touch $@

dev: setup
	$(PY) -m devstack.dev

test: setup
	$(PY) -m pytest

test-emulator: $(VENV)/.installed
	$(PY) -m pytest tests/emulator

firestore-emulator: $(VENV)/.installed
	PYTHONPATH=emulator $(PY) -m firestore_emulator --port $${PORT:-8080}

bench: setup
	$(PY) bench/emulator.py

clean:
	rm -rf $(VENV) $(FN_VENV) node_modules .pytest_cache
