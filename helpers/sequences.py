"""Time-series windowing, and a series prepared for the forecasting lessons.

Introduced in notebook 09 (data, windowing and baselines), where the book's
``generator`` is rebuilt as a ``keras.utils.PyDataset`` and compared with
`make_dataset`; reused by notebooks 10-14. Which series (the Beijing record or
the book's Jena file) and what each one is: `helpers.series`.

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
import re
from dataclasses import dataclass, field

import numpy as np

from . import series as series_module

#: The lookbacks tried, longest first, when a split cannot hold the book's 10
#: days (see `resolve_lookback`).
LOOKBACK_DAYS = (10, 5, 3, 2, 1)
#: The book's Jena numbers are in units of its training split's standard
#: deviation of the temperature: 0.29 ≈ 2.57 °C.
BOOK_CELSIUS_PER_UNIT = 2.57 / 0.29


def count_windows(start: int, end: int, lookback: int, delay: int) -> int:
    """How many samples the rows ``[start, end)`` hold (see the module docstring)."""
    return max(0, end - delay - start - lookback)


def describe_data(df) -> str:
    """One paragraph on the data present: which series, rows, time range, official?

    ``df`` is what `helpers.load_series` (or `helpers.data.load_jena_climate`)
    returns; ``df.attrs`` says which series and whether it is the complete
    official record.
    """
    name = df.attrs.get("series", "jena")
    spec = series_module.spec(name)
    kind = (
        "the complete official record"
        if df.attrs.get("official", False)
        else f"NOT the complete official record ({spec.full_rows:,} rows)"
    )
    first, last = df.index[0], df.index[-1]
    return (
        f"{spec.title}\n"
        f"{len(df):,} rows x {df.shape[1]} numeric columns, "
        f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}: {kind}\n"
        f"source: {df.attrs.get('source', '?')}"
    )


def select_rows(df, rows: int | str = "all", columns: int | str = "all"):
    """The first ``rows`` rows and first ``columns`` numeric columns.

    ``"all"`` (or 0) keeps all of them.

    Returns ``(df, message)``; the message says what was kept, to print.
    """
    rows = len(df) if rows in ("all", 0) else int(rows)
    columns = df.shape[1] if columns in ("all", 0) else int(columns)
    kept = df.iloc[:rows, :columns]
    kept.attrs = dict(df.attrs)
    kept.attrs["official"] = df.attrs.get("official", False) and kept.shape == df.shape
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
    rows_per_day: int = 144,
) -> tuple[int, str]:
    """The book's ``lookback`` if a split of ``split_rows`` rows can hold it.

    A split holds a lookback when it yields at least ``min_windows`` samples
    (`count_windows`). Pass the smallest split that must be evaluated (the
    validation split). Otherwise the longest of ``candidates_days`` (days of
    ``rows_per_day`` rows, shorter than ``lookback``) that fits is used. Returns ``(lookback,
    message)``; the message says which was chosen and why, to print.
    """

    def fits(rows):
        return count_windows(0, split_rows, rows, delay) >= min_windows

    def days(rows):
        return f"{rows / rows_per_day:g} days ({rows} rows, {math.ceil(rows / step)} steps of {step})"

    if fits(lookback):
        return lookback, f"lookback: the book's {days(lookback)}"
    for d in candidates_days:
        rows = d * rows_per_day
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
    repeat: bool = False,
):
    """Batches of ``(samples, targets)`` from ``data`` with the book's windowing.

    A ``tf.data.Dataset`` (Keras takes one on every backend). ``samples`` have
    shape ``(batch, ceil(lookback / step), data.shape[1])`` and ``targets``
    shape ``(batch,)``. The anchors are ``start + lookback <= i < end - delay``
    (module docstring); ``shuffle`` draws them in a random order (fixed by
    ``seed``, new at every pass), each once per pass.

    Notebook 09 writes this function out and gets the same samples from the
    book's generator and from ``keras.utils.timeseries_dataset_from_array``,
    which builds every window separately; here a batch of windows is one
    vectorized gather, ``data[anchors + offsets]``, computed in tf.data's
    background threads while the model trains (measured by
    ``python -m coursetools.benchmarks pipeline``, docs/pipeline.md).

    ``repeat=True`` makes an endless training stream: pass follows pass (each
    shuffled anew) and the stream is cut into batches after the repeat, so that
    every batch holds ``batch_size`` samples, none is left out, and a batch may
    span the end of one pass and the start of the next. Batched before the
    repeat, each pass would end with a partial batch, the model's graph would be
    built for batches of unknown size, and on a CPU TensorFlow trains a GRU about
    30% slower that way (measured by ``python -m coursetools.benchmarks pipeline``;
    docs/pipeline.md). Take ``steps_per_epoch`` batches per epoch.
    """
    import tensorflow as tf

    data = np.asarray(data, dtype="float32")
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
    anchors = np.arange(start + lookback, start + lookback + n, dtype="int64")
    offsets = tf.constant(np.arange(-lookback, 0, step, dtype="int64"))
    rows = tf.constant(data)
    targets = tf.constant(data[:, targets_column])

    def windows(batch):
        return tf.gather(rows, batch[:, None] + offsets), tf.gather(
            targets, batch + delay
        )

    ds = tf.data.Dataset.from_tensor_slices(anchors)
    if shuffle:
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=repeat)  # endless: no sample dropped
    ds = ds.map(windows, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


@dataclass
class SeriesData:
    """A series prepared the same way for every forecasting lesson (09-14).

    ``data`` is the normalized array (the training split's mean and standard
    deviation), ``columns`` its column names, ``target`` the index of the
    forecast column. ``lookback``, ``step`` and ``delay`` are in rows of this
    series. ``train``, ``val`` and ``test`` are `make_dataset` datasets
    (``train`` shuffled with ``seed`` and repeated: pass ``steps_per_epoch``).
    ``whole_batches`` (the profile's setting): the training stream is batched
    after it repeats, so every batch is whole (`make_dataset`, ``repeat=True``);
    otherwise each pass is batched, then repeated, and ends with a partial batch,
    as in the runs committed before notebook 09 measured what that costs.
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
    #: how many of ``notes`` (the first ones) are about the data: its rows, lookback
    data_note_count: int = 0
    seed: int = 42
    name: str = "jena"
    whole_batches: bool = False

    @property
    def spec(self):
        """What this series is (`helpers.series.SeriesSpec`)."""
        return series_module.spec(self.name)

    @property
    def n_rows(self) -> int:
        return len(self.data)

    @property
    def celsius(self) -> float:
        """One normalized unit of the target in °C (the training split's std)."""
        return float(self.std[self.target])

    def hours(self, rows: int) -> float:
        return rows / self.spec.rows_per_hour

    def split(self, name: str) -> tuple[int, int]:
        """The rows ``[start, end)`` of ``"train"``, ``"val"`` or ``"test"``."""
        return {
            "train": (0, self.train_end),
            "val": (self.train_end, self.val_end),
            "test": (self.val_end, self.n_rows),
        }[name]

    def windows(self, name: str) -> int:
        return count_windows(*self.split(name), self.lookback, self.delay)

    def dataset(
        self,
        name: str,
        shuffle: bool = False,
        seed: int | None = None,
        repeat: bool = False,
    ):
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
            seed=self.seed if seed is None else seed,
            repeat=repeat,
        )

    def training_stream(self, seed: int | None = None):
        """The endless, shuffled training batches (``seed``: the series')."""
        if self.whole_batches:
            return self.dataset("train", shuffle=True, seed=seed, repeat=True)
        return self.dataset("train", shuffle=True, seed=seed).repeat()

    @property
    def train(self):
        return self.training_stream()

    @property
    def val(self):
        return self.dataset("val")

    @property
    def test(self):
        return self.dataset("test")

    @property
    def input_shape(self) -> tuple[int, int]:
        return len(range(0, self.lookback, self.step)), self.data.shape[1]

    @property
    def data_note(self) -> str:
        """One line on the data behind a result, for `helpers.record`."""
        official = "" if self.frame.attrs.get("official") else ", NOT complete"
        return (
            f"{self.name} series{official}: {self.n_rows:,} rows x "
            f"{len(self.columns)} columns, lookback {self.hours(self.lookback):g} h"
        )

    def __str__(self) -> str:
        return f"{describe_data(self.frame)}\n{self.preparation(with_data_notes=True)}"

    def preparation(self, with_data_notes: bool = False) -> str:
        """What was made of the data: the batches per epoch, the splits, the samples.

        `str()` without the data's description and the notes on its rows and
        lookback (``with_data_notes=True`` keeps those notes), for a lesson that
        printed them already (notebook 09).
        """
        lines = list(
            self.notes if with_data_notes else self.notes[self.data_note_count :]
        )
        for name in ("train", "val", "test"):
            start, end = self.split(name)
            index = self.frame.index
            lines.append(
                f"{name:<5} rows {start:>7,}-{end - 1:<7,} "
                f"{index[start]:%Y-%m-%d} to {index[end - 1]:%Y-%m-%d} "
                f"({end - start:,} rows, {self.windows(name):,} samples)"
            )
        lines.append(
            f"samples of {self.input_shape[0]} steps x {self.input_shape[1]} "
            f"features (one step = {self.hours(self.step):g} h, lookback "
            f"{self.hours(self.lookback):g} h); target "
            f"{self.columns[self.target]} {self.hours(self.delay):g} h after the "
            f"window ({self.hours(self.delay + self.step):g} h after its last step)"
        )
        return "\n".join(lines)


