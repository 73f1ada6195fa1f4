# Set-up and test entry points for sale_order_governance.
#
#   make demo   Odoo 18 with the add-on and its demo data on http://127.0.0.1:8069
#               (WORKERS=4: a prefork server with its websocket/bus process)
#   make test   the whole test suite (pytest-odoo) on a throw-away database
#
# Inputs (make or environment variables):
#   ODOO_SOURCE  where Odoo 18.0 Community comes from: a source directory, a
#                .tar.gz/.zip archive, or an archive URL.  Read only the first
#                time; later runs reuse the prepared copy in CACHE_DIR.
#   CACHE_DIR    where the prepared Odoo, its virtualenv, the filestore and the
#                configuration live (outside the clone, shared by clones).
#   PYTHON       the interpreter the virtualenv is built from (3.10 - 3.12).
#   WORKERS      make demo: number of HTTP worker processes (0: one threaded
#                process); GEVENT_PORT is then the websocket/bus port.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ODOO_SOURCE ?= https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sale_order_governance
PYTHON ?= python3
DB_HOST ?=
DB_PORT ?= 5432
DB_USER ?= $(shell id -un)
HTTP_PORT ?= 8069
DEMO_DB ?= sog_demo
WORKERS ?= 0
GEVENT_PORT ?= $(shell expr $(HTTP_PORT) + 3)
WORKERS_HTTP_PORT ?= $(shell expr $(HTTP_PORT) + 1)
PYTEST_ARGS ?=
ifndef TEST_DB
TEST_DB := sog_test_$(shell date +%s)_$(shell echo $$$$)
endif

ADDON := sale_order_governance
ODOO_DIR := $(CACHE_DIR)/odoo
DATA_DIR := $(CACHE_DIR)/data
# One configuration per clone: its addons_path points at this clone.
ODOO_CONF := $(CACHE_DIR)/odoo-$(shell echo "$(CURDIR)" | cksum | cut -d' ' -f1).conf
# The virtualenv and the OCA add-ons live in folders named by a hash of their
# recipe: a fresh clone reuses finished work, and a changed recipe builds new
# ones next to the old, which stay usable by runs in progress.
VENV_KEY := $(shell cat tools/build_venv.sh requirements-dev.txt constraints.txt \
  build-constraints.txt | cksum | cut -d' ' -f1)
VENV := $(CACHE_DIR)/venv-$(VENV_KEY)
OCA_KEY := $(shell cksum < oca-addons.txt | cut -d' ' -f1)
OCA_DIR := $(CACHE_DIR)/oca-$(OCA_KEY)
OCA_ADDONS := $(OCA_DIR)/odoo/addons
ODOO_BIN := $(VENV)/bin/python $(ODOO_DIR)/odoo-bin -c $(ODOO_CONF)
# Odoo modules every test database starts from: the add-on's dependencies and
# the optional modules it integrates with when they are installed
# (manufacturing orders in the order stage, time off in review delegation,
# expenses re-invoiced and delivery costs added to confirmed orders).
OPTIONAL_MODULES := hr_holidays mrp sale_expense stock_delivery
TEMPLATE_MODULES := $(shell $(PYTHON) tools/manifest_depends.py $(ADDON)) $(OPTIONAL_MODULES)
TEMPLATE_KEY := $(shell echo "$(TEMPLATE_MODULES)" | cksum | cut -d' ' -f1)
TEMPLATE_DB := sog_template_$(TEMPLATE_KEY)
PSQL_ENV := PGHOST=$(or $(DB_HOST),) PGPORT=$(DB_PORT) PGUSER=$(DB_USER)

.PHONY: help system-deps odoo venv venv-path oca-addons conf template demo test lint i18n bench clean-dbs

help:
	@echo "make demo   - start Odoo with $(ADDON) and demo data on http://127.0.0.1:$(HTTP_PORT)"
	@echo "              (WORKERS=4: prefork server with live notifications)"
	@echo "make test   - run the test suite on a throw-away database"
	@echo "make lint   - ruff and pylint-odoo"
	@echo "make i18n   - export the terms and merge them into i18n/*.po"
	@echo "make bench  - run the benchmarks (P1-P6, load) on databases of their own"

