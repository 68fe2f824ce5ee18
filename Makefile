# PPI — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
VENDOR := static/vendor
export FLASK_APP := ppi

.PHONY: run test install serve demo migrate assets messages clean bench-indicators

run: install
	$(FLASK) db upgrade
	$(FLASK) ppi demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs in parallel, one pytest-xdist worker per CPU core, each on a PostgreSQL database of its own (see
# README, Tests). PYTEST_ARGS come after PYTEST_XDIST, so `make test PYTEST_ARGS="-n 0 -x"` runs it serially.
PYTEST_XDIST ?= -n auto

test: install
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Bootstrap comes from its npm package and is served from static/vendor: no CDN, works offline.
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

# Extract the translatable strings into ppi/translations/messages.pot.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o ppi/translations/messages.pot .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
