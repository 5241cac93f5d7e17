# The two Quick-start commands are `make run` and `make test`; everything else supports them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# `make run` listens on every address so phones on the venue's network reach the office PC;
# `make dev` only on this machine.
HOST ?= 0.0.0.0:8000
DEV_HOST ?= 127.0.0.1:8000

.PHONY: run dev test install messages makemessages browser pdf demo bench bench-scale clean

$(VENV)/.installed: pyproject.toml
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are build output, not source.
messages: install
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules >/dev/null

# After changing user-facing text: refresh the catalogue, then translate every new entry.
makemessages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=$(VENV) --ignore=node_modules --no-obsolete --no-location --no-wrap

# Debian's chromium and CJK fonts for the browser tests (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "browser tests need: sudo apt-get install chromium fonts-noto-cjk"; \
	  fi; \
	fi
	@# Java for the Nu Html Checker (vnu) that checks every page's markup.
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "the HTML check needs: sudo apt-get install default-jre-headless"; \
	  fi; \
	fi
	@# axe-core and vnu-jar, pinned by tests/browser/package-lock.json.
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] || [ ! -f tests/browser/node_modules/vnu-jar/build/dist/vnu.jar ]; then \
	  if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  fi; \
	  npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --silent || echo "accessibility checks need npm"; \
	fi

# Debian's pango and CJK fonts for WeasyPrint's PDFs (the unit's record, the annual report).
pdf:
	@if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk >/dev/null; \
	  else \
	    echo "PDFs need: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"; \
	  fi; \
	fi

## Run the app with demo data on the embedded default (SQLite, filesystem broker),
## served by gunicorn (4 workers x 4 threads) with one Celery worker and one beat.
## No debug pages: what users see (Chinese 404/500 pages, hashed static files).
run: messages pdf
	$(PY) manage.py migrate --noinput
	STATIC_HASHED=1 $(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo
	$(PY) manage.py rundev $(HOST)

## The same with Django's runserver, which reloads on every code change, and debug pages.
dev: messages pdf
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	DEBUG=1 STATIC_HASHED=0 $(PY) manage.py rundev --reload $(DEV_HOST)

## Run the whole test suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: messages browser pdf
	$(PY) -m pytest $(ARGS)

## Benchmark on PostgreSQL + Redis: the scale run, then gunicorn and locust (not part of
## `make test`). Writes bench/results/; exits non-zero when a target is missed.
bench: install
	$(VENV)/bin/pip install --quiet ".[bench]"
	$(PY) bench/scale.py; scale=$$?; $(PY) bench/run.py && exit $$scale

## The scale run alone: every page a person uses at 1x and at a city's size (20 councils),
## uncached; each at most 2x slower. BENCH_SCALE_REUSE=1 keeps the loaded data sets.
bench-scale: install
	$(PY) bench/scale.py

demo: messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

clean:
	rm -rf $(VENV) var db.sqlite3* staticfiles
