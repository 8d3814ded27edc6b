# qingqian — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/qingqian
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres lint e2e bench drills install migrations messages assets lock sbom clean-db help

help:
	@echo "make run    install into .venv, migrate, seed demo data, serve on http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   lint + the whole suite on SQLite, then on PostgreSQL (REQUIRE_POSTGRES=1 makes it mandatory)"
	@echo "make e2e    Playwright journeys in Debian's Chromium, axe-core on every page; screenshots and the"
	@echo "            monthly report rendered to PDF/PNG (LibreOffice) in var/screenshots/"
	@echo "make bench  benchmarks; results in docs/BENCHMARKS.md"
	@echo "make sbom   CycloneDX SBOMs of the lock files in var/sbom/"

install: $(STAMP)

$(STAMP): requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.lock \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	# known vulnerabilities in the lock files (pip-audit; allow-list with reasons in audit-allowlist.toml;
	# an unreachable vulnerability service is reported and skipped unless REQUIRE_AUDIT=1)
	$(PY) scripts/dependency_audit.py
	QINGQIAN_ENV=test $(PY) manage.py makemigrations --check --dry-run
	QINGQIAN_ENV=test $(PY) manage.py check

# The whole suite on SQLite (with coverage; qingqian/rules must stay at 100 % branch coverage),
# then again on PostgreSQL.
test: lint test-sqlite test-postgres

test-sqlite: install
	@echo "== suite on SQLite =="
	QINGQIAN_ENV=test DATABASE_URL=sqlite:///:memory: $(PY) -m pytest -q -p no:cacheprovider \
	  --cov=qingqian --cov-report= ; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc
	$(PY) -m coverage report --include='qingqian/rules/*' --fail-under=100 --skip-covered --show-missing
	$(PY) -m coverage report --fail-under=0 | tail -1

test-postgres: install
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
	  echo "== suite on PostgreSQL ($(PG_URL)) =="; \
	  QINGQIAN_ENV=test DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
	  echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but $(PG_URL) is unreachable"; exit 1; \
	else \
	  echo "!! PostgreSQL at $(PG_URL) is unreachable: SKIPPING the PostgreSQL pass (set REQUIRE_POSTGRES=1 to fail instead)"; \
	fi

e2e: install
	@command -v /usr/bin/chromium >/dev/null || { echo "installing Debian's chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }
	@fc-list 2>/dev/null | grep -qi "noto sans cjk" || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk || true; }
	@# the monthly report's .docx is rendered to PDF (LibreOffice) and PNG (pdftoppm) for a person to look at
	@{ command -v soffice >/dev/null && command -v pdftoppm >/dev/null; } || { echo "installing LibreOffice Writer (no GUI) and poppler-utils"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils; }
	$(PY) -m pytest e2e -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then echo "no e2e tests collected"; exit 1; fi; exit $$rc

bench: install
	$(PY) bench/run_all.py

# Full-size reliability drills (the small versions run in `make test`); results go to docs/BENCHMARKS.md.
drills: install
	$(PY) bench/run_all.py --only crash-sqlite crash-postgres killed-import-sqlite killed-import-postgres \
	  concurrency-sqlite concurrency-postgres

migrations: install
	$(PY) manage.py makemigrations

# Extract Chinese source strings into locale/en/LC_MESSAGES/django.po and compile django.mo.
# Run again after translating (docs/i18n.md); qingqian/core/tests/test_translations.py checks both.
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var \
	  --ignore=static/vendor --ignore='e2e/*' --ignore='bench/*' --ignore='drills/*'
	$(PY) manage.py compilemessages -l en --ignore=.venv

assets:
	./scripts/vendor_assets.sh

lock: install
	$(VENV)/bin/uv pip compile -q --python-version 3.11 requirements.in -o requirements.lock
	$(VENV)/bin/uv pip compile -q --python-version 3.11 requirements-dev.in -o requirements-dev.lock

# CycloneDX SBOMs of the runtime and the development dependencies (pinned lock files).
sbom: install
	@mkdir -p var/sbom
	PYTHONWARNINGS=ignore $(VENV)/bin/cyclonedx-py requirements --output-reproducible --output-format JSON \
	  --pyproject pyproject.toml --output-file var/sbom/qingqian-runtime.cdx.json requirements.lock
	PYTHONWARNINGS=ignore $(VENV)/bin/cyclonedx-py requirements --output-reproducible --output-format JSON \
	  --pyproject pyproject.toml --output-file var/sbom/qingqian-dev.cdx.json requirements-dev.lock
	@echo "SBOM: var/sbom/qingqian-runtime.cdx.json, var/sbom/qingqian-dev.cdx.json (CycloneDX 1.6)"

clean-db:
	rm -f var/qingqian.sqlite3 var/qingqian.sqlite3-*
