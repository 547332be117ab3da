# `make run` and `make test` each set everything up on a fresh machine with only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	$(BIN)/python -m compileall -q lighthouse_mcp > /dev/null
	$(BIN)/python -m lighthouse_mcp.kept_code > /dev/null
	touch $(STAMP)

## run: the main job on the embedded defaults (creates .lighthouse/ here if needed), then the console when there
## is a terminal to show it in
run: $(STAMP)
	$(BIN)/lighthouse init
	$(BIN)/lighthouse doctor
	@if [ -t 0 ] && [ -t 1 ]; then $(BIN)/lighthouse tui; \
	else echo "no terminal here: run '$(BIN)/lighthouse tui' in one to watch the console"; fi

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff, mypy and the import contract (the library imports no framework and no adapter)
lint: $(STAMP)
	$(BIN)/ruff check lighthouse_mcp tui tests benchmarks scripts
	$(BIN)/ruff format --check lighthouse_mcp tui tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/mypy --strict scripts
	$(BIN)/lint-imports

## bench: every benchmark in benchmarks/ (minutes; builds a million-event store)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_events.py
	$(BIN)/python benchmarks/bench_server.py
	$(BIN)/python benchmarks/bench_validation.py
	$(BIN)/python benchmarks/bench_hook.py
	$(BIN)/python benchmarks/bench_scan.py
	$(BIN)/python benchmarks/bench_experts.py
	$(BIN)/python benchmarks/bench_fuse.py
	$(BIN)/python benchmarks/bench_tui.py
	$(BIN)/python benchmarks/bench_replay.py


clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
