"""Execute the course notebooks, and prepare them for the tests.

    python -m helpers.notebooks run [--profile full|smoke] [NAME ...]
    python -m helpers.notebooks prepare-tests
    python -m helpers.notebooks baselines

``run`` executes notebooks with papermill. The ``full`` profile writes the
outputs back into ``notebooks/`` (that is how the committed outputs are made);
``smoke`` writes executed copies to ``build/smoke/notebooks/``. Wall times go
to ``build/<profile>/timings.json``.

``prepare-tests`` writes copies of the committed notebooks, with the smoke
profile injected as a papermill parameter and their full-run outputs kept, to
``build/nbval/``; ``pytest --nbval-lax`` executes those and compares the cells
marked ``# NBVAL_CHECK_OUTPUT`` with the committed outputs.

``baselines`` copies the figures of the last smoke run to ``tests/baselines/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from .data import project_root
from .runs import PROFILES, build_dir

NOTEBOOK_DIR = project_root() / "notebooks"
BASELINE_DIR = project_root() / "tests" / "baselines"


def notebook_paths(names=()) -> list[Path]:
    """The course notebooks, in order; ``names`` filters by prefix (``"01"``)."""
    paths = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.stem.startswith(n) for n in names)]
        if not paths:
            raise SystemExit(f"No notebook matches {list(names)} in {NOTEBOOK_DIR}")
    return paths


def _kernel_env() -> None:
    # The notebooks' kernel must be this interpreter (the project's virtual env).
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def run(profile: str = "full", names=()) -> dict[str, float]:
    import papermill

    _kernel_env()
    timings_file = build_dir() / profile / "timings.json"
    timings = json.loads(timings_file.read_text()) if timings_file.exists() else {}
    for path in notebook_paths(names):
        out = (
            path
            if profile == "full"
            else build_dir() / profile / "notebooks" / path.name
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(build_dir() / profile / "figures" / path.stem, ignore_errors=True)
        print(f"[{profile}] {path.name} ...", flush=True)
        start = time.perf_counter()
        papermill.execute_notebook(
            str(path),
            str(out),
            # The full profile is every notebook's default: inject nothing, so
            # the committed notebooks carry no injected-parameters cell.
            parameters={} if profile == "full" else {"profile": profile},
            cwd=str(NOTEBOOK_DIR),
            kernel_name="python3",
            progress_bar=False,
        )
        _relative_paths(out)
        timings[path.stem] = round(time.perf_counter() - start, 1)
        print(f"[{profile}] {path.name}: {timings[path.stem]:.0f} s", flush=True)
        timings_file.parent.mkdir(parents=True, exist_ok=True)
        timings_file.write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")
    return timings


def _relative_paths(path: Path) -> None:
    """Papermill records absolute paths; keep the committed notebooks portable."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    info = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if info.get(key):
            recorded = Path(info[key])
            try:
                info[key] = str(recorded.resolve().relative_to(project_root()))
            except ValueError:  # run from another checkout of the course
                info[key] = str(Path("notebooks") / recorded.name)
    nbformat.write(nb, path)


def prepare_tests(names=()) -> list[Path]:
    import nbformat
    from papermill.parameterize import parameterize_notebook

    out_dir = build_dir() / "nbval"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    shutil.rmtree(build_dir() / "smoke" / "figures", ignore_errors=True)
    written = []
    for path in notebook_paths(names):
        nb = nbformat.read(path, as_version=4)
        nb = parameterize_notebook(nb, {"profile": "smoke"})
        target = out_dir / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written


def update_baselines(names=()) -> list[Path]:
    """Copy the last smoke run's figures to tests/baselines/.

    Each notebook that has smoke figures (``names`` filters by prefix) gets its
    baseline folder replaced whole; the other notebooks' baselines are kept.
    """
    source = build_dir() / "smoke" / "figures"
    folders = (
        sorted(p for p in source.glob("*") if p.is_dir()) if source.is_dir() else []
    )
    if names:
        folders = [p for p in folders if any(p.name.startswith(n) for n in names)]
    if not folders:
        raise SystemExit(f"No smoke figures in {source}: run `make smoke` first.")
    copied = []
    for folder in folders:
        target_dir = BASELINE_DIR / folder.name
        shutil.rmtree(target_dir, ignore_errors=True)
        for png in sorted(folder.glob("*.png")):
            target = target_dir / png.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(png, target)
            copied.append(target)
    return copied


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.notebooks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="execute notebooks with papermill")
    p_run.add_argument("--profile", choices=PROFILES, default="full")
    p_run.add_argument("names", nargs="*", help="notebook number prefixes, e.g. 01 02")
    p_prep = sub.add_parser("prepare-tests", help="write smoke copies for nbval")
    p_prep.add_argument("names", nargs="*")
    p_base = sub.add_parser(
        "baselines", help="copy the last smoke run's figures to tests/baselines"
    )
    p_base.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "run":
        timings = run(args.profile, args.names)
        total = sum(timings.values())
        print(
            f"Executed {len(timings)} notebooks ({args.profile}): {total:.0f} s in all"
        )
    elif args.command == "prepare-tests":
        for path in prepare_tests(args.names):
            print(f"prepared {path.relative_to(project_root())}")
    else:
        for path in update_baselines(args.names):
            print(f"baseline {path.relative_to(project_root())}")


if __name__ == "__main__":
    main()
