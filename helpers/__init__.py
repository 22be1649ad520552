"""Helpers shared by the course notebooks: data, runs, plotting, reporting.

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
from .generation import reweight_distribution, sample_next
from .plotting import plot_history, save_fig
from .reporting import record, summary
from .runs import seed_everything, setup

__all__ = [
    "fetch",
    "glove_path",
    "load_glove",
    "load_imdb_reviews",
    "load_imdb_vocabulary",
    "load_jena_climate",
    "load_text",
    "open_text",
    "plot_history",
    "provenance",
    "record",
    "reweight_distribution",
    "sample_next",
    "save_fig",
    "seed_everything",
    "setup",
    "summary",
]
