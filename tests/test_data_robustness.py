"""The data layer on bad input: corrupt files, bad settings, concurrency, leftovers."""

import gzip
import io
import multiprocessing
import os
import stat
import tarfile
import time
from dataclasses import replace

import pytest
from test_data import GLOVE, _Server, register, sha256, tiny_text_dataset

from helpers import data


def old(path, hours=2):
    stamp = time.time() - hours * 3600
    os.utime(path, (stamp, stamp))
    return path


# -- corrupt and non-UTF-8 files --------------------------------------------------
GLOVE_SHA256 = sha256(GLOVE.encode())


def glove_gz_form(monkeypatch, known_hash=GLOVE_SHA256):
    ds = data.REGISTRY["glove.6B.50d"]
    form = replace(ds.forms[1], known_hash=known_hash)  # glove.6B.50d.txt.gz
    monkeypatch.setitem(data.REGISTRY, "glove.6B.50d", replace(ds, forms=(form,)))


@pytest.mark.parametrize(
    "content",
    [gzip.compress(GLOVE.encode())[:-12], GLOVE.encode()],
    ids=["truncated", "not-gzip"],
)
def test_a_bad_glove_gz_is_a_checksum_error_naming_the_file(
    isolated_data, monkeypatch, content
):
    cache, _ = isolated_data
    glove_gz_form(monkeypatch)
    (cache / "glove.6B.50d.txt.gz").write_bytes(content)
    with pytest.raises(
        data.ChecksumError, match=r"glove\.6B\.50d\.txt\.gz is not a complete gzip"
    ) as err:
        data.load_glove(50)
    assert "Delete it" in str(err.value)


def test_file_hash_of_a_truncated_gzip(tmp_path):
    path = tmp_path / "x.txt.gz"
    path.write_bytes(gzip.compress(b"abc" * 1000)[:20])
    with pytest.raises(data.ChecksumError, match=r"x\.txt\.gz is not a complete gzip"):
        data.file_hash(path)


def test_reading_a_truncated_unverified_glove_gz_is_malformed(
    isolated_data, monkeypatch
):
    # No checksum to catch it first: the reader must still name the file.
    cache, _ = isolated_data
    glove_gz_form(monkeypatch, known_hash=None)
    (cache / "glove.6B.50d.txt.gz").write_bytes(gzip.compress(GLOVE.encode())[:-12])
    monkeypatch.setitem(data._GLOVE_MD5, 3, "")
    monkeypatch.setitem(data.REGISTRY, "glove.6B.3d", data.REGISTRY["glove.6B.50d"])
    with pytest.raises(data.MalformedDataError, match=r"glove\.6B\.50d\.txt\.gz"):
        data.load_glove(3)


def test_a_non_utf8_review_names_its_file(imdb_mirror):
    mirror = imdb_mirror()
    bad = mirror / "aclImdb" / "train" / "pos" / "10_9.txt"
    bad.write_bytes(b"caf\xe9 latin-1 review")
    with pytest.raises(
        data.MalformedDataError, match=r"train/pos/10_9\.txt is not UTF-8.*aclImdb"
    ):
        data.load_imdb_reviews("train")


def test_a_non_utf8_corpus_names_its_file(isolated_data, monkeypatch):
    _, mirror = isolated_data
    content = b"\xff\xfe not utf-8"
    (mirror / "nietzsche.txt").write_bytes(content)
    ds = data.REGISTRY["nietzsche"]
    form = replace(ds.forms[0], known_hash=sha256(content))
    monkeypatch.setitem(data.REGISTRY, "nietzsche", replace(ds, forms=(form,)))
    with pytest.raises(data.MalformedDataError, match=r"nietzsche\.txt is not UTF-8"):
        data.load_text("nietzsche")


def test_cache_variable_pointing_at_a_file(tmp_path, monkeypatch):
    a_file = tmp_path / "datasets.txt"
    a_file.write_text("not a folder")
    monkeypatch.setenv("COURSE_DATA_DIR", str(a_file))
    with pytest.raises(
        data.DatasetError, match=r"COURSE_DATA_DIR = .*datasets\.txt.* not a folder"
    ):
        data.cache_dir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(a_file / "below"))
    with pytest.raises(data.DatasetError, match=r"Cannot create the data cache"):
        data.cache_dir()


