"""Run profiles, seeding, results and figures."""

import json

import numpy as np
import pytest

from coursetools.notebooks import notebook_paths
from helpers import plotting, reporting, runs


def test_every_notebook_has_full_and_smoke_settings():
    profiles = runs.load_profiles()
    for path in notebook_paths():
        assert path.stem in profiles, f"helpers/profiles.toml lacks [{path.stem}.full]"
        full = runs.settings_for(path.stem, "full")
        for backend in runs.KERAS_BACKENDS:  # a backend's sub-table included
            smoke = runs.settings_for(path.stem, "smoke", backend)
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


def test_a_backend_sub_table_overrides_the_profile_on_that_backend(monkeypatch):
    profiles = {
        "x": {
            "full": {"epochs": 10, "units": 32},
            "smoke": {"epochs": 2, "torch": {"units": 8}},
        }
    }
    monkeypatch.setattr(runs, "load_profiles", lambda: profiles)
    assert vars(runs.settings_for("x", "smoke", "torch")) == {"epochs": 2, "units": 8}
    assert vars(runs.settings_for("x", "smoke", "jax")) == {"epochs": 2, "units": 32}
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert runs.settings_for("x", "smoke").units == 8
    assert runs.settings_for("x", "full").units == 32  # full runs are the book's
    profiles["x"]["smoke"]["torch"] = {"unit": 8}
    with pytest.raises(KeyError, match=r"x\.smoke\.torch.*unit"):
        runs.settings_for("x", "smoke", "torch")


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
    reporting.record("best", 0.76, book=0.7594, book_text="~76%")
    reporting.record("quiet", 1.5, echo=False)
    out = capsys.readouterr().out
    assert "quiet" not in out
    assert "val_acc: 0.8  (book's notebook: output 0.759)\n" in out
    assert 'best: 0.76  (book\'s notebook: text "~76%", output 0.7594)\n' in out
    assert "profile" not in out  # a lesson's printout carries no run markers
    entries = json.loads((a_run / "smoke" / "results" / "99_test.json").read_text())
    assert [e["name"] for e in entries] == ["val_acc", "epochs", "best", "quiet"]
    assert entries[2]["book_text"] == "~76%" and entries[2]["book"] == 0.7594
    assert entries[0]["value"] == 0.8 and entries[0]["profile"] == "smoke"
    assert isinstance(entries[0]["data"], list) and "keras" in entries[0]
    assert "val_acc" not in reporting.summary()  # printed once, when recorded


def test_summary_names_datasets_and_refuses_one_not_loaded(a_run, monkeypatch):
    entry = {"dataset": "shakespeare", "official": True}
    monkeypatch.setattr(reporting.data, "_PROVENANCE", {"shakespeare": entry})
    line = reporting.summary("shakespeare")
    assert line.startswith("Data: Tiny Shakespeare") and "\n" not in line
    assert reporting.summary() == line
    with pytest.raises(ValueError, match="not loaded 'nietzsche'.*'shakespeare'"):
        reporting.summary("nietzsche")


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


def test_plot_history_wraps_a_title_longer_than_the_figure():
    history = {"loss": [1.0, 0.5]}
    title = "GRU with dropout and recurrent dropout: MAE (normalized)"
    one_panel = plotting.plot_history(history, title=title)
    assert "\n" in one_panel._suptitle.get_text()  # 4.5 inches: two lines
    assert one_panel._suptitle.get_text().replace("\n", " ") == title
    two_panels = plotting.plot_history({**history, "mae": [2, 1]}, "mae", title=title)
    assert two_panels._suptitle.get_text() == title  # 9 inches: one line


def test_training_curves_tick_whole_epochs_only():
    history = {"loss": [1.0 - 0.04 * e for e in range(20)]}
    history["val_loss"] = [v + 0.1 for v in history["loss"]]
    figures = [
        plotting.plot_history(history),
        plotting.plot_seed_histories({42: history}, "GRU"),
        plotting.plot_side_by_side({"a": history, "b": history}, baseline=0.5),
    ]
    for fig in figures:
        for ax in fig.axes:
            fig.canvas.draw()
            ticks = [t for t in ax.get_xticks() if 1 <= t <= 20]
            assert ticks and all(float(t).is_integer() for t in ticks)
            assert ax.get_xlabel() == "epoch"


def test_plot_seed_accuracies_wraps_a_long_title():
    logs = {"LSTM": {42: {"val_accuracy": [0.8, 0.9]}}}
    title = "IMDB: validation accuracy per epoch (LSTM: the last 500 words; bags: every word)"
    fig, ax = plotting.plot_seed_accuracies(logs, title)
    assert "\n" in ax.get_title() and ax.get_title().replace("\n", " ") == title


