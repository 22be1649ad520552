"""Execute the course notebooks, and prepare them for the tests.

    python -m coursetools.notebooks run [--profile full|smoke] [NAME ...]
    python -m coursetools.notebooks prepare-tests [NAME ...]
    python -m coursetools.notebooks baselines [NAME ...]
    python -m coursetools.notebooks student [NAME ...]
    python -m coursetools.notebooks kernel [--user | --prefix DIR]

NAME is a notebook number (``1`` or ``01``: notebook 01 only) or a whole name
(``01_one_hot_encoding``); a name that matches no notebook is refused.

``run`` executes notebooks with papermill. The ``full`` profile writes the
outputs back into ``notebooks/`` (that is how the committed outputs are made);
``smoke`` writes executed copies to ``build/smoke/notebooks/``. Wall times go
to ``build/<profile>/timings.json``. Papermill writes into
``build/<profile>/running/``; a notebook replaces its target only when it ran to
the end, and a failed one is kept as ``build/<profile>/failed/<name>.ipynb``.
The run goes on after a failure, ends with a summary of this run, and exits
non-zero if any notebook failed.

``prepare-tests`` writes copies of the committed notebooks, with the smoke
profile injected as a papermill parameter (``quick = True``) and their full-run
outputs kept, to ``build/nbval/``; ``pytest --nbval-lax`` executes those and
compares the cells tagged ``nbval-check-output`` with the committed outputs.

``baselines`` copies the figures of the last smoke run to ``tests/baselines/``.

``student`` writes the student edition to ``build/student/``: the notebooks
without outputs and without the code cells of their ``## Solutions`` section,
the code of their ``boilerplate`` cells collapsed.

``kernel`` installs the Jupyter kernel "Keras text & sequences"
(``keras-text-sequences``): this interpreter, with TensorFlow's C++ log messages
kept out of the notebooks (see `kernel_spec`). By default into this
environment (``sys.prefix``, where ``make`` puts it); ``--user`` for a Jupyter
installed elsewhere (``make kernel``). ``run`` and ``prepare-tests`` install it
when it is missing, and execute every notebook with it.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.data import project_root
from helpers.runs import PROFILES, build_dir

NOTEBOOK_DIR = project_root() / "notebooks"
BASELINE_DIR = project_root() / "tests" / "baselines"


def _number(stem: str) -> int:
    return int(stem.split("_", 1)[0])


def _select(stems: list[str], names, what: str = "notebook") -> list[str]:
    """The ``stems`` that ``names`` select, in course order.

    A name is a number (``1`` and ``01`` both mean notebook 01, never 10-17), a
    whole stem (``01_one_hot_encoding``), or a file name or path ending in
    ``.ipynb``. Every name must select something: a typo stops the run before
    anything is executed.
    """
    wanted: set[str] = set()
    unknown = []
    for raw in names:
        for name in str(raw).replace(",", " ").split():
            stem = Path(name).name.removesuffix(".ipynb")
            if stem.isdigit():
                hits = [s for s in stems if _number(s) == int(stem)]
            else:
                hits = [s for s in stems if s == stem]
            wanted.update(hits)
            if not hits:
                unknown.append(name)
    if unknown:
        numbers = " ".join(s.split("_", 1)[0] for s in stems) or "(none)"
        raise SystemExit(
            f"No {what} matches {unknown}. Give notebook numbers ({numbers}), "
            f'e.g. NB="01 05", or full names such as {stems[0] if stems else "01_..."}.'
        )
    return [s for s in stems if s in wanted]


def notebook_paths(names=()) -> list[Path]:
    """The course notebooks, in order; ``names`` selects some (see `_select`)."""
    paths = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return paths
    chosen = set(_select([p.stem for p in paths], names))
    return [p for p in paths if p.stem in chosen]


#: The course's Jupyter kernel: its name, and the name Jupyter shows.
KERNEL_NAME = "keras-text-sequences"
KERNEL_DISPLAY_NAME = "Keras text & sequences"

#: The kernel's environment. Level 3, not 2: with op determinism on
#: (`helpers.runs.seed_everything`), every tf.data pipeline that ``model.fit``
#: builds logs a harmless C++ "error" (``E0000 ... NodeDef mentions attribute
#: use_unbounded_threadpool``) that level 2 lets through. It must be set before
#: TensorFlow is imported, which a notebook cannot do: its setup cell imports
#: Keras first. Python warnings and errors are not affected.
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}

#: ipykernel forwards what the kernel process writes to its file descriptors 1
#: and 2 (C++ libraries such as TensorFlow, which log below Python) into the
#: notebook, as red stderr. Off, that goes to the terminal that runs Jupyter
#: (or papermill) instead; Python's ``print``, warnings and tracebacks still
#: reach the notebook.
KERNEL_ARGUMENTS = ["--IPKernelApp.capture_fd_output=False"]


def kernel_spec(python: str | None = None) -> dict:
    """The ``kernel.json`` of the course kernel, running ``python``.

    ``python`` is this interpreter by default (``.venv/bin/python`` under
    ``make``): its path is kept as it is, not resolved, so that the kernel runs
    inside the virtual environment.
    """
    import platform

    from ipykernel.kernelspec import get_kernel_dict, make_ipkernel_cmd

    spec = get_kernel_dict()
    spec["argv"] = make_ipkernel_cmd(
        executable=python or sys.executable,
        extra_arguments=KERNEL_ARGUMENTS,
        # as `ipykernel install` does, for the debugger
        python_arguments=["-Xfrozen_modules=off"]
        if platform.python_implementation() == "CPython"
        else [],
    )
    spec["display_name"] = KERNEL_DISPLAY_NAME
    spec["env"] = dict(KERNEL_ENV)
    return spec


def install_kernel(user: bool = False, prefix: str | None = None) -> Path:
    """Install the course kernel; returns its ``kernel.json``.

    Into ``prefix`` (default: this environment, ``sys.prefix``), or with
    ``user=True`` into the user's Jupyter data folder, where a Jupyter installed
    elsewhere finds it. An older install of the same name is replaced.
    """
    import tempfile

    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager

    if not user and prefix is None:
        prefix = sys.prefix
    spec = kernel_spec()
    with tempfile.TemporaryDirectory() as tmp:
        staged = write_kernel_spec(Path(tmp) / KERNEL_NAME, overrides=spec)
        dest = KernelSpecManager().install_kernel_spec(
            staged, KERNEL_NAME, user=user, prefix=None if user else prefix
        )
    return Path(dest) / "kernel.json"


def ensure_kernel() -> str:
    """The course kernel's name, installed into ``sys.prefix`` if need be.

    The kernel Jupyter finds under that name must be this interpreter with the
    course's settings; if it is missing or differs, this environment's copy is
    (re)written. One that still shadows it (installed with ``--user`` from
    another checkout, say) is refused with what to do.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    wanted = kernel_spec()

    def found():
        try:
            spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        except NoSuchKernel:
            return None
        return spec

    spec = found()
    if spec is None or spec.argv != wanted["argv"] or spec.env != wanted["env"]:
        install_kernel()
        spec = found()
    if spec is None or spec.argv != wanted["argv"] or spec.env != wanted["env"]:
        where = spec.resource_dir if spec is not None else "(not found)"
        raise SystemExit(
            f"The Jupyter kernel {KERNEL_NAME!r} found in {where} is not this "
            f"environment's ({sys.executable}, env {wanted['env']}). Remove it "
            f"(jupyter kernelspec remove {KERNEL_NAME}) or reinstall it from "
            "this checkout (make kernel)."
        )
    return KERNEL_NAME


