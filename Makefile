# DTI Portal — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: help install setup run test lint check messages vendor map-data stack stack-stop load load-public faults bench-public clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else f"Python 3.11, 3.12 or 3.13 is required; {sys.executable} is {sys.version.split()[0]}")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# axe-core, for the accessibility checks of the browser tests (package-lock.json pins it).
node_modules/axe-core/axe.min.js: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(VENV)/.installed node_modules/axe-core/axe.min.js  ## Create .venv and install the portal with its dev tools (Python, and axe-core from npm)

setup: install  ## Install, migrate, load the reference data and create the demo data (idempotent)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py import_results fixtures/results/dti-2021-province.csv --year 2021 --level province --published-on 08/08/2022
	$(PY) manage.py import_results fixtures/results/dti-2021-ministry.csv --year 2021 --level ministry --published-on 08/08/2022
	$(PY) manage.py import_national_figures fixtures/results/dti-national.csv --published-on 08/08/2022
	$(PY) manage.py build_previews
	$(PY) manage.py demo_data

run: setup  ## Set up, then serve the portal on 127.0.0.1:$PORT (default 8000)
	@$(PY) manage.py demo_data --print-accounts
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install  ## Run the test suite (SQLite by default; PostgreSQL when DATABASE_URL says so)
	$(PY) -m pytest

lint: install  ## ruff, mypy, Django's system check and the migrations check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install  ## Refresh and compile the English translation catalogue
	$(PY) manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*' --no-obsolete
	$(PY) manage.py compilemessages --locale en --ignore '.venv/*' --ignore 'node_modules/*'

stack: install  ## Start the real stack on 127.0.0.1:8800 (PostgreSQL, Redis, gunicorn ×10, Celery worker and beat)
	scripts/stack.sh start

stack-stop:  ## Stop the stack started by `make stack`
	scripts/stack.sh stop

load: install  ## The deadline-day load test against `make stack` (400 users, 2 minutes), then its checks
	@scripts/stack.sh status | grep -q "gunicorn: running" || { echo "Start the stack first: make stack"; exit 1; }
	@mkdir -p var/load
	@: > var/stack/log/access.log
	-.venv/bin/locust -f loadtest/locustfile.py --headless --users 400 --spawn-rate 14 --run-time 2m \
		--host http://127.0.0.1:8800 --csv var/load/locust --only-summary
	scripts/stack.sh manage check_load

load-public: install  ## Publication day against `make stack` (1 000 anonymous readers, 2 minutes), then its checks
	@scripts/stack.sh status | grep -q "gunicorn: running" || { echo "Start the stack first: make stack"; exit 1; }
	@mkdir -p var/load
	-.venv/bin/locust -f loadtest/public.py --headless --users 1000 --spawn-rate 50 --run-time 2m \
		--host http://127.0.0.1:8800 --csv var/load/public --only-summary
	scripts/stack.sh manage check_public

faults: install  ## The fault tests against `make stack`: a killed worker, Redis stopped, PostgreSQL restarted
	@scripts/stack.sh status | grep -q "gunicorn: running" || { echo "Start the stack first: make stack"; exit 1; }
	scripts/stack.sh manage run_faults

bench-public: install  ## The published pages and API against /healthz, with their queries: production settings, a scratch database
	DJANGO_SETTINGS_MODULE=dti_portal.settings.production DTI_LOAD_TEST=1 LOG_LEVEL=WARNING \
		SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') $(PY) manage.py bench_public

vendor:  ## Refresh the front-end libraries in static/vendor from npm (package.json); the result is committed
	npm install --no-audit --no-fund
	mkdir -p static/vendor/chart.js
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
		node_modules/chart.js/LICENSE.md static/vendor/chart.js/

# Natural Earth's provinces as QGIS ships them (Debian's qgis-common), and shapely: for the generator only.
MAP_SOURCE := var/map-source
map-data: install  ## Rebuild the map shapes in static/vendor/natural-earth-vietnam (Debian's qgis-common, shapely); the result is committed
	@mkdir -p $(MAP_SOURCE)
	cd $(MAP_SOURCE) && rm -f qgis-common_*.deb && apt-get download qgis-common && dpkg-deb -x qgis-common_*.deb .
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade --target $(MAP_SOURCE)/python 'shapely>=2.1,<3'
	PYTHONPATH=$(MAP_SOURCE)/python $(PY) scripts/build_map.py --source $(MAP_SOURCE)/usr/share/qgis/resources/data/world_map.gpkg

clean:  ## Remove the virtual environment and local state (database, evidence, static files)
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
