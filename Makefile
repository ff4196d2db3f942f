# Two commands: `make run` serves the skill, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080
TYPECHECK := build/typecheck

.PHONY: run test check lint format audio bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

audio: $(STAMP)
	$(BIN)/backcoach audio build

run: $(STAMP) audio
	$(BIN)/backcoach serve --host $(HOST) --port $(PORT)

# Static checks: style, the import-direction contracts (pyproject.toml), types.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	mkdir -p $(TYPECHECK)/backcoach
	ln -sfn $(CURDIR)/skill $(TYPECHECK)/backcoach/skill
	ln -sfn $(CURDIR)/audio $(TYPECHECK)/backcoach/audio
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml

test: check
	$(BIN)/pytest

# Every speed and size goal against a baseline measured in the same run (not part of `make test`;
# about 4 minutes plus the full audio build). BENCH_ARGS: --skip-build, --json PATH, --readme.
bench: $(STAMP) audio
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
