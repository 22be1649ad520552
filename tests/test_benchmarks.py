"""The benchmark command's table (the measurement itself is not a test)."""

import numpy as np

from coursetools import benchmarks


def test_pipeline_table_shows_the_extra_time_of_each_input():
    result = {
        "series": "beijing",
        "steps": 100,
        "warmup": 10,
        "batch_size": 128,
        "timesteps": 240,
        "features": 12,
        "repeats": 3,
        "machine": "x86_64, 2 CPU cores",
        "keras": "3.15.1",
        "backend": "tensorflow",
        "results": {
            "in memory": {
                "seconds per step": 0.070,
                "samples per second": 1828.6,
                "extra time share": 0.0,
                "round shares": [0.0, 0.0, 0.0],
            },
            "helpers.make_dataset": {
                "seconds per step": 0.0717,
                "samples per second": 1785.2,
                "extra time share": 0.0244,
                "round shares": [0.01, 0.0244, 0.05],
            },
        },
        "pipeline alone, seconds per batch": {"helpers.make_dataset": 0.0012},
    }
    table = benchmarks.pipeline_table(result)
    assert "| helpers.make_dataset | 72 | 1,785 | 2.4% | 1.0% to 5.0% |" in table
    assert "| in memory | 70 | 1,829 | 0.0% | 0.0% to 0.0% |" in table
    assert table.splitlines()[0].startswith("GRU(32), steps 11-100 of batches of 128")
    assert "helpers.make_dataset 1.2 ms per batch" in table


def backends_result(**changes):
    """A result of `benchmarks.backends_benchmark`, with made-up numbers."""
    result = {
        "benchmark": "backends",
        "size": "full",
        "rounds": 3,
        "batch_size": 128,
        "machine": "x86_64, 2 CPU cores",
        "keras": "3.15.1",
        "versions": {"tensorflow": "2.21.0", "jax": "0.10.2", "torch": "2.13.0+cpu"},
        "backends": ["tensorflow", "jax", "torch"],
        "lessons": {
            "05": {
                "model": "Embedding → SimpleRNN(32)",
                "data": "5,120 reviews × 500 word ids",
                "seconds": {"tensorflow": 10.0, "jax": 5.0, "torch": 40.0},
                "all seconds": {},
                "errors": {},
            },
            "09": {
                "model": "GRU(32)",
                "data": "5,120 windows × 240 h × 12",
                "seconds": {"tensorflow": 2.0, "jax": 2.0},
                "all seconds": {},
                "errors": {"torch": "RuntimeError: boom"},
            },
        },
    }
    result.update(changes)
    return result


def test_backends_table_shows_seconds_and_ratios_to_tensorflow():
    table = benchmarks.backends_table(backends_result())
    lines = table.splitlines()
    assert lines[0].startswith("One training epoch of each lesson's main model")
    assert "median of 3 rounds" in lines[0]
    assert "TensorFlow 2.21.0, JAX 0.10.2, PyTorch 2.13.0+cpu" in lines[0]
    assert lines[2] == (
        "| lesson | model | data | TensorFlow s/epoch | JAX s/epoch (× TensorFlow) "
        "| PyTorch s/epoch (× TensorFlow) |"
    )
    assert lines[3] == "|---|---|---|---:|---:|---:|"
    assert (
        "| 05 | Embedding → SimpleRNN(32) | 5,120 reviews × 500 word ids "
        "| 10.00 | 5.00 (0.50×) | 40.00 (4.00×) |" in lines
    )
    assert (
        "| 09 | GRU(32) | 5,120 windows × 240 h × 12 | 2.00 | 2.00 (1.00×) | failed |"
        in lines
    )
    # geometric means over the lessons each backend ran: sqrt(0.5 * 1) and 4
    assert lines[-1] == (
        "Geometric mean of the ratios to TensorFlow: JAX 0.71×, PyTorch 4.00×."
    )
    result = backends_result()
    result["lessons"]["05"]["seconds"]["jax"] = 0.0042  # short epochs keep digits
    assert "| 10.00 | 0.004 (0.00×) | 40.00 (4.00×) |" in benchmarks.backends_table(
        result
    )


def test_backends_table_without_tensorflow_has_no_ratios():
    result = backends_result(backends=["jax"], versions={"jax": "0.10.2"})
    table = benchmarks.backends_table(result)
    assert (
        "| 05 | Embedding → SimpleRNN(32) | 5,120 reviews × 500 word ids | 5.00 |"
        in table
    )
    assert "Geometric mean" not in table
    small = benchmarks.backends_table(backends_result(size="small"))
    assert "a check that the command runs" in small.splitlines()[0]


def test_backends_take_turns_going_first():
    order = ["tensorflow", "jax", "torch"]
    assert [benchmarks.rotation(order, r)[0] for r in range(4)] == [
        "tensorflow",
        "jax",
        "torch",
        "tensorflow",
    ]
    assert sorted(benchmarks.rotation(order, 2)) == sorted(order)


def test_installed_backends_are_those_whose_module_imports(monkeypatch):
    present = {"tensorflow", "torch"}
    monkeypatch.setattr(
        benchmarks.importlib.util,
        "find_spec",
        lambda name: object() if name in present else None,
    )
    assert benchmarks.installed_backends() == ["tensorflow", "torch"]


def test_every_lesson_has_synthetic_data_of_its_shape():
    for lesson, (_, kind) in benchmarks.LESSONS.items():
        x, y = benchmarks.synthetic_data(kind, "small")
        again, _ = benchmarks.synthetic_data(kind, "small")
        assert np.array_equal(x, again), lesson  # the same on every backend
        assert len(x) == len(y) == benchmarks.SIZES["small"]["samples"]
        assert benchmarks.data_label(kind, "small").startswith("256 ")
    x, _ = benchmarks.synthetic_data("imdb", "full")
    assert x.shape == (2560, 500) and x.dtype == np.int32
    assert len(x) % benchmarks.BATCH_SIZE == 0  # no smaller last batch to compile
    post, _ = benchmarks.synthetic_data("imdb-post", "small")
    assert (post[:, 0] > 0).all() and (x[:, -1] > 0).all()  # padding after, before
    series, _ = benchmarks.synthetic_data("series", "full")
    assert series.shape == (2560, 240, 12) and series.dtype == np.float32


def test_every_lesson_model_runs_on_its_small_data():
    """Each main model takes its data: the `--size small` check cannot fail there."""
    for lesson, (_, kind) in benchmarks.LESSONS.items():
        x, _ = benchmarks.synthetic_data(kind, "small")
        model = benchmarks._build(lesson, x)
        assert model.predict(x[:2], verbose=0).shape[0] == 2, lesson
