"""Helpers introduced by the recurrent lessons (05-07)."""

import numpy as np

from helpers import reporting, text


def test_load_imdb_padded_shuffles_and_pads(small_imdb):
    (x_train, y_train), (x_test, y_test) = text.load_imdb_padded(None, maxlen=6, seed=1)
    (raw_train, raw_labels), _ = text.load_imdb_sequences(None)
    assert x_train.shape == (6, 6) and x_test.shape == (6, 6)
    assert sorted(y_train.tolist()) == [0, 0, 0, 1, 1, 1]
    assert y_train.tolist() != raw_labels.tolist()  # shuffled (sorted by class before)
    # Each padded row is one raw review, zeros in front, its labels moved along.
    order = np.random.default_rng(1).permutation(len(raw_train))
    for row, label, i in zip(x_train, y_train, order, strict=True):
        review = raw_train[i][-6:]
        assert row[len(row) - len(review) :].tolist() == review.tolist()
        assert not row[: len(row) - len(review)].any()
        assert label == raw_labels[i]
    again = text.load_imdb_padded(None, maxlen=6, seed=1)
    assert np.array_equal(again[0][0], x_train)


def test_epoch_timer_measures_each_epoch():
    import keras

    timer = reporting.epoch_timer()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((8, 2)), np.zeros(8), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.times) == 3 and all(t > 0 for t in timer.times)
    assert timer.median == float(np.median(timer.times))


def test_interleaved_epoch_times_takes_turns_and_tables_each_epoch():
    order = []

    def fit_epoch(model, epoch, timer):
        timer.on_epoch_begin(epoch)
        order.append((model, epoch))
        timer.on_epoch_end(epoch)

    seconds = reporting.interleaved_epoch_times(
        {"a": "model a", "b": "model b"}, fit_epoch, epochs=3
    )
    assert order == [
        ("model a", 0),
        ("model b", 0),
        ("model a", 1),
        ("model b", 1),
        ("model a", 2),
        ("model b", 2),
    ]
    assert list(seconds.columns) == ["a", "b"] and list(seconds.index) == [1, 2, 3]
    assert seconds.index.name == "epoch" and (seconds >= 0).all().all()
