"""Figures: one save path, and training curves (the style: `helpers.style`).

Introduced in notebook 01 (`save_fig`) and notebook 03 (`plot_history`).

Every figure a notebook shows is also written by `save_fig` as
``build/<profile>/figures/<notebook>/<name>.png``. The tests compare the smoke
run's figures with the baselines in ``tests/baselines/``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from . import runs
from .sequences import seeds_label

UNCOMPARED = "uncompared.txt"


def save_fig(name: str, fig=None, *, compare: bool = True) -> Path:
    """Save ``fig`` (default: the current figure) for this run; return its path.

    ``compare=False`` marks a figure that shows measurements which differ from run
    to run (wall times): the tests check that it is made, not what it shows.
    """
    fig = fig or plt.gcf()
    folder = runs.current().figure_dir
    path = folder / f"{name}.png"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    listed = folder / UNCOMPARED
    names = set(listed.read_text().split()) if listed.exists() else set()
    names = names | {path.name} if not compare else names - {path.name}
    if names:
        listed.write_text("".join(f"{n}\n" for n in sorted(names)))
    else:
        listed.unlink(missing_ok=True)
    return path


def epoch_axis(ax):
    """Label ``ax``'s x axis "epoch", with ticks on whole epochs only.

    Used by the training-curve helpers below, and by a lesson's own curves.
    """
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


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
        epoch_axis(ax)
        ax.set_ylabel(name)
        ax.legend()
    if title:
        # A long title is wrapped to the figure's width instead of being cut off.
        fig.suptitle(textwrap.fill(title, width=int(fig.get_figwidth() * 10)))
    fig.tight_layout()
    return fig


def plot_lstm_cell():
    """A diagram of one LSTM step: carry track, gates and state. Notebook 06.

    Returns the figure; save it with `save_fig`.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(0.5, 5.4)
    ax.axis("off")

    def box(x, y, text, color, w=1.1, h=0.6):
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.05",
                fc=color,
                ec="black",
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=10)

    def node(x, y, text):
        ax.add_patch(plt.Circle((x, y), 0.25, fc="white", ec="black"))
        ax.text(x, y, text, ha="center", va="center", fontsize=11)

    def arrow(x0, y0, x1, y1, **kw):
        ax.add_patch(
            FancyArrowPatch(
                (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12, **kw
            )
        )

    # The carry track along the top, changed only elementwise.
    ax.text(0.2, 4.6, "$c_{t-1}$", fontsize=12, va="center")
    ax.text(9.45, 4.6, "$c_t$", fontsize=12, va="center")
    arrow(0.7, 4.6, 2.75, 4.6, lw=2.5, color="tab:red")
    node(3.0, 4.6, "×")
    arrow(3.25, 4.6, 5.25, 4.6, lw=2.5, color="tab:red")
    node(5.5, 4.6, "+")
    arrow(5.75, 4.6, 9.3, 4.6, lw=2.5, color="tab:red")
    ax.text(4.2, 4.95, "carry track", color="tab:red", ha="center", fontsize=9)

    # The gates, all computed from x_t and h_{t-1}.
    gates = [
        (3.0, "forget\n$f_t$ (σ)", "#f4cccc"),
        (4.6, "input\n$i_t$ (σ)", "#d9ead3"),
        (6.2, "candidate\n$\\tilde c_t$ (tanh)", "#fff2cc"),
        (7.8, "output\n$o_t$ (σ)", "#cfe2f3"),
    ]
    for x, text, color in gates:
        box(x, 2.3, text, color, w=1.35, h=0.75)
        arrow(x, 1.0, x, 1.9, color="grey")
    ax.plot([1.2, 8.6], [1.0, 1.0], color="grey")
    ax.text(1.1, 1.0, "$[x_t, h_{t-1}]$", ha="right", va="center", fontsize=11)
    arrow(3.0, 2.7, 3.0, 4.33)  # forget gate scales the old carry
    node(5.5, 3.6, "×")
    arrow(4.6, 2.7, 5.3, 3.45)
    arrow(6.2, 2.7, 5.7, 3.45)
    arrow(5.5, 3.85, 5.5, 4.33)
    # Output: h_t = o_t * tanh(c_t).
    node(8.6, 3.6, "×")
    arrow(8.6, 4.6, 8.6, 3.85, color="tab:red")
    ax.text(8.75, 4.15, "tanh", fontsize=8)
    arrow(7.8, 2.7, 8.4, 3.45)
    arrow(8.85, 3.6, 9.5, 3.6)
    ax.text(9.55, 3.6, "$h_t$", fontsize=12, va="center")
    ax.set_title("One LSTM step: gates decide what the carry forgets, stores and shows")
    fig.tight_layout()
    return fig


def plot_seed_accuracies(logs: dict, title: str):
    """Validation accuracy per epoch of classifiers trained with several seeds.

    Introduced in notebook 08, reused in 13 and 16. ``logs`` maps a model's name to the
    per-seed logs that `helpers.classifier_seeds` returns; each model gets one
    colour and one line per seed. Returns ``(fig, ax)``: add lines (a chance
    level) and call ``ax.legend()`` again before `save_fig`.
    """
    fig, ax = plt.subplots()
    for k, (name, seed_logs) in enumerate(logs.items()):
        for i, log in enumerate(seed_logs.values()):
            ax.plot(
                range(1, len(log["val_accuracy"]) + 1),
                log["val_accuracy"],
                "o-",
                ms=3,
                color=f"C{k}",
                alpha=0.8,
                label=seeds_label(name, len(seed_logs)) if i == 0 else None,
            )
    epoch_axis(ax)
    ax.set_ylabel("validation accuracy")
    # A long title is wrapped to the figure's width instead of being cut off.
    ax.set_title(textwrap.fill(title, width=int(fig.get_figwidth() * 10)))
    ax.legend()
    fig.tight_layout()
    return fig, ax


def plot_side_by_side(histories: dict, baseline: float | None = None):
    """Training and validation MAE of a few runs, one panel each, on one scale.

    Introduced in notebook 11 (a model and its control), reused in 12.
    ``histories`` maps a panel's title to a Keras ``History`` (or its dict);
    ``baseline`` draws the common-sense validation MAE in every panel. Returns
    the figure; save it with `save_fig`.
    """
    fig, axes = plt.subplots(
        1, len(histories), figsize=(5 * len(histories), 3.8), sharey=True, squeeze=False
    )
    for ax, (title, history) in zip(axes[0], histories.items(), strict=True):
        logs = getattr(history, "history", history)
        epochs = range(1, len(logs["loss"]) + 1)
        ax.plot(epochs, logs["loss"], label="training")
        ax.plot(epochs, logs["val_loss"], label="validation")
        if baseline is not None:
            ax.axhline(
                baseline, color="k", ls=":", lw=1, label="common sense (validation)"
            )
        ax.set_title(title)
        epoch_axis(ax)
    axes[0, 0].set_ylabel("MAE (normalized)")
    axes[0, 0].legend()
    fig.tight_layout()
    return fig


def plot_seed_histories(histories: dict, title: str, baseline: float | None = None):
    """Training and validation MAE of one model trained with several seeds.

    Introduced in notebook 10, reused in 11-14. ``histories`` maps a seed to its
    Keras ``History`` (what `helpers.train_seeds` returns); ``baseline`` draws
    the common-sense validation MAE. One colour per seed: dashed training,
    solid validation. Returns the figure; save it with `save_fig`.
    """
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for k, (seed, history) in enumerate(histories.items()):
        logs = getattr(history, "history", history)
        epochs = range(1, len(logs["loss"]) + 1)
        color = f"C{k}"
        ax.plot(epochs, logs["loss"], "--", color=color, lw=1, alpha=0.7)
        ax.plot(
            epochs, logs["val_loss"], "-", color=color, lw=1.5, label=f"seed {seed}"
        )
    if baseline is not None:
        ax.axhline(baseline, color="k", ls=":", lw=1, label="common sense")
    epoch_axis(ax)
    ax.set_ylabel("MAE (normalized)")
    ax.set_title(f"{title}\n(dashed: training, solid: validation)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
