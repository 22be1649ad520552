"""The windowing helpers against a plain NumPy loop, and a series prepared for training."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import sequences


def reference(data, col, lookback, step, delay, start, end):
    """The book's windowing written out: anchors start+lookback <= i < end-delay."""
    samples, targets = [], []
    for i in range(start + lookback, end - delay):
        samples.append(data[list(range(i - lookback, i, step))])
        targets.append(data[i + delay, col])
    return np.array(samples), np.array(targets)


def collect(dataset):
    xs, ys = [], []
    for x, y in dataset:
        xs.append(np.asarray(x))
        ys.append(np.asarray(y))
    return np.concatenate(xs), np.concatenate(ys), [len(x) for x in xs]


@st.composite
def windowing_cases(draw):
    n = draw(st.integers(3, 60))
    features = draw(st.integers(1, 3))
    lookback = draw(st.integers(1, n - 2))
    delay = draw(st.integers(0, n - lookback - 1))
    step = draw(st.integers(1, lookback + 2))
    # rows [start, end) must hold at least one sample
    start = draw(st.integers(0, n - lookback - delay - 1))
    end = draw(st.integers(start + lookback + delay + 1, n))
    batch = draw(st.integers(1, 8))
    col = draw(st.integers(0, features - 1))
    seed = draw(st.integers(0, 2**16))
    data = np.random.default_rng(seed).normal(size=(n, features)).astype("float32")
    return data, col, lookback, step, delay, start, end, batch


@settings(max_examples=50, deadline=None)
@given(windowing_cases())
def test_make_dataset_matches_the_reference_loop(case):
    data, col, lookback, step, delay, start, end, batch = case
    want_x, want_y = reference(data, col, lookback, step, delay, start, end)
    ds = sequences.make_dataset(
        data, col, lookback, step, delay, batch, start=start, end=end
    )
    got_x, got_y, sizes = collect(ds)
    np.testing.assert_array_equal(got_x, want_x)
    np.testing.assert_array_equal(got_y, want_y)
    assert all(s == batch for s in sizes[:-1]) and 0 < sizes[-1] <= batch
    assert len(want_y) == sequences.count_windows(start, end, lookback, delay)


@settings(max_examples=25, deadline=None)
@given(windowing_cases())
def test_shuffled_dataset_holds_the_same_samples(case):
    data, col, lookback, step, delay, start, end, batch = case
    want_x, want_y = reference(data, col, lookback, step, delay, start, end)
    ds = sequences.make_dataset(
        data,
        col,
        lookback,
        step,
        delay,
        batch,
        start=start,
        end=end,
        shuffle=True,
        seed=1,
    )
    got_x, got_y, _ = collect(ds)
    key = lambda x: [tuple(np.ravel(s)) for s in x]  # noqa: E731
    assert sorted(key(got_x)) == sorted(key(want_x))
    assert sorted(got_y.tolist()) == sorted(want_y.tolist())


def test_repeat_batches_the_endless_stream_into_whole_batches():
    data = np.arange(60, dtype="float32").reshape(30, 2)
    passes = sequences.make_dataset(data, 0, 5, 1, 2, 4)  # 23 samples: 5 x 4 + 3
    stream = sequences.make_dataset(data, 0, 5, 1, 2, 4, repeat=True)
    assert passes.element_spec[0].shape.as_list() == [None, 5, 2]
    assert stream.element_spec[0].shape.as_list() == [4, 5, 2]  # the graph knows it
    got_x, got_y, sizes = collect(stream.take(23))  # 92 samples: 4 passes exactly
    want_x, want_y, _ = collect(passes)
    assert sizes == [4] * 23
    np.testing.assert_array_equal(got_x, np.concatenate([want_x] * 4))  # none left out
    np.testing.assert_array_equal(got_y, np.concatenate([want_y] * 4))


def test_shuffled_stream_draws_every_sample_once_per_pass():
    data = np.arange(60, dtype="float32").reshape(30, 2)
    stream = sequences.make_dataset(
        data, 0, 5, 1, 2, 4, shuffle=True, seed=3, repeat=True
    )
    _, got_y, _ = collect(stream.take(23))
    _, want_y, _ = collect(sequences.make_dataset(data, 0, 5, 1, 2, 4))
    passes = got_y.reshape(4, 23)
    for one_pass in passes:
        assert sorted(one_pass.tolist()) == sorted(want_y.tolist())
    assert not np.array_equal(passes[0], passes[1])  # each pass shuffled anew


def test_make_dataset_refuses_a_split_too_short():
    data = np.zeros((20, 2), "float32")
    with pytest.raises(ValueError, match="no sample"):
        sequences.make_dataset(data, 0, 10, 1, 5, 4, start=0, end=15)
    with pytest.raises(ValueError, match="start <= end"):
        sequences.make_dataset(data, 0, 2, 1, 1, 4, start=5, end=30)


