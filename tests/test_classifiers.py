"""helpers.classifiers: several seeds, each judged at its best validation epoch."""

import numpy as np
import pytest

from helpers import classifiers, runs


def toy_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * rng.normal(size=n) > 0).astype("float32")
    return x, y


def tiny_model():
    import keras

    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_fit_best_restores_the_best_validation_epoch():
    x, y = toy_data()
    runs.seed_everything(0)
    model = tiny_model()
    history = classifiers.fit_best(model, x, y, epochs=6, batch_size=32)
    val = history.history["val_accuracy"]
    assert len(val) == 6  # no patience: every epoch runs
    _, accuracy = model.evaluate(x[160:], y[160:], verbose=0)  # the validation split
    assert accuracy == pytest.approx(max(val), abs=1e-6)


def test_fit_best_stops_after_patience_epochs_without_progress():
    x, y = toy_data()
    x_noise = np.random.default_rng(1).normal(size=x.shape).astype("float32")
    runs.seed_everything(0)
    history = classifiers.fit_best(
        tiny_model(), x_noise, y, epochs=50, batch_size=32, patience=1
    )
    val = history.history["val_accuracy"]
    assert len(val) < 50 and len(val) - (int(np.argmax(val)) + 1) == 1


def test_classifier_seeds_tables_each_seed_and_repeats_itself():
    train, test = toy_data(), toy_data(100, seed=1)
    args = dict(epochs=3, batch_size=32)
    table, histories = classifiers.classifier_seeds(
        tiny_model, train, test, [1, 2], **args
    )
    assert list(table.index) == [1, 2] and set(histories) == {1, 2}
    assert list(table.columns) == [
        "epochs run",
        "best epoch",
        "validation accuracy",
        "test accuracy",
    ]
    assert (table["epochs run"] == 3).all()
    again, _ = classifiers.classifier_seeds(tiny_model, train, test, [1], **args)
    assert again.loc[1].equals(table.loc[1])  # seeded: the same numbers


def test_accuracy_table_shows_mean_and_spread():
    import pandas as pd

    three = pd.DataFrame(
        {
            "best epoch": [3, 5, 4],
            "validation accuracy": [0.86, 0.88, 0.87],
            "test accuracy": [0.85, 0.87, 0.86],
        },
        index=[42, 43, 44],
    )
    table = classifiers.accuracy_table(
        {"LSTM": three, "BiLSTM": three.iloc[:1]}, book={"LSTM": 0.89}
    )
    assert table.loc["LSTM (3 seeds)", "validation accuracy"] == "0.870 ± 0.010"
    assert table.loc["LSTM (3 seeds)", "best epoch"] == "3, 5, 4"
    assert table.loc["LSTM (3 seeds)", "book validation"] == 0.89
    assert table.loc["BiLSTM", "test accuracy (best epoch)"] == "0.850"
    assert table.loc["BiLSTM", "book validation"] == ""
    # an exploratory run without test accuracies: validation only, for every row
    explored = three.drop(columns="test accuracy")
    table = classifiers.accuracy_table({"LSTM": three, "no dropout": explored})
    assert list(table.columns) == ["best epoch", "validation accuracy"]


def test_accuracy_table_takes_results_without_best_epochs():
    import pandas as pd

    # Another lesson's recorded values: accuracies only, no best epochs.
    read = pd.DataFrame(
        {"validation accuracy": [0.84, 0.86, 0.88], "test accuracy": [0.83, 0.85, 0.87]}
    )
    table = classifiers.accuracy_table({"LSTM (notebook 08)": read})
    assert table.loc["LSTM (notebook 08, 3 seeds)", "best epoch"] == "—"
    assert (
        table.loc["LSTM (notebook 08, 3 seeds)", "validation accuracy"]
        == "0.860 ± 0.020"
    )
