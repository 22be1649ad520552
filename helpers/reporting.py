"""Headline numbers: recorded in a machine-readable file, printed beside the book's.

Introduced in notebook 01. Each notebook records its results in
``build/<profile>/results/<notebook>.json``: a list of records with the name,
value, the book's value where it gives one, the profile, and which data files
(official or partial, from where) produced them.
"""

from __future__ import annotations

import json
import math
import platform
import time
from dataclasses import replace
from datetime import UTC, datetime

from . import data, runs


def record(
    name: str,
    value,
    *,
    book=None,
    book_text: str | None = None,
    unit: str = "",
    note: str = "",
    values=None,
    echo: bool = True,
) -> None:
    """Record a headline number of the current run and print it.

    The book's result for the same experiment, where it gives one, comes from its
    companion notebook in two forms, printed apart: ``book_text``, what its text
    states, as it states it (``"~76%"``), and ``book``, the number its stored
    output shows (``0.7594``).
    ``values`` keeps the numbers ``value`` summarizes (one per seed), unprinted.
    ``echo=False`` records without printing, for a number the lesson has just
    printed in its own words. Recording a name again replaces its earlier value.
    """
    import keras

    run = runs.current()
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} is {value}: refusing to record a non-finite result")
    entry = {
        "name": name,
        "value": value,
        "unit": unit,
        "book": book,
        "book_text": book_text,
        "note": note,
        "values": None if values is None else [float(v) for v in values],
        "notebook": run.notebook,
        "profile": run.profile,
        "data": data.provenance(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "machine": platform.machine(),
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = run.results_file
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = json.loads(path.read_text()) if path.exists() else []
    entries = [e for e in entries if e["name"] != name] + [entry]
    path.write_text(json.dumps(entries, indent=2) + "\n")
    if echo:
        print(_line(entry))


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _line(entry: dict) -> str:
    text = f"{entry['name']}: {_fmt(entry['value'])}{entry['unit'] and ' ' + entry['unit']}"
    book = []
    if entry.get("book_text"):
        book.append(f'text "{entry["book_text"]}"')
    if entry["book"] is not None:
        book.append(f"output {_fmt(entry['book'])}")
    return text + (f"  (book's notebook: {', '.join(book)})" if book else "")


def results(notebook: str | None = None, profile: str | None = None) -> list[dict]:
    """The records of a notebook run (default: the current one)."""
    run = runs.current()
    path = runs.build_dir() / (profile or run.profile) / "results"
    path = path / f"{notebook or run.notebook}.json"
    return json.loads(path.read_text()) if path.exists() else []


def committed_results(notebook: str) -> list[dict]:
    """The records of the committed full run of ``notebook`` on this backend.

    Read from ``notebooks/results/<notebook>.json`` (`runs.COMMITTED_RESULTS_DIR`),
    which the runner writes beside the committed notebook; empty when there is
    none, or when that run was made on another Keras backend.
    """
    path = runs.COMMITTED_RESULTS_DIR / f"{notebook}.json"
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(
            f"{path} is not valid JSON ({err}): restore the committed file with "
            f"`git restore {path.relative_to(path.parents[2])}`, or re-run the "
            "notebook with `make notebooks NB=...`"
        ) from None
    backend = runs.keras_backend()
    return [e for e in entries if e.get("backend", "tensorflow") == backend]


def recorded(notebook: str, name: str, series: str | None = None):
    """The per-seed values of a number recorded by an earlier notebook, or None.

    Introduced in notebook 10, which compares its GRU with notebook 09's dense
    model. Reads the results of ``notebook`` in the current profile: this
    machine's last run of it, or, in the full profile when this machine has
    none, the committed run's (`committed_results`), so that a lesson can be
    compared with the lessons before it without running them first. With
    ``series``, only a result of a run on that series (its note says which)
    counts. A run with overrides reads the earlier notebook's run with the same
    ones (09 run with ``series="jena"`` reads ``08_...-jena``; `runs.Run.label`).
    Returns a NumPy array (one value when no seeds were kept).
    """
    import numpy as np

    run = runs.current()
    label = replace(run, notebook=notebook).label  # with this run's overrides
    entries = results(label)
    if not entries and run.profile == "full":
        entries = committed_results(label)
    entry = next((e for e in entries if e["name"] == name), None)
    if entry is None or (series and not entry.get("note", "").startswith(series)):
        return None
    return np.asarray(entry.get("values") or [entry["value"]], dtype="float64")


def summary(*datasets: str) -> str:
    """The data this run used: one standard line per dataset (`data.data_line`).

    The numbers themselves were printed when they were recorded; this names
    the datasets they came from, and whether each is the book's data or a
    stand-in for it. Given dataset names (``summary("shakespeare")``), only
    their lines: for data an exercise loads after the lesson's summary.
    """
    sources = {d["dataset"]: d for d in data.provenance()}
    for e in results():
        for d in e["data"]:
            sources.setdefault(d["dataset"], d)
    unused = [name for name in datasets if name not in sources]
    if unused:
        raise ValueError(
            f"this run has not loaded {', '.join(map(repr, unused))}; "
            f"it has loaded {', '.join(map(repr, sources)) or 'no dataset'}"
        )
    chosen = [sources[name] for name in datasets] if datasets else sources.values()
    return "\n".join(data.data_line(d) for d in chosen)


def epoch_timer():
    """A Keras callback that measures the wall time of every epoch, in seconds.

    Introduced in notebook 08, reused in 11, 12 and 14. Its ``times`` hold one value
    per epoch; the first also traces the model into a graph, so compare ``median``.
    """
    import keras
    import numpy as np

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._start)

        @property
        def median(self):
            return float(np.median(self.times)) if self.times else float("nan")

    return EpochTimer()


def interleaved_epoch_times(models: dict, fit_epoch, epochs: int):
    """The seconds of every training epoch of each of ``models``, timed fairly.

    Used in notebook 14 for two IMDB classifiers, and by `helpers.time_epochs`,
    which times its forecasters. The models are trained one epoch each in turn,
    ``epochs`` rounds, so that a change in the machine's load hits them alike.
    ``fit_epoch(model, epoch, timer)`` must train ``model`` for epoch number
    ``epoch`` (0-based) with the `epoch_timer` ``timer`` among its callbacks. Returns a DataFrame with one row per epoch
    (1, 2, ...) and one column of seconds per model; its ``median()`` is robust
    to the slower first epoch, which also traces the model.
    """
    import pandas as pd

    timers = {name: epoch_timer() for name in models}
    for epoch in range(epochs):
        for name, model in models.items():
            fit_epoch(model, epoch, timers[name])
    index = pd.RangeIndex(1, epochs + 1, name="epoch")
    return pd.DataFrame({name: t.times for name, t in timers.items()}, index=index)
