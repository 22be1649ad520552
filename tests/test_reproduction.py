"""The reproduction table: parsed from the notebooks' printed lines, kept current."""

import json

import pytest

from coursetools import reproduction


def test_record_lines_are_parsed():
    lines = [
        "Epoch 1/3",
        "dense_best_val_mae: 0.2192 (normalized)  (book: 0.3)  [profile full]",
        "best_val_accuracy: 0.7598  (book: 0.759)  [profile full]",
        "seconds_per_epoch: 165.1 s  [profile full]",
        "median_words_per_review: 105  [profile smoke]",
        "best_val_accuracy: 0.8  (book: 0.759)  [profile full]",  # printed again
        "data: PRSA_data_2010.1.1-2014.12.31.csv from the mirror (official; )",
        "data: jena_climate_2009_2016.first4000rows.csv from the mirror "
        "(NOT the official file; PARTIAL: first 4,000 rows and first 12 of 15 columns)",
        "data: nietzsche.txt from the cache (official; no checksum is published)",
    ]
    nb = reproduction.parse_lines("08_x", lines)
    rows = {r.name: r for r in nb.rows}
    assert list(rows) == [
        "dense_best_val_mae",
        "best_val_accuracy",
        "seconds_per_epoch",
        "median_words_per_review",
    ]
    mae = rows["dense_best_val_mae"]
    assert (mae.value, mae.unit, mae.book, mae.profile) == (
        "0.2192",
        "(normalized)",
        "0.3",
        "full",
    )
    assert mae.difference == "-0.0808"
    assert rows["best_val_accuracy"].value == "0.8"  # the last printed wins
    assert rows["best_val_accuracy"].unit == ""
    assert rows["seconds_per_epoch"].unit == "s"
    assert rows["seconds_per_epoch"].book is None
    assert rows["seconds_per_epoch"].difference == ""
    assert rows["median_words_per_review"].profile == "smoke"
    assert [d["label"] for d in nb.data] == ["substitute", "partial", "official"]


def test_a_notebook_without_records_gets_a_row(tmp_path):
    empty = {"cells": [{"cell_type": "code", "source": "", "outputs": []}]}
    (tmp_path / "09_empty.ipynb").write_text(json.dumps(empty))
    results = reproduction.collect(tmp_path)
    assert [r.notebook for r in results] == ["09_empty"]
    assert "nothing recorded" in reproduction.table(results)


def test_the_page_links_the_notebooks_from_docs():
    nb = reproduction.parse_lines("01_a", ["x: 1  (book: 2)  [profile full]"])
    page = reproduction.page([nb])
    assert page.startswith("# Reproduction table\n")
    # one book number, not told apart as text or output; no data named: no difference
    assert (
        "| [01](../notebooks/01_a.ipynb) | `x` | 1 |  | 2* |  | not printed |" in page
    )
    assert "(reproduce.md)" in page


def test_only_docs_are_written(tmp_path, monkeypatch):
    """The generator writes docs/reproduction.md, nothing else (not the README)."""
    target = tmp_path / "docs" / "reproduction.md"
    monkeypatch.setattr(reproduction, "TABLE_FILE", target)
    nb = reproduction.parse_lines("01_a", ["x: 1  [profile full]"])
    assert reproduction.stale([nb]) == [target]
    assert reproduction.write([nb]) == [target]
    assert target.read_text("utf-8") == reproduction.page([nb])
    assert reproduction.stale([nb]) == []
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["reproduction.md"]


def test_committed_table_matches_the_committed_notebooks():
    """docs/reproduction.md is what the committed notebooks give.

    After re-running a notebook, run `python -m coursetools.reproduction --write`
    (or `make reproduction`) and commit the file with the notebook.
    """
    stale = reproduction.stale()
    assert not stale, (
        f"out of date: {[p.name for p in stale]}; run "
        "`python -m coursetools.reproduction --write` and commit the result"
    )


def test_committed_results_are_those_the_committed_notebooks_print():
    """notebooks/results/ holds what the committed full runs recorded, and
    `helpers.recorded` compares later lessons with it: it must not drift.

    Each file was written by the run that the committed notebook shows (its
    records fall within the notebook's run), and every number the notebook
    printed as a record line (``name: value ...``) is the recorded one.
    """
    from datetime import datetime

    from helpers import reporting, runs

    files = sorted(runs.COMMITTED_RESULTS_DIR.glob("*.json"))
    assert files, f"no recorded results in {runs.COMMITTED_RESULTS_DIR}"
    committed = {p.stem: p for p in reproduction.NOTEBOOK_DIR.glob("[0-9]*.ipynb")}
    for path in files:
        assert path.stem in committed, (
            f"{path.name}: no committed notebook of that name"
        )
        nb = json.loads(committed[path.stem].read_text(encoding="utf-8"))
        run = nb["metadata"]["papermill"]
        began = datetime.fromisoformat(run["start_time"]).replace(microsecond=0)
        ended = datetime.fromisoformat(run["end_time"])
        lines = [
            line
            for cell in nb["cells"]
            if cell["cell_type"] == "code"
            for line in reproduction._output_lines(cell)
        ]
        entries = json.loads(path.read_text(encoding="utf-8"))
        for entry in entries:
            name = entry["name"]
            assert entry["profile"] == "full", f"{path.name}: {name}"
            recorded_at = datetime.fromisoformat(entry["recorded_at"])
            assert began <= recorded_at <= ended, (
                f"{path.name}: {name} was not recorded by the committed run"
            )
            printed = [
                line.split()[1] for line in lines if line.startswith(f"{name}: ")
            ]
            for value in printed:
                assert value == reporting._fmt(entry["value"]), f"{path.name}: {name}"
            values = entry.get("values")
            if values:  # the per-seed values that the recorded mean summarizes
                mean = sum(values) / len(values)
                assert entry["value"] == pytest.approx(mean, rel=1e-3), name


def test_results_files_give_the_book_apart_and_differences_on_the_same_data(tmp_path):
    def entry(name, value, book, book_text, dataset, file, official=True):
        return {
            "name": name,
            "value": value,
            "unit": "",
            "book": book,
            "book_text": book_text,
            "profile": "full",
            "data": [{"dataset": dataset, "file": file, "official": official}],
        }

    (tmp_path / "results").mkdir()
    for stem, entries in {
        "03_a": [entry("acc", 0.7598, 0.7594, "~76%", "imdb", "aclImdb")],
        "09_b": [entry("mae", 0.2, 0.2644, "~0.265", "beijing_pm25", "PRSA_data.csv")],
    }.items():
        (tmp_path / f"{stem}.ipynb").write_text(json.dumps({"cells": []}))
        (tmp_path / "results" / f"{stem}.json").write_text(json.dumps(entries))
    text = reproduction.table(reproduction.collect(tmp_path))
    assert "| `acc` | 0.7598 | ~76% | 0.7594 | +0.0004 | official (`aclImdb`) |" in text
    # a stand-in for the book's data: no difference of digits
    assert "| `mae` | 0.2 | ~0.265 | 0.2644 |  | substitute (`PRSA_data.csv`) |" in text
