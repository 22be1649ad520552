import os

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--figures",
        action="store_true",
        help="compare the figures of the smoke run made in this session (by nbval) "
        "with tests/baselines; `make test` turns this on",
    )


def pytest_collection_modifyitems(config, items):
    # The figure comparisons read what the notebooks wrote: run them last.
    items.sort(key=lambda item: item.get_closest_marker("figures") is not None)


def pytest_configure(config):
    config.addinivalue_line("markers", "figures: compares smoke-run figures")


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
