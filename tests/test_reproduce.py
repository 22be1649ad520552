"""`make reproduce`: the comparison of a run's numbers with the committed ones,
and its report, on small files the tests write (no notebook is executed)."""

from __future__ import annotations

import json
import math

import nbformat
import pytest

from coursetools import notebooks, reproduce

#: A 1x1 PNG.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)


def entry(name, value, values=None, unit=""):
    return {"name": name, "value": value, "unit": unit, "values": values}


def one(committed, fresh):
    (row,) = reproduce.compare([committed], [fresh])
    return row


def test_a_mean_over_seeds_is_judged_by_the_seed_spread():
    committed = entry("gru_mae", 0.21, [0.20, 0.21, 0.22])  # std 0.01
    tol = 3 * 0.01 * math.sqrt(2 / 3)  # two means of 3 seeds: 3 sigmas
    inside = one(committed, entry("gru_mae", 0.21 + 0.9 * tol, [0.22, 0.23, 0.24]))
    assert inside.tolerance == pytest.approx(tol)
    assert inside.agree is True and "3 seeds" in inside.why
    outside = one(committed, entry("gru_mae", 0.21 + 1.1 * tol, [0.23, 0.24, 0.25]))
    assert outside.agree is False
    assert outside.verdict == "DIFFER"


def test_the_spread_of_both_runs_is_pooled():
    committed = entry("acc", 0.8, [0.79, 0.80, 0.81])  # std 0.01
    fresh = entry("acc", 0.8, [0.77, 0.80, 0.83])  # std 0.03
    pooled = math.sqrt((0.01**2 + 0.03**2) / 2)
    assert one(committed, fresh).tolerance == pytest.approx(
        3 * pooled * math.sqrt(2 / 3)
    )


def test_seeds_that_agree_closely_get_the_floor():
    committed = entry("acc", 0.5, [0.5, 0.5001, 0.4999])
    row = one(committed, entry("acc", 0.504, [0.504, 0.504, 0.504]))
    assert row.tolerance == pytest.approx(0.005)  # 1% of the value
    assert row.agree is True
    assert one(committed, entry("acc", 0.506)).agree is False


def test_a_single_run_gets_the_default_relative_tolerance():
    committed = entry("convnet_mae", 0.30)
    assert one(committed, entry("convnet_mae", 0.314)).agree is True
    row = one(committed, entry("convnet_mae", 0.316))
    assert row.tolerance == pytest.approx(0.015)
    assert row.agree is False
    assert "5% of the value" in row.why


def test_wall_times_and_spreads_are_shown_not_judged():
    for committed, fresh in [
        (entry("seconds_per_epoch", 179.0, unit="s"), entry("seconds_per_epoch", 1.0)),
        (entry("epoch_seconds_ratio", 0.7), entry("epoch_seconds_ratio", 2.0)),
        (entry("gru_mae_std", 0.001), entry("gru_mae_std", 0.01)),
    ]:
        row = one(committed, fresh)
        assert row.agree is None and row.tolerance is None
        assert row.verdict.startswith("not judged")


def test_missing_new_and_exact_numbers():
    rows = reproduce.compare(
        [entry("gone", 1.0), entry("epochs", 6), entry("label", "a")],
        [entry("epochs", 6), entry("label", "b"), entry("added", 2.0)],
    )
    verdicts = {r.name: r.verdict for r in rows}
    assert list(verdicts) == ["gone", "epochs", "label", "added"]
    assert verdicts["gone"] == "MISSING from this run"
    assert verdicts["epochs"] == "agree"
    assert verdicts["label"] == "DIFFER"
    assert verdicts["added"].startswith("new")
    text = reproduce.table(rows)
    assert text.splitlines()[0].split()[:3] == ["quantity", "committed", "this"]
    assert "MISSING" in text


@pytest.fixture
def course(tmp_path, monkeypatch):
    """Two committed notebooks with figures; committed results for 08 only."""
    folder = tmp_path / "notebooks"
    (folder / "results").mkdir(parents=True)
    for stem in ("01_text", "08_series"):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell('helpers.save_fig("curve")\nplt.show()')
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG})]
        nb.cells = [nbformat.v4.new_code_cell("quick = False"), cell]
        nbformat.write(nb, folder / f"{stem}.ipynb")
    committed = [
        entry("val_mae", 0.21, [0.20, 0.21, 0.22]),
        entry("test_mae", 0.30),
        entry("epoch_seconds", 10.0, unit="s"),
    ]
    (folder / "results" / "08_series.json").write_text(json.dumps(committed))
    monkeypatch.setattr(notebooks, "NOTEBOOK_DIR", folder)
    monkeypatch.setattr(reproduce, "COMMITTED_RESULTS_DIR", folder / "results")
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    return folder


