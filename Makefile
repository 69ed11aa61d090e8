# Thin wrappers over start.py, the one entry point that also works without make (Windows, a stock Mac):
#   make lab   = python3 start.py         (sets up .venv the first time, opens the course)
#   make test  = python3 start.py test    (the README's test command; .ci/run runs it)
#   make venv  = python3 start.py setup --dev
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
N      ?= 40
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: lab test venv bench class class-sim schema validate clean-venv strip

venv:
	@$(PYTHON) start.py setup --dev

## make lab: open the course in JupyterLab at the start page (your own copy of the lessons)
lab:
	@$(PYTHON) start.py lab

## make test: every test (data, logic, widgets, notebooks under nbval, the browser suite, the class smoke test)
test:
	@$(PYTHON) start.py test

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
