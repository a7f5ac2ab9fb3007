# The README's two commands: `make run` (the whole stack on embedded defaults) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint check-deploy bench clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: Python 3.11 is required (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# runstack --bootstrap = manage.py bootstrap, then runstack, in one process (one Django start less).
run: install
	$(PY) manage.py runstack --bootstrap

# PYTEST_ARGS: extra pytest arguments, e.g. make test PYTEST_ARGS='-m "not e2e and not once"' (CI's second pass).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The Helm chart alone: its static tests (rendered offline by helm-render) and its install on a real API server.
.PHONY: chart-test
chart-test: install
	$(PY) -m pytest tests/test_chart_*.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	AIOPS_ENV=production SECRET_KEY=ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	  ALLOWED_HOSTS=aiops.example.com $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done
	bash bench/cold_install.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache *.egg-info
