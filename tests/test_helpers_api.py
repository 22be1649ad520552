"""`helpers` is the lessons' package: it exports what the notebooks call, no more.

The names a notebook calls are read from its code cells (``helpers.<name>``, and
``from helpers import <name>``). A public name of `helpers` (its ``__all__``)
that no notebook uses fails the test: drop it from ``__all__`` (keep the
function in its module if another helper needs it) or use it in a lesson. The
course's tooling lives in `coursetools`, which `helpers` never imports, and the
modules of `helpers` import each other without a cycle.
"""

from __future__ import annotations

import ast
import json
import types
from pathlib import Path

import pytest

import helpers
from coursetools.notebooks import notebook_paths
from helpers.data import project_root

PACKAGE = project_root() / "helpers"


def _code(cell_source: str) -> str:
    """A code cell's Python: IPython's magics and shell lines left out."""
    lines = cell_source.splitlines()
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in lines
    )


def names_used(source: str) -> set[str]:
    """The names of `helpers` that Python ``source`` uses: ``helpers.<name>`` and
    ``from helpers import <name>``."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "helpers"
        ):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "helpers":
            used.update(alias.name for alias in node.names)
    return used


def notebook_names(paths) -> dict[str, set[str]]:
    """Each name of `helpers` the notebooks' code cells use, with the notebooks."""
    found: dict[str, set[str]] = {}
    for path in paths:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"]
            source = source if isinstance(source, str) else "".join(source)
            for name in names_used(_code(source)):
                found.setdefault(name, set()).add(Path(path).stem[:2])
    return found


def unused_exports(exported, used) -> list[str]:
    return sorted(set(exported) - set(used))


def module_imports(package: Path) -> dict[str, set[str]]:
    """Which modules of ``package`` each of its modules imports (anywhere in it,
    inside functions too)."""
    name = package.name
    graph = {}
    for path in sorted(package.glob("*.py")):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    parts = (node.module or "").split(".")
                    deps.update(
                        [parts[0]] if node.module else [a.name for a in node.names]
                    )
                elif node.level == 0 and (node.module or "").startswith(name + "."):
                    deps.add(node.module.split(".")[1])
                elif node.level == 0 and node.module == name:
                    deps.update(a.name for a in node.names)
            elif isinstance(node, ast.Import):
                deps.update(
                    a.name.split(".")[1]
                    for a in node.names
                    if a.name.startswith(name + ".")
                )
        graph[path.stem] = {d for d in deps if (package / f"{d}.py").exists()}
    graph.pop("__init__", None)
    return {module: deps - {module} for module, deps in graph.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (``[a, b, a]``), or None."""
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                return trail[trail.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep, trail + [dep])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


USED = notebook_names(notebook_paths())


def test_the_notebooks_use_helpers():
    assert {"setup", "save_fig", "record", "summary"} <= set(USED), sorted(USED)


def test_every_public_name_is_used_by_a_notebook():
    unused = unused_exports(helpers.__all__, USED)
    assert not unused, (
        f"helpers exports {unused}, which no notebook uses: remove them from "
        "helpers/__init__.py (a helper that needs one imports it from its module)"
    )


def test_every_name_a_notebook_uses_exists():
    missing = {
        name: sorted(nbs) for name, nbs in USED.items() if not hasattr(helpers, name)
    }
    assert not missing, f"notebooks use names that helpers lacks: {missing}"


def test_all_lists_every_public_function_and_nothing_else():
    public = {
        name
        for name, value in vars(helpers).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(helpers.__all__)


def test_the_lessons_package_has_no_import_cycle():
    graph = module_imports(PACKAGE)
    assert {"runs", "plotting", "data"} <= set(graph)
    assert find_cycle(graph) is None, find_cycle(graph)


def test_helpers_never_imports_the_tooling():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(m.split(".")[0] == "coursetools" for m in modules), path


# -- the checks themselves can fail ---------------------------------------------
def test_names_are_read_from_code_cells_only(tmp_path):
    cells = [
        {"cell_type": "code", "source": "%matplotlib inline\nrun = helpers.setup()"},
        {"cell_type": "code", "source": ["from helpers import record\n", "x = 1"]},
        {"cell_type": "code", "source": "helpers.data.fetch('imdb')"},
        {"cell_type": "markdown", "source": "`helpers.load_glove` in prose"},
    ]
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    found = notebook_names([path])
    assert found == {"setup": {"01"}, "record": {"01"}, "data": {"01"}}
    assert unused_exports(["setup", "record", "load_glove"], found) == ["load_glove"]


def test_a_cycle_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .a import f\n")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def g():\n    from pkg.c import h\n")
    (package / "c.py").write_text("import numpy\n")
    assert find_cycle(module_imports(package)) is None
    (package / "c.py").write_text("def h():\n    from .a import f\n")
    assert find_cycle(module_imports(package)) == ["a", "b", "c", "a"]


@pytest.mark.parametrize("name", ["notebooks", "site", "benchmarks", "reproduction"])
def test_the_tooling_moved_out_of_helpers(name):
    assert not (PACKAGE / f"{name}.py").exists()
    assert (project_root() / "coursetools" / f"{name}.py").exists()
