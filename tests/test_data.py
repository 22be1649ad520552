"""The data layer on small files the tests write themselves."""

import gzip
import hashlib
import http.server
import io
import tarfile
import threading
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import write_imdb_tree

from helpers import data


def sha256(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def register(monkeypatch, dataset: data.Dataset) -> None:
    monkeypatch.setitem(data.REGISTRY, dataset.name, dataset)


def tiny_text_dataset(content: bytes, url=None) -> data.Dataset:
    return data.Dataset(
        name="tiny",
        description="a tiny test file",
        homepage="",
        license="",
        target="tiny.txt",
        forms=(
            data.Form(
                "tiny.txt",
                known_hash=sha256(content),
                url=url or "http://127.0.0.1:9/tiny.txt",
            ),
        ),
    )


# -- the registry ------------------------------------------------------------
def test_registry_lists_every_course_dataset():
    expected = {"imdb", "jena_climate", "beijing_pm25", "nietzsche", "shakespeare"}
    assert expected <= set(data.REGISTRY)
    assert {f"glove.6B.{d}d" for d in (50, 100, 200, 300)} <= set(data.REGISTRY)


@pytest.mark.parametrize("name", sorted(data.REGISTRY))
def test_every_dataset_has_an_official_download_and_a_verification(name):
    ds = data.REGISTRY[name]
    assert ds.download is not None and ds.download.url.startswith("https://")
    for form in ds.forms:
        assert (
            form.known_hash
            or form.size
            or form.min_files
            or form.filename.endswith(".csv")
            # the CSV inside the Beijing zip is checked against its sha256
            # (load_beijing_pm25; tests/test_series.py)
            or (name == "beijing_pm25" and form.member)
        )
        if form.known_hash:
            algorithm, digest = form.known_hash.split(":")
            assert len(digest) == {"sha256": 64, "md5": 32}[algorithm]


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(KeyError, match="imdb"):
        data.fetch("no-such-dataset")


# -- mirror, cache, checksums ---------------------------------------------------
def test_a_verified_mirror_file_is_used_in_place(isolated_data, monkeypatch):
    cache, mirror = isolated_data
    content = b"hello\n"
    register(monkeypatch, tiny_text_dataset(content))
    (mirror / "tiny.txt").write_bytes(content)
    assert data.fetch("tiny") == mirror / "tiny.txt"
    assert not any(cache.iterdir())  # nothing copied
    (used,) = data.provenance()
    assert used["source"] == "mirror" and used["verified"] == sha256(content)


def test_a_mirror_file_with_one_byte_changed_is_rejected(isolated_data, monkeypatch):
    _, mirror = isolated_data
    register(monkeypatch, tiny_text_dataset(b"hello\n"))
    (mirror / "tiny.txt").write_bytes(b"hellO\n")
    with (
        pytest.warns(data.MirrorWarning, match=r"tiny\.txt in the mirror"),
        pytest.raises(
            data.ChecksumError, match=r"tiny\.txt failed its checksum.*run again"
        ),
    ):
        data.fetch("tiny")
    assert (
        mirror / "tiny.txt"
    ).read_bytes() == b"hellO\n"  # the mirror is read-only to us


def test_a_gzipped_file_is_verified_by_its_decompressed_content(
    isolated_data, monkeypatch
):
    _, mirror = isolated_data
    content = b"the 0.1 0.2\n"
    ds = tiny_text_dataset(content)
    ds = replace(ds, forms=(replace(ds.forms[0], filename="tiny.txt.gz"),))
    register(monkeypatch, ds)
    (mirror / "tiny.txt.gz").write_bytes(gzip.compress(content))
    assert data.fetch("tiny").name == "tiny.txt.gz"


def test_missing_offline_error_names_file_url_and_variable(isolated_data, monkeypatch):
    register(monkeypatch, tiny_text_dataset(b"x"))
    with pytest.raises(data.DatasetUnavailableError) as err:
        data.fetch("tiny")
    message = str(err.value)
    assert "tiny.txt" in message
    assert "http://127.0.0.1:9/tiny.txt" in message
    assert "COURSE_DATA_MIRROR" in message


def test_mirror_variable_pointing_nowhere_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "nope"))
    with pytest.raises(data.DatasetUnavailableError, match="not a directory"):
        data.fetch("nietzsche")


class _Server:
    """A loopback HTTP server for one file (the download path, for real)."""

    def __init__(self, content: bytes):
        body = content

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/tiny.txt"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def network(monkeypatch):
    # Undo the autouse network ban: these tests talk to a loopback server only.
    import importlib

    import pooch

    monkeypatch.setattr(
        pooch, "retrieve", importlib.import_module("pooch.core").retrieve
    )