def _kernel_env() -> None:
    # The notebooks' kernel must be this interpreter (the project's virtual env).
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    # The kernel sets it too (KERNEL_ENV); this covers what else papermill starts.
    for key, value in KERNEL_ENV.items():
        os.environ.setdefault(key, value)


@dataclass
class Outcome:
    """How one notebook of a run went."""

    name: str
    seconds: float
    error: str | None = None  # a short reason, when it failed
    kept: Path | None = None  # the failed run's notebook, when there is one

    @property
    def ok(self) -> bool:
        return self.error is None


def _dataset_error_names() -> set[str]:
    from helpers import data

    names, todo = set(), [data.DatasetError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _one_line(text: str, width: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def failure_reason(err: BaseException) -> str:
    """A short, readable reason for a failed notebook, not the whole traceback.

    For an error raised inside the notebook (papermill's
    ``PapermillExecutionError``) that is its name and message; for the course's
    dataset errors, whose messages say what to do, the message alone, one line
    per line of advice (each line capped, so a network error chain stays one line).
    """
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        where = f" [in cell {err.exec_count}]" if err.exec_count is not None else ""
        evalue = str(err.evalue or "").strip()
        if err.ename in _dataset_error_names() and evalue:
            lines = [_one_line(line) for line in evalue.splitlines() if line.strip()]
            return "\n".join(lines)  # the advice matters, not the cell
        first = evalue.splitlines()[0] if evalue else ""
        return _one_line(f"{err.ename}: {first}" if first else err.ename) + where
    text = str(err).strip()
    first = text.splitlines()[0] if text else ""
    return _one_line(f"{type(err).__name__}: {first}" if first else type(err).__name__)


def _move_into_place(source: Path, target: Path) -> None:
    """Replace ``target`` by ``source`` atomically, across file systems too."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:  # another file system (COURSE_BUILD_DIR elsewhere)
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copy2(source, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        source.unlink()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


def _commit_results(results: Path, committed: Path) -> None:
    """Keep a full run's recorded results beside the notebook it replaced
    (``notebooks/results/``, `runs.COMMITTED_RESULTS_DIR`), without the paths of
    this machine's data files; none if it recorded nothing."""
    if not results.exists():
        committed.unlink(missing_ok=True)
        return
    entries = json.loads(results.read_text(encoding="utf-8"))
    for entry in entries:
        for source in entry.get("data", []):
            source.pop("path", None)
    committed.parent.mkdir(parents=True, exist_ok=True)
    committed.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")


def _commit_exports(exports: Path, committed: Path) -> None:
    """Keep what a full run published (`helpers.runs.Run.export_dir`) beside the
    committed notebook, in ``notebooks/results/<name>/``, replacing what an
    earlier run kept there; nothing if it published nothing."""
    if not exports.is_dir():
        return
    shutil.rmtree(committed, ignore_errors=True)
    shutil.copytree(exports, committed)


#: The papermill parameters of a smoke run: a notebook's first cell holds
#: ``quick = False``, and ``quick = True`` selects the smoke profile
#: (`helpers.runs.setup`).
QUICK = {"quick": True}


def run(profile: str = "full", names=(), into: Path | None = None) -> list[Outcome]:
    """Execute the notebooks (``names`` selects some); one `Outcome` each.

    Papermill writes to ``build/<profile>/running/<name>.ipynb``. Only a notebook
    that ran to the end replaces its target (for ``full``, the committed notebook
    in ``notebooks/``), so a failed or interrupted run never loses committed
    outputs. A failed run is kept as ``build/<profile>/failed/<name>.ipynb``;
    the run goes on with the other notebooks. A notebook's recorded results
    (``build/<profile>/results/<name>.json``) are those of its last good run
    only: an earlier run's are set aside while it runs, dropped when it
    succeeds and put back when it fails. A full run that succeeds also copies
    them beside the committed notebook, to ``notebooks/results/<name>.json``,
    and what it published (``build/full/exports/<name>/``, notebook 17's
    exported models) to ``notebooks/results/<name>/``.

    ``into`` (a folder) takes the executed notebooks instead, whatever the
    profile, and then nothing is copied beside the committed notebooks: the
    committed notebooks and ``notebooks/results/`` stay as they are (`make
    reproduce`, `coursetools.reproduce`).
    """
    import papermill

    paths = notebook_paths(names)  # refuses unknown names before running anything
    _kernel_env()
    kernel = ensure_kernel()
    root = build_dir() / profile
    timings_file = root / "timings.json"
    timings = json.loads(timings_file.read_text()) if timings_file.exists() else {}
    outcomes = []
    jobs = [(path, path.stem, {}) for path in paths]
    if profile == "smoke":  # the variants that `make test` runs too
        jobs = [
            job
            for path in paths
            for job in [
                (path, path.stem, {}),
                *(
                    (path, f"{path.stem}-{suffix}", parameters)
                    for suffix, parameters in VARIANTS.get(path.stem, {}).items()
                ),
            ]
        ]
    for path, label, extra in jobs:
        name = f"{label}.ipynb"
        if into is not None:
            out = Path(into) / name
        else:
            out = path if profile == "full" else root / "notebooks" / name
        running = root / "running" / name
        failed = root / "failed" / name
        running.parent.mkdir(parents=True, exist_ok=True)
        running.unlink(missing_ok=True)
        shutil.rmtree(root / "figures" / label, ignore_errors=True)
        shutil.rmtree(root / "exports" / label, ignore_errors=True)
        # The notebook records its results afresh: an earlier run's (perhaps under
        # names it no longer records) wait aside, and come back if this run fails.
        results = root / "results" / f"{label}.json"
        earlier = results.with_suffix(".earlier.json")
        if results.exists():
            results.replace(earlier)
        print(f"[{profile}] {name} ...", flush=True)
        start = time.perf_counter()
        try:
            papermill.execute_notebook(
                str(path),
                str(running),
                # The full profile is every notebook's default: inject nothing, so
                # the committed notebooks carry no injected-parameters cell.
                parameters={} if profile == "full" else {**QUICK, **extra},
                cwd=str(NOTEBOOK_DIR),
                kernel_name=kernel,
                progress_bar=False,
            )
        except Exception as err:
            seconds = round(time.perf_counter() - start, 1)
            kept = None
            if running.exists():
                _move_into_place(running, failed)
                kept = failed
            if earlier.exists():
                earlier.replace(results)
            outcome = Outcome(label, seconds, failure_reason(err), kept)
            print(f"[{profile}] {name} FAILED after {seconds:.0f} s:", flush=True)
            print(textwrap.indent(outcome.error, "    "), flush=True)
            if kept:
                print(f"    the failed run is kept in {_shown(kept)}", flush=True)
        else:
            seconds = round(time.perf_counter() - start, 1)
            _relative_paths(running, out)
            _move_into_place(running, out)
            failed.unlink(missing_ok=True)  # an older failure of this notebook
            earlier.unlink(missing_ok=True)
            if profile == "full" and into is None:  # with the committed notebook
                _commit_results(results, path.parent / "results" / f"{label}.json")
                _commit_exports(
                    root / "exports" / label, path.parent / "results" / label
                )
            outcome = Outcome(label, seconds)
            timings[label] = seconds  # a record of the last good run of each
            timings_file.parent.mkdir(parents=True, exist_ok=True)
            timings_file.write_text(
                json.dumps(timings, indent=2, sort_keys=True) + "\n"
            )
            print(f"[{profile}] {name}: {seconds:.0f} s", flush=True)
        outcomes.append(outcome)
    return outcomes


def summary(outcomes: list[Outcome], profile: str) -> str:
    """What this run did: each notebook with its seconds, the failures and why."""
    width = max((len(o.name) for o in outcomes), default=0)
    failed = [o for o in outcomes if not o.ok]
    lines = [f"Summary ({profile}):"]
    for o in outcomes:
        status = "ok    " if o.ok else "FAILED"
        lines.append(f"  {status} {o.name:<{width}} {o.seconds:6.0f} s")
    for o in failed:
        lines.append(f"{o.name} failed:")
        lines.append(textwrap.indent(o.error, "    "))
        if o.kept:
            lines.append(f"    kept in {_shown(o.kept)}")
    total = sum(o.seconds for o in outcomes)
    line = f"Executed {len(outcomes)} notebooks ({profile}): {total:.0f} s in all"
    if failed:
        line += f"; {len(failed)} failed: {', '.join(o.name for o in failed)}"
    lines.append(line)
    return "\n".join(lines)


#: What a notebook's metadata names, so that a Jupyter started from .venv opens
#: it with the course kernel (papermill leaves the metadata as it found it).
NOTEBOOK_KERNELSPEC = {
    "display_name": KERNEL_DISPLAY_NAME,
    "language": "python",
    "name": KERNEL_NAME,
}


def _relative_paths(path: Path, output: Path | None = None) -> None:
    """Papermill records absolute paths; keep the committed notebooks portable.

    ``output`` is where the notebook ends up, when papermill wrote it elsewhere
    (``run`` executes into ``build/<profile>/running/`` first). The notebook's
    kernelspec is set to the course kernel's.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(NOTEBOOK_KERNELSPEC)
    info = nb.metadata.get("papermill", {})
    if output is not None and info:
        info["output_path"] = str(output)
    for key in ("input_path", "output_path"):
        if info.get(key):
            recorded = Path(info[key])
            try:
                info[key] = str(recorded.resolve().relative_to(project_root()))
            except ValueError:  # run from another checkout of the course
                info[key] = str(Path("notebooks") / recorded.name)
    nbformat.write(nb, path)


#: Extra smoke runs of `make test`: a notebook run again with other parameters.
#: Notebook 09 on the book's Jena file (in CI, the offline 4,000-row slice), so
#: that the book's path stays tested end to end; its figures and results go to
#: ``09_series_data_and_baselines-jena`` (`helpers.runs.Run.label`).
VARIANTS = {"09_series_data_and_baselines": {"jena": {"series": "jena"}}}


def notebook_of(label: str) -> str:
    """The notebook of a run label: ``"08_x-jena"`` -> ``"08_x"``."""
    return label.split("-", 1)[0]


def prepare_tests(names=()) -> list[Path]:
    import nbformat
    from papermill.parameterize import parameterize_notebook

    out_dir = build_dir() / "nbval"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    shutil.rmtree(build_dir() / "smoke" / "figures", ignore_errors=True)
    shutil.rmtree(build_dir() / "smoke" / "figure-diffs", ignore_errors=True)
    # results of an earlier smoke run would stand in for notebooks not run now
    shutil.rmtree(build_dir() / "smoke" / "results", ignore_errors=True)
    written = []
    for path in notebook_paths(names):
        runs = {"": {}, **VARIANTS.get(path.stem, {})}
        for suffix, parameters in runs.items():
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:  # papermill expects tags on every cell
                cell.metadata.setdefault("tags", [])
            nb = parameterize_notebook(nb, {**QUICK, **parameters})
            target = out_dir / (f"{path.stem}-{suffix}.ipynb" if suffix else path.name)
            nbformat.write(nb, target)
            written.append(target)
    return written


#: What matplotlib's image comparison (and its test decorator) write beside an
#: image: not figures of a notebook.
COMPARISON_ARTIFACTS = ("-failed-diff.png", "-expected.png")


def is_figure(path: Path) -> bool:
    """A figure a notebook saved: a ``.png`` that is no comparison artifact."""
    return path.suffix == ".png" and not path.name.endswith(COMPARISON_ARTIFACTS)


#: The Keras backend that made the figure baselines in ``tests/baselines/``.
BASELINE_BACKEND = "tensorflow"


def uncompared_reason(backend: str) -> str | None:
    """Why figures made on ``backend`` are not compared with the baselines.

    ``None`` for TensorFlow, whose figures are compared pixel by pixel. JAX and
    PyTorch train the same models with other kernels, random streams and orders
    of summation: their curves differ from TensorFlow's far beyond the
    comparison's tolerance, and baselines per backend would triple the images to
    review on every change. So their figures are checked to be made (and to
    have a baseline), not compared.
    """
    if backend == BASELINE_BACKEND:
        return None
    return (
        f"made; figures are compared with the baselines under {BASELINE_BACKEND} "
        f"only (this run: {backend}, whose trained curves differ numerically)"
    )


def figures_in(folder: Path, notebooks=None) -> list[Path]:
    """The figures in ``folder/<notebook>/``, of ``notebooks`` (stems) if given."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.glob("*/*.png")
        if is_figure(p)
        and (notebooks is None or notebook_of(p.parent.name) in notebooks)
    )


def update_baselines(names=()) -> list[Path]:
    """Copy the last smoke run's figures to tests/baselines/.

    Each notebook that has smoke figures (``names`` selects some, as in
    `notebook_paths`) gets its baseline folder replaced whole; the other
    notebooks' baselines are kept.
    """
    source = build_dir() / "smoke" / "figures"
    folders = (
        sorted(p for p in source.glob("*") if p.is_dir()) if source.is_dir() else []
    )
    if names:
        chosen = {p.stem for p in notebook_paths(names)}
        folders = [p for p in folders if notebook_of(p.name) in chosen]
    if not folders:
        raise SystemExit(f"No smoke figures in {source}: run `make smoke` first.")
    copied = []
    for folder in folders:
        target_dir = BASELINE_DIR / folder.name
        shutil.rmtree(target_dir, ignore_errors=True)
        for png in sorted(p for p in folder.glob("*.png") if is_figure(p)):
            target = target_dir / png.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(png, target)
            copied.append(target)
    return copied


_SOLUTIONS = re.compile(r"^## Solutions[ \t]*$", re.M)
_SECTION = re.compile(r"^#{1,2} ", re.M)


def _without_solutions(cells: list, name: str) -> list:
    """``cells`` without the ``## Solutions`` section.

    The section runs from the markdown heading ``## Solutions`` up to the next
    heading of level 1 or 2 (the lessons end with it): its code cells and its
    markdown cells, which interpret the solutions' outputs, are all answers.
    Text before the heading in the same cell (the exercises) is kept.
    """
    at = next(
        (
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and _SOLUTIONS.search(c.source)
        ),
        None,
    )
    if at is None:
        raise ValueError(f"{name} has no '## Solutions' heading")
    kept = list(cells[:at])
    heading = cells[at]
    before = heading.source[: _SOLUTIONS.search(heading.source).start()].rstrip()
    if before:
        heading = copy.deepcopy(heading)
        heading.source = before
        kept.append(heading)
    in_solutions = True
    for cell in cells[at + 1 :]:
        if cell.cell_type == "markdown" and _SECTION.search(cell.source):
            in_solutions = False
        if not in_solutions:
            kept.append(cell)
    return kept


def student_edition(names=()) -> list[Path]:
    """Write the notebooks without outputs and solutions to ``build/student/``.

    Every code cell loses its outputs and execution count (and papermill's
    records of the run); the ``## Solutions`` section (its heading, code and
    interpretations) is left out. A cell tagged ``boilerplate``
    (coursetools.tags) is kept, since the notebook needs it to run, with its
    code collapsed (``metadata.jupyter.source_hidden``: JupyterLab and Notebook 7
    show a bar that opens it). Everything else is kept as it is.
    """
    import nbformat

    from coursetools.tags import BOILERPLATE

    out_dir = build_dir() / "student"
    if not names:
        shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebook_paths(names):
        nb = nbformat.read(path, as_version=4)
        nb.cells = _without_solutions(nb.cells, path.name)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
            for key in ("papermill", "execution"):
                cell.metadata.pop(key, None)
            if BOILERPLATE in cell.metadata.get("tags", []):
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        nb.metadata.pop("papermill", None)
        target = out_dir / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m coursetools.notebooks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="execute notebooks with papermill")
    p_run.add_argument("--profile", choices=PROFILES, default="full")
    p_run.add_argument(
        "names", nargs="*", help="notebook numbers (1 or 01) or names; default: all"
    )
    p_prep = sub.add_parser("prepare-tests", help="write smoke copies for nbval")
    p_prep.add_argument("names", nargs="*")
    p_base = sub.add_parser(
        "baselines", help="copy the last smoke run's figures to tests/baselines"
    )
    p_base.add_argument("names", nargs="*")
    p_student = sub.add_parser(
        "student", help="write the notebooks without outputs and solutions"
    )
    p_student.add_argument("names", nargs="*")
    p_kernel = sub.add_parser(
        "kernel", help=f'install the Jupyter kernel "{KERNEL_DISPLAY_NAME}"'
    )
    where = p_kernel.add_mutually_exclusive_group()
    where.add_argument(
        "--user", action="store_true", help="into the user's Jupyter data folder"
    )
    where.add_argument("--prefix", help="into DIR/share/jupyter (default: sys.prefix)")
    args = parser.parse_args(argv)
    if args.command == "run":
        outcomes = run(args.profile, args.names)
        print(summary(outcomes, args.profile), flush=True)
        if not all(o.ok for o in outcomes):
            raise SystemExit(1)
    elif args.command == "prepare-tests":
        ensure_kernel()  # `make test` runs nbval in it (--nbval-kernel-name)
        for path in prepare_tests(args.names):
            print(f"prepared {path.relative_to(project_root())}")
    elif args.command == "kernel":
        path = install_kernel(user=args.user, prefix=args.prefix)
        print(f'installed the Jupyter kernel "{KERNEL_DISPLAY_NAME}" in {path}')
    elif args.command == "student":
        for path in student_edition(args.names):
            print(f"student edition {_shown(path)}")
    else:
        for path in update_baselines(args.names):
            print(f"baseline {path.relative_to(project_root())}")


if __name__ == "__main__":
    main()
