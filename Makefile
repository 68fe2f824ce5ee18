# PPI — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
VENDOR := static/vendor
TRANSLATIONS := ppi/translations
COMPILED_CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
export FLASK_APP := ppi

.PHONY: run test install serve demo migrate assets messages translations clean bench-indicators bench bench-matching

run: install
	$(FLASK) db upgrade
	$(FLASK) ppi demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs in parallel, one pytest-xdist worker per CPU core, each on a PostgreSQL database of its own (see
# README, Tests). PYTEST_ARGS come after PYTEST_XDIST, so `make test PYTEST_ARGS="-n 0 -x"` runs it serially.
PYTEST_XDIST ?= -n auto

test: install
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

install: $(VENV)/.installed $(VENDOR)/.installed $(COMPILED_CATALOGUES)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Bootstrap comes from its npm package and is served from static/vendor: no CDN, works offline. `npm ci` installs the
# devDependencies too: axe-core, which the accessibility tests load from node_modules (tests/browser/axe.py).
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   $(VENDOR)/bootstrap/
	touch $@

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) ppi demo

# Time every indicator table and the XLSX export on generated data (10,000 challenges, 100,000 proposals): SQLite,
# and PostgreSQL too when DATABASE_URL names a database whose name contains "bench". BENCH_ARGS="--challenges 1000
# --proposals 10000" for a quick run. Figures in bench/results/indicators-<backend>.json.
bench-indicators: install
	$(BIN)/python bench/indicators.py $(BENCH_ARGS)

# Time the matching of one challenge against 10,000 generated company profiles (target: under 300 ms with the index
# up to date): SQLite, and PostgreSQL too when DATABASE_URL names a database whose name contains "bench".
# BENCH_ARGS="--companies 1000" for a quick run. Figures in bench/results/matching-<backend>.json.
bench-matching: install
	$(BIN)/python bench/matching.py $(BENCH_ARGS)

# Load-test the main pages (README, Performance): gunicorn with a worker per CPU on loopback, driven by wrk, next to a
# bare Flask "hello world", at 1,000 / 10,000 / 100,000 challenges (generated databases cached in
# $${PPI_BENCH_CACHE:-/tmp/ppi-bench-cache}); PostgreSQL too when DATABASE_URL names a database containing "bench".
# wrk: `apt-get install -y wrk` (without it a slower Python load generator stands in). Figures in
# bench/results/pages-<backend>.json. BENCH_ARGS="--sizes 1000,10000 --seconds 2" for a quick run.
# Then the matching benchmark (bench-matching above) with MATCHING_ARGS; MATCHING_ARGS="--companies 1000" for a quick one.
bench: install
	@command -v wrk >/dev/null || echo "wrk is not installed: apt-get install -y wrk (Debian/Ubuntu), or the Python load generator stands in"
	$(BIN)/python bench/pages.py $(BENCH_ARGS)
	$(BIN)/python bench/matching.py $(MATCHING_ARGS)

# Extract the translatable strings into ppi/translations/messages.pot (not committed: it is made from the code).
# Keywords besides the defaults (_, gettext, ngettext, N_ …): _l / lazy_gettext for strings of forms and labels.
messages: install
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments=TRANSLATORS: --ignore-dirs='.*' \
	   -o $(TRANSLATIONS)/messages.pot .

# Extract, then bring the catalogue of every language the app offers but English (config.py, LANGUAGES) up to date
# with the code: new strings come in empty, changed ones marked fuzzy; a language without a catalogue gets one.
# Translate those entries, run it again, and `pytest tests/test_translations.py` says what is still missing.
translations: messages
	for language in $$($(BIN)/python -c 'from config import Config; \
	    print(*(code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE))'); do \
	  if test -f $(TRANSLATIONS)/$$language/LC_MESSAGES/messages.po; then \
	    $(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$language; \
	  else \
	    $(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$language; \
	  fi; \
	done
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# The compiled catalogues (.mo, not committed) are built from the .po files by `make install`, and so before
# `make run` and `make test`; offline, with the pybabel of the virtual environment.
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