def test_plot_side_by_side_shares_one_scale_and_draws_the_baseline():
    history = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.6]}
    fig = plotting.plot_side_by_side({"plain": history, "dropout": history}, 0.65)
    left, right = fig.axes
    assert [left.get_title(), right.get_title()] == ["plain", "dropout"]
    assert left.get_ylim() == right.get_ylim()
    assert [len(ax.lines) for ax in fig.axes] == [3, 3]
    labels = left.get_legend_handles_labels()[1]
    assert labels == ["training", "validation", "common sense (validation)"]


def test_prepare_tests_injects_the_smoke_profile_and_keeps_outputs(
    tmp_path, monkeypatch
):
    import nbformat

    from coursetools import notebooks

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    (written, *_) = notebooks.prepare_tests(["01"])
    assert written == tmp_path / "nbval" / "01_one_hot_encoding.ipynb"
    nb = nbformat.read(written, as_version=4)
    injected = [
        c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])
    ]
    assert len(injected) == 1 and "quick = True" in injected[0].source
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
    from coursetools import notebooks

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

    from coursetools import notebooks
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


# -- overrides, variants, recorded results (notebooks 09-14) -----------------
def test_setup_overrides_a_setting_and_labels_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    nb = "09_series_data_and_baselines"
    same = runs.setup(nb, quick=True, series=None)
    assert same.settings.series == "beijing" and same.label == nb
    assert runs.setup(nb, quick=True, series="beijing").label == nb  # no change
    jena = runs.setup(nb, quick=True, series="jena")
    assert jena.settings.series == "jena" and jena.label == f"{nb}-jena"
    assert jena.figure_dir == tmp_path / "smoke" / "figures" / f"{nb}-jena"
    assert jena.results_file.name == f"{nb}-jena.json"
    assert repr(jena).startswith("Keras ") and "profile" not in repr(jena)
    assert "quick run: less data" in repr(jena)
    assert "quick run" not in repr(runs.setup(nb, series="jena"))
    with pytest.raises(KeyError, match="'serie' is not a setting of"):
        runs.setup(nb, quick=True, serie="jena")


