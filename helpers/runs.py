"""One notebook run: its profile, its settings, its seed and its build folder.

Introduced in notebook 01. Every notebook's setup cell calls `setup`.

Run profiles
------------
``full``  the book's settings (the default; committed notebooks show a full run);
``smoke`` small data, few epochs and small models, so that every notebook runs in
          about 30 s on 2 CPU cores. CI executes every notebook this way.

A notebook names the profile by its first cell's parameter, ``quick = False``
(``True``: the smoke profile), which it passes to `setup`.

The values of both profiles live in one place, ``helpers/profiles.toml``: a
``[<notebook>.full]`` table, and a ``[<notebook>.smoke]`` table that overrides some
of its values.
"""

from __future__ import annotations

import os
import random
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

from .data import project_root

PROFILES = ("full", "smoke")
KERAS_BACKENDS = ("tensorflow", "jax", "torch")
BUILD_ENV = "COURSE_BUILD_DIR"
DEFAULT_SEED = 42
#: The recorded results of the committed notebooks, kept in git beside them: the
#: runner copies a notebook's results here when its full run replaces the
#: committed notebook (`coursetools.notebooks.run`), and `helpers.recorded` reads
#: them when this machine holds no full run of that notebook.
COMMITTED_RESULTS_DIR = project_root() / "notebooks" / "results"


def keras_backend() -> str:
    """The Keras backend that ``KERAS_BACKEND`` names: ``tensorflow`` when unset.

    Read without importing Keras. A backend chosen only in
    ``~/.keras/keras.json`` is not seen: the course picks backends with the
    variable (docs/backends.md).
    """
    return os.environ.get("KERAS_BACKEND", "").strip().lower() or "tensorflow"


def backend_suffix() -> str:
    """``backend-<name>`` under another backend than TensorFlow (``backend-jax``,
    ``backend-torch``; see `keras_backend`), ``""`` under TensorFlow."""
    backend = keras_backend()
    return "" if backend == "tensorflow" else f"backend-{backend}"


def build_dir() -> Path:
    """Where runs write figures and results: ``$COURSE_BUILD_DIR`` or build/.

    Under another backend than TensorFlow (``KERAS_BACKEND=jax``, ``torch``) that
    folder's ``backend-<name>/`` (`backend_suffix`), so that a run on JAX or
    PyTorch never replaces the figures, results and test copies of TensorFlow's,
    which the figure baselines are compared with.
    """
    root = Path(os.environ.get(BUILD_ENV) or project_root() / "build")
    suffix = backend_suffix()
    return root / suffix if suffix else root


def load_profiles() -> dict:
    """The parsed ``profiles.toml``."""
    text = resources.files("helpers").joinpath("profiles.toml").read_text("utf-8")
    return tomllib.loads(text)


class Settings(SimpleNamespace):
    """A notebook's settings: attributes, printed one per line."""

    def __repr__(self) -> str:
        width = max(map(len, vars(self)), default=0)
        return "\n".join(f"{k:<{width}} = {v!r}" for k, v in vars(self).items())


def settings_for(
    notebook: str, profile: str = "full", backend: str | None = None
) -> Settings:
    """The settings of ``notebook`` in ``profile`` on ``backend``.

    The ``full`` values, updated by the profile's overrides, then by those of the
    profile's sub-table named after the Keras backend, if any (``[<notebook>.
    smoke.torch]``: a smaller smoke run where one backend is much slower). The
    backend defaults to the one ``KERAS_BACKEND`` names (`keras_backend`).
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
    table = load_profiles().get(notebook)
    if table is None:
        raise KeyError(f"helpers/profiles.toml has no table [{notebook}.full]")
    values = dict(table.get("full", {}))
    if profile != "full":
        overrides = dict(table.get(profile, {}))
        per_backend = {
            name: overrides.pop(name)
            for name in KERAS_BACKENDS
            if isinstance(overrides.get(name), dict)
        }
        backend = backend or keras_backend()
        layers = [(f"{notebook}.{profile}", overrides)]
        if backend in per_backend:
            layers.append((f"{notebook}.{profile}.{backend}", per_backend[backend]))
        for name, layer in layers:
            unknown = set(layer) - set(values)
            if unknown:
                raise KeyError(
                    f"[{name}] overrides {sorted(unknown)}, "
                    f"which [{notebook}.full] does not define"
                )
            values.update(layer)
    return Settings(**values)


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and the Keras backend; make backend ops deterministic.

    With the TensorFlow backend this also calls
    ``tf.config.experimental.enable_op_determinism()``: the same run gives the same
    numbers on the same machine (a little slower on a GPU). Different machines and
    library versions can still differ in the last digits.
    """
    import keras
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        torch.use_deterministic_algorithms(True, warn_only=True)


