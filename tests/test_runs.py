"""Run profiles, seeding, results and figures."""

import json

import numpy as np
import pytest

from helpers import plotting, reporting, runs
from helpers.notebooks import notebook_paths


def test_every_notebook_has_full_and_smoke_settings():
    profiles = runs.load_profiles()
    for path in notebook_paths():
        assert path.stem in profiles, f"helpers/profiles.toml lacks [{path.stem}.full]"
        full = runs.settings_for(path.stem, "full")
        smoke = runs.settings_for(path.stem, "smoke")
        assert vars(full).keys() == vars(smoke).keys()


def test_smoke_overrides_only_known_settings(monkeypatch):
    monkeypatch.setattr(
        runs,
        "load_profiles",
        lambda: {"x": {"full": {"epochs": 10}, "smoke": {"epoch": 1}}},
    )
    with pytest.raises(KeyError, match="epoch"):
        runs.settings_for("x", "smoke")


def test_settings_merge_and_unknown_profile(monkeypatch):
    monkeypatch.setattr(
        runs,
        "load_profiles",
        lambda: {"x": {"full": {"epochs": 10, "units": 32}, "smoke": {"epochs": 1}}},
    )
    assert vars(runs.settings_for("x", "smoke")) == {"epochs": 1, "units": 32}
    assert runs.settings_for("x").epochs == 10
    with pytest.raises(ValueError, match="full"):
        runs.settings_for("x", "fast")
    with pytest.raises(KeyError, match="profiles.toml"):
        runs.settings_for("nope")


def test_seed_everything_makes_keras_repeatable():
    import keras

    def draw():
        runs.seed_everything(7)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return np.random.rand(), keras.ops.convert_to_numpy(layer.kernel)

    (a, ka), (b, kb) = draw(), draw()
    assert a == b and np.array_equal(ka, kb)


@pytest.fixture
def a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    monkeypatch.setattr(
        runs, "_CURRENT", runs.Run("99_test", "smoke", runs.Settings(), 42)
    )
    return tmp_path


def test_record_writes_results_with_provenance(a_run, capsys):
    reporting.record("val_acc", np.float32(0.75), book=0.759)
    reporting.record("val_acc", 0.8, book=0.759)  # replaces
    reporting.record("epochs", 3)
    assert "val_acc: 0.8  (book: 0.759)  [profile smoke]" in capsys.readouterr().out
    entries = json.loads((a_run / "smoke" / "results" / "99_test.json").read_text())
    assert [e["name"] for e in entries] == ["val_acc", "epochs"]
    assert entries[0]["value"] == 0.8 and entries[0]["profile"] == "smoke"
    assert isinstance(entries[0]["data"], list) and "keras" in entries[0]
    assert "val_acc: 0.8" in reporting.summary()


def test_record_refuses_nan(a_run):
    with pytest.raises(ValueError, match="non-finite"):
        reporting.record("loss", float("nan"))


def test_save_fig_and_plot_history(a_run):
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    fig = plotting.plot_history(history, "accuracy", title="t")
    path = plotting.save_fig("curves", fig)
    assert path == a_run / "smoke" / "figures" / "99_test" / "curves.png"
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert len(fig.axes) == 2
    with pytest.raises(KeyError, match="has no 'auc'"):
        plotting.plot_history(history, "auc")


def test_prepare_tests_injects_the_smoke_profile_and_keeps_outputs(
    tmp_path, monkeypatch
):
    import nbformat

    from helpers import notebooks

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    (written, *_) = notebooks.prepare_tests(["01"])
    assert written == tmp_path / "nbval" / "01_one_hot_encoding.ipynb"
    nb = nbformat.read(written, as_version=4)
    injected = [
        c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])
    ]
    assert len(injected) == 1 and 'profile = "smoke"' in injected[0].source
    committed = nbformat.read(notebooks.notebook_paths(["01"])[0], as_version=4)
    outputs = [c.get("outputs") for c in committed.cells if c.cell_type == "code"]
    assert [
        c.get("outputs")
        for c in nb.cells
        if c.cell_type == "code" and c not in injected
    ] == outputs


def test_lstm_cell_diagram(a_run):
    fig = plotting.plot_lstm_cell()
    labels = " ".join(t.get_text() for t in fig.axes[0].texts)
    for part in ("forget", "input", "candidate", "output", "carry track"):
        assert part in labels
    assert plotting.save_fig("cell", fig).exists()


def test_save_fig_lists_figures_that_are_not_compared(a_run):
    folder = a_run / "smoke" / "figures" / "99_test"
    plotting.save_fig("times", plotting.plt.figure(), compare=False)
    plotting.save_fig("curves", plotting.plt.figure())
    assert (folder / plotting.UNCOMPARED).read_text() == "times.png\n"
    plotting.save_fig("times", plotting.plt.figure())  # compared again
    assert not (folder / plotting.UNCOMPARED).exists()


def test_update_baselines_replaces_only_the_notebooks_run(tmp_path, monkeypatch):
    from helpers import notebooks

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setattr(notebooks, "BASELINE_DIR", tmp_path / "baselines")
    for name in ("01_a", "02_b"):
        (tmp_path / "baselines" / name).mkdir(parents=True)
        (tmp_path / "baselines" / name / "old.png").write_bytes(b"old")
    smoke = tmp_path / "build" / "smoke" / "figures" / "02_b"
    smoke.mkdir(parents=True)
    (smoke / "new.png").write_bytes(b"new")
    copied = notebooks.update_baselines()
    assert copied == [tmp_path / "baselines" / "02_b" / "new.png"]
    assert (tmp_path / "baselines" / "01_a" / "old.png").exists()  # kept
    assert not (tmp_path / "baselines" / "02_b" / "old.png").exists()  # replaced


def test_papermill_paths_are_made_relative(tmp_path):
    import nbformat

    from helpers import notebooks
    from helpers.data import project_root

    nb = nbformat.v4.new_notebook()
    inside = project_root() / "notebooks" / "01_x.ipynb"
    nb.metadata["papermill"] = {
        "input_path": str(inside),
        "output_path": "/elsewhere/checkout/notebooks/01_x.ipynb",
    }
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    notebooks._relative_paths(path)
    info = nbformat.read(path, as_version=4).metadata["papermill"]
    assert info["input_path"] == "notebooks/01_x.ipynb"
    assert info["output_path"] == "notebooks/01_x.ipynb"
