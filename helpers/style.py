"""The course's figure style: fixed sizes and fonts, so that figures compare exactly.

Applied by `helpers.setup` (every notebook's setup cell), before any figure is
made; `helpers.plotting` saves the figures.
"""

from __future__ import annotations

import matplotlib as mpl

STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
}


#: pandas display options: a table's row labels (model names such as "GRU,
#: dropout 0.2/0.2, 40 epochs (notebook 11, one run)") are printed whole, and a
#: results table of five columns prints in one block instead of wrapping.
TABLES = {"display.max_colwidth": None, "display.width": 180}


def use_course_style() -> None:
    """The course's matplotlib settings (fixed sizes, so figures compare exactly)
    and pandas display options (`TABLES`)."""
    mpl.rcParams.update(STYLE)
    import pandas as pd

    for option, value in TABLES.items():
        pd.set_option(option, value)