@dataclass
class Run:
    notebook: str
    profile: str
    settings: Settings
    seed: int
    variant: str = ""  # set when a parameter overrides the profile: "jena"

    @property
    def label(self) -> str:
        """The notebook's name, with ``-<variant>`` for a run with overrides.

        Figures and results of ``09_series_data_and_baselines`` run with
        ``series="jena"`` go to ``09_series_data_and_baselines-jena``, so that
        they never replace those of the profile's own run.
        """
        return f"{self.notebook}-{self.variant}" if self.variant else self.notebook

    @property
    def figure_dir(self) -> Path:
        return build_dir() / self.profile / "figures" / self.label

    @property
    def model_dir(self) -> Path:
        """Where this run saves models (checkpoints, ``.keras`` files)."""
        return build_dir() / self.profile / "models" / self.label

    @property
    def export_dir(self) -> Path:
        """Where this run writes files it publishes (notebook 17: the models
        exported for TensorFlow.js). A full run's are kept beside the committed
        notebook, in ``notebooks/results/<label>/`` (`coursetools.notebooks.run`),
        where the site takes them from."""
        return build_dir() / self.profile / "exports" / self.label

    @property
    def results_file(self) -> Path:
        return build_dir() / self.profile / "results" / f"{self.label}.json"

    def __repr__(self) -> str:
        import keras

        head = (
            f"Keras {keras.__version__}, backend {keras.backend.backend()}, "
            f"seed {self.seed}"
        )
        if self.profile != "full":
            head += (
                "\nquick run: less data and fewer epochs; numbers differ from the text"
            )
        return f"{head}\n{self.settings!r}"


_CURRENT: Run | None = None


def check_settings(settings: Settings) -> None:
    """Refuse settings that cannot work, before a notebook does anything.

    Today: the character windows of notebook 15 (`helpers.generation.check_windows`:
    ``max_chars`` must leave room for one window of ``maxlen + 1`` characters),
    which would otherwise fail deep in NumPy with "window shape cannot be larger
    than input array shape". Raises ``ValueError`` naming the setting.
    """
    if {"max_chars", "maxlen", "step"} <= set(vars(settings)):
        from .generation import check_windows

        # the text is not loaded yet: only max_chars can make it too short here
        check_windows(10**12, settings.maxlen, settings.step, settings.max_chars)


def current() -> Run:
    """The run set up last in this process (a default one if none was)."""
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = Run("untitled", "full", Settings(), DEFAULT_SEED)
    return _CURRENT


def setup(
    notebook: str, quick: bool = False, seed: int = DEFAULT_SEED, **overrides
) -> Run:
    """Start a notebook run: settings, seeds, plotting style.

    ``notebook`` is the notebook's file name without ``.ipynb``. ``quick``
    (the notebook's parameter of that name) picks the smoke profile's settings:
    less data, fewer epochs, smaller models; ``False`` picks the full profile's.
    ``overrides`` replace settings of the profile (a papermill parameter such as
    ``series="jena"``); ``None`` keeps the profile's value. Returns a `Run`
    whose ``settings`` hold the values to use.
    """
    global _CURRENT
    if not isinstance(quick, bool):
        raise TypeError(
            f"quick must be True (a small, fast run) or False (the full lesson), "
            f"not {quick!r}"
        )
    profile = "smoke" if quick else "full"
    # TensorFlow's C++ log level, as the course kernel sets it (level 3: see
    # coursetools.notebooks.KERNEL_ENV). It only helps when TensorFlow is not imported
    # yet; a setup cell imports Keras first, so the kernel is what keeps the
    # notebooks clean.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    settings = settings_for(notebook, profile, keras.backend.backend())
    changed = []
    for key, value in overrides.items():
        if value is None:
            continue
        if not hasattr(settings, key):
            raise KeyError(
                f"{key!r} is not a setting of {notebook} (helpers/profiles.toml): "
                f"it has {sorted(vars(settings))}"
            )
        if getattr(settings, key) != value:
            changed.append(str(value))
        setattr(settings, key, value)
    check_settings(settings)
    seed_everything(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        # Lessons that train several models in a loop trigger TensorFlow's
        # "tf.function retracing" warning, which is harmless there.
        tf.get_logger().setLevel("ERROR")
    from .style import use_course_style

    use_course_style()
    _CURRENT = Run(notebook, profile, settings, seed, variant="-".join(changed))
    return _CURRENT
