"""Sampling the next token of a generated text, with a temperature.

Introduced in notebook 15 (character-level text generation), which writes out and
explains `reweight_distribution` and `sample_next`; kept here, with input checks
added, for the word-level generator of notebook 16.

The book's ``sample(preds, temperature)`` (1st ed., section 8.1) takes ``log(preds)``
(a warning and ``-inf`` where a probability is 0) and exponentiates ``log(p) / T``
directly, which underflows to all zeros, and then NaN, at small temperatures. These
versions subtract the largest logit first (so the most likely token always keeps
weight 1), normalise in float64, and draw with a seeded NumPy ``Generator``.
"""

from __future__ import annotations

import numpy as np


def reweight_distribution(probs, temperature: float = 1.0) -> np.ndarray:
    """``probs`` reweighted by ``temperature``: proportional to ``probs ** (1 / T)``.

    ``T = 1`` leaves the distribution unchanged, ``T < 1`` sharpens it towards its
    most likely entry, ``T > 1`` flattens it towards uniform. Entries that are 0
    stay 0. Returns float64 probabilities that sum to 1.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, not {temperature!r}")
    probs = np.asarray(probs, dtype="float64")
    if probs.ndim != 1 or not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError("probs must be a 1-D array of finite, non-negative numbers")
    if not probs.sum() > 0:
        raise ValueError("probs must have a positive entry")
    with np.errstate(divide="ignore"):  # log(0) = -inf, and exp(-inf) = 0: fine
        logits = np.log(probs) / temperature
    weights = np.exp(logits - logits.max())
    return weights / weights.sum()


def sample_next(probs, temperature: float = 1.0, rng=None) -> int:
    """The index of one token drawn from ``probs`` reweighted by ``temperature``.

    ``rng`` is a ``numpy.random.Generator`` (seed it for repeatable text); by
    default a fresh, unseeded one.
    """
    rng = np.random.default_rng() if rng is None else rng
    weights = reweight_distribution(probs, temperature)
    return int(rng.choice(len(weights), p=weights))


def check_windows(
    text_length: int,
    maxlen: int,
    step: int = 1,
    max_chars: int | str = "all",
    held_out: float = 0.0,
) -> int:
    """Check the windowing settings of a character model; return the window count.

    Notebook 15 cuts its training text to the first ``max_chars`` characters
    (``"all"``: the whole text of ``text_length`` characters) and takes windows of
    ``maxlen`` characters, and the character after each, every ``step``
    characters. Settings that leave no window raise a `ValueError` that names
    them (NumPy's ``sliding_window_view`` would only say "window shape cannot be
    larger than input array shape"). With ``held_out`` (a fraction below 1), the
    last ``held_out`` of those characters are kept apart for measuring the model
    on text it does not train on, and each part must hold a window. Returns the
    count of training windows, the book's ``len(range(0, len(text) - maxlen,
    step))`` over the training part.
    """
    where = "a setting: change settings.<name> after the setup cell"
    for name, value, least in (("maxlen", maxlen, 1), ("step", step, 1)):
        if not isinstance(value, int) or value < least:
            raise ValueError(
                f"{name} must be a whole number >= {least}, not {value!r} ({where})"
            )
    if isinstance(max_chars, bool) or not (
        max_chars == "all" or (isinstance(max_chars, int) and max_chars >= 1)
    ):
        raise ValueError(
            f'max_chars must be "all" (the whole text) or a positive number of '
            f"characters, not {max_chars!r} ({where})"
        )
    whole = max_chars == "all"
    length = text_length if whole else min(text_length, max_chars)
    if not isinstance(held_out, (int, float)) or not 0 <= held_out < 1:
        raise ValueError(
            f"held_out must be a fraction of the text from 0 to below 1, "
            f"not {held_out!r} ({where})"
        )
    held = int(length * held_out)
    if held_out and held < maxlen + 1:
        raise ValueError(
            f"held_out = {held_out} keeps {held:,} of {length:,} characters apart, "
            f"too few for one window of maxlen + 1 = {maxlen + 1} characters. "
            f"Raise held_out or max_chars, or lower maxlen ({where})."
        )
    if length - held < maxlen + 1:
        cause = (
            f"max_chars = {max_chars} keeps {length:,} characters"
            if not whole and max_chars < text_length
            else f"the text has {length:,} characters"
        )
        if held:
            cause += f", {length - held:,} of them to train on"
        raise ValueError(
            f"{cause}, too few for one window: each needs maxlen + 1 = {maxlen + 1} "
            f"characters (maxlen = {maxlen} and the next one). Set max_chars to "
            f'"all" (the whole text) or at least {maxlen + 1}, or lower maxlen ({where}).'
        )
    length -= held
    return len(range(0, length - maxlen, step))
