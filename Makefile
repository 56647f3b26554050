# Two commands for a fresh machine: `make run` (the app, with demo data when no
# GitHub sign-in is configured) and `make test` (every test, browser included).
# `make check` is the fast tier to run after every edit: ruff and the unit tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# pytest-xdist workers: one per core.
JOBS   ?= auto
# Python writes the bytecode of what it imports (into .venv and __pycache__/, git-ignored) even
# where the environment says not to: the venv is installed with --no-compile, so without it
# every process of a test run (workers, app servers, the CLI) compiles the same modules again
# (docs/architecture.md, "Tests").
unexport PYTHONDONTWRITEBYTECODE
# apt-get needs root; use sudo only when we are not root already.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run check test demo collect chromium clean lambda-zip deploy-check bench bench-smoke

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when a requirements file changes. --no-compile: a module is compiled
# when first imported, not all of every package at install (docs/architecture.md, "Tests").
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --no-compile -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet --no-compile -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime-installed
	$(PY) -m copilot_usage demo --if-needed
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT)

demo: $(VENV)/.runtime-installed
	$(PY) -m copilot_usage demo --force

collect: $(VENV)/.runtime-installed
	$(PY) -m copilot_usage collect

# Debian's chromium drives the browser tests (Playwright never downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# Unit tests: no server, browser, process or sleep (tests/conftest.py refuses them there).
check: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --output-format concise .
	$(PY) -m pytest -m unit -n $(JOBS) --dist loadfile

# Everything, the smoke benchmarks included (tests/test_benchmarks_run.py runs them beside the rest).
test: $(VENV)/.dev-installed chromium
	$(VENV)/bin/ruff check --output-format concise .
	$(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder

# Benchmarks print figures as ratios measured in one run; not a pass/fail test.
bench: $(VENV)/.dev-installed
	$(PY) benchmarks/run.py --out bench-results.json

bench-smoke: $(VENV)/.dev-installed
	$(PY) benchmarks/run.py --smoke --out test-artifacts/bench-smoke.json

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts dist

# The collector's Lambda zip (dist/copilot-usage-lambda.zip), built for python3.11 on x86_64.
lambda-zip: $(VENV)/.runtime-installed
	$(PY) deploy/build_lambda_zip.py

# The CloudFormation template through cfn-lint, and the deployment tests.
deploy-check: $(VENV)/.dev-installed
	$(VENV)/bin/cfn-lint deploy/template.yaml
	$(PY) -m pytest -q tests/test_deploy_template.py tests/test_lambda_zip.py
