# Puhui: `make run` serves the demo on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

PG_ADMIN_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
FUZZ_EXAMPLES ?= 100

.PHONY: run test test-pg lint format install clean bench-ingest bench-redeem bench-registry bench-market drill fuzz

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)  ## migrate a SQLite file under var/, load demo data, serve with dev login
	$(BIN)/puhui migrate
	$(BIN)/puhui demo
	PUHUI_DEV_LOGIN=true PUHUI_WECHATPAY=fake $(BIN)/puhui serve

test: $(STAMP)  ## the whole suite on SQLite and in-memory stores
	$(BIN)/pytest

# The pages' browser tests (tests/browser) run in `make test`; they drive pages over HTTP and do
# not depend on the database, so the PostgreSQL run leaves them out unless asked:
# `make test-pg PG_PYTEST_ARGS=` runs them there too.
PG_PYTEST_ARGS ?= --ignore=tests/browser

test-pg: $(STAMP)  ## the same suite (but the browser tests) on a fresh PostgreSQL database and Redis
	PUHUI_TEST_POSTGRES_URL=$(PG_ADMIN_URL) PUHUI_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest $(PG_PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

fuzz: $(STAMP)  ## schemathesis over the whole OpenAPI per audience: FUZZ_EXAMPLES per operation, a new seed, PostgreSQL + Redis
	PUHUI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PUHUI_FUZZ_RANDOM=1 PUHUI_TEST_POSTGRES_URL=$(PG_ADMIN_URL) \
		PUHUI_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest tests/fuzz

bench-ingest: $(STAMP)  ## metro journey ingest end to end over HTTP, PostgreSQL then SQLite
	$(BIN)/python -m bench.ingest

bench-redeem: $(STAMP)  ## voucher purchases and counter scans end to end over HTTP, on PostgreSQL
	$(BIN)/python -m bench.redeem

bench-registry: $(STAMP)  ## registry transfers and retirements end to end over HTTP, on PostgreSQL, beside the machine's limits
	$(BIN)/python -m bench.registry

bench-market: $(STAMP)  ## market orders paid through a fake WeChat Pay and settled by callbacks, on PostgreSQL
	$(BIN)/python -m bench.market

drill: $(STAMP)  ## fault drill: SIGKILLs and Redis restarts under signed ingest; nothing lost or doubled
	$(BIN)/python -m bench.drill

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
