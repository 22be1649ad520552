"""Re-run notebooks at full size and compare them with their committed runs.

    python -m coursetools.reproduce NAME [NAME ...]       (make reproduce NB=...)
    python -m coursetools.reproduce --no-run NAME [...]    compare the last run again

NAME is a notebook number or name, as for ``make notebooks``. The notebooks run
in the full profile with ``build/reproduce/`` as the build folder
(``COURSE_BUILD_DIR``): the executed notebooks go to
``build/reproduce/notebooks/``, their recorded numbers to
``build/reproduce/full/results/`` (a lesson that reads an earlier lesson's
numbers, `helpers.recorded`, reads this reproduction's run of it, or the
committed one). Nothing is written into ``notebooks/``: not the committed
notebooks, not ``notebooks/results/``.

Then, for every number the notebook records (`helpers.record`), the committed
value (``notebooks/results/<notebook>.json``), this run's, and whether they
agree (`tolerance` says within what), and one HTML page,
``build/reproduce/report.html``, with the figures of the committed notebook and
of this run side by side. A notebook without committed results is run and its
numbers shown, with a line that says there is nothing to compare them with.

Exits non-zero when a notebook failed, or a number is outside its tolerance.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers.data import project_root
from helpers.runs import BUILD_ENV, COMMITTED_RESULTS_DIR

#: Two single runs (a seed, or another processor's rounding) of a trained model:
#: agreement within 5% of the committed value. The seed spreads the lessons
#: record are 0.3-0.9% of the value for the forecasting models (09, 10) and
#: the LSTMs of 12: two single runs differ by sqrt(2) spreads, so 5% is 3 of
#: those standard deviations for a spread of up to 1.2% (docs/reproduce.md).
DEFAULT_RELATIVE = 0.05
#: A mean over seeds: 3 standard deviations of the difference of two means of
#: n seeds, ``3 * s * sqrt(2 / n)``, with ``s`` the seeds' standard deviation
#: (both runs' pooled), and never less than 1% of the value (3 seeds can agree
#: by chance far more closely than they usually do).
SIGMAS = 3.0
SEED_FLOOR_RELATIVE = 0.01


@dataclass
class Comparison:
    """One recorded number: committed, this run's, and the verdict."""

    name: str
    committed: dict | None
    fresh: dict | None
    tolerance: float | None = None
    why: str = ""  # how the tolerance was chosen, or why there is none
    agree: bool | None = None  # None: not judged

    @property
    def verdict(self) -> str:
        if self.committed is None:
            return "new (not in the committed run)"
        if self.fresh is None:
            return "MISSING from this run"
        if self.agree is None:
            return f"not judged ({self.why})"
        return "agree" if self.agree else "DIFFER"


def _values(entry: dict) -> list[float]:
    return [float(v) for v in (entry.get("values") or [])]


