# Two commands for a newcomer: `make run` and `make test`. Everything else they need,
# these targets install.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test bench install clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	bash scripts/ensure-postgres.sh
	KETNAP_TEST_PG_URL=$${KETNAP_TEST_PG_URL:-$(PG_URL)} $(PY) -m pytest -q

bench: $(STAMP)
	bash scripts/ensure-postgres.sh
	KETNAP_BENCH_PG_URL=$${KETNAP_BENCH_PG_URL:-$(PG_URL)} $(PY) bench/engine.py
	$(PY) bench/sandbox.py

clean:
	rm -rf $(VENV) instance .pytest_cache
