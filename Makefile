# The README's two commands: `make run` and `make test`.
VENV    := .venv
PYTHON  ?= python3
BIN     := $(CURDIR)/$(VENV)/bin
RUN_OK  := $(VENV)/.installed-run
TEST_OK := $(VENV)/.installed-test
PIP     := $(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt

.PHONY: run test install migrate unit integration e2e bench lint clean

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

run: $(RUN_OK)
	$(BIN)/rebound migrate
	PATH="$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: $(TEST_OK)
	$(BIN)/pytest $(PYTEST_ARGS)

unit: $(TEST_OK)
	$(BIN)/pytest tests/unit

integration: $(TEST_OK)
	$(BIN)/pytest tests/integration

e2e: $(TEST_OK)
	$(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) var .pytest_cache
