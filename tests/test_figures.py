"""Every figure of the smoke run matches its committed baseline image.

`make test` executes the notebooks in the smoke profile (with nbval) in the same
pytest session, before these tests, and passes ``--figures`` and
``--notebooks="$(NB)"``: only the notebooks run in this session are checked
(all of them when ``--notebooks`` is empty). To accept new or changed figures,
run `make baselines` and review the images before committing.

The baselines are TensorFlow's. Under JAX or PyTorch (`make test-backends`)
every figure must still be made and have a baseline, but its pixels are not
compared (`coursetools.notebooks.uncompared_reason` says why).
"""

import shutil
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from coursetools.notebooks import (
    BASELINE_DIR,
    figures_in,
    notebook_of,
    notebook_paths,
    uncompared_reason,
)
from helpers.plotting import UNCOMPARED
from helpers.runs import build_dir, keras_backend

# RMS difference allowed, on the 0-255 scale. Re-running the smoke profile on the
# same kind of machine gives identical images (rms 0); a moved curve, a changed
# label or a different number of bars is far above this.
TOLERANCE = 2.0

BASELINES = figures_in(BASELINE_DIR)
pytestmark = pytest.mark.figures


def selected(config) -> set[str]:
    """The notebooks run in this session: ``--notebooks`` (empty: all)."""
    return {p.stem for p in notebook_paths(config.getoption("--notebooks").split())}


def pytest_generate_tests(metafunc):
    if "baseline" in metafunc.fixturenames:
        chosen = selected(metafunc.config)
        baselines = [b for b in BASELINES if notebook_of(b.parent.name) in chosen]
        metafunc.parametrize(
            "baseline", baselines, ids=[f"{p.parent.name}/{p.name}" for p in baselines]
        )


@pytest.fixture(autouse=True)
def _only_after_a_smoke_run(request):
    if not request.config.getoption("--figures"):
        pytest.skip("figure checks run after the smoke notebooks: use `make test`")


def produced(baseline: Path) -> Path:
    return build_dir() / "smoke" / "figures" / baseline.parent.name / baseline.name


def uncompared(folder: Path) -> set[str]:
    """Figures saved with ``save_fig(..., compare=False)``: wall times and the like."""
    listed = folder / UNCOMPARED
    return set(listed.read_text().split()) if listed.exists() else set()


def test_figure_matches_baseline(baseline):
    actual = produced(baseline)
    assert actual.exists(), (
        f"The smoke run did not save {actual.name} for {baseline.parent.name}. "
        "If the figure was removed on purpose, run `make baselines`."
    )
    if baseline.name in uncompared(actual.parent):
        return  # made, as checked above; its content varies from run to run
    reason = uncompared_reason(keras_backend())
    if reason:
        pytest.skip(reason)  # made, as checked above
    # matplotlib writes its diff image beside the image it compares: compare a
    # copy, so that the diff lands in figure-diffs/, not among the figures.
    copy = build_dir() / "smoke" / "figure-diffs" / baseline.parent.name / actual.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(actual, copy)
    diff = compare_images(str(baseline), str(copy), tol=TOLERANCE)
    assert diff is None, f"{diff}\nIf the change is intended, run `make baselines`."


def test_every_notebook_figure_has_a_baseline(request):
    figures = build_dir() / "smoke" / "figures"
    chosen = selected(request.config)
    made = {p.relative_to(figures) for p in figures_in(figures, chosen)}
    known = {p.relative_to(BASELINE_DIR) for p in BASELINES}
    if not made and not any(notebook_of(b.parent.name) in chosen for b in BASELINES):
        pytest.skip(f"the notebooks run ({sorted(chosen)}) save no figures")
    assert made, f"No figures in {figures}: did the smoke notebooks run?"
    assert not made - known, (
        f"Figures without a baseline (run `make baselines`): {sorted(made - known)}"
    )


def test_every_notebook_with_figures_was_executed(request):
    figures = build_dir() / "smoke" / "figures"
    expected = {p.parent.name for p in BASELINES}
    ran = {p.stem for p in notebook_paths()}
    assert {notebook_of(n) for n in expected} <= ran, (
        f"Baselines for notebooks that no longer exist: {sorted(expected - ran)}"
    )
    chosen = selected(request.config)
    missing = sorted(
        n for n in expected if notebook_of(n) in chosen and not (figures / n).is_dir()
    )
    assert not missing, f"These notebooks saved no figures in this run: {missing}"
