"""The project's files install and check the other Keras backends (docs/backends.md)."""

import re
import tomllib

from helpers.data import project_root

ROOT = project_root()


def extras():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return pyproject["project"]["optional-dependencies"]


def test_jax_and_torch_are_extras_and_torch_is_pinned_exactly():
    assert any(spec.startswith("jax") for spec in extras()["jax"])
    # A range that admits a newer release takes PyPI's CUDA build (about 3 GB) on
    # Linux; the exact release is the one the CPU index and CI's wheel provide.
    (torch,) = extras()["torch"]
    assert re.fullmatch(r"torch==\d+\.\d+\.\d+", torch), torch


def ci_make_lines():
    return [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip().startswith("make ")
    ]


def test_ci_runs_the_readme_test_command_first():
    assert ci_make_lines()[0] == "make test"


def test_ci_then_checks_every_backend():
    lines = ci_make_lines()
    assert len(lines) > 1 and lines[1].startswith("make test-backends")


def test_make_test_stays_on_tensorflow_and_test_backends_on_jax_and_torch():
    makefile = (ROOT / "Makefile").read_text()
    assert "test: export KERAS_BACKEND = tensorflow" in makefile
    assert re.search(r"^BACKENDS \?= jax torch$", makefile, re.M)
    assert "--extra-index-url $(TORCH_INDEX)" in makefile
    assert "https://download.pytorch.org/whl/cpu" in makefile


def test_the_docs_say_how_to_install_the_cpu_build_of_torch():
    assert "(docs/backends.md)" in (ROOT / "README.md").read_text()
    page = (ROOT / "docs" / "backends.md").read_text()
    assert page.startswith("# Backends")
    assert "--index-url https://download.pytorch.org/whl/cpu" in page
    assert "pip install -e '.[jax]'" in page
    for command in ("make test-backends", "make benchmark-backends"):
        assert command in page
