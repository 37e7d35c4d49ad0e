# Two commands for a fresh machine: `make run` (the bot) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KEYWORDS := -k t -k tt -k raw -k n:1,2 -k N_ -k pt:1c,2 -k NP_:1c,2

.PHONY: run test lint messages install

# pip -qq: errors only. Its warnings (setuptools' notice about editable installs, index
# locations of this machine's pip configuration that do not exist) read like failures.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq -e '.[test]'
	bash scripts/system-deps.sh
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/astracrm run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Bytecode is written during the run even where the environment says not to (this machine's
# sets PYTHONDONTWRITEBYTECODE=1): the bot processes, nested pytest runs and benchmarks the
# suite starts then load the product and the assertion-rewritten test modules compiled once
# instead of compiling them again each (__pycache__ is ignored by git).
test: lint
	$(BIN)/python scripts/check_migrations.py
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2

# Re-extract every user-visible string and merge it into the catalogs (then translate the new
# entries in locales/ru/LC_MESSAGES/messages.po).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords $(KEYWORDS) --no-location \
	  --omit-header -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching
