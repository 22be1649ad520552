"""The notebook runner: selection, failures that lose nothing, a readable summary.

Papermill is replaced by a fake that writes its output notebook (partly, when the
notebook "fails"), so these tests run no kernel.
"""

import json
import os

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from coursetools import notebooks

NETWORK_CHAIN = (
    "ConnectionError(MaxRetryError(\"HTTPSConnectionPool(host='ai.stanford.edu', "
    "port=443): Max retries exceeded with url: /~amaas/data/sentiment/"
    'aclImdb_v1.tar.gz (Caused by NameResolutionError(...))"))' * 3
)
DATASET_MESSAGE = (
    "Dataset 'imdb' (Large Movie Review Dataset) is not available.\n"
    f"Downloading aclImdb_v1.tar.gz from https://example.org failed: {NETWORK_CHAIN}\n"
    "Looked for: aclImdb, aclImdb_v1.tar.gz\n"
    "or set $COURSE_DATA_MIRROR to a folder that holds one of the files above."
)


def write_notebook(path, source, outputs_marker="committed outputs"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", text=outputs_marker)]
    nb.cells = [nbformat.v4.new_code_cell("quick = False"), cell]
    nbformat.write(nb, path)


def fake_execute_notebook(input_path, output_path, parameters=None, **kwargs):
    """Writes the executed notebook; a cell holding ``raise X`` fails like papermill."""
    nb = nbformat.read(input_path, as_version=4)
    nb.metadata["papermill"] = {"input_path": input_path, "output_path": output_path}
    source = nb.cells[1].source
    if source.startswith("raise"):
        ename = source.split()[1]
        evalue = DATASET_MESSAGE if ename.endswith("Error") else "boom"
        nb.cells[1].outputs = [
            nbformat.v4.new_output(
                "error", ename=ename, evalue=evalue, traceback=["long", "traceback"]
            )
        ]
        nbformat.write(nb, output_path)  # papermill writes the partial notebook
        raise PapermillExecutionError(
            1, 2, source, ename, evalue, ["Traceback (most recent call last)", "..."]
        )
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="fresh outputs")]
    nbformat.write(nb, output_path)
    return nb


@pytest.fixture
def course(tmp_path, monkeypatch):
    """Three fake notebooks; 02 fails with a dataset error."""
    import papermill

    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "01_first.ipynb", "print('one')")
    write_notebook(folder / "02_broken.ipynb", "raise DatasetUnavailableError")
    write_notebook(folder / "03_third.ipynb", "print('three')")
    monkeypatch.setattr(notebooks, "NOTEBOOK_DIR", folder)
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setattr(papermill, "execute_notebook", fake_execute_notebook)
    # installing the kernel is tested in test_kernel.py
    monkeypatch.setattr(notebooks, "ensure_kernel", lambda: notebooks.KERNEL_NAME)
    return folder


def outputs_of(path):
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for o in nb.cells[1].outputs)


def test_a_failed_notebook_keeps_its_committed_outputs(course, tmp_path):
    outcomes = notebooks.run("full")
    assert [(o.name, o.ok) for o in outcomes] == [
        ("01_first", True),
        ("02_broken", False),
        ("03_third", True),  # the run went on after the failure
    ]
    assert outputs_of(course / "02_broken.ipynb") == "committed outputs"
    assert outputs_of(course / "01_first.ipynb") == "fresh outputs"
    assert outputs_of(course / "03_third.ipynb") == "fresh outputs"
    kept = tmp_path / "build" / "full" / "failed" / "02_broken.ipynb"
    assert outcomes[1].kept == kept
    error = nbformat.read(kept, as_version=4).cells[1].outputs[0]
    assert error.ename == "DatasetUnavailableError"
    assert not list((tmp_path / "build" / "full" / "running").iterdir())
    # the committed notebook records where it belongs, not the temporary file
    info = nbformat.read(course / "01_first.ipynb", as_version=4).metadata.papermill
    assert info["output_path"] == "notebooks/01_first.ipynb"


