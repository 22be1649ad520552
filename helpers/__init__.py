"""Helpers shared by the course notebooks: data, runs, plotting, reporting,
sequences (time-series windowing).

Each helper is introduced in the lesson that teaches it (its docstring says
which) and reused afterwards. The code a lesson teaches stays in its notebook.
"""

from .data import (
    fetch,
    glove_path,
    load_glove,
    load_imdb_reviews,
    load_imdb_vocabulary,
    load_jena_climate,
    load_text,
    open_text,
    provenance,
)
from .plotting import plot_history, save_fig
from .reporting import record, summary
from .runs import seed_everything, setup
from .sequences import (
    common_sense_mae,
    count_windows,
    describe_data,
    epoch_timer,
    jena_splits,
    make_dataset,
    prepare_jena,
    record_mae,
    resolve_lookback,
    select_jena,
    time_epochs,
    train_jena,
)

__all__ = [
    "common_sense_mae",
    "count_windows",
    "describe_data",
    "epoch_timer",
    "fetch",
    "glove_path",
    "jena_splits",
    "load_glove",
    "load_imdb_reviews",
    "load_imdb_vocabulary",
    "load_jena_climate",
    "load_text",
    "make_dataset",
    "open_text",
    "plot_history",
    "prepare_jena",
    "provenance",
    "record",
    "record_mae",
    "resolve_lookback",
    "save_fig",
    "seed_everything",
    "select_jena",
    "setup",
    "summary",
    "time_epochs",
    "train_jena",
]
