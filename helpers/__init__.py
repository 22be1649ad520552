"""Helpers shared by the course notebooks, one module per concern.

data        the dataset registry, verified downloads, loaders (notebook 01)
text        IMDB reviews as integer sequences (notebook 03)
series      the time series of the forecasting lessons, validated (notebook 09)
sequences   time-series windowing, a series prepared for training (notebook 09)
runs        run profiles, seeding, build folders (notebook 01)
style       the figure style that `setup` applies (notebook 01)
plotting    the figures' save path, training curves (notebooks 01, 03, 07, 10, 11)
generation  temperature sampling for text generation (notebook 15)
tfjs        a model in TensorFlow.js's layers format, run in Node.js and a
            browser (notebook 17)
reporting   headline numbers with their provenance (notebook 01)
classifiers a text classifier over seeds, judged at its best epoch (notebook 08)

Each helper is introduced in the lesson that teaches it (its docstring says
which) and reused afterwards. The code a lesson teaches stays in its notebook.
The names below are those the lessons call (tests/test_helpers_api.py checks
it); the course's tooling, which no lesson calls, is the package `coursetools`.
"""

from .classifiers import (
    accuracy_table,
    classifier_seeds,
    fit_best,
    record_accuracy,
)
from .data import (
    fetch,
    glove_path,
    load_beijing_pm25,
    load_imdb_reviews,
    load_imdb_vocabulary,
    load_text,
    open_text,
)
from .generation import check_windows, sample_next
from .plotting import (
    epoch_axis,
    plot_history,
    plot_lstm_cell,
    plot_seed_accuracies,
    plot_seed_histories,
    plot_side_by_side,
    save_fig,
)
from .reporting import (
    epoch_timer,
    interleaved_epoch_times,
    record,
    recorded,
    summary,
)
from .runs import seed_everything, setup
from .sequences import (
    common_sense_mae,
    count_windows,
    describe_data,
    mae_table,
    make_dataset,
    prepare_series,
    record_mae,
    resolve_lookback,
    select_rows,
    spread,
    time_epochs,
    train_forecaster,
    train_seeds,
)
from .series import SERIES, beijing_frame, load_series
from .text import (
    decode,
    imdb_distinct_words,
    imdb_vocabulary,
    imdb_word_counts,
    load_imdb_padded,
    load_imdb_sequences,
    standardize,
    tf_standardize,
    tokenize,
)
from .tfjs import (
    TfjsExportError,
    browser_generate,
    compare_in_node,
    export_layers_model,
    node,
)

__all__ = [
    "accuracy_table",
    "TfjsExportError",
    "browser_generate",
    "compare_in_node",
    "export_layers_model",
    "node",
    "check_windows",
    "classifier_seeds",
    "fit_best",
    "record_accuracy",
    "SERIES",
    "beijing_frame",
    "load_beijing_pm25",
    "load_series",
    "prepare_series",
    "select_rows",
    "spread",
    "train_forecaster",
    "train_seeds",
    "common_sense_mae",
    "count_windows",
    "decode",
    "describe_data",
    "epoch_timer",
    "interleaved_epoch_times",
    "fetch",
    "glove_path",
    "imdb_distinct_words",
    "imdb_vocabulary",
    "imdb_word_counts",
    "load_imdb_padded",
    "load_imdb_reviews",
    "load_imdb_sequences",
    "load_imdb_vocabulary",
    "load_text",
    "make_dataset",
    "open_text",
    "epoch_axis",
    "plot_history",
    "plot_lstm_cell",
    "plot_seed_accuracies",
    "plot_seed_histories",
    "plot_side_by_side",
    "record",
    "recorded",
    "mae_table",
    "record_mae",
    "resolve_lookback",
    "sample_next",
    "save_fig",
    "seed_everything",
    "setup",
    "standardize",
    "summary",
    "tf_standardize",
    "time_epochs",
    "tokenize",
]
