"""Helpers shared by the course notebooks: data, text, runs, plotting, reporting.

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
from .text import (
    decode,
    imdb_distinct_words,
    imdb_vocabulary,
    imdb_word_counts,
    load_imdb_sequences,
    standardize,
    tf_standardize,
    tokenize,
)

__all__ = [
    "decode",
    "fetch",
    "glove_path",
    "imdb_distinct_words",
    "imdb_vocabulary",
    "imdb_word_counts",
    "load_glove",
    "load_imdb_reviews",
    "load_imdb_sequences",
    "load_imdb_vocabulary",
    "load_jena_climate",
    "load_text",
    "open_text",
    "plot_history",
    "provenance",
    "record",
    "save_fig",
    "seed_everything",
    "setup",
    "standardize",
    "summary",
    "tf_standardize",
    "tokenize",
]