def _std(values: list[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


def is_timing(entry: dict) -> bool:
    """Wall times (and their ratios) measure the machine, not the lesson."""
    return entry.get("unit") == "s" or "seconds" in entry["name"]


def is_spread(entry: dict) -> bool:
    """A standard deviation over seeds, recorded beside its mean."""
    return entry["name"].endswith("_std")


def tolerance(committed: dict, fresh: dict) -> tuple[float | None, str]:
    """How far this run's value may be from the committed one, and why.

    ``None`` for numbers not judged: wall times, and the standard deviations
    recorded beside means (over 3 seeds a standard deviation is itself too
    uncertain to test). A mean over n seeds (``values``): `SIGMAS` standard
    deviations of the difference of two such means, with the pooled seed
    spread, at least `SEED_FLOOR_RELATIVE` of the value. Any other number:
    `DEFAULT_RELATIVE` of the value.
    """
    if is_timing(committed):
        return None, "a wall time: it measures the machine"
    if is_spread(committed):
        return None, "a seed spread, too uncertain over a few seeds to test"
    value = abs(float(committed["value"]))
    seeds = _values(committed)
    if len(seeds) >= 2:
        spreads = [_std(seeds)]
        if len(_values(fresh)) >= 2:
            spreads.append(_std(_values(fresh)))
        s = math.sqrt(sum(x * x for x in spreads) / len(spreads))
        n = len(seeds)
        tol = SIGMAS * s * math.sqrt(2 / n)
        floor = SEED_FLOOR_RELATIVE * value
        if tol >= floor:
            return tol, f"{SIGMAS:g} × spread {s:.2g} × √(2/{n}), {n} seeds"
        return floor, f"{SEED_FLOOR_RELATIVE:.0%} of the value ({n} seeds agree closer)"
    return DEFAULT_RELATIVE * value, f"{DEFAULT_RELATIVE:.0%} of the value, one run"


def compare(committed: list[dict], fresh: list[dict]) -> list[Comparison]:
    """Every recorded name of either run, in the committed order, then new ones."""
    old = {e["name"]: e for e in committed}
    new = {e["name"]: e for e in fresh}
    names = list(old) + [n for n in new if n not in old]
    out = []
    for name in names:
        c, f = old.get(name), new.get(name)
        row = Comparison(name, c, f)
        if c is not None and f is not None:
            if not all(
                isinstance(e["value"], int | float) and not isinstance(e["value"], bool)
                for e in (c, f)
            ):
                row.agree, row.why = c["value"] == f["value"], "exact"
                row.tolerance = 0.0
            else:
                row.tolerance, row.why = tolerance(c, f)
                if row.tolerance is not None:
                    diff = abs(float(f["value"]) - float(c["value"]))
                    row.agree = diff <= row.tolerance
        out.append(row)
    return out


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _shown(entry: dict | None) -> str:
    if entry is None:
        return "-"
    text = _fmt(entry["value"])
    seeds = _values(entry)
    if len(seeds) >= 2:
        text += f" ± {_std(seeds):.2g}"
    return text


def _difference(row: Comparison) -> str:
    try:
        diff = float(row.fresh["value"]) - float(row.committed["value"])
    except (TypeError, ValueError, KeyError):
        return ""
    return f"{diff:+.3g}"


def _unit(unit: str) -> str:
    if not unit:
        return ""
    return f" {unit}" if unit.startswith("(") else f" ({unit})"


def table(rows: list[Comparison]) -> str:
    """The comparison as aligned text, one line a number."""
    head = ["quantity", "committed", "this run", "difference", "tolerance", "verdict"]
    lines = [head]
    for row in rows:
        unit = (row.committed or row.fresh or {}).get("unit", "")
        tol = f"± {row.tolerance:.3g}" if row.tolerance is not None else ""
        verdict = row.verdict
        if row.agree is not None and row.why != "exact":
            verdict += f" ({row.why})"
        lines.append(
            [
                row.name + _unit(unit),
                _shown(row.committed),
                _shown(row.fresh),
                _difference(row) if row.committed and row.fresh else "",
                tol,
                verdict,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        for line in lines
    )


def load(path: Path) -> list[dict] | None:
    """The records in ``path``; None when there is no such file."""
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _machine(entries: list[dict]) -> str:
    if not entries:
        return "nothing recorded"
    e = entries[-1]
    return (
        f"Keras {e.get('keras', '?')}, {e.get('backend', '?')}, "
        f"{e.get('machine', '?')}, {e.get('recorded_at', '?')}"
    )


@dataclass
class Report:
    """One notebook's reproduction: its numbers and its figures."""

    notebook: str
    error: str | None
    committed: list[dict] | None
    fresh: list[dict]
    rows: list[Comparison]
    committed_notebook: Path
    run_notebook: Path

    @property
    def differing(self) -> list[Comparison]:
        return [r for r in self.rows if r.agree is False or r.fresh is None]

    def text(self) -> str:
        lines = [f"== {self.notebook}"]
        if self.error:
            lines.append(f"this run FAILED: {self.error}")
        if self.committed is None:
            lines.append(
                f"No committed results: notebooks/results/{self.notebook}.json does "
                "not exist (only the notebooks whose full run was committed with "
                "the runner have one). This run's numbers, with nothing to "
                "compare them with:"
            )
        else:
            lines.append(f"committed run: {_machine(self.committed)}")
        lines.append(f"this run:      {_machine(self.fresh)}")
        if not self.fresh and not self.error:
            lines.append(
                "(no numbers from this run: has it run? "
                f"`make reproduce NB={self.notebook[:2]}`)"
            )
        if self.rows:
            lines.append(table(self.rows))
        judged = [r for r in self.rows if r.agree is not None]
        unjudged = [r for r in self.rows if r.agree is None and r.committed and r.fresh]
        if self.committed is not None:
            lines.append(
                f"{sum(r.agree for r in judged)} of {len(judged)} judged numbers "
                f"agree; {len(self.differing)} differ or are missing from this run; "
                f"{len(unjudged)} not judged"
            )
        return "\n".join(lines)


# -- figures ---------------------------------------------------------------------
_SAVED = re.compile(r"save_fig\(\s*(?:f?[\"'])([^\"']+)[\"']")


def _images(cell: dict) -> list[str]:
    """The base64 PNGs a code cell's outputs show."""
    found = []
    for output in cell.get("outputs", []):
        png = output.get("data", {}).get("image/png")
        if png:
            found.append(png if isinstance(png, str) else "".join(png))
    return found


def _caption(cell: dict, index: int) -> str:
    source = cell.get("source", "")
    source = source if isinstance(source, str) else "".join(source)
    if match := _SAVED.search(source):
        return match.group(1)
    first = next((line for line in source.splitlines() if line.strip()), "")
    return f"code cell {index}: {first[:80]}"


def figure_pairs(committed: Path, run: Path | None) -> list[tuple[str, list, list]]:
    """``(caption, committed PNGs, this run's PNGs)`` for every code cell that
    shows a figure in either notebook, paired by code cell (the two are the same
    notebook, so their code cells correspond one to one)."""

    def code_cells(path):
        if path is None or not Path(path).exists():
            return []
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        return [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]

    old, new = code_cells(committed), code_cells(run)
    pairs = []
    for i in range(max(len(old), len(new))):
        a = _images(old[i]) if i < len(old) else []
        b = _images(new[i]) if i < len(new) else []
        if a or b:
            pairs.append((_caption((old or new)[i], i), a, b))
    return pairs


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 110em;
       line-height: 1.4; padding: 0 1em; }
table.numbers { border-collapse: collapse; font-size: 0.9em; }
table.numbers td, table.numbers th { border-bottom: 1px solid #ddd;
       padding: 0.2em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.differ { color: #b00020; font-weight: bold; }
.agree { color: #1b5e20; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em;
        border-top: 1px solid #ccc; padding: 0.5em 0; }
.pair img { max-width: 100%; }
.none { color: #888; font-style: italic; }
"""


def _img(png: str) -> str:
    base64.b64decode(png, validate=True)  # refuse anything but base64 data
    return f'<img alt="" src="data:image/png;base64,{png}">'


def html_page(reports: list[Report]) -> str:
    """One self-contained page: each notebook's numbers, then its figures, the
    committed run's on the left and this run's on the right."""
    e = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        "<title>Reproduction: committed runs and this run</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Reproduction: the committed runs and this run</h1>",
        "<p>Left: the committed notebook in <code>notebooks/</code>. Right: "
        "this run, in <code>build/reproduce/notebooks/</code>. Tolerances: "
        "docs/reproduce.md.</p>",
    ]
    for report in reports:
        parts.append(f"<h2>{e(report.notebook)}</h2>")
        if report.error:
            parts.append(f'<p class="differ">This run failed: {e(report.error)}</p>')
        if report.committed is None:
            parts.append(
                '<p class="none">No committed results for this notebook: '
                "its numbers are shown, not compared.</p>"
            )
        if report.rows:
            parts.append(
                '<table class="numbers"><tr><th>quantity</th><th>committed</th>'
                "<th>this run</th><th>difference</th><th>tolerance</th>"
                "<th>verdict</th></tr>"
            )
            for row in report.rows:
                tol = f"± {row.tolerance:.3g}" if row.tolerance is not None else ""
                css = {True: "agree", False: "differ"}.get(row.agree, "")
                if row.committed is not None and row.fresh is None:
                    css = "differ"
                unit = (row.committed or row.fresh or {}).get("unit", "")
                parts.append(
                    f"<tr><td><code>{e(row.name)}</code>{e(_unit(unit))}</td>"
                    f'<td class="num">{e(_shown(row.committed))}</td>'
                    f'<td class="num">{e(_shown(row.fresh))}</td>'
                    f'<td class="num">{e(_difference(row) if row.committed and row.fresh else "")}</td>'
                    f'<td class="num">{e(tol)}</td>'
                    f'<td class="{css}">{e(row.verdict)}'
                    f"{e(' (' + row.why + ')') if row.agree is not None else ''}</td></tr>"
                )
            parts.append("</table>")
        pairs = figure_pairs(report.committed_notebook, report.run_notebook)
        parts.append(f"<h3>Figures ({len(pairs)})</h3>")
        if not pairs:
            parts.append('<p class="none">No figures in either notebook.</p>')
        for caption, old, new in pairs:
            left = "".join(map(_img, old)) or '<p class="none">none</p>'
            right = "".join(map(_img, new)) or '<p class="none">none</p>'
            parts.append(
                f'<div class="pair"><div><b>{e(caption)}</b>, committed<br>{left}</div>'
                f"<div><b>{e(caption)}</b>, this run<br>{right}</div></div>"
            )
    parts.append("</body></html>\n")
    return "\n".join(parts)


# -- the command -----------------------------------------------------------------
def reproduce_root() -> Path:
    """``build/reproduce/`` (under ``$COURSE_BUILD_DIR`` when it is set)."""
    return Path(os.environ.get(BUILD_ENV) or project_root() / "build") / "reproduce"


def report_for(stem: str, root: Path, error: str | None = None) -> Report:
    from helpers.runs import build_dir

    from .notebooks import NOTEBOOK_DIR

    committed = load(COMMITTED_RESULTS_DIR / f"{stem}.json")
    fresh = load(build_dir() / "full" / "results" / f"{stem}.json") or []
    rows = compare(committed or [], fresh)
    return Report(
        stem,
        error,
        committed,
        fresh,
        rows,
        NOTEBOOK_DIR / f"{stem}.ipynb",
        root / "notebooks" / f"{stem}.ipynb",
    )


def main(argv=None) -> int:
    from . import notebooks

    parser = argparse.ArgumentParser(
        prog="python -m coursetools.reproduce",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("names", nargs="*", help="notebook numbers (08) or names")
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="compare the last reproduction again, without running anything",
    )
    args = parser.parse_args(argv)
    if not args.names:
        numbers = " ".join(p.stem[:2] for p in notebooks.notebook_paths())
        raise SystemExit(
            "Name the notebooks to reproduce, e.g. `make reproduce NB=08` "
            f'or NB="08 09" (notebooks: {numbers}). A full run of one takes '
            "minutes to an hour on a CPU."
        )
    paths = notebooks.notebook_paths(args.names)  # refuses unknown names
    root = reproduce_root()
    os.environ[BUILD_ENV] = str(root)  # the notebooks' kernels inherit it
    without = [
        p.stem for p in paths if not (COMMITTED_RESULTS_DIR / f"{p.stem}.json").exists()
    ]
    if without:
        print(
            f"No committed results for {', '.join(without)}: "
            "they run, and their numbers are shown without a comparison.",
            flush=True,
        )
    errors: dict[str, str | None] = {}
    if not args.no_run:
        print(f"Full runs into {root} (the committed notebooks stay as they are)")
        outcomes = notebooks.run("full", args.names, into=root / "notebooks")
        print(notebooks.summary(outcomes, "full (reproduction)"), flush=True)
        errors = {o.name: o.error for o in outcomes}
    reports = [report_for(p.stem, root, errors.get(p.stem)) for p in paths]
    print()
    for report in reports:
        print(report.text(), end="\n\n")
    page = root / "report.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html_page(reports), encoding="utf-8")
    print(f"Figures side by side: {page}")
    failed = [r.notebook for r in reports if r.error]
    differ = [r.notebook for r in reports if r.committed is not None and r.differing]
    if failed or differ:
        print(
            "Not reproduced: "
            + "; ".join(
                [f"{n} failed" for n in failed]
                + [f"{n} differs from its committed numbers" for n in differ]
            )
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