def test_results_are_those_of_the_last_good_run_only(course, tmp_path):
    results = tmp_path / "build" / "full" / "results"
    results.mkdir(parents=True)
    for name in ("01_first", "02_broken"):
        (results / f"{name}.json").write_text('[{"name": "old_name"}]')
    notebooks.run("full")
    # 01 succeeded (the fake records nothing): the old entries are gone
    assert not (results / "01_first.json").exists()
    # 02 failed: its earlier results are back, untouched
    assert (results / "02_broken.json").read_text() == '[{"name": "old_name"}]'
    assert not list(results.glob("*.earlier.json"))


def test_a_full_run_keeps_its_results_beside_the_committed_notebook(
    course, tmp_path, monkeypatch
):
    results = tmp_path / "build" / "full" / "results"
    committed = course / "results"
    committed.mkdir()
    (committed / "02_broken.json").write_text("[committed 02]")
    (committed / "03_third.json").write_text("[stale 03]")

    def execute(input_path, output_path, parameters=None, **kwargs):
        name = os.path.basename(input_path).removesuffix(".ipynb")
        if name != "03_third":  # 03 records nothing this time
            results.mkdir(parents=True, exist_ok=True)
            data = [{"file": "x.csv", "path": "/home/me/x.csv", "official": True}]
            (results / f"{name}.json").write_text(
                json.dumps([{"name": f"fresh {name}", "data": data}])
            )
        return fake_execute_notebook(input_path, output_path, parameters, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    notebooks.run("full")
    fresh = [{"name": "fresh 01_first", "data": [{"file": "x.csv", "official": True}]}]
    assert json.loads((committed / "01_first.json").read_text()) == fresh  # no path
    assert (committed / "02_broken.json").read_text() == "[committed 02]"  # failed
    assert not (committed / "03_third.json").exists()  # its run recorded nothing
    notebooks.run("smoke", ["01"])  # a smoke run never touches them
    assert sorted(p.name for p in committed.iterdir()) == [
        "01_first.json",
        "02_broken.json",
    ]
    assert json.loads((committed / "01_first.json").read_text()) == fresh


def test_a_full_run_into_a_folder_leaves_the_committed_files_alone(
    course, tmp_path, monkeypatch
):
    """`make reproduce`: a full run whose notebooks go to another folder."""
    results = tmp_path / "build" / "full" / "results"
    committed = course / "results"
    committed.mkdir()
    (committed / "01_first.json").write_text("[committed 01]")

    def execute(input_path, output_path, parameters=None, **kwargs):
        results.mkdir(parents=True, exist_ok=True)
        (results / "01_first.json").write_text('[{"name": "fresh", "data": []}]')
        return fake_execute_notebook(input_path, output_path, parameters, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    before = {p.name: p.read_bytes() for p in course.glob("*.ipynb")}
    into = tmp_path / "build" / "reproduce"
    (outcome,) = notebooks.run("full", ["01"], into=into)
    assert outcome.ok
    assert outputs_of(into / "01_first.ipynb") == "fresh outputs"
    assert {p.name: p.read_bytes() for p in course.glob("*.ipynb")} == before
    assert (committed / "01_first.json").read_text() == "[committed 01]"
    assert json.loads((results / "01_first.json").read_text())[0]["name"] == "fresh"


def test_notebooks_run_in_the_course_kernel_with_quiet_tensorflow(course, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)  # a bare shell
    calls = []

    def execute(input_path, output_path, **kwargs):
        calls.append((kwargs["kernel_name"], os.environ.get("TF_CPP_MIN_LOG_LEVEL")))
        return fake_execute_notebook(input_path, output_path, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    notebooks.run("smoke", ["01"])
    assert calls == [("keras-text-sequences", "3")]


def test_smoke_run_writes_copies_and_a_later_success_clears_the_failure(
    course, tmp_path
):
    build = tmp_path / "build" / "smoke"
    notebooks.run("smoke", ["2"])
    assert (build / "failed" / "02_broken.ipynb").exists()
    assert not (build / "notebooks" / "02_broken.ipynb").exists()
    write_notebook(course / "02_broken.ipynb", "print('fixed')")
    (outcome,) = notebooks.run("smoke", ["02"])
    assert outcome.ok and not (build / "failed" / "02_broken.ipynb").exists()
    assert outputs_of(build / "notebooks" / "02_broken.ipynb") == "fresh outputs"
    assert outputs_of(course / "02_broken.ipynb") == "committed outputs"


def test_the_reason_is_the_dataset_message_without_traceback(course):
    (outcome,) = notebooks.run("smoke", ["02"])
    assert outcome.error.startswith("Dataset 'imdb' (Large Movie Review Dataset)")
    assert "COURSE_DATA_MIRROR" in outcome.error
    assert "Traceback" not in outcome.error and "long" not in outcome.error
    lines = outcome.error.splitlines()
    assert len(lines) == 4  # the network chain stays on one (shortened) line
    assert all(len(line) <= 220 for line in lines)


def test_other_errors_give_name_and_first_line():
    err = PapermillExecutionError(
        3, 7, "x", "ZeroDivisionError", "division by zero", ["Traceback", "..."]
    )
    assert notebooks.failure_reason(err) == (
        "ZeroDivisionError: division by zero [in cell 7]"
    )
    assert notebooks.failure_reason(RuntimeError("Kernel died\nmore")) == (
        "RuntimeError: Kernel died"
    )


def test_main_summarizes_this_run_only_and_exits_non_zero(course, tmp_path, capsys):
    timings = tmp_path / "build" / "smoke" / "timings.json"
    timings.parent.mkdir(parents=True)
    timings.write_text(json.dumps({"07_old": 1000.0, "01_first": 500.0}))
    with pytest.raises(SystemExit) as exit_:
        notebooks.main(["run", "--profile", "smoke", "01", "02"])
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    summary = out[out.index("Summary (smoke):") :]
    assert "01_first" in summary and "02_broken" in summary
    assert "03_third" not in summary and "07_old" not in summary
    assert "Executed 2 notebooks (smoke): 0 s in all; 1 failed: 02_broken" in summary
    assert "Dataset 'imdb'" in summary and "failed/02_broken.ipynb" in summary
    recorded = json.loads(timings.read_text())
    assert recorded["07_old"] == 1000.0 and recorded["01_first"] < 500  # a record
    assert "02_broken" not in recorded


def test_main_succeeds_quietly_when_all_ran(course, capsys):
    notebooks.main(["run", "--profile", "smoke", "1", "3"])
    assert "Executed 2 notebooks (smoke)" in capsys.readouterr().out


# -- selection ------------------------------------------------------------------
@pytest.mark.parametrize(
    "names, expected",
    [
        (["1"], ["01_one_hot_encoding"]),
        (["01"], ["01_one_hot_encoding"]),
        (["01_one_hot_encoding"], ["01_one_hot_encoding"]),
        (["notebooks/01_one_hot_encoding.ipynb"], ["01_one_hot_encoding"]),
        (["16", "1"], ["01_one_hot_encoding", "16_masking_and_language_model"]),
        (["1,2"], ["01_one_hot_encoding", "02_hashing_trick"]),
    ],
)
def test_selection_matches_whole_numbers_and_names(names, expected):
    assert [p.stem for p in notebooks.notebook_paths(names)] == expected


@pytest.mark.parametrize("names", [["18"], ["0"], ["one_hot"], ["01", "x"], ["01_one"]])
def test_a_name_that_matches_nothing_is_refused(names):
    with pytest.raises(SystemExit, match=r"No notebook matches .*01 02 03"):
        notebooks.notebook_paths(names)


def test_unknown_names_are_refused_before_anything_runs(course, tmp_path):
    with pytest.raises(SystemExit, match="'9'"):
        notebooks.run("smoke", ["1", "9"])
    assert not (tmp_path / "build" / "smoke" / "notebooks").exists()


# -- figures ----------------------------------------------------------------------
def test_comparison_artifacts_are_not_figures(tmp_path):
    folder = tmp_path / "figures" / "01_first"
    folder.mkdir(parents=True)
    for name in ("curves.png", "curves-failed-diff.png", "bars-expected.png", "x.txt"):
        (folder / name).write_bytes(b"")
    (tmp_path / "figures" / "02_b").mkdir()
    (tmp_path / "figures" / "02_b" / "other.png").write_bytes(b"")
    assert [p.name for p in notebooks.figures_in(tmp_path / "figures")] == [
        "curves.png",
        "other.png",
    ]
    assert notebooks.figures_in(tmp_path / "figures", {"02_b"}) == [
        tmp_path / "figures" / "02_b" / "other.png"
    ]
    assert notebooks.figures_in(tmp_path / "nowhere") == []


def test_update_baselines_copies_no_comparison_artifacts(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setattr(notebooks, "BASELINE_DIR", tmp_path / "baselines")
    smoke = tmp_path / "build" / "smoke" / "figures" / "01_one_hot_encoding"
    smoke.mkdir(parents=True)
    (smoke / "a.png").write_bytes(b"a")
    (smoke / "a-failed-diff.png").write_bytes(b"diff")
    copied = notebooks.update_baselines(["1"])
    assert [p.name for p in copied] == ["a.png"]


def figure_tests_of_notebook_01(env: dict):
    """Run tests/test_figures.py for notebook 01 in a fresh pytest, with ``env`` added."""
    import os
    import subprocess
    import sys

    from helpers.data import project_root

    command = [sys.executable, "-m", "pytest", "tests/test_figures.py", "-q"]
    command += ["-p", "no:cacheprovider", "--figures", "--notebooks=1"]
    return subprocess.run(
        command,
        cwd=project_root(),
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_figure_checks_consider_only_the_notebooks_run(tmp_path):
    """`make test NB=01`: other notebooks' baselines are not reported missing,
    leftovers of matplotlib are not figures, and a diff goes to figure-diffs/."""
    import shutil

    from PIL import Image, ImageOps

    name = "01_one_hot_encoding"
    produced = tmp_path / "smoke" / "figures" / name
    shutil.copytree(notebooks.BASELINE_DIR / name, produced)
    (produced / "word_one_hot-failed-diff.png").write_bytes(b"left by a failure")
    env = {"COURSE_BUILD_DIR": str(tmp_path)}

    def pytest_run():
        return figure_tests_of_notebook_01(env)

    result = pytest_run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout

    changed = produced / "words_per_review.png"
    ImageOps.invert(Image.open(changed).convert("RGB")).save(changed)
    result = pytest_run()
    assert "1 failed, 3 passed" in result.stdout, result.stdout + result.stderr
    diffs = tmp_path / "smoke" / "figure-diffs" / name
    assert (diffs / "words_per_review-failed-diff.png").exists()
    assert not (produced / "words_per_review-failed-diff.png").exists()


def test_figures_are_compared_under_tensorflow_only():
    assert notebooks.uncompared_reason("tensorflow") is None
    for backend in ("jax", "torch"):
        reason = notebooks.uncompared_reason(backend)
        assert "tensorflow only" in reason and backend in reason


def test_figure_checks_under_another_backend_skip_the_pixels(tmp_path):
    """Under another backend (`make test-backends`), a figure that differs from
    its TensorFlow baseline is skipped, not failed; a missing one still fails.
    Keras' NumPy backend stands in for JAX and PyTorch: it needs no install."""
    import shutil

    from PIL import Image, ImageOps

    name = "01_one_hot_encoding"
    produced = tmp_path / "backend-numpy" / "smoke" / "figures" / name
    shutil.copytree(notebooks.BASELINE_DIR / name, produced)
    changed = produced / "words_per_review.png"
    ImageOps.invert(Image.open(changed).convert("RGB")).save(changed)
    env = {"COURSE_BUILD_DIR": str(tmp_path), "KERAS_BACKEND": "numpy"}

    def pytest_run():
        return figure_tests_of_notebook_01(env)

    result = pytest_run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 2 skipped" in result.stdout, result.stdout
    assert "compared with the baselines under tensorflow only" in result.stdout
    assert not (tmp_path / "backend-numpy" / "smoke" / "figure-diffs").exists()

    (produced / "word_one_hot.png").unlink()
    result = pytest_run()
    assert "1 failed, 2 passed, 1 skipped" in result.stdout, result.stdout


# -- the student edition ------------------------------------------------------------
def solution_sources(nb):
    """The code cells after the '## Solutions' heading, by the lesson structure."""
    at = next(i for i, c in enumerate(nb.cells) if "## Solutions" in c.source)
    return [c.source for c in nb.cells[at + 1 :] if c.cell_type == "code"]


def test_student_edition_has_no_solutions_and_keeps_everything_else(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    written = notebooks.student_edition()
    assert [p.name for p in written] == [p.name for p in notebooks.notebook_paths()]
    for path, source in zip(written, notebooks.notebook_paths(), strict=True):
        committed = nbformat.read(source, as_version=4)
        student = nbformat.read(path, as_version=4)
        solutions = solution_sources(committed)
        assert solutions, f"{source.name} has no solution cells to remove"
        codes = [c.source for c in student.cells if c.cell_type == "code"]
        assert not set(solutions) & set(codes)
        assert (
            codes
            == [c.source for c in committed.cells if c.cell_type == "code"][
                : -len(solutions)
            ]
        )
        markdown = [c.source for c in student.cells if c.cell_type == "markdown"]
        at = next(
            i
            for i, c in enumerate(committed.cells)
            if c.cell_type == "markdown" and "## Solutions" in c.source
        )
        expected = [c.source for c in committed.cells[:at] if c.cell_type == "markdown"]
        exercises = committed.cells[at].source.split("## Solutions")[0].rstrip()
        # the interpretations of the solutions are answers too: all left out
        assert markdown == expected + ([exercises] if exercises else [])
        assert "## Exercises" in markdown[-1] and "## Solutions" not in markdown[-1]
        assert all(
            c.outputs == [] and c.execution_count is None
            for c in student.cells
            if c.cell_type == "code"
        )
        assert any("parameters" in c.metadata.get("tags", []) for c in student.cells)
        assert "papermill" not in student.metadata
        # boilerplate: kept (it runs), its code collapsed; nothing else collapsed
        for cell in student.cells:
            hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
            assert hidden == ("boilerplate" in cell.metadata.get("tags", []))


def test_student_edition_keeps_cells_after_a_later_section(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("x = 1", execution_count=1),
        nbformat.v4.new_markdown_cell("## Solutions"),
        nbformat.v4.new_code_cell("answer = 42"),
        nbformat.v4.new_markdown_cell("A word on the answer (an answer too)."),
        nbformat.v4.new_code_cell("answer += 1"),
        nbformat.v4.new_markdown_cell("## Further reading"),
        nbformat.v4.new_code_cell("print('kept')"),
    ]
    nbformat.write(nb, folder / "01_t.ipynb")
    monkeypatch.setattr(notebooks, "NOTEBOOK_DIR", folder)
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    (path,) = notebooks.student_edition(["1"])
    cells = nbformat.read(path, as_version=4).cells
    assert [c.source for c in cells] == [
        "# T",
        "x = 1",
        "## Further reading",
        "print('kept')",
    ]


def test_the_student_edition_runs_in_the_smoke_profile(
    tmp_path, monkeypatch, real_imdb
):
    """Issue #14: the edition students get must run, not only look right."""

    import papermill

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    (path,) = notebooks.student_edition(["02"])
    out = tmp_path / "executed.ipynb"
    papermill.execute_notebook(
        str(path),
        str(out),
        parameters={"quick": True},
        kernel_name=notebooks.ensure_kernel(),
        cwd=str(notebooks.NOTEBOOK_DIR),
        progress_bar=False,
    )
    executed = nbformat.read(out, as_version=4)
    codes = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in codes)
    assert not any(o.output_type == "error" for c in codes for o in c.outputs)