def test_download_is_verified_and_cached(isolated_data, monkeypatch, network):
    cache, _ = isolated_data
    content = b"real data\n"
    with _Server(content) as server:
        register(monkeypatch, tiny_text_dataset(content, url=server.url))
        path = data.fetch("tiny")
    assert path == cache / "tiny.txt" and path.read_bytes() == content
    assert data.provenance()[0]["source"] == "download"
    assert data.fetch("tiny") == path  # now from the cache, no server needed
    assert data.provenance()[0]["source"] == "cache"


def test_corrupt_download_is_rejected_and_leaves_nothing(
    isolated_data, monkeypatch, network
):
    cache, _ = isolated_data
    with _Server(b"tampered\n") as server:
        register(monkeypatch, tiny_text_dataset(b"real data\n", url=server.url))
        with pytest.raises(
            data.ChecksumError, match="failed its checksum and was discarded"
        ):
            data.fetch("tiny")
    assert list(cache.iterdir()) == []  # no file, no temporary file


def test_corrupt_cached_file_is_replaced_by_a_fresh_download(
    isolated_data, monkeypatch, network
):
    cache, _ = isolated_data
    content = b"real data\n"
    (cache / "tiny.txt").write_bytes(b"real dat4\n")
    with _Server(content) as server:
        register(monkeypatch, tiny_text_dataset(content, url=server.url))
        assert data.fetch("tiny").read_bytes() == content


def test_corrupt_cached_file_offline_is_a_checksum_error(isolated_data, monkeypatch):
    cache, _ = isolated_data
    register(monkeypatch, tiny_text_dataset(b"real data\n"))
    (cache / "tiny.txt").write_bytes(b"real dat4\n")
    with pytest.raises(data.ChecksumError, match="Delete it"):
        data.fetch("tiny")


# -- archives -----------------------------------------------------------------
def make_tar(
    path: Path, members: dict[str, bytes], links: dict[str, str] = None
) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tf.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return path


def test_tar_extraction(tmp_path):
    archive = make_tar(
        tmp_path / "a.tar.gz", {"top/x.txt": b"x", "top/sub/y.txt": b"y"}
    )
    out = data.extract_archive(archive, tmp_path / "out", member="top")
    assert (out / "sub" / "y.txt").read_bytes() == b"y"
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        "top"
    ]  # no temp folder left


