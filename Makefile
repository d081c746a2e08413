# The README's two commands: `make run` and `make test`.
VENV    := .venv
PYTHON  ?= python3
BIN     := $(CURDIR)/$(VENV)/bin
RUN_OK  := $(VENV)/.installed-run
TEST_OK := $(VENV)/.installed-test
PIP     := $(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt

.PHONY: run run-split test install migrate unit integration e2e e2e-all screenshots bench lint clean soak faults kubernetes cluster eval-mail mail-counts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_OK): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(TEST_OK): $(RUN_OK)
	$(PIP) -e '.[test]'
	touch $@

install: $(RUN_OK)

migrate: $(RUN_OK)
	$(BIN)/rebound migrate

# Both load .env when there is one, as honcho did.
DOTENV := set -a; [ ! -f .env ] || . ./.env; set +a

# Every service in one process (`rebound run all`); Ctrl-C stops it.
run: $(RUN_OK)
	$(DOTENV); exec $(BIN)/rebound run all

# The Procfile's processes side by side, each restarted if it dies; Ctrl-C stops them all.
run-split: $(RUN_OK)
	$(DOTENV); $(BIN)/rebound migrate
	$(DOTENV); PATH="$(BIN):$$PATH" exec $(BIN)/python -m rebound.process_supervisor Procfile

# The three-node RabbitMQ cluster test (about 6 minutes) runs in `make cluster` and `make faults`; CI runs both.
test: $(TEST_OK)
	$(BIN)/pytest -m "not cluster" $(PYTEST_ARGS)

unit: $(TEST_OK)
	$(BIN)/pytest tests/unit

integration: $(TEST_OK)
	$(BIN)/pytest tests/integration

e2e: $(TEST_OK)
	$(BIN)/pytest tests/e2e

# The e2e modules that do not choose a mode, again against `rebound run all` (`make test` runs them split;
# the rejection flow and the browser tests run both ways in `make test` already). CI runs it after `make test`.
ONE_MODE_E2E := $(filter-out tests/e2e/test_rejection_flow.py tests/e2e/test_browser.py tests/e2e/test_run_all.py,$(wildcard tests/e2e/test_*.py))
e2e-all: $(TEST_OK)
	REBOUND_E2E_MODE=all $(BIN)/pytest $(ONE_MODE_E2E) $(PYTEST_ARGS)

faults: $(TEST_OK)
	$(BIN)/pytest tests/faults

# The README's screenshots (docs/screenshots/), taken by the browser tests from seeded data.
screenshots: $(TEST_OK)
	REBOUND_WRITE_DOCS_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_today_and_screenshots.py -k screenshots

# The long run: 10,000 events under random SIGKILLs, and 60 s database outages.
soak: $(TEST_OK)
	REBOUND_FAULT_OUTAGE_S=60 $(BIN)/pytest -s tests/faults/soak.py tests/faults/test_outages.py $(PYTEST_ARGS)

# Benchmarks (not pytest): BENCH_ARGS=--quick for a smoke check; writes docs/benchmarks.md.
bench: $(TEST_OK)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# Two replicas of every relay and worker on a three-node RabbitMQ cluster (a few minutes; also in `make faults`).
cluster: $(TEST_OK)
	$(BIN)/pytest -s -m cluster tests/faults/test_cluster.py

# Render deploy/kubernetes's overlays and check every object (also part of `make test`).
kubernetes: $(TEST_OK)
	$(BIN)/pytest tests/unit/test_kubernetes.py
# The mail classifier on the labelled corpus: precision and recall per class.
eval-mail: $(RUN_OK)
	$(BIN)/python -m services.mailbox.classify.evaluate

# The mail classifier's word counts, rebuilt from the labelled corpus (after the corpus changes).
mail-counts: $(RUN_OK)
	$(BIN)/python -m services.mailbox.classify.counting

lint: $(TEST_OK)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
