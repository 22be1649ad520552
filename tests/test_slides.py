"""The slides' content, decided from the committed notebooks (coursetools.slides),
and the ``boilerplate`` tag (coursetools.tags). The browser test of the decks
(no slide overflows a 1280x720 screen) is in tests/test_site.py."""

import json
import re

import nbformat
import pytest

from coursetools import slides, tags
from coursetools.notebooks import notebook_paths

NOTEBOOKS = notebook_paths()
#: The notebooks whose boilerplate cells are tagged (01-06: after their rewrite,
#: with `python -m coursetools.tags suggest`).
TAGGED = NOTEBOOKS


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS], scope="module")
def lesson(request):
    nb = nbformat.read(request.param, as_version=4)
    shown, count = slides.deck(nb)
    return nb, shown, count


def _slide_cells(shown):
    return [c for c in shown.cells if c.metadata.slideshow["slide_type"] != "notes"]


def _notes(shown) -> str:
    return "\n".join(
        c.source for c in shown.cells if c.metadata.slideshow["slide_type"] == "notes"
    )


def test_every_cell_has_slide_metadata_and_the_count_is_right(lesson):
    _, shown, count = lesson
    kinds = [c.metadata.slideshow["slide_type"] for c in shown.cells]
    assert set(kinds) <= {"slide", "-", "notes"}
    assert kinds.count("slide") == count
    assert kinds[0] == "slide"
    assert shown.cells[0].source.startswith("# ")


def test_boilerplate_code_is_left_out_and_its_outputs_kept(lesson):
    nb, shown, _ = lesson
    sources = "\n".join(c.source for c in shown.cells if c.cell_type == "code")
    for cell in nb.cells:
        if tags.BOILERPLATE in cell.metadata.get("tags", []):
            assert cell.source.strip() not in sources
    figures = sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    shown_figures = [
        c for c in shown.cells if slides.FIGURE_TAG in c.metadata.get("tags", [])
    ]
    assert len(shown_figures) == figures
    for cell in shown_figures:  # a figure alone, without code
        assert cell.metadata.transient == {"remove_source": True}
        assert len(cell.outputs) == 1


def test_the_prose_is_in_the_notes_not_on_the_slides(lesson):
    nb, shown, _ = lesson
    notes = _notes(shown)
    on_slides = "\n".join(
        c.source for c in _slide_cells(shown) if c.cell_type == "markdown"
    )
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for _level, heading, body in slides._segments(cell.source):
            section = heading.lstrip("#").strip()
            _, prose = slides._lists_and_prose(body)
            if section not in slides.LIST_SECTIONS:
                prose = body
            for paragraph in filter(None, prose.split("\n\n")):
                assert paragraph.strip() in notes, paragraph[:80]
    # on the slides: headings, the book's reference, and the lists of
    # "Wrapping up" and "Exercises"
    for line in on_slides.splitlines():
        assert (
            not line.strip()
            or line.startswith("#")
            or line.startswith("*Deep Learning with Python*")
            or re.match(r"^(\s*([-*]|\d+\.) |\s+\S)", line)
        ), line


def test_long_outputs_keep_their_first_and_last_lines(lesson):
    _, shown, _ = lesson
    for cell in shown.cells:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            if output.output_type == "stream" or "text/html" not in output.get(
                "data", {}
            ):
                assert len(text.splitlines()) <= slides.OUTPUT_LINES, text[:200]


def test_a_training_log_is_cut_with_its_last_epoch():
    nb = nbformat.v4.new_notebook()
    log = "".join(f"Epoch {i}/30\nloss: {i}\n" for i in range(1, 31))
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T\n\nA description."),
        nbformat.v4.new_markdown_cell("## Training\n\nWhy we train."),
        nbformat.v4.new_code_cell(
            "model.fit(x, y)",
            outputs=[nbformat.v4.new_output("stream", name="stdout", text=log)],
        ),
        nbformat.v4.new_markdown_cell("It learns."),
    ]
    shown, count = slides.deck(nb)
    assert count == 2
    (fit,) = [c for c in shown.cells if c.cell_type == "code"]
    text = fit.outputs[0].text
    assert text.startswith("Epoch 1/30") and text.endswith("loss: 30")
    assert "lines not shown" in text
    notes = [
        c.source for c in shown.cells if c.metadata.slideshow.slide_type == "notes"
    ]
    assert notes == ["A description.", "Why we train.\n\nIt learns."]


def test_a_long_cell_continues_under_its_heading():
    nb = nbformat.v4.new_notebook()
    code = "\n\n".join(f"def f{i}():\n    return {i}" for i in range(40))
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_markdown_cell("## Many functions"),
        nbformat.v4.new_code_cell(code),
    ]
    shown, count = slides.deck(nb)
    assert count >= 4
    headings = [
        c.source for c in shown.cells if c.metadata.slideshow.slide_type == "slide"
    ]
    assert headings[1:] == ["## Many functions"] * (count - 1)
    parts = [c.source for c in shown.cells if c.cell_type == "code"]
    assert "\n\n".join(parts) == code  # cut at blank lines, nothing lost


def test_presenting_minutes():
    assert slides.presenting_minutes(1) == 5
    assert slides.presenting_minutes(20) == 30
    assert slides.presenting_minutes(21) == 35


# -- the boilerplate tag ------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "import keras\n\nimport helpers\n\nrun = helpers.setup('x', quick=quick)\nrun",
            "boilerplate",
        ),
        (
            "fig, ax = plt.subplots()\nax.plot(x, y)\nhelpers.save_fig('a')\nplt.show()",
            "boilerplate",
        ),
        ("helpers.plot_history(history)\nplt.show()", "boilerplate"),
        ("keras.utils.set_random_seed(1)", "boilerplate"),
        ("print(helpers.summary())", "boilerplate"),
        (
            "y = model.predict(x)\nfig, ax = plt.subplots()\nax.plot(y)\nplt.show()",
            "check",
        ),
        ("model = keras.Sequential([keras.layers.GRU(32)])\nmodel.summary()", None),
        ("run", None),
    ],
)
def test_classify(source, expected):
    assert tags.classify(source) == expected


def test_the_parameters_cell_is_boilerplate():
    assert tags.classify("quick = False", ["parameters"]) == "boilerplate"


def test_apply_changes_only_the_tags(tmp_path):
    path = tmp_path / "01_t.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("plt.show()", execution_count=1),
    ]
    nbformat.write(nb, path)
    before = json.loads(path.read_text("utf-8"))
    assert tags.apply(path, [1]) == [1]
    assert tags.apply(path, [1]) == []  # once
    after = json.loads(path.read_text("utf-8"))
    assert after["cells"][1]["metadata"]["tags"] == ["boilerplate"]
    after["cells"][1]["metadata"].pop("tags")
    assert after == before
    assert path.read_text("utf-8").endswith("}\n")
    with pytest.raises(SystemExit):
        tags.apply(path, [0])


@pytest.mark.parametrize("path", TAGGED, ids=[p.stem for p in TAGGED])
def test_parameters_and_setup_cells_are_tagged_boilerplate(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert tags.BOILERPLATE in code[0].metadata.get("tags", [])  # parameters
    assert tags.BOILERPLATE in code[1].metadata.get("tags", [])  # setup
    for cell in nb.cells:
        if tags.BOILERPLATE in cell.metadata.get("tags", []):
            assert cell.cell_type == "code"
