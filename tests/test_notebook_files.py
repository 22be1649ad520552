"""The committed notebooks follow the course's conventions and carry full-run outputs."""

import re

import nbformat
import pytest

from coursetools.notebooks import notebook_paths
from helpers.runs import settings_for

NOTEBOOKS = notebook_paths()


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


def test_first_code_cell_is_the_papermill_parameters_cell(notebook):
    _, nb = notebook
    first = code_cells(nb)[0]
    assert "parameters" in first.metadata.get("tags", [])
    assert re.search(r"^quick = False\b", first.source, re.M)


def test_setup_cell_names_its_own_notebook(notebook):
    path, nb = notebook
    setup = code_cells(nb)[1].source
    # the forecasting lessons also pass their series parameter: series=series
    assert re.search(
        rf'helpers\.setup\("{path.stem}", quick=quick(, series=series)?\)', setup
    )


def test_lesson_structure(notebook):
    _, nb = notebook
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert markdown.lstrip().startswith("# "), "starts with a title"
    for heading in ("## Wrapping up", "## Exercises", "## Solutions"):
        assert heading in markdown


def test_committed_with_the_outputs_of_a_full_run(notebook):
    path, nb = notebook
    assert not any(
        "injected-parameters" in c.metadata.get("tags", []) for c in nb.cells
    ), "commit the full run (make notebooks), not a smoke run"
    for cell in code_cells(nb):
        assert cell.execution_count is not None, (
            f"unexecuted cell: {cell.source[:60]!r}"
        )
        for output in cell.outputs:
            assert output.output_type != "error", f"error in: {cell.source[:60]!r}"
    setup_output = "".join(
        o.get("data", {}).get("text/plain", "") for o in code_cells(nb)[1].outputs
    )
    # the setup cell prints the run's settings, "name = value": the full profile's
    full = vars(settings_for(path.stem, "full"))
    printed = dict(
        line.split(" = ", 1)
        for line in setup_output.splitlines()
        if " = " in line and not line.startswith(" ")
    )
    printed = {name.strip(): value for name, value in printed.items()}
    assert printed, "the setup cell prints the settings"
    for name, value in printed.items():
        assert value == repr(full[name]), f"{name} = {value}: not the full profile"


def test_checked_cells_have_outputs(notebook):
    """nbval compares the cells tagged ``nbval-check-output`` (issue #13: a tag,
    not a comment in the code students read)."""
    _, nb = notebook
    checked = [
        c for c in code_cells(nb) if "nbval-check-output" in c.metadata.get("tags", [])
    ]
    assert checked, "tag cells with deterministic outputs nbval-check-output"
    for cell in code_cells(nb):
        assert "NBVAL_" not in cell.source, (
            f"an nbval comment marker in the code; use the cell tag: {cell.source[:60]!r}"
        )
    for cell in checked:
        assert cell.outputs, f"checked cell without output: {cell.source[:60]!r}"


def test_every_shown_figure_is_saved(notebook):
    _, nb = notebook
    for cell in code_cells(nb):
        images = sum("image/png" in o.get("data", {}) for o in cell.outputs)
        saves = cell.source.count("save_fig(")
        assert images <= saves, f"a figure is shown but not saved: {cell.source[:60]!r}"


def test_no_machine_specific_paths_in_metadata(notebook):
    _, nb = notebook
    info = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        assert not str(info.get(key, "")).startswith("/"), (
            f"{key} is absolute: run it with `make notebooks` (coursetools.notebooks)"
        )


FORECASTING = [
    pytest.param(p, id=p.stem)
    for p in NOTEBOOKS
    if p.stem[:2] in {"09", "10", "11", "12", "13", "14"}
]


@pytest.mark.parametrize("path", FORECASTING)
def test_forecasting_lessons_ran_on_the_complete_beijing_record(path):
    """Issue #12: no committed output of 09-14 comes from the 4,000-row Jena slice."""
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for cell in code_cells(nb)
        for o in cell.outputs
    )
    assert "Beijing weather and PM2.5, hourly, 2010-2014 (UCI)" in text
    assert "the complete official record" in text
    assert "first4000rows" not in text and "4,000 rows x" not in text


def test_notebooks_open_with_the_course_kernel(notebook):
    """Issue #14: a Jupyter started from .venv picks the kernel without C++ logs."""
    _, nb = notebook
    assert nb.metadata["kernelspec"]["name"] == "keras-text-sequences"
    assert nb.metadata["kernelspec"]["display_name"] == "Keras text & sequences"
