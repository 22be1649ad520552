"""IMDB reviews as integer sequences, built from the raw text, cached without pickle.

Introduced in notebook 03 (learned embeddings); notebook 04 uses the same
standardization inside a `TextVectorization` layer, and the recurrent lessons
reuse `load_imdb_sequences` with longer sequences.

``keras.datasets.imdb.load_data`` downloads a preprocessed, pickled ``imdb.npz``.
This module builds the same kind of data from the official ``aclImdb`` reviews
instead (see `helpers.data.load_imdb_reviews`):

- the official split: 25,000 training and 25,000 test reviews;
- text *standardization*: ``<br />`` tags become spaces, the text is lower-cased,
  apostrophes are dropped (``don't`` -> ``dont``) and the other ASCII punctuation
  becomes spaces; tokens are then split on whitespace (`tokenize`);
- a vocabulary of the ``num_words`` most frequent words **of the training
  reviews** (more frequent first, ties in alphabetical order);
- the index convention of `keras.layers.TextVectorization`: ``0`` is padding,
  ``1`` is ``"[UNK]"`` (every word outside the vocabulary), and the words follow
  from ``2``. ``num_words`` counts those two entries, so every index is below
  ``num_words`` and ``Embedding(num_words, dim)`` fits exactly (as with Keras'
  ``load_data(num_words=...)``, whose indices are below ``num_words`` too).

The result is cached in the data cache (`helpers.data.cache_dir`) as an ``.npz``
file written with `numpy.savez` (flat int32 token arrays, offsets, labels, and
the vocabulary as a unicode array) and read back with ``allow_pickle=False``.
The file name encodes the format version, ``num_words`` and ``limit_per_class``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import numpy as np

from . import data

#: Bump when the tokenization or the file layout changes: old caches are ignored.
CACHE_VERSION = 1
PAD, UNK = "", "[UNK]"
RESERVED = (PAD, UNK)  # indices 0 and 1

# The standardization, written once. The regular expressions work both in
# Python's `re` and in TensorFlow's RE2 (`tf_standardize`).
BR_TAG = r"<br\s*/?>"
APOSTROPHE = r"'"
PUNCTUATION = r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~]"

_BR = re.compile(BR_TAG)
_PUNCTUATION = re.compile(PUNCTUATION)


def standardize(text: str) -> str:
    """Lower-case ``text``, replace ``<br />`` tags and punctuation by spaces.

    Apostrophes are removed rather than replaced, so ``don't`` stays one word.
    """
    text = _BR.sub(" ", text.lower())
    return _PUNCTUATION.sub(" ", text.replace("'", ""))


def tokenize(text: str) -> list[str]:
    """The words of ``text``: `standardize`, then split on whitespace."""
    return standardize(text).split()


def tf_standardize(texts):
    """`standardize` with TensorFlow string ops, for ``TextVectorization(standardize=...)``.

    After `TextVectorization`'s whitespace split, gives the same tokens as
    `tokenize`, except around non-ASCII whitespace: Python's ``str.split`` also
    splits at characters such as U+0085 or U+00A0, TensorFlow's split does not.
    A few IMDB reviews hold U+0085 (a mis-encoded ellipsis).
    """
    import tensorflow as tf

    texts = tf.strings.lower(texts, encoding="utf-8")
    texts = tf.strings.regex_replace(texts, BR_TAG, " ")
    texts = tf.strings.regex_replace(texts, APOSTROPHE, "")
    return tf.strings.regex_replace(texts, PUNCTUATION, " ")


def count_words(token_lists) -> Counter:
    """How often each token occurs in ``token_lists`` (an iterable of token lists)."""
    counts = Counter()
    for tokens in token_lists:
        counts.update(tokens)
    return counts


def build_vocabulary(counts, num_words: int | None = None) -> list[str]:
    """``["", "[UNK]", words...]``: the most frequent words first, at most ``num_words``.

    ``counts`` maps words to their number of occurrences (see `count_words`). Ties
    are broken alphabetically, so the vocabulary is the same on every run.
    ``num_words`` counts the two reserved entries; ``None`` keeps every word.
    """
    if num_words is not None and num_words < len(RESERVED):
        raise ValueError(f"num_words must be at least {len(RESERVED)}, not {num_words}")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    keep = None if num_words is None else num_words - len(RESERVED)
    return [*RESERVED, *(word for word, _ in ranked[:keep])]


def encode(token_lists, vocabulary) -> list[np.ndarray]:
    """Each list of tokens as an int32 array of indices into ``vocabulary``."""
    index = {word: i for i, word in enumerate(vocabulary) if i >= len(RESERVED)}
    lookup = index.get
    unk = RESERVED.index(UNK)
    return [
        np.array([lookup(w, unk) for w in tokens], dtype=np.int32)
        for tokens in token_lists
    ]


def decode(sequence, vocabulary, skip_padding: bool = True) -> str:
    """The words of an integer sequence, joined by spaces (padding left out)."""
    return " ".join(
        vocabulary[int(i)] for i in sequence if not (skip_padding and int(i) == 0)
    )


# --------------------------------------------------------------------------
# The cached IMDB sequences
# --------------------------------------------------------------------------
def cache_path(num_words: int | None, limit_per_class: int | None) -> Path:
    """Where `load_imdb_sequences` keeps its result for these arguments."""
    words = "all" if num_words is None else str(num_words)
    limit = "all" if limit_per_class is None else str(limit_per_class)
    name = f"imdb_sequences.v{CACHE_VERSION}.words-{words}.per-class-{limit}.npz"
    return data.cache_dir() / name


def _flatten(sequences) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.concatenate(sequences) if sequences else np.zeros(0)
    return flat.astype(np.int32), offsets


def _unflatten(flat: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    return np.split(flat, offsets[1:-1])


def _tokenized(split, limit_per_class):
    texts, labels = data.load_imdb_reviews(split, limit_per_class)
    return [tokenize(t) for t in texts], labels


def _build(num_words, limit_per_class) -> dict[str, np.ndarray]:
    train = _tokenized("train", limit_per_class)
    counts = count_words(train[0])
    vocabulary = build_vocabulary(counts, num_words)
    arrays = {
        "vocabulary": np.array(vocabulary, dtype=str),
        "counts": np.array([counts[w] for w in vocabulary], dtype=np.int64),
        "distinct_training_words": np.array(len(counts), dtype=np.int64),
    }
    for split, (tokens, labels) in [
        ("train", train),
        ("test", _tokenized("test", limit_per_class)),
    ]:
        flat, offsets = _flatten(encode(tokens, vocabulary))
        arrays[f"{split}_tokens"] = flat
        arrays[f"{split}_offsets"] = offsets
        arrays[f"{split}_labels"] = labels.astype(np.int32)
    return arrays


def _write_atomically(path: Path, arrays: dict[str, np.ndarray]) -> None:
    # A temporary file beside the target (same file system, so os.replace is
    # atomic), unique to this process; open() honours the umask, unlike mkstemp.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as stream:
            np.savez(stream, **arrays)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _load(num_words, limit_per_class) -> dict[str, np.ndarray]:
    path = cache_path(num_words, limit_per_class)
    data.fetch("imdb")  # verify the reviews are there, and record their provenance
    if not path.exists():
        _write_atomically(path, _build(num_words, limit_per_class))
    with np.load(path, allow_pickle=False) as stored:
        return {key: stored[key] for key in stored.files}


def load_imdb_sequences(
    num_words: int | None = 10_000, limit_per_class: int | None = None
):
    """IMDB reviews as integer sequences: ``(x_train, y_train), (x_test, y_test)``.

    Like ``keras.datasets.imdb.load_data(num_words=...)``, but built from the raw
    reviews (see the module's docstring for the tokenization and the index
    convention: 0 padding, 1 ``[UNK]``, words from 2). ``x_*`` are lists of int32
    arrays of different lengths (pad them with ``keras.utils.pad_sequences``);
    ``y_*`` are int32 arrays, 0 = negative, 1 = positive. Reviews come negatives
    first, then positives: shuffle before training.

    ``limit_per_class=n`` takes the first ``n`` reviews of each class by file name,
    from both splits, and builds the vocabulary from those training reviews only.
    The first call tokenizes the reviews (some seconds); later calls read the cache.
    """
    arrays = _load(num_words, limit_per_class)
    return tuple(
        (
            _unflatten(arrays[f"{split}_tokens"], arrays[f"{split}_offsets"]),
            arrays[f"{split}_labels"],
        )
        for split in ("train", "test")
    )


def load_imdb_padded(
    num_words: int | None = 10_000,
    maxlen: int = 500,
    limit_per_class: int | None = None,
    seed: int = 42,
):
    """`load_imdb_sequences`, shuffled and padded: what the recurrent lessons train on.

    Introduced in notebook 05, which does these steps by hand: the training
    reviews are shuffled with ``seed`` (they come sorted by class, and
    ``validation_split`` takes the *last* 20% of the data), then both splits are
    padded or truncated to ``maxlen`` words with `keras.utils.pad_sequences`
    (padding and truncation at the start, so each review's end is kept).
    Returns ``(x_train, y_train), (x_test, y_test)`` as int32 arrays.
    """
    import keras

    (x_train, y_train), (x_test, y_test) = load_imdb_sequences(
        num_words, limit_per_class
    )
    order = np.random.default_rng(seed).permutation(len(x_train))
    x_train = keras.utils.pad_sequences([x_train[i] for i in order], maxlen=maxlen)
    x_test = keras.utils.pad_sequences(x_test, maxlen=maxlen)
    return (x_train, y_train[order]), (x_test, y_test)


def imdb_vocabulary(
    num_words: int | None = 10_000, limit_per_class: int | None = None
) -> list[str]:
    """The vocabulary of `load_imdb_sequences` with the same arguments.

    ``vocabulary[i]`` is the word of index ``i``: ``""`` (padding), ``"[UNK]"``,
    then the training reviews' words, the most frequent first.
    """
    return [str(w) for w in _load(num_words, limit_per_class)["vocabulary"]]


def imdb_word_counts(
    num_words: int | None = 10_000, limit_per_class: int | None = None
) -> np.ndarray:
    """How often each vocabulary word occurs in the training reviews.

    ``counts[i]`` belongs to ``vocabulary[i]`` (0 for padding and ``[UNK]``).
    """
    return _load(num_words, limit_per_class)["counts"]


def imdb_distinct_words(
    num_words: int | None = 10_000, limit_per_class: int | None = None
) -> int:
    """How many distinct words the training reviews hold, before the cut to ``num_words``."""
    return int(_load(num_words, limit_per_class)["distinct_training_words"])
