# The two commands a newcomer runs: `make lab` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
N      ?= 40
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: lab test venv bench class class-sim schema validate clean-venv strip

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed (found %s)" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "== installing the course into $(VENV) (first time only, about a minute)"
	@$(BIN)/python -m pip install -q -e ".[test,class]" 2>&1 | grep -v "is ignored: it is neither" || true
	@$(BIN)/python -c 'import sciatica_course, jupyterlab, ipywidgets, nbval, playwright' 
	@touch $(STAMP)

venv: $(STAMP)

## make lab: open the course in JupyterLab at the start page
lab: venv
	$(BIN)/sciatica-course lab

## make test: every test (data, logic, widgets, notebooks under nbval, the browser suite, the class smoke test)
test: venv
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider tests notebooks

## make bench: benchmarks as ratios against floors measured in the same run, then a simulated class of 40
bench: venv
	$(BIN)/python benchmarks/run.py
	$(BIN)/python -m deploy.jupyterhub.localhub simulate --students 40

## make class: a local JupyterHub for trying a class on one machine
class: venv
	$(BIN)/python -m deploy.jupyterhub.localhub serve

## make class-sim N=40: a simulated class of N students on the local hub
class-sim: venv
	$(BIN)/python -m deploy.jupyterhub.localhub simulate --students $(N)

schema: venv
	$(BIN)/sciatica-course schema

validate: venv
	$(BIN)/sciatica-course validate

## strip outputs from the notebooks before a commit
strip: venv
	$(BIN)/python -m sciatica_course.devtools strip notebooks

clean-venv:
	rm -rf $(VENV)