def settings_in_rows(settings, spec) -> tuple[int, int, int]:
    """``(lookback, step, delay)`` in rows of ``spec``'s series.

    The profiles give them in hours (``lookback_hours``, ``step_hours``,
    ``delay_hours``), so that one lesson runs on series of any rate: the book's
    10 days, one step per hour and 24 hours ahead are 1440, 6 and 144 rows of
    the Jena file and 240, 1 and 24 rows of the hourly Beijing record.
    """
    return (
        spec.rows(settings.lookback_hours, "the lookback"),
        spec.rows(settings.step_hours, "the step"),
        spec.rows(settings.delay_hours, "the delay"),
    )


def prepare_series(settings, seed: int = 42, series: str | None = None) -> SeriesData:
    """Load, cut, split and normalize a series for a lesson's ``settings``.

    Introduced in notebook 09, which does each step by hand first. Reads
    ``series`` (default ``"jena"``), ``rows``, ``columns``, the lookback, step
    and delay (`settings_in_rows`), ``batch_size``, ``steps_per_epoch`` and
    ``whole_batches`` (`SeriesData`; default false) from ``settings``
    (``helpers/profiles.toml``); the ``series`` argument overrides
    the setting. An epoch is at most one pass over the training split. Where
    the data present cannot hold the lookback or the steps per epoch, it uses
    less and says so in ``notes`` (printed by ``str()``).
    """
    name = series or getattr(settings, "series", "jena")
    spec = series_module.spec(name)
    df, note = select_rows(
        series_module.load_series(name),
        getattr(settings, "rows", "all"),
        getattr(settings, "columns", "all"),
    )
    columns = list(df.columns)
    raw = df.to_numpy(dtype="float32")
    train_end, val_end = spec.split(len(raw))
    mean = raw[:train_end].mean(axis=0)
    std = raw[:train_end].std(axis=0)
    std[std == 0] = 1.0  # a column constant in training (no snow in a slice, say)
    lookback, step, delay = settings_in_rows(settings, spec)
    lookback, lookback_note = resolve_lookback(
        lookback,
        step,
        delay,
        min(val_end - train_end, len(raw) - val_end),
        min_windows=2 * settings.batch_size,
        split_name="the smaller evaluation split",
        rows_per_day=spec.rows_per_day,
    )
    notes = [*df.attrs.get("notes", []), note, lookback_note]
    data_note_count = len(notes)
    train_windows = count_windows(0, train_end, lookback, delay)
    per_pass = math.ceil(train_windows / settings.batch_size)
    steps = getattr(settings, "max_steps_per_epoch", None) or settings.steps_per_epoch
    if per_pass < steps:
        notes.append(
            f"steps per epoch: {per_pass} batches of {settings.batch_size}, one pass "
            f"over the {train_windows:,} training samples (max_steps_per_epoch = "
            f"{steps} would be {steps * settings.batch_size / train_windows:.1f} passes)"
        )
        steps = per_pass
    else:
        notes.append(f"steps per epoch: {steps} batches of {settings.batch_size}")
    whole_batches = bool(getattr(settings, "whole_batches", False))
    if whole_batches:
        notes.append(
            "training stream: shuffled, repeated, then batched: every batch holds "
            f"{settings.batch_size} samples"
        )
    return SeriesData(
        frame=df,
        data=(raw - mean) / std,
        columns=columns,
        target=columns.index(spec.target),
        mean=mean,
        std=std,
        train_end=train_end,
        val_end=val_end,
        lookback=lookback,
        step=step,
        delay=delay,
        batch_size=settings.batch_size,
        steps_per_epoch=steps,
        notes=notes,
        data_note_count=data_note_count,
        seed=seed,
        name=name,
        whole_batches=whole_batches,
    )