def test_jena_splits_are_the_books_on_the_official_file():
    from helpers.series import SERIES

    assert SERIES["jena"].split(420_551) == (200_000, 300_000)
    assert SERIES["jena"].split(4_000) == (1_902, 2_853)
    with pytest.raises(ValueError):
        SERIES["jena"].split(2)


def test_resolve_lookback_keeps_the_books_when_it_fits():
    lookback, message = sequences.resolve_lookback(1440, 6, 144, 100_000, 256)
    assert lookback == 1440
    assert "the book's 10 days" in message


def test_resolve_lookback_reduces_visibly_on_the_slice():
    # the 4,000-row slice: a validation split of 951 rows
    lookback, message = sequences.resolve_lookback(1440, 6, 144, 951, 256)
    assert lookback == 3 * 144
    assert "REDUCED" in message and "3 days" in message and "10 days" in message
    assert sequences.count_windows(0, 951, lookback, 144) >= 256


def test_resolve_lookback_fails_when_nothing_fits():
    with pytest.raises(ValueError, match="cannot hold"):
        sequences.resolve_lookback(1440, 6, 144, 200, 256)


def fake_jena(n_rows, official):
    import pandas as pd

    rng = np.random.default_rng(0)
    columns = ["p (mbar)", "T (degC)", "rh (%)", "wd (deg)"]
    df = pd.DataFrame(
        rng.normal(size=(n_rows, len(columns))).astype("float32"),
        columns=columns,
        index=pd.date_range("2009-01-01 00:10", periods=n_rows, freq="10min"),
    )
    df.attrs.update(series="jena", official=official, source="test", notes=[])
    return df


def jena_settings(**overrides):
    from types import SimpleNamespace

    values = dict(series="jena", rows=0, columns=0)
    values.update(lookback_hours=240, step_hours=1, delay_hours=24)
    values.update(batch_size=128, steps_per_epoch=500, **overrides)
    return SimpleNamespace(**values)


def test_prepare_jena_keeps_the_books_settings_on_the_official_size(monkeypatch):
    from helpers import series

    monkeypatch.setattr(series, "load_series", lambda name: fake_jena(420_551, True))
    jena = sequences.prepare_series(jena_settings())
    assert (jena.train_end, jena.val_end) == (200_000, 300_000)
    assert (jena.lookback, jena.steps_per_epoch) == (1440, 500)
    assert jena.input_shape == (240, 4) and jena.target == 1
    assert "REDUCED" not in str(jena) and "the complete official record" in str(jena)
    np.testing.assert_allclose(jena.data[:200_000].mean(0), 0, atol=1e-3)


def test_whole_batches_setting_makes_the_training_stream_whole(monkeypatch):
    from helpers import series

    monkeypatch.setattr(series, "load_series", lambda name: fake_jena(5_000, False))
    settings = jena_settings(rows=4_000, columns=3, whole_batches=True)
    jena = sequences.prepare_series(settings)
    assert jena.whole_batches and "every batch holds 128 samples" in str(jena)
    assert jena.train.element_spec[0].shape.as_list() == [128, *jena.input_shape]
    old = sequences.prepare_series(jena_settings(rows=4_000, columns=3))
    assert old.train.element_spec[0].shape.as_list() == [None, *old.input_shape]


def test_prepare_jena_adapts_visibly_to_the_slice(monkeypatch):
    from helpers import series

    monkeypatch.setattr(series, "load_series", lambda name: fake_jena(5_000, False))
    jena = sequences.prepare_series(jena_settings(rows=4_000, columns=3))
    text = str(jena)
    assert jena.n_rows == 4_000 and jena.columns == ["p (mbar)", "T (degC)", "rh (%)"]
    assert jena.lookback == 432 and "lookback REDUCED to 3 days" in text
    assert jena.steps_per_epoch == 11 and "steps per epoch: 11 batches" in text
    assert not jena.whole_batches and "training stream" not in text
    assert "one pass over the 1,326 training samples" in text
    assert "NOT the complete official record" in text and "3 of 4 columns" in text
    assert jena.windows("val") == 951 - 432 - 144
    # (max_steps_per_epoch = 500 would be 500 * 128 / 1,326 = 48.3 passes)
    assert "(max_steps_per_epoch = 500 would be 48.3 passes)" in text
    # preparation(): what prepare_series made, without the data's own lines
    made = jena.preparation()
    assert made.startswith("steps per epoch: 11 batches") and "3 days" not in made
    assert text.endswith(made) and "lookback REDUCED" in jena.preparation(True)


def tiny_jena():
    data = np.random.default_rng(0).normal(size=(300, 2)).astype("float32")
    return sequences.SeriesData(
        frame=None,
        data=data,
        columns=["p (mbar)", "T (degC)"],
        target=1,
        mean=np.zeros(2),
        std=np.ones(2),
        train_end=150,
        val_end=225,
        lookback=12,
        step=3,
        delay=6,
        batch_size=16,
        steps_per_epoch=3,
    )


def small_gru(jena):
    import keras

    return keras.Sequential(
        [keras.Input(jena.input_shape), keras.layers.GRU(2), keras.layers.Dense(1)]
    )


