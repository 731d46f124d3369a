# The README's quick start. Each target creates the virtual environment on first use,
# so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
COMPILED := $(VENV)/.compiled-stamp

.PHONY: build serve test check clean browser-deps

build: $(COMPILED)  ## build both languages into site/
	$(BIN)/kb build

serve: $(COMPILED)  ## preview at http://127.0.0.1:8000, rebuilding on edits to answers/, glossary/ and docs/
	$(BIN)/kb serve --dev-addr 127.0.0.1:8000

test: $(COMPILED)  ## the whole test suite
	$(BIN)/pytest

check: $(COMPILED)  ## validate the collection and lint the code
	$(BIN)/kb check
	$(BIN)/ruff check scripts tests

browser-deps:  ## what the browser tests need besides Python: Debian's chromium and axe-core (npm)
	@test -n "$$KB_CHROMIUM" || command -v chromium >/dev/null || test -x /usr/bin/chromium || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -f tests/browser/node_modules/axe-core/axe.min.js || \
		npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

clean:
	rm -rf site docs/_generated

# kb's modules compiled to bytecode, again whenever one changes: Python writes no bytecode on import
# where PYTHONDONTWRITEBYTECODE is set (as in some containers, and on the machine the benchmarks ran
# on), and compiling kb anew took 0.035 s of every kb command, a build after an edit included.
$(COMPILED): $(STAMP) $(wildcard scripts/kb/*.py)
	$(BIN)/python -m compileall -q scripts/kb
	touch $(COMPILED)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)
