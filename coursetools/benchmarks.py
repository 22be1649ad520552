"""Benchmarks: measured speeds, written to files, never asserted in tests.

    python -m coursetools.benchmarks pipeline [--steps N] [--repeats N] [--series S]
    python -m coursetools.benchmarks backends [--backends B ...] [--lessons NN ...]
                                          [--rounds N] [--size full|small]

``pipeline`` measures, at the book's settings (10 days of hourly steps, batches
of 128, the ``GRU(32)`` of notebook 10), what the input pipeline costs a
training epoch. The same training steps are timed five ways, interleaved and
repeated (the median is kept), in steady state (the first steps and the end of
``fit`` not counted):

- ``in memory``: the batches made beforehand and held as tensors, so that
  training never waits for input: the reference;
- the same batches from a generator that does not tell the graph their size
  (as a dataset with a partial last batch does not);
- ``helpers.make_dataset``: the course's pipeline (one vectorized gather per
  batch, prefetched in tf.data's threads), batched pass by pass and repeated,
  so that each pass ends with a partial batch (the lessons' first runs);
- the same with ``repeat=True``: repeated, then batched, so that every batch is
  whole and of a size the graph knows (``whole_batches``, the lessons' stream);
- ``timeseries_dataset_from_array``: Keras' function, a gather per window.

The extra time of a way is its time over ``in memory`` in the same round, as a
share of its time; the median over the rounds is reported, with their range.
The pipelines are also timed alone, without training. Results go to ``build/benchmarks/pipeline.json`` and are printed
as a Markdown table for docs/pipeline.md.

``backends`` times one training epoch of each lesson's main model (`LESSONS`)
on every installed Keras backend (TensorFlow, JAX, PyTorch), on synthetic data
of the lesson's shape: IMDB-shaped integer sequences, windows of the weather
series, windows of characters (`SIZES`). Each backend runs in a process of its
own (``KERAS_BACKEND`` is fixed when Keras is imported), which builds each model
and trains it once on two batches, so that compiling and tracing are not timed;
then, round after round, every lesson's epoch is timed on each backend in turn
(the backends' order rotates from round to round), and the median of the rounds
is kept. Results go to ``build/benchmarks/backends.json`` and, as a Markdown
table of seconds per epoch and ratios to TensorFlow, to
``build/benchmarks/backends.md``. ``--size small`` is a quick check that the
command runs: its numbers mean nothing.

Timings depend on the machine and its load: run them on an otherwise idle
machine.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np

from helpers.runs import build_dir


def _series(name: str):
    from helpers.sequences import prepare_series

    settings = SimpleNamespace(
        series=name,
        rows=0,
        columns=0,
        lookback_hours=240,
        step_hours=1,
        delay_hours=24,
        batch_size=128,
        steps_per_epoch=500,
    )
    return prepare_series(settings)


def pipeline(
    series: str = "beijing", steps: int = 100, repeats: int = 5, warmup: int = 10
) -> dict:
    """Seconds per training step of ``GRU(32)`` fed five ways, in steady state.

    Each way trains ``steps`` steps per round; only the steps after the first
    ``warmup`` are timed (from the end of step ``warmup`` to the end of the
    last, with a callback), so that neither the start of ``fit`` nor its end
    counts: Keras tears down a tf.data iterator at the end of ``fit``, which
    here sometimes took 10 s and made whole-call timings meaningless.
    """
    import keras
    import tensorflow as tf

    weather = _series(series)
    n_train = weather.windows("train")
    timesteps = weather.input_shape[0]
    keras_train = keras.utils.timeseries_dataset_from_array(
        weather.data,
        weather.data[weather.lookback + weather.delay :, weather.target],
        sequence_length=timesteps,
        sampling_rate=weather.step,
        batch_size=weather.batch_size,
        shuffle=True,
        seed=1,
        end_index=n_train + (timesteps - 1) * weather.step,
    ).repeat()
    passes = weather.dataset("train", shuffle=True, seed=1).repeat()
    whole_batches = weather.dataset("train", shuffle=True, seed=1, repeat=True)
    batches = list(passes.take(steps))
    x_held = np.stack([np.asarray(x) for x, _ in batches])
    y_held = np.stack([np.asarray(y) for _, y in batches])
    in_memory = tf.data.Dataset.from_tensor_slices((x_held, y_held)).repeat()

    def held_batches():
        while True:
            yield from zip(x_held, y_held, strict=True)

    # The same batches, but the graph is not told their size (as with a
    # dataset whose last batch is partial).
    in_memory_unknown = tf.data.Dataset.from_generator(
        held_batches,
        output_signature=(
            tf.TensorSpec((None, *x_held.shape[2:]), tf.float32),
            tf.TensorSpec((None,), tf.float32),
        ),
    )
    feeds = {
        "in memory": in_memory,
        "in memory, batch size unknown to the graph": in_memory_unknown,
        "helpers.make_dataset, batched per pass": passes,
        "helpers.make_dataset, repeat=True": whole_batches,
        "timeseries_dataset_from_array": keras_train,
    }

    class StepClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.ends = []

        def on_train_batch_end(self, batch, logs=None):
            self.ends.append(time.perf_counter())

    models = {}
    for name, feed in feeds.items():
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input(weather.input_shape),
                keras.layers.GRU(32),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="rmsprop", loss="mae")
        model.fit(feed, steps_per_epoch=5, epochs=1, verbose=0, shuffle=False)
        models[name] = model
    times = {name: [] for name in feeds}
    for _ in range(repeats):  # interleaved: a change of load hits all alike
        for name, feed in feeds.items():
            clock = StepClock()
            models[name].fit(
                feed,
                steps_per_epoch=steps,
                epochs=1,
                verbose=0,
                shuffle=False,
                callbacks=[clock],
            )
            timed = clock.ends[-1] - clock.ends[warmup - 1]
            times[name].append(timed / (steps - warmup))
    rows = {}
    for name, seconds in times.items():
        median = float(np.median(seconds))
        # Paired by round: each round's extra time over that round's in-memory
        # reference, as a share of the round, so that a change of load between
        # rounds cancels out.
        shares = [
            (t - ref) / t for t, ref in zip(seconds, times["in memory"], strict=True)
        ]
        rows[name] = {
            "seconds per step": median,
            "all seconds per step": seconds,
            "samples per second": weather.batch_size / median,
            "extra time share": float(np.median(shares)),
            "round shares": shares,
        }
    # The input pipelines alone, without training: milliseconds per batch.
    alone = {}
    for name in ("helpers.make_dataset, repeat=True", "timeseries_dataset_from_array"):
        iterator = iter(feeds[name])
        next(iterator)
        start = time.perf_counter()
        for _ in range(steps):
            next(iterator)
        alone[name] = (time.perf_counter() - start) / steps
    return {
        "benchmark": "pipeline",
        "series": series,
        "steps": steps,
        "warmup": warmup,
        "batch_size": weather.batch_size,
        "timesteps": timesteps,
        "features": weather.input_shape[1],
        "repeats": repeats,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "results": rows,
        "pipeline alone, seconds per batch": alone,
    }


def pipeline_table(result: dict) -> str:
    """The result of `pipeline` as a Markdown table."""
    lines = [
        f"GRU(32), steps {result.get('warmup', 0) + 1}-{result['steps']} of batches "
        f"of {result['batch_size']} samples of {result['timesteps']} x "
        f"{result['features']} ({result['series']}), median of {result['repeats']} "
        f"rounds, {result['machine']}, Keras {result['keras']} ({result['backend']})",
        "",
        "| input | ms per step | samples/s | extra time over in memory "
        "| range over the rounds |",
        "|---|---|---|---|---|",
    ]
    for name, row in result["results"].items():
        shares = row["round shares"]
        lines.append(
            f"| {name} | {row['seconds per step'] * 1000:.0f} "
            f"| {row['samples per second']:,.0f} | {row['extra time share']:.1%} "
            f"| {min(shares):.1%} to {max(shares):.1%} |"
        )
    alone = result.get("pipeline alone, seconds per batch", {})
    if alone:
        lines.append("")
        lines.append(
            "The input pipelines alone, without training: "
            + "; ".join(
                f"{name} {s * 1000:.1f} ms per batch" for name, s in alone.items()
            )
            + "."
        )
    return "\n".join(lines)


# -- the backends ------------------------------------------------------------------
#: The Keras backends `backends` can time: the module each needs, its name.
BACKENDS = {
    "tensorflow": ("tensorflow", "TensorFlow"),
    "jax": ("jax", "JAX"),
    "torch": ("torch", "PyTorch"),
}

BATCH_SIZE = 128

#: The synthetic data. ``full``: the lessons' shapes, 2,560 samples (20 whole
#: batches of 128: a last, smaller batch would make JAX compile a second time
#: inside the timed epoch; 20, not the lessons' hundreds, so that PyTorch's
#: Python loop over the time steps times every lesson in minutes). ``small``: a
#: quick check that the command runs.
SIZES = {
    "full": {"samples": 2560, "maxlen": 500, "timesteps": 240, "chars": 60},
    "small": {"samples": 256, "maxlen": 60, "timesteps": 24, "chars": 20},
}
VOCABULARY = 10_000  # the IMDB lessons' max_features
SERIES_FEATURES = 12  # the Beijing record's columns, as notebooks 09-12 use them
CHARACTERS = 57  # notebook 15's Nietzsche corpus
SHORT_MAXLEN = 20  # notebook 03's reviews: their last 20 words

#: Each lesson's main model: (model, data); `_build` makes it as the lesson does.
LESSONS = {
    "03": ("Embedding(10000, 8) → Flatten → Dense", "imdb-short"),
    "05": ("Embedding → SimpleRNN(32)", "imdb"),
    "06": ("Embedding → LSTM(32)", "imdb"),
    "08": ("Embedding → GRU(32)", "imdb"),
    "09": ("Flatten → Dense(32)", "series"),
    "10": ("GRU(32)", "series"),
    "11": ("GRU(32), dropout 0.2, recurrent dropout 0.2", "series"),
    "12": ("GRU(32) → GRU(64), dropout 0.1, recurrent dropout 0.5", "series"),
    "13": ("Embedding → Bidirectional(LSTM(32))", "imdb"),
    "14": ("Embedding(10000, 128) → Conv1D(32, 7) ×2", "imdb"),
    "15": ("one-hot → LSTM(128)", "chars"),
    "16": ("Embedding(mask_zero=True) → GRU(32)", "imdb-post"),
}


def data_label(kind: str, size: str) -> str:
    """What the synthetic data of ``kind`` holds, for the table."""
    shape = SIZES[size]
    n = f"{shape['samples']:,}"
    return {
        "imdb": f"{n} reviews × {shape['maxlen']} word ids",
        "imdb-post": f"{n} reviews × {shape['maxlen']} word ids, post-padded",
        "imdb-short": f"{n} reviews × {SHORT_MAXLEN} word ids",
        "series": f"{n} windows × {shape['timesteps']} h × {SERIES_FEATURES}",
        "chars": f"{n} windows × {shape['chars']} characters",
    }[kind]


def synthetic_data(kind: str, size: str):
    """Inputs and targets of the lesson's shape, the same on every backend."""
    shape = SIZES[size]
    n, maxlen = shape["samples"], shape["maxlen"]
    rng = np.random.default_rng(0)
    if kind.startswith("imdb"):
        maxlen = SHORT_MAXLEN if kind == "imdb-short" else maxlen
        x = np.zeros((n, maxlen), dtype="int32")
        lengths = rng.integers(maxlen // 10 + 1, maxlen + 1, n)  # padded reviews
        for row, length in zip(x, lengths, strict=True):
            words = rng.integers(2, VOCABULARY, length)
            if kind == "imdb-post":
                row[:length] = words
            else:
                row[maxlen - length :] = words
        return x, rng.integers(0, 2, n).astype("float32")
    if kind == "series":
        x = rng.standard_normal((n, shape["timesteps"], SERIES_FEATURES))
        return x.astype("float32"), rng.standard_normal(n).astype("float32")
    if kind == "chars":
        x = rng.integers(0, CHARACTERS, (n, shape["chars"])).astype("int32")
        return x, rng.integers(0, CHARACTERS, n).astype("int32")
    raise ValueError(f"unknown data {kind!r}")


def _build(lesson: str, x):
    """The lesson's main model, compiled as the lesson compiles it."""
    import keras

    class OneHot(keras.layers.Layer):  # notebook 15's: the ids one-hot encoded
        def __init__(self, depth, **kwargs):
            super().__init__(**kwargs)
            self.depth = depth

        def call(self, ids):
            return keras.ops.one_hot(ids, self.depth, dtype=self.compute_dtype)

    layers = keras.layers
    kind = LESSONS[lesson][1]
    inputs = keras.Input(shape=x.shape[1:], dtype=str(x.dtype))
    if lesson == "03":
        body = [layers.Embedding(VOCABULARY, 8), layers.Flatten()]
    elif lesson in ("05", "06", "08", "13", "16"):
        recurrent = {
            "05": lambda: layers.SimpleRNN(32),
            "06": lambda: layers.LSTM(32),
            "08": lambda: layers.GRU(32),
            "13": lambda: layers.Bidirectional(layers.LSTM(32)),
            "16": lambda: layers.GRU(32),
        }[lesson]()
        body = [layers.Embedding(VOCABULARY, 32, mask_zero=lesson == "16"), recurrent]
    elif lesson == "09":
        body = [layers.Flatten(), layers.Dense(32, activation="relu")]
    elif lesson == "10":
        body = [layers.GRU(32)]
    elif lesson == "11":
        body = [layers.GRU(32, dropout=0.2, recurrent_dropout=0.2)]
    elif lesson == "12":
        body = [
            layers.GRU(32, dropout=0.1, recurrent_dropout=0.5, return_sequences=True),
            layers.GRU(64, activation="relu", dropout=0.1, recurrent_dropout=0.5),
        ]
    elif lesson == "14":
        body = [
            layers.Embedding(VOCABULARY, 128),
            layers.Conv1D(32, 7, activation="relu"),
            layers.MaxPooling1D(5),
            layers.Conv1D(32, 7, activation="relu"),
            layers.GlobalMaxPooling1D(),
        ]
    elif lesson == "15":
        body = [OneHot(CHARACTERS), layers.LSTM(128)]
    else:
        raise ValueError(f"no main model for lesson {lesson!r}")
    h = inputs
    for layer in body:
        h = layer(h)
    metrics = ["accuracy"]  # the classifiers' lessons follow their accuracy
    if kind == "series":
        outputs, loss, optimizer, metrics = layers.Dense(1)(h), "mae", "rmsprop", []
    elif kind == "chars":
        outputs = layers.Dense(CHARACTERS, activation="softmax")(h)
        loss = "sparse_categorical_crossentropy"
        optimizer = keras.optimizers.RMSprop(0.01)
    else:
        outputs = layers.Dense(1, activation="sigmoid")(h)
        loss = "binary_crossentropy"
        optimizer = keras.optimizers.RMSprop(1e-4) if lesson == "14" else "rmsprop"
    model = keras.Model(inputs, outputs, name=f"lesson_{lesson}")
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


#: The worker's replies start with this, so that anything else a library prints
#: on standard output is not taken for one.
_REPLY = "@@benchmark "


def _reply(message: dict) -> None:
    print(_REPLY + json.dumps(message), flush=True)


def worker(size: str) -> None:
    """One backend's process: times the epochs that the parent asks for.

    Reads one JSON request per line from standard input (``{"lesson": "05"}``)
    and replies ``{"seconds": ...}`` or ``{"error": ...}``. A lesson's model is
    built and trained on two batches the first time it is asked for (compiling
    and tracing happen there, untimed).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    backend = keras.backend.backend()
    module = importlib.import_module(BACKENDS.get(backend, (backend,))[0])
    _reply(
        {"backend": backend, "version": module.__version__, "keras": keras.__version__}
    )
    data, models = {}, {}
    for line in sys.stdin:
        lesson = json.loads(line)["lesson"]
        try:
            kind = LESSONS[lesson][1]
            if kind not in data:
                data[kind] = synthetic_data(kind, size)
            x, y = data[kind]
            if lesson not in models:
                keras.utils.set_random_seed(0)
                models[lesson] = _build(lesson, x)
                warm = slice(0, 2 * BATCH_SIZE)
                models[lesson].fit(
                    x[warm], y[warm], batch_size=BATCH_SIZE, epochs=1, verbose=0
                )
            start = time.perf_counter()
            models[lesson].fit(
                x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0, shuffle=False
            )
            _reply({"seconds": time.perf_counter() - start})
        except Exception as err:  # reported in the table; the other lessons go on
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            _reply({"error": f"{type(err).__name__}: {first}"[:300]})


class _Worker:
    """The parent's handle on one backend's `worker` process."""

    def __init__(self, backend: str, size: str):
        from helpers.data import project_root

        self.backend = backend
        env = {**os.environ, "KERAS_BACKEND": backend}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coursetools.benchmarks", "worker", "--size", size],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=project_root(),
        )
        self.hello = self._read()

    def _read(self) -> dict:
        for line in self.process.stdout:
            if line.startswith(_REPLY):
                return json.loads(line[len(_REPLY) :])
            sys.stderr.write(line)  # what a library printed: not a reply
        code = self.process.wait()
        raise RuntimeError(f"the {self.backend} worker stopped (exit code {code})")

    def time(self, lesson: str) -> dict:
        self.process.stdin.write(json.dumps({"lesson": lesson}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def installed_backends() -> list[str]:
    """The backends of `BACKENDS` whose module is installed, in that order."""
    return [
        name
        for name, (module, _) in BACKENDS.items()
        if importlib.util.find_spec(module) is not None
    ]


def rotation(backends: list[str], round_: int) -> list[str]:
    """The order of the backends in round ``round_``: each goes first in turn."""
    k = round_ % len(backends) if backends else 0
    return backends[k:] + backends[:k]


def backends_benchmark(
    backends=None, lessons=None, rounds: int = 3, size: str = "full", log=print
) -> dict:
    """Seconds per training epoch of each lesson's main model on each backend."""
    backends = list(backends or installed_backends())
    lessons = list(lessons or LESSONS)
    unknown = [b for b in backends if b not in BACKENDS]
    unknown += [lesson for lesson in lessons if lesson not in LESSONS]
    if unknown:
        raise SystemExit(
            f"Unknown {unknown}: backends are {list(BACKENDS)}, lessons {list(LESSONS)}"
        )
    if size not in SIZES:
        raise SystemExit(f"--size must be one of {list(SIZES)}")
    workers = {}
    try:
        for backend in backends:
            log(f"starting {BACKENDS[backend][1]} ...")
            workers[backend] = _Worker(backend, size)
        seconds = {lesson: {b: [] for b in backends} for lesson in lessons}
        errors = {lesson: {} for lesson in lessons}
        for round_ in range(rounds):
            for lesson in lessons:
                for backend in rotation(backends, round_):
                    if backend in errors[lesson]:
                        continue
                    reply = workers[backend].time(lesson)
                    if "error" in reply:
                        errors[lesson][backend] = reply["error"]
                        log(f"{lesson} on {backend} failed: {reply['error']}")
                    else:
                        seconds[lesson][backend].append(reply["seconds"])
            log(f"round {round_ + 1} of {rounds} done")
    finally:
        for w in workers.values():
            w.close()
    keras_versions = {w.hello["keras"] for w in workers.values()}
    return {
        "benchmark": "backends",
        "size": size,
        "rounds": rounds,
        "batch_size": BATCH_SIZE,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "keras": ", ".join(sorted(keras_versions)),
        "versions": {b: w.hello["version"] for b, w in workers.items()},
        "backends": backends,
        "lessons": {
            lesson: {
                "model": LESSONS[lesson][0],
                "data": data_label(LESSONS[lesson][1], size),
                "seconds": {
                    b: float(np.median(s)) for b, s in seconds[lesson].items() if s
                },
                "all seconds": seconds[lesson],
                "errors": errors[lesson],
            }
            for lesson in lessons
        },
    }


def _cell(row: dict, backend: str, reference: float | None) -> str:
    """Seconds per epoch, with the ratio to ``reference`` (TensorFlow's)."""
    if backend in row["errors"]:
        return "failed"
    value = row["seconds"].get(backend)
    if value is None:
        return "—"
    cell = f"{value:.2f}" if value >= 1 else f"{value:.3f}"
    if backend != "tensorflow" and reference:
        cell += f" ({value / reference:.2f}×)"
    return cell


def backends_table(result: dict) -> str:
    """The result of `backends_benchmark` as a Markdown table, with a summary."""
    backends = result["backends"]
    compared = "tensorflow" in backends  # ratios only against a measured TensorFlow
    versions = ", ".join(f"{BACKENDS[b][1]} {result['versions'][b]}" for b in backends)
    small = " (size small: a check that the command runs)"
    headers = [
        f"{BACKENDS[b][1]} s/epoch"
        + (" (× TensorFlow)" if compared and b != "tensorflow" else "")
        for b in backends
    ]
    lines = [
        f"One training epoch of each lesson's main model on synthetic data of the "
        f"lesson's shape (batches of {result['batch_size']}), median of "
        f"{result['rounds']} rounds interleaved across the backends; "
        f"{result['machine']}; Keras {result['keras']}, {versions}"
        + (small if result["size"] == "small" else ""),
        "",
        "| lesson | model | data | " + " | ".join(headers) + " |",
        "|---|---|---|" + "---:|" * len(backends),
    ]
    ratios = {b: [] for b in backends if compared and b != "tensorflow"}
    for lesson, row in result["lessons"].items():
        base = row["seconds"].get("tensorflow") if compared else None
        cells = [_cell(row, b, base) for b in backends]
        lines.append(
            f"| {lesson} | {row['model']} | {row['data']} | " + " | ".join(cells) + " |"
        )
        for b in ratios:
            if base and b in row["seconds"]:
                ratios[b].append(row["seconds"][b] / base)
    means = [
        f"{BACKENDS[b][1]} {math.exp(np.mean(np.log(r))):.2f}×"
        for b, r in ratios.items()
        if r
    ]
    if means:
        lines += [
            "",
            "Geometric mean of the ratios to TensorFlow: " + ", ".join(means) + ".",
        ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m coursetools.benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pipeline", help="input-pipeline share of a GRU epoch")
    p.add_argument("--series", default="beijing")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--repeats", type=int, default=5)
    b = sub.add_parser("backends", help="seconds per epoch on each Keras backend")
    b.add_argument(
        "--backends",
        nargs="+",
        choices=list(BACKENDS),
        help="default: every installed one",
    )
    b.add_argument(
        "--lessons", nargs="+", choices=list(LESSONS), help="default: all of them"
    )
    b.add_argument("--rounds", type=int, default=3)
    b.add_argument(
        "--size",
        choices=list(SIZES),
        default="full",
        help="small: a quick check that the command runs (meaningless numbers)",
    )
    w = sub.add_parser("worker", help="(internal) one backend's process of backends")
    w.add_argument("--size", choices=list(SIZES), default="full")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.command == "worker":
        worker(args.size)
        return
    if args.command == "backends":
        result = backends_benchmark(args.backends, args.lessons, args.rounds, args.size)
        out = build_dir() / "benchmarks" / "backends.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        table = backends_table(result)
        out.with_suffix(".md").write_text(table + "\n")
        print(table)
        print(f"\nwritten to {out} and {out.with_suffix('.md')}")
        return
    result = pipeline(args.series, args.steps, args.repeats)
    out = build_dir() / "benchmarks" / "pipeline.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(pipeline_table(result))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