def common_sense_mae(dataset, target: int) -> float:
    """MAE of the common-sense forecast over a `make_dataset` dataset.

    Introduced in notebook 09: the forecast is the sample's last temperature
    (``samples[:, -1, target]``), "tomorrow is like now".
    """
    errors = [np.abs(np.asarray(x)[:, -1, target] - np.asarray(y)) for x, y in dataset]
    return float(np.concatenate(errors).mean())


def train_forecaster(
    model,
    series: SeriesData,
    epochs: int,
    callbacks=(),
    verbose: int = 2,
    seed: int | None = None,
    test: bool = True,
):
    """Train ``model`` the book's way and evaluate its best epoch on the test split.

    Introduced in notebook 09, where these steps are written out. RMSprop and the
    MAE loss; ``epochs`` of ``series.steps_per_epoch`` shuffled training batches,
    validating on the whole validation split after each. The weights of the epoch
    with the lowest validation MAE are restored at the end (an ``EarlyStopping``
    whose patience never runs out). ``seed`` (default: the series') orders the
    training samples; seed the model's initialization before building it
    (`helpers.seed_everything`). Returns ``(history, test_mae)``; with
    ``test=False`` (an exploratory model, such as an exercise's) the test split
    is not read and ``test_mae`` is ``None``.
    """
    import keras

    model.compile(optimizer=keras.optimizers.RMSprop(), loss="mae")
    best = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=epochs, restore_best_weights=True
    )
    history = model.fit(
        series.training_stream(seed),
        steps_per_epoch=series.steps_per_epoch,
        epochs=epochs,
        validation_data=series.val,
        callbacks=[best, *callbacks],
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself
    )
    if not test:
        return history, None
    return history, float(model.evaluate(series.test, verbose=0))