# -- a corrupt mirror file does not block a good copy -------------------------------
def test_a_corrupt_mirror_file_falls_back_to_a_good_cached_copy(
    isolated_data, monkeypatch
):
    cache, mirror = isolated_data
    register(monkeypatch, tiny_text_dataset(b"good\n"))
    (mirror / "tiny.txt").write_bytes(b"g00d\n")
    (cache / "tiny.txt").write_bytes(b"good\n")
    with pytest.warns(data.MirrorWarning) as warned:
        assert data.fetch("tiny") == cache / "tiny.txt"
    (warning,) = warned
    message = str(warning.message)
    assert str(mirror / "tiny.txt") in message and "\n" not in message
    assert data.provenance()[0]["source"] == "cache"
    assert (mirror / "tiny.txt").read_bytes() == b"g00d\n"  # the mirror is untouched


@pytest.fixture
def network(monkeypatch):
    import importlib

    import pooch

    monkeypatch.setattr(
        pooch, "retrieve", importlib.import_module("pooch.core").retrieve
    )


def test_a_corrupt_mirror_file_falls_back_to_the_download(
    isolated_data, monkeypatch, network
):
    cache, mirror = isolated_data
    (mirror / "tiny.txt").write_bytes(b"g00d\n")
    with _Server(b"good\n") as server:
        register(monkeypatch, tiny_text_dataset(b"good\n", url=server.url))
        with pytest.warns(data.MirrorWarning):
            assert data.fetch("tiny").read_bytes() == b"good\n"
    assert data.provenance()[0]["source"] == "download"


def test_a_corrupt_mirror_file_and_nothing_else_says_how_to_fix_the_mirror(
    isolated_data, monkeypatch
):
    _, mirror = isolated_data
    register(monkeypatch, tiny_text_dataset(b"good\n"))
    (mirror / "tiny.txt").write_bytes(b"g00d\n")
    with pytest.warns(data.MirrorWarning), pytest.raises(data.ChecksumError) as err:
        data.fetch("tiny")
    message = str(err.value)
    assert f"fix or remove the file in the mirror folder {mirror}" in message
    assert "unset $COURSE_DATA_MIRROR" in message
    assert "network disabled" in message  # and why the download did not help


