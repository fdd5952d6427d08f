# dtmonitor: `make run` to try it, `make test` to check it. Needs only Python 3.11 and make
# (`make test` installs Debian's Chromium for the browser tests when it runs as root).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
WORKERS ?= 3
LOCALE_DIRS := locale communes/locale targets/locale reports/locale
# The browser tests drive this binary (tests/browser.py reads the same variable).
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: run serve test scan browser install messages compilemessages lint benchmark clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The partial plotly.js bundle (dtmonitor/staticfinders.py): the version pinned in package.json,
# checked against the sha512 in package-lock.json by `npm ci`. npm comes from Debian when it is
# missing and we are root; otherwise one line says what to run.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "npm is missing: installing Debian's npm for the pinned plotly.js bundle"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm || exit 1; \
		else \
			echo "npm is missing: run 'sudo apt-get install npm', then make again" >&2; exit 1; \
		fi; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Compiled with Babel, so no system gettext is needed to run; `make messages` (for developers
# adding strings) does need gettext's xgettext.
compilemessages: install
	@for dir in $(LOCALE_DIRS); do \
		[ -d $$dir ] && $(VENV)/bin/pybabel compile -d $$dir -D django || exit 1; \
	done

messages: install
	$(PY) manage.py makemessages -l vi --ignore '.venv/*' --ignore 'communes/*' --ignore 'targets/*' --ignore 'reports/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	for app in communes targets reports; do (cd $$app && ../$(PY) ../manage.py makemessages -l vi); done

run: compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_quangninh
	$(PY) manage.py seed_demo --days 90 --seed 1
	$(PY) manage.py rollup --days 120
	@echo "dtmonitor: http://$(HOST)/  (log in with a demo login above; Ctrl+C stops)"
	DEBUG=1 $(PY) manage.py runserver $(HOST)

# Playwright cannot download its own browser here, so the browser tests use Debian's Chromium:
# installed with apt-get when missing and we are root, otherwise one line says what to run.
browser:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "$(CHROMIUM_PATH) is missing: installing Debian's chromium for the browser tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || exit 1; \
		else \
			echo "$(CHROMIUM_PATH) is missing: run 'sudo apt-get install chromium', then make test" >&2; \
			exit 1; \
		fi; \
		[ -x "$(CHROMIUM_PATH)" ] || { echo "$(CHROMIUM_PATH) is still missing" >&2; exit 1; }; \
	fi

# Production start: static files hashed and compressed for WhiteNoise, migrations, gunicorn.
# Set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (and REDIS_URL) first; HOST=0.0.0.0:8000 to listen
# beyond this machine.
serve: compilemessages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn dtmonitor.wsgi:application --bind $(HOST) --workers $(WORKERS)

test: browser compilemessages
	$(PY) manage.py check
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

# A wapiti scan (Debian's package) of the app served by gunicorn on 127.0.0.1, signed in as the
# demo official, on a throwaway database; fails on a finding of medium severity or above.
scan: compilemessages
	$(PY) .ci/scan.py

lint: install
	$(VENV)/bin/ruff check .

benchmark: compilemessages
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 test-artifacts
