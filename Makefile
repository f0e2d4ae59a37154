# The two commands of the README: `make run` and `make test`. Everything else is set-up they need.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export VISITSVC_DATABASE_URL ?= sqlite:///var/visitsvc.db
export VISITSVC_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2

.PHONY: run test install lint unit-sqlite unit-pg serve clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	mkdir -p var
	$(BIN)/visitsvc db upgrade
	$(BIN)/python -m seed --size demo --if-empty
	$(BIN)/visitsvc plan --month current
	$(BIN)/visitsvc plan --month next
	$(BIN)/python -m seed --logins
	$(BIN)/gunicorn -c api/gunicorn.conf.py --workers 2 --bind 127.0.0.1:8000 --access-logfile - 'api.wsgi:app'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	VISITSVC_TEST_DB=sqlite $(BIN)/pytest -n $(PYTEST_WORKERS) -q
	@if $(BIN)/python -m tests.pg_available; then \
		VISITSVC_TEST_DB=postgresql $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m db; \
	elif [ "$${VISITSVC_REQUIRE_PG:-0}" = "1" ]; then \
		echo "PostgreSQL is required (VISITSVC_REQUIRE_PG=1) but not reachable at $$VISITSVC_TEST_PG_URL" >&2; exit 1; \
	else \
		echo "PostgreSQL not reachable at $$VISITSVC_TEST_PG_URL: ran the suite on SQLite only" >&2; \
	fi

clean:
	rm -rf var/visitsvc.db var/visitsvc.db-wal var/visitsvc.db-shm
