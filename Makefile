# The README's quick start. Each target creates the virtual environment on first use,
# so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: build serve test check clean browser-deps

build: $(STAMP)  ## build both languages into site/
	$(BIN)/kb build

serve: $(STAMP)  ## preview at http://127.0.0.1:8000, rebuilding on edits to answers/, glossary/ and docs/
	$(BIN)/kb serve --dev-addr 127.0.0.1:8000

test: $(STAMP)  ## the whole test suite
	$(BIN)/pytest

check: $(STAMP)  ## validate the collection and lint the code
	$(BIN)/kb check
	$(BIN)/ruff check scripts tests

browser-deps:  ## what the browser tests need besides Python: Debian's chromium and axe-core (npm)
	@test -n "$$KB_CHROMIUM" || command -v chromium >/dev/null || test -x /usr/bin/chromium || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -f tests/browser/node_modules/axe-core/axe.min.js || \
		npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

clean:
	rm -rf site docs/_generated

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)
