import os
from dataclasses import replace
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--figures",
        action="store_true",
        help="compare the figures of the smoke run made in this session (by nbval) "
        "with tests/baselines; `make test` turns this on",
    )
    parser.addoption(
        "--notebooks",
        default="",
        help="with --figures: check only these notebooks' figures (numbers or "
        'names, as in `make test NB="01 05"`); empty: all notebooks',
    )


def pytest_collection_modifyitems(config, items):
    # The figure comparisons read what the notebooks wrote: run them last.
    items.sort(key=lambda item: item.get_closest_marker("figures") is not None)


def pytest_configure(config):
    config.addinivalue_line("markers", "figures: compares smoke-run figures")
    config.addinivalue_line(
        "markers", "kernel: executes a tiny notebook in the course kernel (seconds)"
    )


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """A fresh cache and mirror for one test; nothing outside tmp_path is touched."""
    cache, mirror = tmp_path / "cache", tmp_path / "mirror"
    cache.mkdir()
    mirror.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(cache))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    from helpers import data

    data._PROVENANCE.clear()
    return cache, mirror


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Unit tests never reach the network: a download attempt fails at once."""
    if os.environ.get("COURSE_TEST_ALLOW_NETWORK"):
        return
    import pooch

    def refuse(*args, **kwargs):
        raise ConnectionError("network disabled in unit tests")

    monkeypatch.setattr(pooch, "retrieve", refuse)


# -- a small IMDB tree, shared by the data and text tests ----------------------
def write_imdb_tree(root: Path, per_class: int = 3, text=None) -> Path:
    """An ``aclImdb`` folder with ``per_class`` reviews per split and class.

    ``text(split, cls, i)`` gives the review ``i``; by default
    ``"<split> <cls> review <i>"``. Files are written out of order on purpose.
    """
    text = text or (lambda split, cls, i: f"{split} {cls} review {i}")
    for split in ("train", "test"):
        for cls in ("neg", "pos"):
            folder = root / "aclImdb" / split / cls
            folder.mkdir(parents=True)
            for i in reversed(range(per_class)):
                rating = 2 if cls == "neg" else 9
                (folder / f"{i * 10}_{rating}.txt").write_text(
                    text(split, cls, i), encoding="utf-8"
                )
    (root / "aclImdb" / "imdb.vocab").write_text("the\nand\nmovie\n")
    return root / "aclImdb"


@pytest.fixture
def imdb_mirror(isolated_data, monkeypatch):
    """Writes a small IMDB tree into the test's mirror and registers it: call it."""
    _, mirror = isolated_data
    from helpers import data

    def make(per_class: int = 3, text=None) -> Path:
        write_imdb_tree(mirror, per_class, text)
        imdb = data.REGISTRY["imdb"]
        form = replace(imdb.forms[0], min_files={"train/neg": per_class})
        monkeypatch.setitem(data.REGISTRY, "imdb", replace(imdb, forms=(form,)))
        return mirror

    return make


@pytest.fixture
def small_imdb(imdb_mirror):
    return imdb_mirror()


@pytest.fixture
def real_imdb():
    """The real IMDB data (a lesson run needs it): skip without it, fail in CI."""
    from helpers import data

    try:
        data.fetch("imdb", download=False)
    except data.DatasetError:
        if os.environ.get("CI"):
            raise
        pytest.skip("the IMDB data is not here (set COURSE_DATA_MIRROR)")