def test_train_forecaster_restores_the_best_epoch_and_tests_it():
    jena = tiny_jena()
    model = small_gru(jena)
    history, test_mae = sequences.train_forecaster(model, jena, epochs=3, verbose=0)
    assert len(history.history["val_loss"]) == 3
    best = min(history.history["val_loss"])
    assert np.isclose(model.evaluate(jena.val, verbose=0), best, rtol=1e-4)
    assert np.isclose(model.evaluate(jena.test, verbose=0), test_mae)


def test_train_forecaster_can_leave_the_test_split_unread(monkeypatch):
    jena = tiny_jena()
    read = []
    monkeypatch.setattr(
        type(jena), "test", property(lambda self: read.append(1) or jena.val)
    )
    history, test_mae = sequences.train_forecaster(
        small_gru(jena), jena, epochs=1, verbose=0, test=False
    )
    assert test_mae is None and read == [] and len(history.history["val_loss"]) == 1
    _, test_mae = sequences.train_forecaster(small_gru(jena), jena, epochs=1, verbose=0)
    assert test_mae is not None and read == [1]


def test_time_epochs_times_every_model():
    jena = tiny_jena()
    medians = sequences.time_epochs(
        {"a": small_gru(jena), "b": small_gru(jena)}, jena, epochs=2
    )
    assert set(medians) == {"a", "b"} and all(m > 0 for m in medians.values())


def test_spread_is_mean_and_sample_standard_deviation():
    assert sequences.spread([0.2, 0.3, 0.4]) == "0.300 ± 0.100"
    assert sequences.spread([0.25]) == "0.250"


def test_seeds_label_puts_the_count_inside_a_closing_parenthesis():
    assert sequences.seeds_label("GRU", 3) == "GRU (3 seeds)"
    assert sequences.seeds_label("GRU (notebook 10)", 3) == "GRU (notebook 10, 3 seeds)"
    assert sequences.seeds_label("GRU, reversed (one run)", 1) == (
        "GRU, reversed (one run)"
    )
    assert sequences.seeds_label("words, Dropout(0.5)", 3) == (
        "words, Dropout(0.5) (3 seeds)"
    )


def test_mae_table_rows_in_normalized_units_and_celsius():
    series = tiny_jena()  # std 1: one normalized unit is 1 °C here
    series.std = np.array([1.0, 10.0])
    table = sequences.mae_table(
        {
            "common sense": (0.3, 0.4, "0.29"),
            "GRU": ([0.2, 0.3, 0.4], [0.25, 0.25, 0.25], "0.265"),
            "not run": (None, None, ""),
            "validation only": ([0.5], None, ""),
        },
        series,
    )
    assert list(table.index) == ["common sense", "GRU (3 seeds)", "validation only"]
    assert table.loc["GRU (3 seeds)", "validation MAE"] == "0.300 ± 0.100"
    assert table.loc["GRU (3 seeds)", "validation °C"] == "3.000 ± 1.000"
    assert table.loc["GRU (3 seeds)", "test MAE"] == "0.250 ± 0.000"
    assert table.loc["validation only", "test °C"] == "—"
    assert table.loc["common sense", "book (Jena) validation"] == "0.29"


def test_the_course_style_prints_a_results_table_whole():
    import pandas as pd

    from helpers import style

    long = "GRU, dropout 0.2/0.2, 40 epochs (notebook 11, one run)"
    table = sequences.mae_table(
        {
            long: (0.211, 0.222, "output 0.2619 (epoch 33)"),
            "GRU": ([0.2, 0.3], 0.2, ""),
        },
        tiny_jena(),
    )
    with pd.option_context("display.max_colwidth", 50, "display.width", 80):
        assert long not in repr(table)  # pandas' defaults cut it and wrap the table
        style.use_course_style()
        text = repr(table)
    assert long in text and "(epoch 33)" in text and "\\" not in text


def test_train_seeds_trains_one_fresh_model_per_seed():
    series = tiny_jena()
    table, histories, models = sequences.train_seeds(
        lambda: small_gru(series), series, epochs=2, seeds=[1, 2]
    )
    assert list(table.index) == [1, 2] and set(histories) == set(models) == {1, 2}
    assert models[1] is not models[2]
    assert table["best epoch"].between(1, 2).all()
    for seed in (1, 2):
        val = histories[seed].history["val_loss"]
        assert table.loc[seed, "validation MAE"] == pytest.approx(min(val))


def test_train_seeds_without_test_reads_no_test_split(monkeypatch):
    series = tiny_jena()
    calls = []
    original = sequences.train_forecaster

    def spy(*args, **kwargs):
        calls.append(kwargs.get("test", True))
        return original(*args, **kwargs)

    monkeypatch.setattr(sequences, "train_forecaster", spy)
    table, _, _ = sequences.train_seeds(
        lambda: small_gru(series), series, epochs=1, seeds=[1], test=False
    )
    assert calls == [False]
    assert list(table.columns) == ["best epoch", "validation MAE"]
