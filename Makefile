# The README's quick start. Each target creates the virtual environment on first use,
# so a fresh clone needs only Python 3.11+ (and, for `make test`, npm and apt, which it uses itself).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
COMPILED := $(VENV)/.compiled-stamp

NPM_DIR  := tests/browser
NPM_TEST := $(NPM_DIR)/node_modules/.kb-test-stamp
NPM_ALL  := $(NPM_DIR)/node_modules/.kb-audit-stamp
# The Chromium the browser tests drive (Playwright cannot download one here); KB_CHROMIUM overrides it.
CHROMIUM ?= $(or $(KB_CHROMIUM),/usr/bin/chromium)
export KB_CHROMIUM := $(CHROMIUM)

.PHONY: build serve test check clean browser-deps test-deps system-deps audit screenshots lock

build: $(COMPILED)  ## build both languages into site/
	$(BIN)/kb build

serve: $(COMPILED)  ## preview at http://127.0.0.1:8000, rebuilding on edits to answers/, glossary/ and docs/
	$(BIN)/kb serve --dev-addr 127.0.0.1:8000

test: $(COMPILED) test-deps  ## the whole test suite, with everything it needs installed first
	$(BIN)/pytest

check: $(COMPILED)  ## validate the collection and lint the code
	$(BIN)/kb check
	$(BIN)/ruff check scripts tests

test-deps: $(NPM_TEST) system-deps  ## what the tests need besides Python: npm tools, chromium, java

browser-deps: test-deps  ## (the old name)

# Debian packages: chromium for the browser tests, a Java runtime for the Nu HTML checker. As root they
# are installed with apt; otherwise one line says which command installs them, and make stops.
system-deps:
	@$(call need_apt,chromium (at $(CHROMIUM)),test -x "$(CHROMIUM)",chromium)
	@$(call need_apt,java,command -v java >/dev/null,default-jre-headless)

define need_apt
$(2) || { \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing $(3) (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(3) >/dev/null; } || true; \
	fi; \
	$(2) || { echo "make: $(1) is missing: install it with: sudo apt-get update && sudo apt-get install -y $(3)" >&2; exit 1; }; \
}
endef

# npm packages from the committed lock file: axe-core and vnu-jar for the tests (--omit=dev), and
# lighthouse too for `make audit`. `npm ci` starts node_modules afresh, so the stamps live inside it.
$(NPM_TEST): $(NPM_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing: install it with: sudo apt-get install -y npm" >&2; exit 1; }
	npm ci --prefix $(NPM_DIR) --omit=dev --no-audit --no-fund --loglevel=error
	touch $(NPM_TEST)

$(NPM_ALL): $(NPM_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing: install it with: sudo apt-get install -y npm" >&2; exit 1; }
	npm ci --prefix $(NPM_DIR) --no-audit --no-fund --loglevel=error
	touch $(NPM_TEST) $(NPM_ALL)

audit: $(COMPILED) $(NPM_ALL) system-deps  ## Lighthouse on three pages served on 127.0.0.1; reports in build/lighthouse/
	$(BIN)/python tests/external/lighthouse_audit.py --out build/lighthouse

clean:
	rm -rf site docs/_generated build

# kb's modules compiled to bytecode, again whenever one changes: Python writes no bytecode on import
# where PYTHONDONTWRITEBYTECODE is set (as in some containers, and on the machine the benchmarks ran
# on), and compiling kb anew took 0.035 s of every kb command, a build after an edit included.
$(COMPILED): $(STAMP) $(shell find scripts/kb -name '*.py')
	$(BIN)/python -m compileall -q scripts/kb
	touch $(COMPILED)

# The dependencies are the lock file's exact versions, each checked against its hashes; then kb itself.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

lock:  ## requirements.lock again from pyproject.toml's ranges (pip-tools, in a venv of its own under build/)
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --disable-pip-version-check pip-tools
	build/lock-venv/bin/pip-compile --quiet --generate-hashes --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

screenshots: $(COMPILED) test-deps  ## each page type at 390 and 1440 px, zh/en, light/dark, into build/screenshots/
	$(BIN)/kb build
	$(BIN)/python tests/browser/screenshots.py site build/screenshots