def train_seeds(
    build, series: SeriesData, epochs: int, seeds, verbose: int = 0, test: bool = True
):
    """Train a fresh ``build()`` model for each seed; how much the result varies.

    Introduced in notebook 09, reused in 10-14. For each seed: seed everything
    (`helpers.seed_everything`: initial weights, dropout), build the model, and
    train it with `train_forecaster` (the seed also orders the samples).
    Returns ``(table, histories, models)``: a DataFrame indexed by seed with
    the best epoch, its validation MAE and its test MAE, and per seed the
    Keras history and the model (with its best epoch's weights). With
    ``test=False`` (exploratory models, such as an exercise's) the test split is
    not read and the table has no test column.
    """
    import pandas as pd

    from .runs import seed_everything

    rows, histories, models = [], {}, {}
    for seed in seeds:
        seed_everything(seed)
        model = build()
        history, test_mae = train_forecaster(
            model, series, epochs, verbose=verbose, seed=seed, test=test
        )
        val = history.history["val_loss"]
        row = {
            "seed": seed,
            "best epoch": int(np.argmin(val)) + 1,
            "validation MAE": float(min(val)),
        }
        if test:
            row["test MAE"] = test_mae
        rows.append(row)
        histories[seed], models[seed] = history, model
    return pd.DataFrame(rows).set_index("seed"), histories, models


def spread(values) -> str:
    """``"0.123 ± 0.004"``: the mean and standard deviation of ``values``.

    The standard deviation is the sample one (``ddof=1``); a single value gets
    no spread. Introduced in notebook 09.
    """
    values = np.asarray(values, dtype="float64")
    if len(values) < 2:
        return f"{values.mean():.3f}"
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f}"


def seeds_label(name: str, n: int) -> str:
    """A table row's name with its number of seeds, if more than one.

    ``"GRU"`` becomes ``"GRU (3 seeds)"``, and a name that ends in a note in
    parentheses takes the count inside it: ``"GRU (notebook 10, 3 seeds)"``. A
    call such as ``"Dropout(0.5)"`` is not a note.
    """
    if n < 2:
        return name
    if re.search(r" \([^()]*\)$", name):
        return f"{name[:-1]}, {n} seeds)"
    return f"{name} ({n} seeds)"


