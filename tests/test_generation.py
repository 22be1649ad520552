"""Temperature sampling (helpers/generation.py, introduced in notebook 15)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.generation import check_windows, reweight_distribution, sample_next

PROBS = np.array([0.05, 0.1, 0.5, 0.25, 0.1], dtype="float32")

distributions = st.lists(
    st.floats(0, 1e3, allow_nan=False, allow_subnormal=False), min_size=1, max_size=60
).filter(lambda xs: sum(xs) > 0)
temperatures = st.floats(1e-4, 100)


@given(distributions, temperatures)
def test_reweighted_probabilities_sum_to_one(values, temperature):
    weights = reweight_distribution(values, temperature)
    assert weights.dtype == np.float64
    assert np.all(weights >= 0)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    # The most likely entry stays the most likely, and zeros stay zero.
    assert weights[int(np.argmax(values))] == weights.max()
    assert np.all(weights[np.asarray(values) == 0] == 0)


def test_temperature_one_leaves_the_distribution_unchanged():
    assert np.allclose(reweight_distribution(PROBS, 1.0), PROBS / PROBS.sum())


def test_temperature_sharpens_and_flattens():
    cold, hot = reweight_distribution(PROBS, 0.5), reweight_distribution(PROBS, 2.0)
    assert cold.max() > PROBS.max() > hot.max()
    assert np.allclose(reweight_distribution(PROBS, 1e6), 1 / len(PROBS))


@pytest.mark.parametrize("temperature", [1e-3, 1e-6, 1e-12])
def test_a_very_low_temperature_picks_the_argmax(temperature):
    # exp(log(p) / T) underflows to 0 for every entry here: the book's version
    # returns NaN probabilities; this one puts all the weight on the argmax.
    rng = np.random.default_rng(0)
    assert [sample_next(PROBS, temperature, rng) for _ in range(50)] == [2] * 50
    assert reweight_distribution(PROBS, temperature)[2] == 1.0


def test_seeded_sampling_is_reproducible():
    def draw(seed):
        rng = np.random.default_rng(seed)
        return [sample_next(PROBS, 1.2, rng) for _ in range(100)]

    assert draw(1) == draw(1)
    assert draw(1) != draw(2)
    assert set(draw(1)) <= set(range(len(PROBS)))


def test_sampling_follows_the_reweighted_distribution():
    rng = np.random.default_rng(0)
    draws = [sample_next(PROBS, 0.5, rng) for _ in range(20_000)]
    freq = np.bincount(draws, minlength=len(PROBS)) / len(draws)
    assert np.allclose(freq, reweight_distribution(PROBS, 0.5), atol=0.015)


def test_zero_probabilities_are_never_sampled():
    rng = np.random.default_rng(0)
    probs = [0.0, 0.7, 0.0, 0.3]
    assert {sample_next(probs, 1.5, rng) for _ in range(500)} == {1, 3}


@pytest.mark.parametrize(
    "probs, temperature",
    [
        (PROBS, 0.0),
        (PROBS, -1.0),
        ([0.0, 0.0], 1.0),
        ([0.5, np.nan], 1.0),
        ([[0.5, 0.5]], 1.0),
        ([-0.1, 1.1], 1.0),
    ],
)
def test_invalid_input_is_refused(probs, temperature):
    with pytest.raises(ValueError):
        reweight_distribution(probs, temperature)


def notebook_14_windows(text, maxlen, step):
    """Notebook 15's `vectorize`, on character codes."""
    ids = np.frombuffer(text.encode(), dtype="uint8")
    return np.lib.stride_tricks.sliding_window_view(ids, maxlen + 1)[::step]


@pytest.mark.parametrize(
    "length, maxlen, step", [(61, 60, 3), (100, 60, 3), (99, 7, 1)]
)
def test_check_windows_counts_the_notebooks_windows(length, maxlen, step):
    text = "ab" * length
    assert check_windows(len(text), maxlen, step, max_chars=length) == len(
        notebook_14_windows(text[:length], maxlen, step)
    )


def test_max_chars_below_maxlen_is_refused_with_the_settings_named():
    text = "x" * 1000
    with pytest.raises(ValueError, match="window shape"):  # what users saw before
        notebook_14_windows(text[:50], 60, 3)
    with pytest.raises(
        ValueError, match=r"max_chars = 50 keeps 50 characters.*maxlen \+ 1 = 61"
    ) as err:
        check_windows(len(text), maxlen=60, step=3, max_chars=50)
    assert "settings.<name> after the setup cell" in str(err.value)
    with pytest.raises(ValueError, match="the text has 60 characters"):
        check_windows(60, maxlen=60)
    for bad in (
        dict(maxlen=0),
        dict(step=0),
        dict(max_chars=-5),
        dict(max_chars=0),  # not "all": a count of characters
        dict(max_chars="most"),
    ):
        with pytest.raises(ValueError, match=next(iter(bad))):
            check_windows(1000, **{"maxlen": 60, **bad})


def test_check_windows_reads_all_of_the_text_for_max_chars_all():
    whole = len(range(0, 1000 - 60, 3))
    assert check_windows(1000, 60, 3, max_chars="all") == whole
    assert check_windows(1000, 60, 3, max_chars=500) == len(range(0, 500 - 60, 3))


def test_check_windows_keeps_the_held_out_part_apart():
    text = "ab" * 500  # 1,000 characters: 900 to train on, 100 held out
    assert check_windows(len(text), 60, 3, held_out=0.1) == len(
        notebook_14_windows(text[:900], 60, 3)
    )
    with pytest.raises(ValueError, match=r"held_out = 0.05 keeps 50 of 1,000"):
        check_windows(len(text), 60, 3, held_out=0.05)
    with pytest.raises(ValueError, match="held_out must be a fraction"):
        check_windows(len(text), 60, 3, held_out=1.0)
    with pytest.raises(ValueError, match="keeps 120 characters, 54 of them to train"):
        check_windows(len(text), 60, 3, max_chars=120, held_out=0.55)