@pytest.mark.parametrize(
    "members, links",
    [
        ({"../evil.txt": b"x"}, None),
        ({"top/../../evil.txt": b"x"}, None),
        ({"/tmp/evil.txt": b"x"}, None),
        ({"top/ok.txt": b"x"}, {"top/link": "../../etc/passwd"}),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink-out"],
)
def test_path_traversal_tar_is_rejected_and_nothing_written(tmp_path, members, links):
    archive = make_tar(tmp_path / "evil.tar.gz", members, links)
    out = tmp_path / "deep" / "out"
    with pytest.raises(data.UnsafeArchiveError, match="outside"):
        data.extract_archive(archive, out)
    assert list(out.iterdir()) == []
    assert (
        not (tmp_path / "evil.txt").exists()
        and not (tmp_path / "deep" / "evil.txt").exists()
    )


def test_path_traversal_zip_is_rejected(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr("../evil.txt", "bad")
    with pytest.raises(data.UnsafeArchiveError):
        data.extract_archive(archive, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_zip_member_extraction(tmp_path):
    archive = tmp_path / "g.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "A")
        zf.writestr("b.txt", "B")
    path = data.extract_archive(archive, tmp_path / "out", member="b.txt")
    assert path.read_text() == "B" and not (tmp_path / "out" / "a.txt").exists()


def test_not_an_archive(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not an archive")
    with pytest.raises(data.MalformedDataError, match="neither a zip nor a tar"):
        data.extract_archive(junk, tmp_path / "out")


# -- loaders on fixture files ------------------------------------------------
def test_imdb_reviews_in_a_stable_order(small_imdb):
    texts, labels = data.load_imdb_reviews("train")
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert texts[:3] == [
        "train neg review 0",
        "train neg review 1",
        "train neg review 2",
    ]
    texts, labels = data.load_imdb_reviews("test", limit_per_class=1)
    assert texts == ["test neg review 0", "test pos review 0"] and labels.tolist() == [
        0,
        1,
    ]
    assert data.load_imdb_vocabulary() == ["the", "and", "movie"]


def test_imdb_does_not_need_unsup(small_imdb):
    assert not (small_imdb / "aclImdb" / "train" / "unsup").exists()
    data.load_imdb_reviews("train")


def test_incomplete_imdb_folder_is_rejected(isolated_data):
    _, mirror = isolated_data
    write_imdb_tree(mirror, per_class=2)  # the real registry wants 12,500 per class
    with (
        pytest.warns(data.MirrorWarning, match="aclImdb in the mirror"),
        pytest.raises(data.ChecksumError, match="incomplete"),
    ):
        data.load_imdb_reviews()


def test_imdb_from_the_official_archive_format(isolated_data, monkeypatch, tmp_path):
    _, mirror = isolated_data
    tree = write_imdb_tree(tmp_path / "src")
    archive = mirror / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(tree, arcname="aclImdb")
    folder, tar_form = data.REGISTRY["imdb"].forms
    forms = (
        replace(folder, min_files={"train/neg": 3}),
        replace(tar_form, known_hash=sha256(archive.read_bytes()), size=None),
    )
    register(monkeypatch, replace(data.REGISTRY["imdb"], forms=forms))
    texts, _ = data.load_imdb_reviews("test")
    assert len(texts) == 6
    assert data.provenance()[0]["file"] == "aclImdb_v1.tar.gz"


JENA_OFFICIAL = (
    '"Date Time","p (mbar)","T (degC)","Tpot (K)","Tdew (degC)","rh (%)","VPmax (mbar)",'
    '"VPact (mbar)","VPdef (mbar)","sh (g/kg)","H2OC (mmol/mol)","rho (g/m**3)",'
    '"wv (m/s)","max. wv (m/s)","wd (deg)"\n'
    "01.01.2009 00:10:00,996.52,-8.02,265.40,-8.90,93.30,3.33,3.11,0.22,1.94,3.12,"
    "1307.75,1.03,1.75,152.30\n"
    "01.01.2009 00:20:00,996.57,-8.41,265.01,-9.28,93.40,3.23,3.02,0.21,1.89,3.03,"
    "1309.80,0.72,1.50,136.10\n"
)
JENA_SLICE = (
    "Date Time,p (mbar),T (degC),Tpot (K),Tdew (degC),rh (%),VPmax (mbar),VPact (mbar),"
    "VPdef (mbar),sh (g/kg),H2OC (mmol/mol),rho (g/m**3)\n"
    "01.01.2009 00:10:00,996.52,-8.02,265.4,-8.9,93.3,3.33,3.11,0.22,1.94,3.12,1307.75\n"
    "01.01.2009 00:20:00,996.57,-8.41,265.01,-9.28,93.4,3.23,3.02,0.21,1.89,3.03,1309.8\n"
)


def test_jena_official_format(isolated_data):
    _, mirror = isolated_data
    (mirror / "jena_climate_2009_2016.csv").write_text(JENA_OFFICIAL)
    df = data.load_jena_climate()
    assert df.shape == (2, 14)
    assert df["T (degC)"].tolist() == pytest.approx([-8.02, -8.41])
    assert str(df.index[1]) == "2009-01-01 00:20:00"
    assert df.attrs["official"] is False  # two rows are not the official 420,551


def test_jena_offline_slice_format(isolated_data, monkeypatch):
    _, mirror = isolated_data
    (mirror / "jena_climate_2009_2016.first4000rows.csv").write_text(JENA_SLICE)
    forms = list(data.REGISTRY["jena_climate"].forms)
    forms[2] = replace(forms[2], known_hash=sha256(JENA_SLICE.encode()))
    register(monkeypatch, replace(data.REGISTRY["jena_climate"], forms=tuple(forms)))
    df = data.load_jena_climate()
    assert df.shape == (2, 11) and df.attrs["official"] is False
    assert "PARTIAL" in data.provenance()[0]["note"]
    line = data.data_line(data.provenance()[0])
    assert line.startswith("Data: Jena climate record 2009-2016")
    assert "not the official file: PARTIAL" in line and "book's data" not in line


def test_data_lines_name_the_dataset_and_its_relation_to_the_book():
    line = data.data_line({"dataset": "imdb", "official": True})
    assert line == (
        "Data: IMDB Large Movie Review Dataset v1.0 (Maas et al., 2011); "
        "the book's data."
    )
    assert "stand-in for the book's Jena" in data.data_line(
        {"dataset": "beijing_pm25", "official": True}
    )
    assert "stand-in for the book's 100-d" in data.data_line(
        {"dataset": "glove.6B.50d", "official": True}
    )
    assert "the book's vectors" in data.data_line(
        {"dataset": "glove.6B.100d", "official": True}
    )
    for ds in data.REGISTRY.values():  # every dataset has its line
        assert ds.title and ds.role, ds.name


def test_jena_from_the_official_zip(isolated_data, monkeypatch):
    _, mirror = isolated_data
    archive = mirror / "jena_climate_2009_2016.csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("jena_climate_2009_2016.csv", JENA_OFFICIAL)
    forms = list(data.REGISTRY["jena_climate"].forms)
    forms[1] = replace(forms[1], size=archive.stat().st_size)
    register(monkeypatch, replace(data.REGISTRY["jena_climate"], forms=tuple(forms)))
    assert data.load_jena_climate().shape == (2, 14)


def test_malformed_jena_file(isolated_data):
    _, mirror = isolated_data
    (mirror / "jena_climate_2009_2016.csv").write_text("a,b\n1,2\n")
    with pytest.raises(data.MalformedDataError, match="Date Time"):
        data.load_jena_climate()


GLOVE = "the 0.1 0.2 0.3\ncat -1 0.5 2\n, 0 0 1\n"


def glove_dataset(dim, filename, content: bytes):
    forms = (data.Form(filename, known_hash=sha256(content)),)
    return replace(data.REGISTRY[f"glove.6B.{dim}d"], forms=forms)


@pytest.mark.parametrize("gz", [False, True], ids=["txt", "txt.gz"])
def test_glove_text_and_gzip(isolated_data, monkeypatch, gz):
    _, mirror = isolated_data
    name = "glove.6B.50d.txt" + (".gz" if gz else "")
    (mirror / name).write_bytes(gzip.compress(GLOVE.encode()) if gz else GLOVE.encode())
    monkeypatch.setitem(
        data.REGISTRY, "glove.6B.50d", glove_dataset(50, name, GLOVE.encode())
    )
    monkeypatch.setitem(data._GLOVE_MD5, 3, "")
    monkeypatch.setitem(data.REGISTRY, "glove.6B.3d", data.REGISTRY["glove.6B.50d"])
    vectors = data.load_glove(3)
    assert set(vectors) == {"the", "cat", ","}
    np.testing.assert_allclose(vectors["cat"], [-1, 0.5, 2])
    assert vectors["the"].dtype == np.float32
    assert set(data.load_glove(3, words=["cat", "dog"])) == {"cat"}


def test_glove_from_the_official_zip(isolated_data, monkeypatch):
    _, mirror = isolated_data
    with zipfile.ZipFile(mirror / "glove.6B.zip", "w") as zf:
        zf.writestr("glove.6B.100d.txt", GLOVE)
        zf.writestr("glove.6B.50d.txt", "unused")
    ds = data.REGISTRY["glove.6B.100d"]
    zip_form = replace(ds.forms[2], size=(mirror / "glove.6B.zip").stat().st_size)
    txt_form = replace(ds.forms[0], known_hash=sha256(GLOVE.encode()))
    monkeypatch.setitem(
        data.REGISTRY, "glove.6B.100d", replace(ds, forms=(txt_form, zip_form))
    )
    path = data.glove_path(100)
    assert path.read_text() == GLOVE and path.parent == Path(data.cache_dir())


def test_glove_wrong_dimension_is_malformed(isolated_data, monkeypatch):
    _, mirror = isolated_data
    (mirror / "glove.6B.50d.txt").write_text(GLOVE)
    monkeypatch.setitem(
        data.REGISTRY,
        "glove.6B.50d",
        glove_dataset(50, "glove.6B.50d.txt", GLOVE.encode()),
    )
    with pytest.raises(
        data.MalformedDataError, match="line 1: 3 numbers .* 50 expected"
    ):
        data.load_glove(50)


def test_glove_rejects_unknown_dimensions():
    with pytest.raises(ValueError, match="50, 100, 200 or 300"):
        data.glove_path(64)


def test_texts(isolated_data, monkeypatch):
    _, mirror = isolated_data
    text = "SUPPOSING that Truth is a woman--what then?\n"
    (mirror / "nietzsche.txt").write_text(text)
    ds = data.REGISTRY["nietzsche"]
    form = replace(ds.forms[0], known_hash=sha256(text.encode()))
    monkeypatch.setitem(data.REGISTRY, "nietzsche", replace(ds, forms=(form,)))
    assert data.load_text("nietzsche") == text
    with pytest.raises(ValueError):
        data.load_text("kafka")
