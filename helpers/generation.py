"""Sampling the next token of a generated text, with a temperature.

Introduced in notebook 14 (character-level text generation), which writes out and
explains `reweight_distribution` and `sample_next`; kept here, with input checks
added, for the word-level generator of notebook 15.

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
