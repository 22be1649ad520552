# The two commands of the course (see README.md):
#   make notebooks [PROFILE=full|smoke]   execute every notebook (default: full)
#   make test                             lint, unit tests, every notebook in the
#                                         smoke profile with nbval, figure checks
#   NB="01 05" (numbers or names) limits either to some notebooks.
# Both create the virtual environment .venv on first use, with the Jupyter kernel
# "Keras text & sequences" (keras-text-sequences) that runs every notebook.
#   make test-backends [BACKENDS="jax torch"]  every notebook in the smoke
#                                         profile with nbval under JAX and
#                                         PyTorch (installed into .venv once)
#   make lab [LAB_ARGS="--no-browser --port 8890"]   JupyterLab on notebooks/
#   make kernel                           the kernel, for a Jupyter outside .venv
#   make reproduce NB=08                  re-run notebooks at full size into build/
#                                         and compare them with the committed runs

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PROFILE ?= full
NB ?=
LAB_ARGS ?=
BENCHMARK_ARGS ?=
KERNEL := keras-text-sequences
KERNEL_JSON := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
# JupyterLab refuses to run as root (containers, CI images) without --allow-root.
USER_ID := $(shell id -u 2>/dev/null)
LAB_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)

export PATH := $(abspath $(VENV))/bin:$(PATH)
# Keep TensorFlow's C++ log messages out of the notebooks' outputs. Level 3, not 2:
# with op determinism on (helpers.setup), every tf.data pipeline that model.fit
# builds logs a harmless C++ "error" (NodeDef mentions attribute
# use_unbounded_threadpool ...) that level 2 lets through. Python errors still show.
# The course kernel sets it too, however Jupyter is started (coursetools/notebooks.py).
export TF_CPP_MIN_LOG_LEVEL ?= 3

# Notebooks executed at once by `make test` and `make test-backends` (pytest-xdist;
# each notebook stays in one worker, its cells in order). 2 suits CI's 2 cores;
# JOBS=1 runs them one after another.
JOBS ?= 2
NBVAL := --nbval-lax --nbval-kernel-name=$(KERNEL) --nbval-cell-timeout=900 \
	$(if $(filter-out 1,$(JOBS)),-n $(JOBS) --dist loadscope)

# With two notebooks at once, one OpenMP thread per kernel: PyTorch's threads spin
# while they wait, and two kernels with a thread per core each made its check
# 3.5 times slower on 2 cores (docs/tests.md, "CI").
BACKEND_ENV := $(if $(filter-out 1,$(JOBS)),OMP_NUM_THREADS=1)

# The other Keras backends of `make test-backends` (docs/backends.md).
BACKENDS ?= jax torch
# On Linux, PyPI's torch is the CUDA build (about 3 GB): the CPU build comes from
# PyTorch's own index. TORCH_INDEX= (empty) installs from the configured indexes
# alone (CI, whose machines hold the CPU wheel and reach no other index).
TORCH_INDEX ?= $(if $(filter Linux,$(shell uname -s 2>/dev/null)),https://download.pytorch.org/whl/cpu)

.PHONY: benchmarks benchmark-backends notebooks smoke test test-backends lint unit baselines student lab kernel clean site slides reproduction reproduce

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,site]'
	touch $@

# The kernel "Keras text & sequences" in .venv, where every Jupyter started from
# .venv finds it (the runner installs it too when it is missing).
$(KERNEL_JSON): $(VENV)/.installed coursetools/notebooks.py
	$(PY) -m coursetools.notebooks kernel

# TensorFlow.js for notebook 17, its tests and the site's live page: js/node_modules
# from js/package-lock.json (npm ci; Node.js and npm are needed).
JS_MODULES := js/node_modules/.package-lock.json
$(JS_MODULES): js/package-lock.json $(VENV)/.installed
	$(PY) -c 'from helpers.tfjs import npm_install; npm_install()'

notebooks: $(VENV)/.installed $(KERNEL_JSON) $(JS_MODULES)
	$(PY) -m coursetools.notebooks run --profile $(PROFILE) $(NB)

smoke:
	$(MAKE) notebooks PROFILE=smoke

lint: $(VENV)/.installed
	$(PY) -m ruff check helpers coursetools tests notebooks site
	$(PY) -m ruff format --check helpers coursetools tests notebooks site

