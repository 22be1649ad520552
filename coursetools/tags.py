"""The ``boilerplate`` cell tag: suggest which code cells carry it, and apply it.

    python -m coursetools.tags suggest NAME ...       # candidate cells, by rule
    python -m coursetools.tags apply NAME INDEX ...   # tag these code cells

A code cell is boilerplate when the class does not need to read its code: the
parameters cell, the setup cell (imports, ``helpers.setup``), plotting
(``plt``/``ax``/``fig`` calls, ``helpers.plot_*``, ``helpers.save_fig``), seeding
and bookkeeping (``helpers.record_*``, ``print(helpers.summary())``). What each
edition does with the tag (docs/site.md, "Boilerplate cells"): the slides leave
its code out and keep its outputs, the site collapses its code (myst-nb's
``hide-input``), the student edition collapses it too (JupyterLab's
``source_hidden``) and keeps it runnable.

``suggest`` prints every code cell with its index, its first line and what the
rules say: ``boilerplate`` (every statement is one of the above), ``check``
(mostly plotting, with some computing: a person decides), or nothing. It only
reads. ``apply`` adds the tag to the code cells at the given indices (as
``suggest`` prints them) and changes nothing else: the notebook is rewritten
with the formatting it is committed with (``json``, indent 1, a trailing
newline), its sources and outputs untouched. A person checks every tag.
"""

from __future__ import annotations

import argparse
import ast
import json
from pathlib import Path

BOILERPLATE = "boilerplate"
_SEEDING = {
    "keras.utils.set_random_seed",
    "helpers.seed_everything",
    "np.random.seed",
    "tf.random.set_seed",
}
_PLOT_ROOTS = {"plt"}


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call | ast.Subscript):
        return _dotted(node.func if isinstance(node, ast.Call) else node.value)
    return ""


def _names(target) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _is_plot_call(node, plot_names: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = _dotted(node.func)
    root = name.split(".")[0]
    return (
        root in plot_names
        or name == "helpers.save_fig"
        or name.startswith("helpers.plot_")
    )


def _kind(stmt, plot_names: set[str]) -> str | None:
    """What a top-level statement is: setup, plot, seed, record, or None."""
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return "setup"
    value = getattr(stmt, "value", None)
    if isinstance(stmt, ast.Assign | ast.AnnAssign) and value is not None:
        if _dotted(value) in ("helpers.setup", "run.settings"):
            return "setup"
        if _is_plot_call(value, plot_names):
            for target in getattr(stmt, "targets", [getattr(stmt, "target", None)]):
                plot_names |= _names(target)
            return "plot"
        return None
    if isinstance(stmt, ast.Expr):
        if isinstance(value, ast.Name):
            return "display"
        if _is_plot_call(value, plot_names):
            return "plot"
        name = _dotted(value) if isinstance(value, ast.Call) else ""
        if name in _SEEDING:
            return "seed"
        if name.startswith("helpers.record"):
            return "record"
        if name == "print" and [_dotted(a) for a in value.args] == ["helpers.summary"]:
            return "record"
        return None
    if isinstance(stmt, ast.For):
        if _names(stmt.iter) & plot_names:
            plot_names |= _names(stmt.target)
        kinds = {_kind(s, plot_names) for s in stmt.body}
        return "plot" if kinds == {"plot"} else None
    return None


def classify(source: str, tags=()) -> str | None:
    """``boilerplate``, ``check`` (mostly plotting: a person decides) or None."""
    if "parameters" in tags:
        return BOILERPLATE
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics
        return None
    if not body:
        return None
    plot_names = set(_PLOT_ROOTS)
    kinds = [_kind(s, plot_names) for s in body]
    if "display" in kinds and "setup" not in kinds:
        kinds = [None if k == "display" else k for k in kinds]
    if None not in kinds:
        return BOILERPLATE
    if kinds.count("plot") >= len(kinds) / 2:
        return "check"
    return None


def _read(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")


def suggest(path: Path) -> list[tuple[int, str, str | None]]:
    """(index, first line, classification) for every code cell of ``path``."""
    rows = []
    for i, cell in enumerate(_read(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tags = cell["metadata"].get("tags", [])
        first = source.strip().splitlines()[0] if source.strip() else ""
        verdict = "tagged" if BOILERPLATE in tags else classify(source, tags)
        rows.append((i, first, verdict))
    return rows


def apply(path: Path, indices) -> list[int]:
    """Tag the code cells at ``indices`` of ``path`` as boilerplate; return them."""
    nb = _read(path)
    done = []
    for i in indices:
        cell = nb["cells"][i]
        if cell["cell_type"] != "code":
            raise SystemExit(f"{path.name}: cell {i} is not a code cell")
        tags = cell["metadata"].setdefault("tags", [])
        if BOILERPLATE not in tags:
            tags.append(BOILERPLATE)
            done.append(i)
    _write(path, nb)
    return done


def main(argv=None) -> None:
    from coursetools.notebooks import notebook_paths

    parser = argparse.ArgumentParser(
        prog="python -m coursetools.tags",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_suggest = sub.add_parser("suggest", help="print candidate boilerplate cells")
    p_suggest.add_argument("names", nargs="*")
    p_apply = sub.add_parser("apply", help="tag code cells as boilerplate")
    p_apply.add_argument("name")
    p_apply.add_argument("indices", nargs="+", type=int)
    args = parser.parse_args(argv)
    if args.command == "suggest":
        for path in notebook_paths(args.names):
            print(f"== {path.name}")
            for i, first, verdict in suggest(path):
                print(f"  [{i:2d}] {verdict or '':11s} {first[:70]}")
    else:
        (path,) = notebook_paths([args.name])
        done = apply(path, args.indices)
        print(f"{path.name}: tagged {done or 'nothing new'}")


if __name__ == "__main__":
    main()
