# The two commands a new user needs: `make site` and `make test`. Both set up a fresh machine first.
PYTHON := .venv/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup setup-test site serve test lint bench

setup:
	bash scripts/setup.sh

# The tests also drive Debian's Chromium (Playwright, axe-core) to check what the public sees, and
# need the test and lint packages of requirements/dev.lock; `make site` installs none of them.
setup-test:
	FOR_TESTS=1 bash scripts/setup.sh

site: setup
	$(PYTHON) -m mkdocs build --strict

serve: setup
	$(PYTHON) -m mkdocs serve

lint: setup-test
	$(PYTHON) -m ruff check zwgk hooks scripts tests
	$(PYTHON) -m ruff format --check zwgk hooks scripts tests
	.venv/bin/actionlint

test: lint
	$(PYTHON) -m pytest -n auto

bench: setup
	$(PYTHON) scripts/bench.py
