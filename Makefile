# llr-sim: every target installs into a local virtual environment .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE ?= 0.02
SEED ?= 0

.PHONY: install reports population test lint lab bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name llr-sim --display-name "Python (llr-sim)" >/dev/null
	touch $(STAMP)

## The main job on the embedded default: every scenario in scenarios/ on a generated synthetic
## population (scale 0.02), reported with notebooks, figures and tables in reports/batch.
reports: $(STAMP)
	$(BIN)/llr-sim report --out reports/batch --scale $(SCALE) --seed $(SEED)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check llr_sim tests benchmarks
	$(BIN)/ruff format --check llr_sim tests benchmarks

lab: $(STAMP)
	mkdir -p notebooks
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
