# Two entry points: `make demo` (build the example site) and `make test` (the whole suite).
# Each creates its own virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := build/demo-site
DEMO_GALLERY := build/demo-gallery

.PHONY: demo test lint bench clean

$(BIN)/assets-tool: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dask]'
	touch $@

demo: $(BIN)/assets-tool
	rm -rf $(DEMO)
	$(BIN)/python examples/make_site.py $(DEMO)
	$(BIN)/assets-tool build $(DEMO)
	@echo
	$(BIN)/assets-tool gallery $(DEMO)/assets/img/photos -o $(DEMO_GALLERY) --title "CES 2025 keynote"
	@echo
	@echo "Example site built in $(DEMO): see $(DEMO)/_posts/ (rewritten post) and $(DEMO)/assets/img/variants/"
	@echo "Example gallery: $(abspath $(DEMO_GALLERY))/index.html"

lint: $(BIN)/assets-tool
	$(BIN)/ruff check assets_tool tests examples benchmarks
	$(BIN)/ruff format --check assets_tool tests examples benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: $(BIN)/assets-tool lint
	scripts/install-system-deps
	$(BIN)/python -m pytest

bench: $(BIN)/assets-tool
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/compare.py
	$(BIN)/python benchmarks/build_speed.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/encoders.py
	$(BIN)/python benchmarks/gallery.py
	$(BIN)/python benchmarks/cluster.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
