# The two commands of the course (see README.md):
#   make notebooks [PROFILE=full|smoke]   execute every notebook (default: full)
#   make test                             lint, unit tests, every notebook in the
#                                         smoke profile with nbval, figure checks
#   NB="01 05" (numbers or names) limits either to some notebooks.
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PROFILE ?= full
NB ?=

export PATH := $(abspath $(VENV))/bin:$(PATH)
# Keep TensorFlow's C++ log messages out of the notebooks' outputs. Level 3, not 2:
# with op determinism on (helpers.setup), every tf.data pipeline that model.fit
# builds logs a harmless C++ "error" (NodeDef mentions attribute
# use_unbounded_threadpool ...) that level 2 lets through. Python errors still show.
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: benchmarks notebooks smoke test lint unit baselines student lab clean site slides reproduction

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,site]'
	touch $@

notebooks: $(VENV)/.installed
	$(PY) -m helpers.notebooks run --profile $(PROFILE) $(NB)

smoke:
	$(MAKE) notebooks PROFILE=smoke

lint: $(VENV)/.installed
	$(PY) -m ruff check helpers tests notebooks site
	$(PY) -m ruff format --check helpers tests notebooks site

unit: $(VENV)/.installed
	$(PY) -m pytest tests

test: lint
	$(PY) -m helpers.notebooks prepare-tests $(NB)
	$(PY) -m pytest tests build/nbval --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=900 --figures --notebooks="$(NB)"

# Regenerate tests/baselines from a fresh smoke run (then review and commit them);
# NB="05 06" limits it to some notebooks.
baselines: $(VENV)/.installed
	$(MAKE) smoke
	$(PY) -m helpers.notebooks baselines $(NB)

# The student edition: every notebook without outputs and solutions, in build/student/.
student: $(VENV)/.installed
	$(PY) -m helpers.notebooks student $(NB)

# Measured speeds (not tests): written to build/benchmarks/, printed as tables.
benchmarks: $(VENV)/.installed
	$(PY) -m helpers.benchmarks pipeline

# The static site of the committed notebooks (build/site/) and the class slides
# (build/slides/): nothing executed, nothing loaded from a CDN (see README).
site: $(VENV)/.installed
	$(PY) -m helpers.site site

slides: $(VENV)/.installed
	$(PY) -m helpers.site slides

# Regenerate the reproduction table (docs/reproduction.md and README's block)
# from the committed notebooks' recorded numbers.
reproduction: $(VENV)/.installed
	$(PY) -m helpers.reproduction --write

lab: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[notebook]'
	$(VENV)/bin/jupyter lab notebooks

clean:
	rm -rf build