unit: $(VENV)/.installed
	$(PY) -m pytest tests

# TensorFlow, whatever KERAS_BACKEND says: the figure baselines are TensorFlow's.
test: export KERAS_BACKEND = tensorflow
# The unit tests and the notebooks (JOBS at a time), then the figures that the
# notebooks saved.
test: lint $(KERNEL_JSON) $(JS_MODULES)
	$(PY) -m coursetools.notebooks prepare-tests $(NB)
	$(PY) -m pytest tests build/nbval $(NBVAL)
	$(PY) -m pytest tests/test_figures.py --figures --notebooks="$(NB)"

# JAX and PyTorch (the extras jax and torch, CPU builds) in .venv, once.
$(VENV)/.backends-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,site,jax,torch]' \
		$(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	touch $@

# Every notebook in the smoke profile with nbval under each of BACKENDS, in
# build/backend-<name>/ (helpers.runs.build_dir); each figure must be made, its
# pixels are compared under TensorFlow only (tests/test_figures.py). Every
# backend runs, and the target fails if any failed.
test-backends: $(VENV)/.backends-installed $(KERNEL_JSON) $(JS_MODULES)
	@status=0; for backend in $(BACKENDS); do \
		dir=build/backend-$$backend; [ "$$backend" != tensorflow ] || dir=build; \
		echo "== KERAS_BACKEND=$$backend: the notebooks in the smoke profile ($$dir/)"; \
		KERAS_BACKEND=$$backend $(PY) -m coursetools.notebooks prepare-tests $(NB) \
		&& KERAS_BACKEND=$$backend $(BACKEND_ENV) $(PY) -m pytest $$dir/nbval $(NBVAL) \
		&& KERAS_BACKEND=$$backend $(PY) -m pytest tests/test_figures.py \
			--figures --notebooks="$(NB)" \
		|| { status=1; echo "== KERAS_BACKEND=$$backend FAILED"; }; \
	done; exit $$status

# Regenerate tests/baselines from a fresh smoke run (then review and commit them);
# NB="05 06" limits it to some notebooks.
baselines: export KERAS_BACKEND = tensorflow
baselines: $(VENV)/.installed
	$(MAKE) smoke
	$(PY) -m coursetools.notebooks baselines $(NB)

# The student edition: every notebook without outputs and solutions, in build/student/.
student: $(VENV)/.installed
	$(PY) -m coursetools.notebooks student $(NB)

# Measured speeds (not tests): written to build/benchmarks/, printed as tables.
benchmarks: $(VENV)/.installed
	$(PY) -m coursetools.benchmarks pipeline

# Seconds per training epoch of each lesson's main model on TensorFlow, JAX and
# PyTorch (installed as for test-backends), interleaved: build/benchmarks/backends.md.
benchmark-backends: $(VENV)/.backends-installed
	$(PY) -m coursetools.benchmarks backends $(BENCHMARK_ARGS)

# The static site of the committed notebooks (build/site/) and the class slides
# (build/slides/): nothing executed, nothing loaded from a CDN (docs/site.md).
site: $(VENV)/.installed $(JS_MODULES)
	$(PY) -m coursetools.site site

slides: $(VENV)/.installed
	$(PY) -m coursetools.site slides

# Regenerate the reproduction table (docs/reproduction.md)
# from the committed notebooks' recorded numbers.
reproduction: $(VENV)/.installed
	$(PY) -m coursetools.reproduction --write

# Re-run NB's notebooks in the full profile into build/reproduce/ (never over the
# committed notebooks or notebooks/results/), print every recorded number beside
# the committed one with its tolerance, and write build/reproduce/report.html
# with the figures of both runs side by side (docs/reproduce.md).
reproduce: $(VENV)/.installed $(KERNEL_JSON)
	$(PY) -m coursetools.reproduce $(NB)

# JupyterLab, installed once (again when pyproject.toml changes).
$(VENV)/.lab-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[notebook]'
	touch $@

lab: $(VENV)/.lab-installed $(KERNEL_JSON)
	$(VENV)/bin/jupyter lab $(LAB_ROOT) $(LAB_ARGS) notebooks

# The kernel in the user's Jupyter folder, for a Jupyter installed elsewhere.
kernel: $(VENV)/.installed
	$(PY) -m coursetools.notebooks kernel --user

clean:
	rm -rf build
