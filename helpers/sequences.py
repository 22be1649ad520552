"""Time-series windowing and the Jena climate splits.

Introduced in notebook 08 (Jena data, windowing and baselines), where the book's
``generator`` is rebuilt as a ``keras.utils.PyDataset`` and compared with
`make_dataset`; reused by notebooks 09-11.

The windowing convention (the book's, section 6.3.2)
-----------------------------------------------------
A sample is named by its *anchor* row ``i``. Its inputs are the rows
``range(i - lookback, i, step)`` (``ceil(lookback / step)`` time steps, the last
one ``i - step`` when ``step`` divides ``lookback``) and its target is
``data[i + delay, target_column]``. A dataset over the rows ``[start, end)`` holds
every anchor with ``start + lookback <= i < end - delay``, in order, so that both
the inputs and the target of every sample lie inside ``[start, end)``.

The book's generator took anchors up to ``max_index`` and let the targets of the
last samples of a split reach ``delay`` rows into the next split; passing
``end = max_index + delay`` here gives exactly the book's samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .reporting import epoch_timer

#: Rows of the official ``jena_climate_2009_2016.csv``.
JENA_ROWS = 420_551
#: The book's split: rows [0, 200000) train, [200000, 300000) validation, rest test.
BOOK_TRAIN_END = 200_000
BOOK_VAL_END = 300_000
#: The column the lessons forecast.
TARGET = "T (degC)"
#: Rows per day and the lookbacks tried, longest first, when the data present
#: cannot hold the book's 10 days (see `resolve_lookback`).
ROWS_PER_DAY = 144
LOOKBACK_DAYS = (10, 5, 3, 2, 1)


def jena_splits(n_rows: int) -> tuple[int, int]:
    """``(train_end, val_end)``: the book's split as fractions of ``n_rows``.

    Training is rows ``[0, train_end)``, validation ``[train_end, val_end)``, test
    ``[val_end, n_rows)``. On the official 420,551 rows this gives exactly the
    book's boundaries, 200,000 and 300,000.
    """
    if n_rows < 3:
        raise ValueError(f"a series of {n_rows} rows cannot be split in three")
    train_end = round(n_rows * BOOK_TRAIN_END / JENA_ROWS)
    val_end = round(n_rows * BOOK_VAL_END / JENA_ROWS)
    return train_end, val_end


def count_windows(start: int, end: int, lookback: int, delay: int) -> int:
    """How many samples the rows ``[start, end)`` hold (see the module docstring)."""
    return max(0, end - delay - start - lookback)


def describe_data(df) -> str:
    """One paragraph on the data present: rows, columns, time range, official or not.

    ``df`` is what `helpers.load_jena_climate` returns (``df.attrs`` says whether
    it is the official file).
    """
    official = df.attrs.get("official", False)
    kind = (
        "the official file"
        if official
        else "NOT the official file (the book's has 420,551 rows, 14 numeric columns)"
    )
    first, last = df.index[0], df.index[-1]
    return (
        f"{len(df):,} rows x {df.shape[1]} numeric columns, "
        f"{first:%d.%m.%Y %H:%M} to {last:%d.%m.%Y %H:%M}: {kind}\n"
        f"source: {df.attrs.get('source', '?')}"
    )


def select_jena(df, rows: int = 0, columns: int = 0):
    """The first ``rows`` rows and first ``columns`` numeric columns (0: all).

    Returns ``(df, message)``; the message says what was kept, to print.
    """
    kept = df.iloc[: rows or len(df), : columns or df.shape[1]]
    kept.attrs = dict(df.attrs)
    note = (
        f"using rows 0-{len(kept) - 1:,} ({len(kept):,} of {len(df):,}) and "
        f"{kept.shape[1]} of {df.shape[1]} columns: {', '.join(kept.columns)}"
    )
    return kept, note


def resolve_lookback(
    lookback: int,
    step: int,
    delay: int,
    split_rows: int,
    min_windows: int,
    candidates_days=LOOKBACK_DAYS,
    split_name: str = "a split",
) -> tuple[int, str]:
    """The book's ``lookback`` if a split of ``split_rows`` rows can hold it.

    A split holds a lookback when it yields at least ``min_windows`` samples
    (`count_windows`). Pass the smallest split that must be evaluated (the
    validation split). Otherwise the longest of ``candidates_days`` (days of 144
    rows, shorter than ``lookback``) that fits is used. Returns ``(lookback,
    message)``; the message says which was chosen and why, to print.
    """

    def fits(rows):
        return count_windows(0, split_rows, rows, delay) >= min_windows

    def days(rows):
        return f"{rows / ROWS_PER_DAY:g} days ({rows} rows, {math.ceil(rows / step)} steps of {step})"

    if fits(lookback):
        return lookback, f"lookback: the book's {days(lookback)}"
    for d in candidates_days:
        rows = d * ROWS_PER_DAY
        if rows < lookback and fits(rows):
            return rows, (
                f"lookback REDUCED to {days(rows)} instead of the book's "
                f"{days(lookback)}: {split_name} of {split_rows:,} rows holds only "
                f"{count_windows(0, split_rows, lookback, delay):,} samples with the "
                f"book's lookback and delay {delay} (at least {min_windows:,} needed)"
            )
    raise ValueError(
        f"a split of {split_rows:,} rows cannot hold {min_windows} samples with "
        f"delay {delay} and any lookback of {candidates_days} days"
    )


def make_dataset(
    data,
    targets_column: int,
    lookback: int,
    step: int,
    delay: int,
    batch_size: int,
    start: int = 0,
    end: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
):
    """Batches of ``(samples, targets)`` from ``data`` with the book's windowing.

    A ``tf.data.Dataset`` made by ``keras.utils.timeseries_dataset_from_array``.
    ``samples`` have shape ``(batch, ceil(lookback / step), data.shape[1])`` and
    ``targets`` shape ``(batch,)``. The anchors are ``start + lookback <= i <
    end - delay`` (module docstring); ``shuffle`` draws them in a random order
    (fixed by ``seed``), each once per pass.
    """
    import keras

    data = np.asarray(data)
    end = len(data) if end is None else end
    if not 0 <= start <= end <= len(data):
        raise ValueError(f"need 0 <= start <= end <= {len(data)}: {start}, {end}")
    if min(lookback, step, batch_size) < 1 or delay < 0:
        raise ValueError("lookback, step and batch_size must be >= 1, delay >= 0")
    n = count_windows(start, end, lookback, delay)
    if n == 0:
        raise ValueError(
            f"rows [{start}, {end}) hold no sample with lookback {lookback} and "
            f"delay {delay}: it needs more than {lookback + delay} rows"
        )
    timesteps = len(range(0, lookback, step))
    # Keras pairs the window that starts at row s with targets[s]; our window for
    # anchor i starts at s = i - lookback and its target is row i + delay.
    targets = data[lookback + delay :, targets_column]
    # A one-step window ignores the sampling rate, which Keras wants < len(data).
    rate = step if timesteps > 1 else 1
    return keras.utils.timeseries_dataset_from_array(
        data,
        targets,
        sequence_length=timesteps,
        sampling_rate=rate,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        start_index=start,
        # Keras makes end_index - start_index - (timesteps - 1) * step windows.
        end_index=start + n + (timesteps - 1) * rate,
    )


@dataclass
class JenaData:
    """The Jena series prepared the same way for notebooks 08-11.

    ``data`` is the normalized array (training split's mean and standard
    deviation), ``columns`` its column names, ``target`` the index of
    ``T (degC)``. ``train``, ``val`` and ``test`` are `make_dataset` datasets
    (``train`` shuffled and repeated: pass ``steps_per_epoch``).
    """

    frame: object
    data: np.ndarray
    columns: list[str]
    target: int
    mean: np.ndarray
    std: np.ndarray
    train_end: int
    val_end: int
    lookback: int
    step: int
    delay: int
    batch_size: int
    steps_per_epoch: int
    notes: list[str] = field(default_factory=list)
    seed: int = 42

    @property
    def n_rows(self) -> int:
        return len(self.data)

    @property
    def celsius(self) -> float:
        """One normalized unit of temperature in °C (the training split's std)."""
        return float(self.std[self.target])

    def split(self, name: str) -> tuple[int, int]:
        """The rows ``[start, end)`` of ``"train"``, ``"val"`` or ``"test"``."""
        return {
            "train": (0, self.train_end),
            "val": (self.train_end, self.val_end),
            "test": (self.val_end, self.n_rows),
        }[name]

    def windows(self, name: str) -> int:
        return count_windows(*self.split(name), self.lookback, self.delay)

    def dataset(self, name: str, shuffle: bool = False):
        start, end = self.split(name)
        return make_dataset(
            self.data,
            self.target,
            self.lookback,
            self.step,
            self.delay,
            self.batch_size,
            start=start,
            end=end,
            shuffle=shuffle,
            seed=self.seed,
        )

    @property
    def train(self):
        return self.dataset("train", shuffle=True).repeat()

    @property
    def val(self):
        return self.dataset("val")

    @property
    def test(self):
        return self.dataset("test")

    @property
    def input_shape(self) -> tuple[int, int]:
        return len(range(0, self.lookback, self.step)), self.data.shape[1]

    def __str__(self) -> str:
        lines = [describe_data(self.frame), *self.notes]
        for name in ("train", "val", "test"):
            start, end = self.split(name)
            lines.append(
                f"{name:<5} rows {start:>7,}-{end - 1:<7,} "
                f"({end - start:,} rows, {self.windows(name):,} samples)"
            )
        lines.append(
            f"samples of {self.input_shape[0]} steps x {self.input_shape[1]} "
            f"features; target {self.columns[self.target]} {self.delay} rows "
            f"({self.delay * 10 / 60:g} hours) after the anchor"
        )
        return "\n".join(lines)


def prepare_jena(settings, seed: int = 42) -> JenaData:
    """Load, cut, split and normalize the Jena data for a lesson's ``settings``.

    Reads ``rows``, ``columns``, ``lookback``, ``step``, ``delay``, ``batch_size``
    and ``steps_per_epoch`` from ``settings`` (``helpers/profiles.toml``). Where the
    data present cannot hold the book's lookback or steps per epoch, it uses less
    and says so in ``notes`` (printed by ``str()``).
    """
    from .data import load_jena_climate

    df, note = select_jena(load_jena_climate(), settings.rows, settings.columns)
    columns = list(df.columns)
    raw = df.to_numpy(dtype="float32")
    train_end, val_end = jena_splits(len(raw))
    mean = raw[:train_end].mean(axis=0)
    std = raw[:train_end].std(axis=0)
    lookback, lookback_note = resolve_lookback(
        settings.lookback,
        settings.step,
        settings.delay,
        min(val_end - train_end, len(raw) - val_end),
        min_windows=2 * settings.batch_size,
        split_name="the smaller evaluation split",
    )
    notes = [note, lookback_note]
    train_windows = count_windows(0, train_end, lookback, settings.delay)
    per_pass = math.ceil(train_windows / settings.batch_size)
    steps = settings.steps_per_epoch
    if per_pass < steps:
        notes.append(
            f"steps per epoch REDUCED to {per_pass} (one pass over the "
            f"{train_windows:,} training samples) instead of the book's {steps}"
        )
        steps = per_pass
    else:
        notes.append(f"steps per epoch: {steps} batches of {settings.batch_size}")
    return JenaData(
        frame=df,
        data=(raw - mean) / std,
        columns=columns,
        target=columns.index(TARGET),
        mean=mean,
        std=std,
        train_end=train_end,
        val_end=val_end,
        lookback=lookback,
        step=settings.step,
        delay=settings.delay,
        batch_size=settings.batch_size,
        steps_per_epoch=steps,
        notes=notes,
        seed=seed,
    )


def common_sense_mae(dataset, target: int) -> float:
    """MAE of the common-sense forecast over a `make_dataset` dataset.

    Introduced in notebook 08: the forecast is the sample's last temperature
    (``samples[:, -1, target]``), "tomorrow is like now".
    """
    errors = [np.abs(np.asarray(x)[:, -1, target] - np.asarray(y)) for x, y in dataset]
    return float(np.concatenate(errors).mean())


def train_jena(model, jena: JenaData, epochs: int, callbacks=(), verbose: int = 2):
    """Train ``model`` the book's way and evaluate its best epoch on the test split.

    Introduced in notebook 08, where these steps are written out. RMSprop and the
    MAE loss; ``epochs`` of ``jena.steps_per_epoch`` shuffled training batches,
    validating on the whole validation split after each. The weights of the epoch
    with the lowest validation MAE are restored at the end (an ``EarlyStopping``
    whose patience never runs out). Returns ``(history, test_mae)``.
    """
    import keras

    model.compile(optimizer=keras.optimizers.RMSprop(), loss="mae")
    best = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=epochs, restore_best_weights=True
    )
    history = model.fit(
        jena.train,
        steps_per_epoch=jena.steps_per_epoch,
        epochs=epochs,
        validation_data=jena.val,
        callbacks=[best, *callbacks],
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself
    )
    return history, float(model.evaluate(jena.test, verbose=0))


