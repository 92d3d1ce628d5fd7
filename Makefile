# Saiwu — two commands: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .venv-tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test venv install frontend frontend-deps schema schema-check lint migrate seed serve worker \
        test-python test-fuzz test-frontend test-e2e compose-check bench clean messages errors-doc

## make run: venv, install, build the SPA, migrate, seed a demo, serve on http://$(HOST):$(PORT)
run: install frontend migrate seed serve

## make test: lint, the schema drift check, the Python suite, the SPA unit tests and the browser tests
test: install frontend lint schema-check test-python test-fuzz test-frontend test-e2e

$(UV):
	python3 -m venv .venv-tools && .venv-tools/bin/pip install -q uv==0.13.9

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3.11 || $(UV) sync --frozen
	touch $@

install: .venv/.installed

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend-deps: frontend/node_modules/.installed

frontend: frontend-deps
	cd frontend && npm run build

## Regenerate the OpenAPI schema and the typed client from it. Always from the SQLite settings:
## integer bounds in the schema follow the database backend, and the committed file must not.
schema: install frontend-deps
	env -u DATABASE_URL $(PY) manage.py spectacular --file frontend/openapi.yaml --validate --fail-on-warn
	cd frontend && npm run gen:api

## Fail when the committed schema or client differs from what the code generates
schema-check: schema
	git diff --exit-code -- frontend/openapi.yaml frontend/src/api/schema.d.ts \
	  || (echo "The OpenAPI schema or the typed client is out of date: run 'make schema' and commit." && exit 1)

## Regenerate each app's message catalogue (English source → locale/zh_Hans/…/django.po) and compile
## it. The compiled .mo files are committed, as Django itself does, so that `make run` needs no
## gettext tools; tests/test_errors.py fails when a .mo is older than its .po or a message lacks Chinese.
messages: install
	for app in contest judging awards notifications; do mkdir -p $$app/locale; \
	  (cd $$app && ../$(PY) ../manage.py makemessages -l zh_Hans --no-location --no-obsolete); \
	done
	$(PY) manage.py compilemessages -l zh_Hans --ignore ".venv*" --ignore "frontend/*"

## Regenerate docs/developer/errors.md from the catalogues
errors-doc: install
	$(PY) manage.py error_catalogue

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

migrate: install
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py seed_demo

serve: install
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
	  echo "Starting a Celery worker on $$CELERY_BROKER_URL"; \
	  .venv/bin/celery -A config worker -l info --concurrency 2 & \
	fi; \
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT); \
	echo "Serving on http://$(HOST):$(PORT)"; \
	if [ -n "$$CHANNEL_REDIS_URL$$CELERY_BROKER_URL" ]; then workers=$${WEB_CONCURRENCY:-3}; else workers=1; fi; \
	echo "(ASGI: HTTP and the live final's WebSockets on one port; $$workers worker(s))"; \
	exec .venv/bin/gunicorn -c config/gunicorn.conf.py config.asgi:application -k asgi --max-requests 0 \
	  --bind $(HOST):$(PORT) --workers $$workers

worker: install
	.venv/bin/celery -A config worker -l info

test-python: install
	.venv/bin/pytest -p no:cacheprovider -m "not browser and not fuzz" -n 2 --dist loadfile tests

## Schemathesis over /api/schema/ on a live server, as anonymous and each demo role (a few minutes;
## FUZZ_EXAMPLES per operation, FUZZ_BUDGET_SECONDS in all)
test-fuzz: install
	.venv/bin/pytest -p no:cacheprovider -m fuzz tests/security/test_schema_fuzz.py

test-frontend: frontend-deps
	cd frontend && npm run test:unit

test-e2e: install frontend
	@if [ ! -x $(CHROMIUM) ] && [ -z "$$CI" ]; then \
	  echo "Chromium is not at $(CHROMIUM): browser tests not run here (apt-get install -y chromium). CI runs them."; \
	else \
	  .venv/bin/pytest -p no:cacheprovider -m browser -n 2 --dist loadfile tests/e2e; \
	fi

compose-check: install
	$(PY) .ci/compose_check.py docker-compose.yml

bench: install
	$(PY) bench/api_lists.py --scale 0.1
	$(PY) bench/assignment.py --scale 0.1
	$(PY) bench/results.py --scale 0.1
	$(PY) bench/certificates.py --scale 0.05
	$(PY) bench/scoring_load.py --scale 0.05 --seconds 15

clean:
	rm -rf .venv .venv-tools frontend/node_modules frontend/dist staticfiles