def fake_run(fresh_08):
    """Stands in for `notebooks.run`: writes what a full run into ``into`` would."""
    calls = []

    def run(profile, names, into=None):
        from helpers.runs import build_dir

        calls.append((profile, list(names), into))
        results = build_dir() / "full" / "results"
        results.mkdir(parents=True, exist_ok=True)
        outcomes = []
        for path in notebooks.notebook_paths(names):
            nb = nbformat.read(path, as_version=4)
            into.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, into / path.name)
            records = fresh_08 if path.stem == "08_series" else [entry("density", 0.1)]
            (results / f"{path.stem}.json").write_text(json.dumps(records))
            outcomes.append(notebooks.Outcome(path.stem, 1.0))
        return outcomes

    run.calls = calls
    return run


def test_reproduce_runs_into_build_and_compares(course, tmp_path, monkeypatch, capsys):
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}
    fresh = [
        entry("val_mae", 0.212, [0.205, 0.212, 0.219]),
        entry("test_mae", 0.305),
        entry("epoch_seconds", 3.0, unit="s"),
    ]
    run = fake_run(fresh)
    monkeypatch.setattr(notebooks, "run", run)
    assert reproduce.main(["1", "08"]) == 0
    root = tmp_path / "build" / "reproduce"
    assert run.calls == [("full", ["1", "08"], root / "notebooks")]
    # nothing in notebooks/ changed: neither the notebooks nor their results
    assert {p: p.read_bytes() for p in course.rglob("*") if p.is_file()} == before
    out = capsys.readouterr().out
    assert "No committed results for 01_text" in out
    assert "2 of 2 judged numbers agree" in out
    assert "not judged (a wall time" in out
    page = (root / "report.html").read_text()
    assert page.count(f"data:image/png;base64,{PNG}") == 4  # 2 notebooks x 2 runs
    assert "<h2>08_series</h2>" in page and "curve" in page


def test_a_number_outside_its_tolerance_fails_the_command(course, monkeypatch, capsys):
    fresh = [entry("val_mae", 0.30, [0.29, 0.30, 0.31]), entry("test_mae", 0.30)]
    monkeypatch.setattr(notebooks, "run", fake_run(fresh))
    assert reproduce.main(["08"]) == 1
    out = capsys.readouterr().out
    assert "DIFFER" in out and "MISSING from this run" in out  # epoch_seconds
    assert "08_series differs from its committed numbers" in out
    # --no-run compares the same run again, without running anything
    monkeypatch.setattr(notebooks, "run", None)
    assert reproduce.main(["--no-run", "08"]) == 1


def test_names_are_required_and_checked(course):
    with pytest.raises(SystemExit, match="make reproduce NB=08"):
        reproduce.main([])
    with pytest.raises(SystemExit, match="No notebook matches"):
        reproduce.main(["99"])


def test_figures_are_paired_by_code_cell(tmp_path):
    def notebook(path, images):
        nb = nbformat.v4.new_notebook()
        cells = []
        for i, count in enumerate(images):
            cell = nbformat.v4.new_code_cell(f'helpers.save_fig("fig{i}")')
            cell.outputs = [
                nbformat.v4.new_output("display_data", data={"image/png": PNG})
            ] * count
            cells.append(cell)
        nb.cells = [nbformat.v4.new_markdown_cell("# x"), *cells]
        nbformat.write(nb, path)
        return path

    old = notebook(tmp_path / "old.ipynb", [1, 0, 1])
    new = notebook(tmp_path / "new.ipynb", [1, 1, 0])
    pairs = reproduce.figure_pairs(old, new)
    assert [(c, len(a), len(b)) for c, a, b in pairs] == [
        ("fig0", 1, 1),
        ("fig1", 0, 1),
        ("fig2", 1, 0),
    ]
    assert [(c, len(b)) for c, _, b in reproduce.figure_pairs(old, None)] == [
        ("fig0", 0),
        ("fig2", 0),
    ]
