"""Benchmarks: measured speeds, written to files, never asserted in tests.

    python -m helpers.benchmarks pipeline [--steps N] [--repeats N] [--series S]

``pipeline`` measures, at the book's settings (10 days of hourly steps, batches
of 128, the ``GRU(32)`` of notebook 09), how much of a training epoch is spent
waiting for the input pipeline. The same number of training steps is timed
three ways, interleaved and repeated (the median is kept):

- ``in memory``: the batches made beforehand and held as tensors, so that
  training never waits for input: the reference;
- ``helpers.make_dataset``: the course's pipeline (one vectorized gather per
  batch, prefetched in tf.data's threads);
- ``timeseries_dataset_from_array``: Keras' function, a gather per window.

The input wait of a pipeline is its extra time over ``in memory``, as a share
of its epoch. Results go to ``build/benchmarks/pipeline.json`` and are printed
as a Markdown table for the README. Timings depend on the machine and its load:
run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from types import SimpleNamespace

import numpy as np

from .runs import build_dir


def _series(name: str):
    from .sequences import prepare_series

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


def pipeline(series: str = "beijing", steps: int = 100, repeats: int = 3) -> dict:
    """Seconds per ``steps`` training steps of ``GRU(32)`` fed three ways."""
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
    batches = list(weather.train.take(steps))
    in_memory = tf.data.Dataset.from_tensor_slices(
        (tf.stack([x for x, _ in batches]), tf.stack([y for _, y in batches]))
    ).repeat()
    feeds = {
        "in memory": in_memory,
        "helpers.make_dataset": weather.train,
        "timeseries_dataset_from_array": keras_train,
    }
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
            start = time.perf_counter()
            models[name].fit(
                feed, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False
            )
            times[name].append(time.perf_counter() - start)
    reference = float(np.median(times["in memory"]))
    rows = {}
    for name, seconds in times.items():
        median = float(np.median(seconds))
        rows[name] = {
            "seconds": median,
            "all seconds": seconds,
            "samples per second": steps * weather.batch_size / median,
            "input wait share": max(0.0, (median - reference) / median),
        }
    return {
        "benchmark": "pipeline",
        "series": series,
        "steps": steps,
        "batch_size": weather.batch_size,
        "timesteps": timesteps,
        "features": weather.input_shape[1],
        "repeats": repeats,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "results": rows,
    }


def pipeline_table(result: dict) -> str:
    """The result of `pipeline` as a Markdown table."""
    lines = [
        f"GRU(32), {result['steps']} steps of {result['batch_size']} samples of "
        f"{result['timesteps']} x {result['features']} ({result['series']}), "
        f"median of {result['repeats']}, {result['machine']}, "
        f"Keras {result['keras']} ({result['backend']})",
        "",
        "| input | seconds | samples/s | share of the epoch waiting for input |",
        "|---|---|---|---|",
    ]
    for name, row in result["results"].items():
        lines.append(
            f"| {name} | {row['seconds']:.1f} | {row['samples per second']:,.0f} "
            f"| {row['input wait share']:.1%} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pipeline", help="input-pipeline share of a GRU epoch")
    p.add_argument("--series", default="beijing")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    result = pipeline(args.series, args.steps, args.repeats)
    out = build_dir() / "benchmarks" / "pipeline.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(pipeline_table(result))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
