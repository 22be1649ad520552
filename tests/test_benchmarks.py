"""The benchmark command's table (the measurement itself is not a test)."""

from helpers import benchmarks


def test_pipeline_table_shows_the_input_wait_share():
    result = {
        "series": "beijing",
        "steps": 100,
        "batch_size": 128,
        "timesteps": 240,
        "features": 12,
        "repeats": 3,
        "machine": "x86_64, 2 CPU cores",
        "keras": "3.15.1",
        "backend": "tensorflow",
        "results": {
            "in memory": {
                "seconds": 8.0,
                "samples per second": 1600.0,
                "input wait share": 0.0,
            },
            "helpers.make_dataset": {
                "seconds": 8.2,
                "samples per second": 1561.0,
                "input wait share": 0.0244,
            },
        },
    }
    table = benchmarks.pipeline_table(result)
    assert "| helpers.make_dataset | 8.2 | 1,561 | 2.4% |" in table
    assert table.splitlines()[0].startswith("GRU(32), 100 steps of 128 samples")