# -- concurrency and interruption -------------------------------------------------
def tar_of(path, files: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tf:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tf.addfile(info, io.BytesIO(content))
    return path


def archive_dataset(archive) -> data.Dataset:
    form = data.Form(
        archive.name,
        known_hash=sha256(archive.read_bytes()),
        member="corpus",
        url="http://127.0.0.1:9/x",
    )
    return data.Dataset("corpus", "a test archive", "", "", "corpus", (form,))


def _extract_in_another_process(barrier, cache, archive, ds, results):
    os.environ["COURSE_DATA_DIR"] = str(cache)
    barrier.wait()
    try:
        folder = data._use(ds, archive, ds.forms[0], "mirror")
        results.put(("ok", len(list(folder.rglob("*.txt")))))
    except BaseException as err:  # reported to the test, not lost in the child
        results.put(("error", repr(err)))


def test_four_processes_extracting_the_same_archive_at_once(tmp_path):
    files = {f"corpus/part{i % 7}/f{i}.txt": b"x" * 500 for i in range(400)}
    archive = tar_of(tmp_path / "corpus.tar.gz", files)
    cache = tmp_path / "cache"
    cache.mkdir()
    ds = archive_dataset(archive)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [
        context.Process(
            target=_extract_in_another_process,
            args=(barrier, cache, archive, ds, results),
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == [("ok", 400)] * 4
    assert len(list((cache / "corpus").rglob("*.txt"))) == 400
    assert not [p for p in cache.iterdir() if p.name.startswith(".extract-")]


def test_leftovers_of_a_killed_run_are_removed_and_live_ones_kept(
    isolated_data, monkeypatch
):
    cache, _ = isolated_data
    register(monkeypatch, tiny_text_dataset(b"good\n"))
    (cache / "tiny.txt").write_bytes(b"good\n")
    dead_download = cache / "tmpa1b2_c3d"  # pooch's NamedTemporaryFile
    dead_download.write_bytes(b"half a download")
    (cache / ".extract-k1ll3d" / "aclImdb").mkdir(parents=True)
    dead_extraction = cache / ".extract-k1ll3d"
    dead_npz = cache / ".imdb_sequences.v1.npz.4242.tmp"  # helpers.text's
    dead_npz.write_bytes(b"x")
    mine = cache / "tmp_notes.txt"  # not a temporary name: never touched
    mine.write_text("mine")
    for path in (dead_download, dead_extraction, dead_npz, mine):
        old(path)
    live = [cache / "tmpz9y8x7w6", cache / ".extract-running"]
    live[0].write_bytes(b"a download in progress")
    live[1].mkdir()

    assert data.fetch("tiny") == cache / "tiny.txt"
    assert not dead_download.exists() and not dead_extraction.exists()
    assert not dead_npz.exists()
    assert all(p.exists() for p in live) and mine.exists()


def test_extraction_removes_every_leftover_extraction_folder(tmp_path, monkeypatch):
    # Under the extraction lock no other run extracts: any .extract-* is dead.
    cache = tmp_path / "cache"
    (cache / ".extract-interrupted").mkdir(parents=True)
    monkeypatch.setenv("COURSE_DATA_DIR", str(cache))
    archive = tar_of(tmp_path / "corpus.tar.gz", {"corpus/a.txt": b"a"})
    ds = archive_dataset(archive)
    folder = data._use(ds, archive, ds.forms[0], "mirror")
    assert (folder / "a.txt").read_bytes() == b"a"
    assert sorted(p.name for p in cache.iterdir()) == [
        ".corpus.from-corpus.tar.gz",
        ".extract.lock",
        "corpus",
    ]


# -- Python before 3.11.4: no tarfile extraction filters ------------------------------
@pytest.fixture
def no_tar_filters(monkeypatch):
    monkeypatch.delattr(tarfile, "data_filter")
    extractall = tarfile.TarFile.extractall

    def without_filter(self, path=".", members=None, *, numeric_owner=False, **kw):
        assert "filter" not in kw, "extractall(filter=...) needs Python 3.11.4+"
        return extractall(self, path, members, numeric_owner=numeric_owner)

    monkeypatch.setattr(tarfile.TarFile, "extractall", without_filter)


def test_tar_without_filters_extracts_plain_files(tmp_path, no_tar_filters):
    archive = tmp_path / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        info = tarfile.TarInfo("top/run.sh")
        info.size, info.mode = 2, 0o6777  # set-uid, set-gid, world-writable
        tf.addfile(info, io.BytesIO(b"hi"))
    out = data.extract_archive(archive, tmp_path / "out", member="top")
    mode = (out / "run.sh").stat().st_mode
    assert (out / "run.sh").read_bytes() == b"hi"
    assert not mode & (stat.S_ISUID | stat.S_ISGID | stat.S_IWOTH | stat.S_IWGRP)


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_without_filters_refuses_devices(tmp_path, no_tar_filters, kind):
    archive = tmp_path / "dev.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.addfile(tarfile.TarInfo("top/ok.txt"), io.BytesIO(b""))
        device = tarfile.TarInfo("top/null")
        device.type = kind
        tf.addfile(device)
    with pytest.raises(data.UnsafeArchiveError, match="special file"):
        data.extract_archive(archive, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    "kind, target",
    [(tarfile.SYMTYPE, "../../etc/passwd"), (tarfile.LNKTYPE, "../outside.txt")],
    ids=["symlink", "hardlink"],
)
def test_tar_without_filters_still_checks_links(tmp_path, no_tar_filters, kind, target):
    archive = tmp_path / "link.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        link = tarfile.TarInfo("top/link")
        link.type, link.linkname = kind, target
        tf.addfile(link)
    with pytest.raises(data.UnsafeArchiveError, match="outside"):
        data.extract_archive(archive, tmp_path / "out")
