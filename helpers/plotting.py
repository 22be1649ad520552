"""Figures: one style, one save path, and training curves.

Introduced in notebook 01 (`save_fig`) and notebook 03 (`plot_history`).

Every figure a notebook shows is also written by `save_fig` as
``build/<profile>/figures/<notebook>/<name>.png``. The tests compare the smoke
run's figures with the baselines in ``tests/baselines/``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

from . import runs

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


def save_fig(name: str, fig=None) -> Path:
    """Save ``fig`` (default: the current figure) for this run; return its path."""
    fig = fig or plt.gcf()
    path = runs.current().figure_dir / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    return path


def plot_history(history, metric: str | None = None, title: str | None = None):
    """Training and validation curves of a Keras ``History``: loss, and ``metric``.

    ``history`` is what ``model.fit`` returns (or its ``.history`` dict). Returns
    the figure; save it with `save_fig`.
    """
    logs = getattr(history, "history", history)
    names = ["loss"] + ([metric] if metric else [])
    fig, axes = plt.subplots(
        1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False
    )
    for ax, name in zip(axes[0], names, strict=True):
        if name not in logs:
            raise KeyError(f"The history has no {name!r}; it has {sorted(logs)}")
        epochs = range(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "o-", ms=3, label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "s-", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
