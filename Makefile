# deidflow — every target creates or updates .venv itself; `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_LOGGING_LEVEL ?= WARNING
export DO_NOT_TRACK := 1

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint format bench samples clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing deidflow and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(BIN)/python -m pip install -e '.[dev]' > $(VENV)/install.log 2>&1 \
		|| { grep -v '^WARNING: Location' $(VENV)/install.log | tail -40; exit 1; }
	@$(BIN)/python -c "import deidflow" && touch $(STAMP)

venv: $(STAMP) ## Create or update the virtualenv (.venv)

demo: $(STAMP) ## Generate sample data and run the whole pipeline on it
	$(BIN)/deidflow demo

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check src tests flows benchmarks
	$(BIN)/ruff format --check src tests flows benchmarks
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix src tests flows benchmarks
	$(BIN)/ruff format src tests flows benchmarks

bench: $(STAMP) ## Run the benchmarks and print their table
	$(BIN)/python -m benchmarks

samples: $(STAMP) ## Regenerate the committed sample in data/samples
	rm -rf data/samples
	$(BIN)/deidflow generate --out data/samples --start 2026-11-01 --days 1 --rows 300 --form-rows 120 --bad-share 0.03 --seed 7

clean: ## Remove the virtualenv and generated data
	rm -rf $(VENV) data/raw data/out data/quarantine data/demo
