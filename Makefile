# Two commands for a newcomer: `make run` and `make test`. Everything else they need,
# these targets install: the Python venv, npm assets, PostgreSQL, Chromium and nginx for tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KETNAP := $(VENV)/bin/ketnap
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Size of the scale benchmarks' database (seeded once by `ketnap demo --cases`, then kept).
BENCH_CASES ?= 100000
# Extra pytest options for make test, e.g. PYTEST_ARGS="-x tests/web".
PYTEST_ARGS ?=
# Compiled translations: built from the .po catalogues, never committed.
MO := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/*.po))

.PHONY: run test lint format lock bench install clean

$(STAMP): setup.cfg pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test,lint]'
	$(VENV)/bin/pybabel -q compile -d web/translations
	touch $(STAMP)

# Recompiled whenever a catalogue changes (the stamp above only follows setup.cfg).
%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel -q compile -d web/translations

# Browser assets come from npm, pinned by package-lock.json; nothing is fetched at run time.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP) $(MO)

run: install
	$(KETNAP) db upgrade
	$(KETNAP) demo --if-empty
	$(KETNAP) serve --host 127.0.0.1 --port 5000

test: install
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-nginx.sh
	bash scripts/ensure-fonts.sh
	KETNAP_TEST_PG_URL=$${KETNAP_TEST_PG_URL:-$(PG_URL)} $(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

# The house rules: lint and format (ruff), types (mypy), layers (import-linter), the
# browser scripts (eslint). CI runs this before the tests; so does pre-commit.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	npx --no-install eslint web/static

# Applies what ruff can fix by itself (import order, formatting).
format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Rewrites requirements.lock (the transitive versions) after a change to setup.cfg.
lock:
	bash scripts/lock-dependencies.sh

bench: install
	bash scripts/ensure-postgres.sh
	KETNAP_BENCH_PG_URL=$${KETNAP_BENCH_PG_URL:-$(PG_URL)} $(PY) bench/engine.py
	$(PY) bench/sandbox.py
	$(PY) bench/functions.py
	KETNAP_BENCH_PG_URL=$${KETNAP_BENCH_PG_URL:-$(PG_URL)} $(PY) bench/pages.py --cases $(BENCH_CASES)
	KETNAP_BENCH_PG_URL=$${KETNAP_BENCH_PG_URL:-$(PG_URL)} $(PY) bench/http_load.py --cases $(BENCH_CASES)

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
