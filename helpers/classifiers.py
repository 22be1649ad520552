"""Training a text classifier over several seeds, judged at its best epoch.

Notebook 08 writes this loop out, where the `LSTM` is compared on IMDB
over three seeds against a bag of words; reused in 13 (reading reviews
forwards, backwards and both ways), 14 and 16 (with and without a mask). The
model (and its compilation) stays in the notebook; this module only repeats the
training and collects the numbers.
"""

from __future__ import annotations

import numpy as np

from .sequences import seeds_label, spread


def fit_best(
    model,
    x,
    y,
    *,
    epochs: int,
    batch_size: int,
    patience: int | None = None,
    validation_split: float = 0.2,
    callbacks=(),
    verbose: int = 0,
):
    """Fit a compiled classifier and keep the weights of its best epoch.

    The best epoch is the one with the highest ``val_accuracy`` (on the last
    ``validation_split`` of the training data, as Keras takes it). Training
    stops after ``patience`` epochs without a better one (None: never, all
    ``epochs`` run); either way the best epoch's weights are restored, so the
    model evaluated afterwards is the one the validation data chose, not the
    last one. ``callbacks`` are added to the one that keeps the best epoch.
    Returns the Keras ``History``.
    """
    import keras

    best = keras.callbacks.EarlyStopping(
        monitor="val_accuracy",
        mode="max",
        patience=epochs if patience is None else patience,
        restore_best_weights=True,
    )
    return model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=validation_split,
        callbacks=[best, *callbacks],
        verbose=verbose,
    )


def classifier_seeds(build, train, test, seeds, **fit_args):
    """Train a fresh ``build()`` model per seed with `fit_best`; test its best epoch.

    ``train`` and ``test`` are ``(x, y)`` pairs; ``fit_args`` go to `fit_best`
    (``epochs``, ``batch_size``, ``patience``). Each seed seeds everything
    (`helpers.seed_everything`: initial weights, dropout, batch order) before
    the model is built. Returns ``(table, histories)``: a DataFrame indexed by
    seed with the epochs run, the best epoch, its validation accuracy and the
    test accuracy of its weights; and each seed's ``History.history``.
    """
    import pandas as pd

    from .runs import seed_everything

    rows, histories = [], {}
    for seed in seeds:
        seed_everything(seed)
        model = build()
        history = fit_best(model, *train, **fit_args).history
        _, test_accuracy = model.evaluate(*test, batch_size=512, verbose=0)
        val = history["val_accuracy"]
        rows.append(
            {
                "seed": seed,
                "epochs run": len(val),
                "best epoch": int(np.argmax(val)) + 1,
                "validation accuracy": float(max(val)),
                "test accuracy": float(test_accuracy),
            }
        )
        histories[seed] = history
    return pd.DataFrame(rows).set_index("seed"), histories


def accuracy_table(runs: dict, book: dict | None = None):
    """One row per model: best-epoch validation and test accuracy, mean ± std.

    ``runs`` maps a model's name to the table of `classifier_seeds`; ``book``
    maps some of the names to the book's validation accuracy. The spread is
    the sample standard deviation over the seeds (`spread`). A table without
    a "best epoch" column (results read from another lesson) shows "—" there.
    The test column is shown only when every table has test accuracies: an
    exploratory comparison (notebook 08's exercises) reads validation only.
    """
    import pandas as pd

    book = book or {}
    with_test = all("test accuracy" in table for table in runs.values())
    rows = {}
    for name, table in runs.items():
        label = seeds_label(name, len(table))
        rows[label] = {
            "best epoch": (
                ", ".join(str(e) for e in table["best epoch"])
                if "best epoch" in table
                else "—"
            ),
            "validation accuracy": spread(table["validation accuracy"]),
        }
        if with_test:
            rows[label]["test accuracy (best epoch)"] = spread(table["test accuracy"])
        if book:
            rows[label]["book validation"] = book.get(name, "")
    return pd.DataFrame.from_dict(rows, orient="index")


def record_accuracy(
    name: str, values, book=None, note: str = "", echo: bool = True
) -> None:
    """Record an accuracy: one value, or the mean of one per seed and its spread.

    With several values, their mean is recorded under ``name`` (the values kept
    beside it) and their sample standard deviation as ``<name>_std``. With
    ``echo=False`` nothing is printed (for numbers a table shows already).
    """
    from .reporting import record

    values = np.atleast_1d(np.asarray(values, dtype="float64"))
    if len(values) == 1:
        record(name, float(values[0]), book=book, note=note, echo=echo)
        return
    note = f"{note}; mean of {len(values)} seeds".lstrip("; ")
    record(name, float(values.mean()), book=book, note=note, values=values, echo=echo)
    record(
        f"{name}_std",
        float(values.std(ddof=1)),
        note=f"standard deviation over {len(values)} seeds",
        echo=echo,
    )
