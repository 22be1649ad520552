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


def use_course_style() -> None:
    """The course's matplotlib settings (fixed sizes, so figures compare exactly)."""
    mpl.rcParams.update(STYLE)
