"""The course kernel "Keras text & sequences", and the Makefile's Jupyter targets.

The kernel keeps TensorFlow's C++ log messages out of the notebooks however
they are opened (JupyterLab, VS Code, nbconvert, papermill): `helpers.setup`
sets ``TF_CPP_MIN_LOG_LEVEL`` only after a setup cell has imported Keras, too
late. The test marked ``kernel`` executes a two-cell notebook through the
runner (a few seconds); ``-m "not kernel"`` skips it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursetools import notebooks
from helpers.data import project_root

#: What TensorFlow's C++ start-up and tf.data pipelines wrote into notebooks.
CPP_NOISE = ("absl", "cpu_feature_guard", "oneDNN", "E0000", "NodeDef")


@pytest.fixture
def jupyter_dirs(tmp_path, monkeypatch):
    """An isolated Jupyter: this environment's prefix and the user folder in tmp.

    Nothing is installed into, or found in, the real environment or home.
    """
    import site

    from jupyter_core import paths

    prefix, user = tmp_path / "prefix", tmp_path / "user"
    monkeypatch.setattr(sys, "prefix", str(prefix))
    monkeypatch.setattr(paths, "ENV_JUPYTER_PATH", [str(prefix / "share/jupyter")])
    monkeypatch.setattr(paths, "SYSTEM_JUPYTER_PATH", [str(tmp_path / "system")])
    monkeypatch.setattr(site, "ENABLE_USER_SITE", False)
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(user))
    return prefix, user


def read_spec(path: Path) -> dict:
    return json.loads(path.read_text())


def check_spec(spec: dict) -> None:
    assert spec["display_name"] == "Keras text & sequences"
    assert spec["language"] == "python"
    assert spec["argv"][0] == sys.executable  # the venv's python, not resolved
    assert spec["argv"][-1] == "--IPKernelApp.capture_fd_output=False"
    assert "{connection_file}" in spec["argv"]
    assert spec["env"]["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_the_capture_option_exists_in_the_installed_ipykernel():
    from ipykernel.kernelapp import IPKernelApp

    assert "capture_fd_output" in IPKernelApp.class_trait_names(config=True)


def test_kernel_command_writes_the_kernel_into_this_environment(jupyter_dirs, capsys):
    prefix, _ = jupyter_dirs
    notebooks.main(["kernel"])
    path = prefix / "share/jupyter/kernels/keras-text-sequences/kernel.json"
    check_spec(read_spec(path))
    assert str(path) in capsys.readouterr().out


def test_user_install_for_a_jupyter_outside_the_environment(jupyter_dirs):
    _, user = jupyter_dirs
    path = notebooks.install_kernel(user=True)
    assert path == user / "kernels" / "keras-text-sequences" / "kernel.json"
    check_spec(read_spec(path))


def test_ensure_kernel_installs_a_missing_or_stale_kernel(jupyter_dirs):
    prefix, _ = jupyter_dirs
    path = prefix / "share/jupyter/kernels/keras-text-sequences/kernel.json"
    assert notebooks.ensure_kernel() == "keras-text-sequences"
    check_spec(read_spec(path))
    stale = read_spec(path) | {"env": {}}
    path.write_text(json.dumps(stale))
    notebooks.ensure_kernel()
    check_spec(read_spec(path))


def test_ensure_kernel_refuses_a_kernel_of_another_interpreter(
    jupyter_dirs, tmp_path, monkeypatch
):
    other = tmp_path / "other"
    spec = notebooks.kernel_spec("/elsewhere/.venv/bin/python")
    (other / "kernels" / "keras-text-sequences").mkdir(parents=True)
    (other / "kernels" / "keras-text-sequences" / "kernel.json").write_text(
        json.dumps(spec)
    )
    # first in the search path: it shadows this environment's kernel
    monkeypatch.setenv("JUPYTER_PATH", str(other))
    with pytest.raises(SystemExit, match="jupyter kernelspec remove"):
        notebooks.ensure_kernel()


TINY_CELLS = [
    "import keras\n"
    "import tensorflow as tf\n"
    "\n"
    "keras.utils.set_random_seed(0)\n"
    "tf.config.experimental.enable_op_determinism()  # as helpers.setup does\n"
    "print(tf.constant(1))",
    "import warnings\n"
    "\n"
    "import numpy as np\n"
    "\n"
    "model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])\n"
    "model.compile(optimizer='sgd', loss='mse')\n"
    "model.fit(np.zeros((2, 1)), np.zeros((2, 1)), batch_size=2, verbose=2)\n"
    "warnings.warn('a learner should see this')",
]


@pytest.mark.kernel
def test_notebooks_run_by_the_runner_show_no_cpp_log_lines(
    jupyter_dirs, tmp_path, monkeypatch
):
    pytest.importorskip("papermill")
    pytest.importorskip("ipykernel")
    pytest.importorskip("tensorflow")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in TINY_CELLS]
    nbformat.write(nb, folder / "01_tiny.ipynb")
    monkeypatch.setattr(notebooks, "NOTEBOOK_DIR", folder)
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    # as in a Jupyter started by hand: only the kernel sets the log level
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.setattr(notebooks, "_kernel_env", lambda: None)
    # ipykernel never forwards file descriptors when it sees pytest's variable:
    # without it, the kernel forwards them as in Jupyter, unless told not to
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    (outcome,) = notebooks.run("full")  # the full profile writes back into folder
    assert outcome.ok, outcome.error
    executed = nbformat.read(folder / "01_tiny.ipynb", as_version=4)
    assert executed.metadata.papermill["parameters"] == {}
    texts = [
        o.get("text", "")
        for cell in executed.cells
        for o in cell.get("outputs", [])
        if o.output_type == "stream"
    ]
    lines = "".join(texts).splitlines()
    noisy = [line for line in lines if any(word in line for word in CPP_NOISE)]
    assert not noisy, noisy
    assert "tf.Tensor(1, shape=(), dtype=int32)" in lines
    # Python warnings still reach the notebook
    assert any("UserWarning: a learner should see this" in line for line in lines)


# -- the Makefile ----------------------------------------------------------------
@pytest.fixture
def dry_make(tmp_path):
    """``make -n`` in a copy of the Makefile whose .venv is set up and current."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "js/package-lock.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project_root() / name, tmp_path / name)
    (tmp_path / "coursetools").mkdir()
    shutil.copy2(project_root() / "coursetools/notebooks.py", tmp_path / "coursetools")
    venv = tmp_path / ".venv"
    kernel = venv / "share/jupyter/kernels/keras-text-sequences/kernel.json"
    kernel.parent.mkdir(parents=True)
    stamps = [venv / ".installed", venv / ".lab-installed", kernel]
    for i, stamp in enumerate(stamps, start=1):
        stamp.touch()
        os.utime(stamp, (2e9 + i, 2e9 + i))  # newer than the copied sources

    def make(*args: str) -> str:
        done = subprocess.run(
            ["make", "-n", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    make.root = tmp_path
    return make


def test_make_lab_passes_lab_args_and_allows_root(dry_make):
    out = dry_make("lab", "USER_ID=0", "LAB_ARGS=--no-browser --port 8890")
    (line,) = [line for line in out.splitlines() if " lab " in line]
    assert line.split()[1:] == [
        "lab",
        "--allow-root",
        "--no-browser",
        "--port",
        "8890",
        "notebooks",
    ]
    out = dry_make("lab", "USER_ID=1000")
    assert "--allow-root" not in out
    # as this user
    root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
    assert ("--allow-root" in dry_make("lab")) == root


def test_make_lab_installs_jupyterlab_once(dry_make):
    assert "pip install" not in dry_make("lab")
    os.utime(dry_make.root / "pyproject.toml", (2e9 + 10, 2e9 + 10))
    assert "pip install --quiet -e '.[notebook]'" in dry_make("lab")


def test_make_test_runs_two_notebooks_at_once_then_checks_figures(dry_make):
    for target in ("test", "test-backends"):
        lines = dry_make(target, "NB=01 05").splitlines()
        notebooks = [i for i, line in enumerate(lines) if "nbval " in line]
        figures = [i for i, line in enumerate(lines) if "--figures" in line]
        assert notebooks and figures and notebooks[0] < figures[0], target
        assert "-n 2 --dist loadscope" in lines[notebooks[0]]  # a notebook per worker
        assert "--nbval" not in lines[figures[0]]  # after every notebook has run
    one_by_one = dry_make("test", "JOBS=1")
    assert "--nbval-lax" in one_by_one and "-n " not in one_by_one
    # two kernels at once: one OpenMP thread each (PyTorch's spin and oversubscribe)
    assert "OMP_NUM_THREADS=1" in dry_make("test-backends", "NB=01")
    assert "OMP_NUM_THREADS" not in dry_make("test-backends", "NB=01", "JOBS=1")


def test_make_installs_the_kernel_and_tests_run_on_it(dry_make):
    assert "coursetools.notebooks kernel --user" in dry_make("kernel")
    test = dry_make("test")
    assert "--nbval-kernel-name=keras-text-sequences" in test
    assert "--nbval-current-env" not in test
    (dry_make.root / ".venv" / ".installed").unlink()  # a fresh set-up
    fresh = dry_make("notebooks")
    assert ".venv/bin/python -m coursetools.notebooks kernel\n" in fresh
