"""IMDB as integer sequences (helpers.text) on small review trees written here."""

import zipfile

import numpy as np
import pytest

from helpers import text

REVIEWS = {
    ("train", "neg"): [
        "Bad, bad movie.<br /><br />Don't watch it!",
        "A bad film<br/>and boring.",
        "bad",
    ],
    ("train", "pos"): [
        "A good movie!",
        "Good, good, GOOD film.",
        "great movie<br>good",
    ],
    ("test", "neg"): ["zebra bad", "bad bad", "the end"],
    ("test", "pos"): ["good zebra", "good", "GOOD."],
}
# good 5, bad 4, movie 3, a 2, film 2, then the words seen once, alphabetically.
FULL_VOCABULARY = ["", "[UNK]", "good", "bad", "movie", "a", "film"] + sorted(
    ["and", "boring", "dont", "great", "it", "watch"]
)


@pytest.fixture
def reviews(imdb_mirror):
    return imdb_mirror(3, lambda split, cls, i: REVIEWS[split, cls][i])


# -- standardization ---------------------------------------------------------
@pytest.mark.parametrize(
    "raw, tokens",
    [
        ("Great movie.<br /><br />The END", ["great", "movie", "the", "end"]),
        ("one<br/>two<br>three<BR />four", ["one", "two", "three", "four"]),
        ("Don't, won't; it's", ["dont", "wont", "its"]),
        ("well-made (8/10)", ["well", "made", "8", "10"]),
        ("Amélie: CAFÉ", ["amélie", "café"]),
    ],
)
def test_tokenize(raw, tokens):
    assert text.tokenize(raw) == tokens


def test_tensorflow_standardization_gives_the_same_tokens():
    tf = pytest.importorskip("tensorflow")
    samples = [raw for reviews in REVIEWS.values() for raw in reviews] + [
        "Amélie: CAFÉ<br />Don't (8/10)...",
        "<br /><br />",
    ]
    standardized = text.tf_standardize(tf.constant(samples)).numpy()
    for raw, out in zip(samples, standardized, strict=True):
        assert out.decode("utf-8").split() == text.tokenize(raw)


# -- vocabulary and encoding -------------------------------------------------
def test_vocabulary_most_frequent_first_ties_alphabetical():
    counts = text.count_words([["b", "a", "c", "b"], ["c", "d"]])
    assert text.build_vocabulary(counts) == ["", "[UNK]", "b", "c", "a", "d"]
    assert text.build_vocabulary(counts, num_words=4) == ["", "[UNK]", "b", "c"]
    with pytest.raises(ValueError):
        text.build_vocabulary(counts, num_words=1)


def test_out_of_vocabulary_words_are_one_and_decode():
    vocabulary = ["", "[UNK]", "b", "c"]
    (encoded,) = text.encode([["c", "x", "b", "[UNK]", ""]], vocabulary)
    assert encoded.dtype == np.int32
    assert encoded.tolist() == [3, 1, 2, 1, 1]  # never 0: that is padding
    assert text.decode([0, 0, 3, 1, 2], vocabulary) == "c [UNK] b"


# -- load_imdb_sequences -----------------------------------------------------
def test_imdb_sequences_from_the_raw_reviews(reviews):
    (x_train, y_train), (x_test, y_test) = text.load_imdb_sequences(num_words=None)
    vocabulary = text.imdb_vocabulary(num_words=None)
    assert vocabulary == FULL_VOCABULARY
    assert y_train.tolist() == [0, 0, 0, 1, 1, 1] and y_train.dtype == np.int32
    assert y_test.tolist() == [0, 0, 0, 1, 1, 1]
    assert [text.decode(x, vocabulary) for x in x_train[:3]] == [
        "bad bad movie dont watch it",
        "a bad film and boring",
        "bad",
    ]
    assert all(x.dtype == np.int32 for x in x_train + x_test)
    # The vocabulary comes from the training reviews only: "zebra" is unknown.
    assert text.decode(x_test[0], vocabulary) == "[UNK] bad"
    assert (
        text.imdb_word_counts(num_words=None).tolist()
        == [0, 0, 5, 4, 3, 2, 2] + [1] * 6
    )
    assert text.imdb_distinct_words(num_words=None) == 11


def test_num_words_cuts_the_vocabulary(reviews):
    (x_train, _), (x_test, _) = text.load_imdb_sequences(num_words=6)
    assert text.imdb_vocabulary(num_words=6) == FULL_VOCABULARY[:6]
    assert x_train[0].tolist() == [3, 3, 4, 1, 1, 1]
    assert max(int(x.max(initial=0)) for x in x_train + x_test) < 6
    assert text.imdb_distinct_words(num_words=6) == 11


def test_limit_per_class_takes_the_first_reviews_by_file_name(reviews):
    (x_train, y_train), (x_test, y_test) = text.load_imdb_sequences(
        num_words=None, limit_per_class=1
    )
    vocabulary = text.imdb_vocabulary(num_words=None, limit_per_class=1)
    assert vocabulary == ["", "[UNK]", "bad", "movie", "a", "dont", "good", "it"] + [
        "watch"
    ]
    assert [text.decode(x, vocabulary) for x in x_train] == [
        "bad bad movie dont watch it",
        "a good movie",
    ]
    assert y_train.tolist() == [0, 1] and y_test.tolist() == [0, 1]
    assert [text.decode(x, vocabulary) for x in x_test] == ["[UNK] bad", "good [UNK]"]


def test_cache_round_trip_without_pickle(reviews, monkeypatch):
    first = text.load_imdb_sequences(num_words=6, limit_per_class=2)
    path = text.cache_path(6, 2)
    assert path.name == "imdb_sequences.v1.words-6.per-class-2.npz"
    assert path.parent == text.data.cache_dir()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files
    with np.load(path, allow_pickle=False) as stored:
        assert stored["vocabulary"].dtype.kind == "U"
        assert stored["train_tokens"].dtype == np.int32
        assert zipfile.is_zipfile(path)

    def no_rebuild(*args):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(text, "_build", no_rebuild)
    second = text.load_imdb_sequences(num_words=6, limit_per_class=2)
    for (xa, ya), (xb, yb) in zip(first, second, strict=True):
        assert [x.tolist() for x in xa] == [x.tolist() for x in xb]
        np.testing.assert_array_equal(ya, yb)
    assert text.cache_path(6, None) != path != text.cache_path(None, 2)


def test_a_failed_build_leaves_no_cache_file(reviews, monkeypatch):
    def broken(stream, **arrays):
        stream.write(b"PK half a file")
        raise OSError("disk full")

    monkeypatch.setattr(text.np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        text.load_imdb_sequences(num_words=6)
    assert not any(text.data.cache_dir().iterdir())