def record_mae(name: str, mae: float, jena: JenaData, book=None, note: str = ""):
    """Record an MAE in normalized units and in °C, beside the book's values.

    ``book`` is the book's MAE in normalized units; its °C value uses the book's
    conversion (0.29 ≈ 2.57 °C, a standard deviation of 8.85 °C).
    """
    from .reporting import record

    book_std = 2.57 / 0.29
    record(name, float(mae), book=book, unit="(normalized)", note=note)
    record(
        f"{name}_celsius",
        float(mae) * jena.celsius,
        book=None if book is None else round(book * book_std, 2),
        unit="°C",
        note=note,
    )


def time_epochs(models: dict, jena: JenaData, epochs: int) -> dict[str, float]:
    """Median seconds per training epoch of each of ``models``, timed fairly.

    Introduced in notebook 10, reused in 11. The models are compiled as in
    `train_jena` and trained one epoch each in turn, ``epochs`` rounds, so that
    a change in the machine's load hits them alike. Each epoch is timed with
    `epoch_timer` (validation included); the median is robust to the slower first
    epoch, which also traces the model. Returns ``{name: median seconds}``.
    """
    import keras

    timers = {name: epoch_timer() for name in models}
    for model in models.values():
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="mae")
    for epoch in range(epochs):
        for name, model in models.items():
            model.fit(
                jena.train,
                steps_per_epoch=jena.steps_per_epoch,
                initial_epoch=epoch,
                epochs=epoch + 1,
                validation_data=jena.val,
                callbacks=[timers[name]],
                verbose=0,
                shuffle=False,
            )
    return {name: timer.median for name, timer in timers.items()}