def test_setup_refuses_a_quick_that_is_not_a_bool(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    with pytest.raises(TypeError, match="quick must be True .* or False .*'smoke'"):
        runs.setup("09_series_data_and_baselines", "smoke")


def test_prepare_tests_adds_the_jena_variant_of_notebook_09(tmp_path, monkeypatch):
    import nbformat

    from coursetools import notebooks

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    written = notebooks.prepare_tests(["09"])
    assert [p.name for p in written] == [
        "09_series_data_and_baselines.ipynb",
        "09_series_data_and_baselines-jena.ipynb",
    ]
    nb = nbformat.read(written[1], as_version=4)
    injected = next(
        c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert "quick = True" in injected.source
    assert 'series = "jena"' in injected.source
    assert notebooks.notebook_of("09_series_data_and_baselines-jena") == (
        "09_series_data_and_baselines"
    )


def test_recorded_reads_the_per_seed_values_of_an_earlier_notebook(a_run):
    from types import SimpleNamespace

    from helpers import sequences

    series = SimpleNamespace(celsius=10.0)
    sequences.record_mae("gru_mae", [0.2, 0.3, 0.4], series, book=0.265, note="beijing")
    sequences.record_mae("single_mae", 0.5, series, note="beijing")
    values = reporting.recorded("99_test", "gru_mae", "beijing")
    np.testing.assert_allclose(values, [0.2, 0.3, 0.4])
    np.testing.assert_allclose(
        reporting.recorded("99_test", "gru_mae_celsius"), [2.0, 3.0, 4.0]
    )
    assert reporting.recorded("99_test", "gru_mae_std")[0] == pytest.approx(0.1)
    assert reporting.recorded("99_test", "single_mae").tolist() == [0.5]
    assert reporting.recorded("99_test", "gru_mae", "jena") is None  # other series
    assert reporting.recorded("99_test", "nothing") is None
    assert reporting.recorded("42_never_ran", "gru_mae") is None


def test_recorded_reads_the_run_with_the_same_overrides(a_run, monkeypatch):
    """09 run with series="jena" compares with 08 run with series="jena"."""
    jena_08 = runs.Run("08_x", "smoke", runs.Settings(), 42, variant="jena")
    monkeypatch.setattr(runs, "_CURRENT", jena_08)
    reporting.record("dense_mae", 0.3, note="jena series")
    monkeypatch.setattr(
        runs, "_CURRENT", runs.Run("08_x", "smoke", runs.Settings(), 42)
    )
    reporting.record("dense_mae", 0.2, note="beijing series")
    assert reporting.recorded("08_x", "dense_mae", "beijing").tolist() == [0.2]
    jena_09 = runs.Run("09_x", "smoke", runs.Settings(), 42, variant="jena")
    monkeypatch.setattr(runs, "_CURRENT", jena_09)
    assert reporting.recorded("08_x", "dense_mae", "jena").tolist() == [0.3]


def test_recorded_falls_back_to_the_committed_full_run(a_run, monkeypatch):
    committed = a_run / "committed"
    committed.mkdir()
    monkeypatch.setattr(runs, "COMMITTED_RESULTS_DIR", committed)
    entry = {"name": "gru_mae", "value": 0.2, "values": [0.2, 0.3], "note": "beijing"}
    (committed / "09_x.json").write_text(
        json.dumps([{**entry, "backend": "tensorflow"}, {**entry, "name": "other"}])
    )
    (committed / "10_jax.json").write_text(json.dumps([{**entry, "backend": "jax"}]))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    # a smoke run never compares with the committed (full) runs
    assert reporting.recorded("09_x", "gru_mae") is None
    monkeypatch.setattr(
        runs, "_CURRENT", runs.Run("99_test", "full", runs.Settings(), 42)
    )
    np.testing.assert_allclose(
        reporting.recorded("09_x", "gru_mae", "beijing"), [0.2, 0.3]
    )
    assert reporting.recorded("09_x", "gru_mae", "jena") is None
    assert reporting.recorded("10_jax", "gru_mae") is None  # another backend's run
    # this machine's own full run of the notebook comes first
    reporting.record("gru_mae", 0.5, note="beijing")
    monkeypatch.setattr(runs, "_CURRENT", runs.Run("09_x", "full", runs.Settings(), 42))
    reporting.record("gru_mae", 0.7, note="beijing")
    assert reporting.recorded("09_x", "gru_mae").tolist() == [0.7]
    (committed / "11_torn.json").write_text('[{"name": ')
    with pytest.raises(
        ValueError, match=r"11_torn.json is not valid JSON.*git restore"
    ):
        reporting.recorded("11_torn", "gru_mae")


def test_setup_refuses_character_windows_that_cannot_fit(tmp_path, monkeypatch):
    """Issue #14: max_chars below maxlen failed with a bare NumPy error."""
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="max_chars = 30 keeps 30 characters") as err:
        runs.setup("15_text_generation", quick=True, max_chars=30)
    assert "maxlen + 1 = 61" in str(err.value) and "settings.<name>" in str(err.value)
    with pytest.raises(ValueError, match="step must be a whole number"):
        runs.setup("15_text_generation", quick=True, step=0)
    assert runs.setup("15_text_generation", quick=True).settings.max_chars == 10_000


@pytest.mark.parametrize(
    ("backend", "folder"),
    [
        (None, ""),
        ("", ""),
        ("tensorflow", ""),
        ("jax", "backend-jax"),
        ("torch", "backend-torch"),
        (" JAX ", "backend-jax"),
    ],
)
def test_build_dir_is_per_backend(tmp_path, monkeypatch, backend, folder):
    if backend is None:
        monkeypatch.delenv("KERAS_BACKEND", raising=False)
    else:
        monkeypatch.setenv("KERAS_BACKEND", backend)
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    assert runs.build_dir() == (tmp_path / folder if folder else tmp_path)
    monkeypatch.delenv("COURSE_BUILD_DIR")
    default = runs.project_root() / "build"
    assert runs.build_dir() == (default / folder if folder else default)


def test_keras_backend_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert runs.keras_backend() == "tensorflow"
    monkeypatch.setenv("KERAS_BACKEND", "Torch")
    assert runs.keras_backend() == "torch"


def test_runs_on_another_backend_write_beside_tensorflow_s(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    run = runs.Run("99_test", "smoke", runs.Settings(), 42)
    assert (
        run.figure_dir == tmp_path / "backend-torch" / "smoke" / "figures" / "99_test"
    )
    assert run.results_file.parent == tmp_path / "backend-torch" / "smoke" / "results"


def test_plot_seed_accuracies_draws_a_line_per_seed_and_a_colour_per_model():
    logs = {
        "LSTM": {42: {"val_accuracy": [0.6, 0.8]}, 43: {"val_accuracy": [0.7]}},
        "GRU": {42: {"val_accuracy": [0.5, 0.6, 0.9]}, 43: {"val_accuracy": [0.5]}},
    }
    fig, ax = plotting.plot_seed_accuracies(logs, "four runs")
    assert [len(line.get_xdata()) for line in ax.lines] == [2, 1, 3, 1]
    colors = [line.get_color() for line in ax.lines]
    assert colors[0] == colors[1] != colors[2] == colors[3]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["LSTM (2 seeds)", "GRU (2 seeds)"]
    plotting.plt.close(fig)