# --- Debian packages: build headers for Odoo's requirements, Chromium for tours -----
SYSTEM_PACKAGES := libpq-dev libldap2-dev libsasl2-dev chromium curl file unzip
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages (install them first): $$missing" >&2; exit 1; \
	  fi; \
	fi

# --- Odoo source -------------------------------------------------------------
$(ODOO_DIR)/.ready:
	@mkdir -p $(CACHE_DIR)
	@rm -rf $(ODOO_DIR).part && mkdir -p $(ODOO_DIR).part
	@src="$(ODOO_SOURCE)"; \
	if [ -d "$$src" ]; then \
	  echo "Copying Odoo source from $$src"; \
	  tar -C "$$src" --exclude=.git -cf - . | tar -C $(ODOO_DIR).part -xf -; \
	else \
	  if [ ! -f "$$src" ]; then \
	    echo "Downloading Odoo source from $$src"; \
	    curl -fL --retry 3 -o $(CACHE_DIR)/odoo-source.archive "$$src"; \
	    src=$(CACHE_DIR)/odoo-source.archive; \
	  fi; \
	  case "$$(file -b --mime-type "$$src")" in \
	    application/zip) rm -rf $(CACHE_DIR)/unzip && unzip -q "$$src" -d $(CACHE_DIR)/unzip && \
	      mv $(CACHE_DIR)/unzip/*/* $(ODOO_DIR).part/ && rm -rf $(CACHE_DIR)/unzip ;; \
	    *) tar -xf "$$src" -C $(ODOO_DIR).part --strip-components=1 ;; \
	  esac; \
	fi
	@test -f $(ODOO_DIR).part/odoo-bin || { echo "ODOO_SOURCE=$(ODOO_SOURCE) holds no odoo-bin" >&2; exit 1; }
	@grep -q "version_info = (18, 0" $(ODOO_DIR).part/odoo/release.py || { echo "ODOO_SOURCE is not Odoo 18.0" >&2; exit 1; }
	@rm -rf $(ODOO_DIR) && mv $(ODOO_DIR).part $(ODOO_DIR) && touch $@

odoo: $(ODOO_DIR)/.ready

# --- Python virtualenv ---------------------------------------------------------
$(VENV)/.ready: | $(ODOO_DIR)/.ready system-deps
	@tools/build_venv.sh $(VENV) $(PYTHON) $(ODOO_DIR)

venv: $(VENV)/.ready

venv-path: $(VENV)/.ready
	@echo $(VENV)

# --- OCA add-ons (coexistence tests): PyPI wheels, outside the clone ----------
# pip puts them in <target>/odoo/addons, which goes on the addons path.
$(OCA_DIR)/.ready: | $(VENV)/.ready
	@echo "Installing the OCA add-ons of oca-addons.txt into $(OCA_DIR)"
	@part=$$(mktemp -d $(OCA_DIR).part.XXXXXX); \
	trap 'rm -rf "$$part"' EXIT; \
	PIP_DISABLE_PIP_VERSION_CHECK=1 $(VENV)/bin/pip install -q --no-deps \
	  --target "$$part" -r oca-addons.txt; \
	touch "$$part/.ready"; \
	mv -T "$$part" $(OCA_DIR) 2>/dev/null || test -f $@

oca-addons: $(OCA_DIR)/.ready

$(ODOO_CONF): Makefile oca-addons.txt | $(VENV)/.ready $(OCA_DIR)/.ready
	@mkdir -p $(DATA_DIR)
	@printf '%s\n' "[options]" \
	  "addons_path = $(ODOO_DIR)/addons,$(ODOO_DIR)/odoo/addons,$(OCA_ADDONS),$(CURDIR)" \
	  "data_dir = $(DATA_DIR)" \
	  "db_host = $(DB_HOST)" "db_port = $(DB_PORT)" "db_user = $(DB_USER)" \
	  "http_interface = 127.0.0.1" "http_port = $(HTTP_PORT)" \
	  "gevent_port = $(GEVENT_PORT)" \
	  "list_db = False" "max_cron_threads = 1" > $@

conf: $(ODOO_CONF)

# --- Databases -------------------------------------------------------------------
# Built under a temporary name and renamed once complete: an interrupted build
# is never mistaken for a finished template.
template: $(ODOO_CONF)
	@if $(PSQL_ENV) psql -lqt | cut -d'|' -f1 | grep -qw $(TEMPLATE_DB); then exit 0; fi; \
	echo "Building template database $(TEMPLATE_DB) with: $(TEMPLATE_MODULES)"; \
	$(PSQL_ENV) dropdb --if-exists $(TEMPLATE_DB)_build; \
	rm -rf $(DATA_DIR)/filestore/$(TEMPLATE_DB)_build $(DATA_DIR)/filestore/$(TEMPLATE_DB); \
	$(ODOO_BIN) -d $(TEMPLATE_DB)_build -i $$(echo $(TEMPLATE_MODULES) | tr ' ' ',') \
	  --without-demo=all --stop-after-init --log-level=warn; \
	$(PSQL_ENV) psql -q -d postgres -c 'ALTER DATABASE "$(TEMPLATE_DB)_build" RENAME TO "$(TEMPLATE_DB)"'; \
	if [ -d $(DATA_DIR)/filestore/$(TEMPLATE_DB)_build ]; then \
	  mv $(DATA_DIR)/filestore/$(TEMPLATE_DB)_build $(DATA_DIR)/filestore/$(TEMPLATE_DB); fi

test: lint template system-deps
	@echo "Test database $(TEST_DB) (from $(TEMPLATE_DB))"
	@$(PSQL_ENV) createdb -T $(TEMPLATE_DB) $(TEST_DB)
	@mkdir -p $(DATA_DIR)/filestore
	@if [ -d $(DATA_DIR)/filestore/$(TEMPLATE_DB) ]; then \
	  cp -a $(DATA_DIR)/filestore/$(TEMPLATE_DB) $(DATA_DIR)/filestore/$(TEST_DB); fi
	@status=0; \
	$(ODOO_BIN) -d $(TEST_DB) -i $(ADDON) --without-demo=all --stop-after-init \
	  --log-level=warn || status=$$?; \
	if [ $$status -eq 0 ]; then \
	  ODOO_RC=$(ODOO_CONF) SOG_TEMPLATE_DB=$(TEMPLATE_DB) \
	  $(VENV)/bin/python -m pytest -p no:cacheprovider \
	    --odoo-database=$(TEST_DB) --odoo-config=$(ODOO_CONF) --odoo-http \
	    $(ADDON)/tests $(PYTEST_ARGS) || status=$$?; \
	fi; \
	$(PSQL_ENV) dropdb --if-exists $(TEST_DB) || true; \
	rm -rf $(DATA_DIR)/filestore/$(TEST_DB); \
	exit $$status

# WORKERS=n: Odoo's prefork server (n HTTP workers, a cron worker and the
# websocket/bus process on GEVENT_PORT) behind tools/demo_proxy.py, which plays
# the reverse proxy of a production set-up on HTTP_PORT: websocket upgrades go
# to GEVENT_PORT, everything else to the workers on WORKERS_HTTP_PORT.
demo: $(ODOO_CONF)
	@if ! $(PSQL_ENV) psql -lqt | cut -d'|' -f1 | grep -qw $(DEMO_DB); then \
	  echo "Creating $(DEMO_DB) with $(ADDON) and demo data"; \
	  $(ODOO_BIN) -d $(DEMO_DB) -i $(ADDON) --stop-after-init --log-level=warn \
	  || { $(PSQL_ENV) dropdb --if-exists $(DEMO_DB); exit 1; }; \
	fi
	@echo "Odoo on http://127.0.0.1:$(HTTP_PORT)  (login admin / admin, database $(DEMO_DB))"
	@if [ "$(WORKERS)" -gt 0 ]; then \
	  echo "$(WORKERS) HTTP workers on port $(WORKERS_HTTP_PORT), websocket/bus process on port $(GEVENT_PORT)"; \
	  $(VENV)/bin/python tools/demo_proxy.py --listen $(HTTP_PORT) \
	    --http $(WORKERS_HTTP_PORT) --websocket $(GEVENT_PORT) & proxy=$$!; \
	  trap 'kill $$proxy 2>/dev/null' EXIT; \
	  $(ODOO_BIN) -d $(DEMO_DB) --db-filter='^$(DEMO_DB)$$' --workers=$(WORKERS) \
	    --http-port=$(WORKERS_HTTP_PORT) --gevent-port=$(GEVENT_PORT); \
	else \
	  $(ODOO_BIN) -d $(DEMO_DB) --db-filter='^$(DEMO_DB)$$' --http-port=$(HTTP_PORT); \
	fi

lint: $(VENV)/.ready
	@$(VENV)/bin/ruff check $(ADDON) benchmarks tools
	@$(VENV)/bin/ruff format --check $(ADDON) benchmarks tools
	@$(VENV)/bin/pylint --rcfile=.pylintrc $(ADDON)
	@echo "lint: ruff and pylint-odoo clean"

# Export the add-on's terms and merge them into i18n/*.po (translations kept).
I18N_LANGS := zh_CN zh_TW
i18n: template
	@db=sog_i18n_$$$$; \
	$(PSQL_ENV) createdb -T $(TEMPLATE_DB) $$db; \
	trap "$(PSQL_ENV) dropdb --if-exists $$db; rm -rf $(DATA_DIR)/filestore/$$db $(CACHE_DIR)/$$db.pot" EXIT; \
	$(ODOO_BIN) -d $$db -i $(ADDON) --without-demo=all --stop-after-init --log-level=warn; \
	$(ODOO_BIN) -d $$db --modules=$(ADDON) --i18n-export=$(CACHE_DIR)/$$db.pot \
	  --stop-after-init --log-level=warn; \
	$(VENV)/bin/python tools/i18n_sync.py $(ADDON) $(CACHE_DIR)/$$db.pot $(I18N_LANGS)

# Benchmarks: a database with the add-on for P1-P5 (and a vanilla copy of
# the template for P1/P1b), its copy for the load benchmark, another one for
# P6. Every database is dropped at the end, also after a failure.
BENCH_DB ?= sog_bench_run
BENCH_SCRIPTS := bench_my_reviews bench_escalation bench_credit_exposure bench_kpi_pivot
BENCH_ARGS := --config $(ODOO_CONF)
bench: template
	@$(PSQL_ENV) dropdb --if-exists $(BENCH_DB); rm -rf $(DATA_DIR)/filestore/$(BENCH_DB)
	@trap '$(PSQL_ENV) dropdb --if-exists --force $(BENCH_DB); \
	  rm -rf $(DATA_DIR)/filestore/$(BENCH_DB)' EXIT; \
	$(PSQL_ENV) createdb -T $(TEMPLATE_DB) $(BENCH_DB); \
	if [ -d $(DATA_DIR)/filestore/$(TEMPLATE_DB) ]; then \
	  cp -a $(DATA_DIR)/filestore/$(TEMPLATE_DB) $(DATA_DIR)/filestore/$(BENCH_DB); fi; \
	$(ODOO_BIN) -d $(BENCH_DB) -i $(ADDON) --without-demo=all --stop-after-init \
	  --log-level=warn; \
	$(VENV)/bin/python benchmarks/bench_confirm.py --database $(BENCH_DB) $(BENCH_ARGS) \
	  --vanilla-database $(BENCH_DB)_vanilla --template $(TEMPLATE_DB); \
	for script in $(BENCH_SCRIPTS); do \
	  $(VENV)/bin/python benchmarks/$$script.py --database $(BENCH_DB) $(BENCH_ARGS); \
	done; \
	$(VENV)/bin/python benchmarks/bench_load.py --database $(BENCH_DB)_load \
	  --source $(BENCH_DB) $(BENCH_ARGS) --odoo-bin $(ODOO_DIR)/odoo-bin; \
	$(VENV)/bin/python benchmarks/bench_install.py --database $(BENCH_DB)_install \
	  $(BENCH_ARGS) --template $(TEMPLATE_DB) --odoo-bin $(ODOO_DIR)/odoo-bin \
	  --recreate --drop

clean-dbs:
	@for db in $$($(PSQL_ENV) psql -lqt | cut -d'|' -f1 | grep -oE 'sog_test_[0-9a-z_]+'); do \
	  $(PSQL_ENV) dropdb --if-exists $$db; rm -rf $(DATA_DIR)/filestore/$$db; done
