# dtmonitor: `make run` to try it, `make test` to check it. Needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
LOCALE_DIRS := locale communes/locale targets/locale reports/locale

.PHONY: run test install messages compilemessages lint benchmark clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

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

test: compilemessages
	$(PY) manage.py check
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

benchmark: compilemessages
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 test-artifacts