MAE_COLUMNS = ["validation MAE", "validation °C", "test MAE", "test °C"]


def mae_table(rows: dict, series: SeriesData):
    """A DataFrame of MAEs, normalized and in °C, mean ± std over the seeds.

    Introduced in notebook 09, reused in 10-14. ``rows`` maps a model's name to
    ``(validation MAEs, test MAEs, book)``: the MAEs one per seed (or a single
    value), in normalized units; ``book`` the book's Jena result as text ("" if
    none).
    A row whose validation MAEs are None (a notebook that has not run) is left
    out; test MAEs of None are shown as "—".
    """
    import pandas as pd

    table = {}
    for name, (val, test, book) in rows.items():
        if val is None:
            continue
        val = np.atleast_1d(val)
        cells = [spread(val), spread(val * series.celsius)]
        if test is None:
            cells += ["—", "—"]
        else:
            test = np.atleast_1d(test)
            cells += [spread(test), spread(test * series.celsius)]
        table[seeds_label(name, len(val))] = [*cells, book]
    return pd.DataFrame.from_dict(
        table, orient="index", columns=[*MAE_COLUMNS, "book (Jena) validation"]
    )


def record_mae(
    name: str,
    mae,
    series: SeriesData,
    book=None,
    note: str = "",
    book_text: tuple[str, str] | None = None,
    echo: bool = True,
):
    """Record an MAE in normalized units and in °C, beside the book's values.

    ``mae`` is one value or one per seed: then their mean is recorded, and
    their standard deviation as ``<name>_std`` (and ``<name>_celsius_std``).

    ``book`` is the book's Jena MAE in normalized units; its °C value uses the
    book's conversion (0.29 ≈ 2.57 °C, a standard deviation of 8.85 °C). The
    normalized units of two series differ (each is its own training split's
    standard deviation): compare series in °C. ``book_text`` is what the book's
    text says, normalized and in °C (``("0.29", "2.57 °C")``); with it, the °C
    record cites that text instead of converting ``book``. ``echo=False``
    prints nothing (for numbers a table or a sentence shows already).
    """
    from .reporting import record

    values = np.atleast_1d(np.asarray(mae, dtype="float64"))
    if len(values) > 1:
        note = f"{note}; mean of {len(values)} seeds".lstrip("; ")
    if book_text is None:
        book_celsius = None if book is None else round(book * BOOK_CELSIUS_PER_UNIT, 2)
        texts = (None, None)
    else:
        book_celsius, texts = None, book_text
    for suffix, scale, unit, book_value, text in (
        ("", 1.0, "(normalized)", book, texts[0]),
        ("_celsius", series.celsius, "°C", book_celsius, texts[1]),
    ):
        record(
            name + suffix,
            float(values.mean() * scale),
            book=book_value,
            book_text=text,
            unit=unit,
            note=note,
            values=values * scale if len(values) > 1 else None,
            echo=echo,
        )
        if len(values) > 1:
            record(
                f"{name}{suffix}_std",
                float(values.std(ddof=1) * scale),
                unit=unit,
                note=f"standard deviation over {len(values)} seeds",
                echo=echo,
            )


def time_epochs(models: dict, series: SeriesData, epochs: int) -> dict[str, float]:
    """Median seconds per training epoch of each of ``models``, timed fairly.

    Used in notebook 14. The models are compiled as in
    `train_forecaster` and trained one epoch each in turn, ``epochs`` rounds, so
    that a change in the machine's load hits them alike
    (`helpers.reporting.interleaved_epoch_times`). Each epoch is timed with
    `epoch_timer` (validation included); the median is robust to the slower
    first epoch, which also traces the model. Returns ``{name: median seconds}``.
    """
    import keras

    from .reporting import interleaved_epoch_times

    for model in models.values():
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="mae")

    def fit_epoch(model, epoch, timer):
        model.fit(
            series.train,
            steps_per_epoch=series.steps_per_epoch,
            initial_epoch=epoch,
            epochs=epoch + 1,
            validation_data=series.val,
            callbacks=[timer],
            verbose=0,
            shuffle=False,
        )

    seconds = interleaved_epoch_times(models, fit_epoch, epochs)
    return {name: float(seconds[name].median()) for name in models}
